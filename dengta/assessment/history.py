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
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.assessment.models import Assessment, Framework, Kind
from dengta.assessment.permissions import can_import_history
from dengta.assessment.scoring.bands import BandFramework, level_for_total, parse_total
from dengta.assessment.selectors import current_framework
from dengta.assessment.services import historical_record
from dengta.core.access import Viewer
from dengta.core.actors import Actor
from dengta.core.importing.columns import Column, header_key
from dengta.core.importing.jobs import run_file_job, start_file_job, store_error_report
from dengta.core.importing.outcome import ERRORS_SHOWN, ImportOutcome, check_size, noop_progress
from dengta.core.importing.reading import Cell, FileRefused, open_sheet
from dengta.core.importing.rows import MAX_VALUE_SHOWN, RowError, is_blank_row, shown
from dengta.core.importing.scope import ImportScope
from dengta.core.jobs import job_viewer, register_job
from dengta.core.models import Job
from dengta.core.problems import Problem, gettext_noop
from dengta.core.spreadsheets import Book
from dengta.registry import uscc
from dengta.registry.models import Enterprise
from dengta.registry.text import clean_text, to_half_width

FRAMEWORK_CODE = "miit-2022"
JOB_KIND = "assessment.import_history"
# Each row is written through the service with its own event (about ten queries; 5,000 rows took 24 s on
# SQLite in the tests), so a file is kept to what one background job writes in a minute or two; larger
# collections are split into several files.
MAX_ROWS = 20_000
NOTE_MAX = 500
LOOKUP_CHUNK = 2000  # below SQLite's limit on parameters per statement
# (done, total, message): checking moves the bar from 0 to n of 2n, writing is the second half.
Progress = Callable[[int, int, str], None]

COLUMNS: tuple[Column, ...] = (
    Column(
        "uscc",
        "统一社会信用代码",
        "18位；企业须已在企业库中登记，且在本机构辖区内；请把本列设为文本，以免 Excel 丢失末尾数字",
        "18 characters; the enterprise must be registered and within your jurisdiction;"
        " keep the column as text",
        "91440106MA5ABCDE1X",
    ),
    Column(
        "assessed_on",
        "评测日期",
        "评测（评定）完成的日期，写作 YYYY-MM-DD 或设为 Excel 日期单元格；不能晚于今天",
        "The day of the assessment, as YYYY-MM-DD or an Excel date cell; not in the future",
        "2023-06-30",
    ),
    Column(
        "total",
        "总分",
        "2022年版评测的总分，0–100，最多4位小数；等级按分档自动得出，不必填写",
        "Total score of the 2022 edition, 0-100, at most 4 decimals; the level follows from the bands",
        "52.5",
    ),
    Column("note", "备注", "可选，最多500字", "Optional, at most 500 characters", "2023年度评测结果"),
)
REQUIRED = ("uscc", "assessed_on", "total")
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    ALIASES[header_key(_column.title)] = _column.key
    ALIASES[header_key(_column.key)] = _column.key

FILE_EMPTY = gettext_noop("文件是空的，请上传填好的历史评测结果")
NO_ROWS = gettext_noop("表格中没有数据：第一行应为列名，从下一行起每行一个历史评测结果")
TOO_MANY_ROWS = gettext_noop("数据超过 %(limit)s 行的上限，请拆分成几个文件分别导入")
NOT_LOADED = gettext_noop(
    "2022年版评测框架尚未载入，暂不能导入历史结果，请联系系统管理员运行 load_frameworks"
)
HEADER_UNKNOWN = gettext_noop(
    "无法识别的列名 %(value)s；只能使用 统一社会信用代码、评测日期、总分、备注 四列"
)
HEADER_DUPLICATE = gettext_noop("列 %(value)s 出现了两次")
HEADER_MISSING = gettext_noop("缺少列：%(columns)s")
NOT_IN_JURISDICTION = Problem(
    "enterprise_not_found",
    gettext_noop("本机构辖区内没有以此统一社会信用代码登记的企业：该企业尚未登记，或不在本机构辖区内"),
)
DATE_REQUIRED = Problem("date_required", gettext_noop("请填写评测日期"))
DATE_FORMAT = gettext_noop("评测日期应写作 YYYY-MM-DD（如 2023-06-30）或设为日期单元格，不能是 %(value)s")
DATE_AS_NUMBER = gettext_noop("评测日期是数字 %(value)s 而不是日期；请把本列设为日期格式，或写作 YYYY-MM-DD")
DATE_INVALID = gettext_noop("日期 %(value)s 不存在")
DATE_FUTURE = gettext_noop("评测日期 %(value)s 晚于今天，历史结果的日期不能在将来")
TOTAL_REQUIRED = Problem("total_required", gettext_noop("请填写总分"))
NOTE_TOO_LONG = gettext_noop("备注不能超过 %(max)s 字")
DUPLICATE_IN_FILE = gettext_noop("与第 %(row)d 行重复：同一企业、同一评测日期只能有一个结果")
ALREADY_IMPORTED = gettext_noop("该企业 %(date)s 的历史结果（总分 %(total)s）已导入过，不能重复导入")
OTHER_RESULT = gettext_noop(
    "该企业 %(date)s 已有历史结果（总分 %(existing)s），与本行的总分 %(total)s 不同；"
    "同一企业同一天只能有一个结果"
)
CHANGED_MEANWHILE = gettext_noop(
    "校验通过后，有相同企业、相同日期的历史结果被同时导入，本次没有写入任何数据，请重新导入"
)

_DATE_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


# ------------------------------------------------------------------------------------------------ checking


@dataclass(frozen=True, slots=True)
class HistoryRow:
    row: int
    enterprise_id: int
    assessed_on: date
    total: Decimal
    level: int
    note: str


@dataclass
class HistoryOutcome(ImportOutcome):
    levels: dict[int, int] = field(default_factory=dict)  # level → rows (0 = below 一级)

    def summary(self, errors_shown: int = ERRORS_SHOWN) -> dict[str, Any]:
        result = super().summary(errors_shown)
        result["levels"] = {str(level): n for level, n in sorted(self.levels.items())}
        return result


class ImportRefused(Exception):
    """The rows cannot be written as checked (a clashing result arrived meanwhile); nothing was written."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


def map_header(number: int, cells: Sequence[Cell]) -> tuple[dict[str, int], list[RowError]]:
    """Column positions by key; unknown, repeated and missing required columns are errors."""
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        text = shown(cell).strip()
        if not text:
            continue
        key = ALIASES.get(header_key(text))
        if key is None:
            problem = Problem("header_unknown", HEADER_UNKNOWN, {"value": text})
            errors.append(RowError(number, text, text, problem.render(_)))
        elif key in positions:
            problem = Problem("header_duplicate", HEADER_DUPLICATE, {"value": text})
            errors.append(RowError(number, COLUMN_BY_KEY[key].title, text, problem.render(_)))
        else:
            positions[key] = index
    missing = [COLUMN_BY_KEY[k] for k in REQUIRED if k not in positions]
    if missing:
        titles = "、".join(f"{c.title}（{c.key}）" for c in missing)
        problem = Problem("header_missing", HEADER_MISSING, {"columns": titles})
        errors.append(RowError(number, "", "", problem.render(_)))
    return positions, errors


def parse_date(raw: Cell, today: date) -> date | Problem:
    """A date cell, or text written YYYY-MM-DD; never a bare number (a serial number is not guessed at)."""
    if isinstance(raw, datetime):
        value = raw.date()  # a date cell that also carries a time: the day is what counts
    elif isinstance(raw, date):
        value = raw
    elif raw is None or isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw or "").strip()
        if not text:
            return DATE_REQUIRED
        match = _DATE_TEXT.fullmatch(text)
        if match is None:
            return Problem("date_format", DATE_FORMAT, {"value": text[:MAX_VALUE_SHOWN]})
        try:
            value = date(*(int(part) for part in match.groups()))
        except ValueError:
            return Problem("date_invalid", DATE_INVALID, {"value": text})
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        return Problem("date_as_number", DATE_AS_NUMBER, {"value": shown(raw)})
    else:  # TRUE/FALSE, a time or a duration cell
        return Problem("date_format", DATE_FORMAT, {"value": shown(raw)})
    if value > today:
        return Problem("date_future", DATE_FUTURE, {"value": value.isoformat()})
    return value


def parse_total_cell(fw: BandFramework, raw: Cell) -> Decimal | Problem:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return TOTAL_REQUIRED
    if isinstance(raw, bool):
        text = str(raw)
    elif isinstance(raw, float):
        # The shortest text that reads back as the cell's value (52.5, not 52.500000001), and 150 not 150.0.
        text = str(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else repr(raw)
    else:
        text = to_half_width(unicodedata.normalize("NFKC", str(raw)))
    value, problem = parse_total(fw, text)
    if problem is not None:
        return problem
    assert value is not None
    # Stored with four decimals (the field's precision): 52.50000 is 52.5000, not "too many decimals".
    return value.quantize(Decimal("0.0001"))


def _existing(enterprise_ids: Iterable[int]) -> dict[tuple[int, date], Decimal]:
    """Historical results of the 2022 edition already recorded for these enterprises, by (enterprise, day)."""
    ids = sorted(set(enterprise_ids))
    found: dict[tuple[int, date], Decimal] = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        rows = Assessment.objects.filter(
            kind=Kind.HISTORICAL,
            framework__code=FRAMEWORK_CODE,
            enterprise_id__in=ids[start : start + LOOKUP_CHUNK],
        ).values_list("enterprise_id", "assessed_on", "total")
        for enterprise_id, assessed_on, total in rows:
            if assessed_on is not None and total is not None:
                found[(enterprise_id, assessed_on)] = total
    return found


def _enterprises(codes: Iterable[str], scope: ImportScope) -> dict[str, int]:
    """Credit code → enterprise id, for the enterprises registered inside the importer's jurisdiction."""
    pending = sorted(set(codes))
    found: dict[str, int] = {}
    for start in range(0, len(pending), LOOKUP_CHUNK):
        rows = Enterprise.objects.filter(uscc__in=pending[start : start + LOOKUP_CHUNK]).values_list(
            "uscc", "pk", "region__path"
        )
        for code, pk, path in rows:
            if scope.covers(path):
                found[code] = pk
    return found


class RowChecker:
    """Checks one row at a time against lookups made once for the whole file."""

    def __init__(
        self,
        *,
        fw: BandFramework,
        positions: dict[str, int],
        enterprises: dict[str, int],
        existing: dict[tuple[int, date], Decimal],
        today: date,
    ) -> None:
        self.fw = fw
        self.positions = positions
        self.enterprises = enterprises
        self.existing = existing
        self.today = today
        self.first_row_of: dict[tuple[int, date], int] = {}

    def _cell(self, cells: Sequence[Cell], key: str) -> Cell:
        index = self.positions.get(key)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def check(self, number: int, cells: Sequence[Cell], errors: list[RowError]) -> HistoryRow | None:
        before = len(errors)

        def fail(key: str, value: Cell, problem: Problem) -> None:
            errors.append(RowError(number, COLUMN_BY_KEY[key].title, shown(value), problem.render(_)))

        raw_code, raw_date = self._cell(cells, "uscc"), self._cell(cells, "assessed_on")
        raw_total, raw_note = self._cell(cells, "total"), self._cell(cells, "note")
        enterprise_id = self._enterprise(raw_code, fail)
        assessed_on = parse_date(raw_date, self.today)
        if isinstance(assessed_on, Problem):
            fail("assessed_on", raw_date, assessed_on)
        total = parse_total_cell(self.fw, raw_total)
        if isinstance(total, Problem):
            fail("total", raw_total, total)
        note = clean_text(shown(raw_note) if not isinstance(raw_note, str) else raw_note)
        if len(note) > NOTE_MAX:
            fail("note", raw_note, Problem("note_too_long", NOTE_TOO_LONG, {"max": NOTE_MAX}))
        if enterprise_id is not None and isinstance(assessed_on, date):
            self._duplicates(number, (enterprise_id, assessed_on), total, (raw_code, raw_date), fail)
        if len(errors) > before:
            return None
        assert enterprise_id is not None and isinstance(assessed_on, date) and isinstance(total, Decimal)
        return HistoryRow(number, enterprise_id, assessed_on, total, level_for_total(self.fw, total), note)

    def _enterprise(self, raw: Cell, fail: Callable[[str, Cell, Problem], None]) -> int | None:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            fail("uscc", raw, uscc.STORED_AS_NUMBER)
            return None
        checked = uscc.validate(raw)
        if checked.problem is not None:
            fail("uscc", raw, checked.problem)
            return None
        enterprise_id = self.enterprises.get(checked.value)
        if enterprise_id is None:
            fail("uscc", raw, NOT_IN_JURISDICTION)
        return enterprise_id

    def _duplicates(
        self,
        number: int,
        key: tuple[int, date],
        total: Decimal | Problem,
        raw: tuple[Cell, Cell],
        fail: Callable[[str, Cell, Problem], None],
    ) -> None:
        """The same enterprise and day twice in the file, or already recorded by an earlier import."""
        raw_code, raw_date = raw
        first = self.first_row_of.setdefault(key, number)
        if first != number:
            fail("uscc", raw_code, Problem("duplicate_in_file", DUPLICATE_IN_FILE, {"row": first}))
            return
        recorded = self.existing.get(key)
        if recorded is None:
            return
        params = {"date": key[1].isoformat(), "existing": _points(recorded)}
        if isinstance(total, Decimal) and total == recorded:
            problem = Problem("already_imported", ALREADY_IMPORTED, {**params, "total": _points(total)})
        else:
            shown = _points(total) if isinstance(total, Decimal) else "?"
            problem = Problem("other_result", OTHER_RESULT, {**params, "total": shown})
        fail("assessed_on", raw_date, problem)


def _points(value: Decimal) -> str:
    """52.5000 → 52.5, 60.0000 → 60."""
    return format(value.normalize(), "f")


# ------------------------------------------------------------------------------------------------- running


def _read(data: bytes) -> tuple[tuple[int, list[Cell]], list[tuple[int, list[Cell]]]]:
    """The header row and the data rows (blank rows left out), with their spreadsheet row numbers."""
    check_size(data)
    if not data.strip():
        raise FileRefused(Problem("file_empty", FILE_EMPTY))
    header: tuple[int, list[Cell]] | None = None
    body: list[tuple[int, list[Cell]]] = []
    for number, cells in open_sheet(data).read():
        if is_blank_row(cells):
            continue
        if header is None:
            header = (number, cells)
            continue
        body.append((number, cells))
        if len(body) > MAX_ROWS:
            raise FileRefused(Problem("file_too_many_rows", TOO_MANY_ROWS, {"limit": f"{MAX_ROWS:,}"}))
    if header is None or not body:
        raise FileRefused(Problem("file_no_rows", NO_ROWS))
    return header, body


def check_rows(
    data: bytes, *, scope: ImportScope, fw: BandFramework, outcome: HistoryOutcome, progress: Progress
) -> list[HistoryRow]:
    """Every row checked; the valid ones returned, the errors (or the file's refusal) on ``outcome``."""
    (header_number, header_cells), body = _read(data)
    positions, header_errors = map_header(header_number, header_cells)
    outcome.rows_total = len(body)
    if header_errors:
        outcome.errors = header_errors
        return []
    codes = []
    for _number, cells in body:
        index = positions["uscc"]
        raw = cells[index] if index < len(cells) else None
        if isinstance(raw, str):
            codes.append(uscc.normalise(raw))
    enterprises = _enterprises(codes, scope)
    checker = RowChecker(
        fw=fw,
        positions=positions,
        enterprises=enterprises,
        existing=_existing(enterprises.values()),
        today=timezone.localdate(),
    )
    valid: list[HistoryRow] = []
    total = len(body) * 2
    for checked, (number, cells) in enumerate(body, start=1):
        row = checker.check(number, cells, outcome.errors)
        if row is None:
            outcome.rows_rejected += 1
        else:
            valid.append(row)
        if checked % 500 == 0:
            progress(checked, total, _("正在校验第 %(n)s 行") % {"n": f"{checked:,}"})
    outcome.rows_valid = len(valid)
    return valid


@transaction.atomic
def write_rows(rows: Sequence[HistoryRow], *, actor: Actor, framework: Framework, progress: Progress) -> int:
    """All rows or none, each through ``historical_record``; refused if a clashing result came meanwhile."""
    ids = sorted({r.enterprise_id for r in rows})
    enterprises: dict[int, Enterprise] = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        # Locked (PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock already), so two imports of
        # the same enterprises write one after the other and the second sees the first's results below.
        chunk = Enterprise.objects.select_for_update().filter(pk__in=ids[start : start + LOOKUP_CHUNK])
        enterprises.update((e.pk, e) for e in chunk.select_related("region", "organization"))
    existing = _existing(ids)
    if any((r.enterprise_id, r.assessed_on) in existing for r in rows):
        raise ImportRefused(Problem("import_changed_meanwhile", CHANGED_MEANWHILE))
    total = len(rows) * 2
    for done, row in enumerate(rows, start=1):
        historical_record(
            actor=actor,
            enterprise=enterprises[row.enterprise_id],
            framework=framework,
            total=row.total,
            assessed_on=row.assessed_on,
            note=row.note,
        )
        if done % 200 == 0:
            progress(len(rows) + done, total, _("正在写入第 %(n)s 个结果") % {"n": f"{done:,}"})
    return len(rows)


def run_history_import(
    *,
    data: bytes,
    file_name: str,
    scope: ImportScope,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> HistoryOutcome:
    """One import from bytes to outcome: the one code path of the page (as a job) and the command."""
    report = progress or noop_progress
    outcome = HistoryOutcome(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    try:
        framework = current_framework(FRAMEWORK_CODE)
    except ValidationError:
        outcome.refused = Problem("framework_missing", NOT_LOADED).render(_)
        return outcome
    fw = framework.compiled()
    assert isinstance(fw, BandFramework)
    try:
        valid = check_rows(data, scope=scope, fw=fw, outcome=outcome, progress=report)
    except FileRefused as refused:
        outcome.refuse(refused.problem.render(_))
        return outcome
    total = max(outcome.rows_total * 2, 1)
    if outcome.errors or dry_run:
        if not outcome.errors:
            outcome.levels = _levels(valid)
        report(total, total, _("完成"))
        return outcome
    if scope.actor is None:
        raise PermissionDenied("a historical result records who imported it: import as a person")
    report(outcome.rows_total, total, _("正在写入 %(n)s 个历史结果") % {"n": f"{len(valid):,}"})
    try:
        outcome.rows_imported = write_rows(valid, actor=scope.actor, framework=framework, progress=report)
    except ImportRefused as refused:
        outcome.refused = refused.problem.render(_)
        return outcome
    outcome.levels = _levels(valid)
    report(total, total, _("完成"))
    return outcome


def _levels(rows: Iterable[HistoryRow]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.level] = counts.get(row.level, 0) + 1
    return counts


# --------------------------------------------------------------------------------------------- the template


def template_workbook(fw: BandFramework) -> bytes:
    """The header row as the importer expects it, and a sheet explaining the columns and the 2022 bands."""
    book = Book()
    sheet = book.sheet("历史评测结果")
    formats = {"uscc": "@", "assessed_on": "yyyy-mm-dd", "total": "0.####", "note": "@"}
    sheet.widths([24 if column.key != "note" else 40 for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        # A column style applies to the cells typed later: codes stay text (Excel keeps only 15 digits of a
        # number), dates stay dates.
        sheet.column_format(index, formats[column.key])
    sheet.row([column.title for column in COLUMNS], bold=True)
    sheet.freeze_header()

    help_sheet = book.sheet("填写说明")
    help_sheet.widths([22, 22, 14, 60, 60, 22])
    help_sheet.row(
        ["列名", "英文别名 (English key)", "必填 required", "说明", "Notes", "示例 example"], bold=True
    )
    for column in COLUMNS:
        required = "是 yes" if column.key in REQUIRED else "否 no"
        help_sheet.row([column.title, column.key, required, column.help_zh, column.help_en, column.example])
    help_sheet.row([])
    help_sheet.row([f"{fw.title}（{fw.version}）分档 bands", "总分 total", "", "", "Level"])
    below = fw.bands[0].minimum if fw.bands else Decimal(0)
    help_sheet.row(["无等级", f"< {_points(below)}", "", "", "no level"])
    for band in fw.bands:
        upper = f"< {_points(band.maximum)}" if band is not fw.bands[-1] else f"≤ {_points(fw.scored_total)}"
        help_sheet.row([band.name_zh, f"≥ {_points(band.minimum)}，{upper}", "", "", band.name_en])
    help_sheet.row([])
    for line in (
        "第一行是列名，从第二行起每行一个历史评测结果；列的顺序可以调整，列名也可以用英文别名。",
        "The first row holds the headers; one result per row from row 2. Headers may be in any order.",
        "等级由总分按上表分档得出（下限含在本档内，如 40 分为二级）。",
        "The level follows from the total by the bands above (a lower bound is in its band: 40 is level 2).",
        "全部行校验通过后才会导入；有任何错误时不写入任何数据，并提供逐行错误报告下载。",
        "Nothing is imported unless every row is valid; a per-row error report can be downloaded.",
        "同一企业同一天只能有一个历史结果；已导入的结果不能再次导入。",
        "One result per enterprise and day; a result already imported cannot be imported again.",
    ):
        help_sheet.row([line])
    return book.to_bytes()


# -------------------------------------------------------------------------------------------------- the job


def history_jobs_of(viewer: Viewer) -> QuerySet[Job]:
    """The viewer's own history imports, newest first (to come back to an import left running)."""
    if not viewer.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(kind=JOB_KIND, created_by=viewer.user).order_by("-created_at")


def start_history_import(*, viewer: Viewer, upload: UploadedFile, dry_run: bool = False) -> Job:
    """Create the job with the uploaded file and schedule it after the current transaction commits."""
    return start_file_job(kind=JOB_KIND, viewer=viewer, upload=upload, dry_run=dry_run, stored_as="history")


def scope_for_job(job: Job) -> ImportScope:
    """The importer's jurisdiction, looked up again when the job runs (rights may have changed meanwhile)."""
    viewer = job_viewer(job)  # PermissionDenied when the importer is no longer a member
    decision = can_import_history(viewer)
    if not decision:
        raise PermissionDenied(decision.reason)
    return ImportScope.for_viewer(viewer)


@register_job(JOB_KIND)
def import_history_job(job: Job) -> dict[str, Any]:
    outcome = run_file_job(job, run_history_import, scope=scope_for_job(job))
    store_error_report(job, outcome, stored_as="history-import-errors")
    result = outcome.summary()
    result["redirect"] = reverse("assessment:history_import_result", args=[job.pk])
    return result
