"""The search's own parts: its integer model of the engine and the dominance pruning of candidates.

``test_matching`` checks the whole search against an exhaustive one; these check the two claims the search
rests on, each where it can fail on its own: that the element-wise maximum of offer rows is the engine's score
(``matching.model``), and that pruning dominated offers loses none of the best bundles when many offers are
near copies of each other, as in a real catalogue (``matching.prune``).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dengta.assessment.scoring.answers import Answers
from dengta.assessment.scoring.engine import score
from dengta.catalog.matching import Offer, apply_lifts, recommend
from dengta.catalog.matching.model import Model
from dengta.catalog.matching.prune import share_drops
from dengta.catalog.tests.test_matching import (
    ENTERPRISES,
    FW,
    LIFT_POOL,
    SUBSIDY,
    brute_force,
    check_invariants,
    offer_sets,
)

LEVEL_2 = next(c for c in FW.levels if c.level == 2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offers=offer_sets(max_offers=6), answers=st.sampled_from(ENTERPRISES), data=st.data())
def test_the_model_of_a_bundle_is_the_engine_score(
    offers: list[Offer], answers: Answers, data: st.DataObject
) -> None:
    before = score(FW, answers)
    model = Model(FW, before, offers, LEVEL_2)
    rows = data.draw(st.lists(st.integers(0, len(offers) - 1), unique=True) if offers else st.just([]))
    after = score(FW, apply_lifts(FW, answers, [lift for r in rows for lift in offers[r].lifts]))
    scen, feat = model.state(rows)
    assert dict(zip(model.codes, (int(s) for s in scen), strict=True)) == {
        code: after.scenario_levels.get(code, 0) for code in model.codes
    }
    assert int(feat.sum()) == sum(after.item_points.values())
    assert model.level_of(scen, int(feat.sum())) == after.level


# A catalogue is full of near copies: the same lifts from many providers at a few price points. Few
# distinct lift sets (scenarios to 二级 with items) and prices make most offers dominated, which is where
# pruning could drop a bundle it should keep.
FEW_LIFTS = [
    tuple(LIFT_POOL[i] for i in group)
    for group in ((1, 48), (4, 7, 53), (10, 55), (13, 16), (19, 49, 56), (22, 51), (25, 58), (28, 31, 54))
]


@st.composite
def near_copies(draw: st.DrawFn) -> list[Offer]:
    count = draw(st.integers(min_value=4, max_value=13))
    offers = []
    for i in range(count):
        pilot = Decimal(draw(st.sampled_from([5_000, 5_001, 5_002, 20_000, 60_000, 60_000])))
        rating = draw(st.sampled_from([None, Decimal("4.5"), Decimal("3.0")]))
        offers.append(
            Offer(
                id=i + 1,
                provider_id=draw(st.integers(min_value=1, max_value=3)),
                name=f"o{i}",
                list_price=pilot,
                pilot_price=pilot,
                delivery_days=draw(st.sampled_from([10, 30])),
                rating=rating,
                sub_industry_fit=draw(st.booleans()),
                lifts=draw(st.sampled_from(FEW_LIFTS[: draw(st.integers(min_value=2, max_value=8))])),
            )
        )
    return offers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    offers=near_copies(), answers=st.sampled_from(ENTERPRISES), limit=st.integers(min_value=1, max_value=4)
)
def test_pruning_near_copies_keeps_the_best_bundles(
    offers: list[Offer], answers: Answers, limit: int
) -> None:
    rec = recommend(FW, answers, offers, subsidy=SUBSIDY, limit=limit)
    assert rec.exhaustive
    assert [b.offer_ids for b in rec.bundles if b.reaches_target] == brute_force(answers, offers, limit)
    check_invariants(rec, offers, answers=answers, limit=limit)


def test_a_price_difference_counts_only_when_the_share_surely_drops() -> None:
    # At a 50 % rate, 1 fen cheaper can leave the share unchanged (the subsidy is rounded down); 3 fen cannot.
    assert not share_drops(0, Decimal("0.5"))
    assert not share_drops(-5, Decimal("0.5"))
    assert not share_drops(1, Decimal("0.5"))
    assert share_drops(3, Decimal("0.5"))
    # A full subsidy leaves every share at zero below the cap: no price difference makes one cheaper.
    assert not share_drops(1_000_000, Decimal("1"))
