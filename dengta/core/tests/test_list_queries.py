"""Every list page and API listing answers with a fixed number of queries, however many rows it lists.

A list that ran one query per row (a missing select_related) or counted its rows more than once would be
invisible with the few rows of a test and ruinous with a million; the count is pinned per page here and
must not grow with the rows (ARCHITECTURE.md convention 17: the list machinery is shared).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dengta.catalog.models import Admission, Pool, Product, ProductLift, QuoteRequest
from dengta.core.tests.test_lists import make
from dengta.registry.models import Enterprise, Provider
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

# (who, url, queries on SQLite): what one request costs, session, viewer and navigation included.
# PostgreSQL asks the planner for its estimate first (dengta.core.lists.count_rows): one query more.
PAGES = [
    ("ministry", "/registry/enterprises/", 8),
    ("ministry", "/registry/enterprises/?sort=-employees&q=企业", 8),
    ("ministry", "/registry/enterprises/?cursor=last", 8),
    ("guangdong", "/registry/enterprises/?sort=uscc", 9),
    ("guangzhou", "/registry/enterprises/?region=440106&industry=C36", 10),
    ("ministry", "/registry/providers/", 8),  # the kinds filter reads its table
    ("guangdong", "/registry/changes/", 8),
    ("ministry", "/assessments/", 7),
    ("ministry", "/orgs/", 6),
    ("ministry", "/orgs/?sort=-region", 6),
    ("oversight", "/events/", 9),
    ("ministry", "/inbox/", 7),
    ("ministry", "/reference/regions/", 7),
    ("ministry", "/reference/industries/", 8),
    ("ministry", "/api/v1/enterprises/", 6),
    ("guangzhou", "/api/v1/enterprises/?cursor=last", 8),
    ("ministry", "/api/v1/organizations/", 6),
    ("ministry", "/api/v1/assessments/", 6),
    ("guangdong", "/api/v1/enterprise-changes/", 8),
    ("ministry", "/api/v1/regions/", 6),
    # The catalogue (dengta.catalog): rows from make_catalogue below; "{pool}" is the first pool's id.
    ("anonymous", "/catalog/", 6),  # lifts: one prefetch for the page
    ("ministry", "/catalog/", 10),
    ("anonymous", "/catalog/?q=追溯&category=software", 6),
    ("anonymous", "/catalog/?sort=-price&days=abc", 6),
    ("ministry", "/catalog/pools/", 8),
    ("guangdong", "/catalog/pools/", 9),
    ("provider", "/catalog/pools/?period=2026&open=1", 9),  # its applications
    ("ministry", "/catalog/pools/{pool}/", 9),  # the pool, its kinds
    ("guangzhou", "/catalog/pools/{pool}/?state=admitted&sort=-updated", 10),
    ("provider", "/catalog/quotes/", 6),
    ("ministry", "/catalog/quotes/?q=企业&state=open", 6),
    ("provider", "/catalog/mine/", 8),  # its standing
    ("provider", "/catalog/mine/?state=listed&sort=name", 8),
    ("ministry", "/catalog/listings/", 6),
    ("guangdong", "/catalog/listings/?q=追溯&category=software", 7),
]


def make_catalogue(cast: Any, n: int, enterprise: Enterprise) -> None:
    """Catalogue rows written directly, as ``make`` writes enterprises: a pool, a provider admitted to the
    first pool, a listed and a pending product with two lifts each from the cast's provider (admitted to
    the first pool), and a quote request to it from the enterprise ``make`` wrote."""
    own, _created = Provider.objects.get_or_create(
        organization=cast.orgs["provider"], defaults={"uscc": "91440106MA5ABCDE99", "kind_id": "scenario"}
    )
    first = Pool.objects.order_by("pk").first()
    pool = Pool.objects.create(owner=cast.orgs["guangzhou"], name=f"服务商库{n:04d}", period=2026 - n % 3)
    if first is None:
        first = pool
        Admission.objects.create(pool=pool, provider=own, kind_id="scenario", state="admitted")
    org = OrganizationFactory.create(name=f"服务商{n:04d}", type="provider", region=cast.regions["440106"])
    other = Provider.objects.create(organization=org, uscc=f"92{n:016d}", kind_id="integrated")
    Admission.objects.create(pool=first, provider=other, kind_id="integrated", state="admitted")
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n)
    for state in ("listed", "pending"):
        product = Product(
            provider=own,
            name=f"质量追溯{n:04d}" if n % 2 else f"设备联网{n:04d}",
            description="轻量化的质量管理与追溯系统",
            category="software" if n % 3 else "hardware",
            deployment="saas",
            list_price=Decimal(30000 + n),
            pilot_price=Decimal(24000 + n),
            delivery_days=n % 60 + 1,
            framework_code="miit-2024",
            framework_version="1",
            state=state,
            submitted_at=now,
            listed_at=now if state == "listed" else None,
            rating=n % 5 + 1,
        )
        product.save()
        ProductLift.objects.create(product=product, kind="scenario", code="quality", level=2)
        ProductLift.objects.create(product=product, kind="item", code="base.equipment.network", options=["C"])
    QuoteRequest.objects.create(
        enterprise=enterprise, provider=own, requested_by=cast.members["enterprise"].user, state="open"
    )


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def test_query_counts_do_not_grow_with_the_rows(cast: Any) -> None:
    clients = {
        who: Client() if who == "anonymous" else cast.client(who) for who in {who for who, _url, _n in PAGES}
    }
    extra = 1 if connection.vendor == "postgresql" else 0
    pinned = {(who, url): n + extra for who, url, n in PAGES}
    for n in range(1, 4):
        make_catalogue(cast, n, make(cast, n))
    pool = Pool.objects.order_by("pk").values_list("pk", flat=True)[0]

    def count(who: str, url: str) -> int:
        return queries(clients[who], url.format(pool=pool))

    few = {(who, url): count(who, url) for who, url, _n in PAGES}
    assert few == pinned
    for n in range(4, 64):
        make_catalogue(cast, n, make(cast, n))
    many = {(who, url): count(who, url) for who, url, _n in PAGES}
    assert many == pinned
