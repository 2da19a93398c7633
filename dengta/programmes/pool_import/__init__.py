"""Import of an application's pilot-enterprise pool (试点企业库) from Excel.

Built on the shared spreadsheet import (dengta.core.importing) as the registry's enterprise import and the
assessment history import are: the file's type decided by its content (``reading.open_sheet``: .xlsx read
with python-calamine, or CSV text), its size and row count limited, the header read in Chinese or English
(``header.map_header``), every row checked before anything is written and nothing written unless every row
is valid, each error naming the row, the column, the value and the reason in the reader's language, and the
per-row error report as .xlsx through the one safe cell writer (``report.error_report``).

Each row is 统一社会信用代码, 企业名称 (as registered) and 细分行业 (one of the application's). A file of
5,000 rows is checked with a handful of queries, so the import runs inside the request: ``runner`` (bytes to
outcome, the application locked from the checks to the writing), ``columns``, ``validation`` (every row,
nothing written), ``writing`` (one transaction, ``bulk_create``, one event, one eligibility re-check),
``template`` (the blank template listing the application's sub-industries) and ``reports`` (the error
report kept for download).
"""

from dengta.programmes.pool_import.columns import COLUMNS, REQUIRED
from dengta.programmes.pool_import.reports import JOB_KIND, keep_error_report, pool_import_jobs_of
from dengta.programmes.pool_import.runner import run_pool_import
from dengta.programmes.pool_import.template import template_workbook
from dengta.programmes.pool_import.validation import MAX_ROWS, PoolOutcome, PoolRow
from dengta.programmes.pool_import.writing import application_import_enterprises

__all__ = [
    "COLUMNS",
    "JOB_KIND",
    "MAX_ROWS",
    "REQUIRED",
    "PoolOutcome",
    "PoolRow",
    "application_import_enterprises",
    "keep_error_report",
    "pool_import_jobs_of",
    "run_pool_import",
    "template_workbook",
]
