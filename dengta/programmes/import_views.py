"""Pages of the pilot-enterprise pool import: the application's template, the upload and the error report.
Thin: parse → authorise → call the import → render (ARCHITECTURE.md convention 3).

The upload goes back to the application's page: after a successful import with a message, after a refused one
with the page rendered again and the problems shown in the pool section (``pool_import`` in its context,
read by ``_pool_import.html``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.decisions import Outcome, require
from dengta.core.importing.jobs import upload_name
from dengta.core.language import name_separator
from dengta.core.spreadsheets import XLSX_CONTENT_TYPE
from dengta.programmes import permissions
from dengta.programmes.models import Application
from dengta.programmes.pool_import import (
    PoolOutcome,
    keep_error_report,
    pool_import_jobs_of,
    run_pool_import,
    template_workbook,
)
from dengta.programmes.views import detail_context

# The first problems shown on the page; every one of them is in the downloadable report.
ERRORS_ON_PAGE = 20


class PoolImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("试点企业名单文件"),
        error_messages={
            "required": gettext_lazy("请选择要导入的文件"),
            "empty": gettext_lazy("文件是空的，请上传填好的试点企业名单"),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.DENGTA_IMPORT_MAX_BYTES
        # Refused before it is read; the core's check_size says the same of the bytes (dengta.core.importing).
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件超过 %(limit)s MB 的上限，请拆分后分别导入") % {"limit": f"{limit / 1048576:.0f}"},
                code="too_large",
            )
        return upload


def _application(viewer: Viewer, pk: int) -> Application:
    return get_visible_or_404(
        Application.objects.select_related("batch__programme", "applicant__region"), viewer, pk=pk
    )


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def pool_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The blank template with this application's sub-industries, for the applicant that builds it.

    Downloading changes nothing, so a submitted application's template is given too; outsiders get 404 and
    other insiders the permission's 403."""
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    decision = permissions.can_edit_application(viewer, application)
    if decision.kind != Outcome.CONFLICT:
        require(decision)
    return _attachment(template_workbook(application), _("试点企业库导入模板") + ".xlsx")


def _problems(outcome: PoolOutcome, report_url: str) -> dict[str, Any]:
    """What the pool section shows after a refused import."""
    return {
        "file_name": outcome.file_name,
        "refused": outcome.refused,
        "rows_total": outcome.rows_total,
        "rows_rejected": outcome.rows_rejected,
        # Errors but no row checked: the header row is wrong (a missing or unknown column).
        "header_refused": bool(outcome.errors) and outcome.rows_rejected == 0,
        "errors_total": len(outcome.errors),
        "errors": outcome.errors[:ERRORS_ON_PAGE],
        "more": max(len(outcome.errors) - ERRORS_ON_PAGE, 0),
        "report_url": report_url,
    }


@login_required
@require_POST
def pool_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the enterprises of an uploaded file to the pool, all or none."""
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    decision = permissions.can_edit_application(viewer, application)
    if decision.kind == Outcome.CONFLICT:
        messages.error(request, decision.reason)
        return redirect("programmes:application_detail", application.pk)
    require(decision)
    form = PoolImportForm(request.POST, request.FILES)
    if not form.is_valid():
        problem = name_separator().join(str(e) for errors in form.errors.values() for e in errors)
        outcome = PoolOutcome(file_name="", sha256="", dry_run=False)
        outcome.refuse(problem)
        return _refused(request, viewer, application, outcome)
    upload = form.cleaned_data["file"]
    outcome = run_pool_import(
        data=upload.read(), file_name=upload_name(upload), application=application, viewer=viewer
    )
    if outcome.ok:
        messages.success(
            request,
            _("已从 %(file)s 导入 %(n)s 家企业到试点企业库")
            % {"file": outcome.file_name, "n": f"{outcome.rows_imported:,}"},
        )
        return redirect("programmes:application_detail", application.pk)
    return _refused(request, viewer, application, outcome)


def _refused(
    request: HttpRequest, viewer: Viewer, application: Application, outcome: PoolOutcome
) -> HttpResponse:
    """The application's page again, with the problems in its pool section (nothing was imported)."""
    report_url = ""
    if outcome.errors:
        job = keep_error_report(viewer=viewer, application=application, outcome=outcome)
        report_url = reverse("programmes:pool_import_errors", args=[application.pk, job.pk])
    application.refresh_from_db()
    context = detail_context(viewer, application)
    context["pool_import"] = _problems(outcome, report_url)
    return render(request, "programmes/application_detail.html", context)


@login_required
@require_GET
def pool_import_errors(request: HttpRequest, pk: int, job: int) -> FileResponse:
    """The full error report of one of the viewer's own refused imports of this application."""
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    found = pool_import_jobs_of(viewer, application).filter(pk=job).first()
    if found is None:
        raise Http404
    return FileResponse(
        found.output_file.open("rb"),
        as_attachment=True,
        filename=f"pool-import-errors-{found.pk}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
