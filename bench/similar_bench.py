"""Benchmark of "enterprises like you" at national scale: ``manage.py bench_similar --enterprises 1000000
--cases 6000``.

Finds the 5 most similar published lighthouse cases for every enterprise at once with
``dengta.cases.similarity_batch.top_k_batch`` (timed), then checks a random sample of enterprises against the
plain-Python ``top_k`` one at a time: case ids, tiers and distances must be identical, or the command
exits non-zero. The distance is the one defined in dengta/cases/similarity.py.

Profiles. Real ones first: enterprises by their newest final MIIT 2024 result and published cases by their
figures before the retrofit, read from the database as the pages read them (dengta.cases.recommend;
nothing when the database is empty or not migrated). When the database holds fewer than asked, the rest
is generated, seeded (``--seed``), directly as arrays. These are assumptions chosen to be plausible, not
statistics:

- sub-industries: the 149 of dengta/reference/data/sub-industries/catalogue-v1.json, popular in
  proportion to 1/rank (Zipf) over a seeded shuffle; 25 % of enterprises have none (``--unmapped``): the
  catalogue binds 458 of the 609 manufacturing classes of GB/T 4754-2017, and an enterprise whose class
  it does not bind is compared with every case (all tier 1; ``--unmapped 1`` is the worst case); every
  case has one (its pool entry's);
- places: the prefectures of dengta/reference/data/regions/regions.csv, enterprises in proportion to
  1/√rank over a seeded shuffle; cases in 100 seeded prefectures standing for the pilot cities, and 30 %
  of the cases anonymised (their prefecture is not public, so only their province counts);
- sizes (micro, small, medium, large): enterprises 50/38/11/1 %, cases 15/55/28/2 % (pilot enterprises
  are mostly small and medium);
- a maturity m per profile, Beta(2, 4) for enterprises and Beta(2, 5) for cases before their retrofit;
  each scenario's level round(4m + N(0, 0.8)) within 0–4, each dimension's points its maximum ×
  (m + N(0, 0.08)) within the maximum, in hundredths; the overall level (a reason, not a term of the
  distance) the rounded mean scenario level.

The last line printed is ``bench similar: seconds=… per_enterprise_us=… …`` (ARCHITECTURE.md, Tests):
``seconds`` is the batch alone (reading and generating the profiles and the check are reported apart).
Target: 30 s for 1,000,000 enterprises × 6,000 cases on the 2-core machine. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dengta.cases.similarity import MAX_LEVEL, Metric, Profile, miit_2024, top_k
from dengta.cases.similarity_batch import BatchMatches, ProfileMatrix, Vocabulary, top_k_batch

Say = Callable[[str], None]
K = 5
REFERENCE = Path(__file__).resolve().parent.parent / "dengta" / "reference" / "data"
NO_SUB_INDUSTRY = 0.25
ANONYMISED = 0.30
PILOT_CITIES = 100
ENTERPRISE_SIZES = (0.50, 0.38, 0.11, 0.01)
CASE_SIZES = (0.15, 0.55, 0.28, 0.02)


@dataclass(frozen=True)
class BenchResult:
    enterprises: int
    cases: int
    real_enterprises: int
    real_cases: int
    seconds: float
    pairs: int
    sample: int
    mismatches: int
    threads: int
    unmapped: float

    @property
    def match(self) -> bool:
        return self.mismatches == 0

    def line(self) -> str:
        per_us = self.seconds / self.enterprises * 1e6 if self.enterprises else 0.0
        return (
            f"bench similar: seconds={self.seconds:.2f} per_enterprise_us={per_us:.2f} "
            f"enterprises={self.enterprises} cases={self.cases} real_enterprises={self.real_enterprises} "
            f"real_cases={self.real_cases} pairs={self.pairs} match={'true' if self.match else 'false'} "
            f"sample={self.sample} threads={self.threads} unmapped={self.unmapped:g}"
        )


def reference_codes() -> tuple[list[str], list[tuple[str, str]]]:
    """The catalogue's sub-industry codes and every (province, prefecture) of the region table."""
    catalogue = json.loads((REFERENCE / "sub-industries" / "catalogue-v1.json").read_text(encoding="utf-8"))
    subs = [entry["code"] for entry in catalogue["entries"]]
    with (REFERENCE / "regions" / "regions.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    prefectures = [(r["parent_code"], r["code"]) for r in rows if r["level"] == "2"]
    return subs, prefectures


def read_real(
    enterprises: int, cases: int, metric: Metric, say: Say
) -> tuple[list[tuple[int, Profile]], ...]:
    """Profiles from the database, as the pages read them; none when it has no tables yet."""
    from django.db import DatabaseError

    from dengta.cases.recommend import case_profiles, enterprise_profiles

    try:
        found_cases = case_profiles(metric)[:cases]
        found_enterprises = list(enterprise_profiles(enterprises, metric))
    except DatabaseError as exc:  # an empty, unmigrated database: every profile is generated
        say(f"database: not readable ({str(exc).splitlines()[0]}); every profile is generated")
        return [], []
    return found_enterprises, found_cases


def _zipf(rng: np.random.Generator, n: int, size: int, power: float) -> np.ndarray:
    """Indexes 0..n-1 drawn with weights 1/rank^power over a seeded shuffle of the ranks."""
    weights = 1.0 / np.arange(1, n + 1) ** power
    ranks = rng.permutation(n)
    return rng.choice(n, size=size, p=weights[ranks] / weights.sum())


def generate(
    rng: np.random.Generator,
    n: int,
    *,
    first_id: int,
    vocabulary: Vocabulary,
    subs: list[str],
    prefectures: list[tuple[str, str]],
    cases: bool,
    metric: Metric,
    unmapped: float = NO_SUB_INDUSTRY,
) -> ProfileMatrix:
    """``n`` synthetic profiles as arrays (the module docstring says how they are drawn)."""
    sub_index = {c: i for i, c in enumerate(vocabulary.sub_industries)}
    place_index = {c: i for i, c in enumerate(vocabulary.places)}
    sub_of = np.array([sub_index[c] for c in subs], dtype=np.int32)
    prov_of = np.array([place_index[p] for p, _ in prefectures], dtype=np.int32)
    pref_of = np.array([place_index[c] for _, c in prefectures], dtype=np.int32)
    sub = sub_of[_zipf(rng, len(subs), n, 1.0)]
    if cases:
        cities = rng.choice(len(prefectures), size=PILOT_CITIES, replace=False)
        where = cities[rng.integers(0, PILOT_CITIES, size=n)]
    else:
        sub = np.where(rng.random(n) < unmapped, -1, sub).astype(np.int32)
        where = _zipf(rng, len(prefectures), n, 0.5)
    prefecture = pref_of[where]
    if cases:
        prefecture = np.where(rng.random(n) < ANONYMISED, -1, prefecture).astype(np.int32)
    shares = CASE_SIZES if cases else ENTERPRISE_SIZES
    maturity = rng.beta(2, 5 if cases else 4, size=n)
    width = len(metric.scenario_codes)
    levels = np.clip(np.rint(MAX_LEVEL * maturity[:, None] + rng.normal(0, 0.8, (n, width))), 0, MAX_LEVEL)
    top = np.array(metric.max_points)
    share = np.clip(maturity[:, None] + rng.normal(0, 0.08, (n, 3)), 0, 1)
    return ProfileMatrix(
        ids=np.arange(first_id, first_id + n, dtype=np.int64),
        sub_industry=sub.astype(np.int32),
        levels=levels.astype(np.int8),
        points=np.rint(share * top).astype(np.int32),
        size_rank=rng.choice(4, size=n, p=shares).astype(np.int8),
        province=prov_of[where],
        prefecture=prefecture,
        level=np.rint(levels.mean(axis=1)).astype(np.int8),
        vocabulary=vocabulary,
    )


def combine(first: ProfileMatrix, second: ProfileMatrix) -> ProfileMatrix:
    def both(name: str) -> Any:
        return np.concatenate([getattr(first, name), getattr(second, name)])

    return ProfileMatrix(
        ids=both("ids"),
        sub_industry=both("sub_industry"),
        levels=both("levels"),
        points=both("points"),
        size_rank=both("size_rank"),
        province=both("province"),
        prefecture=both("prefecture"),
        level=both("level"),
        vocabulary=first.vocabulary,
    )


def profiles(
    enterprises: int, cases: int, *, seed: int, metric: Metric, say: Say, unmapped: float = NO_SUB_INDUSTRY
) -> tuple[ProfileMatrix, ProfileMatrix, int, int]:
    """The enterprise and case matrices: the database's profiles, then generated ones up to the counts."""
    real_e, real_c = read_real(enterprises, cases, metric, say)
    subs, prefectures = reference_codes()
    real = [p for _, p in real_e + real_c]
    vocabulary = Vocabulary(
        tuple(sorted(set(subs) | {p.sub_industry for p in real} - {""})),
        tuple(
            sorted(
                {c for pair in prefectures for c in pair}
                | {c for p in real for c in (p.province, p.prefecture)} - {""}
            )
        ),
    )
    rng = np.random.default_rng(seed)
    matrices = []
    for items, wanted, is_case in ((real_e, enterprises, False), (real_c, cases, True)):
        known = ProfileMatrix.from_profiles(items, vocabulary) if items else None
        first = max((i for i, _ in items), default=0) + 1
        extra = generate(
            rng,
            wanted - len(items),
            first_id=first,
            vocabulary=vocabulary,
            subs=subs,
            prefectures=prefectures,
            cases=is_case,
            metric=metric,
            unmapped=unmapped,
        )
        matrices.append(combine(known, extra) if known is not None else extra)
    return matrices[0], matrices[1], len(real_e), len(real_c)


def check(
    e: ProfileMatrix,
    c: ProfileMatrix,
    found: BatchMatches,
    *,
    sample: int,
    real: int,
    seed: int,
    metric: Metric,
) -> int:
    """Rows of the batch that differ from the plain ``top_k`` on a sample of enterprises: the real ones
    first (up to half the sample), the rest drawn at random."""
    size = min(sample, len(e))
    first = np.arange(min(real, size // 2))
    rest = np.random.default_rng(seed + 1).choice(len(e) - len(first), size=size - len(first), replace=False)
    rows = np.concatenate([first, rest + len(first)])
    cases = [(int(c.ids[i]), c.profile(i)) for i in range(len(c))]
    return sum(1 for n in rows.tolist() if found.row(n, metric) != top_k(e.profile(n), cases, K, metric))


def run(
    *,
    enterprises: int,
    cases: int,
    sample: int,
    seed: int,
    threads: int | None,
    say: Say,
    unmapped: float = NO_SUB_INDUSTRY,
) -> BenchResult:
    metric = miit_2024()
    start = time.perf_counter()
    e, c, real_e, real_c = profiles(enterprises, cases, seed=seed, metric=metric, say=say, unmapped=unmapped)
    say(
        f"profiles: {len(e):,} enterprises ({real_e:,} real, {len(e) - real_e:,} synthetic), "
        f"{len(c):,} cases ({real_c:,} real, {len(c) - real_c:,} synthetic), seed {seed}; "
        f"read and generated in {time.perf_counter() - start:.1f} s"
    )
    workers = threads or os.cpu_count() or 1
    start = time.perf_counter()
    found = top_k_batch(e, c, K, metric, threads=workers)
    seconds = time.perf_counter() - start
    tier1 = int((found.tiers == 1).any(axis=1).sum())
    say(
        f"top {K} for {len(e):,} enterprises: {seconds:.2f} s on {workers} threads, "
        f"{found.pairs:,} distances ({found.pairs / max(1, len(e) * len(c)):.1%} of all pairs: the tiers "
        f"spare the rest); "
        f"{tier1:,} enterprises needed cases of other sub-industries"
    )
    start = time.perf_counter()
    mismatches = check(e, c, found, sample=sample, real=real_e, seed=seed, metric=metric)
    say(
        f"check: {min(sample, len(e)):,} sampled enterprises against similarity.top_k (plain Python, "
        f"{time.perf_counter() - start:.1f} s): {'identical' if not mismatches else f'{mismatches} differ'}"
    )
    return BenchResult(
        enterprises=len(e),
        cases=len(c),
        real_enterprises=real_e,
        real_cases=real_c,
        seconds=seconds,
        pairs=found.pairs,
        sample=min(sample, len(e)),
        mismatches=mismatches,
        threads=workers,
        unmapped=unmapped,
    )
