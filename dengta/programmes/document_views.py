"""Downloads of programme administration: the printable application (申报书 PDF), one application's pools
and a batch's review table (Excel). Thin: look up through the access helper (outsiders get 404), ask the
permission (insiders without it get 403 with the reason), build, answer (ARCHITECTURE.md conventions 3, 15).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from dengta.assessment.views.exports import PDF, content_disposition
from dengta.core.access import get_visible_or_404, request_viewer
from dengta.core.decisions import require
from dengta.core.spreadsheets import XLSX_CONTENT_TYPE
from dengta.programmes import exports, pdf, permissions
from dengta.programmes.documents import application_document
from dengta.programmes.models import Application, Batch


def _application(request: HttpRequest, pk: int) -> Application:
    """The application as its page finds it: visible to the viewer (else 404), then the page's permission."""
    viewer = request_viewer(request)
    application = get_visible_or_404(
        Application.objects.select_related("batch__programme", "applicant__region"), viewer, pk=pk
    )
    require(permissions.can_view_applications(viewer))
    return application


def _download(body: bytes, content_type: str, ascii_name: str, display_name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(ascii_name, display_name)
    return response


@never_cache
@require_safe
@login_required
def application_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    return _download(
        pdf.render_pdf(application),
        PDF,
        f"application-{application.pk}.pdf",
        f"{application.applicant.name}-{application.batch.display_title}-{_('试点申报书')}.pdf",
    )


@never_cache
@require_safe
@login_required
def application_pools_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    return _download(
        exports.pools_workbook(application_document(application)),
        XLSX_CONTENT_TYPE,
        f"application-{application.pk}-pools.xlsx",
        f"{application.applicant.name}-{application.batch.display_title}-{_('试点企业库')}.xlsx",
    )


@never_cache
@require_safe
@login_required
def batch_reviews_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's review table, for the ministry's programme staff (batches are national data: others are
    refused with the reason, 403)."""
    viewer = request_viewer(request)
    batch = get_object_or_404(Batch.objects.select_related("programme"), pk=pk)
    require(permissions.can_review_applications(viewer))
    return _download(
        exports.reviews_workbook(viewer, batch),
        XLSX_CONTENT_TYPE,
        f"batch-{batch.pk}-reviews.xlsx",
        f"{batch.display_title}-{_('专家评审')}.xlsx",
    )
