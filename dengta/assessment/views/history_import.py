"""Pages of the import of historical results (2022 bands): upload, progress and result, the error report, the
blank template. As the registry's import pages: the upload becomes a background job, the result page shows
its progress until it is done, and only the person who uploaded sees it. Thin views: parse → authorise
(``permissions.can_import_history``) → start the job (dengta.assessment.history) → render.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dengta.assessment import history, permissions, selectors
from dengta.assessment.scoring.bands import BandFramework
from dengta.assessment.selectors import current_framework
from dengta.core.access import Viewer, request_viewer
from dengta.core.decisions import require
from dengta.core.models import Job
from dengta.registry.forms import ImportUploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_NAMES = {
    "0": gettext_lazy("未达等级"),
    "1": gettext_lazy("一级"),
    "2": gettext_lazy("二级"),
    "3": gettext_lazy("三级"),
    "4": gettext_lazy("四级"),
}


class HistoryUploadForm(ImportUploadForm):
    """The registry's upload form (size and empty-file checks, "validate only") with this import's wording."""

    file = forms.FileField(
        label=gettext_lazy("历史评测结果文件"),
        help_text=gettext_lazy("Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码），第一行为列名；请使用下载的模板"),
    )


def _importer(request: HttpRequest) -> Viewer:
    viewer = request_viewer(request)
    require(permissions.can_import_history(viewer))
    return viewer


def _bands() -> BandFramework | None:
    try:
        fw = current_framework(history.FRAMEWORK_CODE).compiled()
    except ValidationError:
        return None
    return fw if isinstance(fw, BandFramework) else None


def _own_job(viewer: Viewer, pk: int) -> Job:
    """An import job of the viewer's own; anyone else's is "not found" (like the registry's imports)."""
    job = selectors.history_jobs_of(viewer).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
def history_import(request: HttpRequest) -> HttpResponse:
    viewer = _importer(request)
    form = HistoryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = history.start_history_import(
            viewer=viewer, upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
        )
        return redirect("assessment:history_import_result", pk=job.pk)
    context = {
        "form": form,
        "jobs": selectors.history_jobs_of(viewer)[:10],
        "bands": _bands(),
        "columns": history.COLUMNS,
        "required": history.REQUIRED,
        "crumbs": [(_("数字化评测"), reverse("assessment:list")), (_("导入历史结果"), "")],
    }
    return render(request, "assessment/history_import.html", context)


@login_required
def history_import_result(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    job = _own_job(viewer, pk)
    result = job.result or {}
    levels = [(LEVEL_NAMES.get(level, level), n) for level, n in (result.get("levels") or {}).items()]
    context = {
        "job": job,
        "result": result,
        "levels": levels,
        "crumbs": [
            (_("数字化评测"), reverse("assessment:list")),
            (_("导入历史结果"), reverse("assessment:history_import")),
            (job.params.get("file_name", ""), ""),
        ],
    }
    return render(request, "assessment/history_import_result.html", context)


@login_required
def history_import_errors(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request_viewer(request), pk)
    if not job.output_file:
        raise Http404
    return FileResponse(
        job.output_file.open("rb"),
        as_attachment=True,
        filename=f"history-import-errors-{job.pk}.xlsx",
        content_type=XLSX,
    )


@login_required
def history_import_template(request: HttpRequest) -> HttpResponse:
    _importer(request)
    bands = _bands()
    if bands is None:
        raise Http404
    response = HttpResponse(history.template_workbook(bands), content_type=XLSX)
    filename = _("历史评测结果导入模板") + ".xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


urlpatterns: list[URLPattern] = [
    path("import/", history_import, name="history_import"),
    path("import/template.xlsx", history_import_template, name="history_import_template"),
    path("import/<int:pk>/", history_import_result, name="history_import_result"),
    path("import/<int:pk>/errors.xlsx", history_import_errors, name="history_import_errors"),
]
