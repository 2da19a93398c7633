"""The import as a background job (dengta.core.jobs): the page uploads, polls the progress, shows the result.

The uploaded file is kept on the job (``input_file``) and the full error report is written to its
``output_file``; the job's result holds the counts, the first errors and the URL of the result page, so
the person can leave the page and come back to it from the import page's list of their imports.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.importing.scope import ImportScope
from dengta.core.jobs import job_create, job_enqueue, job_progress, register_job
from dengta.core.models import Job
from dengta.orgs.models import Membership
from dengta.orgs.viewer import viewer_for_membership
from dengta.registry.importing.report import error_report
from dengta.registry.importing.runner import ImportOutcome, run_import
from dengta.registry.permissions import can_import_enterprises
from dengta.registry.selectors import IMPORT_JOB_KIND


def start_import(*, viewer: Viewer, upload: UploadedFile, dry_run: bool = False) -> Job:
    """Create the job with the uploaded file and schedule it after the current transaction commits."""
    original = os.path.basename(upload.name or "upload")[:200]
    job = job_create(
        kind=IMPORT_JOB_KIND,
        actor=viewer.user,
        params={"file_name": original, "dry_run": dry_run},
        organization_id=viewer.organization_id,
    )
    # The stored name is ours; the person's file name is kept in params for display only.
    job.input_file.save(f"enterprises-{job.pk}.upload", upload, save=False)
    Job.objects.filter(pk=job.pk).update(input_file=job.input_file.name)
    job_enqueue(job)
    return job


def scope_for_job(job: Job) -> ImportScope:
    """The importer's jurisdiction, looked up again when the job runs (rights may change meanwhile).

    A job without a creator is the system's (created by the command or the benchmark, never by a page).
    """
    if job.created_by_id is None:
        return ImportScope.national_system()
    if job.organization_id_ref is None:
        raise PermissionDenied("an import job by a person must name the importing organisation")
    membership = (
        Membership.objects.active()
        .select_related("organization", "organization__region", "user")
        .filter(user_id=job.created_by_id, organization_id=job.organization_id_ref)
        .first()
    )
    if membership is None:
        raise PermissionDenied("the importer is no longer a member of the organisation")
    viewer = viewer_for_membership(membership)
    decision = can_import_enterprises(viewer)
    if not decision:
        raise PermissionDenied(decision.reason)
    return ImportScope.for_viewer(viewer)


def _store_report(job: Job, outcome: ImportOutcome) -> None:
    if not outcome.errors:
        return
    name = f"enterprise-import-errors-{job.pk}.xlsx"
    content = ContentFile(error_report(outcome.errors, file_name=outcome.file_name))
    job.output_file.save(name, content, save=False)
    # update(), not save(): the job row's progress is being written by job_progress meanwhile.
    Job.objects.filter(pk=job.pk).update(output_file=job.output_file.name)


class ProgressRelay:
    """Writes a job's progress from its own thread, hence its own database connection.

    On PostgreSQL the import writes while it checks (importing.writing.stream_rows): the main connection
    is inside a transaction, busy with a COPY, and anything it wrote would stay invisible until the end.
    A second connection in autocommit makes each update visible to the page at once. Only the latest
    update waiting is kept, so a slow database never holds the import back.
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


Outcome = TypeVar("Outcome")


def run_file_job(job: Job, run: Callable[..., Outcome], **kwargs: Any) -> Outcome:
    """Run a file import for a job: read the uploaded file, report progress while it runs and mark the job
    done. ``run`` takes data, file_name, dry_run and progress (plus ``kwargs``) and returns an outcome with
    ``rows_total`` — the registry's enterprise import and the assessment history import both are such."""
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
    total = max(int(getattr(outcome, "rows_total", 0)) * 2, 1)
    job_progress(job.pk, done=total, total=total, message=str(_("完成")))
    return outcome


@register_job(IMPORT_JOB_KIND)
def import_enterprises_job(job: Job) -> dict[str, Any]:
    outcome = run_file_job(job, run_import, scope=scope_for_job(job))
    _store_report(job, outcome)
    result = outcome.summary()
    result["redirect"] = reverse("registry:import_result", args=[job.pk])
    return result
