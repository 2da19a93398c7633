"""Scoring a CSV file of answer sets, one row per enterprise (pure: no Django).

Used by ``manage.py score_file``; the columns are documented in docs/score_file.md. The file is read and
written as a stream in chunks of ``CHUNK`` rows, so a million rows need no more memory than fifty thousand:

1. The encoding is decided before anything is written: UTF-8 (with or without a BOM), else GB18030 (the
   superset of GBK that Excel on Chinese Windows writes, as the enterprise import reads it); any other
   bytes, NUL bytes or an Excel workbook are refused with a message saying what to do.
2. The header is checked as a whole: ``enterprise``, every item and every scenario must be there; an
   unknown or repeated column is an error too (a misspelt item code would otherwise score 0 unnoticed).
3. Each column of a chunk is encoded at once. Item and scenario cells go through a memo of the column's
   distinct texts, each text checked once by answers.py's own check_choice / check_scenario (the same
   bilingual messages as the questionnaire). Number cells are mostly distinct, so plain ones (ASCII digits
   and a decimal point) are parsed for the whole column by numpy, accepting exactly what check_number
   accepts; every other number cell goes to check_number itself.
4. The chunk is scored by the batch scorer; a row with any problem gets its messages in ``error``, each
   naming its column, and empty score columns: never a guess.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from dengta.assessment.scoring.answers import (
    MAX_NUMBER,
    check_choice,
    check_number,
    check_scenario,
    parse_answers,
)
from dengta.assessment.scoring.batch import MAX_SCALE, BatchScore, BatchScorer, Encoded, decimal_parts
from dengta.assessment.scoring.framework import Framework, RatioBands, RatioChange, format_points
from dengta.core.problems import Problem, gettext_noop

CHUNK = 50_000
ENTERPRISE = "enterprise"
# Cell codes besides valid values (masks, levels and packed numbers are all ≥ 0).
EMPTY, INVALID, FALLBACK = -1, -2, -3
MEMO_LIMIT = 200_000  # distinct texts remembered per column; number columns can have a million
SNIFF_BLOCK = 1 << 20


class CsvFileError(Exception):
    """The file as a whole cannot be scored (encoding, header); no output is written."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


def _refuse(code: str, template: str, **params: object) -> CsvFileError:
    return CsvFileError(Problem(code, template, dict(params)))


@dataclass
class Summary:
    rows: int = 0
    scored: int = 0
    errors: int = 0
    blank: int = 0
    seconds: float = 0.0
    encoding: str = ""

    def line(self) -> str:
        return (
            f"score_file: rows={self.rows} scored={self.scored} errors={self.errors} blank={self.blank} "
            f"seconds={self.seconds:.2f}"
        )


# ---------------------------------------------------------------------------------------------------------
# Encoding


def sniff_encoding(path: Path) -> str:
    """ "utf-8-sig" or "gb18030", after reading the whole file once; CsvFileError for anything else."""
    with path.open("rb") as f:
        head = f.read(8)
    if not head:
        raise _refuse("file_empty", gettext_noop("文件是空的"))
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise _refuse(
            "file_workbook",
            gettext_noop("这是 Excel 工作簿，请另存为“CSV UTF-8（逗号分隔）”后再评分"),
        )
    for encoding in ("utf-8-sig", "gb18030"):
        if _decodes(path, encoding):
            return encoding
    raise _refuse(
        "file_encoding",
        gettext_noop("无法识别文件的文字编码，请另存为“CSV UTF-8”"),
    )


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as f:
        while block := f.read(SNIFF_BLOCK):
            if b"\x00" in block:  # UTF-16 or a binary file: both codecs would accept NUL as a character
                raise _refuse(
                    "file_binary",
                    gettext_noop("文件含有空字节，不是 CSV 文本文件"),
                )
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return False
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


# ---------------------------------------------------------------------------------------------------------
# Header


@dataclass(frozen=True)
class Plan:
    """Where each known column is in the file."""

    header: list[str]
    enterprise: int
    items: dict[int, int]  # item index → column position
    scenarios: dict[int, int]  # scenario index → column position
    numbers: dict[int, int]  # number index → column position

    @property
    def width(self) -> int:
        return len(self.header)


def plan_columns(scorer: BatchScorer, header: list[str]) -> Plan:
    """Map the header; missing, unknown and repeated columns are one CsvFileError naming all of them."""
    names = [cell.strip() for cell in header]
    known = {ENTERPRISE, *scorer.item_index, *scorer.scenario_index, *scorer.number_index}
    seen: dict[str, int] = {}
    repeated: list[str] = []
    unknown: list[str] = []
    for position, name in enumerate(names):
        if not name:
            continue  # a column without a name is copied through and not read (as the enterprise import does)
        if name in seen:
            repeated.append(name)
        elif name not in known:
            unknown.append(name)
        seen.setdefault(name, position)
    required = [ENTERPRISE, *scorer.item_index, *scorer.scenario_index]
    missing = [name for name in required if name not in seen]
    messages: list[Problem] = []
    if missing:
        messages.append(
            Problem(
                "header_missing",
                gettext_noop("缺少列：%(columns)s"),
                {"columns": ", ".join(missing)},
            )
        )
    if unknown:
        messages.append(
            Problem(
                "header_unknown",
                gettext_noop("未知的列：%(columns)s"),
                {"columns": ", ".join(_with_suggestion(name, known) for name in unknown)},
            )
        )
    if repeated:
        messages.append(
            Problem(
                "header_repeated",
                gettext_noop("重复的列：%(columns)s"),
                {"columns": ", ".join(sorted(set(repeated)))},
            )
        )
    if messages:
        raise CsvFileError(
            Problem("header", "%(problems)s", {"problems": "; ".join(p.render() for p in messages)})
        )
    return Plan(
        header=header,
        enterprise=seen[ENTERPRISE],
        items={i: seen[code] for code, i in scorer.item_index.items()},
        scenarios={i: seen[code] for code, i in scorer.scenario_index.items()},
        numbers={i: seen[code] for code, i in scorer.number_index.items() if code in seen},
    )


def _with_suggestion(name: str, known: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
    return f"{name} (→ {close[0]}?)" if close else name


# ---------------------------------------------------------------------------------------------------------
# Cells


class _Memo(dict[str, int]):
    """Cell text → code, computed once per distinct text (``map(memo.__getitem__, column)`` runs in C)."""

    def __init__(self, compute: Callable[[str], int]) -> None:
        super().__init__()
        self.compute = compute
        self.problems: dict[str, Problem] = {}

    def __missing__(self, text: str) -> int:
        code = self[text] = self.compute(text)
        return code

    def trim(self) -> None:
        if len(self) > MEMO_LIMIT:
            self.clear()
            self.problems.clear()


def _choice_memo(scorer: BatchScorer, fw: Framework, index: int) -> _Memo:
    item = scorer.items[index]

    def compute(text: str) -> int:
        keys, problem = check_choice(fw, item.code, text)
        if problem is not None:
            memo.problems[text] = problem
            return INVALID
        if keys is None:
            return EMPTY
        return scorer.mask(item.code, keys)

    memo = _Memo(compute)
    return memo


def _scenario_memo(fw: Framework, code: str) -> _Memo:
    def compute(text: str) -> int:
        level, problem = check_scenario(fw, code, text)
        if problem is not None:
            memo.problems[text] = problem
            return INVALID
        return EMPTY if level is None else level

    memo = _Memo(compute)
    return memo


class _NumberMemo(_Memo):
    def __init__(self, compute: Callable[[str], int], limits: list[int], integer: bool) -> None:
        super().__init__(compute)
        self.limits = np.array(limits, dtype=np.int64)
        self.integer = integer


def _number_memo(fw: Framework, code: str) -> _NumberMemo:
    """Numbers packed as ``mantissa << 3 | decimals`` (decimals ≤ 6, so at most 1e18 << 3 < 2**63)."""
    spec = fw.collected_number(code)
    assert spec is not None
    limit = spec.maximum if spec.maximum is not None else MAX_NUMBER
    limits = [int(limit.scaleb(d)) for d in range(MAX_SCALE + 1)]

    def slow(text: str) -> int:
        value, problem = check_number(fw, code, text)
        if problem is not None:
            memo.problems[text] = problem
            return INVALID
        if value is None:
            return EMPTY
        parts = decimal_parts(value)
        if parts is None:  # valid, but finer than the fixed point: scored through the engine's derivation
            return FALLBACK
        return parts[0] << 3 | parts[1]

    def compute(text: str) -> int:
        # Fast path for what people type: ASCII digits, perhaps with a decimal point. Anything it is not sure
        # of (signs, spaces, separators, exponents, too many decimals, out of range) goes to check_number.
        whole, _dot, fraction = text.partition(".")
        digits = whole + fraction
        if not (digits.isascii() and digits.isdigit()) or len(digits) > FAST_DIGITS:
            return slow(text)
        d = len(fraction)
        if (spec.integer and d) or d > MAX_SCALE:
            return slow(text)
        mantissa = int(digits)
        if mantissa > limits[d]:
            return slow(text)
        return mantissa << 3 | d

    memo = _NumberMemo(compute, limits, spec.integer)
    return memo


FAST_DIGITS = 18  # below 2**63 as an integer


def _number_codes(memo: _NumberMemo, column: tuple[str, ...]) -> npt.NDArray[np.int64]:
    """A number column's codes, parsed as a whole by numpy's byte-string functions.

    Cells of ASCII digits with at most one decimal point (what people and Excel write) are parsed here in C;
    the same rules as the memo's fast path decide which ones, and every other cell goes through the memo
    (check_number). Numbers are mostly distinct, so a memo alone would compute nearly every cell in Python.
    """
    m = len(column)
    try:
        raw = np.array(column, dtype=np.bytes_)
    except UnicodeEncodeError:  # a non-ASCII cell somewhere in this chunk of the column
        return np.fromiter(map(memo.__getitem__, column), dtype=np.int64, count=m)
    length = np.strings.str_len(raw)
    dot = np.strings.find(raw, b".")
    digits = np.strings.replace(raw, b".", b"", 1)
    decimals = np.where(dot >= 0, length - dot - 1, 0)
    fast = np.strings.isdigit(digits) & (length <= FAST_DIGITS) & (decimals <= MAX_SCALE)
    if memo.integer:
        fast &= decimals == 0
    codes = np.full(m, EMPTY, dtype=np.int64)
    mantissa = digits[fast].astype(np.int64)
    scale = decimals[fast]
    within = mantissa <= memo.limits.take(scale)
    rows = np.flatnonzero(fast)
    codes[rows[within]] = mantissa[within] << 3 | scale[within]
    fast[rows[~within]] = False
    for row in np.flatnonzero(~fast & (length > 0)).tolist():
        codes[row] = memo[column[row]]
    return codes


# ---------------------------------------------------------------------------------------------------------
# Rows

Messages = dict[int, list[str]]
CROSS_CHECKS = frozenset({"number_exceeds_total", "number_zero_total", "number_zero_denominator"})
EMPTY_CELL = gettext_noop("为空，请填写")
EMPTY_ITEM = gettext_noop("为空，请填写选项，或填写计算该项所需的全部采集数据")


class _Texts(dict[int, str]):
    """Ten-thousandths → "37.5", formatted once per distinct value."""

    def __missing__(self, units: int) -> str:
        text = self[units] = format_points(units)
        return text


class RowScorer:
    """Scores the rows of one file chunk by chunk; the memos of cell texts are shared across chunks."""

    def __init__(self, fw: Framework, plan: Plan, batch: BatchScorer | None = None) -> None:
        self.fw = fw
        self.plan = plan
        self.batch = b = batch or BatchScorer(fw)
        self.item_memos = {i: _choice_memo(b, fw, i) for i in plan.items}
        self.scenario_memos = {i: _scenario_memo(fw, b.scenarios[i]) for i in plan.scenarios}
        self.number_memos = {i: _number_memo(fw, b.numbers[i]) for i in plan.numbers}
        # The numbers each derived item is computed from: all given, its option comes from them.
        self.derived_inputs = {
            b.item_index[rule.item]: [b.number_index[c] for c in rule.inputs] for rule in fw.derived
        }
        self.extra_header = [
            *(f"points_{d}" for d in b.dimensions),
            "total",
            *(f"scenarios_l{k}" for k in range(b.top + 1)),
            "level",
            "framework_version",
            "error",
        ]
        self._points = _Texts()
        self._small = [str(k) for k in range(256)]
        # Cells are read in the file's column order, so that a row's messages read left to right.
        order = [(p, "item", i) for i, p in plan.items.items()]
        order += [(p, "scenario", i) for i, p in plan.scenarios.items()]
        order += [(p, "number", i) for i, p in plan.numbers.items()]
        self._order = sorted(order)

    def header(self) -> list[str]:
        return [*self.plan.header, *self.extra_header]

    def score_rows(
        self, rows: list[list[str]], messages: Messages | None = None
    ) -> tuple[Iterator[tuple[str, ...]], int]:
        """Output rows for input rows (cut or padded to the header's width already) and their error count;
        ``messages`` may hold problems found already (row position → texts)."""
        m = len(rows)
        messages = messages if messages is not None else {}
        if not m:
            return iter(()), 0
        plan, b = self.plan, self.batch
        columns = list(zip(*rows, strict=True))
        for row, text in enumerate(columns[plan.enterprise]):
            if not text.strip():
                messages.setdefault(row, []).append(f"{ENTERPRISE}: {EMPTY_CELL}")

        enc = b.empty(m)
        levels = np.zeros((len(b.scenarios), m), dtype=np.uint8)
        item_codes: dict[int, npt.NDArray[np.int64]] = {}
        number_codes: dict[int, npt.NDArray[np.int64]] = {}
        for position, kind, index in self._order:
            column = columns[position]
            name = plan.header[position].strip()
            memo = (
                self.item_memos[index]
                if kind == "item"
                else self.scenario_memos[index]
                if kind == "scenario"
                else self.number_memos[index]
            )
            if kind == "number":
                assert isinstance(memo, _NumberMemo)
                code = _number_codes(memo, column)
            else:
                code = np.fromiter(map(memo.__getitem__, column), dtype=np.int64, count=m)
            if kind == "item":
                enc.masks[index] = np.maximum(code, 0)
                item_codes[index] = code
            elif kind == "scenario":
                levels[index] = np.maximum(code, 0)
                for row in np.flatnonzero(code == EMPTY).tolist():
                    messages.setdefault(row, []).append(f"{name}: {EMPTY_CELL}")
            else:
                number_codes[index] = code
            for row in np.flatnonzero(code == INVALID).tolist():
                messages.setdefault(row, []).append(f"{name}: {memo.problems[column[row]].render()}")
            memo.trim()
        enc.scenarios = b.pack_scenarios(levels)
        given = self._numbers(enc, number_codes, columns)
        self._empty_items(item_codes, given, messages)
        self._cross_checks(enc, columns, messages)
        result = b.score(enc, threads=1)
        return self._output(columns, result, messages), len(messages)

    def _numbers(
        self, enc: Encoded, codes: dict[int, npt.NDArray[np.int64]], columns: list[tuple[str, ...]]
    ) -> npt.NDArray[np.bool_]:
        """Numbers into the batch at one scale (the chunk's most decimals); which numbers each row gives."""
        b = self.batch
        given = np.zeros((len(b.numbers), enc.n), dtype=np.bool_)
        fallback = np.zeros(enc.n, dtype=np.bool_)
        for index, code in codes.items():
            given[index] = (code >= 0) | (code == FALLBACK)
            fallback |= code == FALLBACK
        scale = 0
        for code in codes.values():
            fixed = (code >= 0) & ~fallback
            scale = max(scale, int(np.where(fixed, code & 7, 0).max(initial=0)))
        enc.scale = scale
        powers = np.array([10**k for k in range(MAX_SCALE + 1)], dtype=np.int64)
        for index, code in codes.items():
            fixed = (code >= 0) & ~fallback
            # mantissa × 10**(scale − decimals): below 2**62 (decimal_parts and the fast path ensure it)
            enc.numbers[index] = np.where(
                fixed, (code >> 3) * powers.take(scale - (code & 7), mode="clip"), 0
            )
            enc.present[index] = fixed
        # A row with a number finer than the fixed point carries all its numbers as Decimals (batch.py).
        for row in np.flatnonzero(fallback).tolist():
            values: dict[str, Decimal] = {}
            for index, position in self.plan.numbers.items():
                value, _problem = check_number(self.fw, b.numbers[index], columns[position][row])
                if value is not None:
                    values[b.numbers[index]] = value
            enc.fallback[row] = values
        return given

    def _empty_items(
        self, codes: dict[int, npt.NDArray[np.int64]], given: npt.NDArray[np.bool_], messages: Messages
    ) -> None:
        """An empty item cell is an error unless the row gives every number its option is computed from.

        (With all of them given the engine derives the option, unless they are impossible together, which
        _cross_checks reports: so the row is never scored with a silently missing answer.)"""
        for index, code in codes.items():
            empty = code == EMPTY
            inputs = self.derived_inputs.get(index)
            if inputs:
                empty &= ~np.logical_and.reduce([given[k] for k in inputs])
            name = self.plan.header[self.plan.items[index]].strip()
            for row in np.flatnonzero(empty).tolist():
                messages.setdefault(row, []).append(f"{name}: {EMPTY_ITEM}")

    def _cross_checks(self, enc: Encoded, columns: list[tuple[str, ...]], messages: Messages) -> None:
        """Numbers each valid but impossible together (more networked devices than devices, a zero total):
        found here with whole-column comparisons, worded by parse_answers for just those rows."""
        suspect = np.zeros(enc.n, dtype=np.bool_)
        nums, present, idx = enc.numbers, enc.present, self.batch.number_index
        for rule in self.fw.derived:
            if isinstance(rule, RatioBands):
                num, den = idx[rule.numerator], idx[rule.denominator]
                suspect |= present[num] & present[den] & ((nums[num] > nums[den]) | (nums[den] == 0))
            elif isinstance(rule, RatioChange):
                for code in (rule.denominator_last, rule.denominator_prior):
                    suspect |= present[idx[code]] & (nums[idx[code]] == 0)
        for row in sorted({*np.flatnonzero(suspect).tolist(), *enc.fallback}):
            numbers = {self.batch.numbers[i]: columns[p][row] for i, p in self.plan.numbers.items()}
            for problem in parse_answers(self.fw, numbers=numbers).problems:
                if problem.code in CROSS_CHECKS:
                    where = ", ".join(self._columns_of(problem))
                    messages.setdefault(row, []).append(f"{where}: {problem.render()}")

    def _columns_of(self, problem: Problem) -> list[str]:
        """The number columns a cross-check is about, in its message's order (it names them by label)."""
        by_label = {n.label_zh: n.code for n in self.fw.collected}
        labels = [str(problem.params[key]) for key in ("part", "total", "label") if key in problem.params]
        return [by_label[label] for label in labels if label in by_label]

    def _output(
        self, columns: list[tuple[str, ...]], result: BatchScore, messages: Messages
    ) -> Iterator[tuple[str, ...]]:
        points, small, m = self._points.__getitem__, self._small, result.total.shape[0]
        extra = [
            list(map(points, result.dimension_points[k].tolist())) for k in range(len(self.batch.dimensions))
        ]
        extra.append(list(map(points, result.total.tolist())))
        extra += [[small[v] for v in result.at_level[k].tolist()] for k in range(result.at_level.shape[0])]
        extra.append([small[v] for v in result.level.tolist()])
        extra.append([self.fw.version] * m)
        errors = [""] * m
        for row, texts in messages.items():
            errors[row] = " | ".join(texts)
            for column in extra[:-1]:  # every score column, not the version: never a guess
                column[row] = ""
        extra.append(errors)
        # Rows assembled by zip, in C: the input cells as read, then the results.
        return zip(*columns, *extra, strict=True)


# ---------------------------------------------------------------------------------------------------------
# Files

EXTRA_CELLS = gettext_noop("这一行有 %(cells)s 个单元格，表头只有 %(width)s 列")


def score_stream(
    fw: Framework, source: IO[str], target: IO[str], *, chunk: int = CHUNK, batch: BatchScorer | None = None
) -> Summary:
    """Score CSV text from ``source`` into ``target`` (both text streams opened with newline="")."""
    started = time.perf_counter()
    summary = Summary()
    first = source.readline()
    if not first.strip():
        raise _refuse("file_no_header", gettext_noop("文件没有表头"))
    # Excel writes commas; its tab-separated export has tabs and no commas in the header.
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(itertools.chain([first], source), delimiter=delimiter)
    header = next(reader)
    plan = plan_columns(batch or BatchScorer(fw), header)
    rows_scorer = RowScorer(fw, plan, batch)
    writer = csv.writer(target)
    writer.writerow(rows_scorer.header())
    width = plan.width
    for block in _blocks(reader, chunk):
        rows: list[list[str]] = []
        messages: Messages = {}
        for cells in block:
            if not any(cells):
                summary.blank += 1  # an empty line or one of empty cells (Excel leaves them): skipped
                continue
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            elif len(cells) > width:
                if any(cells[width:]):
                    problem = Problem("row_too_long", EXTRA_CELLS, {"cells": len(cells), "width": width})
                    messages[len(rows)] = [problem.render()]
                cells = cells[:width]
            rows.append(cells)
        out, errors = rows_scorer.score_rows(rows, messages)
        writer.writerows(out)
        summary.rows += len(rows)
        summary.errors += errors
    summary.scored = summary.rows - summary.errors
    summary.seconds = time.perf_counter() - started
    return summary


def _blocks(reader: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    while block := list(itertools.islice(reader, size)):
        yield block


def score_file(fw: Framework, source: Path, target: Path, *, chunk: int = CHUNK) -> Summary:
    """Score ``source`` into ``target`` through a temporary file renamed at the end.

    The output is UTF-8 with a BOM, whatever the input's encoding: Excel then shows the Chinese messages."""
    started = time.perf_counter()
    if source.resolve() == target.resolve():
        raise _refuse("file_same", gettext_noop("输出文件不能与输入文件相同"))
    encoding = sniff_encoding(source)
    partial = target.with_name(target.name + ".partial")
    try:
        with (
            source.open(encoding=encoding, newline="") as src,
            partial.open("w", encoding="utf-8", newline="") as dst,
        ):
            # The BOM written by hand: the "utf-8-sig" codec encodes through Python code on every write.
            dst.write("\ufeff")
            summary = score_stream(fw, src, dst, chunk=chunk)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    summary.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    summary.seconds = time.perf_counter() - started
    return summary
