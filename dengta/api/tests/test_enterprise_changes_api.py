"""API parity for enterprise changes: the enterprise's own PATCH becomes a pending change (202), an
authority's PATCH applies (200), the authority confirms or rejects under /api/v1/enterprise-changes/ —
same services, same Decisions and the same 404 for outsiders as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dengta.core.models import Event
from dengta.reference.loaders import load_dataset
from dengta.registry.models import ChangeState, Enterprise, EnterpriseChange
from dengta.registry.services import enterprise_register

pytestmark = pytest.mark.django_db


def code_for(region6: str, body9: str) -> str:
    from stdnum.cn import uscc

    first17 = "91" + region6 + body9
    return first17 + uscc.calc_check_digit(first17)


def client_for(user: Any) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def own(cast: Any) -> Enterprise:
    """The cast's enterprise organisation's profile: 80 staff, 3,500 万元 — small and 规上."""
    load_dataset("size_standard")
    enterprise = enterprise_register(
        actor=cast.members["guangzhou"].user,
        uscc=code_for("440106", "MA5ABCDE7"),
        name="登记用名称",
        region=cast.regions["440106"],
        industry=cast.industries["C3670"],
        employees=80,
        revenue_10k_yuan="3500",
        assets_10k_yuan="2000",
    )
    # Attach the profile to the cast's enterprise organisation (its member is the enterprise's admin).
    Enterprise.objects.filter(pk=enterprise.pk).update(organization=cast.orgs["enterprise"])
    old_org = enterprise.organization
    enterprise.refresh_from_db()
    old_org.delete()
    return enterprise


def url(enterprise: Enterprise) -> str:
    return f"/api/v1/enterprises/{enterprise.pk}/"


def change_url(change_id: int, step: str = "") -> str:
    return f"/api/v1/enterprise-changes/{change_id}/" + (f"{step}/" if step else "")


def shrink(cast: Any, own: Enterprise) -> dict[str, Any]:
    response = client_for(cast.members["enterprise"].user).patch(
        url(own), {"employees": "15", "revenue_10k_yuan": "1500", "address": "天河路1号"}, format="json"
    )
    assert response.status_code == 202, response.content
    return response.json()


def test_the_enterprises_patch_is_a_pending_change_that_does_not_alter_eligibility(
    cast: Any, own: Enterprise
) -> None:
    body = shrink(cast, own)
    assert body["enterprise"]["size_class"] == "small" and body["enterprise"]["is_above_designated_size"]
    assert body["enterprise"]["address"] == "天河路1号"  # not classification-relevant: applies at once
    pending = body["pending_change"]
    assert pending["state"] == "pending"
    assert pending["proposed"] == {"employees": 15, "revenue_yuan": "15000000.00"}
    assert (pending["proposed_size_class"], pending["proposed_is_above_designated_size"]) == ("micro", False)
    ministry = client_for(cast.members["ministry"].user)
    assert ministry.get(url(own)).json()["employees"] == 80
    above = {row["id"] for row in ministry.get("/api/v1/enterprises/?above=1").json()["results"]}
    assert own.pk in above
    assert own.pk not in {
        row["id"] for row in ministry.get("/api/v1/enterprises/?size_class=micro").json()["results"]
    }

    confirmed = client_for(cast.members["guangzhou"].user).post(change_url(pending["id"], "confirm"))
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    assert confirmed.json()["decided_by"] == "guangzhou"
    after = ministry.get(url(own)).json()
    assert (after["employees"], after["size_class"], after["is_above_designated_size"]) == (
        15,
        "micro",
        False,
    )
    assert own.pk in {
        row["id"] for row in ministry.get("/api/v1/enterprises/?size_class=micro").json()["results"]
    }
    assert Event.objects.filter(verb="enterprise_change.confirmed", target_id=str(pending["id"])).exists()


def test_an_authoritys_patch_applies_at_once(cast: Any, own: Enterprise) -> None:
    response = client_for(cast.members["guangzhou"].user).patch(
        url(own), {"employees": "15", "revenue_10k_yuan": "1500"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["size_class"] == "micro" and not response.json()["is_above_designated_size"]
    assert not EnterpriseChange.objects.exists()
    event = Event.objects.get(verb="enterprise.updated", target_id=str(own.pk))
    assert event.payload["changes"]["employees"] == [80, 15]


def test_implausible_figures_answer_400_with_the_warnings_until_checked(cast: Any, own: Enterprise) -> None:
    client = client_for(cast.members["enterprise"].user)
    figures = {"employees": "100000", "revenue_10k_yuan": "0.000001"}
    refused = client.patch(url(own), figures, format="json")
    assert refused.status_code == 400
    codes = {w["code"] for w in refused.json()["warnings"]}
    assert codes == {"employees_beyond_sme", "revenue_per_employee_low", "employees_jump", "revenue_jump"}
    assert "figures_checked" in refused.json()
    assert not EnterpriseChange.objects.exists()
    accepted = client.patch(url(own), {**figures, "figures_checked": True}, format="json")
    assert accepted.status_code == 202
    warnings = accepted.json()["pending_change"]["warnings"]
    assert {w["code"] for w in warnings} == codes and all(w["message"] for w in warnings)


def test_reject_needs_a_reason(cast: Any, own: Enterprise) -> None:
    pending = shrink(cast, own)["pending_change"]
    client = client_for(cast.members["guangdong"].user)
    assert client.post(change_url(pending["id"], "reject"), {"reason": ""}, format="json").status_code == 400
    assert client.post(change_url(pending["id"], "reject"), {}, format="json").status_code == 400
    done = client.post(change_url(pending["id"], "reject"), {"reason": "请提供年报"}, format="json")
    assert done.status_code == 200 and done.json()["reason"] == "请提供年报"
    assert client.post(change_url(pending["id"], "confirm")).status_code == 409
    own.refresh_from_db()
    assert own.employees == 80 and own.size_class == "small"


@pytest.mark.parametrize("who", ["zhejiang", "shenzhen", "provider", "expert"])
def test_outsiders_get_404(cast: Any, own: Enterprise, who: str) -> None:
    pending = shrink(cast, own)["pending_change"]
    client = client_for(cast.members[who].user)
    assert client.get(change_url(pending["id"])).status_code == 404
    assert client.post(change_url(pending["id"], "confirm")).status_code == 404
    assert EnterpriseChange.objects.get(pk=pending["id"]).state == ChangeState.PENDING


def test_insiders_who_may_not_decide_get_403(cast: Any, own: Enterprise) -> None:
    pending = shrink(cast, own)["pending_change"]
    for who in ("oversight", "enterprise"):
        client = client_for(cast.members[who].user)
        assert client.get(change_url(pending["id"])).status_code == 200
        assert client.post(change_url(pending["id"], "confirm")).status_code == 403
    assert EnterpriseChange.objects.get(pk=pending["id"]).state == ChangeState.PENDING


def test_the_queue_lists_pending_changes_in_the_jurisdiction(cast: Any, own: Enterprise) -> None:
    pending = shrink(cast, own)["pending_change"]
    rows = client_for(cast.members["guangzhou"].user).get("/api/v1/enterprise-changes/").json()["results"]
    assert [r["id"] for r in rows] == [pending["id"]]
    assert not client_for(cast.members["zhejiang"].user).get("/api/v1/enterprise-changes/").json()["results"]
    own_rows = client_for(cast.members["enterprise"].user).get("/api/v1/enterprise-changes/").json()
    assert [r["id"] for r in own_rows["results"]] == [pending["id"]]  # the enterprise lists its own
    # A provider is refused the list (403 or 404 by the API's uniform refusal rule).
    refused = client_for(cast.members["provider"].user).get("/api/v1/enterprise-changes/")
    assert refused.status_code in (403, 404)


def test_the_schema_documents_the_pending_change(cast: Any) -> None:
    response = client_for(cast.members["ministry"].user).get("/api/schema/?format=json")
    schema = response.json()
    patch = schema["paths"]["/api/v1/enterprises/{id}/"]["patch"]
    assert {"200", "202"} <= set(patch["responses"]) and "pending change" in patch["description"]
    assert "/api/v1/enterprise-changes/{id}/confirm/" in schema["paths"]
    assert "/api/v1/enterprise-changes/{id}/reject/" in schema["paths"]


def test_registering_implausible_figures_over_the_api_needs_figures_checked(cast: Any) -> None:
    load_dataset("size_standard")
    client = client_for(cast.members["guangzhou"].user)
    data = {
        "uscc": code_for("440106", "MA5ABCDE8"),
        "name": "人多钱少有限公司",
        "region_code": "440106",
        "industry_code": "C3670",
        "employees": "5000",
        "revenue_10k_yuan": "100",
        "assets_10k_yuan": "400",
    }
    refused = client.post("/api/v1/enterprises/", data, format="json")
    assert refused.status_code == 400
    assert [w["code"] for w in refused.json()["warnings"]] == ["revenue_per_employee_low"]
    assert not Enterprise.objects.filter(uscc=data["uscc"]).exists()
    assert (
        client.post("/api/v1/enterprises/", {**data, "figures_checked": True}, format="json").status_code
        == 201
    )
