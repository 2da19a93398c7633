"""Benchmark of the batch scorer: ``manage.py bench_scoring --n 1000000``.

Generates ``n`` random valid answer sets for the MIIT 2024 framework (seeded, directly as the batch scorer's
arrays: generating a million Python objects would take longer than everything measured), scores them all
with the batch scorer (timed: the scoring only, best of ``repeat`` runs, as timeit does), scores a random
sample with the engine one answer set at a time (timed, for the engine's rate), and checks that the sample's
results are identical: dimension points, total, scenarios at each level and level.

Half of the generated sets carry collected numbers, so the derived options (设备数字化率, 设备联网率 and
the three year-on-year changes) are computed on the way; equipment counts are whole numbers and the money
and energy figures have two decimals, as people type them.

The last line printed is ``bench scoring: rate_per_s=… ratio_vs_engine=… match=true|false``
(ARCHITECTURE.md, Tests). Pure numpy and the pure engine: no database.
"""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dengta.assessment.scoring.batch import BatchScore, BatchScorer, Encoded
from dengta.assessment.scoring.definitions import compile_content, read_definition
from dengta.assessment.scoring.engine import Score, score
from dengta.assessment.scoring.framework import Framework

Say = Callable[[str], None]
DEFINITION = "miit-2024-manufacturing.rules.json"
NUMBERS_SHARE = 0.5


@dataclass(frozen=True)
class BenchResult:
    n: int
    seconds: float
    runs: tuple[float, ...]
    sample: int
    engine_seconds: float
    match: bool
    threads: int

    @property
    def rate(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0

    @property
    def engine_rate(self) -> float:
        return self.sample / self.engine_seconds if self.engine_seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.rate / self.engine_rate if self.engine_rate else 0.0

    def line(self) -> str:
        return (
            f"bench scoring: rate_per_s={self.rate:.0f} ratio_vs_engine={self.ratio:.0f} "
            f"match={'true' if self.match else 'false'}"
        )


def framework() -> Framework:
    from dengta.assessment.scoring.definitions import canonical

    compiled = compile_content(canonical(read_definition(DEFINITION).content))
    assert isinstance(compiled, Framework)
    return compiled


def generate(scorer: BatchScorer, n: int, *, seed: int) -> Encoded:
    """``n`` random valid answer sets: every item answered (无 alone now and then), every scenario rated.

    Each enterprise gets a maturity between 0 and 1 that its answers follow loosely (options ticked, single
    choices and scenario levels), so that every level from none to 四级 occurs.
    """
    rng = np.random.default_rng(seed)
    enc = scorer.empty(n)
    maturity = rng.random(n)
    for i, item in enumerate(scorer.items):
        k = len(item.options)
        if item.multi:
            e = item.keys.index(item.exclusive) if item.exclusive else k
            mask = np.zeros(n, dtype=np.int64)
            for bit in range(k):
                if bit != e:
                    mask |= (rng.random(n) < maturity).astype(np.int64) << bit
            # Nothing ticked means 无 (the exclusive option alone), never an empty answer.
            enc.masks[i] = np.where(mask == 0, 1 << e, mask).astype(np.uint16)
        else:
            step = np.rint(maturity * (k - 1)).astype(np.int64) + rng.integers(-1, 2, size=n)
            enc.masks[i] = (1 << np.clip(step, 0, k - 1)).astype(np.uint16)
    base = np.rint(maturity * scorer.top).astype(np.int64)
    levels = np.clip(base + rng.integers(-1, 2, size=(len(scorer.scenarios), n)), 0, scorer.top)
    enc.scenarios = scorer.pack_scenarios(levels)
    _numbers(scorer, enc, rng)
    return enc


def _numbers(scorer: BatchScorer, enc: Encoded, rng: np.random.Generator) -> None:
    """Collected numbers for about half of the rows, in fixed point with two decimals (scale 2)."""
    n = enc.n
    rows = rng.random(n) < NUMBERS_SHARE
    enc.scale = 2
    spec = {c.code: c for c in scorer.fw.collected}
    total = rng.integers(1, 2001, size=n)
    # Counts as multiples of a tenth of the total now and then, so rates of exactly 10 %, 20 %, … occur.
    tenth = (rng.random(n) < 0.3) & (total % 10 == 0)
    fixed: dict[str, np.ndarray] = {}
    for code in scorer.numbers:
        if code == "equipment_total":
            fixed[code] = total * 100
        elif code in ("equipment_digital", "equipment_networked"):
            part = rng.integers(0, total + 1)
            exact = total * rng.integers(0, 11, size=n) // 10
            fixed[code] = np.where(tenth, exact, part) * 100
        elif spec[code].integer:
            fixed[code] = rng.integers(1, 5001, size=n) * 100
        elif spec[code].maximum is not None:
            fixed[code] = rng.integers(0, int(spec[code].maximum or 0) * 100 + 1, size=n)
        else:  # up to 999,999.99 (万元, 吨标准煤)
            fixed[code] = rng.integers(1, 100_000_000, size=n)
    # Equal ratios (持平) now and then: the prior year a copy of the last one.
    flat = rng.random(n) < 0.2
    for last, prior in (("energy_last", "energy_prior"), ("revenue_last", "revenue_prior")):
        if last in fixed and prior in fixed:
            fixed[prior] = np.where(flat, fixed[last], fixed[prior])
    if {"cost_last", "cost_prior", "revenue_last"} <= fixed.keys():
        for code in ("cost_last", "cost_prior"):
            fixed[code] = np.where(flat, fixed["revenue_last"] // 2, fixed[code])
    for code, values in fixed.items():
        i = scorer.number_index[code]
        enc.numbers[i] = np.where(rows, values, 0)
        enc.present[i] = rows


def write_csv(scorer: BatchScorer, enc: Encoded, path: Path) -> None:
    """The generated answer sets as a score_file input (docs/score_file.md), in UTF-8 with a BOM."""
    texts = []
    for item in scorer.items:
        keys = item.keys
        texts.append([";".join(k for b, k in enumerate(keys) if m >> b & 1) for m in range(1 << len(keys))])
    header = ["enterprise", *(i.code for i in scorer.items), *scorer.scenarios, *scorer.numbers]
    digits = [str(k) for k in range(16)]
    scale = 10**enc.scale
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for lo in range(0, enc.n, 50_000):
            hi = min(lo + 50_000, enc.n)
            columns: list[list[str]] = [[f"E{r:07d}" for r in range(lo, hi)]]
            for i, table in enumerate(texts):
                columns.append([table[m] for m in enc.masks[i, lo:hi].tolist()])
            for i in range(len(scorer.scenarios)):
                word = enc.scenarios[i // 16, lo:hi] >> np.uint64(4 * (i % 16))
                columns.append([digits[v] for v in (word & np.uint64(15)).tolist()])
            for i in range(len(scorer.numbers)):
                values = enc.numbers[i, lo:hi].tolist()
                present = enc.present[i, lo:hi].tolist()
                columns.append([_fixed(v, scale) if p else "" for v, p in zip(values, present, strict=True)])
            writer.writerows(zip(*columns, strict=True))


def _fixed(value: int, scale: int) -> str:
    whole, part = divmod(value, scale)
    if not part:
        return str(whole)
    return f"{whole}.{part:0{len(str(scale)) - 1}d}".rstrip("0")


def compare(
    scorer: BatchScorer, result: BatchScore, rows: list[int], engine_scores: list[Score]
) -> list[int]:
    """Rows of the sample where the batch and the engine differ in any figure."""
    bad = []
    for row, s in zip(rows, engine_scores, strict=True):
        want = {
            "dimension_points": s.dimension_points,
            "total": s.total,
            "at_level": s.at_level,
            "level": s.level,
        }
        if result.row(row, scorer.dimensions) != want:
            bad.append(row)
    return bad


def run(
    *,
    n: int,
    sample: int,
    seed: int,
    repeat: int,
    threads: int | None,
    say: Say,
    csv_path: Path | None = None,
) -> BenchResult:
    fw = framework()
    scorer = BatchScorer(fw)
    started = time.perf_counter()
    enc = generate(scorer, n, seed=seed)
    say(f"generated {n} answer sets in {time.perf_counter() - started:.2f} s")
    if csv_path is not None:
        write_csv(scorer, enc, csv_path)
        say(f"written as CSV to {csv_path} ({csv_path.stat().st_size / 1048576:.0f} MB)")
    workers = threads or os.cpu_count() or 1
    runs = []
    result = None
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        result = scorer.score(enc, threads=workers)
        runs.append(time.perf_counter() - started)
    assert result is not None
    say(
        f"batch: {n} scored in {min(runs) * 1000:.1f} ms (runs: "
        + ", ".join(f"{r * 1000:.1f}" for r in runs)
        + f" ms; {workers} threads)"
    )
    levels = np.bincount(result.level, minlength=5)
    say("levels 0–4: " + " ".join(str(int(c)) for c in levels))

    pick = np.random.default_rng(seed + 1).choice(n, size=min(sample, n), replace=False)
    rows = sorted(int(r) for r in pick)
    answers = scorer.decode(enc, rows)
    started = time.perf_counter()
    engine_scores = [score(fw, a) for a in answers]
    engine_seconds = time.perf_counter() - started
    say(f"engine: {len(rows)} scored in {engine_seconds:.2f} s")
    bad = compare(scorer, result, rows, engine_scores)
    if bad:
        say(f"MISMATCH in {len(bad)} of {len(rows)} sampled rows, first: {bad[:5]}")
    return BenchResult(
        n=n,
        seconds=min(runs),
        runs=tuple(runs),
        sample=len(rows),
        engine_seconds=engine_seconds,
        match=not bad,
        threads=workers,
    )
