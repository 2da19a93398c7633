"""The search for bundles (the package docstring describes it; the model and pruning have their modules)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from dengta.assessment.scoring.answers import Answers
from dengta.assessment.scoring.engine import Score, score
from dengta.assessment.scoring.framework import Framework, LevelCondition
from dengta.assessment.scoring.path import Plan, plan_to_level
from dengta.catalog.matching.core import (
    Offer,
    SubsidyEstimate,
    _condition,
    _money,
    _order_key,
    default_subsidy_estimate,
    make_bundle,
    rank_key,
    validate_lift,
)
from dengta.catalog.matching.model import Model
from dengta.catalog.matching.prune import prune

DEFAULT_MAX_EVALUATIONS = 20_000
BEAM_WIDTH = 10
BEAM_EXTEND = 60  # the near-miss beam extends bundles with the best this many single offers
GREEDY_STARTS = 3  # greedy bundles start from this many times ``limit`` of the most helpful single offers
_NEVER = 1 << 62  # a price (fen) above any bundle's


class _BudgetSpent(Exception):
    pass


def _fen(value: Decimal) -> int:
    return int(_money(value) * 100)


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _implies(higher: LevelCondition, cond: LevelCondition) -> bool:
    return (
        higher.min_points >= cond.min_points
        and higher.scenario_level >= cond.scenario_level
        and higher.min_scenarios >= cond.min_scenarios
        and higher.min_constrained >= cond.min_constrained
    )


def reaching_is_target_met(fw: Framework, cond: LevelCondition) -> bool:
    """Whether "level ≥ target" is "the target's condition is met": every higher condition implies it, and no
    lower one comes before it in the framework's list (the engine takes the first condition met)."""
    position = fw.levels.index(cond)
    return all(_implies(c, cond) if c.level >= cond.level else i > position for i, c in enumerate(fw.levels))


def _top_sums(gains: np.ndarray, slots: int) -> np.ndarray:
    """[component, t, i]: the sum of the t largest gains of offers i, i+1, … (0 past the end)."""
    n = len(gains)
    out = np.zeros((3, slots + 1, n + 1), dtype=np.int64)
    for c in range(3):
        top: list[int] = []
        for i in range(n - 1, -1, -1):
            bisect.insort(top, -int(gains[i, c]))
            del top[slots:]
            acc = list(itertools.accumulate(-g for g in top))
            out[c, 1 : len(acc) + 1, i] = acc
            out[c, len(acc) + 1 :, i] = acc[-1]
    return out


@dataclass
class _Top:
    order: tuple[Any, ...]  # ``_order_key``
    ids: tuple[int, ...]  # candidate indices, ascending
    level: int
    share: int  # fen


class _Space:
    """Some candidates (indices, ascending: cheapest first) searched towards one level condition ``goal``."""

    def __init__(
        self, search: _Search, members: Sequence[int], goal: LevelCondition, bound_level: int
    ) -> None:
        self.goal, self.bound_level = goal, bound_level
        self.idx = np.array(members, dtype=np.int64)
        self.n = len(members)
        self.price = search.price[self.idx]
        self.feat = search.feat[self.idx]
        self.at_goal = search.scen[self.idx] >= goal.scenario_level
        self.at_target = search.scen[self.idx] >= search.cond.scenario_level
        self.klass = search.klass[self.idx]
        gains = search.m.gains(goal)[search.rows[self.idx]] if self.n else np.zeros((0, 3), dtype=np.int64)
        self.cum = np.concatenate([[0], np.cumsum(self.price)])
        self.best = _top_sums(gains, search.max_size)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(gains > 0, self.price[:, None] / np.maximum(gains, 1), np.inf)
        self.ratio = np.vstack([np.minimum.accumulate(ratio[::-1], axis=0)[::-1], np.full((1, 3), np.inf)])


class _Search:
    """Pruned candidates, a greedy start, then branch and bound; a beam for near misses (package
    docstring)."""

    def __init__(
        self,
        fw: Framework,
        cond: LevelCondition,
        estimate: SubsidyEstimate,
        offers: Sequence[Offer],
        before: Score,
        *,
        budget: int,
        limit: int,
        max_size: int,
    ) -> None:
        self.fw, self.cond, self.estimate, self.budget = fw, cond, estimate, budget
        self.limit, self.max_size = limit, max_size
        self.evaluations = 0
        self.exhausted = False
        rate = Fraction(estimate.rate)
        self.rate = (rate.numerator, rate.denominator)
        self.cap_fen = int((estimate.cap_yuan * 100).to_integral_value(rounding=ROUND_FLOOR))
        self.simple = reaching_is_target_met(fw, cond)
        self.m = Model(fw, before, offers, cond)
        gains = self.m.gains(cond)
        need = self.m.base_needs
        helps = (
            ((gains[:, 0] > 0) & (need.scenarios[0] > 0))
            | ((gains[:, 1] > 0) & (need.constrained[0] > 0))
            | ((gains[:, 2] > 0) & (need.points[0] > 0))
        )
        rows = sorted(
            (int(i) for i in np.flatnonzero(helps)), key=lambda i: (_fen(offers[i].pilot_price), offers[i].id)
        )
        self.rows = np.array(rows, dtype=np.int64)  # candidate → row of the model
        self.offers = [offers[i] for i in rows]
        self.n = len(rows)
        self.price = np.array([_fen(o.pilot_price) for o in self.offers], dtype=np.int64)
        self.scen, self.feat = self.m.scen[self.rows], self.m.feat[self.rows]
        self.at = self.scen >= cond.scenario_level
        self.level_cap = self._level_cap(before.level)
        self.levels = [c for c in fw.levels if cond.level < c.level <= self.level_cap] if self.simple else []
        if self.simple:
            steps = sorted({c.scenario_level for c in [cond, *self.levels]})
            clipped = sum(
                (self.scen >= s).astype(np.int64) for s in steps
            )  # the thresholds each scenario meets
        else:
            clipped = self.scen
        fen = [int(p) for p in self.price]
        same = prune(
            self.offers, fen, np.hstack([clipped, self.feat]), keep=limit, rate=estimate.rate, cross=False
        )
        self.klass = np.array(same.classes, dtype=np.int64)
        self.kept = list(same.kept)
        if self.simple:
            near = np.hstack([self.at.astype(np.int64), self.feat])
            self.kept_target = list(
                prune(self.offers, fen, near, keep=limit, rate=estimate.rate, cross=True).kept
            )
        else:
            self.kept_target = self.kept
        self.top: list[_Top] = []
        self.seen: set[tuple[int, ...]] = set()
        self.cut = _NEVER

    def _level_cap(self, level: int) -> int:
        """The highest level a bundle of at most ``max_size`` candidates could reach: a condition counts when
        the largest gains towards it, summed per component, could meet it."""
        cap = level
        for cond in self.fw.levels:
            gains = self.m.gains(cond)[self.rows] if self.n else np.zeros((0, 3), dtype=np.int64)
            at = self.m.base_scen >= cond.scenario_level
            lacks = (
                cond.min_scenarios - int(at.sum()),
                cond.min_constrained - int((at & self.m.constrained).sum()),
                cond.min_points - self.m.base_total,
            )
            best = -np.sort(-gains, axis=0)[: self.max_size].sum(axis=0)
            if all(int(best[c]) >= lacks[c] for c in range(3)):
                cap = max(cap, cond.level)
        return cap

    # -- evaluation -----------------------------------------------------------------------------------
    def _spend(self) -> None:
        if self.evaluations >= self.budget:
            raise _BudgetSpent
        self.evaluations += 1

    def _state(self, ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        return self.m.state([int(self.rows[i]) for i in ids])

    def _level(self, ids: Sequence[int]) -> int:
        scen, feat = self._state(ids)
        return self.m.level_of(scen, int(feat.sum()))

    def _needs(self, ids: Sequence[int]) -> tuple[int, int, int]:
        return self.m.needs_of([int(self.rows[i]) for i in ids])

    def _reaches(self, ids: Sequence[int] | np.ndarray) -> bool:
        if len(ids) == 0:
            return False
        ids = [int(i) for i in ids]
        if self.simple:
            return self._needs(ids) == (0, 0, 0)
        return self._level(ids) >= self.cond.level

    def _share(self, fen: int, level: int) -> int:
        """The enterprise share in fen (``estimate_subsidy`` in integers)."""
        if level < self.estimate.min_level or fen <= 0:
            return fen
        return fen - min(fen * self.rate[0] // self.rate[1], self.cap_fen)

    def _update_cut(self, level: int) -> None:
        """The highest bundle price (fen) at which a bundle of ``level`` can still tie the last of
        ``limit``."""
        if len(self.top) < self.limit:
            self.cut = _NEVER
            return
        last = self.top[-1]
        # The largest share that still ranks as high (level per yuan of share; a zero share first).
        tie_at_zero = 0 if level >= last.level else -1
        most = tie_at_zero if last.share == 0 else level * last.share // last.level
        if most < 0 or self._share(0, level) > most:
            self.cut = -1
            return
        lo, hi = 0, most + self.cap_fen + 1  # the share at hi is above ``most``
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._share(mid, level) <= most:
                lo = mid
            else:
                hi = mid - 1
        self.cut = lo

    def _record(self, ids: tuple[int, ...], bound_level: int) -> None:
        """A reaching bundle: kept when minimal (no offer can go) and among the best ``limit`` so far."""
        if ids in self.seen:
            return
        self.seen.add(ids)
        if len(ids) > 1 and any(self._reaches([i for i in ids if i != x]) for x in ids):
            return
        fen = int(self.price[list(ids)].sum())
        level = self.cond.level if self.level_cap <= self.cond.level else self._level(ids)
        share = self._share(fen, level)
        offers = [self.offers[i] for i in ids]
        order = _order_key(True, (0, 0, 0), level, _yuan(share), offers)
        bisect.insort(self.top, _Top(order, ids, level, share), key=lambda t: t.order)
        if len(self.top) > self.limit:
            self.top.pop()
        self._update_cut(bound_level)

    # -- greedy start ---------------------------------------------------------------------------------
    def _greedy(self, space: _Space) -> None:
        """Bundles built by shortfall closed per yuan (each need weighted by its size at the start), then
        trimmed to minimal: good bounds before the branch and bound starts."""
        base = self.m.base_needs
        start = np.array([base.scenarios[0], base.constrained[0], base.points[0]], dtype=np.float64)
        weight = np.where(start > 0, 1 / np.maximum(start, 1), 0.0)
        per_fen = np.maximum(space.price, 1).astype(np.float64)
        cons = self.m.constrained

        def rates(ids: list[int]) -> np.ndarray:
            self._spend()
            at = space.at_target[ids].any(axis=0) | self.m.base_at_target
            feat = space.feat[ids].max(axis=0) if ids else self.m.base_feat
            need = np.array(self._needs([int(space.idx[i]) for i in ids]), dtype=np.float64)
            a = space.at_target | at
            nd = self.m.needs(a.sum(1), (a & cons).sum(1), np.maximum(space.feat, feat).sum(1))
            closed = need - np.stack([nd.scenarios, nd.constrained, nd.points], axis=1)
            out = (closed * weight).sum(axis=1) / per_fen
            out[np.isin(space.klass, space.klass[ids])] = 0
            return out

        first = rates([])
        for s in [int(i) for i in np.argsort(-first, kind="stable")[: GREEDY_STARTS * self.limit]]:
            if first[s] <= 0:
                break
            ids = [s]
            while not self._reaches(space.idx[ids]) and len(ids) < self.max_size:
                more = rates(ids)
                pick = int(np.argmax(more))
                if more[pick] <= 0:
                    break
                ids.append(pick)
            bundle = [int(space.idx[i]) for i in ids]
            if not self._reaches(bundle):
                continue
            for x in sorted(bundle, key=lambda i: -self.price[i]):
                if len(bundle) > 1 and self._reaches([i for i in bundle if i != x]):
                    bundle.remove(x)
            self._record(tuple(sorted(bundle)), space.bound_level)

    # -- branch and bound -----------------------------------------------------------------------------
    def _expand(
        self,
        space: _Space,
        ids: tuple[int, ...],
        at: tuple[np.ndarray, np.ndarray],
        feat: np.ndarray,
        need: tuple[int, int, int],
        fen: int,
    ) -> None:
        """Every extension of ``ids`` (positions in ``space``) by one later offer, at once: those meeting the
        goal are recorded, the others explored when their bounds allow, cheapest first. ``at``: the scenarios
        at the goal's and at the target's scenario level; ``need``: what the goal lacks."""
        start = ids[-1] + 1 if ids else 0
        slots = self.max_size - len(ids)
        if start >= space.n or slots <= 0:
            return
        self._spend()
        cons = self.m.constrained
        feats = np.maximum(space.feat[start:], feat)
        total = feats.sum(axis=1)
        ats = space.at_goal[start:] | at[0]
        nd = self.m.needs(ats.sum(axis=1), (ats & cons).sum(axis=1), total, space.goal)
        price = fen + space.price[start:]
        if self.simple:
            reach = nd.met()
            useful = (nd.scenarios < need[0]) | (nd.constrained < need[1]) | (nd.points < need[2])
            if space.goal is self.cond:
                target, ats_t = reach, ats
            else:
                ats_t = space.at_target[start:] | at[1]
                target = self.m.needs(ats_t.sum(axis=1), (ats_t & cons).sum(axis=1), total).met()
        else:
            ats_t = ats
            scens = np.maximum(self.scen[space.idx[start:]], self._state([int(space.idx[i]) for i in ids])[0])
            levels = [self.m.level_of(s, int(t)) for s, t in zip(scens, total, strict=True)]
            reach = target = np.array(levels) >= self.cond.level
            useful = np.ones(len(reach), dtype=bool)
        if ids:
            useful &= ~(space.klass[start:, None] == space.klass[list(ids)][None, :]).any(axis=1)
        for k in np.flatnonzero(reach & useful & (price <= self.cut)):
            self._record(tuple(int(space.idx[i]) for i in (*ids, start + int(k))), space.bound_level)
        if slots == 1:
            return
        grow = np.flatnonzero(~target & useful & (price <= self.cut))
        if not grow.size:
            return
        nxt = start + grow + 1
        lack = np.stack([nd.scenarios[grow], nd.constrained[grow], nd.points[grow]])  # 3 × children
        more = np.full(grow.size, slots, dtype=np.int64)  # offers still needed, at least (slots: too many)
        for t in range(slots - 1, 0, -1):
            ok = np.ones(grow.size, dtype=bool)
            if self.simple:
                for c in range(3):
                    ok &= space.best[c, t, nxt] >= lack[c]
            more = np.where(ok, t, more)
        extra = space.cum[np.minimum(nxt + np.minimum(more, slots - 1), space.n)] - space.cum[nxt]
        if self.simple:
            with np.errstate(invalid="ignore"):
                cover = np.where(lack > 0, lack * space.ratio[nxt].T, 0.0).max(axis=0)
            extra = np.maximum(extra, np.floor(np.minimum(cover, _NEVER) * (1 - 1e-12)).astype(np.int64))
        bound = price[grow] + extra
        for k, b, m in zip(grow, bound, more, strict=True):
            if m >= slots or b > self.cut:
                continue
            self._expand(
                space,
                (*ids, start + int(k)),
                (ats[k], ats_t[k]),
                feats[k],
                (int(nd.scenarios[k]), int(nd.constrained[k]), int(nd.points[k])),
                int(price[k]),
            )

    def _branch_and_bound(self, space: _Space) -> None:
        self._update_cut(space.bound_level)
        at = self.m.base_scen >= space.goal.scenario_level
        cons = self.m.constrained
        need = self.m.needs(
            np.array([at.sum()]), np.array([(at & cons).sum()]), np.array([self.m.base_total]), space.goal
        )
        self._expand(
            space,
            (),
            (at, self.m.base_at_target),
            self.m.base_feat,
            (int(need.scenarios[0]), int(need.constrained[0]), int(need.points[0])),
            0,
        )

    # -- near misses ----------------------------------------------------------------------------------
    def _miss_key(self, ids: tuple[int, ...]) -> tuple[Any, ...]:
        level = self._level(ids)
        offers = [self.offers[i] for i in ids]
        share = _yuan(self._share(int(self.price[list(ids)].sum()), level))
        return _order_key(False, self._needs(ids), level, share, offers)

    def _beam(self) -> list[tuple[int, ...]]:
        """Bundles that come closest when fewer than ``limit`` reach (package docstring, step 6)."""
        width = max(2 * self.limit, BEAM_WIDTH)
        keys: dict[tuple[int, ...], tuple[Any, ...]] = {
            (i,): self._miss_key((i,)) for i in self.kept if not self._reaches((i,))
        }
        singles = [ids[0] for ids in sorted(keys, key=keys.__getitem__)]
        beam: list[tuple[int, ...]] = [(i,) for i in singles[:width]]
        pool = dict(keys)
        for _ in range(2, self.max_size + 1):
            children: dict[tuple[int, ...], tuple[Any, ...]] = {}
            for ids in beam:
                self._spend()
                classes = {int(self.klass[i]) for i in ids}
                for j in singles[:BEAM_EXTEND]:
                    child = tuple(sorted((*ids, j)))
                    if int(self.klass[j]) in classes or child in children or self._reaches(child):
                        continue
                    children[child] = self._miss_key(child)
            pool.update(children)
            beam = sorted(children, key=children.__getitem__)[:width]
        out: list[tuple[int, ...]] = []
        room = self.limit - len(self.top)
        for ids in sorted(pool, key=pool.__getitem__):
            if len(out) >= room:
                break
            needs = self._needs(ids)
            smaller = (s for r in range(1, len(ids)) for s in itertools.combinations(ids, r))
            # A part that lacks no more in any condition makes the near miss pointless.
            if not any(
                sub in pool and all(a <= b for a, b in zip(self._needs(sub), needs, strict=True))
                for sub in smaller
            ):
                out.append(ids)
        return out

    # -- all --------------------------------------------------------------------------------------------
    def run(self) -> list[tuple[Offer, ...]]:
        if not self.n:
            return []
        total_budget, self.budget = self.budget, self.budget * 4 // 5  # keep a fifth for the near misses
        main = _Space(self, self.kept_target, self.cond, self.cond.level if self.simple else self.level_cap)
        try:
            self._greedy(main)
            self._branch_and_bound(main)
            for cond in sorted(self.levels, key=lambda c: -c.level):
                self._branch_and_bound(_Space(self, self.kept, cond, cond.level))
        except _BudgetSpent:
            self.exhausted = True
        self.budget = total_budget
        out = [tuple(self.offers[i] for i in t.ids) for t in self.top]
        if len(out) < self.limit:
            try:
                out += [tuple(self.offers[i] for i in ids) for ids in self._beam()]
            except _BudgetSpent:
                self.exhausted = True
        return out


@dataclass(frozen=True)
class Recommendation:
    score_before: Score
    level_before: int
    target_level: int
    already_there: bool
    bundles: tuple[Any, ...]
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
    """Up to ``limit`` bundles of ``offers`` towards ``target_level``, reaching ones first (package
    docstring)."""
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
    search = _Search(
        fw, cond, estimate, usable, before, budget=max_evaluations, limit=limit, max_size=max_bundle_size
    )
    picked = search.run()
    made = (
        make_bundle(fw, answers, b, target_level=target_level, subsidy=estimate, before=before)
        for b in picked
    )
    bundles = tuple(sorted(made, key=rank_key))
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
