"""The registry's list exports: text that looks like a formula stays text, and a large list becomes a job."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from dengta.core.models import Job
from dengta.registry.models import Enterprise
from dengta.registry.tests.conftest import Registered

pytestmark = pytest.mark.django_db
LIST = reverse("registry:enterprise_list")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "＝1＋2"]


def _rows(content: bytes) -> list[list[Any]]:
    return [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows()]


def test_an_enterprise_named_like_a_formula_is_exported_as_text(registered: Registered, cast: Any) -> None:
    enterprises = [registered.tianhe, registered.nanshan, registered.xihu, registered.shihezi, registered.own]
    for enterprise, name in zip(enterprises, FORMULAS, strict=True):
        Enterprise.objects.filter(pk=enterprise.pk).update(name=name)
    response = cast.client("ministry").get(LIST, {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    cells = {row[0].value: row[0] for row in _rows(response.content)[1:]}
    assert set(cells) == set(FORMULAS)
    for name, cell in cells.items():
        assert cell.data_type == "s", name  # a string, not "f" (formula)
        assert cell.quotePrefix, name  # and stays text when someone edits it in Excel
    numbers = [row[6].value for row in _rows(response.content)[1:]]
    assert all(isinstance(n, int) for n in numbers)  # employees stay numbers
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    assert {row[0] for row in sheet.to_python()[1:]} == set(FORMULAS)


def test_a_list_above_the_threshold_is_exported_by_a_job_with_every_row(
    registered: Registered,
    cast: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr("dengta.core.exports.JOB_THRESHOLD", 2)
    monkeypatch.setattr("dengta.core.exports.PROGRESS_EVERY", 1)
    client = cast.client("ministry")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(LIST, {"export": "xlsx", "sort": "-name"})
    job = Job.objects.get(kind="core.list_export")
    assert response.status_code == 302 and response["Location"] == reverse("core:export_job", args=[job.pk])
    assert job.status == "succeeded", job.message
    assert job.params["rows"] == 5 and job.result["rows"] == 5
    assert job.progress_total == 5 and job.progress_done == 5
    page = client.get(response["Location"])
    assert page.status_code == 200 and job.result["download"] in page.content.decode()
    download = client.get(job.result["download"])
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    names = [row[0].value for row in _rows(download.content)[1:]]
    expected = sorted(Enterprise.objects.values_list("name", flat=True), reverse=True)
    assert names == expected  # every row, in the page's order


def test_an_export_job_is_not_found_for_anyone_else(
    registered: Registered,
    cast: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr("dengta.core.exports.JOB_THRESHOLD", 2)
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("ministry").get(LIST, {"export": "xlsx"})
    job = Job.objects.get(kind="core.list_export")
    other = cast.client("guangdong")
    assert other.get(reverse("core:export_job", args=[job.pk])).status_code == 404
    assert other.get(reverse("core:export_download", args=[job.pk])).status_code == 404


def test_a_job_exports_what_its_creator_may_see_now(
    registered: Registered,
    cast: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr("dengta.core.exports.JOB_THRESHOLD", 1)
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("guangzhou").get(LIST, {"export": "xlsx"})
    job = Job.objects.get(kind="core.list_export")
    assert job.status == "succeeded", job.message
    download = cast.client("guangzhou").get(job.result["download"])
    names = {row[0].value for row in _rows(download.content)[1:]}
    assert names == {registered.tianhe.name, registered.own.name}  # the jurisdiction, not the country


def test_the_list_states_the_row_cap_before_exporting(registered: Registered, cast: Any) -> None:
    html = cast.client("ministry").get(LIST).content.decode()
    assert "最多导出 100,000 行" in html


def test_an_export_job_whose_creator_has_left_fails_and_writes_nothing(
    registered: Registered, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dengta.core.jobs import run_job
    from dengta.orgs.models import Membership

    monkeypatch.setattr("dengta.core.exports.JOB_THRESHOLD", 1)
    cast.client("guangzhou").get(LIST, {"export": "xlsx"})  # queued: on_commit never fires in the test
    job = Job.objects.get(kind="core.list_export")
    assert job.organization_id_ref is not None
    Membership.objects.filter(user=job.created_by, organization_id=job.organization_id_ref).update(
        is_active=False
    )
    monkeypatch.setattr(
        "django.conf.settings.DENGTA_EAGER_JOBS", "other"
    )  # a failure is recorded, not raised
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not job.output_file
    assert "no longer a member" in job.message
