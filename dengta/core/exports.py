"""List exports as .xlsx (ARCHITECTURE.md convention 17): one way for every list page.

A list page registers a builder under a name: given the viewer and the page's query parameters it returns
the rows to export (the same filter and sort as the page) and how to show each one. ``export_response``
answers the page's "导出 Excel" link: up to ``JOB_THRESHOLD`` rows are written at once and downloaded; more
rows become a background job (dengta.core.jobs) with a progress bar and a download when it is done, since
writing 36,000 enterprises takes seconds. Either way the rows are streamed (openpyxl write-only) through the
one safe cell writer, and at most ``EXPORT_MAX_ROWS`` rows are written — the page says so next to the link
before anyone starts (``core/_export_button.html``).

The job runs with the rights of the person who asked, looked up again when it runs (a worker has no
request): the builder is called with ``dengta.core.jobs.job_viewer``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dengta.core.access import Viewer, request_viewer
from dengta.core.decisions import require
from dengta.core.events import ExportRow, export_headers
from dengta.core.jobs import job_create, job_enqueue, job_progress, job_viewer, register_job
from dengta.core.models import Job
from dengta.core.permissions import can_view_events
from dengta.core.selectors import events_for
from dengta.core.spreadsheets import XLSX_CONTENT_TYPE, Book

EXPORT_JOB_KIND = "core.list_export"
# Up to this many rows the file is written while the person waits (about a second); above it, as a job.
JOB_THRESHOLD = 5_000
# The most rows one export writes (a sheet holds 1,048,576; past this size a file is unwieldy in Excel).
EXPORT_MAX_ROWS = 100_000
PROGRESS_EVERY = 1_000


@dataclass(frozen=True)
class Export:
    filename: str
    sheet_title: str
    headers: Sequence[str]
    queryset: QuerySet[Any]
    row: Callable[[Any], Sequence[Any]]  # one object of the queryset → the cells of its row
    chunk_size: int = 2000

    def rows(self) -> Iterator[Sequence[Any]]:
        for obj in self.queryset.iterator(chunk_size=self.chunk_size):
            yield self.row(obj)


Builder = Callable[[Viewer, QueryDict], Export]
_BUILDERS: dict[str, Builder] = {}


def register_export(name: str) -> Callable[[Builder], Builder]:
    """A builder refuses (``require``) a viewer who may not see the list, as the page does."""

    def decorator(builder: Builder) -> Builder:
        _BUILDERS[name] = builder
        return builder

    return decorator


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, int]:
    """The rows streamed into a one-sheet workbook, at most EXPORT_MAX_ROWS; (file, rows written)."""
    book = Book(write_only=True)
    sheet = book.sheet(sheet_title)
    sheet.freeze_header()
    sheet.row(headers, bold=True)
    written = 0
    for values in rows:
        if written >= EXPORT_MAX_ROWS:
            break
        sheet.row(values)
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    return book.to_bytes(), written


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "Sheet1"
) -> HttpResponse:
    data, _written = write_xlsx(headers, rows, sheet_title=sheet_title)
    return attachment(data, filename)


def attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_response(request: HttpRequest, name: str) -> HttpResponse:
    """The file at once for a small list; for a large one a job, and the page that shows its progress."""
    viewer = request_viewer(request)
    export = _BUILDERS[name](viewer, request.GET)
    count = export.queryset.count()
    if count <= JOB_THRESHOLD:
        return xlsx_response(export.filename, export.headers, export.rows(), export.sheet_title)
    job = job_create(
        kind=EXPORT_JOB_KIND,
        actor=viewer.user,
        params={
            "export": name,
            "query": request.GET.urlencode(),
            "language": translation.get_language(),
            "file_name": export.filename,
            "rows": min(count, EXPORT_MAX_ROWS),
        },
        organization_id=viewer.organization_id,
    )
    job_enqueue(job)
    return redirect("core:export_job", pk=job.pk)


@register_job(EXPORT_JOB_KIND)
def export_job(job: Job) -> dict[str, Any]:
    viewer = job_viewer(job)
    with translation.override(job.params.get("language") or None):
        export = _BUILDERS[job.params["export"]](viewer, QueryDict(job.params.get("query", "")))
        total = max(min(export.queryset.count(), EXPORT_MAX_ROWS), 1)
        job_progress(job.pk, done=0, total=total, message=_("正在导出"))

        def progress(done: int) -> None:
            message = _("已导出 %(n)s 行") % {"n": f"{done:,}"}
            job_progress(job.pk, done=min(done, total), total=total, message=message)

        data, written = write_xlsx(
            export.headers, export.rows(), sheet_title=export.sheet_title, progress=progress
        )
        stem = os.path.splitext(export.filename)[0]
        job.output_file.save(f"{stem}-{job.pk}.xlsx", ContentFile(data), save=False)
        # update(), not save(): job_progress writes the same row meanwhile.
        Job.objects.filter(pk=job.pk).update(output_file=job.output_file.name)
        job_progress(job.pk, done=total, total=total, message=_("已导出 %(n)s 行") % {"n": f"{written:,}"})
    return {
        "rows": written,
        "file_name": export.filename,
        "download": reverse("core:export_download", args=[job.pk]),
    }


# --------------------------------------------------------------------------------------- core's own lists


@register_export("core.events")
def events_export(viewer: Viewer, params: QueryDict) -> Export:
    require(can_view_events(viewer))
    qs, _filters = events_for(viewer, params)
    # Names first (verb label, model name, actor's name and organisation), the codes in technical columns.
    return Export(
        filename="events.xlsx",
        sheet_title="events",
        headers=export_headers(),
        queryset=qs,
        row=ExportRow(),
    )
