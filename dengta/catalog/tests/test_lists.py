"""The catalogue's list pages as ListPage declarations (docs/lists.md, "Declaring a list"): each filter
narrows, a value outside the choices is ignored and one that cannot be read is said and kept, headers sort,
and the empty states say what the page is for, or that nothing matches with a link that clears the filters.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dengta.catalog.models import Admission, Pool, Product, QuoteRequest
from dengta.catalog.services import admissions, quotes
from dengta.catalog.tests.conftest import Market
from dengta.orgs.models import OrgType

pytestmark = pytest.mark.django_db


def listed(response: Any, attribute: str = "pk") -> list[Any]:
    assert response.status_code == 200
    return [getattr(row, attribute) for row in response.context["object_list"]]


def html(response: Any) -> str:
    return str(response.content.decode())


# ------------------------------------------------------------------------------------------------ pools


@pytest.fixture
def pools(market: Market, world: Any) -> dict[str, Pool]:
    """The market's 广州 2026 pool, a closed 2025 one of 广州 and the ministry's national 2026 pool."""
    closed = admissions.pool_create(
        actor=market.user("guangzhou"),
        owner=world.orgs["guangzhou"],
        name="广州市 2025 服务商库",
        period=2025,
        min_references=3,
        is_open=False,
    )
    national = admissions.pool_create(
        actor=market.user("ministry"),
        owner=world.orgs["ministry"],
        name="全国中小企业数字化转型服务商库",
        period=2026,
        min_references=5,
    )
    return {"open": market.pool, "closed": closed, "national": national}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["open", "national", "closed"]),  # latest year first, by name within a year
        ("q=全国", ["national"]),
        ("q=2025", ["closed"]),
        ("period=2025", ["closed"]),
        ("open=1", ["open", "national"]),
        ("open=0", ["closed"]),
        ("level=ministry", ["national"]),
        ("level=city", ["open", "closed"]),
        ("level=province", []),
        ("period=1999&open=maybe&level=planet", ["open", "national", "closed"]),  # unknown: ignored
        ("sort=name", ["national", "closed", "open"]),
        ("sort=period", ["closed", "national", "open"]),
    ],
)
def test_the_pool_list_filters_and_sorts(
    pools: dict[str, Pool], world: Any, query: str, expected: list[str]
) -> None:
    response = world.client("guangzhou").get(f"/catalog/pools/?{query}")
    assert listed(response) == [pools[key].pk for key in expected]


def test_the_pool_list_offers_the_years_it_holds(pools: dict[str, Pool], world: Any) -> None:
    response = world.client("guangzhou").get("/catalog/pools/?period=2025")
    options = [(o.value, o.selected) for o in response.context["filters"]["period"].options]
    assert options == [("", False), ("2026", False), ("2025", True)]
    assert 'aria-sort="ascending"' not in html(response)  # the default order is by year, descending
    assert 'aria-sort="descending"' in html(response)


def test_the_provider_applies_or_finds_its_application_from_the_pool_list(
    pools: dict[str, Pool], market: Market, world: Any
) -> None:
    admission = market.apply()
    page = html(world.client("provider").get("/catalog/pools/"))
    assert "本机构" in page
    assert f"/catalog/admissions/{admission.pk}/" in page and "查看申请" in page
    assert f"/catalog/pools/{pools['national'].pk}/apply/" in page and "申请入库" in page
    assert f"/catalog/pools/{pools['closed'].pk}/apply/" not in page
    staff = world.client("guangzhou").get("/catalog/pools/")
    assert "申请入库" not in html(staff) and len(staff.context["columns"]) == 5  # no column of its own


def test_the_pool_list_says_what_it_is_for_and_what_matches_nothing(world: Any) -> None:
    client = world.client("guangzhou")
    empty = html(client.get("/catalog/pools/"))
    assert "还没有服务商库。" in empty and "/catalog/pools/new/" in empty
    Pool.objects.create(owner=world.orgs["guangzhou"], name="广州服务商库", period=2026)
    none = html(client.get("/catalog/pools/?q=不存在"))
    assert "没有符合筛选条件的服务商库。" in none and "还没有服务商库。" not in none
    assert 'href="/catalog/pools/">清除筛选' in none
    assert 'value="不存在"' in none  # the search stays in its box


def test_the_expert_queue_stays_above_the_pool_list(market: Market, world: Any) -> None:
    market.pool.expert_review = True
    market.pool.save()
    admission = admissions.admission_submit(actor=market.user("provider"), admission=market.apply())
    response = world.client("expert").get("/catalog/pools/?q=不存在")
    page = html(response)
    assert "待专家评审的入库申请" in page and f"/catalog/admissions/{admission.pk}/" in page
    assert listed(response) == []  # the filters narrow the pools, not the queue


# ---------------------------------------------------------------------------------- a pool's applications


@pytest.fixture
def applications(market: Market) -> dict[str, Admission]:
    """Three applications to the market's pool: the cast's provider admitted, 深圳云智 submitted and
    杭州数联 a draft."""
    admitted = market.admit()
    submitted = admissions.admission_submit(
        actor=market.user("provider"), admission=market.apply(market.other_provider())
    )
    draft = market.apply(market.other_provider(name="杭州数联科技有限公司", code="91330106MA2KLMNO34"))
    return {"admitted": admitted, "submitted": submitted, "draft": draft}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["admitted", "draft", "submitted"]),  # by state, then provider
        ("state=submitted", ["submitted"]),
        ("state=teleported", ["admitted", "draft", "submitted"]),  # unknown: ignored
        ("q=云智", ["submitted"]),
        ("q=数", ["admitted", "draft"]),  # one character: 数智, 数联
        ("q=科技有限&state=draft", ["draft"]),
        ("sort=provider", ["admitted", "draft", "submitted"]),  # 广州…, 杭州…, 深圳…
        ("sort=-provider", ["submitted", "draft", "admitted"]),
        ("sort=-updated", ["draft", "submitted", "admitted"]),
    ],
)
def test_a_pools_applications_filter_and_sort(
    applications: dict[str, Admission], market: Market, world: Any, query: str, expected: list[str]
) -> None:
    response = world.client("guangzhou").get(f"/catalog/pools/{market.pool.pk}/?{query}")
    assert listed(response) == [applications[key].pk for key in expected]


def test_a_pools_page_keeps_its_header_and_clears_to_itself(
    applications: dict[str, Admission], market: Market, world: Any
) -> None:
    response = world.client("guangzhou").get(f"/catalog/pools/{market.pool.pk}/?q=不存在")
    page = html(response)
    assert response.context["clear_url"] == f"/catalog/pools/{market.pool.pk}/"
    assert "没有符合筛选条件的申请。" in page and f'href="/catalog/pools/{market.pool.pk}/">清除筛选' in page
    assert "/edit/" in page and "至少企业案例数" in page  # the pool's own header and card
    assert response.context["crumbs"][0] == ("服务商库", "/catalog/pools/")
    empty = Pool.objects.create(owner=world.orgs["guangzhou"], name="广州服务商库二", period=2026)
    assert "还没有可见的申请。" in html(world.client("guangzhou").get(f"/catalog/pools/{empty.pk}/"))


# ---------------------------------------------------------------------------------- a provider's products


@pytest.fixture
def own(market: Market) -> dict[str, Product]:
    market.admit()
    return {
        "trace": market.product(name="汽配质量追溯SaaS"),
        "gateway": market.product(name="设备联网网关", category="hardware", listed=False),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["gateway", "trace"]),  # last changed first
        ("state=listed", ["trace"]),
        ("state=draft", ["gateway"]),
        ("state=lost", ["gateway", "trace"]),  # unknown: ignored
        ("q=追溯", ["trace"]),
        ("q=saas", ["trace"]),
        ("q=追溯&state=draft", []),
        ("sort=name", ["trace", "gateway"]),
    ],
)
def test_the_providers_products_filter_and_sort(
    own: dict[str, Product], world: Any, query: str, expected: list[str]
) -> None:
    response = world.client("provider").get(f"/catalog/mine/?{query}")
    assert listed(response) == [own[key].pk for key in expected]


def test_the_providers_products_say_what_the_page_is_for(market: Market, world: Any) -> None:
    client = world.client("provider")
    empty = html(client.get("/catalog/mine/"))
    assert "在这里登记本机构的小快轻准产品" in empty and "/catalog/mine/new/" in empty
    assert "服务商尚未入库" in empty  # the standing, above the list
    market.admit()
    market.product()
    none = html(client.get("/catalog/mine/?q=不存在&state=draft"))
    assert "没有符合筛选条件的产品。" in none and 'href="/catalog/mine/">清除筛选' in none


# ------------------------------------------------------------------------------------- the listing queue


@pytest.fixture
def queue(market: Market) -> dict[str, Product]:
    from dengta.catalog.services import products

    market.admit()
    other = market.other_provider()
    market.admit(other)
    pending = {}
    for key, provider, name, category in (
        ("trace", market.provider, "汽配质量追溯SaaS", "software"),
        ("gateway", market.provider, "设备联网网关", "hardware"),
        ("cloud", other, "云端排产", "software"),
    ):
        product = market.product(provider, name=name, category=category, listed=False)
        pending[key] = products.product_submit(actor=market.user("provider"), product=product)
    return pending


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["trace", "gateway", "cloud"]),  # oldest first: a queue
        ("category=hardware", ["gateway"]),
        ("category=furniture", ["trace", "gateway", "cloud"]),  # unknown: ignored
        ("q=追溯", ["trace"]),
        ("q=云智", ["cloud"]),  # the provider's name
        ("q=数智&category=software", ["trace"]),
        ("sort=name", ["cloud", "trace", "gateway"]),  # 云, 汽, 设
    ],
)
def test_the_listing_queue_filters_and_sorts(
    queue: dict[str, Product], world: Any, query: str, expected: list[str]
) -> None:
    response = world.client("ministry").get(f"/catalog/listings/?{query}")
    assert listed(response) == [queue[key].pk for key in expected]


def test_the_listing_queue_says_when_nothing_waits(world: Any, queue: dict[str, Product]) -> None:
    client = world.client("guangdong")
    # 深圳 (计划单列市) reports on its own: its provider's product is not in 广东's queue (DOMAIN.md 4.4)
    assert listed(client.get("/catalog/listings/")) == [queue["trace"].pk, queue["gateway"].pk]
    none = html(client.get("/catalog/listings/?q=不存在"))
    assert "没有符合筛选条件的待审核产品。" in none
    Product.objects.all().delete()
    assert "没有待审核的产品。" in html(client.get("/catalog/listings/"))


# ------------------------------------------------------------------------------------------ quote requests


@pytest.fixture
def inbox(market: Market, world: Any) -> dict[str, QuoteRequest]:
    market.admit()
    product = market.product()
    mine = quotes.quote_request(
        actor=market.user("enterprise"), enterprise=world.registered.own, products=[product]
    )
    other = QuoteRequest.objects.create(
        enterprise=world.registered.tianhe, provider=market.provider, requested_by=market.user("enterprise")
    )
    other.products.set([product])
    quotes.quote_answer(actor=market.user("provider"), quote=other, quote_yuan="20000", answer="含培训")
    return {"mine": mine, "other": other}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["other", "mine"]),  # newest first
        ("state=open", ["mine"]),
        ("state=answered", ["other"]),
        ("state=sold", ["other", "mine"]),  # unknown: ignored
        ("q=精工", ["other"]),  # the enterprise's name
        ("q=精密零部件", ["mine"]),
        ("q=数智", ["other", "mine"]),  # the provider's name
        ("q=数智&state=open", ["mine"]),
        ("sort=created", ["mine", "other"]),
    ],
)
def test_quote_requests_filter_and_sort(
    inbox: dict[str, QuoteRequest], world: Any, query: str, expected: list[str]
) -> None:
    response = world.client("provider").get(f"/catalog/quotes/?{query}")
    assert listed(response) == [inbox[key].pk for key in expected]


def test_quote_requests_say_what_the_page_is_for_to_each_side(world: Any, market: Market) -> None:
    provider = html(world.client("provider").get("/catalog/quotes/"))
    assert "还没有企业向本机构请求报价" in provider
    enterprise = html(world.client("enterprise").get("/catalog/quotes/"))
    assert "还没有报价请求。" in enterprise and 'href="/catalog/"' in enterprise
    none = html(world.client("enterprise").get("/catalog/quotes/?q=不存在"))
    assert "没有符合筛选条件的报价请求。" in none and 'href="/catalog/quotes/">清除筛选' in none


# ------------------------------------------------------------------------------------ the public catalogue


def test_a_catalogue_filter_that_cannot_be_read_is_said_and_kept(market: Market) -> None:
    market.admit()
    trace = market.product(name="汽配质量追溯SaaS")
    response = Client().get("/catalog/?q=追溯&days=三十&sort=-price")
    page = html(response)
    assert listed(response) == [trace.pk]  # days ignored, the search applied
    assert "“三十”不是数字" in page and 'value="三十"' in page and 'value="追溯"' in page
    assert 'aria-sort="descending"' in page
    assert "registry/_sort_th.html" not in page


def test_the_owner_level_filter_offers_the_ministry_and_each_authority_level(world: Any) -> None:
    response = world.client("guangzhou").get("/catalog/pools/")
    values = [o.value for o in response.context["filters"]["level"].options]
    assert values[1] == OrgType.MINISTRY and "province" in values and "city" in values
