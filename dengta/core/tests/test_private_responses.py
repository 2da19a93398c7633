"""Signed-in pages and the API are never stored by a browser's or a proxy's cache (Cache-Control: no-store,
private); public pages keep their own caching (dengta.core.middleware.PrivateResponseMiddleware)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def directives(response: Any) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("who", ["ministry", "enterprise", "provider", "oversight"])
def test_a_signed_in_page_is_never_stored(cast: Any, who: str) -> None:
    response = cast.client(who).get("/")
    assert response.status_code == 200
    assert {"no-store", "private"} <= directives(response)


def test_a_refusal_to_a_signed_in_person_is_never_stored_either(cast: Any) -> None:
    response = cast.client("enterprise").get(reverse("projects:payment_queue"))
    assert response.status_code == 403 and {"no-store", "private"} <= directives(response)


def test_the_api_is_never_stored_unless_its_view_made_the_answer_public(cast: Any) -> None:
    anonymous = Client().get("/api/v1/products/")  # the public catalogue: cacheable by its view's choice
    assert anonymous.status_code == 200 and directives(anonymous) == {"public", "max-age=300"}
    refused = Client().get("/api/v1/enterprises/")  # not public: 401 or 403, never stored
    assert refused.status_code in (401, 403) and {"no-store", "private"} <= directives(refused)
    member = cast.client("ministry").get("/api/v1/enterprises/")
    assert member.status_code == 200 and {"no-store", "private"} <= directives(member)


def test_a_page_a_view_made_public_is_never_stored_for_a_signed_in_person(cast: Any) -> None:
    response = cast.client("enterprise").get(reverse("catalog:catalogue"))
    assert response.status_code == 200
    assert {"no-store", "private"} <= directives(response) and "public" not in directives(response)


def test_a_public_page_to_an_anonymous_visitor_keeps_its_own_caching() -> None:
    response = Client().get(reverse("catalog:catalogue"))
    assert response.status_code == 200 and "no-store" not in directives(response)
