"""The reference pages before anything is loaded: they still answer, and say how to load the data.

Kept apart from test_views.py because the data loaded there stays for the rest of that module.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

PAGES = ["index", "region_list", "industry_list", "sub_industry_list", "size_standard"]


@pytest.mark.parametrize("page", PAGES)
def test_staff_see_every_page_even_before_loading(cast: Any, page: str) -> None:
    response = cast.client("guangzhou").get(reverse(f"reference:{page}"))
    assert response.status_code == 200


def test_empty_state_explains_how_to_load(cast: Any) -> None:
    body = cast.client("guangdong").get(reverse("reference:size_standard")).content.decode()
    assert "load_reference" in body
