"""The EU DMA over the API: a draft created with "framework": "eu-dma-sme", answered under "dma", submitted
with the pledge and read back as its report (DOMAIN.md 9.1; status codes as in dengta/api/assessment)."""

# The assessment app's fixtures are imported below, so every test's ``world`` argument "redefines" one.
# ruff: noqa: F811

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dengta.assessment.models import Assessment, Kind, State
from dengta.assessment.scoring.eu_dma import parse_dma, rounded, score_dma
from dengta.assessment.tests.conftest import (  # noqa: F401  (fixtures)
    frameworks,
    invite,
    registered,
    self_assessment,
    sized,
    world,
)
from dengta.assessment.tests.test_dma import dma_fw, full_answers

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessments/"


def as_(world: Any, who: str) -> APIClient:
    token, _ = Token.objects.get_or_create(user=world.members[who].user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def start(world: Any) -> int:
    response = as_(world, "enterprise").post(
        URL, {"kind": "self", "phase": "t0", "framework": "eu-dma-sme"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["framework"] == "eu-dma-sme" and body["answers"]["dma"] == {}
    assert len(body["missing"]["questions"]) == 34  # 7 checkbox questions + 27 table rows
    pk: int = body["id"]
    return pk


def test_enterprise_creates_answers_submits_and_reads_the_report(world: Any) -> None:
    miit = self_assessment(world)
    client = as_(world, "enterprise")
    pk = start(world)
    answers = full_answers(dma_fw())
    saved = client.post(f"{URL}{pk}/answers/", {"dma": answers, "step": 3}, format="json")
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["problems"] == [] and body["missing"]["questions"] == []
    assert body["answers"]["dma"]["q3"] == [] and body["answers"]["dma"]["q11.equipment_recycling_reuse"]
    detail = client.get(f"{URL}{pk}/").json()
    assert detail["current_step"] == 3 and detail["actions"]["submit"]["allowed"] is True
    assert client.get(f"{URL}{pk}/report/").status_code == 409
    done = client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json")
    assert done.status_code == 200, done.content
    fw = dma_fw()
    expected = score_dma(fw, parse_dma(fw, answers)[0])
    assert done.json()["state"] == "scored"
    assert done.json()["total"] == str(rounded(expected.overall)).rstrip("0").rstrip(".")
    assert done.json()["level_name"] == expected.band.name_zh
    report = client.get(f"{URL}{pk}/report/")
    assert report.status_code == 200
    data = report.json()
    assert data["overall"] == done.json()["total"] and data["band"] == expected.band.name
    assert [d["code"] for d in data["dimensions"]] == [d.code for d in fw.dimensions]
    assert {q["code"]: q["score"] for q in data["questions"]}["q1"] == "6.5"
    assert data["miit"]["id"] == miit.pk and data["miit"]["level"] == 2
    assert client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json").status_code == 409
    changed = client.post(f"{URL}{pk}/answers/", {"dma": {"q3": ["website"]}}, format="json")
    assert changed.status_code == 400
    assert Assessment.objects.get(pk=pk).answers["dma"]["q3"] == []


def test_bad_dma_answers_are_refused_one_by_one(world: Any) -> None:
    client = as_(world, "enterprise")
    pk = start(world)
    response = client.post(
        f"{URL}{pk}/answers/",
        {
            "dma": {
                "q99": ["x"],
                "q2": ["needs_identified"],
                "q4.cad_cam": 6,
                "q7": "not_collected_digitally;stored_digitally",
                "q1.nowhere": ["invested"],
            }
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert sorted(p["code"] for p in body["problems"]) == [
        "exclusive_option",
        "scale_value",
        "unknown_question",
        "unknown_row",
    ]
    assert all(p["message"] and "（" not in p["message"] for p in body["problems"])  # one language
    assert body["answers"]["dma"] == {"q2": ["needs_identified"]}
    incomplete = client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json")
    assert incomplete.status_code == 400 and "未作答" in str(incomplete.json())
    assert Assessment.objects.get(pk=pk).state == State.DRAFT


def test_miit_and_dma_answers_do_not_mix(world: Any) -> None:
    client = as_(world, "enterprise")
    pk = start(world)
    wrong = client.post(f"{URL}{pk}/answers/", {"choices": {"base.systems.coverage": "C"}}, format="json")
    assert wrong.status_code == 400 and "dma" in wrong.json()["detail"]
    miit = client.post(URL, {"kind": "self"}, format="json").json()
    assert miit["framework"] == "miit-2024-manufacturing" and "dma" not in miit["answers"]
    refused = client.post(f"{URL}{miit['id']}/answers/", {"dma": {"q3": []}}, format="json")
    assert refused.status_code == 400 and "dma" in refused.json()["detail"]


def test_framework_choice_is_checked(world: Any) -> None:
    client = as_(world, "enterprise")
    for code in ("miit-2022", "no-such-framework"):
        response = client.post(URL, {"kind": "self", "framework": code}, format="json")
        assert response.status_code == 400 and "framework" in response.json()
    onsite = as_(world, "guangzhou").post(
        URL,
        {
            "kind": "onsite",
            "enterprise": world.registered.own.pk,
            "expert": world.members["expert"].user.pk,
            "expert_organization": world.orgs["expert"].pk,
            "visit_at": "2027-03-15T09:30:00+08:00",
            "due_on": "2027-03-31",
            "framework": "eu-dma-sme",
        },
        format="json",
    )
    assert onsite.status_code == 400 and "framework" in onsite.json()
    invite(world)
    provider = as_(world, "provider").post(
        URL,
        {"kind": "provider", "enterprise_uscc": world.registered.own.uscc, "framework": "eu-dma-sme"},
        format="json",
    )
    assert provider.status_code == 201 and provider.json()["kind"] == Kind.PROVIDER


@pytest.mark.parametrize("who", ["zhejiang", "shenzhen", "provider", "expert"])
def test_outsiders_get_404(world: Any, who: str) -> None:
    pk = start(world)
    client = as_(world, who)
    assert client.get(f"{URL}{pk}/").status_code == 404
    assert client.post(f"{URL}{pk}/answers/", {"dma": {"q3": []}}, format="json").status_code == 404
