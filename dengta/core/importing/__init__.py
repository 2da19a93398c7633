"""Spreadsheet import shared by every app (ARCHITECTURE.md convention 17).

reading (file type by content, rows with their spreadsheet numbers) → each app's own validation (every row,
nothing written yet, errors as ``rows.RowError``) → the app's writing → ``report.error_report`` (per-row
errors as .xlsx). ``jobs.run_file_job`` runs an import as a background job with a progress bar; ``scope``
says into which regions the importer may import. The registry's enterprise import and the assessment
history import are built on it.
"""
