"""The performance evaluation page (绩效评价): the pilots of a batch scored and ranked with the city
indicator set, the providers that worked in it with the provider set, and a PDF per city. Ranks are over
the whole batch; each viewer sees the rows inside their jurisdiction (dengta.programmes Pilot.visible_to,
dengta.projects Project.visible_to)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dengta.analytics import evaluation, measures, permissions
from dengta.assessment import pdf as report_pdf
from dengta.assessment.views.exports import PDF, content_disposition
from dengta.core.access import get_visible_or_404, request_viewer
from dengta.core.decisions import require
from dengta.core.spreadsheets import Book
from dengta.programmes.models import Batch, Pilot
from dengta.projects.models import Project
from dengta.registry.models import Provider

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _batch(request: HttpRequest) -> Batch | None:
    raw = request.GET.get("batch", "")
    if raw:
        if not raw.isdigit() or len(raw) > 18:
            raise Http404
        found = Batch.objects.select_related("programme").filter(pk=int(raw)).first()
        if found is None:
            raise Http404
        return found
    # By default the batch whose pilots have the most projects (the one with most to evaluate), newest first.
    return (
        Batch.objects.select_related("programme")
        .filter(pilots__isnull=False)
        .annotate(projects=Count("pilots__projects"))
        .order_by("-projects", "-pk")
        .first()
    )


def city_results(batch: Batch) -> tuple[evaluation.IndicatorSet, list[evaluation.Result]]:
    indicators = evaluation.load("city")
    results = [evaluation.score(indicators, pk, m) for pk, m in measures.pilot_measures(batch).items()]
    return indicators, evaluation.ranked(results)


def provider_results(batch: Batch) -> tuple[evaluation.IndicatorSet, list[evaluation.Result]]:
    indicators = evaluation.load("provider")
    results = [evaluation.score(indicators, pk, m) for pk, m in measures.provider_measures(batch).items()]
    return indicators, evaluation.ranked(results)


@login_required
@require_safe
def evaluation_page(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_dashboards(viewer))
    batch = _batch(request)
    context: dict[str, Any] = {
        "batch": batch,
        "batches": list(
            Batch.objects.select_related("programme").filter(pilots__isnull=False).distinct().order_by("-pk")
        ),
        "crumbs": [(_("统计看板"), reverse("analytics:dashboard")), (_("绩效评价"), "")],
    }
    if batch is not None:
        cities, city_rows = city_results(batch)
        visible = set(Pilot.objects.visible_to(viewer).filter(batch=batch).values_list("pk", flat=True))
        pilots = Pilot.objects.select_related("authority").in_bulk([r.subject_id for r in city_rows])
        providers, provider_rows = provider_results(batch)
        seen = set(
            Project.objects.visible_to(viewer)
            .filter(pilot__batch=batch)
            .values_list("provider_id", flat=True)
        )
        names = Provider.objects.select_related("organization").in_bulk([r.subject_id for r in provider_rows])
        context.update(
            cities=cities,
            city_rows=[(pilots[r.subject_id], r) for r in city_rows if r.subject_id in visible],
            city_count=len(city_rows),
            providers=providers,
            provider_rows=[(names[r.subject_id], r) for r in provider_rows if r.subject_id in seen],
            provider_count=len(provider_rows),
        )
    if batch is not None and request.GET.get("export") == "xlsx":
        response = HttpResponse(_workbook(context), content_type=XLSX)
        filename = quote(f"{batch.display_title}-{_('绩效评价')}.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response
    return render(request, "analytics/evaluation.html", context)


def _sheet(book: Book, title: str, indicators: evaluation.IndicatorSet, rows: list[tuple[str, Any]]) -> None:
    headers = [_("排名"), _("名称"), *[i.name_zh for i in indicators.indicators], _("总分")]
    book.table(
        title,
        headers,
        [[r.rank, name, *[s.score.quantize(Decimal("0.1")) for s in r.scores], r.total] for name, r in rows],
    )


def _workbook(context: dict[str, Any]) -> bytes:
    """The page's two rankings (the rows the viewer sees), one sheet each."""
    book = Book()
    _sheet(book, _("试点"), context["cities"], [(p.authority.name, r) for p, r in context["city_rows"]])
    _sheet(
        book,
        _("服务商"),
        context["providers"],
        [(p.organization.name, r) for p, r in context["provider_rows"]],
    )
    return book.to_bytes()


@login_required
@require_safe
def evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_dashboards(viewer))
    pilot = get_visible_or_404(
        Pilot.objects.select_related("authority__region", "batch__programme"), viewer, pk=pk
    )
    cities, rows = city_results(pilot.batch)
    result = next(r for r in rows if r.subject_id == pilot.pk)
    html = render_to_string(
        "analytics/pdf/evaluation.html",
        {
            "pilot": pilot,
            "cities": cities,
            "result": result,
            "count": len(rows),
            "generated": timezone.localtime(),
            "page_counter": mark_safe(report_pdf.page_counter_content()),  # noqa: S308  (css_string escapes each part)
            "stylesheet": report_pdf.STYLESHEET,
        },
    )
    from weasyprint import HTML

    body = HTML(
        string=html, base_url=report_pdf.STATIC_ORIGIN, url_fetcher=report_pdf.static_fetcher()
    ).write_pdf()
    response = HttpResponse(body, content_type=PDF)
    response["Content-Disposition"] = content_disposition(
        f"evaluation-{pilot.pk}.pdf", f"{pilot.authority.name}-{_('绩效评价')}.pdf"
    )
    return response
