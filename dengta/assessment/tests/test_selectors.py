"""Reads for assessments: an enterprise's history, the baseline a result is compared with (T0 → T1), the
deltas between two results, and peer medians that never show a group smaller than five enterprises.

Dates matter here, so each result is scored "on" a chosen day (``timezone.localdate`` patched for the
services), the way a pilot's T0 and T1 lie months apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from dengta.assessment import selectors
from dengta.assessment.models import Assessment, Kind, Phase, State
from dengta.assessment.services import (
    assessment_assign_onsite,
    assessment_correct,
    assessment_save_answers,
    assessment_sign_off,
    assessment_start,
    assessment_submit,
    historical_record,
)
from dengta.reference.models import SubIndustry
from dengta.registry.tests.conftest import register

from .conftest import LEVEL2_CHOICES, declare, invite, scenarios_at, self_assessment

T0_DAY = date(2024, 3, 1)
T1_DAY = date(2024, 11, 20)


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch) -> Any:
    @contextmanager
    def day(when: date) -> Iterator[None]:
        with monkeypatch.context() as patch:
            patch.setattr(timezone, "localdate", lambda *args, **kwargs: when)
            yield

    return day


def onsite_t1(world: Any, *, sign: bool = True, level: int = 2, enterprise: Any = None) -> Assessment:
    expert = world.members["expert"].user
    assessment = assessment_assign_onsite(
        actor=world.members["guangzhou"].user,
        enterprise=enterprise or world.registered.own,
        expert=expert,
        expert_organization=world.orgs["expert"],
        phase=Phase.T1,
    )
    assessment = declare(world, assessment)
    assessment_save_answers(
        actor=expert, assessment=assessment, choices=LEVEL2_CHOICES, scenarios=scenarios_at(level)
    )
    assessment = assessment_submit(actor=expert, assessment=assessment, pledge=True)
    if sign:
        assessment = assessment_sign_off(actor=expert, assessment=assessment)
    return assessment


def diagnosis(world: Any, enterprise: Any, coverage: str = "C", level: int = 2) -> Assessment:
    """A scored provider diagnosis; ``coverage`` (信息系统, A–E = 0–10 points) moves the total by 2.5s."""
    actor = world.members["provider"].user
    invite(world, enterprise)
    assessment = assessment_start(
        actor=actor, enterprise=enterprise, kind=Kind.PROVIDER, author_organization=world.orgs["provider"]
    )
    assessment_save_answers(
        actor=actor,
        assessment=assessment,
        choices={**LEVEL2_CHOICES, "base.systems.coverage": coverage},
        scenarios=scenarios_at(level),
    )
    return assessment_submit(actor=actor, assessment=assessment, pledge=True)


def historical(world: Any, enterprise: Any, total: str, when: date) -> Assessment:
    return historical_record(
        actor=world.members["ministry"].user,
        enterprise=enterprise,
        framework=world.frameworks["miit-2022"],
        total=Decimal(total),
        assessed_on=when,
    )


# ------------------------------------------------------------------------------------------------ history


def test_history_is_the_scored_results_oldest_first(world: Any, on: Any) -> None:
    past = historical(world, world.registered.own, "35", date(2023, 5, 1))
    with on(T0_DAY):
        t0 = self_assessment(world)
    self_assessment(world, submit=False)  # a draft has no result yet
    with on(T1_DAY):
        t1 = onsite_t1(world)
    staff = world.viewer("guangzhou")
    assert selectors.history(world.registered.own, staff) == [past, t0, t1]
    assert selectors.history(world.registered.own, world.viewer("enterprise")) == [past, t0, t1]
    assert selectors.history(world.registered.own, world.viewer("zhejiang")) == []
    # Its assignment and the enterprise's final results (the baseline it assesses against).
    assert selectors.history(world.registered.own, world.viewer("expert")) == [past, t0, t1]
    assert selectors.history(world.registered.tianhe, staff) == []


def test_history_orders_results_of_one_day_by_scoring_time(world: Any, on: Any) -> None:
    with on(T0_DAY):
        first = self_assessment(world)
        second = self_assessment(world, phase=Phase.OTHER)
    assert selectors.history(world.registered.own, world.viewer("enterprise")) == [first, second]


# ----------------------------------------------------------------------------------------------- baseline


def test_t1_is_compared_with_t0(world: Any, on: Any) -> None:
    with on(T0_DAY):
        t0 = self_assessment(world, level=1)
    with on(T1_DAY):
        t1 = onsite_t1(world)
    viewer = world.viewer("guangzhou")
    assert selectors.baseline_for(t1, viewer) == t0
    assert selectors.baseline_for(t0, viewer) is None  # nothing before the baseline itself


def test_a_t0_is_preferred_to_a_later_result_of_another_phase(world: Any, on: Any) -> None:
    with on(date(2024, 1, 10)):
        t0 = self_assessment(world)
    with on(date(2024, 6, 1)):
        self_assessment(world, phase=Phase.OTHER)
    with on(T1_DAY):
        t1 = onsite_t1(world)
    assert selectors.baseline_for(t1, world.viewer("guangzhou")) == t0


def test_without_a_t0_the_latest_earlier_result_is_the_baseline(world: Any, on: Any) -> None:
    with on(date(2024, 1, 10)):
        self_assessment(world, phase=Phase.OTHER)
    with on(date(2024, 6, 1)):
        latest = self_assessment(world, phase=Phase.OTHER)
    with on(T1_DAY):
        t1 = onsite_t1(world)
        later = self_assessment(world, phase=Phase.OTHER)  # after the T1 (scored later the same day)
    assert selectors.baseline_for(t1, world.viewer("guangzhou")) == latest
    assert later.scored_at is not None and t1.scored_at is not None and later.scored_at > t1.scored_at


def test_a_result_of_another_framework_is_no_baseline(world: Any, on: Any) -> None:
    historical(world, world.registered.own, "45", date(2023, 5, 1))  # the 2022 bands
    with on(T1_DAY):
        t1 = onsite_t1(world)
    assert selectors.baseline_for(t1, world.viewer("guangzhou")) is None


def test_a_corrected_t0_is_replaced_by_its_correction(world: Any, on: Any) -> None:
    with on(T0_DAY):
        t0 = self_assessment(world, level=1)
        correction = assessment_correct(actor=world.members["enterprise"].user, assessment=t0)
        corrected = assessment_submit(
            actor=world.members["enterprise"].user, assessment=correction, pledge=True
        )
    with on(T1_DAY):
        t1 = onsite_t1(world)
    assert selectors.baseline_for(t1, world.viewer("guangzhou")) == corrected


def test_a_correction_still_in_draft_does_not_hide_the_t0(world: Any, on: Any) -> None:
    # Until the correction has a result, the T0 it corrects is still the result that counts.
    with on(T0_DAY):
        t0 = self_assessment(world, level=1)
    with on(T1_DAY):
        t1 = onsite_t1(world)
        assessment_correct(actor=world.members["enterprise"].user, assessment=t0)
    assert selectors.baseline_for(t1, world.viewer("guangzhou")) == t0


def test_a_t0_corrected_after_the_t1_stays_the_baseline(world: Any, on: Any) -> None:
    # The correction describes the enterprise as it was at the T0: it keeps the T0's date and replaces it,
    # even though it is made and scored after the T1.
    with on(T0_DAY):
        t0 = self_assessment(world, level=1)
    with on(T1_DAY):
        t1 = onsite_t1(world)
    with on(date(2024, 12, 5)):
        correction = assessment_correct(actor=world.members["enterprise"].user, assessment=t0)
        corrected = assessment_submit(
            actor=world.members["enterprise"].user, assessment=correction, pledge=True
        )
    assert corrected.assessed_on == T0_DAY
    assert selectors.baseline_for(t1, world.viewer("guangzhou")) == corrected


def test_baseline_only_from_what_the_viewer_sees(world: Any, on: Any) -> None:
    with on(T0_DAY):
        self_assessment(world)
    with on(T1_DAY):
        t1 = onsite_t1(world)
    # The assigned expert sees the enterprise's final results, so it judges the T1 against the T0 ...
    assert selectors.baseline_for(t1, world.viewer("expert")) is not None
    # ... but an expert with no assignment at this enterprise sees neither.
    assert selectors.baseline_for(t1, world.viewer("zhejiang")) is None


# -------------------------------------------------------------------------------------------------- deltas

LABELS: dict[str, Any] = {
    "total": "总分",
    "level": "等级",
    "base": "数字化基础",
    "mgmt": "数字化管理",
    "results": "数字化成效",
    "_scenarios": {"product_design": "产品设计", "finance": "财务管理", "process_design": "工艺设计"},
}


def test_deltas_from_t0_to_t1(world: Any, on: Any) -> None:
    with on(T0_DAY):
        t0 = diagnosis(world, world.registered.own, coverage="A", level=1)
    with on(T1_DAY):
        t1 = diagnosis(world, world.registered.own, coverage="E", level=2)
    rows = {d.key: d for d in selectors.deltas(t0, t1, LABELS)}
    assert list(rows) == [
        "total",
        "level",
        "base",
        "mgmt",
        "results",
        "scenario:product_design",
        "scenario:finance",
        "scenario:process_design",
    ]
    assert (rows["total"].before, rows["total"].after, rows["total"].change) == (
        Decimal("41.925"),
        Decimal("51.925"),
        Decimal("10"),
    )
    assert (rows["level"].before, rows["level"].after, rows["level"].change) == (1, 2, 1)
    assert rows["base"].change == Decimal("10") and rows["mgmt"].change == 0 and rows["results"].change == 0
    assert rows["total"].label == "总分" and rows["scenario:finance"].label == "财务管理"
    # scenarios_at(level) puts product_design (constrained) and process_design (guiding) at the level, and
    # finance at 1.
    assert (rows["scenario:product_design"].before, rows["scenario:product_design"].after) == (1, 2)
    assert rows["scenario:product_design"].change == 1
    assert rows["scenario:finance"].change == 0
    assert (rows["scenario:process_design"].before, rows["scenario:process_design"].after) == (1, 2)


def test_deltas_with_a_historical_result_have_no_dimension_change(world: Any, on: Any) -> None:
    past = historical(world, world.registered.own, "38.5", date(2023, 5, 1))
    with on(T1_DAY):
        t1 = onsite_t1(world)
    rows = {d.key: d for d in selectors.deltas(past, t1, LABELS)}
    assert rows["total"].change == Decimal("8.425") and rows["level"].change == 1
    assert rows["base"].before is None and rows["base"].change is None
    assert rows["scenario:finance"].before is None and rows["scenario:finance"].change is None


# ------------------------------------------------------------------------------------------- peer medians


@pytest.fixture
def auto_parts(world: Any) -> SubIndustry:
    """The sub-industry of every registered enterprise of the cast (GB/T 4754 C3670)."""
    sub = SubIndustry.objects.create(
        code="auto-parts", name="汽车零部件", is_focus=True, dataset_version="test"
    )
    sub.industries.add(world.industries["C367"])
    return sub


def enterprises(world: Any) -> list[Any]:
    r = world.registered
    return [r.own, r.tianhe, r.nanshan, r.xihu, r.shihezi]


def test_fewer_than_five_peers_give_no_figure(world: Any, auto_parts: SubIndustry) -> None:
    results = [diagnosis(world, e, coverage=c) for e, c in zip(enterprises(world)[:4], "ABCD", strict=True)]
    sub, city = selectors.peer_medians(results[0])
    assert (sub.label, sub.count, sub.enough) == ("汽车零部件", 4, False)
    assert sub.total is None and sub.dimensions == {} and sub.level is None
    assert (city.label, city.count, city.enough) == ("广州市", 2, False)  # own and 天河
    assert city.total is None and city.dimensions == {} and city.level is None


def test_five_peers_give_the_median(world: Any, auto_parts: SubIndustry) -> None:
    # Totals 41.925, 44.425, 46.925, 49.425, 51.925 (信息系统 A–E); one of them at level 1 by its scenarios.
    coverages = {"own": "C", "tianhe": "A", "nanshan": "E", "xihu": "B", "shihezi": "D"}
    levels = {"own": 2, "tianhe": 1, "nanshan": 2, "xihu": 2, "shihezi": 2}
    results = {
        name: diagnosis(world, getattr(world.registered, name), coverage=coverages[name], level=levels[name])
        for name in coverages
    }
    assert sorted(a.total or Decimal(-1) for a in results.values()) == [
        Decimal("41.925"),
        Decimal("44.425"),
        Decimal("46.925"),
        Decimal("49.425"),
        Decimal("51.925"),
    ]
    sub = selectors.peer_medians(results["own"])[0]
    assert sub.count == 5 and sub.enough
    assert sub.total == Decimal("46.925")
    assert sub.dimensions == {"base": Decimal("23.8"), "mgmt": Decimal("14.625"), "results": Decimal("8.5")}
    assert sub.level == 2.0


def test_median_of_an_even_group_is_the_mean_of_the_middle_two(world: Any, auto_parts: SubIndustry) -> None:
    extra = register(world, "440106", 6, "天河第六有限公司")
    for e, c in zip([*enterprises(world), extra], "AABCDE", strict=True):
        diagnosis(world, e, coverage=c)
    own = Assessment.objects.filter(enterprise=world.registered.own).get()
    sub, city = selectors.peer_medians(own)
    assert sub.count == 6 and sub.total == (Decimal("44.425") + Decimal("46.925")) / 2
    assert city.count == 3 and not city.enough  # own, 天河 and the sixth, all in 广州


def test_peers_count_with_their_latest_final_result_only(
    world: Any, auto_parts: SubIndustry, on: Any
) -> None:
    own, tianhe, nanshan, xihu, shihezi = enterprises(world)
    with on(T0_DAY):
        old = diagnosis(world, tianhe, coverage="E")  # replaced by its later result below
        for e in (own, nanshan, xihu):
            diagnosis(world, e, coverage="C")
    with on(T1_DAY):
        diagnosis(world, tianhe, coverage="A")
        onsite_t1(world, enterprise=shihezi, sign=False)  # scored, not signed off: not final yet
        self_assessment(world, submit=False)  # a draft
        historical(world, shihezi, "99", T1_DAY)  # another framework
    subject = Assessment.objects.filter(enterprise=own, kind=Kind.PROVIDER).get()
    sub = selectors.peer_medians(subject)[0]
    assert sub.count == 4 and sub.total is None
    # Once the on-site assessment is signed off, 石河子 counts too: five peers, each with its latest result.
    onsite = Assessment.objects.get(enterprise=shihezi, kind=Kind.ONSITE)
    assessment_sign_off(actor=world.members["expert"].user, assessment=onsite)
    sub = selectors.peer_medians(subject)[0]
    assert sub.count == 5 and sub.enough
    # 天河's latest total is 41.925 (A), not its older 51.925: sorted 41.925, 46.925 × 4.
    assert sub.total == Decimal("46.925")
    assert old.total == Decimal("51.925")


def test_without_a_sub_industry_only_the_region_is_compared(world: Any) -> None:
    result = diagnosis(world, world.registered.nanshan)
    medians = selectors.peer_medians(result)
    assert [(m.label, m.count) for m in medians] == [("深圳市", 1)]


def test_onsite_queue_is_the_experts_open_assignments(world: Any) -> None:
    open_draft = declare(
        world,
        assessment_assign_onsite(
            actor=world.members["guangzhou"].user,
            enterprise=world.registered.own,
            expert=world.members["expert"].user,
            expert_organization=world.orgs["expert"],
            phase=Phase.T1,
        ),
    )
    to_sign = onsite_t1(world, sign=False)
    onsite_t1(world)  # signed off: done
    queue = list(selectors.onsite_queue(world.viewer("expert")))
    assert set(queue) == {open_draft, to_sign}
    assert {a.state for a in queue} == {State.DRAFT, State.SCORED}
    assert not selectors.onsite_queue(world.viewer("guangzhou")).exclude(kind=Kind.ONSITE).exists()
