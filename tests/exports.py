"""Following a list's "导出 Excel" link as a person does: the link starts a job and leads to its page, the
page offers the download (dengta.core.exports). With in-process jobs (the test settings) a short list is
written before the redirect, so the download is there when the page opens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import resolve, reverse

from dengta.core.models import Job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Exported:
    """The downloaded file of a finished export job, and the job."""

    status_code: int
    headers: dict[str, str]
    content: bytes
    job: Job

    def __getitem__(self, header: str) -> str:
        return self.headers[header]


def exported(client: Client, url: str, params: dict[str, Any] | None = None) -> Exported:
    """Export the list at ``url`` (with the page's ``params``) and download the file from the job's page."""
    started = client.get(url, {**(params or {}), "export": "xlsx"})
    assert started.status_code == 302, started.status_code
    job = Job.objects.get(pk=resolve(started["Location"]).kwargs["pk"], kind="core.list_export")
    assert started["Location"] == reverse("core:export_job", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED, (job.status, job.message)
    page = client.get(started["Location"])
    assert page.status_code == 200 and job.result["download"] in page.content.decode()
    download = client.get(job.result["download"])
    # The download is a FileResponse (streamed from storage); getvalue() joins its chunks.
    content = download.getvalue()
    return Exported(download.status_code, dict(download.headers), content, job)
