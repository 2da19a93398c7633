"""The home page of every staff role costs a fixed number of queries, however many enterprises there are
(issue 14): its figures come from per-region tallies (dengta.core.tallies), never from a count of the
enterprises or their assessments."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dengta.core import tallies
from dengta.core.tests.test_tallies import county_member
from dengta.registry.tests.conftest import register

pytestmark = pytest.mark.django_db

STAFF = ("ministry", "guangdong", "guangzhou", "shenzhen", "xpcc", "oversight", "tianhe")
REGIONS = ("440106", "440305", "330106", "659001", "650100")
# The tables a per-request count would scan: the panels may join through them, never read them whole.
SCANNED = ('FROM "registry_enterprise"', 'FROM "assessment_assessment"')


def seed(cast: Any, first: int, count: int) -> None:
    for n in range(first, first + count):
        register(cast, REGIONS[n % len(REGIONS)], n, employees=5 + n * 37 % 900)


def home_queries(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_each_staff_home_page_costs_the_same_queries_with_10_or_50_enterprises(sized: Any) -> None:
    clients = {who: sized.client(who) for who in STAFF if who in sized.members}
    clients["tianhe"] = Client()
    clients["tianhe"].force_login(county_member(sized).user)
    assert set(clients) == set(STAFF)

    seed(sized, 100, 10)
    tallies.refresh_all()
    with_10 = {who: home_queries(client) for who, client in clients.items()}
    seed(sized, 200, 40)
    tallies.refresh_all()
    with_50 = {who: home_queries(client) for who, client in clients.items()}

    assert {who: len(q) for who, q in with_10.items()} == {who: len(q) for who, q in with_50.items()}
    for who, queries in with_50.items():
        scans = [sql for sql in queries if any(table in sql for table in SCANNED)]
        assert scans == [], who
