"""Checking a historical-results file: every row read and checked against lookups made once for the file
(the enterprises in the importer's jurisdiction, the results already recorded); nothing is written here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.assessment.history.columns import COLUMN_BY_KEY, FRAMEWORK_CODE, map_header, points
from dengta.assessment.models import Assessment, Kind
from dengta.assessment.scoring.bands import BandFramework, level_for_total, parse_total
from dengta.core.importing.outcome import ERRORS_SHOWN, ImportOutcome, check_size
from dengta.core.importing.reading import Cell, FileRefused, open_sheet
from dengta.core.importing.rows import MAX_VALUE_SHOWN, RowError, header_and_body, shown
from dengta.core.importing.scope import ImportScope
from dengta.core.problems import Problem, gettext_noop
from dengta.registry import uscc
from dengta.registry.models import Enterprise
from dengta.registry.text import clean_text, to_half_width

# Each row is written through the service with its own event (about ten queries; 5,000 rows took 24 s on
# SQLite in the tests), so a file is kept to what one background job writes in a minute or two; larger
# collections are split into several files.
MAX_ROWS = 20_000
NOTE_MAX = 500
LOOKUP_CHUNK = 2000  # below SQLite's limit on parameters per statement
# (done, total, message): checking moves the bar from 0 to n of 2n, writing is the second half.
Progress = Callable[[int, int, str], None]
FILE_EMPTY = gettext_noop("文件是空的，请上传填好的历史评测结果")
NO_ROWS = gettext_noop("表格中没有数据：第一行应为列名，从下一行起每行一个历史评测结果")
TOO_MANY_ROWS = gettext_noop("数据超过 %(limit)s 行的上限，请拆分成几个文件分别导入")
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
_DATE_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


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


def existing_results(enterprise_ids: Iterable[int]) -> dict[tuple[int, date], Decimal]:
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
        params = {"date": key[1].isoformat(), "existing": points(recorded)}
        if isinstance(total, Decimal) and total == recorded:
            problem = Problem("already_imported", ALREADY_IMPORTED, {**params, "total": points(total)})
        else:
            shown = points(total) if isinstance(total, Decimal) else "?"
            problem = Problem("other_result", OTHER_RESULT, {**params, "total": shown})
        fail("assessed_on", raw_date, problem)


def _read(data: bytes) -> tuple[tuple[int, list[Cell]], list[tuple[int, list[Cell]]]]:
    """The header row and the data rows (blank rows left out), with their spreadsheet row numbers."""
    check_size(data)
    if not data.strip():
        raise FileRefused(Problem("file_empty", FILE_EMPTY))
    rows = open_sheet(data).read()
    return header_and_body(rows, max_rows=MAX_ROWS, no_rows=NO_ROWS, too_many=TOO_MANY_ROWS)


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
        existing=existing_results(enterprises.values()),
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
