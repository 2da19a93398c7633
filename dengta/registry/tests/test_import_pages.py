"""The enterprise import pages: one name everywhere, counts that agree, reasons that say what is missing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dengta.core.importing.scope import ImportScope
from dengta.core.models import Job
from dengta.registry.importing.runner import run_import

from .conftest import good_row, xlsx_bytes

pytestmark = pytest.mark.django_db
NAME = "批量导入企业"


def _upload(cast: Any, data: bytes, capture: Any, name: str = "名单.xlsx") -> Any:
    with capture(execute=True):
        return cast.client("guangzhou").post(
            reverse("registry:import_start"), {"file": SimpleUploadedFile(name, data)}
        )


def test_an_empty_region_cell_asks_for_the_region(sized: Any) -> None:
    outcome = run_import(
        data=xlsx_bytes([good_row("440106", 1, region_code=None), good_row("440106", 2, region_code="  ")]),
        file_name="名单.xlsx",
        scope=ImportScope.national_system(),
        dry_run=True,
    )
    reasons = [e.reason for e in outcome.errors if e.column == "行政区划代码"]
    assert reasons == ["请填写行政区划代码，如 440106"] * 2
    assert not any("不能是" in e.reason for e in outcome.errors)


def test_an_unreadable_file_shows_one_set_of_counts(
    sized: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response = _upload(sized, b"%PDF-1.7 not a spreadsheet", django_capture_on_commit_callbacks, "名单.pdf")
    job = Job.objects.get(kind="registry.import_enterprises")
    assert job.status == "succeeded" and job.result["refused"]
    counts = {k: job.result[k] for k in ("rows_total", "valid", "rejected", "imported", "errors_total")}
    assert counts == dict.fromkeys(counts, 0)
    # The progress says the file was refused, with no count of steps beside the result's counts.
    assert (job.progress_done, job.progress_total, job.message) == (0, 0, "文件未被接受")
    status = sized.client("guangzhou").get(reverse("core:job_status", args=[job.pk])).content.decode()
    assert "文件未被接受" in status and not re.search(r"\d+ / \d+", status)
    page = sized.client("guangzhou").get(response["Location"]).content.decode()
    assert "文件未被接受，没有写入任何数据" in page and "PDF" in page
    assert "数据行" not in page and "有错误" not in page  # no counters for rows that were never read


def test_the_import_page_has_one_name(sized: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = sized.client("guangzhou")
    start = client.get(reverse("registry:import_start")).content.decode()
    assert f"<title>{NAME}" in start and f'<h1 class="h4 mb-0 me-auto">{NAME}</h1>' in start
    assert f'aria-current="page">{NAME}</li>' in start
    assert "企业批量导入" not in start and ">批量导入<" not in start and "企业导入" not in start
    listing = client.get(reverse("registry:enterprise_list")).content.decode()
    assert NAME in listing and "企业批量导入" not in listing
    response = _upload(sized, xlsx_bytes([good_row("440106", 1)]), django_capture_on_commit_callbacks)
    result = client.get(response["Location"]).content.decode()
    assert f'<a href="{reverse("registry:import_start")}">{NAME}</a>' in result
    assert "企业导入" not in result
