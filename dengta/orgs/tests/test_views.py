"""Organisation pages: authorities list their jurisdiction, outsiders get 404."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dengta.core.events import record_event
from tests.exports import exported

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(world: Any, who: str) -> Client:
    client = Client()
    client.force_login(world.members[who].user)
    return client


def _detail(world: Any, key: str) -> str:
    return reverse("orgs:organization_detail", args=[world.orgs[key].pk])


LIST = "/orgs/"


def test_list_requires_login(world: Any) -> None:
    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["ministry", "guangdong", "shenzhen", "oversight", "national_oversight"])
def test_list_200_for_authorities_and_oversight(world: Any, who: str) -> None:
    response = _client(world, who).get(LIST)
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["provider", "enterprise", "expert"])
def test_list_403_for_provider_enterprise_expert(world: Any, who: str) -> None:
    response = _client(world, who).get(LIST)
    assert response.status_code == 403 and "服务商、企业和专家只能查看本机构" in response.content.decode()


def test_list_shows_only_the_jurisdiction(world: Any) -> None:
    response = _client(world, "guangdong").get(LIST)
    names = {o.name for o in response.context["object_list"]}
    assert names == {
        world.orgs[k].name
        for k in ("guangdong", "guangzhou", "tianhe_district", "provider", "enterprise", "oversight")
    }
    html = response.content.decode()
    assert "广州市工业和信息化局" in html
    assert "深圳市工业和信息化局" not in html
    assert "浙江省经济和信息化厅" not in html


def test_list_search_and_filters(world: Any) -> None:
    client = _client(world, "ministry")
    by_name = client.get(LIST, {"q": "天河"})  # by name, or by the name of the region
    assert {o.name for o in by_name.context["object_list"]} == {
        "天河区工业和信息化局",
        "天河精密零部件有限公司",
        "广州数智服务有限公司",
    }
    by_region = client.get(LIST, {"q": "石河子"})
    assert {o.name for o in by_region.context["object_list"]} == {"石河子食品有限公司"}
    by_type = client.get(LIST, {"type": "oversight"})
    assert {o.type for o in by_type.context["object_list"]} == {"oversight"}
    by_level = client.get(LIST, {"level": "separately_planned"})
    assert [o.name for o in by_level.context["object_list"]] == ["深圳市工业和信息化局"]
    # Unknown filter values are ignored rather than failing.
    assert client.get(LIST, {"type": "bogus", "level": "bogus", "sort": "nope"}).status_code == 200


def test_list_search_does_not_reach_outside_the_jurisdiction(world: Any) -> None:
    response = _client(world, "guangdong").get(LIST, {"q": "深圳"})
    assert list(response.context["object_list"]) == []


def test_list_export_xlsx_holds_the_jurisdiction_only(world: Any) -> None:
    response = exported(_client(world, "shenzhen"), LIST)  # a job, then its download
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(BytesIO(response.content)).active
    rows = set(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == {
        ("深圳市工业和信息化局", "地方主管部门", "计划单列市", str(world.cast.regions["440300"])),
        ("南山智能装备有限公司", "企业", None, str(world.cast.regions["440305"])),  # no level: an empty cell
    }


@pytest.mark.parametrize(
    "who, target",
    [
        ("guangdong", "guangzhou"),
        ("guangdong", "enterprise"),
        ("guangzhou", "tianhe_district"),
        ("shenzhen", "nanshan_enterprise"),
        ("zhejiang", "xihu_enterprise"),
        ("xpcc", "shihezi_enterprise"),
        ("ministry", "shenzhen"),
        ("provider", "provider"),
        ("enterprise", "enterprise"),
        ("expert", "expert"),
        ("oversight", "guangzhou"),
    ],
)
def test_detail_200_inside(world: Any, who: str, target: str) -> None:
    response = _client(world, who).get(_detail(world, target))
    assert response.status_code == 200
    assert world.orgs[target].name in response.content.decode()


@pytest.mark.parametrize(
    "who, target",
    [
        ("zhejiang", "guangdong"),
        ("zhejiang", "enterprise"),
        ("guangdong", "shenzhen"),
        ("guangdong", "nanshan_enterprise"),
        ("guangzhou", "guangdong"),
        ("shenzhen", "guangzhou"),
        ("xinjiang", "shihezi_enterprise"),
        ("xinjiang", "xpcc"),
        ("provider", "enterprise"),
        ("enterprise", "guangzhou"),
        ("expert", "ministry"),
        ("oversight", "shenzhen"),
    ],
)
def test_detail_404_outside(world: Any, who: str, target: str) -> None:
    assert _client(world, who).get(_detail(world, target)).status_code == 404


def test_detail_404_for_absent_ids_same_as_hidden(world: Any) -> None:
    client = _client(world, "ministry")
    assert client.get("/orgs/987654321/").status_code == 404
    assert client.get("/orgs/99999999999999999999999/").status_code == 404
    assert client.get("/orgs/abc/").status_code == 404


def test_detail_shows_members_and_visible_events(world: Any) -> None:
    gz = world.orgs["guangzhou"]
    record_event(
        actor=None,
        verb="organization.updated",
        target=gz,
        organization_id=gz.pk,
        scope_path=gz.region.path,
        payload={"字段": "简称"},
    )
    response = _client(world, "guangdong").get(_detail(world, "guangzhou"))
    assert response.status_code == 200
    assert [m.user.username for m in response.context["members"]] == ["guangzhou"]
    assert [e.verb for e in response.context["events"]] == ["organization.updated"]
    # 浙江 cannot see the page, let alone the events.
    assert _client(world, "zhejiang").get(_detail(world, "guangzhou")).status_code == 404
