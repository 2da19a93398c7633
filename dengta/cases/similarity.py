"""Enterprises like you (看样学样): how near a lighthouse case is to an enterprise (pure: no Django).

This docstring is the one place the distance is defined; dengta.cases.recommend (pages) and
bench/similar_bench.py (national scale) only call it.

What is compared
    An enterprise's ``Profile`` is read from its newest final MIIT 2024 result; a case's from its figures
    BEFORE the retrofit (the T0 result, ``CaseFigures.scenario_levels_before`` / ``points_before``), as the
    public sees them: where that enterprise started is what a reader compares itself with. A profile holds
    the sub-industry, the level of every scenario of the framework (a fixed-order vector over
    ``Metric.scenario_codes``; a scenario the result does not rate counts as level 0), the three dimension
    points in hundredths of a point (the figures keep two decimals, so both sides are on the same grid),
    the size rank (micro 0 < small 1 < medium 2 < large 3), the province and the prefecture codes. A case
    without a T0 result has no "before" and is not compared; an enterprise is not offered its own cases.

The distance, 0 (alike) … 1 (as far apart as the profiles can be)
    Each component is normalised to 0..1, then weighted (``Weights``, summing to 100):

    ============  ======  ==================================================================================
    component     weight  normalised as
    ============  ======  ==================================================================================
    scenarios        40   mean over the scenarios of |level difference| / 4 (the highest level)
    points           30   mean over base, mgmt, results of |points difference| / that dimension's maximum
                          (MIIT 2024: 50, 30, 20, read from the framework)
    size             15   |size rank difference| / 3
    region           15   0 same prefecture, 0.5 same province, 1 otherwise (or either side unknown)
    ============  ======  ==================================================================================

    Why these weights: the scenario levels say what an enterprise has digitised and so what a retrofit
    could copy, the points how far it is overall; size bounds what it can pay, and the region says whether
    the same policy, pilot and providers apply. The first two describe the enterprise's digital state, so
    they carry 70.

    The sub-industry is not a term of the distance but a tier before it: cases of the enterprise's own
    sub-industry come first (tier 0), by distance; only when there are fewer than ``k`` of them do cases of
    other sub-industries follow (tier 1), by distance. Equal distances are ordered by case id, so the
    order is total and the same every time.

Exactness
    Every normaliser is a whole number (4 × scenarios, 3 × each dimension's maximum in hundredths, 3, 2),
    so the distance is held exactly as an integer count of ``1 / Metric.full`` (``units``: their least
    common multiple times 100; 36,000,000 for MIIT 2024). ``top_k`` (one enterprise, plain Python) and
    ``similarity_batch.top_k_batch`` (numpy, a million enterprises at once) compare the same integers and so
    give identical results, ties included; ``distance`` is ``units / full`` for display.

Reasons
    ``reasons`` says why a case is near as codes with parameters (same sub-industry, same prefecture or
    province, same size, same level, scenarios at the same level, total points within 5); the Django layer
    turns them into translated sentences.
"""

from __future__ import annotations

import heapq
import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any

from dengta.assessment.scoring.framework import UNIT
from dengta.assessment.scoring.framework import Framework as Compiled

MAX_LEVEL = 4
SIZE_RANKS: Mapping[str, int] = {"micro": 0, "small": 1, "medium": 2, "large": 3}
MAX_SIZE_RANK = 3
DIMENSIONS = ("base", "mgmt", "results")
REGION_STEPS = 2  # 0 same prefecture, 1 same province, 2 otherwise
CLOSE_POINTS = 500  # hundredths: totals within 5 points are "close" (a reason, not a term of the distance)
MIIT_2024_RULES = "miit-2024-manufacturing.rules.json"


@dataclass(frozen=True)
class Weights:
    scenarios: int = 40
    points: int = 30
    size: int = 15
    region: int = 15

    @property
    def total(self) -> int:
        return self.scenarios + self.points + self.size + self.region


WEIGHTS = Weights()


@dataclass(frozen=True)
class Metric:
    """The framework's shape (scenario codes, dimension maxima in hundredths) and the weights, with the
    integer multipliers that make the distance exact (module docstring, Exactness)."""

    scenario_codes: tuple[str, ...]
    max_points: tuple[int, int, int]
    weights: Weights = WEIGHTS
    scale: int = field(init=False)  # the least common multiple of the normalisers
    per_level: int = field(init=False)  # units per level of difference in one scenario
    per_point: tuple[int, int, int] = field(init=False)  # units per hundredth, per dimension
    per_size: int = field(init=False)
    per_region: int = field(init=False)
    full: int = field(init=False)  # units of distance 1

    def __post_init__(self) -> None:
        if not self.scenario_codes or min(self.max_points) <= 0 or len(self.max_points) != len(DIMENSIONS):
            raise ValueError("a metric needs scenarios and a positive maximum for each dimension")
        n = len(self.scenario_codes)
        scale = math.lcm(MAX_LEVEL * n, *(len(DIMENSIONS) * m for m in self.max_points), MAX_SIZE_RANK, 2)
        w = self.weights
        set_ = object.__setattr__
        set_(self, "scale", scale)
        set_(self, "per_level", w.scenarios * scale // (MAX_LEVEL * n))
        set_(self, "per_point", tuple(w.points * scale // (len(DIMENSIONS) * m) for m in self.max_points))
        set_(self, "per_size", w.size * scale // MAX_SIZE_RANK)
        set_(self, "per_region", w.region * scale // REGION_STEPS)
        set_(self, "full", w.total * scale)

    def vector(self, levels: Mapping[str, Any]) -> tuple[int, ...]:
        """Scenario levels (code → level) in this metric's order; a code not rated counts as 0."""
        return tuple(int(levels.get(code) or 0) for code in self.scenario_codes)


def metric_of(fw: Compiled, weights: Weights = WEIGHTS) -> Metric:
    """The metric of a compiled MIIT-style framework: its scenarios in order, its dimensions' maxima."""
    hundredth = UNIT // 100
    maxima = {d.code: d.points // hundredth for d in fw.dimensions}
    return Metric(
        scenario_codes=tuple(s.code for s in fw.scenarios),
        max_points=(maxima["base"], maxima["mgmt"], maxima["results"]),
        weights=weights,
    )


@lru_cache(maxsize=1)
def miit_2024() -> Metric:
    """The MIIT 2024 manufacturing metric, from the framework's data file (dengta/assessment/data)."""
    from dengta.assessment.scoring.definitions import canonical, compile_content, read_definition

    fw = compile_content(canonical(read_definition(MIIT_2024_RULES).content))
    assert isinstance(fw, Compiled)
    return metric_of(fw)


def hundredths(value: Decimal | str | int | float | None) -> int:
    """Points as whole hundredths, half up (an assessment keeps four decimals, a case's figures two)."""
    if value is None or value == "":
        return 0
    return int(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


@dataclass(frozen=True)
class Profile:
    sub_industry: str  # SubIndustry code, "" when unknown
    scenario_levels: tuple[int, ...]  # Metric.vector order, 0..4
    points: tuple[int, int, int]  # base, mgmt, results in hundredths of a point
    size_rank: int  # SIZE_RANKS
    province: str  # GB/T 2260 code, "" when unknown
    prefecture: str  # "" when unknown (a province-level place, or an anonymised case)
    level: int = 0  # the overall level: a reason, not a term of the distance

    def __post_init__(self) -> None:
        if any(not 0 <= v <= MAX_LEVEL for v in self.scenario_levels):
            raise ValueError(f"scenario levels must lie in 0..{MAX_LEVEL}: {self.scenario_levels}")
        if len(self.points) != len(DIMENSIONS) or min(self.points) < 0:
            raise ValueError(f"three non-negative dimension points expected: {self.points}")
        if not 0 <= self.size_rank <= MAX_SIZE_RANK:
            raise ValueError(f"size rank must lie in 0..{MAX_SIZE_RANK}: {self.size_rank}")


def size_rank(size_class: str) -> int:
    """registry.SizeClass code → rank; KeyError for anything else (no silent guess)."""
    return SIZE_RANKS[size_class]


def region_steps(a: Profile, b: Profile) -> int:
    if a.prefecture and a.prefecture == b.prefecture:
        return 0
    if a.province and a.province == b.province:
        return 1
    return REGION_STEPS


def tier(enterprise: Profile, case: Profile) -> int:
    """0 when both are in the same (known) sub-industry, else 1."""
    return 0 if enterprise.sub_industry and enterprise.sub_industry == case.sub_industry else 1


def units(a: Profile, b: Profile, metric: Metric) -> int:
    """The exact distance in units of 1 / metric.full (module docstring)."""
    n = len(metric.scenario_codes)
    if len(a.scenario_levels) != n or len(b.scenario_levels) != n:
        raise ValueError("scenario vectors must follow the metric's scenario codes")
    levels = sum(map(abs, map(operator.sub, a.scenario_levels, b.scenario_levels)))
    (pa, pb), per = (a.points, b.points), metric.per_point
    points = per[0] * abs(pa[0] - pb[0]) + per[1] * abs(pa[1] - pb[1]) + per[2] * abs(pa[2] - pb[2])
    return (
        metric.per_level * levels
        + points
        + metric.per_size * abs(a.size_rank - b.size_rank)
        + metric.per_region * region_steps(a, b)
    )


def distance(a: Profile, b: Profile, metric: Metric | None = None) -> float:
    """0 (alike) … 1 (as far apart as profiles can be); the module docstring defines it."""
    m = metric or miit_2024()
    return units(a, b, m) / m.full


@dataclass(frozen=True)
class Match:
    case_id: int
    tier: int
    units: int
    distance: float


def top_k(
    enterprise: Profile, cases: Iterable[tuple[int, Profile]], k: int = 5, metric: Metric | None = None
) -> list[Match]:
    """The ``k`` nearest cases: own sub-industry first, then by distance, then by case id."""
    m = metric or miit_2024()
    keys = ((tier(enterprise, c), units(enterprise, c, m), case_id) for case_id, c in cases)
    return [Match(i, t, u, u / m.full) for t, u, i in heapq.nsmallest(k, keys)]


# ------------------------------------------------------------------------------------------------ reasons


class Why(StrEnum):
    SAME_SUB_INDUSTRY = "same_sub_industry"  # {"sub_industry": code}
    SAME_PREFECTURE = "same_prefecture"  # {"prefecture": code}
    SAME_PROVINCE = "same_province"  # {"province": code}; not given with SAME_PREFECTURE
    SAME_SIZE = "same_size"  # {"size_rank": rank}
    SAME_LEVEL = "same_level"  # {"level": level}
    SCENARIOS_SAME_LEVEL = "scenarios_same_level"  # {"codes": (code, …), "count": n}: both at level ≥ 1
    POINTS_CLOSE = "points_close"  # {"difference": hundredths}: totals within CLOSE_POINTS


@dataclass(frozen=True)
class Reason:
    code: Why
    params: Mapping[str, Any] = field(default_factory=dict)


def reasons(enterprise: Profile, case: Profile, metric: Metric | None = None) -> list[Reason]:
    """Why a case is near the enterprise, strongest first (codes; the caller words them)."""
    m = metric or miit_2024()
    out: list[Reason] = []
    if tier(enterprise, case) == 0:
        out.append(Reason(Why.SAME_SUB_INDUSTRY, {"sub_industry": case.sub_industry}))
    steps = region_steps(enterprise, case)
    if steps == 0:
        out.append(Reason(Why.SAME_PREFECTURE, {"prefecture": case.prefecture}))
    elif steps == 1:
        out.append(Reason(Why.SAME_PROVINCE, {"province": case.province}))
    if enterprise.size_rank == case.size_rank:
        out.append(Reason(Why.SAME_SIZE, {"size_rank": case.size_rank}))
    if enterprise.level == case.level:
        out.append(Reason(Why.SAME_LEVEL, {"level": case.level}))
    same = tuple(
        code
        for code, a, b in zip(m.scenario_codes, enterprise.scenario_levels, case.scenario_levels, strict=True)
        if a == b >= 1
    )
    if same:
        out.append(Reason(Why.SCENARIOS_SAME_LEVEL, {"codes": same, "count": len(same)}))
    difference = abs(sum(enterprise.points) - sum(case.points))
    if difference <= CLOSE_POINTS:
        out.append(Reason(Why.POINTS_CLOSE, {"difference": difference}))
    return out
