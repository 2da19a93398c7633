"""The scoring engine for MIIT-2024-shaped frameworks (pure Python, no Django; ARCHITECTURE.md convention 4).

``score(fw, answers)`` gives points per item, indicator and dimension, the scenario counts, the level by the
framework's level rule, and an explanation: which condition decided the level and, for every higher level,
exactly what is missing. Options that the index derives from collected numbers (设备数字化率, 设备联网率,
energy and cost per 100 yuan of revenue, revenue per employee) are computed from the numbers when they are
given; a chosen option that contradicts them is reported and the computed one counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, localcontext
from typing import Any

from dengta.assessment.scoring.answers import Answers
from dengta.assessment.scoring.framework import (
    Framework,
    LevelCondition,
    RatioBands,
    RatioChange,
    format_points,
)

ENGINE_VERSION = "1"

# Products of collected numbers must be exact: the default 28-digit context rounds them, so two ratios that
# differ only beyond the 28th digit compared as equal (持平). Collected numbers are checked for magnitude but
# not for digits, so the comparisons run in a context wide enough for any product of two of them.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def _band(rule: RatioBands, num: Decimal, den: Decimal) -> str | None:
    if den <= 0 or num < 0 or num > den:
        return None
    # rate = num/den × 100 ≤ bound  ⇔  num × 100 ≤ bound × den (exact, no division)
    with localcontext(EXACT):
        for bound, key in zip(rule.upper_bounds_pct, rule.options, strict=True):
            if num * 100 <= bound * den:
                return key
    return rule.options[-1]


def _change(rule: RatioChange, numbers: Mapping[str, Decimal]) -> str | None:
    nl, dl = numbers.get(rule.numerator_last), numbers.get(rule.denominator_last)
    np_, dp = numbers.get(rule.numerator_prior), numbers.get(rule.denominator_prior)
    if nl is None or dl is None or np_ is None or dp is None or dl <= 0 or dp <= 0:
        return None
    # nl/dl vs np/dp compared by cross-multiplication (denominators positive), exact in Decimal.
    with localcontext(EXACT):
        last, prior = nl * dp, np_ * dl
    if last > prior:
        return rule.up
    if last < prior:
        return rule.down
    return rule.flat


def derive_option(fw: Framework, item_code: str, numbers: Mapping[str, Decimal]) -> str | None:
    """The option the collected numbers imply for an item, or None when they are absent or unusable."""
    rule = fw.derived_for(item_code)
    if rule is None:
        return None
    if isinstance(rule, RatioBands):
        num, den = numbers.get(rule.numerator), numbers.get(rule.denominator)
        if num is None or den is None:
            return None
        return _band(rule, num, den)
    return _change(rule, numbers)


@dataclass(frozen=True)
class Contradiction:
    item: str
    chosen: str
    computed: str


@dataclass(frozen=True)
class LevelGap:
    level: int
    met: bool
    points_short: int
    scenarios_short: int
    constrained_short: int
    scenario_level: int


@dataclass(frozen=True)
class Score:
    framework: str
    version: str
    options: dict[str, tuple[str, ...]]  # effective options per item (after derivation)
    derived: dict[str, str]  # items whose option came from the numbers
    contradictions: tuple[Contradiction, ...]
    item_points: dict[str, int]
    indicator_points: dict[str, int]
    dimension_points: dict[str, int]
    total: int
    scenario_levels: dict[str, int]
    at_level: dict[int, int]  # scenarios exactly at level 0..4
    at_least: dict[int, int]  # scenarios at level ≥ L, L = 1..4
    constrained_at_least: dict[int, int]
    level: int
    level_by_points: int
    level_by_scenarios: int
    gaps: tuple[LevelGap, ...]  # one per level above the result, lowest first

    @property
    def decided_by(self) -> str:
        """Which condition held the level down: "points", "scenarios", "both" or "top" (highest level)."""
        if not self.gaps:
            return "top"
        nxt = self.gaps[0]
        short_points = nxt.points_short > 0
        short_scen = nxt.scenarios_short > 0 or nxt.constrained_short > 0
        if short_points and short_scen:
            return "both"
        return "points" if short_points else "scenarios"

    def to_json(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "version": self.version,
            "engine": ENGINE_VERSION,
            "unit": "1/10000 point",
            "options": {k: list(v) for k, v in self.options.items()},
            "derived": self.derived,
            "contradictions": [c.__dict__ for c in self.contradictions],
            "item_points": self.item_points,
            "indicator_points": self.indicator_points,
            "dimension_points": self.dimension_points,
            "total": self.total,
            "total_text": format_points(self.total),
            "scenario_levels": self.scenario_levels,
            "at_level": {str(k): v for k, v in self.at_level.items()},
            "at_least": {str(k): v for k, v in self.at_least.items()},
            "constrained_at_least": {str(k): v for k, v in self.constrained_at_least.items()},
            "level": self.level,
            "level_by_points": self.level_by_points,
            "level_by_scenarios": self.level_by_scenarios,
            "decided_by": self.decided_by,
            "gaps": [g.__dict__ for g in self.gaps],
        }


def effective_options(
    fw: Framework, answers: Answers
) -> tuple[dict[str, tuple[str, ...]], dict[str, str], list[Contradiction]]:
    options: dict[str, tuple[str, ...]] = {}
    derived: dict[str, str] = {}
    contradictions: list[Contradiction] = []
    for item in fw.items:
        chosen = answers.choices.get(item.code, frozenset())
        computed = derive_option(fw, item.code, answers.numbers)
        if computed is not None:
            derived[item.code] = computed
            if chosen and chosen != {computed}:
                contradictions.append(Contradiction(item.code, ";".join(sorted(chosen)), computed))
            options[item.code] = (computed,)
        else:
            options[item.code] = tuple(k for k in item.keys if k in chosen)
    return options, derived, contradictions


def item_points(fw: Framework, options: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    points: dict[str, int] = {}
    for item in fw.items:
        total = 0
        for key in options.get(item.code, ()):
            opt = item.option(key)
            if opt is not None and key != item.exclusive:
                total += opt.points
        points[item.code] = total
    return points


def _counts(
    fw: Framework, levels: Mapping[str, int]
) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    top = max((len(s.levels) for s in fw.scenarios), default=4)
    at_level = dict.fromkeys(range(top + 1), 0)
    at_least = dict.fromkeys(range(1, top + 1), 0)
    constrained = dict.fromkeys(range(1, top + 1), 0)
    for s in fw.scenarios:
        lv = levels.get(s.code, 0)
        at_level[lv] += 1
        for k in range(1, lv + 1):
            at_least[k] += 1
            if s.constrained:
                constrained[k] += 1
    return at_level, at_least, constrained


def gap_for(
    cond: LevelCondition, total: int, at_least: Mapping[int, int], constrained: Mapping[int, int]
) -> LevelGap:
    have = at_least.get(cond.scenario_level, 0)
    have_c = constrained.get(cond.scenario_level, 0)
    constrained_short = max(0, cond.min_constrained - have_c)
    # Constrained scenarios brought up also count toward the total, so the total shortfall is at least that.
    scenarios_short = max(0, cond.min_scenarios - have, constrained_short)
    points_short = max(0, cond.min_points - total)
    return LevelGap(
        level=cond.level,
        met=points_short == 0 and scenarios_short == 0 and constrained_short == 0,
        points_short=points_short,
        scenarios_short=scenarios_short,
        constrained_short=constrained_short,
        scenario_level=cond.scenario_level,
    )


def score(fw: Framework, answers: Answers) -> Score:
    options, derived, contradictions = effective_options(fw, answers)
    points = item_points(fw, options)
    indicators = {code: sum(points[c] for c in ind.items) for code, ind in fw.indicators.items()}
    dimensions = {d.code: sum(indicators[c] for c in d.indicators) for d in fw.dimensions}
    total = sum(dimensions.values())
    levels = {s.code: answers.scenarios.get(s.code, 0) for s in fw.scenarios}
    at_level, at_least, constrained = _counts(fw, levels)

    level = by_points = by_scen = 0
    gaps = [gap_for(c, total, at_least, constrained) for c in fw.levels]
    for cond, gap in zip(fw.levels, gaps, strict=True):
        if not level and gap.met:
            level = cond.level
        if not by_points and gap.points_short == 0:
            by_points = cond.level
        if not by_scen and gap.scenarios_short == 0 and gap.constrained_short == 0:
            by_scen = cond.level
    higher = tuple(sorted((g for g in gaps if g.level > level), key=lambda g: g.level))
    return Score(
        framework=fw.code,
        version=fw.version,
        options=options,
        derived=derived,
        contradictions=tuple(contradictions),
        item_points=points,
        indicator_points=indicators,
        dimension_points=dimensions,
        total=total,
        scenario_levels=levels,
        at_level=at_level,
        at_least=at_least,
        constrained_at_least=constrained,
        level=level,
        level_by_points=by_points,
        level_by_scenarios=by_scen,
        gaps=higher,
    )
