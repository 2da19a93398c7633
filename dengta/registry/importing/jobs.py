"""The enterprise import as a background job (dengta.core.importing.jobs): the page uploads, polls the
progress and shows the result; the job re-checks the importer's rights when it runs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from dengta.core.access import Viewer
from dengta.core.importing.jobs import run_file_job, start_file_job, store_error_report
from dengta.core.importing.scope import ImportScope
from dengta.core.jobs import job_viewer, register_job
from dengta.core.models import Job
from dengta.registry.importing.runner import run_import
from dengta.registry.permissions import can_import_enterprises
from dengta.registry.selectors import IMPORT_JOB_KIND


def start_import(*, viewer: Viewer, upload: UploadedFile, dry_run: bool = False) -> Job:
    """Create the job with the uploaded file and schedule it after the current transaction commits."""
    return start_file_job(
        kind=IMPORT_JOB_KIND, viewer=viewer, upload=upload, dry_run=dry_run, stored_as="enterprises"
    )


def scope_for_job(job: Job) -> ImportScope:
    """The importer's jurisdiction, looked up again when the job runs (rights may change meanwhile).

    A job without a creator is the system's (created by the command or the benchmark, never by a page).
    """
    if job.created_by_id is None:
        return ImportScope.national_system()
    viewer = job_viewer(job)
    decision = can_import_enterprises(viewer)
    if not decision:
        raise PermissionDenied(decision.reason)
    return ImportScope.for_viewer(viewer)


@register_job(IMPORT_JOB_KIND)
def import_enterprises_job(job: Job) -> dict[str, Any]:
    outcome = run_file_job(job, run_import, scope=scope_for_job(job))
    store_error_report(job, outcome, stored_as="enterprise-import-errors")
    result = outcome.summary()
    result["redirect"] = reverse("registry:import_result", args=[job.pk])
    return result
