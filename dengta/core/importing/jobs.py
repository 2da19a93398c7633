"""An import as a background job (dengta.core.jobs): the page uploads, polls the progress, shows the result.

The uploaded file is kept on the job (``input_file``) and the full error report is written to its
``output_file``; the job's result holds the counts, the first errors and the URL of the result page, so
the person can leave the page and come back to it from the import page's list of their imports.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.importing.outcome import ImportOutcome
from dengta.core.importing.report import error_report
from dengta.core.jobs import job_create, job_enqueue, job_progress
from dengta.core.models import Job


def upload_name(upload: UploadedFile) -> str:
    """The person's file name without any folder a browser sent with it (for display only)."""
    return (upload.name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200]


def start_file_job(*, kind: str, viewer: Viewer, upload: UploadedFile, dry_run: bool, stored_as: str) -> Job:
    """Create the job with the uploaded file and schedule it after the current transaction commits."""
    job = job_create(
        kind=kind,
        actor=viewer.user,
        params={"file_name": upload_name(upload), "dry_run": dry_run},
        organization_id=viewer.organization_id,
    )
    # The stored name is ours; the person's file name is kept in params for display only.
    job.input_file.save(f"{stored_as}-{job.pk}.upload", upload, save=False)
    Job.objects.filter(pk=job.pk).update(input_file=job.input_file.name)
    job_enqueue(job)
    return job


def store_error_report(job: Job, outcome: ImportOutcome, *, stored_as: str) -> None:
    """The full per-row error report as the job's output file (nothing when there are no row errors)."""
    if not outcome.errors:
        return
    name = f"{stored_as}-{job.pk}.xlsx"
    content = ContentFile(error_report(outcome.errors, file_name=outcome.file_name))
    job.output_file.save(name, content, save=False)
    # update(), not save(): the job row's progress is being written by job_progress meanwhile.
    Job.objects.filter(pk=job.pk).update(output_file=job.output_file.name)


class ProgressRelay:
    """Writes a job's progress from its own thread, hence its own database connection.

    On PostgreSQL the enterprise import writes while it checks: the main connection is inside a
    transaction, busy with a COPY, and anything it wrote would stay invisible until the end. A second
    connection in autocommit makes each update visible to the page at once. Only the latest update waiting
    is kept, so a slow database never holds the import back.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._latest: tuple[int, int, str] | None = None
        self._wake = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"dengta-progress-{job_id}", daemon=True)
        self._thread.start()

    def __call__(self, done: int, total: int, message: str) -> None:
        with self._wake:
            self._latest = (min(done, total), total, message)
            self._wake.notify()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join()

    def _run(self) -> None:
        try:
            while True:
                with self._wake:
                    while self._latest is None and not self._closed:
                        self._wake.wait()
                    latest, self._latest = self._latest, None
                    closed = self._closed
                if latest is not None:
                    done, total, message = latest
                    job_progress(self.job_id, done=done, total=total, message=message)
                if closed:
                    return
        finally:
            connection.close()


def _direct(job_id: int) -> Callable[[int, int, str], None]:
    def progress(done: int, total: int, message: str) -> None:
        job_progress(job_id, done=min(done, total), total=total, message=message)

    return progress


Outcome = TypeVar("Outcome", bound=ImportOutcome)


def run_file_job(job: Job, run: Callable[..., Outcome], **kwargs: Any) -> Outcome:
    """Run a file import for a job: read the uploaded file, report progress while it runs and mark the job
    done. ``run`` takes data, file_name, dry_run and progress (plus ``kwargs``) and returns an ImportOutcome
    — the registry's enterprise import and the assessment history import both are such."""
    with job.input_file.open("rb") as handle:
        data = handle.read()
    # On PostgreSQL progress written while the import's transaction is open goes through a second
    # connection, so the page sees it at once.
    relay = ProgressRelay(job.pk) if connection.vendor == "postgresql" else None
    try:
        outcome = run(
            data=data,
            file_name=str(job.params.get("file_name", "")),
            dry_run=bool(job.params.get("dry_run", False)),
            progress=relay or _direct(job.pk),
            **kwargs,
        )
    finally:
        if relay is not None:
            relay.close()
    # The bar ends full and says what the result page says: a refused file had no rows checked, so it has
    # no count of steps either (a "1 / 1" beside "0 rows" read as two different counts).
    if outcome.refused:
        job_progress(job.pk, done=0, total=0, message=str(_("文件未被接受")))
    else:
        total = max(outcome.rows_total * 2, 1)
        job_progress(job.pk, done=total, total=total, message=str(_("完成")))
    return outcome
