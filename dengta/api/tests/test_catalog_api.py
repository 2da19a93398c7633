"""The catalogue over the API: the pages' permission rules and services, the same 403/404/409 as the pages,
400 with each reason for bad input and nothing half-saved, and the exact shapes of recommendations and the
concentration watch (docs/catalogue.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dengta.catalog.models import (
    Admission,
    GovernanceAction,
    Pool,
    Product,
    ProductLift,
    ProviderRating,
    QuoteRequest,
)
from dengta.catalog.services import admissions, governance, products, quotes
from dengta.catalog.tests.conftest import (  # noqa: F401  (fixtures)
    REFERENCES,
    Market,
    _default_language,
    frameworks,
    market,
    registered,
    self_assessment,
    sized,
    world,
)
from dengta.core.models import Event

# The fixtures imported above are "redefined" by the tests' arguments of the same names.
# ruff: noqa: F811

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _sub_industry(market: Market) -> None:
    """The 细分行业 the fixture's applications and products name (auto-parts)."""
    market.sub_industry()


def as_(world: Any, who: str) -> APIClient:
    token, _created = Token.objects.get_or_create(user=world.members[who].user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def page(world: Any, who: str) -> Client:
    client = Client()
    client.force_login(world.members[who].user)
    return client


def reasons(response: Any) -> str:
    """Every message of an error answer, as one text to search."""
    body = response.json()

    def walk(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [m for v in value.values() for m in walk(v)]
        if isinstance(value, list):
            return [m for v in value for m in walk(v)]
        return [str(value)]

    return " | ".join(walk(body))


def draft(market: Market, **extra: Any) -> Admission:
    return market.apply(**extra)


def suspend(market: Market, admission: Admission) -> None:
    governance.governance_act(
        actor=market.user("guangzhou"), admission=admission, kind="suspension", reason="交付严重延期"
    )


def application(pool: Pool, **extra: Any) -> dict[str, Any]:
    return {
        "pool": pool.pk,
        "qualifications": "高新技术企业；ISO 9001",
        "sub_industries": ["auto-parts"],
        "scenarios": ["quality", "equipment"],
        "capacity": 8,
        "references": REFERENCES,
        "revenue_yuan": "12000000",
        "net_assets_yuan": "5000000.50",
        **extra,
    }


def product_body(**extra: Any) -> dict[str, Any]:
    return {
        "name": "设备联网网关",
        "description": "数控机床联网与数据采集",
        "category": "hardware",
        "deployment": "on_site",
        "sub_industries": ["auto-parts"],
        "list_price_yuan": "50000",
        "pilot_price_yuan": "39800.50",
        "delivery_days": 20,
        "lifts": [{"kind": "scenario", "code": "equipment", "level": 2}],
        **extra,
    }


# ------------------------------------------------------------------------------------------------ pools


def test_pools_are_listed_and_read_as_their_visibility_says(market: Market):
    world = market.world
    listed = as_(world, "guangzhou").get(f"{API}/pools/")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["results"]] == [market.pool.pk]
    assert listed.json()["results"][0]["owner_name"] == "广州市工业和信息化局"
    assert as_(world, "provider").get(f"{API}/pools/{market.pool.pk}/").status_code == 200  # open pool
    assert as_(world, "zhejiang").get(f"{API}/pools/").json()["results"] == []
    assert as_(world, "zhejiang").get(f"{API}/pools/{market.pool.pk}/").status_code == 404
    refused = as_(world, "enterprise").get(f"{API}/pools/")
    assert refused.status_code == 403 and "服务商库对主管部门、服务商和专家开放" in refused.json()["detail"]
    assert APIClient().get(f"{API}/pools/").status_code == 401


def test_a_provider_sees_an_open_pool_once_however_many_applications_it_has(market: Market):
    for n in range(2):
        other = market.other_provider(name=f"其他服务商{n}", code=f"91440305MA5FGHI{n}X1")
        market.apply(provider=other)
    market.apply()
    client = as_(market.world, "provider")
    assert [p["id"] for p in client.get(f"{API}/pools/").json()["results"]] == [market.pool.pk]
    assert client.get(f"{API}/pools/{market.pool.pk}/").status_code == 200


def test_an_authority_sets_up_a_pool_of_its_own_and_a_duplicate_name_is_refused(market: Market):
    world = market.world
    body = {"name": "广州市工业互联网服务商库", "period": 2026, "kinds": ["scenario"], "expert_review": True}
    created = as_(world, "guangzhou").post(f"{API}/pools/", body, format="json")
    assert created.status_code == 201, created.content
    pool = Pool.objects.get(pk=created.json()["id"])
    assert pool.owner == world.orgs["guangzhou"] and pool.expert_review and pool.min_references == 3
    assert created.json()["kinds"] == ["scenario"]
    assert Event.objects.filter(verb="pool.created", target_id=str(pool.pk)).exists()
    before = Pool.objects.count()
    again = as_(world, "guangzhou").post(f"{API}/pools/", body, format="json")
    assert again.status_code == 400 and "本单位同一年度已有同名的服务商库" in reasons(again)
    assert Pool.objects.count() == before
    bad = as_(world, "guangzhou").post(f"{API}/pools/", {"name": "x", "period": 2019}, format="json")
    assert bad.status_code == 400 and "period" in bad.json()
    refused = as_(world, "provider").post(f"{API}/pools/", body, format="json")
    assert refused.status_code == 403 and "设立服务商库" in refused.json()["detail"]
    assert Pool.objects.count() == before


def test_only_the_pools_own_organisation_changes_it(market: Market):
    world = market.world
    url = f"{API}/pools/{market.pool.pk}/"
    changed = as_(world, "guangzhou").patch(url, {"is_open": False, "min_references": 5}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["is_open"] is False and changed.json()["min_references"] == 5
    other = as_(world, "guangdong").patch(url, {"is_open": True}, format="json")
    assert other.status_code == 403 and "只有设立该服务商库的单位可以修改它" in other.json()["detail"]
    assert as_(world, "zhejiang").patch(url, {"is_open": True}, format="json").status_code == 404
    assert as_(world, "guangzhou").put(url, {"is_open": True}, format="json").status_code == 405
    assert Pool.objects.get(pk=market.pool.pk).is_open is False


# ------------------------------------------------------------------------------------------- admissions


def test_a_provider_applies_completes_and_submits(market: Market):
    world = market.world
    client = as_(world, "provider")
    created = client.post(f"{API}/admissions/", application(market.pool), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and body["kind"] == "scenario"
    assert body["sub_industries"] == ["auto-parts"] and body["scenarios"] == ["equipment", "quality"]
    assert [r["enterprise"] for r in body["references"]] == [r["enterprise"] for r in REFERENCES]
    assert body["revenue_yuan"] == "12000000.00" and body["net_assets_yuan"] == "5000000.50"
    assert body["missing"] == [] and body["actions"]["edit"]["allowed"] is True
    assert body["actions"]["review"]["allowed"] is False
    url = f"{API}/admissions/{body['id']}/"
    patched = client.patch(url, {"capacity": 12}, format="json")
    assert patched.status_code == 200 and patched.json()["capacity"] == 12
    submitted = client.post(f"{url}submit/")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert Event.objects.filter(verb="admission.submitted", target_id=str(body["id"])).exists()
    # Submitted: no more edits (a state conflict, as the page says), and not again.
    late = client.patch(url, {"capacity": 3}, format="json")
    assert late.status_code == 409 and "审核结束前不能修改" in late.json()["detail"]
    assert client.post(f"{url}submit/").status_code == 409
    listed = as_(world, "guangzhou").get(f"{API}/admissions/", {"state": "submitted"})
    assert [a["id"] for a in listed.json()["results"]] == [body["id"]]


def test_applying_twice_to_one_pool_is_400_with_the_reason_and_saves_nothing(market: Market):
    client = as_(market.world, "provider")
    assert client.post(f"{API}/admissions/", application(market.pool), format="json").status_code == 201
    before = (Admission.objects.count(), Event.objects.count())
    again = client.post(f"{API}/admissions/", application(market.pool), format="json")
    assert again.status_code == 400
    assert "同一年度不能重复申请" in reasons(again) and "2026" in reasons(again)
    assert (Admission.objects.count(), Event.objects.count()) == before


def test_bad_applications_answer_each_reason_and_save_nothing(market: Market):
    client = as_(market.world, "provider")
    bad = application(
        market.pool,
        scenarios=["quality", "teleportation"],
        sub_industries=["no-such-sub"],
        revenue_yuan="-5",
        net_assets_yuan="12万",
    )
    response = client.post(f"{API}/admissions/", bad, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["scenarios"] == ["评测框架中没有场景“teleportation”"]
    assert "细分行业代码不存在：no-such-sub" in errors["sub_industries"][0]
    assert errors["revenue_yuan"] == ["金额不能为负数"]
    assert "金额应为数字" in errors["net_assets_yuan"][0]
    rows = application(
        market.pool, references=[{"enterprise": "甲公司", "project": ""}, {"enterprise": "乙", "year": 1999}]
    )
    refs = client.post(f"{API}/admissions/", rows, format="json")
    assert refs.status_code == 400
    assert "第 1 个案例：请同时填写企业名称和服务内容" in refs.json()["references"]
    assert any("第 2 个案例" in m for m in refs.json()["references"])
    assert Admission.objects.count() == 0


def test_who_may_apply_and_when(market: Market):
    world = market.world
    staff = as_(world, "guangzhou").post(f"{API}/admissions/", application(market.pool), format="json")
    assert staff.status_code == 403 and "只有服务商的管理员或经办人可以申请入库" in staff.json()["detail"]
    hidden = Pool.objects.create(owner=world.orgs["zhejiang"], name="浙江库", period=2026, is_open=False)
    unseen = as_(world, "provider").post(f"{API}/admissions/", application(hidden), format="json")
    assert unseen.status_code == 400 and "pool" in unseen.json()  # a closed pool it never applied to
    # A pool it applied to stays visible to the provider; once closed, a new application is a conflict.
    admissions.admission_withdraw(actor=market.user("provider"), admission=market.apply())
    admissions.pool_update(actor=market.user("guangzhou"), pool=market.pool, is_open=False)
    closed = as_(world, "provider").post(f"{API}/admissions/", application(market.pool), format="json")
    assert closed.status_code == 409 and "该服务商库目前不接受申请" in closed.json()["detail"]
    assert Admission.objects.count() == 1


def test_an_incomplete_application_is_not_submitted_and_says_what_it_lacks(market: Market):
    admission = draft(market, references=REFERENCES[:1], capacity=0)
    response = as_(market.world, "provider").post(f"{API}/admissions/{admission.pk}/submit/")
    assert response.status_code == 400
    text = reasons(response)
    assert "该服务商库要求至少 3 个企业案例，目前填写了 1 个" in text and "同时承接的项目数" in text
    assert Admission.objects.get(pk=admission.pk).state == "draft"


def test_the_pools_organisation_reviews_and_decides(market: Market):
    world = market.world
    admission = admissions.admission_submit(actor=market.user("provider"), admission=draft(market))
    url = f"{API}/admissions/{admission.pk}/"
    owner = as_(world, "guangzhou")
    other = as_(world, "guangdong").post(f"{url}decide/", {"decision": "admit"}, format="json")
    assert other.status_code == 403 and "只有设立该服务商库的单位可以审核它的申请" in other.json()["detail"]
    provider = as_(world, "provider").post(f"{url}start-review/")
    assert provider.status_code == 403
    assert (
        as_(world, "zhejiang").post(f"{url}decide/", {"decision": "admit"}, format="json").status_code == 404
    )
    no_reason = owner.post(f"{url}decide/", {"decision": "refuse"}, format="json")
    assert no_reason.status_code == 400 and "请填写理由" in reasons(no_reason)
    unknown = owner.post(f"{url}decide/", {"decision": "maybe"}, format="json")
    assert unknown.status_code == 400 and "decision" in unknown.json()
    assert owner.post(f"{url}start-review/").json()["state"] == "under_review"
    assert owner.post(f"{url}start-review/").status_code == 409
    admitted = owner.post(f"{url}decide/", {"decision": "admit"}, format="json")
    assert admitted.status_code == 200 and admitted.json()["state"] == "admitted"
    assert admitted.json()["actions"]["govern"]["allowed"] is True
    again = owner.post(f"{url}decide/", {"decision": "return", "reason": "补充材料"}, format="json")
    assert again.status_code == 409 and "当前状态（已入库）不能执行此操作" in again.json()["detail"]


def test_a_pool_that_asks_for_expert_review_waits_for_an_opinion(market: Market):
    world = market.world
    admissions.pool_update(actor=market.user("guangzhou"), pool=market.pool, expert_review=True)
    admission = admissions.admission_submit(actor=market.user("provider"), admission=draft(market))
    url = f"{API}/admissions/{admission.pk}/"
    waiting = as_(world, "guangzhou").post(f"{url}decide/", {"decision": "admit"}, format="json")
    assert waiting.status_code == 409 and "至少一位专家提交评审意见" in waiting.json()["detail"]
    assert Admission.objects.get(pk=admission.pk).state == "submitted"  # the start of review rolled back
    staff = as_(world, "guangzhou").post(
        f"{url}opinion/", {"recommend": True, "comment": "同意"}, format="json"
    )
    assert staff.status_code == 403 and "只有评审专家可以提交评审意见" in staff.json()["detail"]


def test_the_provider_withdraws_its_own_application(market: Market):
    world = market.world
    admission = admissions.admission_submit(actor=market.user("provider"), admission=draft(market))
    url = f"{API}/admissions/{admission.pk}/withdraw/"
    assert as_(world, "guangzhou").post(url).status_code == 403
    withdrawn = as_(world, "provider").post(url)
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert as_(world, "provider").post(url).status_code == 409


def test_governance_measures_need_a_reason_and_a_deadline_for_a_warning(market: Market):
    world = market.world
    admission = market.admit()
    url = f"{API}/admissions/{admission.pk}/govern/"
    owner = as_(world, "guangzhou")
    no_deadline = owner.post(url, {"kind": "warning", "reason": "交付延期"}, format="json")
    assert no_deadline.status_code == 400 and "警告须给出整改期限" in reasons(no_deadline)
    past = owner.post(
        url, {"kind": "warning", "reason": "交付延期", "rectify_by": "2020-01-01"}, format="json"
    )
    assert past.status_code == 400 and "整改期限应晚于今天" in reasons(past)
    assert GovernanceAction.objects.count() == 0
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    warned = owner.post(url, {"kind": "warning", "reason": "交付延期", "rectify_by": deadline}, format="json")
    assert warned.status_code == 200, warned.content
    assert warned.json()["standing"] == "warned" and warned.json()["rectify_by"] == deadline
    assert warned.json()["measures"][0]["kind"] == "warning"
    suspended = owner.post(url, {"kind": "suspension", "reason": "整改未完成"}, format="json")
    assert suspended.json()["standing"] == "suspended"
    refused = as_(world, "provider").post(url, {"kind": "reinstatement", "reason": "已整改"}, format="json")
    assert refused.status_code == 403
    other = as_(world, "guangdong").post(url, {"kind": "reinstatement", "reason": "已整改"}, format="json")
    assert other.status_code == 403 and "只有设立该服务商库的单位可以管理库内服务商" in other.json()["detail"]
    pending = admissions.admission_submit(
        actor=market.user("provider"), admission=market.apply(provider=market.other_provider())
    )
    not_admitted = owner.post(
        f"{API}/admissions/{pending.pk}/govern/", {"kind": "suspension", "reason": "x"}, format="json"
    )
    assert (
        not_admitted.status_code == 409
        and "只能对已入库的服务商采取管理措施" in not_admitted.json()["detail"]
    )


# --------------------------------------------------------------------------------------------- products


def test_the_public_catalogue_needs_no_login_and_filters_as_the_page(market: Market):
    market.admit()
    software = market.product()
    market.product(
        name="设备联网网关",
        category="hardware",
        list_price="90000",
        pilot_price="80000",
        delivery_days=60,
        lifts=[{"kind": "scenario", "code": "equipment", "level": 3}],
    )
    market.product(name="未提交的产品", listed=False)
    anonymous = APIClient()
    listed = anonymous.get(f"{API}/products/")
    assert listed.status_code == 200
    assert {p["name"] for p in listed.json()["results"]} == {"质量追溯SaaS", "设备联网网关"}
    assert listed["Cache-Control"] == "public, max-age=300"
    row = next(p for p in listed.json()["results"] if p["id"] == software.pk)
    assert row["list_price_yuan"] == "30000.00" and row["pilot_price_yuan"] == "24000.00"
    assert row["concession_yuan"] == "6000.00" and row["concession_pct"] == "20"
    assert row["lifts"] == [{"kind": "scenario", "code": "quality", "level": 2, "options": []}]
    assert row["in_catalogue"] is True and row["provider_name"] == "广州数智服务有限公司"

    def names(**params: Any) -> list[str]:
        response = anonymous.get(f"{API}/products/", params)
        assert response.status_code == 200, response.content
        return [p["name"] for p in response.json()["results"]]

    assert names(scenario="equipment") == ["设备联网网关"]
    assert names(category="software") == ["质量追溯SaaS"]
    assert names(price_max="50000") == ["质量追溯SaaS"]
    assert names(days_max="30") == ["质量追溯SaaS"]
    assert names(q="联网") == ["设备联网网关"]
    assert names(sub_industry="auto-parts", sort="-price") == ["设备联网网关", "质量追溯SaaS"]
    unknown = anonymous.get(f"{API}/products/", {"scenario": "teleportation"})
    assert unknown.status_code == 400 and unknown.json()["scenario"] == ["评测框架中没有场景“teleportation”"]
    sub = anonymous.get(f"{API}/products/", {"sub_industry": "no-such-sub"})
    assert sub.status_code == 400 and "细分行业代码不存在" in reasons(sub)
    assert anonymous.get(f"{API}/products/", {"price_min": "-1"}).status_code == 400
    assert anonymous.get(f"{API}/products/", {"rating_min": "6"}).status_code == 400


def test_a_suspended_providers_products_leave_the_catalogue(market: Market):
    admission = market.admit()
    product = market.product()
    suspend(market, admission)
    assert APIClient().get(f"{API}/products/").json()["results"] == []
    # Still listed, and readable by its provider, but not offered: in_catalogue says so.
    own = as_(market.world, "provider").get(f"{API}/products/{product.pk}/")
    assert own.status_code == 200 and own.json()["state"] == "listed" and own.json()["in_catalogue"] is False


def test_mine_lists_a_providers_own_products_in_every_state(market: Market):
    world = market.world
    market.admit()
    market.product()
    market.product(name="草稿产品", listed=False)
    mine = as_(world, "provider").get(f"{API}/products/", {"mine": "1"})
    # Private to the provider, and not stored at all (dengta.core.middleware.PrivateResponseMiddleware).
    assert mine.status_code == 200 and {"private", "no-store"} <= set(mine["Cache-Control"].split(", "))
    assert {(p["name"], p["state"]) for p in mine.json()["results"]} == {
        ("质量追溯SaaS", "listed"),
        ("草稿产品", "draft"),
    }
    assert as_(world, "provider").get(f"{API}/products/", {"mine": "1", "q": "草稿"}).json()["count"] == 1
    assert as_(world, "enterprise").get(f"{API}/products/", {"mine": "1"}).status_code == 403
    assert APIClient().get(f"{API}/products/", {"mine": "1"}).status_code == 403


def test_a_draft_product_is_seen_by_its_provider_and_the_jurisdictions_staff_only(market: Market):
    world = market.world
    product = market.product(listed=False)
    url = f"{API}/products/{product.pk}/"
    assert as_(world, "provider").get(url).json()["state"] == "draft"
    assert as_(world, "guangzhou").get(url).status_code == 200
    assert as_(world, "enterprise").get(url).status_code == 404
    assert as_(world, "zhejiang").get(url).status_code == 404
    assert APIClient().get(url).status_code == 404


def test_a_provider_adds_a_product_with_its_lifts(market: Market):
    world = market.world
    body = product_body(
        lifts=[
            {"kind": "scenario", "code": "equipment", "level": 2},
            {"kind": "item", "code": "base.equipment.network", "options": ["C"]},
        ]
    )
    created = as_(world, "provider").post(f"{API}/products/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["state"] == "draft" and data["pilot_price_yuan"] == "39800.50"
    assert data["framework_code"] == "miit-2024-manufacturing"
    assert {(lift["kind"], lift["code"]) for lift in data["lifts"]} == {
        ("scenario", "equipment"),
        ("item", "base.equipment.network"),
    }
    assert Event.objects.filter(verb="product.created", target_id=str(data["id"])).exists()
    refused = as_(world, "enterprise").post(f"{API}/products/", body, format="json")
    assert refused.status_code == 403 and "只有服务商的管理员或经办人可以维护产品" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"pilot_price_yuan": "60000"}, "pilot_price_yuan", "试点优惠价不能高于市场价"),
        ({"list_price_yuan": "-1"}, "list_price_yuan", "价格不能为负数"),
        ({"pilot_price_yuan": "两万"}, "pilot_price_yuan", "价格应为数字（元）"),
        ({"list_price_yuan": "100.005"}, "list_price_yuan", "价格最多两位小数"),
        (
            {"lifts": [{"kind": "scenario", "code": "teleportation", "level": 2}]},
            "lifts",
            "评测框架中没有场景“teleportation”",
        ),
        ({"lifts": [{"kind": "scenario", "code": "quality", "level": 5}]}, "lifts", "不能提升到 5 级"),
        ({"lifts": []}, "lifts", "请至少填写一个产品能提升的场景或评测项"),
        ({"sub_industries": ["no-such-sub"]}, "sub_industries", "细分行业代码不存在：no-such-sub"),
    ],
)
def test_bad_products_are_400_with_the_reason_and_nothing_is_saved(
    market: Market, changes: dict[str, Any], field: str, reason: str
):
    before = (Product.objects.count(), ProductLift.objects.count(), Event.objects.count())
    response = as_(market.world, "provider").post(f"{API}/products/", product_body(**changes), format="json")
    assert response.status_code == 400
    assert any(reason in message for message in response.json()[field]), response.json()
    assert (Product.objects.count(), ProductLift.objects.count(), Event.objects.count()) == before


def test_every_problem_of_a_product_is_answered_at_once(market: Market):
    body = product_body(
        list_price_yuan="-1",
        pilot_price_yuan="abc",
        lifts=[
            {"kind": "scenario", "code": "quality", "level": 5},
            {"kind": "scenario", "code": "teleportation", "level": 1},
        ],
    )
    errors = as_(market.world, "provider").post(f"{API}/products/", body, format="json").json()
    assert errors["list_price_yuan"] == ["价格不能为负数"]
    assert "价格应为数字" in errors["pilot_price_yuan"][0]
    assert len(errors["lifts"]) == 2
    assert Product.objects.count() == 0


def test_a_draft_is_edited_by_its_provider_and_a_listed_product_is_not(market: Market):
    world = market.world
    market.admit()
    product = market.product(listed=False)
    url = f"{API}/products/{product.pk}/"
    changed = as_(world, "provider").patch(url, {"pilot_price_yuan": "20000"}, format="json")
    assert changed.status_code == 200 and changed.json()["pilot_price_yuan"] == "20000.00"
    assert changed.json()["lifts"][0]["code"] == "quality"  # lifts kept when not sent
    too_high = as_(world, "provider").patch(url, {"pilot_price_yuan": "30000.01"}, format="json")
    assert too_high.status_code == 400 and too_high.json()["pilot_price_yuan"] == ["试点优惠价不能高于市场价"]
    assert Product.objects.get(pk=product.pk).pilot_price == Decimal("20000")
    assert as_(world, "guangzhou").patch(url, {"name": "x"}, format="json").status_code == 403
    listed = market.product(name="已上架产品")
    late = as_(world, "provider").patch(f"{API}/products/{listed.pk}/", {"name": "改名"}, format="json")
    assert late.status_code == 409 and "请先下架再修改" in late.json()["detail"]


def test_submit_review_and_delist(market: Market):
    world = market.world
    market.admit()
    product = market.product(listed=False)
    url = f"{API}/products/{product.pk}/"
    assert as_(world, "provider").post(f"{url}submit/").json()["state"] == "pending"
    assert as_(world, "provider").post(f"{url}submit/").status_code == 409
    own = as_(world, "provider").post(f"{url}review/", {"decision": "list"}, format="json")
    assert own.status_code == 403
    # Outside the provider's jurisdiction a pending product is not seen; a listed one is seen but not
    # reviewed or delisted.
    assert (
        as_(world, "shenzhen").post(f"{url}review/", {"decision": "list"}, format="json").status_code == 404
    )
    no_reason = as_(world, "guangzhou").post(f"{url}review/", {"decision": "reject"}, format="json")
    assert no_reason.status_code == 400 and "不予上架的理由" in reasons(no_reason)
    listed = as_(world, "guangzhou").post(f"{url}review/", {"decision": "list"}, format="json")
    assert listed.status_code == 200 and listed.json()["state"] == "listed" and listed.json()["in_catalogue"]
    assert (
        as_(world, "guangzhou").post(f"{url}review/", {"decision": "list"}, format="json").status_code == 409
    )
    far = as_(world, "shenzhen").post(f"{url}delist/", {"reason": "不合规"}, format="json")
    assert far.status_code == 403 and "只能审核辖区内服务商的产品" in far.json()["detail"]
    blank = as_(world, "provider").post(f"{url}delist/", {"reason": ""}, format="json")
    assert blank.status_code == 400 and "请填写下架理由" in reasons(blank)
    delisted = as_(world, "provider").post(f"{url}delist/", {"reason": "停止销售"}, format="json")
    assert delisted.status_code == 200 and delisted.json()["state"] == "delisted"
    assert delisted.json()["reason"] == "停止销售"
    assert as_(world, "provider").post(f"{url}delist/", {"reason": "再次"}, format="json").status_code == 409


def test_a_suspended_or_unadmitted_provider_does_not_submit_a_product(market: Market):
    world = market.world
    product = market.product(listed=False)
    unadmitted = as_(world, "provider").post(f"{API}/products/{product.pk}/submit/")
    assert unadmitted.status_code == 409 and "入库后才能上架产品" in unadmitted.json()["detail"]
    suspend(market, market.admit())
    suspended = as_(world, "provider").post(f"{API}/products/{product.pk}/submit/")
    assert suspended.status_code == 409 and "暂停期间不能上架产品" in suspended.json()["detail"]
    assert Product.objects.get(pk=product.pk).state == "draft"


# ------------------------------------------------------------------------------------------- providers


def test_a_providers_rating_is_public_while_it_may_be_offered(market: Market):
    world = market.world
    url = f"{API}/providers/{market.provider.pk}/rating/"
    assert APIClient().get(url).status_code == 404  # not admitted: only the registry's scope sees it
    assert as_(world, "guangzhou").get(url).status_code == 200
    market.admit()
    before = APIClient().get(url)
    assert before.status_code == 200 and before["Cache-Control"] == "public, max-age=300"
    assert before.json() == {
        "provider": market.provider.pk,
        "provider_name": "广州数智服务有限公司",
        "stars": None,
        "score": None,
        "components": [],
        "formula_version": None,
        "computed_at": None,
    }
    governance.provider_score_refresh(actor=None, provider=market.provider)
    after = APIClient().get(url).json()
    assert after["formula_version"] and {c["code"] for c in after["components"]} >= {"satisfaction"}
    assert APIClient().get(f"{API}/providers/999999/rating/").status_code == 404


def accepted_quote(market: Market) -> QuoteRequest:
    product = Product.objects.get(name="质量追溯SaaS")
    quote = quotes.quote_request(
        actor=market.user("enterprise"), enterprise=market.world.registered.own, products=[product]
    )
    quote = quotes.quote_answer(actor=market.user("provider"), quote=quote, quote_yuan="23000")
    return quotes.quote_decide(actor=market.user("enterprise"), quote=quote, accept=True)


def test_only_an_enterprise_that_worked_with_the_provider_rates_it(market: Market):
    world = market.world
    market.admit()
    market.product()
    url = f"{API}/providers/{market.provider.pk}/ratings/"
    never = as_(world, "enterprise").post(url, {"stars": 5, "comment": "很好"}, format="json")
    assert never.status_code == 400 and "只有与该服务商合作过的企业" in reasons(never)
    assert ProviderRating.objects.count() == 0
    assert as_(world, "provider").post(url, {"stars": 5}, format="json").status_code == 403
    accepted_quote(market)
    bad = as_(world, "enterprise").post(url, {"stars": 6}, format="json")
    assert bad.status_code == 400 and "满意度为 1 到 5 星" in reasons(bad)
    rated = as_(world, "enterprise").post(url, {"stars": 4, "comment": "按期交付"}, format="json")
    assert rated.status_code == 201, rated.content
    assert rated.json()["rating"]["stars"] == 4 and rated.json()["score"]["formula_version"]
    again = as_(world, "enterprise").post(url, {"stars": 5}, format="json")
    assert again.status_code == 200 and ProviderRating.objects.get().stars == 5


# ---------------------------------------------------------------------------------------------- quotes


def test_an_enterprise_asks_the_provider_answers_and_the_enterprise_accepts(market: Market):
    world = market.world
    market.admit()
    product = market.product()
    created = as_(world, "enterprise").post(
        f"{API}/quotes/", {"products": [product.pk], "message": "三个月内上线"}, format="json"
    )
    assert created.status_code == 201, created.content
    quote = created.json()
    assert quote["state"] == "open" and quote["products"] == [{"id": product.pk, "name": "质量追溯SaaS"}]
    assert quote["provider_name"] == "广州数智服务有限公司"
    url = f"{API}/quotes/{quote['id']}/"
    assert (
        as_(world, "enterprise").post(f"{url}answer/", {"quote_yuan": "1"}, format="json").status_code == 403
    )
    assert as_(world, "provider").post(f"{url}accept/").status_code == 403
    assert as_(world, "zhejiang").get(url).status_code == 404
    assert as_(world, "guangzhou").get(url).status_code == 200  # the jurisdiction's staff see it
    negative = as_(world, "provider").post(f"{url}answer/", {"quote_yuan": "-3"}, format="json")
    assert negative.status_code == 400 and negative.json()["quote_yuan"] == ["价格不能为负数"]
    assert as_(world, "enterprise").post(f"{url}accept/").status_code == 409  # nothing to accept yet
    valid = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    answered = as_(world, "provider").post(
        f"{url}answer/", {"quote_yuan": "23000", "answer": "含实施", "valid_until": valid}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["quote_yuan"] == "23000.00"
    assert as_(world, "provider").post(f"{url}answer/", {"quote_yuan": "1"}, format="json").status_code == 409
    accepted = as_(world, "enterprise").post(f"{url}accept/")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert as_(world, "enterprise").post(f"{url}withdraw/").status_code == 409
    inbox = as_(world, "provider").get(f"{API}/quotes/", {"state": "accepted"})
    assert [q["id"] for q in inbox.json()["results"]] == [quote["id"]]
    assert as_(world, "expert").get(f"{API}/quotes/").status_code == 403


def test_a_provider_declines_with_a_reason_and_an_enterprise_withdraws(market: Market):
    world = market.world
    market.admit()
    product = market.product()
    own = world.registered.own
    first = quotes.quote_request(actor=market.user("enterprise"), enterprise=own, products=[product])
    url = f"{API}/quotes/{first.pk}/answer/"
    silent = as_(world, "provider").post(url, {"decline": True}, format="json")
    assert silent.status_code == 400 and "谢绝报价时请说明原因" in reasons(silent)
    declined = as_(world, "provider").post(url, {"decline": True, "answer": "产能已满"}, format="json")
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    second = quotes.quote_request(actor=market.user("enterprise"), enterprise=own, products=[product])
    withdrawn = as_(world, "enterprise").post(f"{API}/quotes/{second.pk}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"


def test_a_suspended_provider_receives_no_quote_request(market: Market):
    world = market.world
    admission = market.admit()
    product = market.product()
    suspend(market, admission)
    before = (QuoteRequest.objects.count(), Event.objects.count())
    response = as_(world, "enterprise").post(f"{API}/quotes/", {"products": [product.pk]}, format="json")
    assert response.status_code == 409
    assert "暂停期间不能上架产品，也不能接收报价请求" in response.json()["detail"]
    assert (QuoteRequest.objects.count(), Event.objects.count()) == before


def test_one_request_goes_to_one_provider(market: Market):
    world = market.world
    market.admit()
    other = market.other_provider()
    market.admit(provider=other)
    mine = market.product()
    theirs = market.product(provider=other, name="深圳MES")
    two = as_(world, "enterprise").post(f"{API}/quotes/", {"products": [mine.pk, theirs.pk]}, format="json")
    assert two.status_code == 400 and "一份报价请求只能发给一家服务商" in reasons(two)
    draft_product = market.product(name="草稿", listed=False)
    unseen = as_(world, "enterprise").post(f"{API}/quotes/", {"products": [draft_product.pk]}, format="json")
    assert unseen.status_code == 400 and "products" in unseen.json()
    staff = as_(world, "guangzhou").post(f"{API}/quotes/", {"products": [mine.pk]}, format="json")
    assert staff.status_code == 403 and "只有企业的管理员或经办人可以请求报价" in staff.json()["detail"]
    assert QuoteRequest.objects.count() == 0


# ------------------------------------------------------------------------------------------ recommendations


def six_scenarios(market: Market) -> None:
    """Two listed products of an admitted provider that together lift six scenarios (three constrained) to
    level 2: with the fixture's 46.925 points, the 二级 rule (≥ 40 points, ≥ 6 scenarios at ≥ L2, ≥ 3 of them
    constrained) is met."""
    market.admit()
    market.product(
        name="质量设备安全套件",
        lifts=[{"kind": "scenario", "code": code, "level": 2} for code in ("quality", "equipment", "safety")],
    )
    market.product(
        name="协同决策套件",
        list_price="20000",
        pilot_price="16000",
        lifts=[
            {"kind": "scenario", "code": code, "level": 2}
            for code in ("hr", "collaboration", "decision_support")
        ],
    )


def test_recommendations_have_the_exact_shape(market: Market):
    world = market.world
    scored = self_assessment(world, level=1)
    assert scored.level == 1
    six_scenarios(market)
    uscc = world.registered.own.uscc
    response = as_(world, "enterprise").get(f"{API}/enterprises/{uscc}/recommendations/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enterprise"] == uscc and body["assessment"] == scored.pk and body["reason"] is None
    assert body["level"] == 1 and body["target_level"] == 2 and body["already_there"] is False
    assert body["subsidy_rule"]["rate"] and isinstance(body["subsidy_rule"]["min_level"], int)
    assert body["bundles"], "a bundle of the two products reaches 二级"
    for bundle in body["bundles"]:
        assert {"products", "reaches_level", "enterprise_share_yuan", "explanation"} <= set(bundle)
        assert all(isinstance(s, str) for s in bundle["explanation"])
        assert isinstance(bundle["enterprise_share_yuan"], str)
        Decimal(bundle["enterprise_share_yuan"])  # a decimal string, never a float
    best = body["bundles"][0]
    assert best["reaches_level"] == 2
    assert {p["name"] for p in best["products"]} == {"质量设备安全套件", "协同决策套件"}
    assert {p["pilot_price_yuan"] for p in best["products"]} == {"24000.00", "16000.00"}
    # Pilot prices 40,000 less the estimated subsidy (the default rule's share of them).
    assert Decimal(best["enterprise_share_yuan"]) == Decimal(best["list_yuan"]) - Decimal(
        best["concession_yuan"]
    ) - Decimal(best["subsidy_yuan"])
    assert any("场景从 1 级提升到 2 级" in s for s in best["explanation"])
    # The jurisdiction's staff see the same; the credit code is taken as people type it.
    staff = as_(world, "guangzhou").get(f"{API}/enterprises/{uscc.lower()}/recommendations/")
    assert staff.status_code == 200 and staff.json()["bundles"] == body["bundles"]
    aimed = as_(world, "enterprise").get(f"{API}/enterprises/{uscc}/recommendations/", {"target": "3"})
    assert aimed.status_code == 200 and aimed.json()["target_level"] == 3
    assert (
        as_(world, "enterprise")
        .get(f"{API}/enterprises/{uscc}/recommendations/", {"target": "5"})
        .status_code
        == 400
    )


def test_recommendations_are_for_the_enterprise_and_its_jurisdiction_only(market: Market):
    world = market.world
    own = world.registered.own.uscc
    tianhe = world.registered.tianhe.uscc
    assert as_(world, "zhejiang").get(f"{API}/enterprises/{own}/recommendations/").status_code == 404
    assert as_(world, "provider").get(f"{API}/enterprises/{own}/recommendations/").status_code == 404
    assert as_(world, "expert").get(f"{API}/enterprises/{own}/recommendations/").status_code == 404
    assert as_(world, "enterprise").get(f"{API}/enterprises/{tianhe}/recommendations/").status_code == 404
    assert as_(world, "guangzhou").get(f"{API}/enterprises/NOSUCHCODE/recommendations/").status_code == 404
    assert APIClient().get(f"{API}/enterprises/{own}/recommendations/").status_code == 401


def test_an_enterprise_without_an_assessment_gets_no_bundles_and_the_reason(market: Market):
    world = market.world
    six_scenarios(market)
    tianhe = world.registered.tianhe.uscc
    response = as_(world, "guangzhou").get(f"{API}/enterprises/{tianhe}/recommendations/")
    assert response.status_code == 200
    body = response.json()
    assert body["assessment"] is None and body["bundles"] == [] and body["subsidy_rule"] is None
    assert body["reason"] == "该企业还没有已计分的评测。"


# -------------------------------------------------------------------------------------------- concentration


def three_of_four(market: Market) -> tuple[Any, Any]:
    """Four quote requests in 广州: the cast provider receives three, the other provider one."""
    world = market.world
    market.admit()
    other = market.other_provider()
    market.admit(provider=other)
    first = market.product()
    second = market.product(name="能耗监测", lifts=[{"kind": "scenario", "code": "energy", "level": 2}])
    theirs = market.product(provider=other, name="深圳MES")
    actor = market.user("enterprise")
    own, tianhe = world.registered.own, world.registered.tianhe
    for enterprise, chosen in ((own, [first]), (own, [second]), (tianhe, [first]), (tianhe, [theirs])):
        quotes.quote_request(actor=actor, enterprise=enterprise, products=chosen)
    return market.provider, other


def test_concentration_answers_shares_and_the_hhi(market: Market):
    world = market.world
    held, other = three_of_four(market)
    response = as_(world, "guangzhou").get(f"{API}/concentration/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["basis"] == "quote_requests" and body["total"] == 4 and isinstance(body["total"], int)
    assert body["providers"] == [
        {"provider": held.pk, "name": "广州数智服务有限公司", "count": 3, "share_pct": "75.0"},
        {"provider": other.pk, "name": "深圳云智科技有限公司", "count": 1, "share_pct": "25.0"},
    ]
    assert body["hhi"] == 6250 and body["top_share_pct"] == "75.0"  # 75² + 25²
    assert set(body["warnings"]) == {"hhi_above", "top_share_above"}
    assert body["thresholds"]["hhi_warning"] == 2500
    assert [m["total"] for m in body["markets"]] == [4] and body["markets"][0]["region"] == "440100"
    inside = as_(world, "guangzhou").get(f"{API}/concentration/", {"region": "440100"}).json()
    assert inside["total"] == 4 and inside["region_name"] == "广东省广州市"
    elsewhere = as_(world, "ministry").get(f"{API}/concentration/", {"region": "330000"}).json()
    assert elsewhere["total"] == 0 and elsewhere["hhi"] is None and elsewhere["providers"] == []
    assert as_(world, "zhejiang").get(f"{API}/concentration/").json()["total"] == 0  # not its jurisdiction


def test_concentration_refuses_unknown_codes_and_non_staff(market: Market):
    world = market.world
    client = as_(world, "guangzhou")
    region = client.get(f"{API}/concentration/", {"region": "999999"})
    assert region.status_code == 400 and region.json()["region"] == ["行政区划代码不存在：999999"]
    sub = client.get(f"{API}/concentration/", {"sub_industry": "no-such-sub"})
    assert sub.status_code == 400 and sub.json()["sub_industry"] == ["细分行业代码不存在：no-such-sub"]
    english = client.get(f"{API}/concentration/", {"sub_industry": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["sub_industry"] == ["Unknown sub-industry code: x"]
    for who in ("provider", "enterprise", "expert"):
        refused = as_(world, who).get(f"{API}/concentration/")
        assert (
            refused.status_code == 403
            and "市场集中度只对部委、主管部门和监督机构开放" in refused.json()["detail"]
        )


# ----------------------------------------------------------------------------------------- parity with pages


def refusal(code: int) -> str:
    return str(code) if code in (403, 404, 409) else "allowed"


def test_pages_and_the_api_refuse_alike(market: Market):
    """For every member of the cast, the page and the endpoint ask the same permission function: one
    refuses (403, 404 or 409) exactly when the other does. Bodies are incomplete: nothing changes."""
    world = market.world
    admitted = market.admit()
    pending = admissions.admission_submit(
        actor=market.user("provider"), admission=market.apply(provider=market.other_provider())
    )
    product = products.product_submit(actor=market.user("provider"), product=market.product(listed=False))
    listed = market.product(name="已上架产品")
    quote = quotes.quote_request(
        actor=market.user("enterprise"), enterprise=world.registered.own, products=[listed]
    )
    pairs = [
        ("get", "/catalog/pools/", "get", f"{API}/pools/", None),
        ("get", f"/catalog/pools/{market.pool.pk}/edit/", "patch", f"{API}/pools/{market.pool.pk}/", {}),
        ("get", f"/catalog/admissions/{pending.pk}/", "get", f"{API}/admissions/{pending.pk}/", None),
        (
            "post",
            f"/catalog/admissions/{pending.pk}/refuse/",
            "post",
            f"{API}/admissions/{pending.pk}/decide/",
            {"decision": "refuse"},
        ),
        (
            "post",
            f"/catalog/admissions/{pending.pk}/opinion/",
            "post",
            f"{API}/admissions/{pending.pk}/opinion/",
            {},
        ),
        (
            "post",
            f"/catalog/admissions/{admitted.pk}/govern/",
            "post",
            f"{API}/admissions/{admitted.pk}/govern/",
            {},
        ),
        (
            "post",
            f"/catalog/admissions/{pending.pk}/govern/",
            "post",
            f"{API}/admissions/{pending.pk}/govern/",
            {},
        ),
        (
            "post",
            f"/catalog/mine/{product.pk}/reject/",
            "post",
            f"{API}/products/{product.pk}/review/",
            {"decision": "reject"},
        ),
        ("get", f"/catalog/mine/{product.pk}/", "get", f"{API}/products/{product.pk}/", None),
        ("get", "/catalog/quotes/", "get", f"{API}/quotes/", None),
        ("get", f"/catalog/quotes/{quote.pk}/", "get", f"{API}/quotes/{quote.pk}/", None),
        ("post", f"/catalog/quotes/{quote.pk}/answer/", "post", f"{API}/quotes/{quote.pk}/answer/", {}),
        (
            "get",
            f"/catalog/providers/{market.provider.pk}/rate/",
            "post",
            f"{API}/providers/{market.provider.pk}/ratings/",
            {},
        ),
        ("get", "/catalog/concentration/", "get", f"{API}/concentration/", None),
    ]
    problems = []
    seen = set()
    for who in world.members:
        for page_method, page_url, api_method, api_url, body in pairs:
            page_status = getattr(page(world, who), page_method)(page_url).status_code
            call = getattr(as_(world, who), api_method)
            api_status = (call(api_url) if body is None else call(api_url, body, format="json")).status_code
            seen.add(refusal(page_status))
            if refusal(page_status) != refusal(api_status):
                problems.append(f"{who} {page_url}: page {page_status}, api {api_status}")
    assert not problems, "\n".join(problems)
    assert seen == {"allowed", "403", "404", "409"}  # the table exercises every kind of answer
    # Nothing changed on the way.
    assert Admission.objects.get(pk=pending.pk).state == "submitted"
    assert Product.objects.get(pk=product.pk).state == "pending"
    assert QuoteRequest.objects.get(pk=quote.pk).state == "open"
    assert not GovernanceAction.objects.exists()


# ---------------------------------------------------------------------------------------------------- schema


def test_the_schema_documents_every_catalogue_endpoint(tmp_path: Path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/pools/{id}/",
        "/api/v1/admissions/{id}/start-review/",
        "/api/v1/admissions/{id}/govern/",
        "/api/v1/products/{id}/review/",
        "/api/v1/providers/{id}/rating/",
        "/api/v1/providers/{id}/ratings/",
        "/api/v1/quotes/{id}/answer/",
        "/api/v1/enterprises/{uscc}/recommendations/",
        "/api/v1/concentration/",
    ):
        assert path in text, path
    for component in ("Recommendations:", "Bundle:", "Concentration:", "Share:", "ProviderScore:"):
        assert component in text, component
    assert "enterprise_share_yuan" in text and "share_pct" in text
