"""Helpers shared by list pages: sorting by whitelisted columns, pagination (Excel export: core.exports)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from dengta.core.exports import EXPORT_MAX_ROWS, JOB_THRESHOLD

PAGE_SIZE = 25


def apply_sort(
    request: HttpRequest, qs: QuerySet[Any], allowed: dict[str, str], default: str
) -> tuple[QuerySet[Any], str]:
    """Order by ``?sort=key`` or ``?sort=-key`` when key is whitelisted; unknown keys fall back to default."""
    return sort_by(request.GET, qs, allowed, default)


def sort_by(
    params: QueryDict, qs: QuerySet[Any], allowed: dict[str, str], default: str
) -> tuple[QuerySet[Any], str]:
    """``apply_sort`` from query parameters alone: an export job sorts as the page it was started from."""
    raw = params.get("sort", default)
    key = raw.lstrip("-")
    if key not in allowed:
        raw, key = default, default.lstrip("-")
    field = allowed[key]
    prefix = "-" if raw.startswith("-") else ""
    return qs.order_by(f"{prefix}{field}", "pk"), raw


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int = PAGE_SIZE) -> dict[str, Any]:
    paginator = Paginator(qs, per_page)
    page: Page[Any] = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {
        "page_obj": page,
        "object_list": page.object_list,
        "querystring_without_page": f"{encoded}&" if encoded else "",
        "querystring": encoded,
        # Shown next to the export link before anyone starts it (core/_export_button.html).
        "export_limits": {
            "max": EXPORT_MAX_ROWS,
            "job": JOB_THRESHOLD,
            "max_text": f"{EXPORT_MAX_ROWS:,}",
            "job_text": f"{JOB_THRESHOLD:,}",
        },
    }
