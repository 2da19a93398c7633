"""Bulk import of enterprises from .xlsx and .csv (issue 2, item 6).

reading (file type by content) → validation (every row, nothing written yet) → writing (one transaction,
bulk inserts, one event) → report (per-row errors as .xlsx). ``runner.run_import`` ties them together and
is the one code path used by the page (through ``jobs``), ``manage.py import_enterprises`` and the bench.
"""
