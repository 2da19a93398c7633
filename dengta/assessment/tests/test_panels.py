"""The assessment panels of the home page: each role sees its own figures, staff only their jurisdiction's."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dengta.assessment import panels, selectors
from dengta.assessment.models import Assessment, Kind, Phase
from dengta.assessment.services import (
    assessment_assign_onsite,
    assessment_save_answers,
    assessment_start,
    assessment_submit,
)
from dengta.registry.models import Enterprise

from .conftest import LEVEL2_CHOICES, invite, scenarios_at, self_assessment

pytestmark = pytest.mark.django_db


def result(world: Any, enterprise: Enterprise, level: int, phase: str = Phase.T0) -> Assessment:
    """A scored self-assessment of ``enterprise`` at level 0, 1 or 2, through the services."""
    actor = world.members["enterprise"].user
    assessment = assessment_start(
        actor=actor,
        enterprise=enterprise,
        kind=Kind.SELF,
        phase=phase,
        author_organization=enterprise.organization,
    )
    scenarios = scenarios_at(level) if level else dict.fromkeys(scenarios_at(1), 0)
    assessment_save_answers(actor=actor, assessment=assessment, choices=LEVEL2_CHOICES, scenarios=scenarios)
    scored = assessment_submit(actor=actor, assessment=assessment, pledge=True)
    assert scored.level == level
    return scored


def panel(world: Any, who: str, key: str) -> tuple[str, dict[str, Any]]:
    response = world.client(who).get(reverse("core:home"))
    assert response.status_code == 200
    found = {p.key: ctx for p, ctx in response.context["panels"]}
    assert key in found, sorted(found)
    return response.content.decode(), found[key]


def test_enterprise_without_assessments_is_asked_to_start(world: Any):
    html, ctx = panel(world, "enterprise", "assessment.my_level")
    assert ctx["latest"] is None and ctx["draft"] is None and ctx["can_start"]
    assert "数字化水平评测" in html and reverse("assessment:start_self") in html and "开始自评" in html


def test_enterprise_continues_its_draft(world: Any):
    draft = self_assessment(world, submit=False)
    html, ctx = panel(world, "enterprise", "assessment.my_level")
    assert ctx["draft"] == draft and ctx["latest"] is None
    assert reverse("assessment:fill", args=[draft.pk]) in html and "继续填写" in html
    assert reverse("assessment:start_self") not in html


def test_enterprise_sees_its_latest_level(world: Any):
    result(world, world.registered.own, 1)
    latest = result(world, world.registered.own, 2, phase=Phase.T1)
    html, ctx = panel(world, "enterprise", "assessment.my_level")
    assert ctx["latest"] == latest and ctx["level_name"] == "二级"
    assert 'data-testid="panel-level"' in html and "dt-level-2" in html
    # Points as the index writes them, the same as on the report (46.925, not rounded to 46.93).
    assert reverse("assessment:detail", args=[latest.pk]) in html and "46.925" in html
    assert latest.assessed_on and latest.assessed_on.isoformat() in html


def test_staff_distribution_counts_latest_results_in_the_jurisdiction(world: Any):
    reg = world.registered
    result(world, reg.own, 0)  # 天河, 广州
    result(world, reg.tianhe, 1)  # 天河, 广州: its later result counts, once
    result(world, reg.tianhe, 2, phase=Phase.T1)
    result(world, reg.nanshan, 2)  # 深圳 (计划单列市): outside 广东's jurisdiction
    result(world, reg.xihu, 1)  # 浙江
    self_assessment(world, submit=False)  # drafts have no result
    html, ctx = panel(world, "guangzhou", "assessment.levels")
    assert ctx["dist"].counts == {0: 1, 1: 0, 2: 1, 3: 0, 4: 0}
    assert ctx["dist"].share_reaching_two == 50 and "50.0%" in html
    assert f"{reverse('assessment:list')}?level=2" in html
    _html, province = panel(world, "guangdong", "assessment.levels")
    assert province["dist"].counts == {0: 1, 1: 0, 2: 1, 3: 0, 4: 0}
    _html, shenzhen = panel(world, "shenzhen", "assessment.levels")
    assert shenzhen["dist"].counts == {0: 0, 1: 0, 2: 1, 3: 0, 4: 0}
    _html, nation = panel(world, "ministry", "assessment.levels")
    assert nation["dist"].counts == {0: 1, 1: 1, 2: 2, 3: 0, 4: 0} and nation["dist"].total == 4
    _html, xpcc = panel(world, "xpcc", "assessment.levels")
    assert xpcc["dist"].total == 0 and xpcc["dist"].share_reaching_two is None


def test_staff_distribution_is_counted_in_the_database(world: Any, django_assert_max_num_queries: Any):
    for enterprise, level in ((world.registered.own, 1), (world.registered.tianhe, 2)):
        result(world, enterprise, level)
    with django_assert_max_num_queries(1):
        dist = selectors.level_distribution(world.viewer("ministry"))
    assert dist.counts[1] == dist.counts[2] == 1


def test_expert_sees_open_onsite_assignments(world: Any):
    assigned = assessment_assign_onsite(
        actor=world.members["guangzhou"].user,
        enterprise=world.registered.own,
        expert=world.members["expert"].user,
        expert_organization=world.orgs["expert"],
        phase=Phase.T1,
    )
    html, ctx = panel(world, "expert", "assessment.onsite_queue")
    assert ctx["count"] == 1 and ctx["items"] == [assigned]
    assert world.registered.own.name in html and "待声明无利益冲突" in html
    assert reverse("assessment:detail", args=[assigned.pk]) in html
    _html, enterprise = panel(world, "enterprise", "assessment.my_level")
    assert enterprise["latest"] is None  # an on-site draft is not the enterprise's result yet


def test_expert_without_assignments(world: Any):
    html, ctx = panel(world, "expert", "assessment.onsite_queue")
    assert ctx["count"] == 0 and "目前没有安排给您的现场评定" in html


def test_provider_counts_its_diagnoses(world: Any):
    _html, empty = panel(world, "provider", "assessment.diagnoses")
    assert empty["counts"].total == 0 and empty["can_start"]
    for enterprise in (world.registered.own, world.registered.tianhe):
        invite(world, enterprise)
        assessment_start(
            actor=world.members["provider"].user,
            enterprise=enterprise,
            kind=Kind.PROVIDER,
            author_organization=world.orgs["provider"],
        )
    result(world, world.registered.xihu, 1)  # not the provider's
    html, ctx = panel(world, "provider", "assessment.diagnoses")
    assert (ctx["counts"].total, ctx["counts"].drafts, ctx["counts"].scored) == (2, 2, 0)
    assert reverse("assessment:start_diagnosis") in html


def test_each_role_gets_only_its_panel(world: Any):
    keys = {p.key for p in panels.PANELS}
    for who, expected in (
        ("enterprise", "assessment.my_level"),
        ("guangzhou", "assessment.levels"),
        ("oversight", "assessment.levels"),
        ("expert", "assessment.onsite_queue"),
        ("provider", "assessment.diagnoses"),
    ):
        response = world.client(who).get(reverse("core:home"))
        shown = {p.key for p, _ctx in response.context["panels"]} & keys
        assert shown == {expected}, who
