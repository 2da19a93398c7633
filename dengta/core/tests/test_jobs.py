"""Background jobs: enqueue after commit, run once, idempotent re-runs, failures and progress."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dengta.core import jobs
from dengta.core.jobs import job_create, job_enqueue, job_progress, register_job, run_job
from dengta.core.models import Job
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry() -> Iterator[dict[str, list[Any]]]:
    """Test handlers registered for the duration of one test; the real registry is restored afterwards."""
    saved = dict(jobs._HANDLERS)
    calls: dict[str, list[Any]] = {"echo": [], "boom": [], "progress": []}

    @register_job("tests.echo")
    def echo(job: Job) -> dict[str, Any]:
        calls["echo"].append(job.pk)
        return {"echo": job.params, "status_seen": job.status}

    @register_job("tests.boom")
    def boom(job: Job) -> dict[str, Any]:
        calls["boom"].append(job.pk)
        raise RuntimeError(job.params.get("message", "数据文件损坏"))

    @register_job("tests.progress")
    def progress(job: Job) -> dict[str, Any]:
        total = job.params["total"]
        job_progress(job.pk, done=0, total=total, message="开始")
        for done in range(1, total + 1):
            job_progress(job.pk, done=done, message=f"已处理 {done} 行")
            calls["progress"].append(Job.objects.get(pk=job.pk).percent)
        return {"rows": total}

    yield calls
    jobs._HANDLERS.clear()
    jobs._HANDLERS.update(saved)


def test_test_settings_run_jobs_inline(settings: Any) -> None:
    assert settings.DENGTA_EAGER_JOBS == "sync"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_job_runs_once_after_commit(
    registry: dict[str, list[Any]], django_capture_on_commit_callbacks: Any
) -> None:
    user: Any = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        job = job_create(kind="tests.echo", actor=user, params={"文件": "企业名单.xlsx"}, organization_id=7)
        job_enqueue(job)
        # Nothing runs before the transaction commits.
        assert registry["echo"] == []
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    assert len(callbacks) == 1
    assert registry["echo"] == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"echo": {"文件": "企业名单.xlsx"}, "status_seen": "running"}
    assert job.finished_at is not None
    assert job.created_by == user
    assert job.organization_id_ref == 7
    assert job.is_finished
    assert job.percent == 100


def test_job_is_not_run_when_the_transaction_rolls_back(
    registry: dict[str, list[Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        job = job_create(kind="tests.echo", actor=None, params={})
        job_enqueue(job)
        transaction.set_rollback(True)
    assert callbacks == []
    assert registry["echo"] == []
    assert not Job.objects.filter(pk=job.pk).exists()


def test_second_run_leaves_a_finished_job_alone(registry: dict[str, list[Any]]) -> None:
    job = job_create(kind="tests.echo", actor=None, params={"a": 1})
    run_job(job.pk)
    job.refresh_from_db()
    finished_at, updated_at = job.finished_at, job.updated_at
    run_job(job.pk)
    job.refresh_from_db()
    assert registry["echo"] == [job.pk]
    assert job.status == Job.Status.SUCCEEDED
    assert (job.finished_at, job.updated_at) == (finished_at, updated_at)


def test_running_job_is_not_claimed_twice(registry: dict[str, list[Any]]) -> None:
    job = job_create(kind="tests.echo", actor=None, params={})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    run_job(job.pk)
    job.refresh_from_db()
    assert registry["echo"] == []
    assert job.status == Job.Status.RUNNING


def test_failure_sets_failed_with_message_and_propagates_in_sync_mode(
    registry: dict[str, list[Any]], django_capture_on_commit_callbacks: Any
) -> None:
    job = job_create(kind="tests.boom", actor=None, params={"message": "第 3 行：统一社会信用代码校验位错误"})
    with pytest.raises(RuntimeError, match="校验位错误"), django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job)
    job.refresh_from_db()
    assert registry["boom"] == [job.pk]
    assert job.status == Job.Status.FAILED
    assert job.message == "第 3 行：统一社会信用代码校验位错误"
    assert job.finished_at is not None
    assert job.result == {}
    assert job.is_finished
    # A failed job is finished: running it again does nothing.
    run_job(job.pk)
    assert registry["boom"] == [job.pk]


def test_failure_is_swallowed_outside_sync_mode(registry: dict[str, list[Any]], settings: Any) -> None:
    settings.DENGTA_EAGER_JOBS = "thread"
    job = job_create(kind="tests.boom", actor=None, params={"message": "x" * 800})
    run_job(job.pk)  # a worker must not crash on a failing job
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "x" * 500


def test_unknown_kind_marks_the_job_failed() -> None:
    # A worker that does not know the kind (older code deployed) must not leave the job "running" forever.
    job = job_create(kind="tests.nobody-registered-this", actor=None, params={})
    with pytest.raises(KeyError):
        run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_progress_updates_and_percent(registry: dict[str, list[Any]]) -> None:
    job = job_create(kind="tests.progress", actor=None, params={"total": 4})
    run_job(job.pk)
    assert registry["progress"] == [25, 50, 75, 100]
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert job.message == "已处理 4 行"
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"rows": 4}


@pytest.mark.parametrize(
    "done, total, status, percent",
    [
        (0, 0, Job.Status.QUEUED, 0),
        (0, 0, Job.Status.RUNNING, 0),
        (0, 0, Job.Status.SUCCEEDED, 100),
        (0, 0, Job.Status.FAILED, 0),
        (0, 200, Job.Status.RUNNING, 0),
        (1, 3, Job.Status.RUNNING, 33),
        (2, 3, Job.Status.RUNNING, 66),
        (199, 200, Job.Status.RUNNING, 99),
        (200, 200, Job.Status.RUNNING, 100),
    ],
)
def test_percent(done: int, total: int, status: str, percent: int) -> None:
    assert Job(progress_done=done, progress_total=total, status=status).percent == percent


def test_job_progress_writes_the_row_and_truncates_the_message() -> None:
    job = job_create(kind="tests.echo", actor=None, params={})
    job_progress(job.pk, done=50, total=200, message="校" * 600)
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.percent) == (50, 200, 25)
    assert job.message == "校" * 500
    job_progress(job.pk, done=120)  # total and message kept
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.percent) == (120, 200, 60)
    assert job.message == "校" * 500


def test_progress_past_total_is_refused_by_the_database() -> None:
    job = job_create(kind="tests.echo", actor=None, params={})
    job_progress(job.pk, done=1, total=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        job_progress(job.pk, done=11)
    job.refresh_from_db()
    assert job.progress_done == 1


def test_job_create_validates() -> None:
    with pytest.raises(ValidationError):
        job_create(kind="", actor=None, params={})
    assert not Job.objects.exists()


def test_enqueue_dispatches_to_celery_when_not_eager(
    settings: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from dengta.core import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.run_job_task, "delay", lambda job_id: sent.append(job_id))
    monkeypatch.setattr(jobs, "run_job", lambda job_id: pytest.fail("must not run inline"))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    job = job_create(kind="tests.echo", actor=None, params={})
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job)
    assert sent == [job.pk]


def test_enqueue_uses_a_thread_in_the_embedded_default(
    settings: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    threaded: list[tuple[int, float]] = []
    monkeypatch.setattr(jobs, "_run_in_thread", lambda job_id, delay=0: threaded.append((job_id, delay)))
    monkeypatch.setattr(jobs, "run_job", lambda job_id: pytest.fail("must not run inline"))
    settings.DENGTA_EAGER_JOBS = "thread"
    job = job_create(kind="tests.echo", actor=None, params={})
    later = job_create(kind="tests.echo", actor=None, params={})
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job)
        job_enqueue(later, delay=2.5)
    assert threaded == [(job.pk, 0), (later.pk, 2.5)]


def test_a_delayed_job_waits_on_a_timer_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[float, bool]] = []

    class Timer:
        def __init__(self, interval: float, function: Any) -> None:
            self.interval, self.name, self.daemon = interval, "", False

        def start(self) -> None:
            started.append((self.interval, self.daemon))

    monkeypatch.setattr(jobs.threading, "Timer", Timer)
    jobs._run_in_thread(1, delay=5.0)
    assert started == [(5.0, True)]
