"""The printable application (申报书 PDF) and the programme exports: who may download them (404 for outsiders,
403 with the reason for insiders without the permission), what they hold (applicant, sub-industries,
providers, the pool with its levels, the failure sentences, never bare codes), numbers as UI.md writes them,
text that looks like a formula kept as text, and the English headers.

One test makes a real PDF (WeasyPrint takes a second or two); the content is checked on the HTML it prints.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from dengta.catalog.tests.test_english import chinese_left, data_texts
from dengta.core.exports import write_export
from dengta.programmes import documents, exports, pdf, reviews, services, views
from dengta.programmes.models import Application, Batch, ReviewMethod
from dengta.programmes.tests.test_reviews import SCORES, second_expert
from dengta.programmes.tests.test_services import ready, user  # noqa: F401  (the fixture)
from dengta.registry.models import Enterprise
from tests.exports import XLSX, exported

pytestmark = pytest.mark.django_db

INSIDERS = ("guangzhou", "guangdong", "ministry", "oversight")
OUTSIDERS = ("zhejiang", "shenzhen", "xinjiang", "enterprise", "provider", "expert")
HOSTILE = '=HYPERLINK("http://evil.invalid","点我")'


def pdf_url(application: Application) -> str:
    return reverse("programmes:application_pdf", args=[application.pk])


def pools_url(application: Application) -> str:
    return reverse("programmes:application_pools_xlsx", args=[application.pk])


def reviews_url(batch: Batch) -> str:
    return reverse("programmes:batch_reviews_xlsx", args=[batch.pk])


def cjk_fonts_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(["fc-list", "Noto Sans CJK SC"], capture_output=True, check=False)
    return bool(found.stdout.strip())


def streams(data: bytes) -> list[bytes]:
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return out


def sheet_rows(content: bytes, sheet: int | str = 0) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    ws = book[sheet] if isinstance(sheet, str) else book.worksheets[sheet]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def column(rows: list[list[Any]], header: str) -> list[Any]:
    at = rows[0].index(header)
    return [row[at] for row in rows[1:]]


@pytest.fixture
def full(world: Any, ready: Application) -> Application:  # noqa: F811
    """广州's application with a second pool enterprise (a 小巨人 not yet assessed, named like a formula)
    and an award above the cap: the stored check then holds the sentence of award_over_cap."""
    tianhe: Enterprise = world.registered.tianhe
    Enterprise.objects.filter(pk=tianhe.pk).update(
        name=HOSTILE, tier="little_giant", is_above_designated_size=True
    )
    actor = user(world, "guangzhou")
    entry = ready.sub_industries.get()
    services.application_add_enterprise(
        actor=actor, entry=entry, enterprise=Enterprise.objects.get(pk=tianhe.pk)
    )
    application = services.application_update(
        actor=actor, application=ready, data={"award_requested_yuan": "999999999.5"}
    )
    application.refresh_from_db()
    assert "award_over_cap" in [f["code"] for f in application.eligibility]
    return application


def html_for(application: Application, language: str = "zh-hans") -> str:
    with translation.override(language):
        fresh = Application.objects.select_related("batch__programme", "applicant__region").get(
            pk=application.pk
        )
        return pdf.render_html(fresh)


# ------------------------------------------------------------------------------------------------- the PDF


def test_the_pdf_is_an_a4_document_for_insiders(world: Any, full: Application) -> None:
    response = world.client("guangzhou").get(pdf_url(full))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="application-{full.pk}.pdf"')
    assert "no-store" in response["Cache-Control"]
    data = response.content
    assert data.startswith(b"%PDF-")
    everything = data + b"".join(streams(data))  # object streams hold the dictionaries compressed
    box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", everything)
    assert box is not None
    x0, y0, x1, y1 = (float(v) for v in box.groups())
    assert (x1 - x0, y1 - y0) == (pytest.approx(595.28, abs=1), pytest.approx(841.89, abs=1))  # A4
    # The document title carries the applicant's name (UTF-16 hex in the Info dictionary).
    assert ("<feff" + full.applicant.name.encode("utf-16-be").hex()).encode() in everything.lower()
    if cjk_fonts_installed():  # fonts-noto-cjk (scripts/system_test_deps.sh): embedded, as the report's
        assert re.search(rb"(?i)/FontName\s*/[A-Z]{6}\+Noto-?Sans-?CJK-?SC", everything)


def test_the_pdf_is_found_only_by_those_who_see_the_application(world: Any, full: Application) -> None:
    for who in OUTSIDERS:
        assert world.client(who).get(pdf_url(full)).status_code == 404, who
    anonymous = Client().get(pdf_url(full))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    missing = reverse("programmes:application_pdf", args=[full.pk + 1000])
    assert world.client("ministry").get(missing).status_code == 404
    assert world.client("guangzhou").post(pdf_url(full)).status_code == 405  # a download, never a change


def test_the_printed_application_holds_every_section(world: Any, full: Application) -> None:
    page = html_for(full)
    # Cover: batch, programme, applicant, region, state.
    assert full.batch.title in page and full.batch.programme.name in page
    assert "广州市工业和信息化局" in page and "广东省广州市" in page and "草稿" in page
    # Fund plan: yuan with separators and the fen, percentages with one decimal, the rules and the cap.
    assert "999,999,999.50" in page and "20,000,000.00" in page
    assert "80.0%" in page and "20.0%" in page
    assert "150,000,000.00" in page and full.rules_version in page
    # Targets.
    assert "90.0%" in page and "二级" in page and "围绕汽车零部件细分行业推进改造" in page
    # The sub-industry, its local name, industry code, provider and pool with levels.
    assert "汽车零部件（广州）" in page and "C367" in page and "广州数智服务有限公司" in page
    own = world.registered.own
    assert own.uscc in page and own.name in page and "天河区" in page
    assert "一级" in page and "未评测" in page and "专精特新“小巨人”企业" in page
    # Autoescaped: the formula-like name is text, not markup.
    assert "=HYPERLINK(&quot;http://evil.invalid&quot;" in page
    # Pool summary: two 规上, none at 二级, one below it, one not assessed, two to lift.
    summary = page[page.index("试点企业库汇总") :]
    cells = re.findall(r'<td class="num">([^<]*)</td>', summary[: summary.index("</tbody>")])
    assert cells[:7] == ["2", "2", "0", "1", "1", "2", "0.0%"]
    # Checklist, failures as sentences (never codes), declaration.
    assert "每个细分行业推荐至少一家服务商" in page
    assert "超过2025年城市试点对省会城市的上限" in page and "award_over_cap" not in page
    assert "本单位承诺所填申报内容真实、准确、完整" in page and "尚未提交" in page
    assert "https://" not in page.replace(pdf.report_pdf.STATIC_ORIGIN, "")  # nothing fetched from elsewhere


def test_the_printed_application_says_the_submission_time(world: Any, ready: Application) -> None:  # noqa: F811
    submitted = services.application_submit(actor=user(world, "guangzhou"), application=ready, declared=True)
    page = html_for(submitted)
    stamp = timezone.localtime(submitted.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert stamp in page and "尚未提交" not in page and "已提交" in page


def test_the_printed_application_is_in_the_readers_language(world: Any, full: Application) -> None:
    page = html_for(full, "en")
    assert "Fund plan" in page and "Pilot enterprise pool summary" in page
    assert "is above the cap of 150,000,000 yuan" in page  # the English sentence of the failure
    assert "Auto parts" in page  # the catalogue's English name beside the local one
    assert "Not assessed" in page and "Level 1" in page
    assert "超过" not in page and "完整性清单" not in page
    # No Chinese but the data (names, the notice's number, the plan as typed).
    typed = [
        full.batch.notice,
        full.batch.title,
        full.plan,
        "汽车零部件（广州）",
        "广东省广州市天河区",
        "广东省广州市",
    ]
    assert chinese_left(page, [*typed, *data_texts(), "点我"]) == []


def test_the_platform_models_cap_is_per_nominated_platform(world: Any, full: Application) -> None:
    document = documents.application_document(full)
    assert document.cap_per_provider_yuan is None and document.cap_yuan == Decimal("150000000")
    assert document.provider_count == 1
    assert documents.percent_text(Decimal("0.6667")) == "66.7%" and documents.percent_text(None) == "—"
    assert documents.yuan_text(Decimal("1234567.8")) == "1,234,567.80" and documents.yuan_text(None) == "—"


# ---------------------------------------------------------------------------------------------- the pools


def test_the_pools_workbook_lists_providers_and_enterprises(world: Any, full: Application) -> None:
    response = world.client("guangdong").get(pools_url(full))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="application-{full.pk}-pools.xlsx"'
    )
    providers = sheet_rows(response.content, "细分行业与服务商")
    assert providers[0][:4] == ["细分行业", "细分行业目录名称", "行业代码", "推荐服务商"]
    assert providers[1] == [
        "汽车零部件（广州）",
        "汽车零部件",
        "C367",
        "广州数智服务有限公司",
        "91440106MA5ABCDE99",
        2,
    ]
    enterprises = sheet_rows(response.content, "试点企业")
    assert enterprises[0] == [
        "细分行业",
        "统一社会信用代码",
        "企业名称",
        "所在区县",
        "规上企业",
        "专精特新",
        "当前等级",
    ]
    own = world.registered.own
    assert enterprises[1] == [
        "汽车零部件（广州）",
        own.uscc,
        own.name,
        "广东省广州市天河区",
        "是",
        None,
        "一级",
    ]
    assert enterprises[2][2] == HOSTILE and enterprises[2][5:] == ["专精特新“小巨人”企业", "未评测"]
    # The formula-like name is a text cell with Excel's quote prefix: opening the file runs nothing.
    cell = load_workbook(io.BytesIO(response.content))["试点企业"]["C3"]
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_pools_workbook_is_not_found_for_outsiders(world: Any, full: Application) -> None:
    for who in OUTSIDERS:
        assert world.client(who).get(pools_url(full)).status_code == 404, who
    for who in INSIDERS:
        assert world.client(who).get(pools_url(full)).status_code == 200, who
    assert Client().get(pools_url(full)).status_code == 302


def test_the_pools_workbook_has_english_headers(world: Any, full: Application) -> None:
    with translation.override("en"):
        body = exports.pools_workbook(documents.application_document(full))
    enterprises = sheet_rows(body, 1)
    assert enterprises[0][:3] == ["Sub-industry", "Unified social credit code", "Enterprise name"]
    assert enterprises[1][4:] == ["Yes", None, "Level 1"] and enterprises[2][6] == "Not assessed"
    assert load_workbook(io.BytesIO(body)).sheetnames == ["Sub-industries and providers", "Pilot enterprise"]


# -------------------------------------------------------------------------------------- the review table


@pytest.fixture
def reviewed(world: Any, ready: Application) -> Application:  # noqa: F811
    """Under review with two experts: one submitted (chain_and_platform n/a), one still a draft."""
    services.application_submit(actor=user(world, "guangzhou"), application=ready, declared=True)
    application = services.application_start_review(actor=user(world, "ministry"), application=ready)
    deadline = timezone.now() + timedelta(days=7)
    expert = user(world, "expert")
    expert.first_name, expert.last_name = "", "王评审"
    expert.save()
    done = reviews.review_assign(
        actor=user(world, "ministry"), application=application, expert=expert, deadline=deadline
    )
    reviews.review_save(actor=expert, assignment=done, scores=SCORES, comments={})
    reviews.review_submit(actor=expert, assignment=done)
    other = second_expert(world, "expert2")
    draft = reviews.review_assign(
        actor=user(world, "ministry"), application=application, expert=other, deadline=deadline
    )
    reviews.review_save(actor=other, assignment=draft, scores={"basic_conditions": 2}, comments={})
    return application


def test_the_review_table_has_a_row_per_application_and_expert(world: Any, reviewed: Application) -> None:
    response = world.client("ministry").get(reviews_url(reviewed.batch))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = sheet_rows(response.content)
    header = rows[0]
    assert header[:4] == ["申报单位", "状态", "评审专家", "提交时间"]
    assert "basic_conditions" not in header  # criteria by name, never by code
    assert header[-5:] == ["评审总分", "申报汇总得分", "汇总方式", "计入汇总的评审（份）", "评审细则版本"]
    assert len(rows) == 3
    submitted, draft = rows[1], rows[2]
    assert submitted[0] == "广州市工业和信息化局" and submitted[1] == "评审中" and submitted[2] == "王评审"
    assert submitted[3] is not None and submitted[3] != "未提交"  # a date cell
    assert "不适用" in submitted and submitted[-5] == pytest.approx(70.53)
    assert draft[2] == "expert2" and draft[3] == "未提交" and draft[-5] is None
    # The application's aggregate on each of its rows: the submitted review only, by the batch's mean.
    assert submitted[-4] == draft[-4] == pytest.approx(70.53)
    assert submitted[-3] == str(ReviewMethod.MEAN.label) and submitted[-2] == draft[-2] == 1


def test_the_review_table_is_for_programme_staff_only(world: Any, reviewed: Application) -> None:
    url = reviews_url(reviewed.batch)
    for who in ("guangzhou", "guangdong", "oversight", "expert", "enterprise"):
        refused = world.client(who).get(url)
        assert refused.status_code == 403, who
        assert "只有部委的项目管理人员可以评审、退回或否决申报" in refused.content.decode(), who
    assert Client().get(url).status_code == 302
    assert (
        world.client("ministry").get(reverse("programmes:batch_reviews_xlsx", args=[99999])).status_code
        == 404
    )


def test_an_empty_batch_gives_a_header_only_and_drafts_are_left_out(world: Any, ready: Application) -> None:  # noqa: F811
    rows = sheet_rows(world.client("ministry").get(reviews_url(ready.batch)).content)
    assert rows == [rows[0]] and rows[0][:3] == ["申报单位", "状态", "评审专家"]


def test_the_review_table_has_english_headers(world: Any, reviewed: Application) -> None:
    client = world.client("ministry")
    client.cookies["django_language"] = "en"
    rows = sheet_rows(client.get(reviews_url(reviewed.batch)).content)
    assert rows[0][:4] == ["Applicant", "Status", "Expert reviewer", "Submitted at"]
    assert "Not applicable" in rows[1] and rows[2][3] == "Not submitted"
    assert not any(re.search(r"[\u4e00-\u9fff]", str(h)) for h in rows[0])


# ------------------------------------------------------------------------------------ the applications list


@pytest.fixture
def listed(monkeypatch: Any) -> None:
    """The list page declaring its export (views.APPLICATIONS names the builder registered here)."""
    if views.APPLICATIONS.export != exports.APPLICATIONS_EXPORT:
        monkeypatch.setattr(
            views, "APPLICATIONS", dataclasses.replace(views.APPLICATIONS, export=exports.APPLICATIONS_EXPORT)
        )


def test_the_applications_list_exports_with_its_filters(world: Any, full: Application, listed: None) -> None:
    download = exported(world.client("ministry"), "/programmes/applications/", {"q": "广州"})
    rows = sheet_rows(download.content)
    assert rows[0][:4] == ["申报单位", "地区", "批次", "状态"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["申报单位"] == "广州市工业和信息化局" and row["地区"] == "广东省广州市"
    assert row["批次"] == full.batch.title and row["状态"] == "草稿"
    assert row["细分行业（个）"] == 1 and row["试点企业（家）"] == 2
    assert row["申请奖补资金（元）"] == pytest.approx(999999999.5) and row["地方配套资金（元）"] == 20000000
    assert row["用于企业改造的比例（%）"] == 80 and row["资格检查未通过（项）"] == len(full.eligibility)
    none = exported(world.client("ministry"), "/programmes/applications/", {"state": "approved"})
    assert len(sheet_rows(none.content)) == 1
    # Another province's staff export nothing of 广州's.
    other = exported(world.client("zhejiang"), "/programmes/applications/")
    assert len(sheet_rows(other.content)) == 1


def test_the_applications_export_refuses_who_the_page_refuses(world: Any, full: Application) -> None:
    with pytest.raises(Exception, match="试点申报对部委、地方主管部门和监督机构开放"):
        exports.applications_export(world.viewer("enterprise"), QueryDict(""))


def test_the_applications_export_in_english(world: Any, full: Application) -> None:
    buffer = io.BytesIO()
    with translation.override("en"):
        export = exports.applications_export(world.viewer("ministry"), QueryDict("state=draft&batch=bogus"))
        write_export(export, buffer, listed=1)
    rows = sheet_rows(buffer.getvalue())
    assert rows[0][:4] == ["Applicant", "Region", "Batch", "Status"] and rows[1][3] == "Draft"
