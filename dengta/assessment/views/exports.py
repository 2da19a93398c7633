"""Downloads of one assessment: the printable report (PDF) and its answers (Excel).

Thin: look the assessment up through the access helper (outsiders get 404), build the report data, render.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from dengta.assessment import excel, pdf
from dengta.assessment.dma import build_dma_report, is_dma
from dengta.assessment.models import Assessment
from dengta.assessment.report import build_report
from dengta.core.access import get_visible_or_404, request_viewer

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UNSAFE = re.compile(r"[^\w\-（）()·]+")


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    qs = Assessment.objects.select_related("enterprise", "enterprise__region", "framework")
    return get_visible_or_404(qs, request_viewer(request), pk=pk)


def content_disposition(ascii_name: str, display_name: str) -> str:
    """An attachment header with a plain ASCII ``filename`` for old clients and the UTF-8 ``filename*``
    (RFC 6266) that browsers prefer; both stripped of path separators, quotes and control characters."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name) or "download"
    stem, dot, ext = display_name.rpartition(".")
    safe = (_UNSAFE.sub("_", stem).strip("_") + dot + ext) if dot else _UNSAFE.sub("_", display_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe or fallback)}"


def _display_name(assessment: Assessment, what: str, ext: str) -> str:
    return f"{assessment.enterprise.name}-{what}-{assessment.pk}.{ext}"


@never_cache
@require_safe
@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not assessment.has_score:
        raise Http404  # a draft or a submission not yet scored has no report
    if is_dma(assessment):
        body = pdf.render_dma_pdf(build_dma_report(assessment, request_viewer(request)), request)
    else:
        # The printed report is an official document, issued in Chinese whatever the reader's page language:
        # the index's own wording (never our unofficial translation) and Chinese headings around it, so one
        # document never mixes the two languages. English readers have the report page.
        with translation.override(settings.LANGUAGE_CODE):
            body = pdf.render_pdf(build_report(assessment, request_viewer(request), official=True), request)
    response = HttpResponse(body, content_type=PDF)
    response["Content-Disposition"] = content_disposition(
        f"assessment-{assessment.pk}-report.pdf", _display_name(assessment, _("评测报告"), "pdf")
    )
    return response


@never_cache
@require_safe
@login_required
def answers_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if is_dma(assessment):
        body = excel.dma_workbook(build_dma_report(assessment, request_viewer(request)))
    else:
        body = excel.answers_workbook(build_report(assessment, request_viewer(request)))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(
        f"assessment-{assessment.pk}-answers.xlsx", _display_name(assessment, _("评测答卷"), "xlsx")
    )
    return response


urlpatterns = [
    path("<int:pk>/report.pdf", report_pdf, name="report_pdf"),
    path("<int:pk>/answers.xlsx", answers_xlsx, name="answers_xlsx"),
]
