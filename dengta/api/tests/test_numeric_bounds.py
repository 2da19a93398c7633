"""Numbers too large for the database are the request's fault: 400 with the reason, never 500 (OWASP ASVS
5.1.4; MLPS 2.0 level 3, intrusion prevention: input checked). The three requests found answering 500 by a
penetration test, then a sweep: every integer query parameter of every API path in the OpenAPI schema, and
every page and API URL whose path takes integer ids, each given 10^20."""

# The assessment app's fixtures are imported below, so every test's ``world`` argument "redefines" one.
# ruff: noqa: F811

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from dengta.api.tests.test_assessment_api import URL, as_, start_self
from dengta.assessment.models import Assessment
from dengta.assessment.tests.conftest import (  # noqa: F401  (fixtures)
    frameworks,
    registered,
    self_assessment,
    sized,
    world,
)

pytestmark = pytest.mark.django_db
HUGE = 10**20
REASON = "请求中的数字超出允许范围"


@pytest.mark.parametrize("step", [HUGE, 2**63, 2**63 - 1, 1000])
def test_a_resume_step_beyond_the_questionnaire_is_400_and_nothing_is_written(world: Any, step: int) -> None:
    client = as_(world, "enterprise")
    pk = start_self(world)
    before = Assessment.objects.get(pk=pk).updated_at
    response = client.patch(f"{URL}{pk}/answers/", {"step": step}, format="json")
    assert response.status_code == 400, response.content
    assert "step" in response.json()  # the field named, with its bound
    assert Assessment.objects.get(pk=pk).updated_at == before


def test_an_enterprise_id_beyond_64_bits_in_a_filter_is_400_with_the_reason(world: Any) -> None:
    response = as_(world, "ministry").get(URL, {"enterprise": "99999999999999999999"})
    assert response.status_code == 400 and "enterprise" in response.json()


def test_a_number_the_database_cannot_hold_answers_400_with_the_reason_on_a_page(world: Any) -> None:
    """The safety net behind the bounds: a page whose number reaches the database unbounded gets the in-app
    400 page with the reason (here a page size far beyond 64 bits on a list that passes it to LIMIT)."""
    from django.http import HttpRequest

    from dengta.core.errors import ConflictMiddleware

    request = HttpRequest()
    request.user = world.members["ministry"].user
    overflow = OverflowError("Python int too large to convert to SQLite INTEGER")
    response = ConflictMiddleware(lambda r: None).process_exception(request, overflow)  # type: ignore[arg-type,return-value]
    assert response is not None and response.status_code == 400 and REASON in response.content.decode()
    from django.db import DataError
    from psycopg.errors import InvalidTextRepresentation, NumericValueOutOfRange

    from dengta.core.errors import number_out_of_range

    out_of_range = DataError("value out of range for type smallint")
    out_of_range.__cause__ = NumericValueOutOfRange("value out of range")  # PostgreSQL's SQLSTATE 22003
    other = DataError("invalid input syntax")
    other.__cause__ = InvalidTextRepresentation("invalid input syntax")
    assert number_out_of_range(out_of_range) and not number_out_of_range(other)
    unrelated = OverflowError("math range error")  # a fault of the server's own arithmetic stays a 500
    assert ConflictMiddleware(lambda r: None).process_exception(request, unrelated) is None  # type: ignore[arg-type,return-value]


def _schema_paths() -> dict[str, Any]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return dict(schema["paths"])


def _integer_params(operation: dict[str, Any], where: str) -> list[str]:
    return [
        p["name"]
        for p in operation.get("parameters", [])
        if p.get("in") == where and p.get("schema", {}).get("type") == "integer"
    ]


def test_every_integer_query_parameter_of_the_api_is_bounded(world: Any) -> None:
    """Each GET operation without path parameters, each integer query parameter set to 10^20 alone: the
    answer is never a 5xx (the test client raises on an unhandled exception, which fails the test too)."""
    client: APIClient = as_(world, "ministry")
    tried = 0
    for path, operations in _schema_paths().items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        for name in _integer_params(get, "query"):
            response = client.get(path, {name: str(HUGE)})
            tried += 1
            if response.status_code == 400:  # said in words, not a bare status
                assert response.json(), (path, name)
            assert response.status_code < 500, (path, name, response.status_code)
    assert tried >= 10  # the sweep reached the API's filters (pagination at least, on every list)


def _int_routes(resolver: URLResolver, prefix: str = "") -> list[tuple[str, list[str]]]:
    """(route, its integer converters' names) of every URL pattern whose parameters are all integers."""
    out: list[tuple[str, list[str]]] = []
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        route = prefix + str(pattern)
        if isinstance(entry, URLResolver):
            out += _int_routes(entry, route)
        elif isinstance(entry, URLPattern):
            converters = getattr(pattern, "converters", {})
            if converters and all(isinstance(c, IntConverter) for c in converters.values()):
                out.append((route, list(converters)))
    return out


def test_every_url_that_takes_integer_ids_answers_below_500_for_an_id_beyond_64_bits(world: Any) -> None:
    routes = _int_routes(get_resolver())
    assert len(routes) >= 40
    page, api = Client(), as_(world, "ministry")
    page.force_login(world.members["ministry"].user)
    for route, names in routes:
        path = "/" + route
        for name in names:
            path = path.replace(f"<int:{name}>", str(HUGE))
        client = api if path.startswith("/api/") else page
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
