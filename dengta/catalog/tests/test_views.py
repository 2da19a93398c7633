"""The catalogue's pages: the public catalogue and its search, forms that keep what was typed and say what is
wrong, uploads recognised by content, and the provider's, the staff's and the enterprise's pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from dengta.catalog.models import Admission, AdmissionDocument, Pool, Product, QuoteRequest
from dengta.catalog.tests.conftest import Market
from dengta.core.tests.test_search import bitmap_plan

pytestmark = pytest.mark.django_db
IS_PG = connection.vendor == "postgresql"


@pytest.fixture
def listed(market: Market) -> dict[str, Product]:
    market.admit()
    return {
        "trace": market.product(name="汽配质量追溯SaaS", description="扫码追溯每一批零部件"),
        "gateway": market.product(
            name="设备联网网关",
            description="采集数控机床数据的轻量网关",
            category="hardware",
            deployment="on_site",
            list_price="8000",
            pilot_price="6400",
            delivery_days=7,
            lifts=[{"kind": "scenario", "code": "equipment", "level": 2}],
        ),
        "energy": market.product(
            name="能耗在线监测",
            description="按工序计量电耗，发现跑冒滴漏",
            list_price="60000",
            pilot_price="48000",
            delivery_days=45,
            lifts=[{"kind": "scenario", "code": "energy", "level": 3}],
        ),
    }


def names(response: Any) -> set[str]:
    return {p.name for p in response.context["object_list"]}


def test_anyone_browses_the_catalogue_without_logging_in_and_it_may_be_cached(
    listed: dict[str, Product],
) -> None:
    response = Client().get("/catalog/")
    assert response.status_code == 200
    assert names(response) == {"汽配质量追溯SaaS", "设备联网网关", "能耗在线监测"}
    assert response["Cache-Control"] == "public, max-age=300"
    html = response.content.decode()
    assert "登录" in html and "导出 Excel" in html and "6,400.00" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=追溯", {"汽配质量追溯SaaS"}),  # two characters, in the name and the description
        ("q=跑冒", {"能耗在线监测"}),  # only in the description
        ("q=数控机床数据", {"设备联网网关"}),  # longer than two characters
        ("q=saas", {"汽配质量追溯SaaS"}),  # any case
        ("q=不存在的词", set()),
        ("category=hardware", {"设备联网网关"}),
        ("scenario=energy", {"能耗在线监测"}),
        ("price=0-10000", {"设备联网网关"}),
        ("price=10000-50000", {"汽配质量追溯SaaS", "能耗在线监测"}),
        ("days=30", {"汽配质量追溯SaaS", "设备联网网关"}),
        ("deployment=on_site", {"设备联网网关"}),
        ("category=no-such&scenario=teleport", {"汽配质量追溯SaaS", "设备联网网关", "能耗在线监测"}),
    ],
)
def test_the_catalogue_searches_substrings_and_filters(
    listed: dict[str, Product], query: str, expected: set[str]
) -> None:
    assert names(Client().get(f"/catalog/?{query}")) == expected


def test_a_filter_value_that_is_not_a_number_is_ignored_and_said_so(listed: dict[str, Product]) -> None:
    response = Client().get("/catalog/?days=abc&rating=9&category=hardware")
    html = response.content.decode()
    assert response.status_code == 200 and names(response) == {"设备联网网关"}  # days and rating ignored
    assert "下列筛选条件有误" in html and "“abc”不是数字" in html
    assert 'value="abc"' in html  # what was typed stays in the box


def test_hostile_search_text_is_escaped(listed: dict[str, Product]) -> None:
    html = Client().get("/catalog/?q=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_the_product_search_is_answered_from_the_indexes_on_postgresql(listed: dict[str, Product]) -> None:
    from dengta.core.search import name_search_q

    two = Product.objects.filter(name_search_q("追溯", also=("description",)))
    longer = Product.objects.filter(name_search_q("数控机床", also=("description",)))
    if IS_PG:
        plan = bitmap_plan(two)
        assert "catalog_product_name_grams_gin" in plan, plan
        plan = bitmap_plan(longer)
        assert "catalog_product_name_trgm" in plan and "catalog_product_description_trgm" in plan, plan
    else:
        assert "string_to_array" not in str(two.query)  # SQLite: the substring test alone
    assert {p.name for p in two} == {"汽配质量追溯SaaS"}
    assert {p.name for p in longer} == {"设备联网网关"}


def test_the_catalogue_exports_what_it_shows(listed: dict[str, Product]) -> None:
    import io

    from openpyxl import load_workbook

    response = Client().get("/catalog/?category=hardware&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "产品名称" and len(rows) == 2 and rows[1][0] == "设备联网网关"
    assert rows[1][5] == 6400


def test_two_products_side_by_side_and_more_than_four_is_said(listed: dict[str, Product]) -> None:
    trace, gateway = listed["trace"], listed["gateway"]
    response = Client().get(f"/catalog/compare/?ids={trace.pk}&ids={gateway.pk}")
    html = response.content.decode()
    assert response.status_code == 200 and [p.pk for p in response.context["products"]] == [
        trace.pk,
        gateway.pk,
    ]
    assert "质量管理（提升到）" in html and "设备管理（提升到）" in html
    many = ",".join(str(p.pk) for p in listed.values()) + ",999998,999999"
    assert "最多同时对比 4 个产品" in Client().get(f"/catalog/compare/?ids={many}").content.decode()


def test_a_product_not_listed_is_not_public(market: Market, listed: dict[str, Product]) -> None:
    draft = market.product(name="草稿产品", listed=False)
    assert Client().get(f"/catalog/products/{draft.pk}/").status_code == 404
    assert Client().get(f"/catalog/products/{listed['trace'].pk}/").status_code == 200


# ---------------------------------------------------------------------------------------------- forms


def test_a_product_form_with_bad_prices_keeps_what_was_typed_and_says_what_is_wrong(
    market: Market, world: Any
) -> None:
    market.admit()
    client = world.client("provider")
    data = {
        "name": "云 MES",
        "description": "轻量 MES",
        "category": "software",
        "deployment": "saas",
        "list_price": "10000",
        "pilot_price": "12000",
        "price_unit": "套",
        "delivery_days": "30",
        "lift-quality": "2",
    }
    response = client.post("/catalog/mine/new/", data)
    html = response.content.decode()
    assert response.status_code == 200 and "试点优惠价不能高于市场价" in html
    assert 'value="12000"' in html and 'value="云 MES"' in html
    assert not Product.objects.filter(name="云 MES").exists()
    response = client.post(
        "/catalog/mine/new/", {**data, "pilot_price": "9000", "lift-quality": "", "lift-energy": ""}
    )
    assert "请至少填写一个产品能提升的场景或评测项" in response.content.decode()
    response = client.post("/catalog/mine/new/", {**data, "pilot_price": "9000", "lift-quality": "5"})
    assert "只有 1 到 4 级" in response.content.decode()
    response = client.post(
        "/catalog/mine/new/", {**data, "pilot_price": "9000", "item-0": "base.equipment.network:C"}
    )
    product = Product.objects.get(name="云 MES")
    assert response.status_code == 302 and response["Location"] == f"/catalog/mine/{product.pk}/"
    assert {(lift.kind, lift.code) for lift in product.lifts.all()} == {
        ("scenario", "quality"),
        ("item", "base.equipment.network"),
    }


def test_the_provider_applies_through_the_form_and_sees_what_is_missing(market: Market, world: Any) -> None:
    client = world.client("provider")
    form = client.get(f"/catalog/pools/{market.pool.pk}/apply/")
    assert form.status_code == 200 and "企业案例" in form.content.decode()
    response = client.post(
        f"/catalog/pools/{market.pool.pk}/apply/",
        {
            "kind": "scenario",
            "capacity": "3",
            "ref-0-enterprise": "甲公司",
            "ref-0-project": "联网",
            "ref-1-enterprise": "",
        },
    )
    admission = Admission.objects.get(pool=market.pool)
    assert (
        response.status_code == 302
        and admission.state == "draft"
        and admission.references[0]["enterprise"] == "甲公司"
    )
    page = client.get(f"/catalog/admissions/{admission.pk}/").content.decode()
    assert "提交前还需要" in page and "至少 3 个企业案例，目前填写了 1 个" in page
    again = client.get(f"/catalog/pools/{market.pool.pk}/apply/")
    assert again.status_code == 302  # one application per pool: back to it
    client.post(f"/catalog/admissions/{admission.pk}/submit/")
    assert Admission.objects.get(pk=admission.pk).state == "draft"


def test_an_upload_is_recognised_by_its_content_not_its_name(market: Market, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    admission = market.apply()
    client = world.client("provider")
    fake = SimpleUploadedFile(
        "营业执照.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf"
    )
    response = client.post(
        f"/catalog/admissions/{admission.pk}/documents/", {"kind": "qualification", "file": fake}, follow=True
    )
    assert "内容不是 PDF、图片或 Office 文档" in response.content.decode()
    assert not AdmissionDocument.objects.exists()
    real = SimpleUploadedFile("scan.bin", b"%PDF-1.7\n1 0 obj\n", content_type="application/octet-stream")
    client.post(f"/catalog/admissions/{admission.pk}/documents/", {"kind": "qualification", "file": real})
    document = AdmissionDocument.objects.get()
    assert document.content_type == "application/pdf" and len(document.sha256) == 64


def test_the_pool_owner_decides_and_another_authority_may_not(market: Market, world: Any) -> None:
    from dengta.catalog.services import admissions

    admission = admissions.admission_submit(actor=market.user("provider"), admission=market.apply())
    refused = world.client("guangdong").post(f"/catalog/admissions/{admission.pk}/admit/")
    assert refused.status_code == 403
    assert world.client("zhejiang").get(f"/catalog/admissions/{admission.pk}/").status_code == 404
    response = world.client("guangzhou").post(
        f"/catalog/admissions/{admission.pk}/return/", {"reason": ""}, follow=True
    )
    assert "请填写理由" in response.content.decode()
    world.client("guangzhou").post(
        f"/catalog/admissions/{admission.pk}/return/", {"reason": "请补充财务报表"}
    )
    assert Admission.objects.get(pk=admission.pk).state == "returned"
    assert (
        "请补充财务报表"
        in world.client("provider").get(f"/catalog/admissions/{admission.pk}/").content.decode()
    )


def test_a_quote_is_requested_answered_and_accepted_through_the_pages(
    market: Market, world: Any, listed: dict[str, Product]
) -> None:
    product = listed["trace"]
    enterprise = world.client("enterprise")
    response = enterprise.post(
        "/catalog/quotes/new/", {"products": str(product.pk), "message": "希望三个月内上线"}
    )
    quote = QuoteRequest.objects.get()
    assert response.status_code == 302 and quote.message == "希望三个月内上线"
    provider = world.client("provider")
    inbox = provider.get("/catalog/quotes/").content.decode()
    assert "天河" in inbox and "待报价" in inbox
    bad = provider.post(f"/catalog/quotes/{quote.pk}/answer/", {"quote_yuan": "两万"})
    assert (
        bad.status_code == 400
        and "价格应为数字" in bad.content.decode()
        and 'value="两万"' in bad.content.decode()
    )
    provider.post(f"/catalog/quotes/{quote.pk}/answer/", {"quote_yuan": "22000", "answer": "含实施培训"})
    enterprise.post(f"/catalog/quotes/{quote.pk}/decide/", {"decision": "accept"})
    quote.refresh_from_db()
    assert quote.state == "accepted" and str(quote.quote_yuan) == "22000.00"
    assert world.client("zhejiang").get(f"/catalog/quotes/{quote.pk}/").status_code == 404


def test_the_concentration_page_warns_where_one_provider_holds_the_market(
    market: Market, world: Any, listed: dict[str, Product]
) -> None:
    from dengta.catalog.services import quotes

    quotes.quote_request(
        actor=market.user("enterprise"),
        enterprise=world.registered.own,
        products=[listed["trace"]],
        sub_industry=market.sub_industry(),
    )
    page = world.client("guangzhou").get("/catalog/concentration/").content.decode()
    assert "一家份额过半" in page and "高度集中" in page and "10000" in page


def test_a_pool_is_created_by_programme_staff_with_the_input_kept_on_error(
    world: Any, market: Market
) -> None:
    client = world.client("guangzhou")
    response = client.post(
        "/catalog/pools/new/", {"name": "广州市数字化转型服务商库", "period": "2026", "min_references": "3"}
    )
    assert response.status_code == 200 and "同一年度已有同名的服务商库" in response.content.decode()
    response = client.post(
        "/catalog/pools/new/", {"name": "广州市 2027 服务商库", "period": "1999", "min_references": "3"}
    )
    assert response.status_code == 200 and 'value="1999"' in response.content.decode()
    response = client.post(
        "/catalog/pools/new/",
        {"name": "广州市 2027 服务商库", "period": "2027", "min_references": "5", "is_open": "on"},
    )
    assert response.status_code == 302 and Pool.objects.filter(period=2027, min_references=5).exists()


def test_an_admitted_provider_sees_its_annual_review_checklist(market: Market, world: Any) -> None:
    admission = market.admit()
    html = world.client("provider").get(f"/catalog/admissions/{admission.pk}/").content.decode()
    assert "年度复核清单" in html and "企业案例数达到入库要求" in html
    assert "项目里程碑按期完成" in html and "暂无数据" in html
    assert "已上传年度复核材料" in html and "不符合" in html  # nothing uploaded for the review yet


def test_the_ministry_renames_a_provider_kind_and_the_change_is_an_event(world: Any) -> None:
    from dengta.core.models import Event
    from dengta.registry.models import ProviderKind

    client = world.client("ministry")
    data = {
        "code": "scenario",
        "scenario-name": "专业化服务商",
        "scenario-name_en": "Specialist provider",
        "scenario-order": "3",
        "scenario-is_active": "on",
    }
    assert client.post("/catalog/kinds/", {**data, "scenario-name": ""}).status_code == 200
    assert ProviderKind.objects.get(code="scenario").name == "专业服务商"
    assert client.post("/catalog/kinds/", data).status_code == 302
    assert ProviderKind.objects.get(code="scenario").name == "专业化服务商"
    event = Event.objects.get(verb="provider_kind.updated")
    assert (
        event.payload["before"]["name"] == "专业服务商" and event.payload["after"]["name"] == "专业化服务商"
    )
    assert world.client("guangzhou").get("/catalog/kinds/").status_code == 403


def test_an_expert_finds_the_applications_waiting_for_an_opinion_and_gives_one(
    market: Market, world: Any
) -> None:
    from dengta.catalog.models import AdmissionOpinion
    from dengta.catalog.services import admissions

    market.pool.expert_review = True
    market.pool.save()
    admission = admissions.admission_submit(actor=market.user("provider"), admission=market.apply())
    expert = world.client("expert")
    listing = expert.get("/catalog/pools/").content.decode()
    assert "待专家评审的入库申请" in listing and f"/catalog/admissions/{admission.pk}/" in listing
    assert expert.get(f"/catalog/admissions/{admission.pk}/").status_code == 200
    expert.post(f"/catalog/admissions/{admission.pk}/opinion/", {"recommend": "1", "comment": "案例可信"})
    assert AdmissionOpinion.objects.get(admission=admission).recommend is True
    assert f"/catalog/admissions/{admission.pk}/" not in expert.get("/catalog/pools/").content.decode()


def test_a_suspended_providers_listed_product_is_not_public(market: Market, world: Any) -> None:
    from dengta.catalog.services import governance

    admission = market.admit()
    product = market.product()
    governance.governance_act(
        actor=market.user("guangzhou"), admission=admission, kind="suspension", reason="投诉"
    )
    assert Client().get(f"/catalog/products/{product.pk}/").status_code == 404
    assert not Product.objects.visible_to(world.viewer("zhejiang")).filter(pk=product.pk).exists()
    assert Product.objects.visible_to(world.viewer("provider")).filter(pk=product.pk).exists()  # its own


def test_a_provider_organisation_without_a_profile_is_told_why_it_cannot_apply(world: Any) -> None:
    from dengta.catalog.models import Pool

    pool = Pool.objects.create(owner=world.orgs["guangzhou"], name="广州服务商库", period=2026)
    response = world.client("provider").get(f"/catalog/pools/{pool.pk}/apply/")
    assert response.status_code == 409 and "还没有服务商档案" in response.content.decode()


def test_national_staff_see_every_pool_application_listing_and_quote(
    market: Market, world: Any, listed: dict[str, Product]
) -> None:
    from dengta.catalog.models import Admission, GovernanceAction, Pool
    from dengta.catalog.services import quotes

    pending = market.product(name="待审核产品", listed=False)
    from dengta.catalog.services import products as product_services

    product_services.product_submit(actor=market.user("provider"), product=pending)
    quotes.quote_request(
        actor=market.user("enterprise"), enterprise=world.registered.own, products=[listed["trace"]]
    )
    ministry = world.viewer("ministry")
    assert Pool.objects.visible_to(ministry).filter(pk=market.pool.pk).exists()  # a city's pool
    assert Admission.objects.visible_to(ministry).count() == Admission.objects.count() == 1
    assert Product.objects.visible_to(ministry).filter(pk=pending.pk).exists()
    assert QuoteRequest.objects.visible_to(ministry).count() == 1
    assert GovernanceAction.objects.visible_to(ministry).count() == GovernanceAction.objects.count()
    assert "待审核产品" in world.client("ministry").get("/catalog/listings/").content.decode()
    # Not national: another province sees none of 广州's.
    zhejiang = world.viewer("zhejiang")
    assert not Pool.objects.visible_to(zhejiang).filter(pk=market.pool.pk).exists()
    assert not Product.objects.visible_to(zhejiang).filter(pk=pending.pk).exists()
    assert not QuoteRequest.objects.visible_to(zhejiang).exists()
