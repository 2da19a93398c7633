"""Jobs through a real Celery worker on the real Redis broker (127.0.0.1:6379), as in production.

The rest of the suite runs jobs inline (eager); this test proves the production path: job_enqueue sends the
job id through Redis after commit, a worker picks it up, and the job row ends SUCCEEDED with its result.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from config.celery import app
from dengta.core.jobs import job_create, job_enqueue, job_progress, register_job
from dengta.core.models import Job

BROKER = "redis://127.0.0.1:6379/15"


@register_job("test.celery_roundtrip")
def _roundtrip(job: Job) -> dict[str, Any]:
    job_progress(job.pk, done=1, total=2)
    return {"echo": job.params["value"] * 2, "thread": threading.current_thread().name}


@pytest.fixture
def redis_worker(settings: Any) -> Any:
    import redis

    redis.Redis.from_url(BROKER).ping()  # the machine runs Redis; .ci/run starts it when stopped
    settings.CELERY_TASK_ALWAYS_EAGER = False
    keys = ("broker_url", "task_always_eager", "result_backend")
    previous = {key: app.conf.get(key) for key in keys}
    app.conf.update(broker_url=BROKER, task_always_eager=False, result_backend=None)
    import dengta.core.tasks  # noqa: F401  registers the task with the app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    app.conf.update(**previous)


@pytest.mark.django_db(transaction=True)
def test_job_runs_on_a_celery_worker_through_redis(redis_worker: Any) -> None:
    with transaction.atomic():
        job = job_create(kind="test.celery_roundtrip", actor=None, params={"value": 21})
        job_enqueue(job)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.1)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["echo"] == 42
    # Run by the worker, not inline in the test's thread as an eager task would be.
    assert job.result["thread"] != threading.current_thread().name
    assert job.percent == 100
