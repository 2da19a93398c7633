"""Background jobs with a progress row the UI polls (ARCHITECTURE.md: tasks take ids, are idempotent).

Handlers are registered by kind. ``job_enqueue`` schedules the job after the current transaction commits:
on Celery workers in production, in a thread of this process in the embedded default (so the page can show
progress), or inline in tests.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from dengta.core.access import Viewer
from dengta.core.actors import Actor, actor_id
from dengta.core.models import Job

log = logging.getLogger(__name__)

Handler = Callable[[Job], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}
ViewerLoader = Callable[[Job], Viewer]
_viewer_loader: list[ViewerLoader] = []


def register_job(kind: str) -> Callable[[Handler], Handler]:
    def decorator(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return decorator


def set_viewer_loader(loader: ViewerLoader) -> None:
    """How a job finds its creator's Viewer: dengta.orgs registers it (core may not import the apps below it,
    ARCHITECTURE.md, Layout); it raises PermissionDenied when the person is no longer a member."""
    _viewer_loader[:] = [loader]


def job_viewer(job: Job) -> Viewer:
    """The Viewer of the person who started the job, in the organisation they started it from, as their
    membership is now (a worker has no request, and rights may change between asking and running)."""
    if job.created_by_id is None or job.organization_id_ref is None or not _viewer_loader:
        raise PermissionDenied("a job run for a person names the person and the organisation")
    return _viewer_loader[0](job)


def job_create(*, kind: str, actor: Actor, params: dict[str, Any], organization_id: int | None = None) -> Job:
    job = Job(kind=kind, created_by_id=actor_id(actor), params=params, organization_id_ref=organization_id)
    job.full_clean(exclude=["input_file", "output_file"])
    job.save()
    return job


def job_progress(job_id: int, *, done: int, total: int | None = None, message: str | None = None) -> None:
    fields: dict[str, Any] = {"progress_done": done, "updated_at": timezone.now()}
    if total is not None:
        fields["progress_total"] = total
    if message is not None:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job_id).update(**fields)


def run_job(job_id: int) -> None:
    """Run one job. Safe to call twice: a finished or running job is left alone."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    try:
        # Inside the try: a kind without a handler (a worker on older code) must end FAILED, not RUNNING.
        handler = _HANDLERS[job.kind]
        result = handler(job)
    except Exception as exc:
        log.exception("job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        if settings.DENGTA_EAGER_JOBS == "sync" and settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.SUCCEEDED,
        result=result,
        progress_done=F("progress_total"),
        finished_at=timezone.now(),
    )


def _run_in_thread(job_id: int, delay: float = 0) -> None:
    def target() -> None:
        close_old_connections()
        try:
            run_job(job_id)
        finally:
            close_old_connections()

    if delay > 0:
        timer = threading.Timer(delay, target)
        timer.name = f"dengta-job-{job_id}"
        timer.daemon = True
        timer.start()
        return
    threading.Thread(target=target, name=f"dengta-job-{job_id}", daemon=True).start()


def job_enqueue(job: Job, *, delay: float = 0) -> None:
    """Run the job after the commit: in a Celery worker, or in-process in the embedded default. ``delay``
    (seconds) holds it back that long; the in-process test mode ("sync") runs it at once regardless."""

    def dispatch() -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            if settings.DENGTA_EAGER_JOBS == "thread":
                _run_in_thread(job.pk, delay)
            else:
                run_job(job.pk)
            return
        from dengta.core.tasks import run_job_task

        if delay > 0:
            run_job_task.apply_async((job.pk,), countdown=delay)
        else:
            run_job_task.delay(job.pk)

    transaction.on_commit(dispatch)
