"""The changes queue and its API listing at national scale (docs/lists.md): an index per order they list in,
the region filter on the enterprise already joined for the jurisdiction, the people fetched for the page's
rows rather than joined, and a query count that does not grow with the rows. The prefecture indexes of the
enterprise list are checked here too."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dengta.registry import selectors, services
from dengta.registry.models import Enterprise, EnterpriseChange

from .conftest import Registered, register

pytestmark = pytest.mark.django_db
API = "/api/v1/enterprise-changes/"


def index_fields(model: Any) -> list[list[str]]:
    return [list(index.fields) for index in model._meta.indexes]


def test_every_order_the_queue_and_the_api_list_in_has_an_index() -> None:
    fields = index_fields(EnterpriseChange)
    assert ["state", "submitted_at", "id"] in fields  # the pending queue, both directions (cursor=last)
    assert ["submitted_at", "id"] in fields  # every state: the model's ordering, newest first
    assert ["state", "id"] in fields  # the API: by id within a state


def test_a_prefecture_has_its_own_run_of_the_columns_that_follow_the_place() -> None:
    fields = index_fields(Enterprise)
    for column in ("uscc", "region_id", "industry_id"):
        assert ["province_code", "prefecture_code", column, "id"] in fields


def test_the_region_filter_uses_the_joined_enterprise(registered: Registered, cast: Any) -> None:
    qs = selectors.changes_for(cast.viewer("guangdong"), selectors.ChangeFilters(region="440100"))
    sql = str(qs.query)
    assert sql.count('JOIN "registry_enterprise" ') == 1  # the jurisdiction's join, once
    assert "SELECT U0" not in sql  # no subquery of the region's enterprises
    assert '"registry_enterprise"."prefecture_code" = 440100' in sql


def test_the_people_are_not_joined_into_the_list_query(registered: Registered, cast: Any) -> None:
    assert "accounts_user" not in str(selectors.changes_for(cast.viewer("ministry")).query)


def submit_changes(cast: Any, first: int, count: int) -> None:
    for n in range(first, first + count):
        enterprise = register(cast, "440106", 100 + n)
        change = services.enterprise_change_submit(
            actor=cast.members["ministry"].user, enterprise=enterprise, employees=str(100 + n)
        )
        assert change is not None


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def test_the_queue_and_the_api_cost_the_same_queries_for_two_rows_as_for_twelve(
    registered: Registered, cast: Any
) -> None:
    client = cast.client("guangdong")
    page = reverse("registry:change_list")
    submit_changes(cast, 0, 2)
    few = (queries(client, page), queries(client, API))
    submit_changes(cast, 2, 10)
    many = (queries(client, page), queries(client, API))
    assert few == many
    rows = client.get(API).json()["results"]
    assert len(rows) == 12 and {r["proposed_size_class"] for r in rows} <= {"micro", "small"}
    assert all(r["submitted_by"] for r in rows)
