"""Enterprises like you at national scale: ``top_k_batch``, the numpy form of ``similarity.top_k`` that gives
the same cases in the same order for a million enterprises at once (pure: no Django). The distance itself is
defined in dengta/cases/similarity.py only; this module computes the same integers in bulk."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dengta.cases.similarity import (
    DIMENSIONS,
    MAX_LEVEL,
    MAX_SIZE_RANK,
    REGION_STEPS,
    Match,
    Metric,
    Profile,
    miit_2024,
)

# ---------------------------------------------------------------------------------------------- the batch

Int64s = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Int8s = npt.NDArray[np.int8]
Words = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class Vocabulary:
    """Codes as small integers, shared by the enterprise and case matrices (-1 = unknown)."""

    sub_industries: tuple[str, ...]
    places: tuple[str, ...]  # province and prefecture codes

    @classmethod
    def of(cls, profiles: Iterable[Profile]) -> Vocabulary:
        subs: set[str] = set()
        places: set[str] = set()
        for p in profiles:
            subs.add(p.sub_industry)
            places.update((p.province, p.prefecture))
        subs.discard("")
        places.discard("")
        return cls(tuple(sorted(subs)), tuple(sorted(places)))

    def index(self, codes: Sequence[str]) -> dict[str, int]:
        found = {code: n for n, code in enumerate(codes)}
        found[""] = -1
        return found


@dataclass(frozen=True)
class ProfileMatrix:
    """Profiles as columns of arrays (one row per profile), for ``top_k_batch``."""

    ids: Int64s
    sub_industry: Int32s  # index into vocabulary.sub_industries, -1 unknown
    levels: Int8s  # (n, scenarios)
    points: Int32s  # (n, 3) hundredths
    size_rank: Int8s
    province: Int32s  # index into vocabulary.places, -1 unknown
    prefecture: Int32s
    level: Int8s
    vocabulary: Vocabulary

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_profiles(cls, items: Sequence[tuple[int, Profile]], vocabulary: Vocabulary) -> ProfileMatrix:
        subs, places = vocabulary.index(vocabulary.sub_industries), vocabulary.index(vocabulary.places)
        width = len(items[0][1].scenario_levels) if items else 0
        return cls(
            ids=np.array([i for i, _ in items], dtype=np.int64),
            sub_industry=np.array([subs[p.sub_industry] for _, p in items], dtype=np.int32),
            levels=np.array([p.scenario_levels for _, p in items], dtype=np.int8).reshape(len(items), width),
            points=np.array([p.points for _, p in items], dtype=np.int32).reshape(len(items), 3),
            size_rank=np.array([p.size_rank for _, p in items], dtype=np.int8),
            province=np.array([places[p.province] for _, p in items], dtype=np.int32),
            prefecture=np.array([places[p.prefecture] for _, p in items], dtype=np.int32),
            level=np.array([p.level for _, p in items], dtype=np.int8),
            vocabulary=vocabulary,
        )

    def profile(self, row: int) -> Profile:
        """Row ``row`` back as a Profile (for checking the batch against ``top_k``)."""

        def code(codes: tuple[str, ...], n: int) -> str:
            return codes[n] if n >= 0 else ""

        v = self.vocabulary
        b, mg, r = (int(x) for x in self.points[row])
        return Profile(
            sub_industry=code(v.sub_industries, int(self.sub_industry[row])),
            scenario_levels=tuple(int(x) for x in self.levels[row]),
            points=(b, mg, r),
            size_rank=int(self.size_rank[row]),
            province=code(v.places, int(self.province[row])),
            prefecture=code(v.places, int(self.prefecture[row])),
            level=int(self.level[row]),
        )


@dataclass(frozen=True)
class BatchMatches:
    """Per enterprise (rows, in the input's order) its ``k`` nearest cases; -1 where there are fewer."""

    case_ids: Int64s
    tiers: Int8s
    units: Int64s
    pairs: int  # (enterprise, case) distances computed

    def row(self, n: int, metric: Metric) -> list[Match]:
        return [
            Match(int(i), int(t), int(u), int(u) / metric.full)
            for i, t, u in zip(self.case_ids[n], self.tiers[n], self.units[n], strict=True)
            if i >= 0
        ]


THERMOMETER = np.array([(1 << level) - 1 for level in range(MAX_LEVEL + 1)], dtype=np.uint64)
FAR = int(np.iinfo(np.int32).max)  # the units of a padding case: never among the nearest


def _thermometer(levels: Int8s) -> Words:
    """Each scenario's level as 4 bits, ``level`` of them set, 16 scenarios to a 64-bit word: the number
    of bits that differ between two words is the sum of their scenarios' |level differences|."""
    n, width = levels.shape
    words = np.zeros((max(1, -(-width // 16)), n), dtype=np.uint64)
    for j in range(width):
        words[j // 16] |= THERMOMETER[levels[:, j]] << np.uint64(4 * (j % 16))
    return words


@dataclass
class _Scan:
    """Some enterprises against some cases (in id order), with the multipliers applied.

    ``across`` says how the work arrays lie: enterprises down and cases across (many cases: numpy's inner
    loops then run along the cases), or cases down and enterprises across (a sub-industry's few cases
    against many enterprises), so that inner loops are long either way. The cases are padded to whole
    blocks of ``block`` (see ``_select``); a padding case is never chosen."""

    position: Int64s  # the cases, as indexes into the id-ordered cases (padding: -1)
    count: int  # real cases
    block: int
    words: Words  # (words, padded cases)
    points: Int32s  # (3, padded cases)
    table: Int32s  # size and region terms: (groups, padded cases) when across, else transposed
    take: int
    column: int  # first output column
    tier: int
    across: bool


@dataclass
class _Task:
    scan: _Scan
    rows: Int64s  # enterprise rows
    groups: Int64s  # their (size, province, prefecture) group, indexing the scan's table


def top_k_batch(
    enterprise_matrix: ProfileMatrix,
    case_matrix: ProfileMatrix,
    k: int = 5,
    metric: Metric | None = None,
    *,
    threads: int | None = None,
    block_pairs: int = 1 << 17,
) -> BatchMatches:
    """``top_k`` for every row of ``enterprise_matrix`` at once, with identical results.

    Enterprises are scanned against the cases of their own sub-industry only, unless it has fewer than
    ``k`` cases (then all of those, and the nearest others) or is unknown (all cases): the tiers make the
    rest unnecessary. Per (enterprise, case), in int32 units: the size and region terms from a table per
    (size, province, prefecture) group, the scenario term from the popcount of the XOR of two thermometer
    words, the points from three absolute differences. The nearest are then found without sorting every
    row (``_select``). ``threads`` (default: one per CPU) share the tasks; numpy releases the GIL.
    """
    m = metric or miit_2024()
    e, c = enterprise_matrix, case_matrix
    if e.vocabulary != c.vocabulary:
        raise ValueError("the matrices must share one vocabulary")
    for matrix in (e, c):
        if len(matrix) and matrix.levels.shape[1] != len(m.scenario_codes):
            raise ValueError("scenario vectors must follow the metric's scenario codes")
        if len(matrix) and (matrix.levels.min() < 0 or matrix.levels.max() > MAX_LEVEL):
            raise ValueError(f"scenario levels must lie in 0..{MAX_LEVEL}")
    if m.full >= FAR:
        raise ValueError("the metric's units do not fit the batch's int32 arithmetic")
    n = len(e)
    out = (np.full((n, k), -1, np.int64), np.full((n, k), -1, np.int8), np.full((n, k), -1, np.int64))
    if n == 0 or len(c) == 0 or k <= 0:
        return BatchMatches(*out, pairs=0)
    order = np.argsort(c.ids, kind="stable")
    case_ids = c.ids[order]
    if len(case_ids) > 1 and bool((case_ids[1:] == case_ids[:-1]).any()):
        raise ValueError("case ids must be unique")
    tasks = _plan(_Sides(e, c, order, m), k, block_pairs)
    e_words = _thermometer(e.levels)
    e_points = (e.points * np.array(m.per_point, dtype=np.int32)).T.copy()

    def run(task: _Task) -> None:
        _select(task, _units(task, e_words, e_points, m), m, case_ids, out)

    workers = max(1, threads or os.cpu_count() or 1)
    if workers == 1:
        for task in tasks:
            run(task)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, tasks))
    return BatchMatches(*out, pairs=sum(len(t.rows) * t.scan.count for t in tasks))


class _Sides:
    """The cases in id order with the multipliers applied, and the enterprises' groups: enterprises of
    the same size, province and prefecture share the size and region terms (one table row per group)."""

    def __init__(self, e: ProfileMatrix, c: ProfileMatrix, order: Int64s, m: Metric) -> None:
        self.e, self.m = e, m
        self.sub = np.where(c.sub_industry[order] < 0, -2, c.sub_industry[order])  # unknown: no match
        self.words = _thermometer(c.levels[order])
        self.points = (c.points[order] * np.array(m.per_point, dtype=np.int32)).T.copy()
        self.size = c.size_rank[order].astype(np.int32)
        self.prov = np.where(c.province[order] < 0, -2, c.province[order])
        self.pref = np.where(c.prefecture[order] < 0, -2, c.prefecture[order])
        places = np.int64(len(e.vocabulary.places) + 1)
        place_keys, e_place = np.unique((e.province + 1) * places + e.prefecture + 1, return_inverse=True)
        sizes = MAX_SIZE_RANK + 1
        group_keys, self.groups = np.unique(e_place * sizes + e.size_rank, return_inverse=True)
        self.g_place, self.g_size = group_keys // sizes, group_keys % sizes
        self.p_prov, self.p_pref = place_keys // places - 1, place_keys % places - 1

    def table(self, cases: Int64s, padded: int, present: Int64s) -> Int32s:
        """(present groups, padded cases): the size and region terms in units."""
        m = self.m
        used, local = np.unique(self.g_place[present], return_inverse=True)
        same_prov = self.p_prov[used, None] == self.prov[None, cases]
        same_pref = self.p_pref[used, None] == self.pref[None, cases]
        steps = np.where(same_pref, 0, np.where(same_prov, 1, REGION_STEPS))
        region = (m.per_region * steps).astype(np.int32)
        ranks = np.arange(MAX_SIZE_RANK + 1, dtype=np.int32)
        size = (m.per_size * np.abs(ranks[:, None] - self.size[None, cases])).astype(np.int32)
        out = np.zeros((len(present), padded), dtype=np.int32)
        np.add(region[local], size[self.g_size[present]], out=out[:, : len(cases)])
        return out

    def scan(self, cases: Int64s, present: Int64s, take: int, column: int, tier: int, pairs: int) -> _Scan:
        # Blocks of up to 64 cases, at least 2 × take of them (or one case each): _select.
        block = max(1, min(64, len(cases) // (2 * take)))
        padded = -(-len(cases) // block) * block
        position = np.full(padded, -1, dtype=np.int64)
        position[: len(cases)] = cases
        real = position.clip(0)
        across = padded * padded >= pairs
        table = self.table(cases, padded, present)
        return _Scan(
            position=position,
            count=len(cases),
            block=block,
            words=self.words[:, real],
            points=self.points[:, real].copy(),
            table=table if across else table.T.copy(),
            take=take,
            column=column,
            tier=tier,
            across=across,
        )


def _plan(sides: _Sides, k: int, pairs: int) -> list[_Task]:
    """The scans: per enterprise sub-industry, its cases (tier 0) and, when they are fewer than ``k``, the
    other cases (tier 1); each split into tasks of about ``pairs`` pairs."""
    tasks: list[_Task] = []
    subs = sides.e.sub_industry
    by_sub = np.argsort(subs, kind="stable")
    values, starts = np.unique(subs[by_sub], return_index=True)
    bounds = [*starts.tolist(), len(by_sub)]
    every = np.arange(len(sides.sub), dtype=np.int64)
    for s, lo, hi in zip(values.tolist(), bounds[:-1], bounds[1:], strict=True):
        rows = by_sub[lo:hi].astype(np.int64)
        present, local = np.unique(sides.groups[rows], return_inverse=True)
        own = np.flatnonzero(sides.sub == s) if s >= 0 else every[:0]
        parts = [(own, min(k, len(own)), 0, 0)]
        if len(own) < k:
            others = np.flatnonzero(sides.sub != s) if s >= 0 else every
            parts.append((others, min(k - len(own), len(others)), len(own), 1))
        for cases, take, column, tier_ in parts:
            if take == 0:
                continue
            scan = sides.scan(cases, present, take, column, tier_, pairs)
            step = max(1, pairs // len(scan.position))
            tasks += [_Task(scan, rows[b : b + step], local[b : b + step]) for b in range(0, len(rows), step)]
    return tasks


def _units(task: _Task, e_words: Words, e_points: Int32s, m: Metric) -> Int32s:
    """The task's distances in units: (rows, cases) when the scan lies across, else (cases, rows)."""
    scan, rows = task.scan, task.rows
    key = np.take(scan.table, task.groups, axis=0 if scan.across else 1)

    def pair(mine: npt.NDArray[Any], theirs: npt.NDArray[Any]) -> tuple[Any, Any]:
        return (mine[:, None], theirs[None, :]) if scan.across else (theirs[:, None], mine[None, :])

    diff = np.empty(key.shape, dtype=np.uint64)
    bits = np.empty(key.shape, dtype=np.uint8)
    term = np.empty(key.shape, dtype=np.int32)
    for w in range(scan.words.shape[0]):
        np.bitwise_xor(*pair(e_words[w, rows], scan.words[w]), out=diff)
        np.bitwise_count(diff, out=bits)
        np.multiply(bits, np.int32(m.per_level), out=term)
        np.add(key, term, out=key)
    for d in range(len(DIMENSIONS)):
        np.subtract(*pair(e_points[d, rows], scan.points[d]), out=term)
        np.abs(term, out=term)
        np.add(key, term, out=key)
    if scan.count < len(scan.position):
        if scan.across:
            key[:, scan.count :] = FAR
        else:
            key[scan.count :] = FAR
    return key


def _select(task: _Task, key: Int32s, m: Metric, case_ids: Int64s, out: tuple[Int64s, Int8s, Int64s]) -> None:
    """The task's nearest cases, by (units, case id), written to ``out``.

    Sorting every enterprise's row of distances would cost more than computing it. Instead: the cases lie
    in blocks; the take-th smallest block minimum bounds the take-th smallest distance from above (each
    of those blocks holds a case at or under it), so only the blocks whose minimum is at or under that
    bound are read again, and only their cases at or under it are sorted, exactly."""
    scan, rows = task.scan, len(task.rows)
    take, block = scan.take, scan.block
    # cubes: [row, block, case in block]
    cubes = key.reshape(rows, -1, block) if scan.across else key.reshape(-1, block, rows).transpose(2, 0, 1)
    minima = cubes.min(axis=2)  # (rows, blocks)
    bound = np.partition(minima, take - 1, axis=1)[:, take - 1]
    row, blk = np.nonzero(minima <= bound[:, None])
    values = cubes[row, blk]  # (chosen blocks, block)
    chosen, inner = np.nonzero(values <= bound[row, None])
    units = values[chosen, inner].astype(np.int64)
    case = blk[chosen].astype(np.int64) * block + inner
    row = row[chosen].astype(np.int64)
    # One int64 per candidate, (row, units, case) from the high bits down: sorting it orders each
    # enterprise's candidates by distance, then by case id (the cases are in id order).
    case_bits = max(1, (len(scan.position) - 1).bit_length())
    unit_bits = m.full.bit_length()
    ordered = np.sort((row << (unit_bits + case_bits)) | (units << case_bits) | case)
    starts = np.searchsorted(ordered >> (unit_bits + case_bits), np.arange(rows))
    best = ordered[starts[:, None] + np.arange(take)[None, :]]
    position = scan.position[best & ((1 << case_bits) - 1)]
    columns = slice(scan.column, scan.column + take)
    ids_out, tiers_out, units_out = out
    ids_out[task.rows, columns] = case_ids[position]
    tiers_out[task.rows, columns] = scan.tier
    units_out[task.rows, columns] = (best >> case_bits) & ((1 << unit_bits) - 1)
