"""Pages of the assessment: the questionnaire journey (steps, autosave, validation that keeps input, review,
pledge, submit), the report, the on-site flow and outsiders' 404s."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dengta.assessment.models import Assessment, Kind, Phase, State
from dengta.assessment.selectors import compiled
from dengta.assessment.services import assessment_assign_onsite
from dengta.assessment.tests.conftest import LEVEL2_CHOICES, declare, scenarios_at, self_assessment
from dengta.assessment.views.questionnaire import steps_for
from tests.exports import exported

pytestmark = pytest.mark.django_db


def _step_post(
    fw: Any, step: Any, choices: dict[str, str], scenarios: dict[str, int], action: str = "next"
) -> dict[str, Any]:
    data: dict[str, Any] = {"action": action}
    if step.kind == "dimension":
        for item in fw.items:
            if item.dimension == step.code and item.code in choices:
                data[f"item:{item.code}"] = choices[item.code].split(";")
    elif step.kind == "scenarios":
        for s in fw.scenarios:
            if s.group_code == step.code:
                data[f"scenario:{s.code}"] = str(scenarios[s.code])
    return data


def _fill_all(
    client: Any, assessment: Assessment, choices: dict[str, str], scenarios: dict[str, int]
) -> None:
    fw = compiled(assessment)
    for index, step in enumerate(steps_for(fw)[:-1]):
        url = reverse("assessment:fill_step", args=[assessment.pk, index])
        response = client.post(url, _step_post(fw, step, choices, scenarios))
        assert response.status_code == 302, response.content.decode()[:2000]


def test_enterprise_fills_submits_and_sees_report(world: Any) -> None:
    client = world.client("enterprise")
    response = client.post(reverse("assessment:start_self"), {"phase": Phase.T0})
    assessment = Assessment.objects.get(enterprise=world.registered.own)
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessment:fill", args=[assessment.pk]
    )
    page = client.get(reverse("assessment:fill_step", args=[assessment.pk, 0]))
    assert page.status_code == 200
    assert "网络建设" in page.content.decode() and "已完成 0 / 31 题" in page.content.decode()
    _fill_all(client, assessment, LEVEL2_CHOICES, scenarios_at(2))
    review = client.get(reverse("assessment:fill_step", args=[assessment.pk, 7]))
    assert "全部题目已作答" in review.content.decode()
    refused = client.post(reverse("assessment:submit", args=[assessment.pk]), {})
    assert refused.status_code == 400 and "真实性承诺" in refused.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).state == State.DRAFT
    done = client.post(reverse("assessment:submit", args=[assessment.pk]), {"pledge": "1"})
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == State.SCORED and assessment.level == 2
    report = client.get(reverse("assessment:detail", args=[assessment.pk]))
    html = report.content.decode()
    assert report.status_code == 200
    assert 'data-chart="radar"' in html and "二级" in html and "距离更高等级还差什么" in html
    assert "46.925" in html


def test_invalid_answer_keeps_input_and_names_the_field(world: Any) -> None:
    assessment = self_assessment(world, submit=False)
    client = world.client("enterprise")
    url = reverse("assessment:fill_step", args=[assessment.pk, 0])
    data = {
        "action": "next",
        "item:base.equipment.network": ["A", "B"],
        "item:base.systems.coverage": ["D"],
        "number:equipment_total": "10",
        "number:equipment_networked": "12",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "就不能再选其他选项" in html and 'href="#item-base.equipment.network"' in html
    assert "不能多于" in html
    assert 'value="12"' in html  # what was typed is kept
    assessment.refresh_from_db()
    assert assessment.answers["choices"]["base.systems.coverage"] == ["D"]  # valid answers were saved
    assert assessment.answers["choices"]["base.equipment.network"] == ["B", "C"]  # the invalid one was not
    assert "equipment_networked" not in assessment.answers["numbers"]


def test_autosave_saves_and_reports(world: Any) -> None:
    assessment = self_assessment(world, submit=False)
    client = world.client("enterprise")
    url = reverse("assessment:autosave", args=[assessment.pk, 1])
    response = client.post(url, {"item:mgmt.planning.implementation": ["F"]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已自动保存" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.answers["choices"]["mgmt.planning.implementation"] == ["F"]
    bad = client.post(url, {"item:mgmt.planning.implementation": ["B", "C"]}, HTTP_HX_REQUEST="true")
    assert "需要修改" in bad.content.decode()
    assessment.refresh_from_db()
    assert assessment.answers["choices"]["mgmt.planning.implementation"] == ["F"]


def test_scored_assessment_cannot_be_edited_by_page(world: Any) -> None:
    assessment = self_assessment(world)
    client = world.client("enterprise")
    response = client.post(
        reverse("assessment:fill_step", args=[assessment.pk, 0]), {"item:base.systems.coverage": ["E"]}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["choices"]["base.systems.coverage"] == ["C"]
    again = client.post(reverse("assessment:submit", args=[assessment.pk]), {"pledge": "1"})
    assert again.status_code == 409  # a state conflict, as the API answers (ARCHITECTURE.md convention 15)
    assert "评测已提交，不能再修改" in again.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).scored_at == assessment.scored_at


@pytest.mark.parametrize("who", ["zhejiang", "provider", "expert", "shenzhen"])
def test_outsiders_get_404(world: Any, who: str) -> None:
    assessment = self_assessment(world)
    client = world.client(who)
    assert client.get(reverse("assessment:detail", args=[assessment.pk])).status_code == 404
    assert client.get(reverse("assessment:fill", args=[assessment.pk])).status_code == 404


@pytest.mark.parametrize("who", ["guangzhou", "guangdong", "ministry", "oversight"])
def test_staff_in_jurisdiction_see_report(world: Any, who: str) -> None:
    assessment = self_assessment(world)
    response = world.client(who).get(reverse("assessment:detail", args=[assessment.pk]))
    assert response.status_code == 200 and "数字化水平评测报告" in response.content.decode()


# The arrangement the arranging authority gives with every on-site assignment (a visit next year).
VISIT = {"visit_at": "2027-03-15T09:30", "due_on": "2027-03-31"}


def test_onsite_t1_shows_t0_to_t1_change(world: Any) -> None:
    t0 = self_assessment(world, phase=Phase.T0, level=1)
    assert t0.level == 1
    staff = world.client("guangzhou")
    expert_membership = world.members["expert"]
    response = staff.post(
        reverse("assessment:assign_onsite"),
        {"uscc": world.registered.own.uscc, "expert": expert_membership.pk, "phase": Phase.T1, **VISIT},
    )
    assert response.status_code == 302
    onsite = Assessment.objects.get(kind=Kind.ONSITE)
    expert = world.client("expert")
    assert expert.get(reverse("assessment:fill", args=[onsite.pk])).status_code == 302  # declaration first
    assert world.client("enterprise").get(reverse("assessment:detail", args=[onsite.pk])).status_code == 404
    expert.post(reverse("assessment:declare_coi", args=[onsite.pk]), {"confirm": "1"})
    choices = dict(LEVEL2_CHOICES, **{"base.systems.coverage": "E", "mgmt.planning.implementation": "F"})
    _fill_all(expert, onsite, choices, scenarios_at(3, count=8, constrained=5))
    assert expert.post(reverse("assessment:submit", args=[onsite.pk]), {"pledge": "1"}).status_code == 302
    onsite.refresh_from_db()
    assert onsite.state == State.SCORED
    page = expert.get(reverse("assessment:detail", args=[onsite.pk])).content.decode()
    assert "签署评定结果" in page
    expert.post(reverse("assessment:sign_off", args=[onsite.pk]), {"confirm": "on"})
    onsite.refresh_from_db()
    assert onsite.state == State.SIGNED_OFF
    report = world.client("enterprise").get(reverse("assessment:detail", args=[onsite.pk])).content.decode()
    assert 'data-testid="delta-table"' in report
    assert "改造前（T0） → 改造后（T1） 变化" in report
    assert "+8" in report and "54.925" in report  # 46.925 → 54.925: coverage C→E +5, implementation D→F +3


def test_assign_refuses_enterprise_outside_jurisdiction(world: Any) -> None:
    response = world.client("zhejiang").post(
        reverse("assessment:assign_onsite"),
        {"uscc": world.registered.own.uscc, "expert": world.members["expert"].pk, "phase": Phase.T1, **VISIT},
    )
    assert response.status_code == 200 and "辖区内没有该统一社会信用代码的企业" in response.content.decode()
    assert not Assessment.objects.exists()


def test_list_filters_and_export(world: Any) -> None:
    self_assessment(world)
    client = world.client("guangzhou")
    page = client.get(reverse("assessment:list"), {"level": "2"})
    assert world.registered.own.name in page.content.decode()
    empty = client.get(reverse("assessment:list"), {"level": "4"})
    assert "没有符合筛选条件的评测" in empty.content.decode()
    export = exported(client, reverse("assessment:list"))  # a job, then its download
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert export.job.result["rows"] == 1


def test_onsite_assignment_helper(world: Any) -> None:
    onsite = assessment_assign_onsite(
        actor=world.members["guangzhou"].user,
        enterprise=world.registered.own,
        expert=world.members["expert"].user,
        expert_organization=world.orgs["expert"],
        phase=Phase.T1,
    )
    declare(world, onsite)
    page = world.client("expert").get(reverse("assessment:fill_step", args=[onsite.pk, 3]))
    assert page.status_code == 200 and "产品设计" in page.content.decode()
