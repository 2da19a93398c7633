"""The assessment list and API listing at scale (docs/lists.md): an index per sort, the wide columns left
unread, and a fixed number of queries however many rows a page lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import F, OrderBy
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dengta.assessment import selectors
from dengta.assessment.exports import SORTS, assessments_filtered
from dengta.assessment.models import Assessment, Framework, Kind, State
from dengta.core.lists import sort_by

pytestmark = pytest.mark.django_db


def _index_columns(index: Any) -> tuple[tuple[str, bool, bool], ...]:
    """(column, descending, nulls last) of each part of an index."""
    if index.fields:
        return tuple((f.lstrip("-"), f.startswith("-"), False) for f in index.fields)
    parts = []
    for expression in index.expressions:
        assert isinstance(expression, OrderBy) and isinstance(expression.expression, F)
        name = str(getattr(expression.expression, "name", ""))
        parts.append((name, expression.descending, bool(expression.nulls_last)))
    return tuple(parts)


def test_every_sort_of_the_list_reads_an_index_in_both_directions() -> None:
    indexes = {_index_columns(index) for index in Assessment._meta.indexes}
    for key, column in SORTS.items():
        if key == "enterprise":
            continue  # enterprise__name: the registry's name indexes, walked in order
        assert isinstance(column, str)
        assert ((column, False, False), ("id", False, False)) in indexes, key
        if Assessment._meta.get_field(column).null:
            # Empty values last when descending too (core.lists.order_expressions): a second index.
            assert ((column, True, True), ("id", True, False)) in indexes, key


def test_the_list_filters_walk_an_index_in_the_default_order() -> None:
    indexes = {_index_columns(index) for index in Assessment._meta.indexes}
    for column in ("state", "kind", "phase", "level"):
        assert ((column, False, False), ("created_at", False, False), ("id", False, False)) in indexes


def test_the_jurisdiction_join_is_covered_by_one_index() -> None:
    cover = next(index for index in Assessment._meta.indexes if index.name == "asmt_enterprise_cover")
    assert cover.fields == ["enterprise"]
    assert {"id", "kind", "state", "phase", "level", "framework"} <= set(cover.include)


def test_assessment_scans_are_planned_without_parallel_workers() -> None:
    """PostgreSQL: the table's storage parameter is set. SQLite has no parallel plans and no such
    parameter: the migration leaves its table as it was (no options in the table's definition)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'assessment_assessment'")
            (options,) = cursor.fetchone()
            assert "parallel_workers=0" in (options or [])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'assessment_assessment'")
            (sql,) = cursor.fetchone()
            assert sql.startswith('CREATE TABLE "assessment_assessment"') and "parallel" not in sql


def _rows(world: Any, n: int, *, framework: Framework | None = None, band: str = "") -> list[Assessment]:
    """Scored assessments written directly (the list does not care how they were scored)."""
    enterprise = world.registered.own
    framework = framework or world.frameworks["miit-2024-manufacturing"]
    user = world.members["enterprise"].user
    result = {"band": band, "band_zh": f"{band}档"} if band else {"scenario_levels": {"quality": 2}}
    return Assessment.objects.bulk_create(
        Assessment(
            enterprise=enterprise,
            framework=framework,
            kind=Kind.SELF,
            state=State.SCORED,
            author_organization=enterprise.organization,
            created_by=user,
            answers={"choices": {"base.equipment.network": ["B"]}},
            result=result,
            total=Decimal("45.5"),
            level=2,
        )
        for _ in range(n)
    )


def test_list_rows_leave_the_wide_columns_unread(world: Any) -> None:
    _rows(world, 2)
    qs, _values = assessments_filtered(world.viewer("ministry"), QueryDict())
    qs, _sort = sort_by(QueryDict(), qs, SORTS, "-created")
    row = next(iter(qs))
    assert {"answers", "result", "pledge_text", "coi_statement"} <= row.get_deferred_fields()
    assert {"size_explanation", "name_grams"} <= row.enterprise.get_deferred_fields()
    # The frameworks (each with its indicator tree) are read once, not joined onto every row.
    assert "assessment_framework" not in str(qs.query)


def _queries(client: Any, url: str, **headers: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(captured.captured_queries), response


def test_the_page_and_the_api_cost_the_same_queries_for_few_rows_and_many(world: Any) -> None:
    client = world.client("ministry")
    page, api = reverse("assessment:list"), reverse("api:assessment-list")
    json = {"HTTP_ACCEPT": "application/json"}
    _rows(world, 2)
    _rows(world, 1, framework=world.frameworks["eu-dma-sme"], band="Basic")
    few_page, _response = _queries(client, page)
    few_api, _response = _queries(client, api, **json)
    _rows(world, 30)
    _rows(world, 5, framework=world.frameworks["eu-dma-sme"], band="Basic")
    many_page, response = _queries(client, f"{page}?sort=total")
    many_api, api_response = _queries(client, api, **json)
    assert (many_page, many_api) == (few_page, few_api)
    # The EU DMA rows still show their band, from the result the list otherwise leaves unread.
    assert "Basic档" in response.content.decode()
    first = api_response.json()["results"][0]
    assert first["author_name"] and first["level_name"]


def test_bands_are_read_only_for_the_eu_dma_rows_of_the_page(world: Any) -> None:
    miit = _rows(world, 2)
    dma = _rows(world, 1, framework=world.frameworks["eu-dma-sme"], band="Advanced")
    viewer = world.viewer("ministry")
    rows = list(selectors.assessment_list_for(viewer).order_by("pk"))
    with CaptureQueriesContext(connection) as captured:
        selectors.with_bands(rows)
    assert len(captured.captured_queries) == 1
    by_pk = {row.pk: row for row in rows}
    assert by_pk[dma[0].pk].result["band"] == "Advanced"
    assert "result" in by_pk[miit[0].pk].get_deferred_fields()
    miit_only = [by_pk[a.pk] for a in miit]
    with CaptureQueriesContext(connection) as captured:
        selectors.with_bands(miit_only)
    assert not captured.captured_queries
