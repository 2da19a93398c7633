"""The error report of a refused pool import, kept so the page can offer it for download.

The import runs inside the request, yet its report outlives the page: it is kept the way the registry's
import jobs keep theirs (``dengta.core.importing.jobs.store_error_report``), on a finished job row of the
importer's, which names the application and the file. Only the person who imported downloads it, and only
from the application's page (any other request for it is "not found").
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from dengta.core.access import Viewer
from dengta.core.importing.jobs import store_error_report
from dengta.core.jobs import job_create
from dengta.core.models import Job
from dengta.programmes.models import Application
from dengta.programmes.pool_import.validation import PoolOutcome

JOB_KIND = "programmes.pool_import"


def keep_error_report(*, viewer: Viewer, application: Application, outcome: PoolOutcome) -> Job:
    """A finished job holding the outcome's counts and its full per-row error report (core's format)."""
    job = job_create(
        kind=JOB_KIND,
        actor=viewer.user,
        params={"application": application.pk, "file_name": outcome.file_name},
        organization_id=viewer.organization_id,
    )
    store_error_report(job, outcome, stored_as="pool-import-errors")
    total = max(outcome.rows_total, 1)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED,
        result=outcome.summary(),
        progress_done=total,
        progress_total=total,
        finished_at=timezone.now(),
    )
    outcome.report_id = job.pk
    return job


def pool_import_jobs_of(viewer: Viewer, application: Application) -> QuerySet[Job]:
    """The viewer's own pool imports of this application that kept an error report, newest first."""
    if not viewer.is_authenticated:
        return Job.objects.none()
    jobs = Job.objects.filter(kind=JOB_KIND, created_by=viewer.user, params__application=application.pk)
    return jobs.exclude(output_file="").order_by("-created_at")
