"""What offers do to one enterprise's score, as small integer vectors (the search's model of the engine).

``apply_lifts`` only ever raises an answer, and the engine's score depends on the answers only through the
scenario levels and the points of each item (DOMAIN.md 3.2.1: the total is the sum of the item points; the
level conditions count scenarios at or above a level). Each of those combines over the offers of a bundle by
taking a maximum:

- a scenario's level is the highest of its current level and every lift on it;
- a single-choice item keeps the option worth the most points among its current one and every lifted one
  (``_lifted``), so its points are a maximum;
- a multiple-choice item gets the union of its current options (the exclusive 无 left out) and every lifted
  one; one feature per option, worth its points when ticked, makes the union a maximum too.

An item derived from collected numbers starts from its derived option; lifting it drops those numbers and pins
every other item they derived (``apply_lifts``), so nothing else moves and the same maximum holds. A bundle's
effect is therefore the element-wise maximum of its offers' rows, each row being an offer's effect on its own
(the enterprise's current answers already folded in): exactly what the engine computes, without the engine.
``test_matching_search`` checks the model against ``engine.score`` on random bundles, and every bundle
shown is scored by the engine again (``make_bundle``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dengta.assessment.scoring.engine import Score
from dengta.assessment.scoring.framework import Framework, LevelCondition
from dengta.catalog.matching.core import SCENARIO, Offer

IntArray = np.ndarray


@dataclass(frozen=True)
class Needs:
    """What the target level's condition still lacks: scenarios at its scenario level, constrained ones among
    them, points (ten-thousandths). Arrays of one value per bundle."""

    scenarios: IntArray
    constrained: IntArray
    points: IntArray

    def met(self) -> IntArray:
        return (self.scenarios == 0) & (self.constrained == 0) & (self.points == 0)


class Model:
    """The enterprise's current scenario levels and item points, and each offer's row (see module docstring).

    ``scen`` (offers × scenarios) holds scenario levels, ``feat`` (offers × features) item points: one feature
    per single-choice item, one per option of a multiple-choice item. Row ``i`` is offer ``i`` alone, already
    combined with the current answers, so a bundle is ``max`` over its rows."""

    def __init__(self, fw: Framework, before: Score, offers: Sequence[Offer], target: LevelCondition) -> None:
        self.fw, self.target = fw, target
        self.codes = [s.code for s in fw.scenarios]
        index = {code: k for k, code in enumerate(self.codes)}
        self.constrained = np.array([s.constrained for s in fw.scenarios], dtype=bool)
        self.base_scen = np.array([before.scenario_levels.get(c, 0) for c in self.codes], dtype=np.int64)
        features: dict[tuple[str, str], int] = {}
        base_feat: list[int] = []
        for item in fw.items:
            current = set(before.options.get(item.code, ()))
            if item.multi:
                for opt in item.options:
                    if opt.key != item.exclusive:
                        features[(item.code, opt.key)] = len(base_feat)
                        base_feat.append(opt.points if opt.key in current else 0)
            else:
                features[(item.code, "")] = len(base_feat)
                base_feat.append(before.item_points.get(item.code, 0))
        self.base_feat = np.array(base_feat, dtype=np.int64)
        n = len(offers)
        self.scen = np.tile(self.base_scen, (n, 1))
        self.feat = np.tile(self.base_feat, (n, 1))
        for row, offer in enumerate(offers):
            for lift in offer.lifts:  # validated by the caller
                if lift.kind == SCENARIO:
                    k = index[lift.code]
                    self.scen[row, k] = max(self.scen[row, k], lift.level)
                    continue
                lifted = fw.item(lift.code)
                assert lifted is not None
                if lifted.multi:
                    for key in lift.options:
                        chosen = lifted.option(key)
                        assert chosen is not None
                        self.feat[row, features[(lifted.code, key)]] = chosen.points
                else:
                    best = max(o.points for o in lifted.options if o.key in lift.options)
                    k = features[(lifted.code, "")]
                    self.feat[row, k] = max(self.feat[row, k], best)
        self.base_total = int(self.base_feat.sum())
        self.total = self.feat.sum(axis=1)
        self.at_target = self.scen >= target.scenario_level  # offers × scenarios
        self.base_at_target = self.base_scen >= target.scenario_level
        self.base_needs = self.needs(
            np.array([self.base_at_target.sum()]),
            np.array([(self.base_at_target & self.constrained).sum()]),
            np.array([self.base_total]),
        )

    # -- one bundle --------------------------------------------------------------------------------------
    def state(self, rows: Sequence[int]) -> tuple[IntArray, IntArray]:
        """A bundle's scenario levels and item features (the current answers for no offer)."""
        if not rows:
            return self.base_scen, self.base_feat
        return self.scen[list(rows)].max(axis=0), self.feat[list(rows)].max(axis=0)

    def level_of(self, scen: IntArray, total: int) -> int:
        """The engine's level (``engine.score``): the first condition of the framework's list that is met."""
        for cond in self.fw.levels:
            at = scen >= cond.scenario_level
            if (
                total >= cond.min_points
                and int(at.sum()) >= cond.min_scenarios
                and int((at & self.constrained).sum()) >= cond.min_constrained
            ):
                return cond.level
        return 0

    def needs_of(self, rows: Sequence[int]) -> tuple[int, int, int]:
        scen, feat = self.state(rows)
        at = scen >= self.target.scenario_level
        needs = self.needs(
            np.array([at.sum()]), np.array([(at & self.constrained).sum()]), np.array([feat.sum()])
        )
        return int(needs.scenarios[0]), int(needs.constrained[0]), int(needs.points[0])

    # -- many bundles at once ----------------------------------------------------------------------------
    def needs(
        self, have: IntArray, have_c: IntArray, total: IntArray, cond: LevelCondition | None = None
    ) -> Needs:
        """As ``core._needs`` for ``cond`` (the target by default): scenarios, constrained ones, points
        missing."""
        t = cond or self.target
        return Needs(
            np.maximum(0, t.min_scenarios - have),
            np.maximum(0, t.min_constrained - have_c),
            np.maximum(0, t.min_points - total),
        )

    def gains(self, cond: LevelCondition) -> IntArray:
        """Per offer alone: scenarios it brings to ``cond``'s scenario level, constrained ones, points
        (offers × 3). Inside a bundle an offer never gains more than alone: the rows combine by a maximum."""
        at = self.scen >= cond.scenario_level
        base_at = self.base_scen >= cond.scenario_level
        new = at & ~base_at
        return np.stack(
            [new.sum(axis=1), (new & self.constrained).sum(axis=1), self.total - self.base_total], axis=1
        ).astype(np.int64)
