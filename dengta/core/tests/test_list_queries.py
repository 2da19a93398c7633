"""Every list page and API listing answers with a fixed number of queries, however many rows it lists.

A list that ran one query per row (a missing select_related) or counted its rows more than once would be
invisible with the few rows of a test and ruinous with a million; the count is pinned per page here and
must not grow with the rows (ARCHITECTURE.md convention 17: the list machinery is shared).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dengta.core.tests.test_lists import make

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
]


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def test_query_counts_do_not_grow_with_the_rows(cast: Any) -> None:
    clients = {who: cast.client(who) for who in {who for who, _url, _n in PAGES}}
    extra = 1 if connection.vendor == "postgresql" else 0
    pinned = {(who, url): n + extra for who, url, n in PAGES}
    for n in range(1, 4):
        make(cast, n)
    few = {(who, url): queries(clients[who], url) for who, url, _n in PAGES}
    assert few == pinned
    for n in range(4, 64):
        make(cast, n)
    many = {(who, url): queries(clients[who], url) for who, url, _n in PAGES}
    assert many == pinned
