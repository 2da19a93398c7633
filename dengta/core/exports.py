"""List exports as .xlsx (ARCHITECTURE.md convention 17): one way for every list page.

A list page registers a builder under a name: given the viewer and the page's query parameters it returns
the rows to export (the same filter and sort as the page) and how to show each one. ``export_response``
answers the page's "导出 Excel" link: every export is a background job (dengta.core.jobs) and the person
goes to the job's page, with its progress bar and then the download (docs/lists.md: a national list of a
million enterprises takes about a minute to write). Where jobs run in this process (the embedded default,
tests) a list of up to ``INLINE_ROWS`` rows is written before the redirect, so the download is there at
once; larger lists, and every list where Celery workers run the jobs, show the bar while they are written.

The file is streamed into a temporary file (``StreamedBook``, the one safe cell writer) and then stored as
the job's output, so memory stays the same whatever the row count. Rows that do not fit a sheet
(1,048,575 under its header) continue on "enterprises (2)", "enterprises (3)" …; at most
``EXPORT_MAX_ROWS`` rows are written, which the button says before anyone starts (``export_limits``,
core/_export_button.html), and a file that stops there says so on a sheet of its own and on the job page.

The job runs with the rights of the person who asked, looked up again when it runs (a worker has no
request): the builder is called with ``dengta.core.jobs.job_viewer``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dengta.core.access import Viewer, request_viewer
from dengta.core.decisions import require
from dengta.core.events import ExportRow, export_headers
from dengta.core.jobs import job_create, job_enqueue, job_progress, job_viewer, register_job, run_job
from dengta.core.models import Job
from dengta.core.permissions import can_view_events
from dengta.core.selectors import events_for
from dengta.core.spreadsheets import SHEET_MAX_ROWS, StreamedBook, StreamedTable

EXPORT_JOB_KIND = "core.list_export"
# The most rows one export writes: five full sheets, a file of some 250 MB written in a few minutes. The
# national enterprise list (about a million) fits; a larger set, such as years of the event log, is to be
# narrowed by the page's filters. Said on the button before anyone starts (export_limits).
EXPORT_MAX_ROWS = 5_000_000
# With in-process jobs, up to this many rows are written before the redirect (about a second).
INLINE_ROWS = 20_000
# Kept for dengta/core/lists.py until it takes its context from export_limits().
JOB_THRESHOLD = INLINE_ROWS
PROGRESS_EVERY = 5_000


@dataclass(frozen=True)
class Export:
    filename: str
    sheet_title: str
    headers: Sequence[str]
    queryset: QuerySet[Any]
    # One item of the queryset → the cells of its row. With ``fields`` the items are tuples of those fields
    # (values_list: no model instances, several times faster for a long list), else model instances.
    row: Callable[[Any], Sequence[Any]]
    fields: Sequence[str] = ()
    chunk_size: int = 5000

    def rows(self) -> Iterator[Sequence[Any]]:
        qs = self.queryset.values_list(*self.fields) if self.fields else self.queryset
        return map(self.row, qs.iterator(chunk_size=self.chunk_size))


Builder = Callable[[Viewer, QueryDict], Export]
_BUILDERS: dict[str, Builder] = {}


def register_export(name: str) -> Callable[[Builder], Builder]:
    """A builder refuses (``require``) a viewer who may not see the list, as the page does."""

    def decorator(builder: Builder) -> Builder:
        _BUILDERS[name] = builder
        return builder

    return decorator


def sheet_rows() -> int:
    """Data rows a sheet holds under its header."""
    return SHEET_MAX_ROWS - 1


def export_limits(count: int | None = None) -> dict[str, Any]:
    """What the export button says before anyone starts (core/_export_button.html): the cap, and whether
    this list (``count``: the page's count, exact or estimated) is over it."""
    return {
        "max": EXPORT_MAX_ROWS,
        "max_text": f"{EXPORT_MAX_ROWS:,}",
        "sheet": sheet_rows(),
        "sheet_text": f"{sheet_rows():,}",
        "capped": count is not None and count > EXPORT_MAX_ROWS,
    }


def export_response(request: HttpRequest, name: str) -> HttpResponse:
    """Start the export as a job and send the person to its page (progress, then the download)."""
    viewer = request_viewer(request)
    export = _BUILDERS[name](viewer, request.GET)  # refuses as the page does, before any job exists
    job = job_create(
        kind=EXPORT_JOB_KIND,
        actor=viewer.user,
        params={
            "export": name,
            "query": request.GET.urlencode(),
            "language": translation.get_language(),
            "file_name": export.filename,
        },
        organization_id=viewer.organization_id,
    )
    if settings.CELERY_TASK_ALWAYS_EAGER and _at_most(export.queryset, INLINE_ROWS):
        run_job(job.pk)  # in this process anyway: the download is ready when the page opens
    else:
        job_enqueue(job)
    return redirect("core:export_job", pk=job.pk)


def _at_most(qs: QuerySet[Any], limit: int) -> bool:
    # A bounded count: never more than limit + 1 rows are read, however long the list.
    return qs.order_by().values("pk")[: limit + 1].count() <= limit


@register_job(EXPORT_JOB_KIND)
def export_job(job: Job) -> dict[str, Any]:
    viewer = job_viewer(job)
    with translation.override(job.params.get("language") or None):
        export = _BUILDERS[job.params["export"]](viewer, QueryDict(job.params.get("query", "")))
        # The bar's total; rows added or removed while the file is written make the file differ a little.
        listed = export.queryset.count()
        total = max(min(listed, EXPORT_MAX_ROWS), 1)
        job_progress(job.pk, done=0, total=total, message=_("正在导出"))

        def progress(done: int) -> None:
            message = _("已导出 %(n)s 行") % {"n": f"{done:,}"}
            job_progress(job.pk, done=min(done, total), total=total, message=message)

        with tempfile.TemporaryFile(suffix=".xlsx") as temporary:
            table = write_export(export, temporary, listed=listed, progress=progress)
            temporary.seek(0)
            stem = os.path.splitext(export.filename)[0]
            job.output_file.save(f"{stem}-{job.pk}.xlsx", File(temporary, name=export.filename), save=False)
        # update(), not save(): job_progress writes the same row meanwhile.
        Job.objects.filter(pk=job.pk).update(output_file=job.output_file.name)
        done = max(table.rows, 1)
        job_progress(job.pk, done=done, total=done, message=_summary(table, listed))
    return {
        "rows": table.rows,
        "sheets": len(table.sheets),
        "capped": table.more,
        "file_name": export.filename,
        "download": reverse("core:export_download", args=[job.pk]),
    }


def write_export(
    export: Export,
    target: IO[bytes],
    *,
    listed: int,
    progress: Callable[[int], None] | None = None,
) -> StreamedTable:
    """The export's rows streamed into ``target`` (at most EXPORT_MAX_ROWS, further sheets when one is
    full); a file cut short at the cap says so on a sheet of its own. ``listed`` is the list's count."""
    with StreamedBook(target) as book:
        table = book.table(
            export.sheet_title,
            export.headers,
            export.rows(),
            limit=EXPORT_MAX_ROWS,
            progress=progress,
            progress_every=PROGRESS_EVERY,
        )
        if table.more:
            book.notes(_("说明"), [_cap_sentence(table.rows, listed)])
    return table


def _summary(table: StreamedTable, listed: int) -> str:
    if table.more:
        return _cap_sentence(table.rows, listed)
    if len(table.sheets) > 1:
        return _("已导出 %(n)s 行，分 %(sheets)s 个工作表（每个工作表最多 %(per)s 行）") % {
            "n": f"{table.rows:,}",
            "sheets": len(table.sheets),
            "per": f"{sheet_rows():,}",
        }
    return _("已导出 %(n)s 行") % {"n": f"{table.rows:,}"}


def _cap_sentence(rows: int, listed: int) -> str:
    return _("只导出了前 %(n)s 行：列表共 %(total)s 行，超过每次导出的上限。请用筛选条件分批导出。") % {
        "n": f"{rows:,}",
        "total": f"{max(listed, rows + 1):,}",
    }


# --------------------------------------------------------------------------------------- core's own lists


# What ExportRow reads of an event.
EVENT_COLUMNS = (
    "seq",
    "created_at",
    "actor",
    "actor_label",
    "verb",
    "target_type",
    "target_label",
    "target_id",
    "hash",
)


@register_export("core.events")
def events_export(viewer: Viewer, params: QueryDict) -> Export:
    require(can_view_events(viewer))
    qs, _filters = events_for(viewer, params)
    # ExportRow looks actors up itself (once each) and reads none of the payload: neither is fetched per row.
    qs = qs.select_related(None).only(*EVENT_COLUMNS)
    # Names first (verb label, model name, actor's name and organisation), the codes in technical columns.
    return Export(
        filename="events.xlsx",
        sheet_title="events",
        headers=export_headers(),
        queryset=qs,
        row=ExportRow(),
    )
