"""The catalogue in English: every page's chrome and texts are English once a visitor switches language.

UI.md ("Language and numbers"): zh-hans first, English complete. The catalogue's pages mix the product's own
words (translated in locale/en/LC_MESSAGES/django.po) with data that stays as it was entered: the cast's
organisations and regions, products, pools, sub-industries, application references. The checks below take
that data out of the page and then require that no Chinese character is left, so an untranslated heading,
button, table header, filter label, status, message or sentence fails the test with the words it found, and
so does Chinese punctuation left between translated words and data (a full-width colon or bracket).

The assessment framework's own texts (scenario, item and option names) are not data here: the catalogue
shows them through ``dengta.assessment.texts.for_display``, in English from the index's translation file, so
a Chinese scenario name left on an English page fails the check too.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from typing import Any

import pytest
from django.test import Client

from dengta.assessment.tests.conftest import self_assessment
from dengta.catalog.models import Admission, Pool, Product, QuoteRequest
from dengta.catalog.services import products, quotes
from dengta.catalog.tests.conftest import Market
from dengta.core.tests.test_translations import CJK_PUNCTUATION, HAN_RUN
from dengta.orgs.models import Organization
from dengta.reference.models import Industry, Region, SubIndustry

pytestmark = pytest.mark.django_db

# Written in Chinese on purpose: the language switch names Chinese in Chinese (<button lang="zh-hans">).
_CHINESE_ON_PURPOSE = re.compile(r'<(button|a|span)\b[^>]*\blang="zh-hans"[^>]*>.*?</\1>', re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def data_texts() -> list[str]:
    """What people and the index wrote, longest first (a name inside a longer text goes with the text)."""
    texts: set[str] = set()
    texts.update(Organization.objects.values_list("name", flat=True))
    texts.update(Region.objects.values_list("name", flat=True))
    texts.update(Industry.objects.values_list("name", flat=True))
    texts.update(SubIndustry.objects.values_list("name", flat=True))
    texts.update(Pool.objects.values_list("name", flat=True))
    for product in Product.objects.all():
        texts.update((product.name, product.description, product.price_unit, product.references))
    for admission in Admission.objects.all():
        texts.update((admission.qualifications, admission.security_certification))
        texts.update(_strings(admission.references))
    for message, answer in QuoteRequest.objects.values_list("message", "answer"):
        texts.update((message, answer))
    return sorted((t for t in texts if t and HAN_RUN.search(t)), key=len, reverse=True)


def chinese_left(page: str, data: list[str]) -> list[str]:
    """The Chinese words of a page once scripts, the language switch and the data are taken out."""
    text = html_lib.unescape(_CHINESE_ON_PURPOSE.sub("", _SCRIPT.sub("", page)))
    for value in data:
        text = text.replace(value, "")
    return sorted(set(HAN_RUN.findall(text)) | set(CJK_PUNCTUATION.findall(text)))


def english(client: Client) -> Client:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/catalog/"})
    assert response.status_code == 302
    return client


@pytest.fixture
def scene(market: Market, world: Any) -> dict[str, Any]:
    """An enterprise at Level 1 by its scenarios, the cast provider admitted with two listed products that
    together take it to Level 2, one product waiting for review and one quote request."""

    def lifts(*codes: str) -> list[dict[str, Any]]:
        return [{"kind": "scenario", "code": code, "level": 2} for code in codes]

    self_assessment(world, level=1)
    admission = market.admit()
    trace = market.product(name="质量追溯SaaS", lifts=lifts("quality", "equipment", "safety"))
    planning = market.product(
        name="工艺排程", lifts=lifts("process_design", "after_sales", "planning_scheduling")
    )
    draft = market.product(name="能耗看板", lifts=lifts("energy"), listed=False)
    waiting = products.product_submit(actor=market.user("provider"), product=draft)
    quote = quotes.quote_request(
        actor=market.user("enterprise"),
        enterprise=world.registered.own,
        products=[trace],
        message="希望三个月内上线",
        sub_industry=market.sub_industry(),
    )
    return {
        "admission": admission,
        "trace": trace,
        "planning": planning,
        "waiting": waiting,
        "quote": quote,
    }


def pages(market: Market, scene: dict[str, Any]) -> list[tuple[str | None, str, str]]:
    """(who, url, an English text the page must show): None is an anonymous visitor."""
    trace, planning = scene["trace"], scene["planning"]
    return [
        (None, "/catalog/", "Catalogue of small, fast, light and precise products"),
        (None, f"/catalog/products/{trace.pk}/", "Pilot price"),
        (None, f"/catalog/products/{trace.pk}/", "Quality management"),  # a scenario, from the index's file
        (None, f"/catalog/providers/{market.provider.pk}/", "Listed products"),
        ("guangzhou", "/catalog/pools/", "Provider pools"),
        ("guangzhou", f"/catalog/pools/{market.pool.pk}/", "Applications and admitted providers"),
        ("guangzhou", f"/catalog/admissions/{scene['admission'].pk}/", "Annual review checklist"),
        ("guangzhou", "/catalog/listings/", "Product listing review"),
        ("guangzhou", "/catalog/concentration/", "Market concentration"),
        ("provider", "/catalog/mine/", "Your products"),
        ("provider", f"/catalog/mine/{scene['waiting'].pk}/", "Product details"),
        ("provider", "/catalog/mine/new/", "Price and delivery"),
        ("provider", "/catalog/standing/", "Your admissions and rating"),
        ("provider", "/catalog/quotes/", "Quote requests"),
        ("provider", f"/catalog/quotes/{scene['quote'].pk}/", "Answer the quote request"),
        ("enterprise", "/catalog/recommendations/", "Product recommendations for"),
        ("enterprise", "/catalog/shortlist/", "Shortlist"),
        ("enterprise", f"/catalog/compare/?ids={trace.pk},{planning.pk}", "Compare products"),
        ("enterprise", f"/catalog/compare/?ids={trace.pk},{planning.pk}", "Quality management"),
        ("enterprise", f"/catalog/quotes/new/?products={planning.pk}", "Send the quote request"),
    ]


def test_catalogue_pages_are_english_apart_from_data(
    market: Market, world: Any, scene: dict[str, Any]
) -> None:
    data = data_texts()
    clients = {who: english(world.client(who)) for who in ("guangzhou", "provider", "enterprise")}
    anonymous = english(Client())
    problems: list[str] = []
    for who, url, expected in pages(market, scene):
        response = (clients[who] if who else anonymous).get(url)
        assert response.status_code == 200, (who, url, response.status_code)
        page = response.content.decode()
        if '<html lang="en">' not in page:
            problems.append(f"{who} {url}: not in English (<html lang> is not en)")
        if expected not in page:
            problems.append(f"{who} {url}: {expected!r} is not on the page")
        if left := chinese_left(page, data):
            problems.append(f"{who} {url}: Chinese left: {left}")
    assert not problems, "\n".join(problems)


def test_recommendations_explain_in_english(market: Market, world: Any, scene: dict[str, Any]) -> None:
    page = english(world.client("enterprise")).get("/catalog/recommendations/").content.decode()
    assert "Reaches Level 2" in page and "Why this bundle" in page
    assert "requires at least 6 scenarios at Level 2" in page
    assert "Raises the “" in page and "” scenario from Level 1 to Level 2" in page
    assert not chinese_left(page, data_texts())


def test_form_errors_and_messages_are_english(market: Market, world: Any) -> None:
    market.admit()
    client = english(world.client("provider"))
    data = {
        "name": "云 MES",
        "description": "轻量 MES",
        "category": "software",
        "deployment": "saas",
        "list_price": "10000",
        "pilot_price": "12000",
        "price_unit": "set",
        "delivery_days": "30",
        "lift-quality": "2",
    }
    page = client.post("/catalog/mine/new/", data).content.decode()
    assert "The pilot price cannot be higher than the list price" in page
    assert not chinese_left(page, [*data_texts(), "云 MES", "轻量 MES"])
    response = client.post("/catalog/mine/new/", {**data, "pilot_price": "9000"}, follow=True)
    page = response.content.decode()
    assert "Product saved as a draft" in page and not chinese_left(page, data_texts())


def test_the_check_finds_chinese_chrome(market: Market, world: Any, scene: dict[str, Any]) -> None:
    """Without the switch the same page is Chinese, and the check says so (it is not vacuous)."""
    page = world.client("provider").get("/catalog/mine/").content.decode()
    left = chinese_left(page, data_texts())
    assert "本机构产品" in left and "新增产品" in left
    assert chinese_left("<h1>服务商库</h1><p>广州数智服务有限公司</p>", ["广州数智服务有限公司"]) == [
        "服务商库"
    ]
