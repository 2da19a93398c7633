"""Frameworks and assessments over the API: the assessment services, permission decisions and report data,
with the pages' visibility. Status codes as in dengta/api/assessment/__init__.py.
"""

# The assessment app's fixtures are imported below, so every test's ``world`` argument "redefines" one.
# ruff: noqa: F811

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dengta.api.assessment.serializers import report_data
from dengta.assessment.models import Assessment, Kind, State
from dengta.assessment.report import build_report
from dengta.assessment.scoring.answers import parse_answers
from dengta.assessment.scoring.engine import score
from dengta.assessment.scoring.framework import UNIT
from dengta.assessment.selectors import compiled
from dengta.assessment.services import (
    assessment_assign_onsite,
    assessment_save_answers,
    assessment_start,
    assessment_submit,
)
from dengta.assessment.tests.conftest import (  # noqa: F401  (fixtures)
    LEVEL2_CHOICES,
    frameworks,
    invite,
    registered,
    scenarios_at,
    self_assessment,
    sized,
    world,
)
from dengta.core.models import Event
from dengta.registry.tests.conftest import member, organization, register
from tests.language import assert_one_language

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessments/"


def api(user: Any) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def as_(world: Any, who: str) -> APIClient:
    return api(world.members[who].user)


def answer_all(client: APIClient, pk: int, level: int = 2) -> Any:
    return client.post(
        f"{URL}{pk}/answers/",
        {"choices": LEVEL2_CHOICES, "scenarios": scenarios_at(level)},
        format="json",
    )


def start_self(world: Any) -> int:
    response = as_(world, "enterprise").post(URL, {"kind": "self", "phase": "t0"}, format="json")
    assert response.status_code == 201, response.content
    pk: int = response.json()["id"]
    return pk


# The arrangement every on-site assignment carries: a visit next year and its deadline.
VISIT = {"visit_at": "2027-03-15T09:30:00+08:00", "due_on": "2027-03-31"}


def assign_onsite(world: Any, phase: str = "t1") -> Any:
    return as_(world, "guangzhou").post(
        URL,
        {
            "kind": "onsite",
            "phase": phase,
            "enterprise": world.registered.own.pk,
            "expert": world.members["expert"].user.pk,
            "expert_organization": world.orgs["expert"].pk,
            **VISIT,
        },
        format="json",
    )


# ---------------------------------------------------------------------------------------------- frameworks


def test_frameworks_list_and_miit_structure_with_decimal_strings(world):
    client = as_(world, "enterprise")
    listed = client.get("/api/v1/frameworks/")
    assert listed.status_code == 200
    rows = {row["code"]: row for row in listed.json()["results"]}
    assert set(rows) == {"miit-2024-manufacturing", "miit-2022", "eu-dma-sme"}
    assert "structure" not in rows["miit-2024-manufacturing"]

    miit = client.get("/api/v1/frameworks/miit-2024-manufacturing/").json()
    assert miit["kind"] == "miit2024" and miit["provisional"] is True and len(miit["checksum"]) == 64
    assert miit["versions"] == [
        {"version": miit["version"], "is_current": True, "checksum": miit["checksum"], "provisional": True}
    ]
    structure = miit["structure"]
    assert structure["scored_total"] == "100"
    assert [(d["code"], d["points"]) for d in structure["dimensions"]] == [
        ("base", "50"),
        ("mgmt", "30"),
        ("results", "20"),
    ]
    items = {
        item["code"]: item
        for d in structure["dimensions"]
        for ind in d["indicators"]
        for item in ind["items"]
    }
    assert len(items) == 15
    network = items["base.equipment.network"]
    assert network["type"] == "multi" and network["exclusive_option"] == "A" and network["points"] == "8"
    assert [(o["key"], o["points"]) for o in network["options"]] == [
        ("A", "0"),
        ("B", "2"),
        ("C", "2"),
        ("D", "2"),
        ("E", "2"),
    ]
    collection = items["base.data.collection"]
    assert {o["points"] for o in collection["options"]} >= {"0.7", "0.9"}  # exact, never 0.7000000001
    digitization = items["base.equipment.digitization"]
    assert digitization["derived_from_numbers"] is True
    assert digitization["collected_numbers"] == ["equipment_total", "equipment_digital"]
    assert len(structure["scenarios"]) == 16
    assert sum(s["constrained"] for s in structure["scenarios"]) == 10
    assert all([lv["level"] for lv in s["levels"]] == [1, 2, 3, 4] for s in structure["scenarios"])
    numbers = {n["code"]: n for n in structure["collected_numbers"]}
    assert numbers["equipment_total"]["unit"] == "台" and numbers["equipment_total"]["integer"] is True
    assert numbers["pass_rate"]["max"] == "100" and numbers["revenue_last"]["max"] is None
    rule = structure["level_rule"]
    assert rule["provisional"] is True
    assert rule["levels"][1] == {
        "level": 2,
        "min_points": "40",
        "scenario_level": 2,
        "min_scenarios": 6,
        "min_constrained": 3,
    }
    assert [n["name_zh"] for n in structure["level_names"]] == ["未达等级", "一级", "二级", "三级", "四级"]


def test_band_and_eu_dma_structures_and_unknown_versions(world):
    client = as_(world, "zhejiang")
    bands = client.get("/api/v1/frameworks/miit-2022/").json()
    assert bands["kind"] == "bands"
    assert [(b["level"], b["min"], b["max"]) for b in bands["structure"]["bands"]] == [
        (1, "20", "40"),
        (2, "40", "60"),
        (3, "60", "80"),
        (4, "80", "100"),
    ]
    assert bands["structure"]["bands"][1]["name_zh"] == "二级"
    dma = client.get("/api/v1/frameworks/eu-dma-sme/").json()["structure"]
    assert [d["code"] for d in dma["dimensions"]] == [
        "strategy",
        "readiness",
        "human",
        "data",
        "automation",
        "green",
    ]
    q1 = dma["dimensions"][0]["questions"][0]
    assert q1["type"] == "invested_planned_table"
    assert [(c["code"], c["points"]) for c in q1["columns"]] == [("invested", "1"), ("planned", "0.5")]
    q11 = dma["dimensions"][-1]["questions"][-1]
    assert [s["value"] for s in q11["scale"]] == ["0", "0.5", "1"]
    assert [b["name"] for b in dma["bands"]] == ["Basic", "Average", "Moderately advanced", "Advanced"]

    version = bands["version"]
    assert client.get(f"/api/v1/frameworks/miit-2022/?version={version}").status_code == 200
    assert client.get("/api/v1/frameworks/miit-2022/?version=1999.9").status_code == 404
    assert client.get("/api/v1/frameworks/no-such-framework/").status_code == 404


def test_anonymous_is_refused_everywhere(world):
    own = self_assessment(world)
    anonymous = APIClient()
    for url in ("/api/v1/frameworks/", "/api/v1/frameworks/miit-2022/", URL, f"{URL}{own.pk}/"):
        assert anonymous.get(url).status_code == 401
    assert anonymous.post(URL, {"kind": "self"}, format="json").status_code == 401
    assert anonymous.post(f"{URL}{own.pk}/submit/", {"pledge": True}, format="json").status_code == 401
    assert anonymous.get(f"{URL}{own.pk}/report/").status_code == 401


# ------------------------------------------------------------------------------------- enterprise journey


def test_enterprise_creates_answers_submits_and_reads_report(world):
    client = as_(world, "enterprise")
    pk = start_self(world)
    draft = client.get(f"{URL}{pk}/").json()
    assert draft["state"] == "draft" and draft["kind"] == "self" and draft["phase"] == "t0"
    assert draft["enterprise"] == world.registered.own.pk
    assert draft["framework"] == "miit-2024-manufacturing"
    assert len(draft["missing"]["items"]) == 15 and len(draft["missing"]["scenarios"]) == 16
    assert draft["actions"]["answer"] == {"allowed": True, "reason": "可以填写"}
    assert draft["actions"]["sign_off"]["allowed"] is False

    saved = answer_all(client, pk)
    assert saved.status_code == 200, saved.content
    body_ = saved.json()
    assert body_["problems"] == []
    assert body_["missing"] == {"items": [], "scenarios": []}
    assert body_["answers"]["choices"]["base.equipment.network"] == ["B", "C"]
    assert body_["answers"]["scenarios"]["product_design"] == 2

    no_pledge = client.post(f"{URL}{pk}/submit/", {}, format="json")
    assert no_pledge.status_code == 400
    message = no_pledge.json()["pledge"][0]
    assert "真实性承诺" in message and "authenticity pledge" not in message
    english = client.post(f"{URL}{pk}/submit/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert "authenticity pledge" in english.json()["pledge"][0]
    assert english.headers["Content-Language"] == "en"
    assert Assessment.objects.get(pk=pk).state == State.DRAFT

    submitted = client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json")
    assert submitted.status_code == 200, submitted.content
    result = submitted.json()
    assert result["state"] == "scored"
    assert result["total"] == "46.925"  # LEVEL2_CHOICES: base 23.8 + mgmt 14.625 + results 8.5
    assert (result["points_base"], result["points_mgmt"], result["points_results"]) == (
        "23.8",
        "14.625",
        "8.5",
    )
    assert result["level"] == 2 and result["level_name"] == "二级"
    assert result["pledged_at"] and result["submitted_at"] and result["scored_at"]
    assert result["missing"] is None
    verbs = set(Event.objects.filter(target_id=str(pk)).values_list("verb", flat=True))
    assert {"assessment.created", "assessment.submitted", "assessment.scored"} <= verbs

    report = client.get(f"{URL}{pk}/report/")
    assert report.status_code == 200, report.content
    data = report.json()
    assert data["assessment"]["id"] == pk
    assert (data["level"], data["level_name"], data["total"], data["max_total"]) == (
        2,
        "二级",
        "46.925",
        "100",
    )
    assert data["level_meaning"]
    assert [(d["code"], d["points"], d["max"], d["pct"]) for d in data["dimensions"]] == [
        ("base", "23.8", "50", "47.6"),
        ("mgmt", "14.625", "30", "48.75"),
        ("results", "8.5", "20", "42.5"),
    ]
    assert len(data["items"]) == 15
    network = next(row for row in data["items"] if row["code"] == "base.equipment.network")
    assert network["points"] == "4" and network["max_points"] == "8"
    assert [o["key"] for o in network["options"] if o["chosen"]] == ["B", "C"]
    assert data["scenario_levels"] == scenarios_at(2)
    assert sum(len(g["scenarios"]) for g in data["scenario_groups"]) == 16
    assert data["counts"]["at_least"]["2"] == 6
    assert [g["level"] for g in data["gaps"]] == [3, 4]
    gap3 = data["gaps"][0]
    assert gap3["points_short"] == "13.075" and gap3["level_name"] == "三级"
    assert data["plan"]["target_level"] == 2 and data["plan"]["already"] is True
    assert data["plan"]["steps"] == []
    assert data["baseline"] is None and data["deltas"] == []
    assert [h["id"] for h in data["history"]] == [pk]
    assert {p["label"] for p in data["peers"]} >= {"广州市"}
    assert all(p["count"] >= 0 and p["enough"] is False and p["total"] is None for p in data["peers"])
    # The API keeps the framework's code, and gives people's name and the issue beside it.
    assert data["framework"] == "miit-2024-manufacturing@2024.1"
    assert data["framework_title"] == "中小企业数字化水平评测指标（2024年版）制造业 2024.1"
    issue = Assessment.objects.get(pk=pk).issue
    assert data["issue"]["number"] == issue.number and data["issue"]["digest"] == issue.digest
    assert data["issue"]["issuer"] == issue.issuer and data["issue"]["superseded_by"] is None
    assert data["issue"]["issued_on"] == issue.issued_on.isoformat()
    assert data["issue"]["verification_url"].endswith(f"/v/{issue.token}/")


def test_level_one_report_has_a_plan_with_decimal_gains(world):
    client = as_(world, "enterprise")
    pk = start_self(world)
    answer_all(client, pk, level=1)
    assert client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json").json()["level"] == 1
    data = client.get(f"{URL}{pk}/report/").json()
    assert data["decided_by"] == "scenarios" and data["level_by_points"] == 2
    plan = data["plan"]
    assert plan["target_level"] == 2 and plan["reachable"] is True and plan["already"] is False
    assert plan["steps"] and all(s["kind"] == "scenario" for s in plan["steps"])
    assert all(isinstance(s["points_gain"], str) for s in plan["steps"])
    gap2 = next(g for g in data["gaps"] if g["level"] == 2)
    assert gap2["points_short"] == "0" and gap2["scenarios_short"] == 6


def test_bad_input_is_400_with_bilingual_problems_and_valid_parts_saved(world):
    client = as_(world, "enterprise")
    pk = start_self(world)
    response = client.patch(
        f"{URL}{pk}/answers/",
        {
            "choices": {
                "no.such.item": "A",
                "base.equipment.network": "A;B",  # 无 combined with an option
                "base.systems.coverage": "B;C",  # single choice, two answers
                "base.security.network": "B",  # valid
            },
            "scenarios": {"product_design": 5, "marketing": "3"},
            "numbers": {"equipment_total": "-4", "digital_investment": "120.5"},
        },
        format="json",
    )
    assert response.status_code == 400
    data = response.json()
    codes = {p["code"] for p in data["problems"]}
    assert codes == {"unknown_item", "exclusive_option", "single_choice", "scenario_level", "number_negative"}
    messages = {p["code"]: p["message"] for p in data["problems"]}
    assert "no.such.item" in messages["unknown_item"] and "未知的评测项" in messages["unknown_item"]
    assert "无" in messages["exclusive_option"] and "不能再选其他选项" in messages["exclusive_option"]
    assert "单选题" in messages["single_choice"] and "只能选一个选项" in messages["single_choice"]
    assert "0–4" in messages["scenario_level"] and "5" in messages["scenario_level"]
    assert "负数" in messages["number_negative"]
    for message in messages.values():
        assert_one_language(message)
    # The valid parts are saved, and reported back as saved.
    assert data["answers"] == {
        "choices": {"base.security.network": ["B"]},
        "scenarios": {"marketing": 3},
        "numbers": {"digital_investment": "120.5"},
    }
    stored = Assessment.objects.get(pk=pk).answers
    assert stored == data["answers"]

    # Numbers impossible together (more networked devices than devices): 400, the earlier numbers stay.
    assert (
        client.patch(
            f"{URL}{pk}/answers/", {"numbers": {"equipment_total": "100"}}, format="json"
        ).status_code
        == 200
    )
    more = client.patch(
        f"{URL}{pk}/answers/",
        {"numbers": {"equipment_networked": "150"}, "choices": {"base.security.data": "B"}},
        format="json",
    )
    assert more.status_code == 400
    problem = more.json()["problems"][0]
    assert problem["code"] == "number_exceeds_total" and "不能多于" in problem["message"]
    stored = Assessment.objects.get(pk=pk).answers
    assert stored["numbers"] == {"digital_investment": "120.5", "equipment_total": "100"}
    assert stored["choices"]["base.security.data"] == ["B"]

    # A wrong shape is DRF's own 400, and nothing is written.
    before = Assessment.objects.get(pk=pk).updated_at
    assert client.patch(f"{URL}{pk}/answers/", {"choices": ["A"]}, format="json").status_code == 400
    assert Assessment.objects.get(pk=pk).updated_at == before


def test_submit_twice_is_409_and_changes_nothing(world):
    client = as_(world, "enterprise")
    pk = start_self(world)
    answer_all(client, pk)
    assert client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json").status_code == 200
    first = Assessment.objects.get(pk=pk)
    again = client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json")
    assert again.status_code == 409
    # The Decision's reason (dengta.assessment.permissions.can_submit), as the page shows it.
    assert again.json()["detail"] == "评测已提交，不能再修改；如需更正，请新建更正评测"
    after = Assessment.objects.get(pk=pk)
    assert (after.state, after.submitted_at, after.scored_at, after.updated_at) == (
        first.state,
        first.submitted_at,
        first.scored_at,
        first.updated_at,
    )
    assert Event.objects.filter(target_id=str(pk), verb="assessment.submitted").count() == 1


def test_submit_with_unanswered_questions_is_400(world):
    client = as_(world, "enterprise")
    pk = start_self(world)
    client.post(f"{URL}{pk}/answers/", {"choices": {"base.security.data": "B"}}, format="json")
    response = client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("还有 30 题未作答：")
    english = client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    message = english.json()["non_field_errors"][0]
    assert english.status_code == 400 and "30" in message
    assert_one_language(message, language="en")  # the questions named in English too
    assert Assessment.objects.get(pk=pk).state == State.DRAFT


def test_editing_after_submit_is_400_and_never_changes_the_row(world):
    scored = self_assessment(world)
    before = Assessment.objects.get(pk=scored.pk)
    client = as_(world, "enterprise")
    for method in (client.post, client.patch):
        response = method(
            f"{URL}{scored.pk}/answers/",
            {"choices": {"base.equipment.network": "E"}, "scenarios": {"product_design": 4}},
            format="json",
        )
        assert response.status_code == 400
        detail = response.json()["detail"]
        assert "评测已提交" in detail and "不能再修改" in detail
    after = Assessment.objects.get(pk=scored.pk)
    assert (after.answers, after.result, after.total, after.updated_at) == (
        before.answers,
        before.result,
        before.total,
        before.updated_at,
    )


def test_report_before_scoring_is_409(world):
    pk = start_self(world)
    response = as_(world, "enterprise").get(f"{URL}{pk}/report/")
    assert response.status_code == 409
    assert "草稿" in response.json()["detail"]


# ----------------------------------------------------------------------------------------------- visibility


def test_other_enterprise_and_outside_authorities_get_404(world):
    own = self_assessment(world)
    other = member(world.registered.tianhe.organization, "tianhe-admin", role="admin")
    outsider = api(other.user)
    assert outsider.get(f"{URL}{own.pk}/").status_code == 404
    assert outsider.get(f"{URL}{own.pk}/report/").status_code == 404
    assert outsider.post(f"{URL}{own.pk}/answers/", {"choices": {}}, format="json").status_code == 404
    assert outsider.get(URL).json()["results"] == []
    for who in ("zhejiang", "shenzhen", "xinjiang", "provider", "expert"):
        client = as_(world, who)
        assert client.get(f"{URL}{own.pk}/").status_code == 404, who
        assert client.get(f"{URL}{own.pk}/report/").status_code == 404, who
        assert own.pk not in {row["id"] for row in client.get(URL).json()["results"]}, who
    for who in ("guangzhou", "guangdong", "ministry", "oversight"):
        client = as_(world, who)
        assert client.get(f"{URL}{own.pk}/").status_code == 200, who
        assert client.get(f"{URL}{own.pk}/report/").status_code == 200, who
        assert own.pk in {row["id"] for row in client.get(URL).json()["results"]}, who


def test_insiders_without_the_right_get_403_with_the_reason(world):
    pk = start_self(world)
    # An enterprise's draft is its own unfinished work: staff do not see it until it is submitted.
    hidden = as_(world, "guangzhou").post(
        f"{URL}{pk}/answers/", {"choices": {"base.security.data": "B"}}, format="json"
    )
    assert hidden.status_code == 404
    assert Assessment.objects.get(pk=pk).answers == {}
    assert (
        as_(world, "oversight").post(f"{URL}{pk}/submit/", {"pledge": True}, format="json").status_code == 404
    )
    # An on-site draft is the authority's own arrangement: it sees it, but only the expert fills it in.
    onsite = assessment_assign_onsite(
        actor=world.members["guangzhou"].user,
        enterprise=world.registered.own,
        expert=world.members["expert"].user,
        expert_organization=world.orgs["expert"],
        phase="t1",
    )
    refused = as_(world, "guangzhou").post(
        f"{URL}{onsite.pk}/answers/", {"choices": {"base.security.data": "B"}}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只有填报方可以填写此评测"
    assert Assessment.objects.get(pk=onsite.pk).answers == {}
    onsite.delete()

    reader = member(world.orgs["enterprise"], "enterprise-reader", role="viewer")
    read_only = api(reader.user)
    assert read_only.get(f"{URL}{pk}/").status_code == 200
    start = read_only.post(URL, {"kind": "self"}, format="json")
    assert start.status_code == 403 and start.json()["detail"] == "只读角色不能填报"
    # An authority may not fill in a self-assessment, even for an enterprise in its jurisdiction.
    own = world.registered.own.pk
    by_city = as_(world, "guangzhou").post(URL, {"kind": "self", "enterprise": own}, format="json")
    assert by_city.status_code == 403 and by_city.json()["detail"] == "企业自评只能由本企业填报"
    assert as_(world, "enterprise").post(URL, {"kind": "provider"}, format="json").status_code == 403
    assert as_(world, "provider").post(URL, {"kind": "onsite"}, format="json").status_code == 403
    historical = as_(world, "enterprise").post(URL, {"kind": "historical"}, format="json")
    assert historical.status_code == 400 and "kind" in historical.json()
    assert Assessment.objects.count() == 1


def test_list_filters(world):
    t0 = self_assessment(world)
    draft = start_self(world)
    client = as_(world, "enterprise")  # staff would not see the draft

    def ids(query: str) -> set[int]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {t0.pk, draft}
    assert ids("state=draft") == {draft}
    assert ids("state=scored&level=2") == {t0.pk}
    assert ids("level=3") == set()
    assert ids("kind=self&phase=t0") == {t0.pk, draft}
    assert ids("kind=onsite") == set()
    assert ids(f"enterprise={world.registered.own.pk}") == {t0.pk, draft}
    assert ids(f"enterprise={world.registered.tianhe.pk}") == set()
    assert ids("state=") == {t0.pk, draft}
    assert client.get(f"{URL}?level=x").status_code == 400
    assert client.get(f"{URL}?state=bogus").status_code == 400
    row = client.get(f"{URL}?state=scored").json()["results"][0]
    assert (row["total"], row["level_name"], row["enterprise_name"]) == (
        "46.925",
        "二级",
        "天河精密零部件有限公司",
    )


# --------------------------------------------------------------------------------------- on-site and expert


def test_onsite_expert_declares_before_answering_and_signs_off(world):
    t0 = self_assessment(world, level=1)
    created = assign_onsite(world)
    assert created.status_code == 201, created.content
    onsite = created.json()
    pk = onsite["id"]
    assert (onsite["kind"], onsite["phase"], onsite["state"]) == ("onsite", "t1", "draft")
    assert onsite["assessor"] == world.members["expert"].user.pk
    assert onsite["author_organization"] == world.orgs["expert"].pk

    expert = as_(world, "expert")
    # Its assignment, and the enterprise's final T0 it assesses against.
    assert {row["id"] for row in expert.get(URL).json()["results"]} == {pk, t0.pk}
    assert expert.get(f"{URL}{t0.pk}/").status_code == 200
    colleague = member(world.orgs["expert"], "another-expert")
    assert api(colleague.user).get(f"{URL}{pk}/").status_code == 404
    assert api(colleague.user).get(f"{URL}{t0.pk}/").status_code == 404  # not assigned to this enterprise
    enterprise = as_(world, "enterprise")
    assert enterprise.get(f"{URL}{pk}/").status_code == 404  # not the enterprise's until scored

    early = answer_all(expert, pk, level=3)
    assert early.status_code == 403 and early.json()["detail"] == "请先声明无利益冲突"
    assert Assessment.objects.get(pk=pk).answers == {}
    assert as_(world, "guangzhou").post(f"{URL}{pk}/declare-coi/").status_code == 403

    declared = expert.post(f"{URL}{pk}/declare-coi/")
    assert declared.status_code == 200 and declared.json()["coi_declared_at"]
    again = expert.post(f"{URL}{pk}/declare-coi/")
    assert again.status_code == 200 and again.json()["coi_declared_at"] == declared.json()["coi_declared_at"]
    assert Event.objects.filter(target_id=str(pk), verb="assessment.coi_declared").count() == 1

    assert answer_all(expert, pk, level=3).status_code == 200
    early_sign = expert.post(f"{URL}{pk}/sign-off/")
    assert early_sign.status_code == 409
    scored = expert.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json")
    assert scored.status_code == 200 and scored.json()["state"] == "scored"
    assert enterprise.get(f"{URL}{pk}/").status_code == 200
    assert enterprise.post(f"{URL}{pk}/sign-off/").status_code == 403

    signed = expert.post(f"{URL}{pk}/sign-off/")
    assert signed.status_code == 200 and signed.json()["state"] == "signed_off"
    assert expert.post(f"{URL}{pk}/sign-off/").status_code == 409

    report = enterprise.get(f"{URL}{pk}/report/").json()
    assert report["baseline"]["id"] == t0.pk and report["baseline"]["phase"] == "t0"
    deltas = {d["key"]: d for d in report["deltas"]}
    assert (deltas["level"]["before"], deltas["level"]["after"], deltas["level"]["change"]) == ("1", "2", "1")
    assert deltas["total"]["change"] == "0"
    assert (
        deltas["scenario:product_design"]["before"] == "1"
        and deltas["scenario:product_design"]["after"] == "3"
    )
    assert [h["id"] for h in report["history"]] == [t0.pk, pk]


def test_onsite_assignment_checks_jurisdiction_and_expert(world):
    outside = as_(world, "zhejiang").post(
        URL,
        {
            "kind": "onsite",
            "enterprise": world.registered.own.pk,
            "expert": world.members["expert"].user.pk,
            "expert_organization": world.orgs["expert"].pk,
            **VISIT,
        },
        format="json",
    )
    assert outside.status_code == 400 and "enterprise" in outside.json()  # as if it did not exist
    not_an_expert = as_(world, "guangzhou").post(
        URL,
        {
            "kind": "onsite",
            "enterprise": world.registered.own.pk,
            "expert": world.members["provider"].user.pk,
            "expert_organization": world.orgs["expert"].pk,
            **VISIT,
        },
        format="json",
    )
    assert not_an_expert.status_code == 400 and "expert" in not_an_expert.json()
    missing = as_(world, "guangzhou").post(URL, {"kind": "onsite"}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"enterprise", "expert", "expert_organization", "visit_at", "due_on"}
    assert Assessment.objects.count() == 0


# ------------------------------------------------------------------------------------------------ provider


def test_provider_sees_only_its_own_diagnoses(world):
    own = world.registered.own
    t0 = self_assessment(world)
    provider = as_(world, "provider")
    typed = " " + own.uscc.lower() + " "
    # Before the enterprise invites the provider, its diagnosis is refused as if the enterprise did not exist.
    before = provider.post(URL, {"kind": "provider", "enterprise_uscc": typed}, format="json")
    assert before.status_code == 404
    invite(world, own)
    created = provider.post(URL, {"kind": "provider", "enterprise_uscc": typed}, format="json")
    assert created.status_code == 201, created.content
    diagnosis = created.json()
    assert diagnosis["enterprise"] == own.pk and diagnosis["author_organization"] == world.orgs["provider"].pk
    assert answer_all(provider, diagnosis["id"]).status_code == 200

    assert {row["id"] for row in provider.get(URL).json()["results"]} == {diagnosis["id"]}
    assert provider.get(f"{URL}{t0.pk}/").status_code == 404
    # The enterprise sees the diagnosis of itself, but may not fill it in.
    enterprise = as_(world, "enterprise")
    assert enterprise.get(f"{URL}{diagnosis['id']}/").status_code == 200
    assert answer_all(enterprise, diagnosis["id"]).status_code == 403

    rival_org = organization(name="另一家服务商有限公司", type="provider", region=world.regions["440106"])
    rival = api(member(rival_org, "rival-admin", role="admin").user)
    assert rival.get(f"{URL}{diagnosis['id']}/").status_code == 404
    assert rival.get(URL).json()["results"] == []

    # Unknown, registered but not inviting, by code or by id: the same 404 with the same body.
    unknown = provider.post(URL, {"kind": "provider", "enterprise_uscc": "91440106MA0000000X"}, format="json")
    uninvited = provider.post(
        URL, {"kind": "provider", "enterprise_uscc": world.registered.tianhe.uscc}, format="json"
    )
    by_id = provider.post(URL, {"kind": "provider", "enterprise": world.registered.tianhe.pk}, format="json")
    assert unknown.status_code == uninvited.status_code == by_id.status_code == 404
    assert unknown.json() == uninvited.json() == by_id.json()
    assert Assessment.objects.filter(kind=Kind.PROVIDER).count() == 1


# -------------------------------------------------------------------------------------------- corrections


def test_correction_is_a_new_draft_once(world):
    scored = self_assessment(world)
    client = as_(world, "enterprise")
    created = client.post(f"{URL}{scored.pk}/correct/")
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["state"] == "draft" and draft["corrects"] == scored.pk and draft["id"] != scored.pk
    assert draft["answers"] == client.get(f"{URL}{scored.pk}/").json()["answers"]
    assert client.get(f"{URL}{scored.pk}/").json()["corrections"] == [draft["id"]]
    again = client.post(f"{URL}{scored.pk}/correct/")
    assert again.status_code == 409 and again.json()["detail"] == "此评测已有更正"
    assert client.post(f"{URL}{draft['id']}/correct/").status_code == 409  # a draft has nothing to correct
    assert as_(world, "guangzhou").post(f"{URL}{scored.pk}/correct/").status_code in (403, 409)
    assert Assessment.objects.get(pk=scored.pk).state == State.SCORED


# ---------------------------------------------------------------------------------------------------- parity


def test_api_score_and_report_equal_the_services(world):
    by_services = self_assessment(world)
    pk = start_self(world)
    client = as_(world, "enterprise")
    answer_all(client, pk)
    via_api = client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json").json()
    by_services.refresh_from_db()
    stored = Assessment.objects.get(pk=pk)
    assert stored.result == by_services.result
    assert (stored.total, stored.level) == (by_services.total, by_services.level)
    assert Decimal(via_api["total"]) == by_services.total
    assert via_api["level"] == by_services.level

    fw = compiled(by_services)
    engine = score(fw, parse_answers(fw, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2)).answers)
    assert Decimal(via_api["total"]) == Decimal(engine.total) / UNIT
    assert Decimal(via_api["points_mgmt"]) == Decimal(engine.dimension_points["mgmt"]) / UNIT

    api_report = client.get(f"{URL}{by_services.pk}/report/").json()
    with translation.override("zh-hans"):
        direct = report_data(build_report(by_services, world.viewer("enterprise")))
    assert api_report == direct


def test_peer_medians_appear_with_five_peers(world):
    self_assessment(world)
    peers = [world.registered.tianhe] + [register(world, "440106", 10 + n) for n in range(3)]
    for n, enterprise in enumerate(peers):
        a = assessment_start(
            actor=world.members["ministry"].user,
            enterprise=enterprise,
            kind=Kind.SELF,
            author_organization=enterprise.organization,
        )
        choices = dict(LEVEL2_CHOICES, **({"results.market.value": "C"} if n % 2 else {}))
        assessment_save_answers(
            actor=world.members["ministry"].user, assessment=a, choices=choices, scenarios=scenarios_at(2)
        )
        assessment_submit(actor=world.members["ministry"].user, assessment=a, pledge=True)
    own = Assessment.objects.filter(enterprise=world.registered.own).get()
    report = as_(world, "enterprise").get(f"{URL}{own.pk}/report/").json()
    city = next(p for p in report["peers"] if p["label"] == "广州市")
    assert city["count"] == 5 and city["enough"] is True
    assert city["total"] == "46.925" and city["level"] == "2"
    assert city["dimensions"] == {"base": "23.8", "mgmt": "14.625", "results": "8.5"}


# ---------------------------------------------------------------------------------------------------- schema


def test_schema_documents_the_endpoints_without_warnings(world, tmp_path: Path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/frameworks/{code}/",
        "/api/v1/assessments/{id}/answers/",
        "/api/v1/assessments/{id}/declare-coi/",
        "/api/v1/assessments/{id}/submit/",
        "/api/v1/assessments/{id}/sign-off/",
        "/api/v1/assessments/{id}/correct/",
        "/api/v1/assessments/{id}/report/",
    ):
        assert path in text, path
    assert "FrameworkStructure" in text and "the authenticity pledge" in text
    assert world.client("ministry").get("/api/schema/").status_code == 200
