"""The app's own error pages (ARCHITECTURE.md convention 15; UI.md: every page keeps the navigation).

400, 403, 404 and 409 render inside the app's layout, with the navigation when someone is logged in, a clear
title, the reason (for 403 the Decision's reason, passed as PermissionDenied's message; for 409 the
Conflict's) and a way back. 500 renders a self-contained template without context processors: the error may
be the database itself, so that page must need nothing but the template and the translation catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from dengta.core.decisions import Conflict


def _back_url(request: HttpRequest) -> str:
    """The page the person came from, when it is one of ours and not this one."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or urlsplit(referer).path == request.path:
        return ""
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 page for a foreign Host header must not fail on it again
        return ""
    secure = request.is_secure()
    allowed = url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=secure)
    return referer if allowed else ""


def _message(exception: BaseException | None) -> str:
    if exception is None:
        return ""
    if isinstance(exception, Conflict):
        return exception.reason
    return str(exception.args[0]) if exception.args and isinstance(exception.args[0], str) else ""


def _page(request: HttpRequest, template: str, status: int, reason: str = "", **extra: Any) -> HttpResponse:
    context = {"status": status, "reason": reason, "back_url": _back_url(request), **extra}
    return render(request, template, context, status=status)


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _page(request, "403.html", 403, _message(exception))


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    # Http404's message is for logs (a Decision.hidden reason must not tell outsiders what exists).
    return _page(request, "404.html", 404)


def conflict(request: HttpRequest, exception: Conflict) -> HttpResponse:
    return _page(request, "409.html", 409, _message(exception))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form was stale (usually a page left open past the session, or a second tab's logout)."""
    return _page(
        request, "403_csrf.html", 403, _("页面已过期或表单来源无法确认，请返回上一页刷新后重新提交。")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """No context processors, no database: loader.render_to_string without the request."""
    body = loader.get_template("500.html").render(
        {"status": 500, "home_url": "/", "static_url": settings.STATIC_URL}
    )
    return HttpResponse(body, status=500)


def number_out_of_range(exception: BaseException) -> bool:
    """Whether the database refused a number it cannot hold: SQLite's driver raises OverflowError for an
    integer beyond 64 bits, PostgreSQL answers SQLSTATE 22003 (numeric_value_out_of_range) for a value
    beyond its column. The number came with the request (a path id, a query parameter, a field): the
    request is wrong, not the server (OWASP ASVS 5.1.4, input bounded; a 400, never a 500)."""
    if isinstance(exception, OverflowError):
        return "too large to convert" in str(exception)
    if isinstance(exception, DataError):
        cause = exception.__cause__
        return getattr(cause, "sqlstate", None) == "22003"
    return False


def out_of_range_reason() -> str:
    return _("请求中的数字超出允许范围，请检查后重试")


class ConflictMiddleware:
    """A Conflict raised by ``require`` (dengta.core.decisions) answers 409 with the in-app page; a number the
    database cannot hold answers 400 with the reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Conflict):
            return conflict(request, exception)
        if number_out_of_range(exception):
            return _page(request, "400.html", 400, out_of_range_reason())
        return None
