"""The shared list machinery: keyset pages, cursors and labelled counts (dengta.core.lists)."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory

from dengta.core import lists
from dengta.core.lists import Count, count_rows, keyset_page, paginate, sort_by
from dengta.orgs.models import Organization
from dengta.registry.exports import ENTERPRISE_SORTS
from dengta.registry.models import Enterprise
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

COUNTIES = ("440106", "440305", "330106", "659001")


def make(cast: Any, n: int, *, employees: int | None = None, name: str = "") -> Enterprise:
    """An enterprise row written directly (the list machinery does not care how it was registered)."""
    region = cast.regions[COUNTIES[n % len(COUNTIES)]]
    org = OrganizationFactory.create(name=name or f"企业{n:04d}", type="enterprise", region=region)
    enterprise = Enterprise(
        organization=org,
        uscc=f"91{n:016d}",
        name=name or f"企业{n % 7:02d}号{n:04d}",
        region=region,
        industry=cast.industries["C3670" if n % 2 else "C3971"],
        # Few distinct values, so most rows tie on the sort column and the primary key decides.
        employees=employees if employees is not None else (n * 37) % 5,
        revenue=Decimal(n % 3) * Decimal("1000000.50"),
        total_assets=Decimal("100.00"),
        size_class="small",
        size_sector="industry",
        size_standard_version="test",
    )
    enterprise.save()
    return enterprise


@pytest.fixture
def many(cast: Any) -> list[Enterprise]:
    return [make(cast, n) for n in range(1, 48)]


def walk(qs: Any, per_page: int) -> list[int]:
    """The ids of every page, following ``next`` links from the first page."""
    seen: list[int] = []
    cursor = None
    for _ in range(1000):
        page = keyset_page(qs, cursor, per_page=per_page, count=False)
        seen.extend(obj.pk for obj in page)
        if not page.has_next:
            return seen
        cursor = page.next_cursor
    raise AssertionError("the walk never reached the last page")


@pytest.mark.parametrize("sort", sorted(ENTERPRISE_SORTS) + [f"-{k}" for k in sorted(ENTERPRISE_SORTS)])
def test_pages_hold_exactly_the_rows_of_the_ordered_query(many: list[Enterprise], sort: str) -> None:
    qs, _raw = sort_by(QueryDict(f"sort={sort}"), Enterprise.objects.all(), ENTERPRISE_SORTS, "name")
    expected = list(qs.values_list("pk", flat=True))
    assert len(expected) == len(many)
    assert walk(qs, per_page=6) == expected


def test_previous_links_walk_back_from_the_last_page(many: list[Enterprise]) -> None:
    qs, _raw = sort_by(QueryDict("sort=-employees"), Enterprise.objects.all(), ENTERPRISE_SORTS, "name")
    expected = list(qs.values_list("pk", flat=True))
    page = keyset_page(qs, lists.LAST, per_page=10, count=False)
    assert [e.pk for e in page] == expected[-10:]
    assert page.has_previous and not page.has_next
    backwards: list[int] = [e.pk for e in page][::-1]
    while page.has_previous:
        page = keyset_page(qs, page.previous_cursor, per_page=10, count=False)
        assert page.has_next
        backwards.extend(e.pk for e in reversed(page.object_list))
    assert backwards == expected[::-1]


def test_rows_inserted_while_paging_cause_no_gap_and_no_repeat(cast: Any, many: list[Enterprise]) -> None:
    qs, _raw = sort_by(QueryDict("sort=employees"), Enterprise.objects.all(), ENTERPRISE_SORTS, "name")
    before = set(qs.values_list("pk", flat=True))
    seen: list[int] = []
    cursor = None
    extra = 1000
    while True:
        page = keyset_page(qs, cursor, per_page=5, count=False)
        seen.extend(e.pk for e in page)
        # Rows sorting before, among and after the rows already shown arrive between two page views.
        for employees in (0, 2, 4):
            extra += 1
            make(cast, extra, employees=employees)
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)), "a row was shown twice"
    assert before <= set(seen), "a row that existed all along was skipped"


def test_nullable_sort_columns_put_empty_values_last_both_ways(cast: Any) -> None:
    # Organisations without a region (the ministry, the expert pool) sort after every region, either way.
    for n in range(12):
        OrganizationFactory.create(name=f"无地区机构{n}", type="expert_pool", region=None)
    for direction in ("region", "-region"):
        qs, _raw = sort_by(
            QueryDict(f"sort={direction}"),
            Organization.objects.all(),
            {"region": "region__code", "name": "name"},
            "name",
        )
        expected = list(qs.values_list("pk", flat=True))
        regions = list(qs.values_list("region_id", flat=True))
        assert regions[-1] is None and regions[0] is not None
        assert walk(qs, per_page=4) == expected
        page = keyset_page(qs, lists.LAST, per_page=4, count=False)
        assert [o.pk for o in page] == expected[-4:]


@pytest.mark.parametrize(
    "token",
    [
        "garbage!!",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(json.dumps(["after", ["x"]]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["sideways", ["a", 1]]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["after", [{"a": 1}, 1]]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["after", ["企业", "not-a-number"]]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["after", ["企业", 10**40]]).encode()).decode(),
    ],
)
def test_a_malformed_cursor_opens_the_first_page(many: list[Enterprise], token: str) -> None:
    qs = Enterprise.objects.order_by("name", "pk")
    page = keyset_page(qs, token, per_page=5, count=False)
    assert [e.pk for e in page] == list(qs.values_list("pk", flat=True)[:5])
    assert not page.has_previous


def test_the_list_page_follows_its_own_links(cast: Any, many: list[Enterprise]) -> None:
    client = cast.client("ministry")
    first = client.get("/registry/enterprises/", {"sort": "-employees"})
    assert first.status_code == 200
    links = first.context["links"]
    assert links["previous"] == "" and links["next"].startswith("?sort=-employees&cursor=")
    second = client.get("/registry/enterprises/" + links["next"])
    shown_first = [e.pk for e in first.context["object_list"]]
    shown_second = [e.pk for e in second.context["object_list"]]
    qs, _raw = sort_by(QueryDict("sort=-employees"), Enterprise.objects.all(), ENTERPRISE_SORTS, "name")
    assert shown_first + shown_second == list(qs.values_list("pk", flat=True))[:50]
    body = second.content.decode()
    assert "首页" in body and 'rel="prev"' in body
    last = client.get("/registry/enterprises/", {"sort": "-employees", "cursor": "last"})
    assert [e.pk for e in last.context["object_list"]] == list(qs.values_list("pk", flat=True))[-25:]


def test_sqlite_and_small_sets_count_exactly(many: list[Enterprise]) -> None:
    count = count_rows(Enterprise.objects.all())
    assert count == Count(len(many), "exact") and count.exact
    assert count.text() == f"共 {len(many):,} 条"


def test_a_large_set_shows_an_estimate_labelled_as_such(
    cast: Any, many: list[Enterprise], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "planner_rows", lambda qs: 1_036_412)
    count = count_rows(Enterprise.objects.all())
    assert count == Count(1_036_000, "estimate") and not count.exact
    assert count.text() == "约 1,036,000 条"
    body = cast.client("ministry").get("/registry/enterprises/").content.decode()
    assert "约 1,036,000 条" in body and 'data-count="estimate"' in body


def test_a_wrong_small_estimate_still_reads_at_most_the_limit(
    many: list[Enterprise], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "planner_rows", lambda qs: 3)
    assert count_rows(Enterprise.objects.all(), limit=10) == Count(10, "more_than")
    assert count_rows(Enterprise.objects.all(), limit=10).text() == "超过 10 条"
    assert count_rows(Enterprise.objects.all(), limit=100) == Count(len(many))


def test_postgresql_estimates_a_set_larger_than_the_limit(many: list[Enterprise]) -> None:
    if connection.vendor != "postgresql":
        # The embedded database has no planner estimate: every count is exact there.
        assert lists.planner_rows(Enterprise.objects.all()) is None
        assert count_rows(Enterprise.objects.all(), limit=10) == Count(len(many))
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_enterprise")
    estimate = lists.planner_rows(Enterprise.objects.all())
    assert estimate is not None and estimate > 0
    assert count_rows(Enterprise.objects.all(), limit=10).kind in {"estimate", "more_than"}
    assert count_rows(Enterprise.objects.all(), limit=1000) == Count(len(many))


def test_english_count_labels(many: list[Enterprise]) -> None:
    from django.utils import translation

    with translation.override("en"):
        assert Count(1_036_000, "estimate").text() == "about 1,036,000 rows"
        assert Count(20_000, "more_than").text() == "more than 20,000 rows"
        assert Count(3).text() == "3 rows"


def test_paginate_drops_the_cursor_from_the_links_it_builds(many: list[Enterprise]) -> None:
    request = RequestFactory().get("/x/", {"q": "企业", "cursor": "zzz", "page": "3"})
    context = paginate(request, Enterprise.objects.order_by("name", "pk"), per_page=5)
    assert context["querystring"] == "q=%E4%BC%81%E4%B8%9A"
    assert context["links"]["last"] == "?q=%E4%BC%81%E4%B8%9A&cursor=last"
