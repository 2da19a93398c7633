from celery import shared_task

from dengta.core.jobs import run_job


@shared_task(name="dengta.core.run_job", acks_late=True)
def run_job_task(job_id: int) -> None:
    run_job(job_id)
