"""Import of historical results of the 2022 edition (score bands only) from Excel.

Built on the shared spreadsheet import (dengta.core.importing), as the registry's enterprise import is: the
file's type decided by its content (``reading.open_sheet``: .xlsx read with python-calamine, or CSV text),
every row checked before anything is written and nothing written unless every row is valid, per-row errors
naming the row and the column, the error report as .xlsx (``report.error_report``), the importer's
jurisdiction (``scope.ImportScope``) and a background job with a progress bar (``jobs.run_file_job``).

Each row is one enterprise's result on one day: 统一社会信用代码, 评测日期, 总分 and an optional 备注.
The level is not typed in: it follows from the total by the 2022 bands (lower bound inclusive,
dengta.assessment.scoring.bands). Rows are written through ``services.historical_record`` — a scored
assessment and its event each — in one transaction, after checking again under lock that no result for the
same enterprise and day arrived since the rows were checked. An enterprise that is not registered and one
outside the importer's jurisdiction get the same error, so an import never reveals which enterprises exist
elsewhere.

The modules keep reading and checking apart from writing (ARCHITECTURE.md conventions 1, 2 and 14):
``columns`` (the file's columns and header row), ``validation`` (every row checked, nothing written),
``writing`` (the one transaction), ``runner`` (bytes to outcome: the one code path of the page and
``manage.py import_assessments``), ``template`` (the blank template) and ``jobs`` (the background job;
importing this package registers its kind). The viewer's own import jobs are read by
``dengta.assessment.selectors.history_jobs_of``.
"""

from dengta.assessment.history.columns import COLUMNS, FRAMEWORK_CODE, REQUIRED
from dengta.assessment.history.jobs import import_history_job, scope_for_job, start_history_import
from dengta.assessment.history.runner import run_history_import
from dengta.assessment.history.template import template_workbook
from dengta.assessment.history.validation import (
    HistoryOutcome,
    HistoryRow,
    check_rows,
    parse_date,
    parse_total_cell,
)
from dengta.assessment.history.writing import ImportRefused, write_rows

__all__ = [
    "COLUMNS",
    "FRAMEWORK_CODE",
    "REQUIRED",
    "HistoryOutcome",
    "HistoryRow",
    "ImportRefused",
    "check_rows",
    "import_history_job",
    "parse_date",
    "parse_total_cell",
    "run_history_import",
    "scope_for_job",
    "start_history_import",
    "template_workbook",
    "write_rows",
]
