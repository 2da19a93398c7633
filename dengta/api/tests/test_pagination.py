"""API listings page by keyset: next/previous links with a cursor, ``cursor=last``, a labelled count."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from dengta.core.tests.test_lists import make
from dengta.registry.models import Enterprise

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"


@pytest.fixture
def api(cast: Any) -> APIClient:
    for n in range(1, 24):
        make(cast, n)
    client = APIClient()
    client.force_authenticate(cast.members["ministry"].user)
    return client


def test_next_links_walk_every_row_once(api: APIClient) -> None:
    body = api.get(URL, {"page_size": "5"}).json()
    assert set(body) == {"count", "count_exact", "next", "previous", "results"}
    assert body["count"] == Enterprise.objects.count() and body["count_exact"] is True
    assert body["previous"] is None
    ids = [row["id"] for row in body["results"]]
    while body["next"]:
        assert "cursor=" in body["next"] and "page_size=5" in body["next"]
        body = api.get(body["next"]).json()
        assert body["previous"] is not None
        ids.extend(row["id"] for row in body["results"])
    assert ids == list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))


def test_cursor_last_and_previous(api: APIClient) -> None:
    expected = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    last = api.get(URL, {"page_size": "5", "cursor": "last"}).json()
    assert [row["id"] for row in last["results"]] == expected[-5:]
    assert last["next"] is None and last["previous"] is not None
    before = api.get(last["previous"]).json()
    assert [row["id"] for row in before["results"]] == expected[-10:-5]


@pytest.mark.parametrize("size", ["0", "-3", "abc", "99999999999999999999", "1e3"])
def test_a_bad_page_size_falls_back_to_a_valid_one(api: APIClient, size: str) -> None:
    response = api.get(URL, {"page_size": size})
    assert response.status_code == 200
    assert 1 <= len(response.json()["results"]) <= 50


def test_page_size_is_capped(api: APIClient, cast: Any) -> None:
    for n in range(100, 330):
        make(cast, n)
    assert len(api.get(URL, {"page_size": "500"}).json()["results"]) == 200


def test_a_forged_cursor_is_the_first_page(api: APIClient) -> None:
    first = api.get(URL, {"page_size": "5"}).json()
    forged = api.get(URL, {"page_size": "5", "cursor": "eyJ4IjoxfQ"})
    assert forged.status_code == 200 and forged.json()["results"] == first["results"]


def test_the_schema_describes_the_pagination(api: APIClient) -> None:
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    listing = schema["paths"][URL]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"cursor", "page_size"}
    page = schema["components"]["schemas"]["PaginatedEnterpriseList"]
    assert set(page["required"]) == {"count", "count_exact", "next", "previous", "results"}
