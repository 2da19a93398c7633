"""The batch scorer: the engine's results for many answer sets at once (numpy only, no Django).

``score(fw, answers)`` in engine.py is the reference; ``BatchScorer.score(encoded)`` gives exactly its
dimension points, total (integer ten-thousandths), scenario counts per level and level for every row of an
``Encoded`` batch (the property test in tests/test_batch.py holds it to that).

Encoding (compact integer arrays, one row per assessment, one array row per item / number):

- ``masks`` uint16 ``(items, n)``: bit ``i`` set when the item's ``i``-th option (in the framework's order)
  is chosen; 0 is "no option", which the engine scores as 0 points. Single-choice items use the same
  encoding (one bit), so every item is scored by one lookup in a table indexed by its mask.
- ``scenarios`` uint64 ``(words, n)``: scenario levels packed four bits each, sixteen scenarios per word,
  so the counts "at least level L" of all scenarios come from a few whole-word operations (below).
- ``numbers`` int64 ``(numbers, n)`` with ``present`` bool: collected numbers in fixed point, the value
  times ``10**scale`` (exact: the encoder only uses a scale at which every value is an integer). Rows
  whose numbers do not fit (negative values, more than ``MAX_SCALE`` decimals, too large) are left out of
  the arrays and listed in ``fallback`` with their Decimals; their derived options come from the engine's
  own ``derive_option``. Valid CSV or form input never needs it unless someone types seven decimals.

Exactness: options derived from numbers compare ``num × 100 ≤ bound × den`` and ``a × d`` vs ``c × b`` on
integers, never by dividing. Products are computed in int64 when the chunk's largest operands prove they
cannot overflow, and otherwise as exact 128-bit products from 32-bit limbs — so a boundary such as exactly
10 % lands in the same band as in the engine, whatever the magnitudes.

Speed: the work is done in chunks of ``CHUNK`` rows (the chunk's arrays stay in the CPU cache between the
operations on them) spread over a thread per core; numpy releases the GIL inside each operation.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from dengta.assessment.scoring.answers import Answers
from dengta.assessment.scoring.engine import derive_option
from dengta.assessment.scoring.framework import (
    Framework,
    FrameworkDataError,
    Item,
    RatioBands,
    RatioChange,
)

CHUNK = 1 << 16
MAX_OPTIONS = 16  # a uint16 mask; the table of an item has 2**options entries
MAX_SCENARIO_LEVEL = 7  # four bits per scenario, the top bit kept clear for the comparison trick below
MAX_SCALE = 6  # numbers up to 1e12 (answers.MAX_NUMBER) with 6 decimals stay below 2**62
NIBBLES = 16
LIMIT = 1 << 62  # encoded numbers stay below this, so sums of two never overflow int64
INT64_SAFE = (1 << 63) - 1

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
U64 = npt.NDArray[np.uint64]
I8 = npt.NDArray[np.int8]


@dataclass(frozen=True)
class _Bands:
    item: int
    numerator: int
    denominator: int
    # bound j as (lhs factor, rhs factor): num × lhs ≤ den × rhs  ⇔  num / den × 100 ≤ bound_j
    factors: tuple[tuple[int, int], ...]
    options: tuple[int, ...]  # option index per band
    ascending: bool  # bounds strictly increasing: the band is the number of bounds passed (_band_index)


@dataclass(frozen=True)
class _Change:
    item: int
    numerator_last: int
    denominator_last: int
    numerator_prior: int
    denominator_prior: int
    up: int
    flat: int
    down: int
    by_sign: I8  # option index for a comparison sign −1, 0, +1 (shifted by one)


@dataclass
class Encoded:
    """A batch of answer sets as arrays (see the module docstring for the layout)."""

    masks: npt.NDArray[np.uint16]
    scenarios: U64
    numbers: IntArray
    present: BoolArray
    scale: int = 0
    fallback: dict[int, dict[str, Decimal]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.masks.shape[1])


@dataclass(frozen=True)
class BatchScore:
    """Per-row results; ``dimension_points`` rows follow ``BatchScorer.dimensions``."""

    dimension_points: npt.NDArray[np.int32]  # (dimensions, n), ten-thousandths
    total: npt.NDArray[np.int32]  # (n,)
    at_level: npt.NDArray[np.uint8]  # (top + 1, n): scenarios exactly at level 0..top
    level: npt.NDArray[np.int8]  # (n,), 0 = no level

    def row(self, i: int, dimensions: Sequence[str]) -> dict[str, Any]:
        """One row in the shape of the engine's Score fields (for tests and spot checks)."""
        return {
            "dimension_points": {d: int(self.dimension_points[k, i]) for k, d in enumerate(dimensions)},
            "total": int(self.total[i]),
            "at_level": {lv: int(self.at_level[lv, i]) for lv in range(self.at_level.shape[0])},
            "level": int(self.level[i]),
        }


def _item_table(item: Item) -> npt.NDArray[np.int32]:
    """Points of every option combination, indexed by mask; the 无 option adds nothing, as in the engine."""
    masks = np.arange(1 << len(item.options), dtype=np.int64)
    table = np.zeros(masks.shape, dtype=np.int64)
    for i, opt in enumerate(item.options):
        if opt.key != item.exclusive:
            table += np.where(masks & (1 << i), opt.points, 0)
    return table.astype(np.int32)


def _pct_factors(bound: Decimal) -> tuple[int, int]:
    # num/den × 100 ≤ p/q  ⇔  num × 100q ≤ den × p  (den > 0); reduced so the factors stay small.
    ratio = Fraction(bound) / 100
    return ratio.denominator, ratio.numerator


class BatchScorer:
    """A framework compiled into lookup tables and masks for the batch (compile once, score many)."""

    def __init__(self, fw: Framework) -> None:
        self.fw = fw
        self.items = fw.items
        self.item_index = {item.code: i for i, item in enumerate(fw.items)}
        for item in fw.items:
            if len(item.options) > MAX_OPTIONS:
                raise FrameworkDataError(f"{item.code}: more than {MAX_OPTIONS} options for the batch scorer")
        self.tables = tuple(_item_table(item) for item in fw.items)
        self._bits = tuple({key: 1 << k for k, key in enumerate(item.keys)} for item in fw.items)
        self.dimensions = tuple(d.code for d in fw.dimensions)
        dim_of = {d.code: k for k, d in enumerate(fw.dimensions)}
        self.item_dimension = tuple(dim_of[item.dimension] for item in fw.items)

        self.scenarios = tuple(s.code for s in fw.scenarios)
        self.scenario_index = {code: i for i, code in enumerate(self.scenarios)}
        self.top = max((len(s.levels) for s in fw.scenarios), default=4)  # as engine._counts
        if self.top > MAX_SCENARIO_LEVEL:
            raise FrameworkDataError(
                f"scenario levels above {MAX_SCENARIO_LEVEL} do not fit the batch scorer"
            )
        self.words = max(1, -(-len(fw.scenarios) // NIBBLES))
        high = np.zeros(self.words, dtype=np.uint64)
        high_constrained = np.zeros(self.words, dtype=np.uint64)
        for i, s in enumerate(fw.scenarios):
            bit = np.uint64(8 << (4 * (i % NIBBLES)))
            high[i // NIBBLES] |= bit
            if s.constrained:
                high_constrained[i // NIBBLES] |= bit
        self._high = high
        self._high_constrained = high_constrained
        # L subtracted from every nibble at once (L ≤ 7 < 8, see _chunk)
        self._minus = [np.uint64(0x1111111111111111 * level) for level in range(self.top + 1)]
        self._local = threading.local()

        self.numbers = tuple(n.code for n in fw.collected)
        self.number_index = {code: i for i, code in enumerate(self.numbers)}
        rules: list[_Bands | _Change] = []
        for rule in fw.derived:
            item = fw.items[self.item_index[rule.item]]
            opt = {key: i for i, key in enumerate(item.keys)}
            num = self.number_index
            if isinstance(rule, RatioBands):
                rules.append(
                    _Bands(
                        item=self.item_index[rule.item],
                        numerator=num[rule.numerator],
                        denominator=num[rule.denominator],
                        factors=tuple(_pct_factors(b) for b in rule.upper_bounds_pct),
                        options=tuple(opt[k] for k in rule.options),
                        ascending=all(
                            a < b
                            for a, b in zip(rule.upper_bounds_pct, rule.upper_bounds_pct[1:], strict=False)
                        ),
                    )
                )
            elif isinstance(rule, RatioChange):
                rules.append(
                    _Change(
                        item=self.item_index[rule.item],
                        numerator_last=num[rule.numerator_last],
                        denominator_last=num[rule.denominator_last],
                        numerator_prior=num[rule.numerator_prior],
                        denominator_prior=num[rule.denominator_prior],
                        up=opt[rule.up],
                        flat=opt[rule.flat],
                        down=opt[rule.down],
                        by_sign=np.array([opt[rule.down], opt[rule.flat], opt[rule.up]], dtype=np.int8),
                    )
                )
        self.rules = tuple(rules)
        self._rule_for_item = {r.item: r for r in self.rules}
        # Points of the single option a rule derives, per option index (table at that option's own bit).
        self._option_points = tuple(
            np.array([table[1 << k] for k in range(len(item.options))], dtype=np.int32)
            for item, table in zip(fw.items, self.tables, strict=True)
        )
        self.levels = fw.levels

    # ---- encoding ------------------------------------------------------------------------------------

    def mask(self, item_code: str, keys: Iterable[str]) -> int:
        bits = self._bits[self.item_index[item_code]]
        out = 0
        for key in keys:
            out |= bits[key]
        return out

    def pack_scenarios(self, levels: npt.NDArray[Any]) -> U64:
        """``(scenarios, n)`` levels (any integer dtype, 0..top) packed four bits per scenario."""
        n = levels.shape[1]
        words = np.zeros((self.words, n), dtype=np.uint64)
        for i in range(levels.shape[0]):
            words[i // NIBBLES] |= levels[i].astype(np.uint64) << np.uint64(4 * (i % NIBBLES))
        return words

    def empty(self, n: int) -> Encoded:
        return Encoded(
            masks=np.zeros((len(self.items), n), dtype=np.uint16),
            scenarios=np.zeros((self.words, n), dtype=np.uint64),
            numbers=np.zeros((len(self.numbers), n), dtype=np.int64),
            present=np.zeros((len(self.numbers), n), dtype=np.bool_),
        )

    def encode(self, answers: Sequence[Answers]) -> Encoded:
        """Answers (as parse_answers gives them) into a batch: a Python loop, for tests and samples."""
        n = len(answers)
        enc = self.empty(n)
        levels = np.zeros((len(self.scenarios), n), dtype=np.uint8)
        decimals: dict[int, dict[str, Decimal]] = {}
        for row, a in enumerate(answers):
            for code, keys in a.choices.items():
                enc.masks[self.item_index[code], row] = self.mask(code, keys)
            for code, lv in a.scenarios.items():
                levels[self.scenario_index[code], row] = lv
            if a.numbers:
                decimals[row] = {k: v for k, v in a.numbers.items() if k in self.number_index}
        enc.scenarios = self.pack_scenarios(levels)
        self.set_numbers(enc, decimals)
        return enc

    def set_numbers(self, enc: Encoded, rows: Mapping[int, Mapping[str, Decimal]]) -> None:
        """Collected numbers into fixed point at the smallest scale that holds them all exactly."""
        parts: dict[int, dict[int, tuple[int, int]]] = {}
        scale = 0
        for row, values in rows.items():
            got: dict[int, tuple[int, int]] = {}
            for code, value in values.items():
                split = decimal_parts(value)
                if split is None:
                    enc.fallback[row] = dict(values)
                    break
                got[self.number_index[code]] = split
            else:
                parts[row] = got
                scale = max([scale, *(d for _m, d in got.values())])
        enc.scale = scale
        for row, got in parts.items():
            for col, (m, d) in got.items():
                enc.numbers[col, row] = m * 10 ** (scale - d)
                enc.present[col, row] = True

    def decode(self, enc: Encoded, rows: Iterable[int]) -> list[Answers]:
        """Answers objects back from a batch (the engine's input for the same rows)."""
        out = []
        for row in rows:
            choices = {}
            for i, item in enumerate(self.items):
                m = int(enc.masks[i, row])
                if m:
                    choices[item.code] = frozenset(k for b, k in enumerate(item.keys) if m >> b & 1)
            scenarios = {}
            for i, code in enumerate(self.scenarios):
                word = int(enc.scenarios[i // NIBBLES, row])
                scenarios[code] = (word >> (4 * (i % NIBBLES))) & 15
            if row in enc.fallback:
                numbers = dict(enc.fallback[row])
            else:
                numbers = {
                    code: Decimal(int(enc.numbers[i, row])).scaleb(-enc.scale)
                    for i, code in enumerate(self.numbers)
                    if enc.present[i, row]
                }
            out.append(Answers(choices=choices, scenarios=scenarios, numbers=numbers))
        return out

    # ---- scoring -------------------------------------------------------------------------------------

    def score(self, enc: Encoded, *, threads: int | None = None, chunk: int = CHUNK) -> BatchScore:
        n = enc.n
        result = BatchScore(
            dimension_points=np.empty((len(self.dimensions), n), dtype=np.int32),
            total=np.empty(n, dtype=np.int32),
            at_level=np.empty((self.top + 1, n), dtype=np.uint8),
            level=np.empty(n, dtype=np.int8),
        )
        # Written here, before the threads start: the first write to fresh memory faults its pages in, and
        # page faults from several threads at once serialise them (measured: 2 threads no faster than 1).
        result.dimension_points.fill(0)
        result.total.fill(0)
        result.level.fill(0)
        result.at_level.fill(0)
        spans = [(lo, min(lo + chunk, n)) for lo in range(0, n, chunk)]
        workers = min(threads or os.cpu_count() or 1, len(spans))
        if workers <= 1:
            for lo, hi in spans:
                self._chunk(enc, lo, hi, result)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                # list() re-raises an exception from any chunk.
                list(pool.map(lambda span: self._chunk(enc, span[0], span[1], result), spans))
        if enc.fallback:
            self._fallback(enc, result)
        return result

    def _scratch(self, m: int) -> _Scratch:
        scratch: _Scratch | None = getattr(self._local, "scratch", None)
        if scratch is None or scratch.m != m:
            scratch = _Scratch(m, self.top)
            self._local.scratch = scratch
        return scratch

    def _chunk(self, enc: Encoded, lo: int, hi: int, result: BatchScore) -> None:
        s = self._scratch(hi - lo)
        dims = result.dimension_points[:, lo:hi]
        for i, table in enumerate(self.tables):
            masks = enc.masks[i, lo:hi]
            if len(masks) and int(masks.max()) >= len(table):
                raise ValueError(f"{self.items[i].code}: a mask names an option the item does not have")
            # take() wants intp indices and would convert the masks into a new array on every call; into the
            # scratch buffer instead. mode="wrap": the output is not buffered (indices were just checked).
            np.copyto(s.indices, masks)
            table.take(s.indices, out=s.points, mode="wrap")
            rule = self._rule_for_item.get(i)
            if rule is not None and self._derive(rule, enc, lo, hi, s):
                # the option derived from the numbers replaces the chosen ones (engine.effective_options)
                np.copyto(s.indices, s.index)
                self._option_points[i].take(s.indices, out=s.option_points, mode="wrap")
                np.copyto(s.points, s.option_points, where=s.valid)
            dim = dims[self.item_dimension[i]]
            np.add(dim, s.points, out=dim)
        total = result.total[lo:hi]
        for k in range(dims.shape[0]):
            np.add(total, dims[k], out=total)

        # Scenario counts. In a nibble holding v ≤ 7, (v | 8) − L keeps its top bit exactly when v ≥ L, and
        # subtracting L from every nibble of (word | 0x88…8) at once borrows across none (nibbles ≥ 8 ≥ L).
        words = enc.scenarios[:, lo:hi]
        at_least, constrained, word = s.at_least, s.constrained, s.word
        for level in range(1, self.top + 1):
            for w in range(self.words):
                np.bitwise_or(words[w], self._high[w], out=word)
                np.subtract(word, self._minus[level], out=word)
                np.bitwise_and(word, self._high[w], out=word)
                _count_into(word, at_least[level], s.count, first=w == 0)
                np.bitwise_and(word, self._high_constrained[w], out=word)
                _count_into(word, constrained[level], s.count, first=w == 0)
        at_level = result.at_level[:, lo:hi]
        if self.top:
            np.subtract(len(self.scenarios), at_least[1], out=at_level[0])
            for level in range(1, self.top):
                np.subtract(at_least[level], at_least[level + 1], out=at_level[level])
            at_level[self.top] = at_least[self.top]
        else:
            at_level[0] = len(self.scenarios)

        # The level rule: the highest level whose points and scenario conditions all hold (engine.score).
        level_out, met, flag = result.level[lo:hi], s.met, s.flag
        for cond in reversed(self.levels):  # lowest first, so a higher level met overwrites a lower one
            np.greater_equal(total, cond.min_points, out=met)
            if 1 <= cond.scenario_level <= self.top:
                np.greater_equal(at_least[cond.scenario_level], cond.min_scenarios, out=flag)
                np.logical_and(met, flag, out=met)
                np.greater_equal(constrained[cond.scenario_level], cond.min_constrained, out=flag)
                np.logical_and(met, flag, out=met)
            elif cond.min_scenarios > 0 or cond.min_constrained > 0:
                # the engine's at_least.get(level, 0): no scenario counts at a level that does not exist
                met.fill(False)
            np.copyto(level_out, cond.level, where=met)

    def _derive(self, rule: _Bands | _Change, enc: Encoded, lo: int, hi: int, s: _Scratch) -> bool:
        """The derived option's index into ``s.index`` and the rows that have one into ``s.valid``."""
        nums, present, valid, flag = enc.numbers[:, lo:hi], enc.present[:, lo:hi], s.valid, s.flag
        if isinstance(rule, _Bands):
            np.logical_and(present[rule.numerator], present[rule.denominator], out=valid)
            if not valid.any():
                return False
            num, den = nums[rule.numerator], nums[rule.denominator]
            # engine._band: no option unless 0 ≤ num ≤ den and den > 0 (absent numbers are stored as 0)
            np.greater(den, 0, out=flag)
            np.logical_and(valid, flag, out=valid)
            np.less_equal(num, den, out=flag)
            np.logical_and(valid, flag, out=valid)
            _band_index(rule, num, den, s)
            return True
        np.logical_and(present[rule.numerator_last], present[rule.denominator_last], out=valid)
        np.logical_and(valid, present[rule.numerator_prior], out=valid)
        np.logical_and(valid, present[rule.denominator_prior], out=valid)
        if not valid.any():
            return False
        nl, dl = nums[rule.numerator_last], nums[rule.denominator_last]
        np_, dp = nums[rule.numerator_prior], nums[rule.denominator_prior]
        np.greater(dl, 0, out=flag)
        np.logical_and(valid, flag, out=valid)
        np.greater(dp, 0, out=flag)
        np.logical_and(valid, flag, out=valid)
        # nl/dl vs np/dp by cross-multiplication, as engine._change (denominators positive); the sign
        # −1/0/+1 picks down/flat/up from a three-entry table.
        sign = _compare_products(nl, dp, np_, dl, s)
        np.add(sign, 1, out=sign)
        np.copyto(s.indices, sign)
        rule.by_sign.take(s.indices, out=s.index, mode="wrap")
        return True

    def _fallback(self, enc: Encoded, result: BatchScore) -> None:
        """Rows whose numbers are outside the fixed point: derive their options with the engine's code."""
        rows = sorted(enc.fallback)
        sub = Encoded(
            masks=enc.masks[:, rows].copy(),
            scenarios=enc.scenarios[:, rows],
            numbers=np.zeros((len(self.numbers), len(rows)), dtype=np.int64),
            present=np.zeros((len(self.numbers), len(rows)), dtype=np.bool_),
        )
        for j, row in enumerate(rows):
            numbers = enc.fallback[row]
            for i in self._rule_for_item:
                option = derive_option(self.fw, self.items[i].code, numbers)
                if option is not None:  # the derived option replaces the chosen ones, as in the engine
                    sub.masks[i, j] = 1 << self.items[i].keys.index(option)
        part = self.score(sub, threads=1)
        result.dimension_points[:, rows] = part.dimension_points
        result.total[rows] = part.total
        result.at_level[:, rows] = part.at_level
        result.level[rows] = part.level


class _Scratch:
    """Buffers of one worker thread for chunks of ``m`` rows, reused from chunk to chunk.

    Without them every operation's result is a fresh array of the chunk's size, which malloc maps and unmaps
    each time; the page faults that follow serialise the threads (measured: two threads were no faster than
    one, and 40 % faster with these buffers).
    """

    def __init__(self, m: int, top: int) -> None:
        self.m = m
        self.indices = np.empty(m, dtype=np.intp)
        self.points = np.empty(m, dtype=np.int32)
        self.option_points = np.empty(m, dtype=np.int32)
        self.valid = np.empty(m, dtype=np.bool_)
        self.flag = np.empty(m, dtype=np.bool_)
        self.flag2 = np.empty(m, dtype=np.bool_)
        self.met = np.empty(m, dtype=np.bool_)
        self.left = np.empty(m, dtype=np.int64)
        self.right = np.empty(m, dtype=np.int64)
        self.index = np.empty(m, dtype=np.int8)
        self.sign = np.empty(m, dtype=np.int8)
        self.passed = np.empty(m, dtype=np.int8)
        self.word = np.empty(m, dtype=np.uint64)
        self.count = np.empty(m, dtype=np.uint8)
        self.at_least = np.empty((top + 1, m), dtype=np.uint8)
        self.constrained = np.empty((top + 1, m), dtype=np.uint8)


def _count_into(
    word: U64, out: npt.NDArray[np.uint8], scratch: npt.NDArray[np.uint8], *, first: bool
) -> None:
    if first:
        np.bitwise_count(word, out=out)
    else:
        np.bitwise_count(word, out=scratch)
        np.add(out, scratch, out=out)


def _band_index(rule: _Bands, num: IntArray, den: IntArray, s: _Scratch) -> None:
    """Into ``s.index``: the option of the first band whose bound num/den × 100 does not pass (_band)."""
    top_num, top_den = int(num.max()), int(den.max())
    if rule.ascending:
        # Bounds increase, so "first bound not passed" = the number of bounds passed, at most the last band.
        passed = s.passed
        passed.fill(0)
        for lhs, rhs in rule.factors[:-1]:
            _le_products(num, lhs, top_num, den, rhs, top_den, s)
            np.logical_not(s.flag2, out=s.flag2)
            np.add(passed, s.flag2, out=passed)
        np.copyto(s.indices, passed)
        np.asarray(rule.options, dtype=np.int8).take(s.indices, out=s.index, mode="wrap")
        return
    s.index.fill(rule.options[-1])
    for (lhs, rhs), option in zip(reversed(rule.factors), reversed(rule.options), strict=True):
        _le_products(num, lhs, top_num, den, rhs, top_den, s)
        np.copyto(s.index, option, where=s.flag2)


def decimal_parts(value: Decimal) -> tuple[int, int] | None:
    """``(m, d)`` with value = m / 10**d exactly, or None when it does not fit the fixed point."""
    if not value.is_finite() or value < 0:
        return None
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    mantissa = int("".join(map(str, digits)) or "0")
    if exponent >= 0:
        mantissa *= 10**exponent
        d = 0
    else:
        d = -exponent
        # Trailing zeros ("1.500") need no extra scale.
        while d and mantissa % 10 == 0:
            mantissa //= 10
            d -= 1
    if d > MAX_SCALE or mantissa * 10 ** (MAX_SCALE - d) >= LIMIT:
        return None
    return mantissa, d


def _le_products(a: IntArray, fa: int, top_a: int, b: IntArray, fb: int, top_b: int, s: _Scratch) -> None:
    """Into ``s.flag2``: a × fa ≤ b × fb element-wise, exactly (a, b ≥ 0; fa, fb positive constants)."""
    if top_a * fa <= INT64_SAFE and top_b * fb <= INT64_SAFE:
        np.multiply(a, fa, out=s.left)
        np.multiply(b, fb, out=s.right)
        np.less_equal(s.left, s.right, out=s.flag2)
        return
    sign = _compare_products(a, np.full_like(a, fa), b, np.full_like(b, fb), s)
    np.less_equal(sign, 0, out=s.flag2)


def _mul128(a: IntArray, b: IntArray) -> tuple[U64, U64]:
    """Exact products of non-negative int64 (< 2**63) as (high, low) 64-bit halves, from 32-bit limbs."""
    ua, ub = a.astype(np.uint64), b.astype(np.uint64)
    lo32, shift = np.uint64(0xFFFFFFFF), np.uint64(32)
    a0, a1 = ua & lo32, ua >> shift
    b0, b1 = ub & lo32, ub >> shift
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> shift) + (p01 & lo32) + (p10 & lo32)
    low = (p00 & lo32) | ((mid & lo32) << shift)
    high = p11 + (p01 >> shift) + (p10 >> shift) + (mid >> shift)
    return high, low


def _compare_products(a: IntArray, b: IntArray, c: IntArray, d: IntArray, s: _Scratch) -> I8:
    """Into and returning ``s.sign``: sign(a × b − c × d) element-wise, exactly, for non-negative int64.

    int64 products when the largest operands prove they fit; otherwise exact 128-bit products (slower, and
    only reached by numbers in the trillions or with many decimals).
    """
    if int(a.max(initial=0)) * int(b.max(initial=0)) <= INT64_SAFE and (
        int(c.max(initial=0)) * int(d.max(initial=0)) <= INT64_SAFE
    ):
        np.multiply(a, b, out=s.left)
        np.multiply(c, d, out=s.right)
        np.greater(s.left, s.right, out=s.flag)
        np.less(s.left, s.right, out=s.flag2)
    else:
        lh, ll = _mul128(a, b)
        rh, rl = _mul128(c, d)
        np.copyto(s.flag, (lh > rh) | ((lh == rh) & (ll > rl)))
        np.copyto(s.flag2, (lh < rh) | ((lh == rh) & (ll < rl)))
    np.subtract(s.flag.view(np.int8), s.flag2.view(np.int8), out=s.sign)
    return s.sign
