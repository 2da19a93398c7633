"""Diagnosis invitations over the API, with the same rules and answers as the invitations page (API parity):
the enterprise invites and withdraws, a provider asks by credit code and gets the same answer for any code,
outsiders get 404, a state that no longer allows the step 409."""

# The assessment app's fixtures are imported below, so every test's ``world`` argument "redefines" one.
# ruff: noqa: F811

from __future__ import annotations

from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dengta.assessment.models import DiagnosisInvitation, InvitationState
from dengta.assessment.tests.conftest import (  # noqa: F401  (fixtures)
    frameworks,
    invite,
    registered,
    sized,
    world,
)
from dengta.core.models import Event
from dengta.registry.tests.conftest import member, organization

URL = "/api/v1/diagnosis-invitations/"


def as_(world: Any, who: str) -> APIClient:
    token, _ = Token.objects.get_or_create(user=world.members[who].user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_enterprise_invites_lists_and_withdraws(world: Any) -> None:
    enterprise = as_(world, "enterprise")
    created = enterprise.post(URL, {"provider": world.orgs["provider"].pk}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "active" and body["provider_name"] == "广州数智服务有限公司"
    assert body["invited_by_name"] == "enterprise"  # no name recorded: the username
    # The provider sees it; a rival provider and another jurisdiction do not.
    assert [row["id"] for row in as_(world, "provider").get(URL).json()["results"]] == [body["id"]]
    assert as_(world, "zhejiang").get(f"{URL}{body['id']}/").status_code == 404
    rival = member(organization(name="另一家服务商有限公司", type="provider"), "rival", "admin")
    token, _ = Token.objects.get_or_create(user=rival.user)
    rival_client = APIClient()
    rival_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert rival_client.get(f"{URL}{body['id']}/").status_code == 404
    # The invited provider may not end the enterprise's consent (403 with the rule's reason).
    refused = as_(world, "provider").post(f"{URL}{body['id']}/withdraw/")
    assert refused.status_code == 403 and refused.json()["detail"].startswith("只有企业可以撤回邀请")
    withdrawn = enterprise.post(f"{URL}{body['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    again = enterprise.post(f"{URL}{body['id']}/withdraw/")
    assert again.status_code == 409 and again.json()["detail"] == "此邀请已结束"
    verbs = list(
        Event.objects.filter(target_type="assessment.diagnosisinvitation").values_list("verb", flat=True)
    )
    assert sorted(verbs) == ["invitation.created", "invitation.withdrawn"]


def test_invite_only_a_provider_of_the_province(world: Any) -> None:
    hangzhou = organization(name="杭州数智服务有限公司", type="provider", region=world.regions["330106"])
    response = as_(world, "enterprise").post(URL, {"provider": hangzhou.pk}, format="json")
    assert response.status_code == 404 and not DiagnosisInvitation.objects.exists()
    assert (
        as_(world, "provider").post(URL, {"provider": world.orgs["provider"].pk}, format="json").status_code
        == 404
    )


def test_request_answers_alike_and_the_enterprise_accepts(world: Any) -> None:
    provider = as_(world, "provider")
    known = provider.post(f"{URL}request/", {"enterprise_uscc": world.registered.own.uscc}, format="json")
    unknown = provider.post(f"{URL}request/", {"enterprise_uscc": "91440106MA0000000X"}, format="json")
    assert known.status_code == unknown.status_code == 202 and known.json() == unknown.json()
    bad = provider.post(f"{URL}request/", {"enterprise_uscc": "123"}, format="json")
    assert bad.status_code == 400
    assert (
        as_(world, "enterprise").post(f"{URL}request/", {"enterprise_uscc": "x"}, format="json").status_code
        == 403
    )
    pk = DiagnosisInvitation.objects.get().pk
    assert provider.post(f"{URL}{pk}/accept/").status_code == 403
    accepted = as_(world, "enterprise").post(f"{URL}{pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["state"] == InvitationState.ACTIVE
    assert as_(world, "enterprise").post(f"{URL}{pk}/decline/").status_code == 409


def test_provider_withdraws_its_own_request(world: Any) -> None:
    as_(world, "provider").post(
        f"{URL}request/", {"enterprise_uscc": world.registered.own.uscc}, format="json"
    )
    pk = DiagnosisInvitation.objects.get().pk
    response = as_(world, "provider").post(f"{URL}{pk}/withdraw/")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    invite(world)  # the enterprise may still invite later: a new row
    assert DiagnosisInvitation.objects.filter(state=InvitationState.ACTIVE).count() == 1


def test_anonymous_is_refused(world: Any) -> None:
    assert APIClient().get(URL).status_code == 401


def test_after_withdrawal_the_provider_cannot_answer_or_submit(world: Any) -> None:
    invitation = invite(world)
    provider = as_(world, "provider")
    created = provider.post(
        "/api/v1/assessments/", {"kind": "provider", "enterprise": world.registered.own.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    as_(world, "enterprise").post(f"{URL}{invitation.pk}/withdraw/")
    answers = provider.post(
        f"/api/v1/assessments/{pk}/answers/", {"choices": {"base.equipment.network": "B"}}, format="json"
    )
    assert answers.status_code == 403 and answers.json()["detail"] == "企业已撤回诊断邀请，不能继续填写此诊断"
    submit = provider.post(f"/api/v1/assessments/{pk}/submit/", {"pledge": True}, format="json")
    assert submit.status_code == 403
    detail = provider.get(f"/api/v1/assessments/{pk}/").json()
    assert detail["actions"]["answer"]["allowed"] is False
