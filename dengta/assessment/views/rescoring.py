"""Pages of the re-scoring comparison: start it from a MIIT 2024 framework version (POST), follow its progress
and see the result (old level × new level, how many move up and down), download the changed rows. Only
ministry programme staff (``permissions.can_revise_level_rule``); anyone else gets "not found". Thin views:
authorise → start the job (dengta.assessment.rescoring) → render.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dengta.assessment import permissions, rescoring
from dengta.assessment.models import Framework, Kind, Phase
from dengta.core.access import Viewer, request_viewer
from dengta.core.decisions import require
from dengta.core.models import Job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff(request: HttpRequest) -> Viewer:
    viewer = request_viewer(request)
    require(permissions.can_revise_level_rule(viewer))
    return viewer


def _job(viewer: Viewer, pk: int) -> Job:
    job = rescoring.rescore_jobs(viewer).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_POST
def rescore_start(request: HttpRequest, code: str, version: str) -> HttpResponse:
    viewer = _staff(request)
    target = get_object_or_404(Framework, code=code, version=version, kind=Framework.Kind.MIIT2024)
    job = rescoring.start_rescore_compare(viewer=viewer, target=target)
    return redirect("assessment:rescore_result", pk=job.pk)


def _matrix(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of old levels, each with its cells by new level and whether the cell is a move."""
    matrix = result.get("matrix") or []
    return [
        {
            "level": old,
            "cells": [{"level": new, "n": n, "moved": new != old} for new, n in enumerate(row)],
            "total": sum(row),
        }
        for old, row in enumerate(matrix)
    ]


def _changes(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The changed rows kept in the result, with the names of their kind and phase."""
    kinds, phases = dict(Kind.choices), dict(Phase.choices)
    return [
        {
            **c,
            "kind_label": kinds.get(c["kind"], c["kind"]),
            "phase_label": phases.get(c["phase"], c["phase"]),
        }
        for c in result.get("changes") or []
    ]


@login_required
def rescore_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(_staff(request), pk)
    result = job.result or {}
    code = job.params.get("framework", "")
    version = job.params.get("version", "")
    matrix = _matrix(result)
    context = {
        "job": job,
        "result": result,
        "matrix": matrix,
        "changes": _changes(result),
        "column_totals": [sum(r["cells"][c]["n"] for r in matrix) for c in range(len(matrix))],
        "code": code,
        "version": version,
        "crumbs": [
            (_("评测框架"), reverse("assessment:framework_list")),
            (f"{code}@{version}", reverse("assessment:framework_detail", args=[code, version])),
            (_("重新评分比较"), ""),
        ],
    }
    return render(request, "assessment/rescore_result.html", context)


@login_required
def rescore_changes(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(_staff(request), pk)
    if not job.output_file:
        raise Http404
    return FileResponse(
        job.output_file.open("rb"),
        as_attachment=True,
        filename=f"rescore-changes-{job.params.get('version', '')}-{job.pk}.xlsx",
        content_type=XLSX,
    )


urlpatterns: list[URLPattern] = [
    path("frameworks/<slug:code>/<str:version>/rescore/", rescore_start, name="rescore_start"),
    path("rescore/<int:pk>/", rescore_result, name="rescore_result"),
    path("rescore/<int:pk>/changes.xlsx", rescore_changes, name="rescore_changes"),
]
