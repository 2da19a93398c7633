"""Enterprises over the API: same services, same permission decisions and 404s as the pages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dengta.core.models import Event
from dengta.reference.loaders import load_dataset
from dengta.registry.models import Enterprise
from dengta.registry.services import enterprise_register

pytestmark = pytest.mark.django_db


def code_for(region6: str, body9: str = "MA5ABCDE1") -> str:
    from stdnum.cn import uscc

    first17 = "91" + region6 + body9
    return first17 + uscc.calc_check_digit(first17)


@pytest.fixture
def sized(cast):
    load_dataset("size_standard")
    return cast


def client_for(cast, who: str) -> APIClient:
    token, _ = Token.objects.get_or_create(user=cast.members[who].user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def make(cast, region: str, body9: str, name: str) -> Enterprise:
    return enterprise_register(
        actor=None,
        uscc=code_for(region, body9),
        name=name,
        region=cast.regions[region],
        industry=cast.industries["C3670"],
        employees=120,
        revenue_10k_yuan="5000",
        assets_10k_yuan="3000",
    )


def payload(region: str = "440106", body9: str = "MA5ABCDE1", **extra: str) -> dict[str, str]:
    data = {
        "uscc": code_for(region, body9),
        "name": "天河测试零部件有限公司",
        "region_code": region,
        "industry_code": "C3670",
        "employees": "85",
        "revenue_10k_yuan": "2100.50",
        "assets_10k_yuan": "1800",
        "tier": "",
    }
    data.update(extra)
    return data


def test_city_registers_enterprise_with_size_and_event(sized):
    response = client_for(sized, "guangzhou").post("/api/v1/enterprises/", payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["size_class"] == "small"  # 工业: 85 staff, 2100.5万元 (medium needs ≥ 300 staff)
    assert body["is_above_designated_size"] is True  # ≥ 2000万元 main-business revenue
    assert body["revenue_yuan"] == "21005000.00"
    assert Event.objects.filter(verb="enterprise.registered", target_id=str(body["id"])).exists()


def test_bad_input_gets_specific_bilingual_messages_and_writes_nothing(sized):
    client = client_for(sized, "guangzhou")
    bad = payload(uscc="91440106MA5ABCDE10", employees="-3", industry_code="C9999")
    response = client.post("/api/v1/enterprises/", bad, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "industry_code" in errors
    assert "C9999" in errors["industry_code"][0]
    assert Enterprise.objects.count() == 0
    wrong_check = payload()
    wrong_check["uscc"] = wrong_check["uscc"][:-1] + ("0" if wrong_check["uscc"][-1] != "0" else "1")
    response = client.post("/api/v1/enterprises/", wrong_check, format="json")
    assert response.status_code == 400
    message = response.json()["uscc"][0]
    assert "校验" in message and "check" not in message.lower()
    english = client.post("/api/v1/enterprises/", wrong_check, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "check character" in english.json()["uscc"][0] and "校验" not in english.json()["uscc"][0]
    assert Enterprise.objects.count() == 0


def test_registering_outside_jurisdiction_is_refused(sized):
    response = client_for(sized, "guangzhou").post(
        "/api/v1/enterprises/", payload(region="330106"), format="json"
    )
    assert response.status_code == 400
    assert "region_code" in response.json()
    assert Enterprise.objects.count() == 0


def test_duplicate_is_409_with_link_only_when_visible(sized):
    make(sized, "440106", "MA5ABCDE1", "已登记企业")
    dup = client_for(sized, "guangzhou").post("/api/v1/enterprises/", payload(), format="json")
    assert dup.status_code == 409
    assert "existing" in dup.json()
    assert (
        client_for(sized, "ministry")
        .post("/api/v1/enterprises/", payload(), format="json")
        .json()["existing"]
    )
    # The 广东 province does not see 深圳 (计划单列市): it learns the code is taken, not where.
    make(sized, "440305", "MA5ABCDE2", "深圳已登记企业")
    hidden = client_for(sized, "guangdong").post(
        "/api/v1/enterprises/",
        payload(region_code="440000", uscc=code_for("440305", "MA5ABCDE2")),
        format="json",
    )
    assert hidden.status_code == 409
    assert "existing" not in hidden.json()


def test_list_and_detail_follow_jurisdiction_like_pages(sized):
    gz = make(sized, "440106", "MA5ABCDE1", "广州企业")
    sz = make(sized, "440305", "MA5ABCDE2", "深圳企业")
    gd = client_for(sized, "guangdong")
    ids = {row["id"] for row in gd.get("/api/v1/enterprises/").json()["results"]}
    assert gz.pk in ids and sz.pk not in ids  # 深圳 is a 计划单列市
    assert gd.get(f"/api/v1/enterprises/{sz.pk}/").status_code == 404
    assert client_for(sized, "shenzhen").get(f"/api/v1/enterprises/{sz.pk}/").status_code == 200
    assert client_for(sized, "zhejiang").get(f"/api/v1/enterprises/{gz.pk}/").status_code == 404
    # A member whose role may not list enterprises: 403 with the reason, as on the page (convention 15).
    listing = client_for(sized, "provider").get("/api/v1/enterprises/")
    assert listing.status_code == 403 and listing.json()["detail"] == "企业库只对部委、主管部门和监督机构开放"
    assert client_for(sized, "provider").get(f"/api/v1/enterprises/{gz.pk}/").status_code == 404


def test_enterprise_member_edits_own_profile_but_not_region(sized):
    from tests.factories import MembershipFactory

    ent = make(sized, "440106", "MA5ABCDE1", "自己的企业")
    user = get_user_model().objects.create_user(username="owner", password="pw-for-tests-1")
    MembershipFactory.create(user=user, organization=ent.organization, role="admin")
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    ok = client.patch(
        f"/api/v1/enterprises/{ent.pk}/", {"employees": "350", "revenue_10k_yuan": "2500"}, format="json"
    )
    # The enterprise's own figures become a pending change (202); its confirmed size stays until confirmed.
    assert ok.status_code == 202, ok.content
    assert ok.json()["enterprise"]["size_class"] == "small"
    assert ok.json()["pending_change"]["proposed_size_class"] == "medium"
    moved = client.patch(f"/api/v1/enterprises/{ent.pk}/", {"region_code": "440100"}, format="json")
    assert moved.status_code == 400
    ent.refresh_from_db()
    assert ent.region_id == "440106"
    assert (
        client.patch(f"/api/v1/enterprises/{ent.pk}/", {"uscc": "X"}, format="json").json()["uscc"]
        == ent.uscc
    )


def test_viewer_role_cannot_write(sized):
    ent = make(sized, "440106", "MA5ABCDE1", "只读测试")
    response = client_for(sized, "oversight").patch(
        f"/api/v1/enterprises/{ent.pk}/", {"employees": "9"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "只有部委项目管理人员和主管部门的管理员、经办人可以修改企业档案"
    ent.refresh_from_db()
    assert ent.employees == 120
