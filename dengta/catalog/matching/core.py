"""The data of matching: offers and their lifts, the subsidy estimate, bundles, their explanation and ranking.

See the package docstring (``dengta.catalog.matching``) for the search that uses them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from dengta.assessment.scoring.answers import Answers
from dengta.assessment.scoring.engine import Score, effective_options, gap_for, score
from dengta.assessment.scoring.framework import Framework, Item, LevelCondition

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SUBSIDY_FILE = DATA_DIR / "subsidy-estimate.json"
FEN = Decimal("0.01")
SCENARIO = "scenario"
ITEM = "item"
MAX_SCENARIO_LEVEL = 4


class CatalogDataError(ValueError):
    """A catalogue data file is not valid (raised when loading, never while matching)."""


@dataclass(frozen=True)
class Lift:
    kind: str  # "scenario" or "item"
    code: str
    level: int = 0
    options: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "level": self.level, "options": list(self.options)}


@dataclass(frozen=True)
class Offer:
    id: int
    provider_id: int
    name: str
    list_price: Decimal
    pilot_price: Decimal
    delivery_days: int
    rating: Decimal | None
    sub_industry_fit: bool
    lifts: tuple[Lift, ...]


@dataclass(frozen=True)
class SubsidyEstimate:
    rate: Decimal
    cap_yuan: Decimal
    version: str
    source: str
    min_level: int = 2

    def to_json(self) -> dict[str, Any]:
        return {
            "rate": str(self.rate),
            "cap_yuan": str(self.cap_yuan),
            "min_level": self.min_level,
            "version": self.version,
        }


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise CatalogDataError(f"{where}: {value!r} is not a number") from exc
    if not number.is_finite():
        raise CatalogDataError(f"{where}: {value!r} is not a finite number")
    return number


def load_subsidy_estimate(path: Path | str | None = None) -> SubsidyEstimate:
    """The subsidy rule from ``data/subsidy-estimate.json`` (or ``path``); refuses an invalid file."""
    where = str(path or SUBSIDY_FILE)
    try:
        data = json.loads(Path(path or SUBSIDY_FILE).read_text(encoding="utf-8"))
        rate = _decimal(data["rate"], f"{where} rate")
        cap = _decimal(data["cap_yuan"], f"{where} cap_yuan")
        version, source = data["version"], data["source"]
        min_level = data.get("min_level", 0)
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise CatalogDataError(f"{where}: {exc!r}") from exc
    if not 0 < rate <= 1:
        raise CatalogDataError(f"{where}: rate {rate} must be above 0 and at most 1")
    if cap < 0:
        raise CatalogDataError(f"{where}: cap_yuan {cap} is negative")
    if not isinstance(version, str) or not version or not isinstance(source, str) or not source:
        raise CatalogDataError(f"{where}: version and source are required")
    if isinstance(min_level, bool) or not isinstance(min_level, int) or min_level < 0:
        raise CatalogDataError(f"{where}: min_level {min_level!r} must be a level 0–4")
    return SubsidyEstimate(rate=rate, cap_yuan=cap, version=version, source=source, min_level=min_level)


@lru_cache(maxsize=1)
def default_subsidy_estimate() -> SubsidyEstimate:
    return load_subsidy_estimate()


def estimate_subsidy(estimate: SubsidyEstimate, pilot_yuan: Decimal, level_after: int) -> Decimal:
    """min(pilot × rate, cap) rounded down to the fen, or 0 when the level after is below ``min_level``."""
    if level_after < estimate.min_level or pilot_yuan <= 0:
        return Decimal("0.00")
    return min(pilot_yuan * estimate.rate, estimate.cap_yuan).quantize(FEN, rounding=ROUND_DOWN)


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------------------
# Lifts: validation and application


def validate_lift(fw: Framework, lift: Lift) -> str | None:
    """None when the lift means something in ``fw``, else a problem code.

    Codes: unknown_kind, unknown_scenario, level_out_of_range (below 1, above 4 or above the scenario's
    levels), unknown_item, no_options, unknown_option, exclusive_option (a multiple-choice lift naming the
    exclusive 无 option, which would lower the answer), single_choice (several keys for a single-choice item).
    """
    if lift.kind == SCENARIO:
        scenario = fw.scenario(lift.code)
        if scenario is None:
            return "unknown_scenario"
        if isinstance(lift.level, bool) or not isinstance(lift.level, int):
            return "level_out_of_range"
        if not 1 <= lift.level <= min(MAX_SCENARIO_LEVEL, len(scenario.levels)):
            return "level_out_of_range"
        return None
    if lift.kind == ITEM:
        item = fw.item(lift.code)
        if item is None:
            return "unknown_item"
        if not lift.options:
            return "no_options"
        if any(item.option(key) is None for key in lift.options):
            return "unknown_option"
        if item.multi and item.exclusive in lift.options:
            return "exclusive_option"
        if not item.multi and len(set(lift.options)) > 1:
            return "single_choice"
        return None
    return "unknown_kind"


def _lifted(item: Item, current: tuple[str, ...], keys: set[str]) -> frozenset[str] | None:
    """The item's new answer under the lifts, or None when they change nothing (never lower)."""
    if item.multi:
        have = {k for k in current if k != item.exclusive}
        return frozenset(have | keys) if not keys <= have else None
    points = {opt.key: opt.points for opt in item.options}
    now = sum(points.get(key, 0) for key in current)
    best = max(keys, key=lambda k: (points[k], k))
    return frozenset({best}) if points[best] > now else None


def apply_lifts(fw: Framework, answers: Answers, lifts: Iterable[Lift]) -> Answers:
    """The answers after the lifts; never lowers a scenario level or an item's points.

    An item whose option the engine derives from collected numbers (e.g. 设备联网率) would ignore a new
    choice, so its numbers are dropped; any other item those numbers derived is pinned to the option it had,
    so nothing else moves. Raises ValueError on a lift ``validate_lift`` refuses.
    """
    lifts = tuple(lifts)
    scenarios = dict(answers.scenarios)
    wanted: dict[str, set[str]] = {}
    for lift in lifts:
        problem = validate_lift(fw, lift)
        if problem is not None:
            raise ValueError(f"{lift.kind} {lift.code}: {problem}")
        if lift.kind == SCENARIO:
            scenarios[lift.code] = max(scenarios.get(lift.code, 0), lift.level)
        else:
            wanted.setdefault(lift.code, set()).update(lift.options)
    if not wanted:
        return Answers(choices=answers.choices, scenarios=scenarios, numbers=answers.numbers)
    options, derived, _ = effective_options(fw, answers)
    changed: dict[str, frozenset[str]] = {}
    for code, keys in wanted.items():
        item = fw.item(code)
        assert item is not None  # validated above
        new = _lifted(item, options.get(code, ()), keys)
        if new is not None:
            changed[code] = new
    choices = dict(answers.choices)
    numbers = dict(answers.numbers)
    dropped: set[str] = set()
    for code in changed:
        rule = fw.derived_for(code)
        if code in derived and rule is not None:
            dropped.update(rule.inputs)
    for code in derived:
        rule = fw.derived_for(code)
        if code not in changed and rule is not None and dropped & set(rule.inputs):
            choices[code] = frozenset(options[code])
    for number in dropped:
        numbers.pop(number, None)
    choices.update(changed)
    return Answers(choices=choices, scenarios=scenarios, numbers=numbers)


# ---------------------------------------------------------------------------------------------------------
# Bundles and their explanation


@dataclass(frozen=True)
class Change:
    kind: str  # "scenario" or "item"
    code: str
    before: int | tuple[str, ...]  # scenario level, or the item's effective option keys
    after: int | tuple[str, ...]
    points_gain: int = 0  # items only, ten-thousandths of a point

    def to_json(self) -> dict[str, Any]:
        def plain(value: int | tuple[str, ...]) -> int | list[str]:
            return list(value) if isinstance(value, tuple) else value

        return {
            "kind": self.kind,
            "code": self.code,
            "before": plain(self.before),
            "after": plain(self.after),
            "points_gain": self.points_gain,
        }


@dataclass(frozen=True)
class Condition:
    """One condition of the target level: "points" (ten-thousandths), "scenarios" or "constrained"."""

    kind: str
    need: int
    have: int
    with_bundle: int
    scenario_level: int | None = None

    @property
    def met(self) -> bool:
        return self.with_bundle >= self.need

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "scenario_level": self.scenario_level,
            "need": self.need,
            "have": self.have,
            "with_bundle": self.with_bundle,
            "met": self.met,
        }


@dataclass(frozen=True)
class Explanation:
    changes: tuple[Change, ...]
    conditions: tuple[Condition, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": "1/10000 point",
            "changes": [c.to_json() for c in self.changes],
            "conditions": [c.to_json() for c in self.conditions],
        }


@dataclass(frozen=True)
class Bundle:
    offers: tuple[Offer, ...]
    list_yuan: Decimal
    pilot_yuan: Decimal
    concession_yuan: Decimal
    subsidy_yuan: Decimal
    enterprise_share_yuan: Decimal
    level_before: int
    level_after: int
    reaches_target: bool
    target_level: int
    explanation: Explanation

    @property
    def offer_ids(self) -> tuple[int, ...]:
        return tuple(o.id for o in self.offers)

    @property
    def mean_rating(self) -> Decimal | None:
        rated = [o.rating for o in self.offers if o.rating is not None]
        return _money(sum(rated, Decimal(0)) / len(rated)) if rated else None

    @property
    def max_delivery_days(self) -> int:
        return max((o.delivery_days for o in self.offers), default=0)

    def to_json(self) -> dict[str, Any]:
        rating = self.mean_rating
        return {
            "offers": list(self.offer_ids),
            "list_yuan": str(self.list_yuan),
            "pilot_yuan": str(self.pilot_yuan),
            "concession_yuan": str(self.concession_yuan),
            "subsidy_yuan": str(self.subsidy_yuan),
            "enterprise_share_yuan": str(self.enterprise_share_yuan),
            "level_before": self.level_before,
            "level_after": self.level_after,
            "reaches_target": self.reaches_target,
            "target_level": self.target_level,
            "mean_rating": None if rating is None else str(rating),
            "max_delivery_days": self.max_delivery_days,
            "explanation": self.explanation.to_json(),
        }


def _condition(fw: Framework, target_level: int) -> LevelCondition:
    for cond in fw.levels:
        if cond.level == target_level:
            return cond
    raise ValueError(f"{fw.code} has no level {target_level}")


def _changes(fw: Framework, before: Score, after: Score) -> tuple[Change, ...]:
    out: list[Change] = []
    for s in fw.scenarios:
        old, new = before.scenario_levels.get(s.code, 0), after.scenario_levels.get(s.code, 0)
        if old != new:
            out.append(Change(SCENARIO, s.code, old, new))
    for item in fw.items:
        old_keys, new_keys = before.options.get(item.code, ()), after.options.get(item.code, ())
        if old_keys != new_keys:
            gain = after.item_points[item.code] - before.item_points[item.code]
            out.append(Change(ITEM, item.code, old_keys, new_keys, gain))
    return tuple(out)


def _conditions(cond: LevelCondition, before: Score, after: Score) -> tuple[Condition, ...]:
    lv = cond.scenario_level
    return (
        Condition("points", cond.min_points, before.total, after.total),
        Condition("scenarios", cond.min_scenarios, before.at_least.get(lv, 0), after.at_least.get(lv, 0), lv),
        Condition(
            "constrained",
            cond.min_constrained,
            before.constrained_at_least.get(lv, 0),
            after.constrained_at_least.get(lv, 0),
            lv,
        ),
    )


def make_bundle(
    fw: Framework,
    answers: Answers,
    offers: Sequence[Offer],
    *,
    target_level: int = 2,
    subsidy: SubsidyEstimate | None = None,
    before: Score | None = None,
) -> Bundle:
    """Any set of offers as a bundle, scored by the engine (also one the enterprise puts together)."""
    estimate = subsidy or default_subsidy_estimate()
    cond = _condition(fw, target_level)
    before = before or score(fw, answers)
    offers = tuple(sorted(offers, key=lambda o: o.id))
    after = score(fw, apply_lifts(fw, answers, [lift for o in offers for lift in o.lifts]))
    list_yuan = _money(sum((o.list_price for o in offers), Decimal(0)))
    pilot_yuan = _money(sum((o.pilot_price for o in offers), Decimal(0)))
    subsidy_yuan = estimate_subsidy(estimate, pilot_yuan, after.level)
    return Bundle(
        offers=offers,
        list_yuan=list_yuan,
        pilot_yuan=pilot_yuan,
        concession_yuan=list_yuan - pilot_yuan,
        subsidy_yuan=subsidy_yuan,
        enterprise_share_yuan=pilot_yuan - subsidy_yuan,
        level_before=before.level,
        level_after=after.level,
        reaches_target=after.level >= target_level,
        target_level=target_level,
        explanation=Explanation(_changes(fw, before, after), _conditions(cond, before, after)),
    )


def _value_key(level: int, share: Decimal) -> tuple[int, Fraction]:
    """Level per yuan of enterprise share, higher first, a zero share before any other."""
    if share <= 0:
        return (0, -Fraction(level))
    return (1, -Fraction(level) / Fraction(share))


def _rating_key(offers: Iterable[Offer]) -> tuple[int, Fraction]:
    rated = [Fraction(o.rating) for o in offers if o.rating is not None]
    return (0, -sum(rated, Fraction(0)) / len(rated)) if rated else (1, Fraction(0))


def _shortfall(needs: tuple[int, int, int]) -> tuple[int, ...]:
    scenarios, constrained, points = needs
    return (sum(1 for n in needs if n > 0), max(scenarios, constrained), constrained, points)


def _needs(cond: LevelCondition, total: int, have: int, have_c: int) -> tuple[int, int, int]:
    gap = gap_for(cond, total, {cond.scenario_level: have}, {cond.scenario_level: have_c})
    return (max(0, cond.min_scenarios - have), gap.constrained_short, gap.points_short)


def _order_key(
    reaches: bool, needs: tuple[int, int, int], level: int, share: Decimal, offers: Sequence[Offer]
) -> tuple[Any, ...]:
    return (
        0 if reaches else 1,
        () if reaches else _shortfall(needs),
        *_value_key(level, share),
        _rating_key(offers),
        max((o.delivery_days for o in offers), default=0),
        -sum(1 for o in offers if o.sub_industry_fit),
        tuple(sorted(o.id for o in offers)),
    )


def rank_key(bundle: Bundle) -> tuple[Any, ...]:
    """The ranking of the module docstring, as a sort key (smaller first)."""
    by_kind = {c.kind: max(0, c.need - c.with_bundle) for c in bundle.explanation.conditions}
    needs = (by_kind.get("scenarios", 0), by_kind.get("constrained", 0), by_kind.get("points", 0))
    return _order_key(
        bundle.reaches_target, needs, bundle.level_after, bundle.enterprise_share_yuan, bundle.offers
    )
