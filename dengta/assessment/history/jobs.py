"""The import of historical results as a background job (dengta.core.importing.jobs): the page uploads, polls
the progress and shows the result; the job re-checks the importer's rights when it runs. Importing this module
registers the job kind (AssessmentConfig.ready imports the package).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from dengta.assessment.history.runner import run_history_import
from dengta.assessment.permissions import can_import_history
from dengta.assessment.selectors import HISTORY_IMPORT_JOB_KIND
from dengta.core.access import Viewer
from dengta.core.importing.jobs import run_file_job, start_file_job, store_error_report
from dengta.core.importing.scope import ImportScope
from dengta.core.jobs import job_viewer, register_job
from dengta.core.models import Job


def start_history_import(*, viewer: Viewer, upload: UploadedFile, dry_run: bool = False) -> Job:
    """Create the job with the uploaded file and schedule it after the current transaction commits."""
    return start_file_job(
        kind=HISTORY_IMPORT_JOB_KIND, viewer=viewer, upload=upload, dry_run=dry_run, stored_as="history"
    )


def scope_for_job(job: Job) -> ImportScope:
    """The importer's jurisdiction, looked up again when the job runs (rights may have changed meanwhile)."""
    viewer = job_viewer(job)  # PermissionDenied when the importer is no longer a member
    decision = can_import_history(viewer)
    if not decision:
        raise PermissionDenied(decision.reason)
    return ImportScope.for_viewer(viewer)


@register_job(HISTORY_IMPORT_JOB_KIND)
def import_history_job(job: Job) -> dict[str, Any]:
    outcome = run_file_job(job, run_history_import, scope=scope_for_job(job))
    store_error_report(job, outcome, stored_as="history-import-errors")
    result = outcome.summary()
    result["redirect"] = reverse("assessment:history_import_result", args=[job.pk])
    return result
