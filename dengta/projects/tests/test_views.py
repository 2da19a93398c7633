"""The project pages: filing through the form (bad input kept and named), the steps each side may take,
uploads checked by content, the payment that a repeated submission pays once, the list, the ledger and the
timeline, in both languages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dengta.core.models import Event
from dengta.orgs.models import Membership
from dengta.projects import exports
from dengta.projects.models import DossierFile, LedgerEntry, Project, ProjectState
from dengta.projects.tests.conftest import Cast, pdf

pytestmark = pytest.mark.django_db
S = ProjectState


def client(cast: Cast, who: str) -> Client:
    c = Client()
    c.force_login(cast.user(who))
    return c


def filing_post(cast: Cast, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "pilot": cast.pilot.pk,
        "uscc": cast.enterprise.uscc,
        "title": "质量追溯改造",
        "starts_on": today.isoformat(),
        "ends_on": (today.replace(year=today.year + 1)).isoformat(),
        "target_level": "2",
        f"qty_{cast.software.pk}": "2",
    }
    data.update(extra)
    return data


def test_a_provider_files_a_draft_through_the_form(cast: Cast) -> None:
    response = client(cast, "provider").post(reverse("projects:project_create"), filing_post(cast))
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "projects:project_detail", args=[project.pk]
    )
    assert project.state == S.DRAFT and project.lines.get().quantity == 2
    assert project.subsidy_yuan == Decimal("24000.00")  # 2 × 24,000 eligible × 50 %


def test_bad_filing_input_is_named_and_kept(cast: Cast) -> None:
    c = client(cast, "provider")
    response = c.post(reverse("projects:project_create"), filing_post(cast, uscc="91440101MA59ABCD0Y"))
    assert response.status_code == 200 and not Project.objects.exists()
    page = response.content.decode()
    assert "没有统一社会信用代码为" in page or "统一社会信用代码" in page
    assert "质量追溯改造" in page  # the title typed stays
    empty = filing_post(cast)
    empty.pop(f"qty_{cast.software.pk}")
    response = c.post(reverse("projects:project_create"), empty)
    assert "请至少选择一个产品" in response.content.decode() and not Project.objects.exists()
    response = c.post(
        reverse("projects:project_create"), filing_post(cast, **{f"qty_{cast.software.pk}": "-1"})
    )
    assert response.status_code == 200 and not Project.objects.exists()


def test_each_side_takes_its_own_steps(cast: Cast) -> None:
    project = cast.draft()
    url = reverse("projects:project_step", args=[project.pk, "file"])
    assert client(cast, "enterprise").post(url).status_code == 403
    assert client(cast, "provider").post(url).status_code == 302
    project.refresh_from_db()
    assert project.state == S.FILED
    approve = reverse("projects:project_step", args=[project.pk, "approve"])
    assert client(cast, "provider").post(approve).status_code == 403
    assert client(cast, "guangzhou").post(approve).status_code == 302
    project.refresh_from_db()
    assert project.state == S.APPROVED and project.funding.exists()
    # A step that needs a reason, without one: refused with the message, nothing changes.
    withdraw = reverse("projects:project_step", args=[project.pk, "withdraw"])
    response = client(cast, "provider").post(withdraw, follow=True)
    assert "请填写理由" in response.content.decode()
    project.refresh_from_db()
    assert project.state == S.APPROVED
    assert (
        client(cast, "provider")
        .post(reverse("projects:project_step", args=[project.pk, "no-such-step"]))
        .status_code
        == 404
    )


def test_uploads_are_checked_by_content(cast: Cast) -> None:
    project = cast.approved()
    c = client(cast, "provider")
    url = reverse("projects:document_add", args=[project.pk])
    exe = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = c.post(url, {"kind": "contract", "file": exe}, follow=True)
    assert "按文件内容识别" in response.content.decode() and not DossierFile.objects.exists()
    response = c.post(url, {"kind": "contract", "file": pdf("合同.pdf")}, follow=True)
    row = DossierFile.objects.get()
    assert (row.kind, row.version, row.original_name) == ("contract", 1, "合同.pdf")
    download = c.get(reverse("projects:document_download", args=[row.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]


def finance(cast: Cast, *, held: bool) -> None:
    """Give or take the finance role of 广州's officer (the cast's officer holds it)."""
    membership = Membership.objects.get(
        user=cast.user("guangzhou"), organization=cast.world.orgs["guangzhou"]
    )
    roles = {r for r in membership.platform_roles if r != "finance"} | ({"finance"} if held else set())
    membership.platform_roles = sorted(roles)
    membership.save()


def test_a_repeated_payment_submission_pays_once(cast: Cast) -> None:
    project = cast.claimed()
    finance(cast, held=True)
    c = client(cast, "guangzhou")
    url = reverse("projects:project_pay", args=[project.pk])
    first = c.post(url, {"key": "form-abc"}, follow=True)
    assert "奖补资金已拨付" in first.content.decode()
    again = c.post(url, {"key": "form-abc"}, follow=True)
    assert "已经处理过" in again.content.decode()
    assert (
        LedgerEntry.objects.filter(kind="pay").count() == project.funding.filter(committed_yuan__gt=0).count()
    )
    project.refresh_from_db()
    assert project.state == S.PAID


def test_paying_needs_the_finance_role(cast: Cast) -> None:
    project = cast.claimed()
    finance(cast, held=False)
    response = client(cast, "guangzhou").post(
        reverse("projects:project_pay", args=[project.pk]), {"key": "k1"}
    )
    assert response.status_code == 403 and not LedgerEntry.objects.filter(kind="pay").exists()


def test_the_list_the_detail_and_the_ledger_render_in_both_languages(cast: Cast) -> None:
    project = cast.accepted()
    c = client(cast, "guangzhou")
    listing = c.get(reverse("projects:project_list"), {"state": "accepted"})
    assert listing.status_code == 200 and project.title in listing.content.decode()
    detail = c.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert "验收通过" in detail and "一企一档" in detail and "项目进程" in detail
    assert "已上传档案材料 × 10" in detail  # the ten uploads of one minute, once
    ledger_page = c.get(reverse("projects:pilot_ledger", args=[cast.pilot.pk])).content.decode()
    assert "账实相符" in ledger_page
    c.cookies["django_language"] = "en"
    english = c.get(reverse("projects:project_detail", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = english.content.decode()
    assert "Retrofit" in text or "Dossier" in text or "Subsidy" in text
    assert Event.objects.filter(target_type="projects.project", target_id=str(project.pk)).count() > 10


def test_outsiders_get_404(cast: Cast) -> None:
    project = cast.filed()
    assert (
        client(cast, "zhejiang").get(reverse("projects:project_detail", args=[project.pk])).status_code == 404
    )


def test_the_list_exports_what_it_shows(cast: Cast) -> None:
    project = cast.filed()
    export = exports.projects_export(cast.world.viewer("guangzhou"), QueryDict(""))
    rows = list(export.rows())
    assert [r[1] for r in rows] == [project.title]
    assert rows[0][6] == "已备案待审核" and rows[0][9] == project.subsidy_yuan


def test_the_dossier_downloads_as_one_zip_with_its_index(cast: Cast) -> None:
    import io
    import zipfile

    project = cast.completed()
    response = client(cast, "provider").get(reverse("projects:dossier_zip", args=[project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    names = archive.namelist()
    assert names[0] == "00-档案目录.pdf" and archive.read(names[0]).startswith(b"%PDF")
    assert len(names) == 11 and all(n.count("/") == 1 for n in names[1:])
    assert any(n.startswith("01-数字化改造合同/v1-") for n in names)
    assert client(cast, "zhejiang").get(reverse("projects:dossier_zip", args=[project.pk])).status_code == 404


def test_finance_pays_the_ticked_projects_as_a_batch_once(cast: Cast) -> None:
    from dengta.projects.models import PaymentBatch
    from dengta.projects.services import filing

    filing.rules_update(
        actor=cast.user("guangzhou"), rules=filing.rules_for(cast.pilot), one_project_per_enterprise=False
    )
    first, second = cast.claimed(), cast.claimed(title="第二个项目")
    unclaimed = cast.approved(title="第三个项目")
    finance(cast, held=True)
    c = client(cast, "guangzhou")
    queue = c.get(reverse("projects:payment_queue")).content.decode()
    assert first.title in queue and second.title in queue and unclaimed.title not in queue
    data = {"project": [first.pk, second.pk, unclaimed.pk], "token": "form-1", "note": "第一批"}
    page = c.post(reverse("projects:payment_batch_pay"), data, follow=True).content.decode()
    assert "已拨付 2 个项目" in page and "第三个项目" in page  # the refused one is named with its reason
    batch = PaymentBatch.objects.get()
    assert batch.note == "第一批" and batch.entries.filter(kind="pay").count() == 4  # central + local each
    again = c.post(reverse("projects:payment_batch_pay"), data, follow=True).content.decode()
    assert "没有重复拨付" in again and PaymentBatch.objects.count() == 1
    sheet = c.get(reverse("projects:payment_batch_xlsx", args=[batch.pk]))
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "项目编号" and rows[-1][0] == "合计"
    assert Decimal(str(rows[-1][6])) == first.subsidy_yuan + second.subsidy_yuan


def test_finance_corrects_a_payment_by_reversing_it_on_the_ledger_page(cast: Cast) -> None:
    from dengta.projects.services import ledger

    project = cast.claimed()
    finance(cast, held=True)
    c = client(cast, "guangzhou")
    c.post(reverse("projects:project_pay", args=[project.pk]), {"key": "first"})
    entry = LedgerEntry.objects.filter(kind="pay", project=project).order_by("id").first()
    assert entry is not None
    url = reverse("projects:ledger_entry_reverse", args=[entry.pk])
    refused = c.post(url, {"reason": ""}, follow=True).content.decode()
    assert "请说明冲正理由" in refused and not LedgerEntry.objects.filter(kind="reverse").exists()
    done = c.post(url, {"reason": "银行退票"}, follow=True).content.decode()
    assert "已冲正" in done and LedgerEntry.objects.get(kind="reverse").reverses_id == entry.pk
    assert ledger.reconcile(cast.pilot).balanced
    again = c.post(url, {"reason": "再次冲正"}, follow=True).content.decode()
    assert "该分录已经冲正" in again and LedgerEntry.objects.filter(kind="reverse").count() == 1
    finance(cast, held=False)
    assert client(cast, "guangzhou").post(url, {"reason": "x"}).status_code == 403
