"""Product bundles that close an enterprise's gap to a target level, verified by the scoring engine.

Pure Python, no Django (ARCHITECTURE.md convention 4). A catalogue product says what it lifts (``Lift``): a
scenario to a level, or an item to option keys (DOMAIN.md 8.14: products carry the scenarios they cover and
the level uplift). ``recommend`` proposes bundles of offers that take an enterprise to the target level
(二级 by default, the pilot acceptance level, DOMAIN.md 8.11), with the estimated subsidy and the enterprise's
own share (DOMAIN.md 2.7, 8.5).

Which bundles reach the target is decided by the engine only: a bundle reaches the target when
``engine.score(fw, apply_lifts(fw, answers, lifts)).level >= target_level``. The search below uses bounds to
skip bundles, never to declare one reaching.

Algorithm
1. Score the answers; if the level is already the target, stop (``already_there``). The engine's cheapest
   plan (``path.plan_to_level``) is returned alongside, for the page that shows the steps.
2. Candidates: offers whose every lift is valid for this framework (others are reported as ``skipped``:
   product data written against another version) and which, alone, reduce the target level's shortfall —
   fewer scenarios missing at the condition's scenario level, fewer constrained ones missing, or fewer
   points missing. This contains every offer that changes a step of the plan, and also offers that close
   the gap another way than the plan's (the plan is one cheapest path of several). An offer that does not
   help alone helps no bundle either: lifts only raise (a scenario to at least a level, a single-choice
   item to at least an option, a multiple-choice item by more options), so an offer's gain inside a
   bundle never exceeds its gain alone.
3. Branch and bound over bundles in increasing order of pilot price (then size): with the candidates sorted
   by price, each bundle is generated once from its parent or its previous sibling, which come before it,
   so a bundle's subsets are always looked at before the bundle itself:
   - a bundle that reaches the target is a leaf, and any bundle containing it is dropped (a superset of a
     reaching bundle costs no less — dominated);
   - a bundle is not extended when even the best remaining offers (their gains alone, summed per
     component) cannot close its shortfall within the slots left;
   - once ``limit`` reaching bundles are known, the search stops at the first bundle whose best possible
     rank (the highest level all candidates together reach, over its lowest possible enterprise share) is
     below the last of them: every later bundle costs at least as much;
   - two offers with identical lift sets never go into one bundle;
   - each bundle is scored once (cache by its set of offers); a budget of engine evaluations
     (``max_evaluations``, four fifths of it here) bounds the time, and ``exhaustive`` says whether it ran
     out.
4. When fewer than ``limit`` bundles reach the target, near misses fill the list: a beam search (width
   ``2 × limit``, at least 10, extending with the 60 most helpful single offers) keeps the bundles with the
   smallest remaining shortfall; a near miss that contains another with no larger shortfall is dropped.

Ranking (``rank_key``): bundles that reach the target first; near misses after them by remaining shortfall
(fewest unmet conditions, then scenarios, constrained scenarios, points missing); then level reached per yuan
of enterprise share, higher first, a zero share before any positive share; then the mean rating of the
offers, higher first, offers without a rating left out of the mean and a bundle without any rating last;
then the longest delivery time, shorter first; then the number of offers fitting the sub-industry, more
first; then the offer ids, so that the order is deterministic.

Money is Decimal with two places. Subsidy = min(pilot × rate, cap), rounded down to the fen, and only when
the level with the bundle meets the estimate's ``min_level`` (the 杭州 rule pays for a post-retrofit level
≥ 二级); enterprise share = pilot − subsidy.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from dengta.assessment.scoring.answers import Answers
from dengta.assessment.scoring.engine import Score, effective_options, gap_for, score
from dengta.assessment.scoring.framework import Framework, Item, LevelCondition
from dengta.assessment.scoring.path import Plan, plan_to_level

DATA_DIR = Path(__file__).resolve().parent / "data"
SUBSIDY_FILE = DATA_DIR / "subsidy-estimate.json"
FEN = Decimal("0.01")
SCENARIO = "scenario"
ITEM = "item"
MAX_SCENARIO_LEVEL = 4
DEFAULT_MAX_EVALUATIONS = 20_000
BEAM_WIDTH = 10
BEAM_EXTEND = 60  # the near-miss beam extends bundles with the best this many single offers
_SUBSIDISED = 10**6  # a level above any minimum: the share a bundle would have with its subsidy


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


# ---------------------------------------------------------------------------------------------------------
# The search (see the module docstring)


class _BudgetSpent(Exception):
    pass


@dataclass(frozen=True)
class _State:
    level: int
    total: int
    have: int  # scenarios at or above the condition's scenario level
    have_c: int  # of which constrained


# (pilot price, size, offer indices, the parent's state, the parent's viable offers, position among them)
_Node = tuple[Decimal, int, tuple[int, ...], _State, tuple[int, ...], int]


class _Search:
    """Branch and bound, then a beam for near misses, over the candidate offers (module docstring)."""

    def __init__(
        self,
        fw: Framework,
        answers: Answers,
        cond: LevelCondition,
        estimate: SubsidyEstimate,
        offers: Sequence[Offer],
        before: Score,
        budget: int,
    ) -> None:
        self.fw, self.answers, self.cond, self.estimate, self.budget = fw, answers, cond, estimate, budget
        self.cache: dict[frozenset[int], _State] = {}
        self.evaluations = 0
        self.exhausted = False
        self.base = self._state(before)
        base_needs = self._needs(self.base)
        self.offers: list[Offer] = []
        gains: list[tuple[int, int, int]] = []
        for offer in sorted(offers, key=lambda o: (_money(o.pilot_price), o.id)):
            alone = self._evaluate((offer,), count=False)
            gain = (
                alone.have - self.base.have,
                alone.have_c - self.base.have_c,
                alone.total - self.base.total,
            )
            if any(g > 0 and n > 0 for g, n in zip(gain, base_needs, strict=True)):
                self.offers.append(offer)
                gains.append(gain)
        self.gains = gains
        self.price = [_money(o.pilot_price) for o in self.offers]
        self.sigs = [frozenset(o.lifts) for o in self.offers]
        self.reached: dict[frozenset[int], tuple[Any, ...]] = {}
        self.top: list[tuple[Any, ...]] = []
        self.pool: dict[tuple[int, ...], _State] = {(i,): self._cached((i,)) for i in range(len(self.offers))}

    # -- evaluation -----------------------------------------------------------------------------------
    def _state(self, result: Score) -> _State:
        lv = self.cond.scenario_level
        return _State(
            result.level, result.total, result.at_least.get(lv, 0), result.constrained_at_least.get(lv, 0)
        )

    def _needs(self, state: _State) -> tuple[int, int, int]:
        return _needs(self.cond, state.total, state.have, state.have_c)

    def _evaluate(self, offers: Sequence[Offer], *, count: bool = True) -> _State:
        key = frozenset(o.id for o in offers)
        state = self.cache.get(key)
        if state is None:
            if count:
                if self.evaluations >= self.budget:
                    raise _BudgetSpent
                self.evaluations += 1
            lifts = [lift for o in offers for lift in o.lifts]
            state = self._state(score(self.fw, apply_lifts(self.fw, self.answers, lifts)))
            self.cache[key] = state
        return state

    def _cached(self, ids: tuple[int, ...]) -> _State:
        return self._evaluate([self.offers[i] for i in ids])

    def _share(self, pilot: Decimal, level: int) -> Decimal:
        return pilot - estimate_subsidy(self.estimate, pilot, level)

    def _key(self, ids: tuple[int, ...], state: _State) -> tuple[Any, ...]:
        offers = [self.offers[i] for i in ids]
        share = self._share(sum((self.price[i] for i in ids), Decimal(0)), state.level)
        reaches = state.level >= self.cond.level
        return _order_key(reaches, self._needs(state), state.level, share, offers)

    # -- bounds ---------------------------------------------------------------------------------------
    def _suffix_sums(self, slots: int) -> list[list[list[int]]]:
        """Per component and start index: sums of the 0, 1, … ``slots`` largest gains from that index on."""
        n = len(self.offers)
        sums: list[list[list[int]]] = [[[0] for _ in range(n + 1)] for _ in range(3)]
        for c in range(3):
            top: list[int] = []
            for i in range(n - 1, -1, -1):
                top = sorted([*top, self.gains[i][c]], reverse=True)[:slots]
                sums[c][i] = list(itertools.accumulate(top, initial=0))
        return sums

    def _best(self, c: int, start: int, slots: int) -> int:
        sums = self.sums[c][start]
        return sums[min(slots, len(sums) - 1)]

    def _could_reach(self, needs: tuple[int, int, int], start: int, slots: int) -> bool:
        """Whether ``slots`` more offers from ``start`` on could close ``needs`` (gains alone as bounds)."""
        return all(self._best(c, start, slots) >= needs[c] for c in range(3))

    def _viable(self, needs: tuple[int, int, int], start: int, slots: int) -> tuple[int, ...]:
        """The offers from ``start`` on that, added next, leave the target within reach of the slots left."""
        reach = self.reach[slots][:, start:]
        ok = (reach[0] >= needs[0]) & (reach[1] >= needs[1]) & (reach[2] >= needs[2])
        return tuple(int(k) + start for k in np.flatnonzero(ok))

    def _reach_table(self, max_size: int) -> dict[int, np.ndarray]:
        """Per number of slots left, component and offer: its gain plus the best of the slots after it."""
        n = len(self.offers)
        return {
            slots: np.array(
                [[self.gains[k][c] + self._best(c, k + 1, slots - 1) for k in range(n)] for c in range(3)],
                dtype=np.int64,
            )
            for slots in range(1, max_size + 1)
        }

    def _hopeless(self, pilot: Decimal, limit: int) -> bool:
        if len(self.top) < limit:
            return False
        best = (0, (), *_value_key(self.level_max, self._share(pilot, _SUBSIDISED)))
        return best > self.top[limit - 1][:4]

    def _contains_reached(self, ids: tuple[int, ...]) -> bool:
        return any(
            frozenset(sub) in self.reached
            for r in range(1, len(ids))
            for sub in itertools.combinations(ids, r)
        )

    # -- search ---------------------------------------------------------------------------------------
    def run(self, *, limit: int, max_size: int) -> list[tuple[Offer, ...]]:
        if not self.offers:
            return []
        self.sums = self._suffix_sums(max_size)
        self.reach = self._reach_table(max_size)
        self.level_max = self._evaluate(self.offers, count=False).level
        total_budget, self.budget = self.budget, self.budget * 4 // 5  # keep a fifth for the near misses
        try:
            self._branch_and_bound(limit, max_size)
        except _BudgetSpent:
            self.exhausted = True
        self.budget = total_budget
        if len(self.reached) < limit:
            try:
                self._beam(limit, max_size)
            except _BudgetSpent:
                self.exhausted = True
        reaching = sorted(self.reached.items(), key=lambda kv: kv[1])[:limit]
        out = [tuple(self.offers[i] for i in sorted(ids)) for ids, _ in reaching]
        for ids in self._near_misses(limit - len(out)):
            out.append(tuple(self.offers[i] for i in ids))
        return out

    def _branch_and_bound(self, limit: int, max_size: int) -> None:
        """Bundles in increasing pilot price (then size). A bundle of sorted offer indices i1 < … < ik is
        generated once, from its parent (i1 … ik-1; as its first child) or its previous sibling, both of which
        come first, so a bundle's subsets are always looked at before it. Children are drawn only from the
        parent's viable offers (``_viable``)."""
        heap: list[_Node] = []

        def push(
            pilot: Decimal, ids: tuple[int, ...], parent: _State, viable: tuple[int, ...], pos: int
        ) -> None:
            if pos < len(viable):
                k = viable[pos]
                heapq.heappush(heap, (pilot + self.price[k], len(ids) + 1, (*ids, k), parent, viable, pos))

        push(Decimal(0), (), self.base, self._viable(self._needs(self.base), 0, max_size), 0)
        while heap:
            pilot, size, ids, parent_state, viable, pos = heapq.heappop(heap)
            if self._hopeless(pilot, limit):
                return
            j = ids[-1]
            push(pilot - self.price[j], ids[:-1], parent_state, viable, pos + 1)  # the next sibling
            if (
                self.sigs[j] in {self.sigs[i] for i in ids[:-1]}
                or frozenset(ids) in self.reached
                or self._contains_reached(ids)
            ):
                continue
            state = self._cached(ids)
            if state.level >= self.cond.level:
                key = self._key(ids, state)
                self.reached[frozenset(ids)] = key
                bisect.insort(self.top, key)
                del self.top[limit:]
                continue
            self.pool[ids] = state
            slots_after = max_size - size
            if slots_after and self._could_reach(self._needs(state), j + 1, slots_after):
                push(pilot, ids, state, self._viable(self._needs(state), j + 1, slots_after), 0)

    def _beam(self, limit: int, max_size: int) -> None:
        width = max(2 * limit, BEAM_WIDTH)
        singles = sorted(range(len(self.offers)), key=lambda i: self._key((i,), self.pool[(i,)]))
        beam: list[tuple[int, ...]] = [(i,) for i in singles[:width]]
        for _ in range(2, max_size + 1):
            children: dict[tuple[int, ...], _State] = {}
            for ids in beam:
                sigs = {self.sigs[i] for i in ids}
                for j in singles[:BEAM_EXTEND]:
                    child = tuple(sorted((*ids, j)))
                    if j in ids or self.sigs[j] in sigs or child in children or self._contains_reached(child):
                        continue
                    state = self._cached(child)
                    if state.level < self.cond.level:
                        children[child] = state
            self.pool.update(children)
            beam = sorted(children, key=lambda ids: self._key(ids, children[ids]))[:width]

    def _near_misses(self, room: int) -> list[tuple[int, ...]]:
        if room <= 0:
            return []
        out: list[tuple[int, ...]] = []
        for ids in sorted(self.pool, key=lambda ids: self._key(ids, self.pool[ids])):
            needs = self._needs(self.pool[ids])
            dominated = any(
                (sub := tuple(sorted(s))) in self.pool
                and all(a <= b for a, b in zip(self._needs(self.pool[sub]), needs, strict=True))
                for r in range(1, len(ids))
                for s in itertools.combinations(ids, r)
            )
            if not dominated and not self._contains_reached(ids):
                out.append(ids)
                if len(out) == room:
                    break
        return out


@dataclass(frozen=True)
class Recommendation:
    score_before: Score
    level_before: int
    target_level: int
    already_there: bool
    bundles: tuple[Bundle, ...]
    plan: Plan
    candidates: tuple[int, ...]  # offer ids that help alone
    skipped: tuple[int, ...]  # offer ids with a lift this framework does not know
    exhaustive: bool  # False when the evaluation budget ran out
    subsidy: SubsidyEstimate

    def to_json(self) -> dict[str, Any]:
        return {
            "level_before": self.level_before,
            "target_level": self.target_level,
            "already_there": self.already_there,
            "bundles": [b.to_json() for b in self.bundles],
            "plan": self.plan.to_json(),
            "candidates": list(self.candidates),
            "skipped": list(self.skipped),
            "exhaustive": self.exhaustive,
            "subsidy": self.subsidy.to_json(),
        }


def recommend(
    fw: Framework,
    answers: Answers,
    offers: Iterable[Offer],
    *,
    target_level: int = 2,
    subsidy: SubsidyEstimate | None = None,
    limit: int = 5,
    max_bundle_size: int = 4,
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS,
) -> Recommendation:
    """Up to ``limit`` bundles of ``offers`` towards ``target_level``, reaching ones first (see above)."""
    if max_bundle_size < 1:
        raise ValueError("max_bundle_size must be at least 1")
    estimate = subsidy or default_subsidy_estimate()
    cond = _condition(fw, target_level)
    offers = tuple(offers)
    if len({o.id for o in offers}) != len(offers):
        raise ValueError("offer ids must be unique")
    if any(o.pilot_price < 0 or o.list_price < 0 for o in offers):
        raise ValueError("prices cannot be negative")  # the search visits bundles in increasing price
    before = score(fw, answers)
    plan = plan_to_level(fw, before, target_level)
    skipped = tuple(o.id for o in offers if any(validate_lift(fw, lift) for lift in o.lifts))
    if before.level >= target_level or limit <= 0:
        return Recommendation(
            score_before=before,
            level_before=before.level,
            target_level=target_level,
            already_there=before.level >= target_level,
            bundles=(),
            plan=plan,
            candidates=(),
            skipped=skipped,
            exhaustive=True,
            subsidy=estimate,
        )
    usable = [o for o in offers if o.id not in set(skipped)]
    search = _Search(fw, answers, cond, estimate, usable, before, max_evaluations)
    picked = search.run(limit=limit, max_size=max_bundle_size)
    bundles = tuple(
        sorted(
            (
                make_bundle(fw, answers, b, target_level=target_level, subsidy=estimate, before=before)
                for b in picked
            ),
            key=rank_key,
        )
    )
    return Recommendation(
        score_before=before,
        level_before=before.level,
        target_level=target_level,
        already_there=False,
        bundles=bundles[:limit],
        plan=plan,
        candidates=tuple(o.id for o in search.offers),
        skipped=skipped,
        exhaustive=not search.exhausted,
        subsidy=estimate,
    )
