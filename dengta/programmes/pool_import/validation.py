"""Checking a pilot-enterprise pool file: every row read and checked against lookups made once for the file
(the enterprises the importer sees, this application's pool and sub-industries, the other applications'
pools); nothing is written here.

The rows an authority may add are the rows ``services.application_add_enterprise`` would accept from its page,
found the way ``selectors.enterprise_by_code`` finds them (the registry's enterprises the viewer sees: an
enterprise outside the jurisdiction and one not registered get the same sentence, so an import never reveals
which enterprises exist elsewhere). On top of that the file refuses what the eligibility check would
otherwise flag after the import (``checks.py``): an enterprise already in another live application of the
same batch (DOMAIN.md 8, item 15: the duplicate-funding guard) and, when the batch's rules exclude them, one
in a pilot still running. Rules that depend on the enterprise's figures (an SME, its industry, its T0) stay
with the eligibility check, as they do when enterprises are added one by one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.importing.outcome import ERRORS_SHOWN, ImportOutcome
from dengta.core.importing.reading import Cell, open_sheet
from dengta.core.importing.rows import RowError, header_and_body, shown
from dengta.core.language import in_english, name_separator
from dengta.core.problems import Problem, gettext_noop
from dengta.programmes import checks
from dengta.programmes.models import LIVE_STATES, Application, PoolEnterprise
from dengta.programmes.pool_import.columns import COLUMN_BY_KEY
from dengta.registry import uscc
from dengta.registry.models import Enterprise

# A pool is checked and written inside the request: on SQLite a 5,000-row file was read and checked in about
# half a second, and added, with the one eligibility re-check of the whole pool, in about three and a half
# (test_pool_import's scale case). A file is kept to what one request handles in well under a minute.
MAX_ROWS = 20_000
LOOKUP_CHUNK = 2000  # below SQLite's limit on parameters per statement
Progress = Callable[[int, int, str], None]

FILE_EMPTY = gettext_noop("文件是空的，请上传填好的试点企业名单")
NO_ROWS = gettext_noop("表格中没有数据：第一行应为列名，从下一行起每行一家试点企业")
TOO_MANY_ROWS = gettext_noop("数据超过 %(limit)s 行的上限，请拆分成几个文件分别导入")
NOT_FOUND = Problem(
    "enterprise_not_found",
    gettext_noop("本辖区内没有以此统一社会信用代码登记的企业：请核对代码，或先在企业库中登记"),
)
DUPLICATE_LATER = gettext_noop("与第 %(row)d 行是同一家企业，一家企业在文件中只能出现一次")
DUPLICATE_FIRST = gettext_noop("同一家企业在文件中还出现在第 %(rows)s 行，一家企业只能出现一次")
ALREADY_IN_POOL = gettext_noop("该企业已在本申报的“%(sub)s”试点企业库中")
IN_OTHER_APPLICATION = Problem(
    "enterprise_in_other_application",
    gettext_noop("该企业已列入本批次另一份申报的试点企业库，同一批次中一家企业只能列入一份申报"),
)
IN_RUNNING_PILOT = Problem(
    "enterprise_in_running_pilot",
    gettext_noop("该企业已在另一个进行中的试点中，按本批次规则不能再列入"),
)
NAME_REQUIRED = Problem("name_required", gettext_noop("请填写企业名称"))
NAME_MISMATCH = gettext_noop("企业名称与企业库中登记的名称“%(registered)s”不一致")
SUB_REQUIRED = Problem("sub_industry_required", gettext_noop("请填写细分行业"))
SUB_UNKNOWN = gettext_noop("“%(value)s”不是本申报选择的细分行业；可填写：%(choices)s")
SUB_NONE = Problem(
    "sub_industry_none",
    gettext_noop("本申报还没有选择细分行业：请先在申报页面添加细分行业，再导入试点企业"),
)
SUB_AMBIGUOUS = gettext_noop("“%(value)s”是本申报中几个细分行业共用的名称，请改填细分行业的标准名称")


def name_key(text: object) -> str:
    """How names are compared: NFKC (full-width brackets and letters to half-width), no spaces, any case."""
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return "".join(folded.split()).casefold()


@dataclass(frozen=True, slots=True)
class PoolRow:
    row: int
    enterprise_id: int
    uscc: str
    entry_id: int


@dataclass
class PoolOutcome(ImportOutcome):
    by_entry: dict[int, int] = field(default_factory=dict)  # sub-industry entry id → enterprises imported
    report_id: int | None = None  # the job that keeps the error report, when rows were refused

    def summary(self, errors_shown: int = ERRORS_SHOWN) -> dict[str, Any]:
        result = super().summary(errors_shown)
        result["by_entry"] = {str(entry): n for entry, n in sorted(self.by_entry.items())}
        return result


@dataclass(frozen=True)
class Entries:
    """The application's sub-industries as a file may name them."""

    by_key: dict[str, frozenset[int]]  # name key → entry ids (a local name may repeat another entry's)
    labels: dict[int, str]  # entry id → its name in the reader's language
    sub_industries: dict[int, str]  # entry id → the sub-industry's code (as the events record it)

    @classmethod
    def of(cls, application: Application) -> Entries:
        english = in_english()
        keys: dict[str, set[int]] = {}
        labels: dict[int, str] = {}
        codes: dict[int, str] = {}
        for entry in application.sub_industries.select_related("sub_industry").order_by("pk"):
            sub = entry.sub_industry
            for name in (entry.local_name, sub.name, sub.name_en, sub.code):
                if name_key(name):
                    keys.setdefault(name_key(name), set()).add(entry.pk)
            labels[entry.pk] = (sub.name_en or sub.name) if english else (entry.local_name or sub.name)
            codes[entry.pk] = sub.code
        return cls({k: frozenset(v) for k, v in keys.items()}, labels, codes)

    def choices(self) -> str:
        return name_separator().join(self.labels.values())


@dataclass(frozen=True)
class Lookups:
    """What the rows are checked against, read in a few queries whatever the file's size."""

    enterprises: dict[str, tuple[int, str]]  # credit code → (enterprise id, registered name)
    in_pool: dict[int, int]  # enterprise id → the entry it is under in this application
    in_other_application: frozenset[int]
    in_running_pilot: frozenset[int]
    entries: Entries

    @classmethod
    def load(cls, application: Application, viewer: Viewer, codes: Iterable[str]) -> Lookups:
        enterprises = _visible_enterprises(viewer, codes)
        ids = sorted(pk for pk, _name in enterprises.values())
        others: set[int] = set()
        running: set[int] = set()
        exclude_running = application.batch.parsed_rules().exclusions.enterprises_in_active_pilot
        today = timezone.localdate()
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start : start + LOOKUP_CHUNK]
            # The other applications checks._others compares with: the same batch, any live state.
            others.update(
                PoolEnterprise.objects.filter(
                    enterprise_id__in=chunk,
                    application__batch_id=application.batch_id,
                    application__state__in=LIVE_STATES,
                )
                .exclude(application_id=application.pk)
                .values_list("enterprise_id", flat=True)
            )
            if exclude_running:
                running.update(checks.in_running_pilot(set(chunk), application.pk, today))
        pool = dict(
            PoolEnterprise.objects.filter(application_id=application.pk).values_list(
                "enterprise_id", "entry_id"
            )
        )
        return cls(enterprises, pool, frozenset(others), frozenset(running), Entries.of(application))


def _visible_enterprises(viewer: Viewer, codes: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Credit code → (id, name) of the registered enterprises the viewer sees (selectors.enterprise_by_code's
    scope), a few queries for the whole file."""
    pending = sorted(set(codes))
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(pending), LOOKUP_CHUNK):
        rows = (
            Enterprise.objects.visible_to(viewer)
            .filter(uscc__in=pending[start : start + LOOKUP_CHUNK])
            .values_list("uscc", "pk", "name")
        )
        found.update((code, (pk, name)) for code, pk, name in rows)
    return found


Fail = Callable[[str, Cell, Problem], None]


class RowChecker:
    """Checks one row at a time; keeps the rows each enterprise was met on, to name every duplicate."""

    def __init__(self, *, positions: dict[str, int], titles: dict[str, str], lookups: Lookups) -> None:
        self.positions = positions
        self.titles = titles
        self.lookups = lookups
        self.rows_of: dict[str, list[int]] = {}
        self.first_raw: dict[str, Cell] = {}

    def _cell(self, cells: Sequence[Cell], key: str) -> Cell:
        index = self.positions.get(key)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def check(self, number: int, cells: Sequence[Cell], errors: list[RowError]) -> PoolRow | None:
        before = len(errors)

        def fail(key: str, value: Cell, problem: Problem) -> None:
            errors.append(RowError(number, self.titles[key], shown(value), problem.render(_)))

        raw_code, raw_name = self._cell(cells, "uscc"), self._cell(cells, "name")
        raw_sub = self._cell(cells, "sub_industry")
        found = self._enterprise(number, raw_code, fail)
        self._name(raw_name, found, fail)
        entry_id = self._entry(raw_sub, fail)
        if len(errors) > before:
            return None
        assert found is not None and entry_id is not None
        code, (enterprise_id, _registered) = found
        return PoolRow(number, enterprise_id, code, entry_id)

    def _enterprise(self, number: int, raw: Cell, fail: Fail) -> tuple[str, tuple[int, str]] | None:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            fail("uscc", raw, uscc.STORED_AS_NUMBER)
            return None
        checked = uscc.validate(raw)
        if checked.problem is not None:
            fail("uscc", raw, checked.problem)
            return None
        rows = self.rows_of.setdefault(checked.value, [])
        rows.append(number)
        if len(rows) > 1:
            fail("uscc", raw, Problem("duplicate_in_file", DUPLICATE_LATER, {"row": rows[0]}))
            return None
        self.first_raw[checked.value] = raw
        found = self.lookups.enterprises.get(checked.value)
        if found is None:
            fail("uscc", raw, NOT_FOUND)
            return None
        problem = self._taken(found[0])
        if problem is not None:
            fail("uscc", raw, problem)
            return None
        return checked.value, found

    def _taken(self, enterprise_id: int) -> Problem | None:
        lookups = self.lookups
        entry = lookups.in_pool.get(enterprise_id)
        if entry is not None:
            label = lookups.entries.labels.get(entry, "")
            return Problem("enterprise_in_pool", ALREADY_IN_POOL, {"sub": label})
        if enterprise_id in lookups.in_other_application:
            return IN_OTHER_APPLICATION
        if enterprise_id in lookups.in_running_pilot:
            return IN_RUNNING_PILOT
        return None

    def _name(self, raw: Cell, found: tuple[str, tuple[int, str]] | None, fail: Fail) -> None:
        typed = name_key(shown(raw) if not isinstance(raw, str) else raw)
        if not typed:
            fail("name", raw, NAME_REQUIRED)
            return
        if found is None:
            return  # nothing to compare with: the credit code's error says why
        registered = found[1][1]
        if typed != name_key(registered):
            fail("name", raw, Problem("name_mismatch", NAME_MISMATCH, {"registered": registered}))

    def _entry(self, raw: Cell, fail: Fail) -> int | None:
        entries = self.lookups.entries
        text = shown(raw) if not isinstance(raw, str) else raw
        key = name_key(text)
        if not key:
            fail("sub_industry", raw, SUB_REQUIRED)
            return None
        if not entries.labels:
            fail("sub_industry", raw, SUB_NONE)
            return None
        matched = entries.by_key.get(key, frozenset())
        value = " ".join(text.split())[:100]
        if not matched:
            params: dict[str, object] = {"value": value, "choices": entries.choices()}
            fail("sub_industry", raw, Problem("sub_industry_unknown", SUB_UNKNOWN, params))
            return None
        if len(matched) > 1:
            fail("sub_industry", raw, Problem("sub_industry_ambiguous", SUB_AMBIGUOUS, {"value": value}))
            return None
        return next(iter(matched))

    def duplicates(self) -> list[tuple[int, str, Cell, list[int]]]:
        """(first row, code, its cell, the later rows) of every enterprise met more than once."""
        return [
            (rows[0], code, self.first_raw.get(code), rows[1:])
            for code, rows in self.rows_of.items()
            if len(rows) > 1
        ]


def read_rows(data: bytes) -> tuple[tuple[int, list[Cell]], list[tuple[int, list[Cell]]]]:
    """The header row and the data rows (blank rows left out), with their spreadsheet row numbers."""
    rows = open_sheet(data, empty_message=FILE_EMPTY).read()
    return header_and_body(rows, max_rows=MAX_ROWS, no_rows=NO_ROWS, too_many=TOO_MANY_ROWS)


def codes_in(body: Sequence[tuple[int, list[Cell]]], index: int) -> list[str]:
    """The credit codes typed in the file (normalised), for the lookups."""
    codes = []
    for _number, cells in body:
        raw = cells[index] if index < len(cells) else None
        if isinstance(raw, str):
            codes.append(uscc.normalise(raw))
    return codes


def check_rows(
    body: Sequence[tuple[int, list[Cell]]],
    *,
    positions: dict[str, int],
    titles: dict[str, str],
    lookups: Lookups,
    outcome: PoolOutcome,
    progress: Progress,
) -> list[PoolRow]:
    """Every row checked; the valid ones returned, the errors on ``outcome`` in row order."""
    checker = RowChecker(positions=positions, titles=titles, lookups=lookups)
    valid: dict[int, PoolRow] = {}
    rejected: set[int] = set()
    total = len(body) * 2
    for checked, (number, cells) in enumerate(body, start=1):
        row = checker.check(number, cells, outcome.errors)
        if row is None:
            rejected.add(number)
        else:
            valid[number] = row
        if checked % 1000 == 0:
            progress(checked, total, _("正在校验第 %(n)s 行") % {"n": f"{checked:,}"})
    # The first row of a repeated enterprise is refused too, naming the later rows: which of them the
    # authority meant (the sub-industries may differ) is for it to say.
    title = titles["uscc"]
    for first, _code, raw, later in checker.duplicates():
        rows_text: object = name_separator().join(str(n) for n in later)
        problem = Problem("duplicate_in_file", DUPLICATE_FIRST, {"rows": rows_text})
        outcome.errors.append(RowError(first, title, shown(raw), problem.render(_)))
        valid.pop(first, None)
        rejected.add(first)
    outcome.errors.sort(key=lambda error: error.row)
    outcome.rows_valid = len(valid)
    outcome.rows_rejected = len(rejected)
    return list(valid.values())


def column_titles(header_cells: Sequence[Cell], positions: dict[str, int]) -> dict[str, str]:
    """Each column as the person's file heads it (Chinese or English), for the errors and the report."""
    titles = {key: column.title for key, column in COLUMN_BY_KEY.items()}
    for key, index in positions.items():
        text = shown(header_cells[index]).strip() if index < len(header_cells) else ""
        if text:
            titles[key] = text
    return titles
