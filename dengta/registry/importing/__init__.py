"""Bulk import of enterprises from .xlsx and .csv, on the shared spreadsheet import (dengta.core.importing).

Core reads the file (type by content) and gives back the error workbook and the job with its progress bar;
the registry adds what is about enterprises: ``columns`` (the template's headers), ``validation`` (every
row, nothing written yet), ``writing`` (one transaction, bulk inserts, one event) and ``report`` (the blank
template). ``runner.run_import`` ties them together and is the one code path used by the page (through
``jobs``), ``manage.py import_enterprises`` and the bench.
"""
