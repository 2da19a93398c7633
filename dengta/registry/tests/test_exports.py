"""The registry's list exports, each a job (dengta.core.exports): text that looks like a formula stays text,
every row comes in the page's order however many pages and sheets it takes, and the job exports what its
creator may see when it runs."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from dengta.core.jobs import job_create, job_progress, run_job
from dengta.core.lists import PAGE_SIZE
from dengta.core.models import Job
from dengta.orgs.models import Organization, OrgType
from dengta.registry.models import Enterprise
from dengta.registry.tests.conftest import Registered, body, code_for
from tests.exports import XLSX, exported

pytestmark = pytest.mark.django_db
LIST = reverse("registry:enterprise_list")
FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "＝1＋2"]


def _rows(content: bytes, sheet: int = 0) -> list[list[Any]]:
    return [list(r) for r in load_workbook(io.BytesIO(content)).worksheets[sheet].iter_rows()]


def _more(cast: Any, count: int) -> list[str]:
    """``count`` more enterprises in 广州市天河区, written in bulk (as an import does); their names."""
    region, industry = cast.regions["440106"], cast.industries["C3670"]
    orgs = Organization.objects.bulk_create(
        Organization(name=f"批量企业{n:03d}有限公司", type=OrgType.ENTERPRISE, region=region)
        for n in range(count)
    )
    rows = []
    for n, org in enumerate(orgs):
        enterprise = Enterprise(
            organization=org,
            uscc=code_for("440106", body(1000 + n)),
            name=org.name,
            region=region,
            industry=industry,
            employees=10 + n,
            revenue=Decimal(1_000_000 + n * 10_000),
            total_assets=Decimal(500_000),
            size_class="micro",
            size_sector="industry",
            size_standard_version="miit-2011-300-v2",
        )
        enterprise.derive()
        rows.append(enterprise)
    Enterprise.objects.bulk_create(rows)
    return [org.name for org in orgs]


def test_an_enterprise_named_like_a_formula_is_exported_as_text(registered: Registered, cast: Any) -> None:
    enterprises = [registered.tianhe, registered.nanshan, registered.xihu, registered.shihezi, registered.own]
    for enterprise, name in zip(enterprises, FORMULAS, strict=True):
        Enterprise.objects.filter(pk=enterprise.pk).update(name=name)
    download = exported(cast.client("ministry"), LIST)
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    cells = {row[0].value: row[0] for row in _rows(download.content)[1:]}
    assert set(cells) == set(FORMULAS)
    for name, cell in cells.items():
        assert cell.data_type == "s", name  # a string, not "f" (formula)
        assert cell.quotePrefix, name  # and stays text when someone edits it in Excel
    numbers = [row[6].value for row in _rows(download.content)[1:]]
    assert all(isinstance(n, int) for n in numbers)  # employees stay numbers
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(download.content)).get_sheet_by_index(0)
    assert {row[0] for row in sheet.to_python()[1:]} == set(FORMULAS)


def test_each_column_reads_as_on_the_page(registered: Registered, cast: Any) -> None:
    Enterprise.objects.filter(pk=registered.tianhe.pk).update(tier="specialised")
    rows = _rows(exported(cast.client("guangzhou"), LIST).content)
    tianhe = next([c.value for c in r] for r in rows if r[0].value == registered.tianhe.name)
    assert tianhe == [
        registered.tianhe.name,
        registered.tianhe.uscc,
        "440106",
        "广东省广州市天河区",
        "C3670",
        "汽车零部件及配件制造",
        120,
        3500,  # 万元
        2000,
        registered.tianhe.get_size_class_display(),
        "是",
        "专精特新中小企业",
    ]
    own = next([c.value for c in r] for r in rows if r[0].value == registered.own.name)
    assert own[11] is None  # no tier: an empty cell


def test_a_list_longer_than_a_page_and_a_sheet_comes_whole_and_in_order(
    registered: Registered, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _more(cast, 2 * PAGE_SIZE + 3)
    monkeypatch.setattr("dengta.core.spreadsheets.SHEET_MAX_ROWS", 21)  # 20 rows under each header
    monkeypatch.setattr("dengta.core.exports.PROGRESS_EVERY", 7)
    progress: list[tuple[int, int | None]] = []

    def recording(pk: int, *, done: int, total: int | None = None, message: str | None = None) -> None:
        progress.append((done, total))
        job_progress(pk, done=done, total=total, message=message)

    monkeypatch.setattr("dengta.core.exports.job_progress", recording)
    download = exported(cast.client("ministry"), LIST, {"sort": "-name"})
    expected = list(Enterprise.objects.order_by("-name", "-pk").values_list("name", flat=True))
    assert len(expected) == 5 + 2 * PAGE_SIZE + 3 == 58
    book = load_workbook(io.BytesIO(download.content))
    assert book.sheetnames == ["enterprises", "enterprises (2)", "enterprises (3)"]
    names: list[str] = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:2] == ("企业名称", "统一社会信用代码")  # the header on every sheet
        assert sheet.freeze_panes == "A2"
        names += [r[0] for r in rows[1:]]
    assert [len(list(s.iter_rows())) - 1 for s in book.worksheets] == [20, 20, 18]
    assert names == expected  # every row once, in the page's order
    job = download.job
    job.refresh_from_db()
    assert job.result["rows"] == 58 and job.result["sheets"] == 3 and job.result["capped"] is False
    assert job.progress_done == job.progress_total == 58 and job.percent == 100
    assert progress[0] == (0, 58)
    assert [done for done, _t in progress[1:-1]] == [7, 14, 21, 28, 35, 42, 49, 56]
    assert progress[-1] == (58, 58)
    assert "分 3 个工作表" in job.message


def test_a_list_above_the_inline_size_is_written_after_the_redirect(
    registered: Registered,
    cast: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr("dengta.core.exports.INLINE_ROWS", 2)
    client = cast.client("ministry")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(LIST, {"export": "xlsx"})
        job = Job.objects.get(kind="core.list_export")
        assert response.status_code == 302 and response["Location"] == reverse(
            "core:export_job", args=[job.pk]
        )
        assert job.status == Job.Status.QUEUED  # the page opens on the bar
        page = client.get(response["Location"]).content.decode()
        assert 'role="progressbar"' in page and reverse("core:job_status", args=[job.pk]) in page
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["rows"] == 5 and job.progress_done == job.progress_total == 5
    names = [row[0].value for row in _rows(client.get(job.result["download"]).getvalue())[1:]]
    assert sorted(names) == sorted(Enterprise.objects.values_list("name", flat=True))


def test_at_the_cap_the_file_and_the_job_page_say_what_was_left_out(
    registered: Registered, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dengta.core.exports.EXPORT_MAX_ROWS", 3)
    client = cast.client("ministry")
    download = exported(client, LIST, {"sort": "name"})
    book = load_workbook(io.BytesIO(download.content))
    assert book.sheetnames == ["enterprises", "说明"]
    names = [r[0] for r in book["enterprises"].iter_rows(min_row=2, values_only=True)]
    assert names == list(Enterprise.objects.order_by("name", "pk").values_list("name", flat=True)[:3])
    note = book["说明"]["A1"].value
    assert "只导出了前 3 行" in note and "列表共 5 行" in note
    job = download.job
    job.refresh_from_db()
    assert job.result["capped"] is True and job.result["rows"] == 3
    assert "只导出了前 3 行" in client.get(reverse("core:export_job", args=[job.pk])).content.decode()


def test_an_export_job_is_not_found_for_anyone_else(registered: Registered, cast: Any) -> None:
    job = exported(cast.client("ministry"), LIST).job
    other = cast.client("guangdong")
    assert other.get(reverse("core:export_job", args=[job.pk])).status_code == 404
    assert other.get(reverse("core:export_download", args=[job.pk])).status_code == 404


def test_a_job_exports_what_its_creator_may_see_now(registered: Registered, cast: Any) -> None:
    download = exported(cast.client("guangzhou"), LIST)
    names = {row[0].value for row in _rows(download.content)[1:]}
    assert names == {registered.tianhe.name, registered.own.name}  # the jurisdiction, not the country


def test_the_list_states_the_row_cap_before_exporting(registered: Registered, cast: Any) -> None:
    html = cast.client("ministry").get(LIST).content.decode()
    assert "导出全部行（最多 5,000,000 行），在后台生成后下载" in html


def test_an_export_job_whose_creator_has_left_fails_and_writes_nothing(
    registered: Registered, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dengta.orgs.models import Membership

    member = cast.members["guangzhou"]
    job = job_create(
        kind="core.list_export",
        actor=member.user,
        params={"export": "registry.enterprises", "query": "", "file_name": "enterprises.xlsx"},
        organization_id=member.organization_id,
    )
    Membership.objects.filter(pk=member.pk).update(is_active=False)
    monkeypatch.setattr("django.conf.settings.DENGTA_EAGER_JOBS", "other")  # recorded, not raised
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not job.output_file
    assert "no longer a member" in job.message
