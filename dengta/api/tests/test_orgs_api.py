"""API parity with the pages: same Viewer, same 404s, token auth, organisation header."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def token_client(cast, who: str) -> APIClient:
    token, _ = Token.objects.get_or_create(user=cast.members[who].user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_anonymous_is_refused(cast):
    assert APIClient().get("/api/v1/organizations/").status_code == 401


def test_bad_token_is_refused(cast):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/organizations/").status_code == 401


def test_province_lists_its_jurisdiction_without_separately_planned_city(cast):
    response = token_client(cast, "guangdong").get("/api/v1/organizations/?page_size=100")
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert "广州市工业和信息化局" in names
    assert "天河精密零部件有限公司" in names
    assert "深圳市工业和信息化局" not in names  # 计划单列市 report directly
    assert "浙江省经济和信息化厅" not in names


def test_outside_jurisdiction_detail_is_404_like_the_page(cast):
    client = token_client(cast, "zhejiang")
    target = cast.orgs["guangzhou"].pk
    assert client.get(f"/api/v1/organizations/{target}/").status_code == 404
    assert cast.client("zhejiang").get(f"/orgs/{target}/").status_code == 404


def test_inside_jurisdiction_detail_matches_page(cast):
    client = token_client(cast, "guangdong")
    target = cast.orgs["guangzhou"].pk
    response = client.get(f"/api/v1/organizations/{target}/")
    assert response.status_code == 200
    assert response.json()["region"] == "440100"
    assert cast.client("guangdong").get(f"/orgs/{target}/").status_code == 200


def test_enterprise_cannot_list_but_sees_itself(cast):
    client = token_client(cast, "enterprise")
    assert client.get("/api/v1/organizations/").status_code == 403
    assert cast.client("enterprise").get("/orgs/").status_code == 403  # the page answers alike
    own = cast.orgs["enterprise"].pk
    assert client.get(f"/api/v1/organizations/{own}/").status_code == 200
    other = cast.orgs["provider"].pk
    assert client.get(f"/api/v1/organizations/{other}/").status_code == 404


def test_organisation_header_chooses_membership_and_refuses_foreign_org(cast):
    from tests.factories import MembershipFactory

    user = cast.members["zhejiang"].user
    MembershipFactory.create(user=user, organization=cast.orgs["guangdong"], role="viewer")
    client = token_client(cast, "zhejiang")
    target = cast.orgs["guangzhou"].pk
    as_zj = client.get(
        f"/api/v1/organizations/{target}/", HTTP_X_DENGTA_ORGANIZATION=str(cast.orgs["zhejiang"].pk)
    )
    assert as_zj.status_code == 404
    as_gd = client.get(
        f"/api/v1/organizations/{target}/", HTTP_X_DENGTA_ORGANIZATION=str(cast.orgs["guangdong"].pk)
    )
    assert as_gd.status_code == 200
    foreign = client.get("/api/v1/organizations/", HTTP_X_DENGTA_ORGANIZATION=str(cast.orgs["ministry"].pk))
    assert foreign.status_code == 404
    garbage = client.get("/api/v1/organizations/", HTTP_X_DENGTA_ORGANIZATION="1 OR 1=1")
    assert garbage.status_code == 404


def test_reference_endpoints_read_only(cast):
    client = token_client(cast, "enterprise")
    response = client.get("/api/v1/regions/?parent=440000")
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    assert codes == {"440100", "440300"}
    assert client.get("/api/v1/regions/440300/").json()["is_separately_planned"] is True
    assert client.get("/api/v1/industries/C3670/").json()["focus_sector"] == "汽车零部件及配件制造"
    assert client.post("/api/v1/regions/", {"code": "999999"}).status_code == 405


def test_schema_and_docs_are_local(cast):
    client = cast.client("ministry")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/organizations/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "swagger" in body.lower()
    for host in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert host not in body


@pytest.mark.parametrize("term", ["精密", "零部件有限", "局", "不存在的名称", "ＩＴ"])
def test_name_search_finds_the_substring_matches_in_scope(cast, term):
    """``q`` runs the one name search (dengta.core.search): the rows of a case-insensitive substring
    match among the organisations the caller may see, whichever index answers it on PostgreSQL."""
    from dengta.core.tests.test_search import upper

    client = token_client(cast, "guangdong")
    everyone = client.get("/api/v1/organizations/?page_size=200").json()["results"]
    expected = {row["id"] for row in everyone if upper(term) in upper(row["name"])}
    response = client.get("/api/v1/organizations/", {"q": term, "page_size": 200})
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == expected
    if term in ("精密", "局"):
        assert expected  # the cast holds such names: the search is not vacuously empty
