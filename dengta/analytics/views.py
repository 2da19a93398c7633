"""The dashboard page (PRODUCT.md 7): a region's headline figures, its child regions on a map (the
country's provinces) and in charts and a table that drills down, filtered by batch or programme; every
table exportable to Excel. Read from the per-region tallies (dengta.analytics.dashboard); an unknown or
out-of-jurisdiction region, batch or programme is a 404, not an empty chart."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dengta.analytics import permissions, selectors
from dengta.analytics.dashboard import Dashboard, chart_data, dashboard
from dengta.core.access import request_viewer
from dengta.core.decisions import require
from dengta.core.spreadsheets import Book
from dengta.programmes.models import Batch, Programme

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _id(raw: str | None) -> int | None:
    """A filter's id: absent is None; anything but a plain positive number names nothing (404)."""
    if raw in (None, ""):
        return None
    assert raw is not None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    return int(raw)


def _scope(request: HttpRequest) -> selectors.Scope:
    viewer = request_viewer(request)
    batch, programme = _id(request.GET.get("batch")), _id(request.GET.get("programme"))
    if batch is not None and programme is not None:
        programme = None  # the batch names its programme already
    return selectors.scope_of(
        viewer, region=(request.GET.get("region") or "").strip()[:12], batch=batch, programme=programme
    )


def _workbook(board: Dashboard) -> bytes:
    headers = [
        _("地区"),
        _("区划代码"),
        _("企业数"),
        _("试点企业数"),
        _("规上试点企业数"),
        _("其中二级及以上"),
        _("二级及以上占比（%）"),
        _("下达资金（元）"),
        _("已承诺（元）"),
        _("已拨付（元）"),
    ]
    total = (
        _("合计"),
        board.scope.region.code if board.scope.region is not None else "",
        board.figures,
        board.share_pct,
    )
    lines = [(row.region.display_name, row.region.code, row.figures, row.share_pct) for row in board.rows]
    rows = [
        [
            name,
            code,
            f.enterprises,
            f.pilot_enterprises,
            f.pilot_gs,
            f.pilot_gs_at_level2_plus,
            share,
            f.allocated_yuan,
            f.committed_yuan,
            f.paid_yuan,
        ]
        for name, code, f, share in [*lines, total]
    ]
    book = Book()
    book.table(_("分地区"), headers, rows)
    return book.to_bytes()


def _filters() -> dict[str, Any]:
    return {
        "batches": list(Batch.objects.select_related("programme").order_by("programme__code", "code")),
        "programmes": list(Programme.objects.order_by("code")),
    }


@login_required
@require_safe
def dashboard_page(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_dashboards(viewer))
    board = dashboard(viewer, _scope(request))
    if request.GET.get("export") == "xlsx":
        name = board.scope.region.display_name if board.scope.region is not None else _("全国")
        response = HttpResponse(_workbook(board), content_type=XLSX)
        filename = quote(f"{name}-{_('试点统计')}.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response
    query = request.GET.copy()
    query.pop("region", None)
    query.pop("export", None)
    context = {
        "board": board,
        "charts": chart_data(board),
        "keep": query.urlencode(),
        "sees_all": viewer.sees_all,
        "crumbs": [(_("统计看板"), "")],
        **_filters(),
    }
    return render(request, "analytics/dashboard.html", context)
