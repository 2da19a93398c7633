"""Keyset pagination for every API listing, on the pages' machinery (dengta.core.lists).

A listing answers ``{"count", "count_exact", "next", "previous", "results"}``. ``next`` and ``previous``
are links carrying an opaque ``cursor``; ``cursor=last`` opens the last page. The count is exact for a
small set and the database's estimate for a large one (``count_exact`` false): an exact count of a
million rows on every request would cost more than the page itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from dengta.core.lists import CURSOR_PARAM, KeysetPage, keyset_page

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class KeysetPagination(BasePagination):
    page_size_param = "page_size"

    def __init__(self) -> None:
        self.page: KeysetPage | None = None
        self.request: Request | None = None

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_param, "")
        if raw.isdigit() and len(raw) <= 4:
            return max(1, min(int(raw), MAX_PAGE_SIZE))
        return DEFAULT_PAGE_SIZE

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        if not isinstance(queryset, QuerySet):
            raise TypeError("API listings page through querysets")
        self.request = request
        self.page = keyset_page(
            queryset, request.query_params.get(CURSOR_PARAM), per_page=self._page_size(request)
        )
        return self.page.object_list

    def _link(self, token: str) -> str | None:
        if not token or self.request is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), CURSOR_PARAM, token)

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        return Response(
            {
                "count": self.page.count.value,
                "count_exact": self.page.count.exact,
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "count_exact", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "rows listed: exact when count_exact, else the database's estimate",
                    "example": 123,
                },
                "count_exact": {"type": "boolean"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": "position from a previous page's next/previous link; 'last' for the last page",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_param,
                "required": False,
                "in": "query",
                "description": f"rows per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
