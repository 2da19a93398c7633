"""The evidence of a retrofit project and its money (services/steps.py, services/ledger.py): the 一企一档
dossier checked by content and size, invoices unique across projects and within the contract, the
enterprise's payments within its share, milestones; the subsidy ledger's append-only entries, reversals and
balances, the claim and the payment with its idempotency key (DOMAIN.md 2.7, 6.4, 8.11, 8.15; PRODUCT.md: a
ledger that never overspends)."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dengta.core.models import AppendOnlyError, Event
from dengta.core.workflows import TransitionRefused
from dengta.projects import dossier
from dengta.projects.models import (
    DossierFile,
    EntryKind,
    Envelope,
    EnvelopeKind,
    Funding,
    Invoice,
    LedgerEntry,
    Project,
    ProjectState,
)
from dengta.projects.services import filing, ledger, steps
from dengta.projects.tests.conftest import PDF, Cast, pdf
from dengta.projects.tests.test_workflow import db_state

pytestmark = pytest.mark.django_db
S = ProjectState
ZERO = Decimal("0.00")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def two_projects(cast: Cast) -> tuple[Project, Project]:
    """Two approved projects of the cast enterprise (the pilot's one-project rule turned off)."""
    filing.rules_update(
        actor=cast.user("guangzhou"), rules=filing.rules_for(cast.pilot), one_project_per_enterprise=False
    )
    return cast.approved(), cast.approved(title="第二个改造项目")


def add_invoice(cast: Cast, project: Project, number: str, amount: Any) -> Invoice:
    return steps.invoice_add(
        actor=cast.user("provider"),
        project=project,
        number=number,
        issued_on=timezone.localdate(),
        amount_yuan=amount,
    )


def add_payment(cast: Cast, project: Project, amount: Any, reference: str, days_ago: int = 0) -> Any:
    return steps.enterprise_payment_add(
        actor=cast.user("enterprise"),
        project=project,
        paid_on=timezone.localdate() - timedelta(days=days_ago),
        amount_yuan=amount,
        reference=reference,
    )


# ------------------------------------------------------------------------------------------------ dossier


def test_an_executable_renamed_pdf_is_refused_with_the_kind_named(cast: Cast) -> None:
    project = cast.approved()
    upload = SimpleUploadedFile("合同.pdf", EXECUTABLE, content_type="application/pdf")
    before = db_state()
    with pytest.raises(ValidationError, match="数字化改造合同只接受 PDF、IMAGE 文件") as caught:
        steps.dossier_add(actor=cast.user("provider"), project=project, kind="contract", upload=upload)
    assert set(caught.value.message_dict) == {"file"}
    assert db_state() == before


def test_an_image_for_a_pdf_only_kind_is_refused(cast: Cast) -> None:
    project = cast.approved()
    t0_report = dossier.load_spec().kind("t0_report")
    assert t0_report is not None and t0_report.types == ("pdf",)
    upload = SimpleUploadedFile("评测报告.pdf", PNG, content_type="application/pdf")
    before = db_state()
    with pytest.raises(ValidationError, match="改造前评测报告只接受 PDF 文件"):
        steps.dossier_add(actor=cast.user("provider"), project=project, kind="t0_report", upload=upload)
    assert db_state() == before
    # The same image is fine where images are accepted.
    image = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    row = steps.dossier_add(
        actor=cast.user("provider"), project=project, kind="effect_evidence", upload=image
    )
    assert row.content_type == "image/png"


def test_an_upload_over_the_size_limit_is_refused(cast: Cast) -> None:
    project = cast.approved()
    upload = pdf("扫描件.pdf")
    upload.size = 200 * 1024 * 1024  # a 200 MB upload, without allocating it
    before = db_state()
    with pytest.raises(ValidationError, match="文件不能超过 20 MB"):
        steps.dossier_add(actor=cast.user("provider"), project=project, kind="contract", upload=upload)
    assert db_state() == before


def test_an_unknown_kind_is_refused(cast: Cast) -> None:
    project = cast.approved()
    with pytest.raises(ValidationError, match="未知的材料类型"):
        steps.dossier_add(actor=cast.user("provider"), project=project, kind="selfie", upload=pdf())


def test_versions_count_per_kind(cast: Cast) -> None:
    project = cast.approved()
    provider = cast.user("provider")
    for kind, name in [("contract", "合同v1.pdf"), ("contract", "合同v2.pdf"), ("declaration", "声明.pdf")]:
        content = PDF + name.encode()  # a new version is new content
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        steps.dossier_add(actor=provider, project=project, kind=kind, upload=upload)
    rows = DossierFile.objects.filter(project=project).order_by("id")
    assert list(rows.values_list("kind", "version", "original_name")) == [
        ("contract", 1, "合同v1.pdf"),
        ("contract", 2, "合同v2.pdf"),
        ("declaration", 1, "声明.pdf"),
    ]
    events = Event.objects.filter(verb="project.document_added", target_id=str(project.pk)).order_by("seq")
    assert [(e.payload["kind"], e.payload["version"]) for e in events] == [
        ("contract", 1),
        ("contract", 2),
        ("declaration", 1),
    ]


def test_the_stored_name_is_the_hash_and_the_original_name_is_kept(cast: Cast) -> None:
    project = cast.approved()
    content = PDF + uuid.uuid4().hex.encode()
    upload = SimpleUploadedFile("改造合同 盖章版.pdf", content, content_type="application/octet-stream")
    row = steps.dossier_add(actor=cast.user("provider"), project=project, kind="contract", upload=upload)

    digest = hashlib.sha256(content).hexdigest()
    assert row.sha256 == digest
    assert row.file.name == f"projects/{project.pk}/{digest}"
    assert row.original_name == "改造合同 盖章版.pdf"
    assert (row.content_type, row.size) == ("application/pdf", len(content))  # by content, not by claim
    with row.file.open("rb") as stored:
        assert stored.read() == content


def test_an_uploaders_path_never_reaches_the_stored_names(cast: Cast) -> None:
    project = cast.approved()
    upload = SimpleUploadedFile("../../etc/passwd.pdf", PDF + b"path", content_type="application/pdf")
    row = steps.dossier_add(actor=cast.user("provider"), project=project, kind="other", upload=upload)
    assert "/" not in row.original_name and row.original_name.endswith("passwd.pdf")
    assert str(row.file.name).startswith(f"projects/{project.pk}/{row.sha256}")


def test_a_milestone_of_another_project_is_refused(cast: Cast) -> None:
    first, second = two_projects(cast)
    theirs = steps.milestone_add(
        actor=cast.user("provider"), project=second, title="设备联网", due_on=timezone.localdate()
    )
    before = db_state()
    with pytest.raises(ValidationError, match="该里程碑不属于本项目"):
        steps.dossier_add(
            actor=cast.user("provider"), project=first, kind="milestone", upload=pdf(), milestone=theirs
        )
    assert db_state() == before


# ------------------------------------------------------------------------------------------------ invoices


@pytest.mark.parametrize(
    "variant",
    [
        "FP20261208001",
        "fp20261208001",
        " FP 2026 1208 001 ",
        "Fp2026\t1208001\n",
        "ＦＰ２０２６１２０８００１",
    ],
    ids=["same", "lowercase", "spaces", "tab-and-newline", "full-width"],
)
def test_an_invoice_number_is_used_once_across_all_projects(cast: Cast, variant: str) -> None:
    first, second = two_projects(cast)
    add_invoice(cast, first, "FP20261208001", Decimal("1000.00"))
    before = db_state()
    for project in (first, second):
        with pytest.raises(ValidationError, match=r"同一张发票不能重复使用|发票号码须为"):
            add_invoice(cast, project, variant, Decimal("1000.00"))
    assert db_state() == before
    assert list(Invoice.objects.values_list("number", flat=True)) == ["FP20261208001"]


@pytest.mark.parametrize("number", ["", "   ", "FP-001", "F" * 41])
def test_an_invoice_number_is_1_to_40_letters_or_digits(cast: Cast, number: str) -> None:
    project = cast.approved()
    before = db_state()
    with pytest.raises(ValidationError, match="发票号码须为 1–40 位字母或数字"):
        add_invoice(cast, project, number, Decimal("1000.00"))
    assert db_state() == before


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("0"),
        Decimal("0.00"),
        Decimal("-100.00"),
        Decimal("100.005"),
        100.0,
        100,
        Decimal("NaN"),
        Decimal("Infinity"),
    ],
    ids=repr,
)
def test_an_invoice_amount_is_positive_with_at_most_two_decimals(cast: Cast, amount: Any) -> None:
    project = cast.approved()
    before = db_state()
    with pytest.raises(ValidationError, match="金额须大于 0，最多两位小数"):
        add_invoice(cast, project, "FP0001", amount)
    assert db_state() == before


def test_invoices_stay_within_the_contract_and_the_tolerance(cast: Cast) -> None:
    project = cast.approved()
    tolerance = filing.rules_for(cast.pilot).tolerance_yuan
    assert (project.contract_yuan, tolerance) == (Decimal("138000.00"), Decimal("1.00"))
    add_invoice(cast, project, "FP0001", Decimal("100000.00"))
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        add_invoice(cast, project, "FP0002", Decimal("38001.01"))
    assert caught.value.message_dict["amount_yuan"] == [
        "已登记发票 100,000.00 元，加上本张 38,001.01 元超过合同金额 138,000.00 元"
    ]
    assert db_state() == before
    add_invoice(cast, project, "FP0002", Decimal("38001.00"))  # exactly the contract and the tolerance
    assert sum(Invoice.objects.filter(project=project).values_list("amount_yuan", flat=True)) == Decimal(
        "138001.00"
    )


# ------------------------------------------------------------------------------------- enterprise payments


def test_the_enterprises_payments_stay_within_its_share(cast: Cast) -> None:
    project = cast.approved()
    assert project.enterprise_yuan == Decimal("114000.00")
    add_payment(cast, project, Decimal("14000.00"), "PAY-1")
    before = db_state()
    with pytest.raises(
        ValidationError, match=re.escape("已登记付款 14,000.00 元，加上本笔 100,001.01 元超过企业应付")
    ):
        add_payment(cast, project, Decimal("100001.01"), "PAY-2")
    assert db_state() == before
    add_payment(cast, project, Decimal("100001.00"), "PAY-2")  # within the tolerance of 1 yuan
    assert Project.objects.get(pk=project.pk).first_payment_on == timezone.localdate()


def test_a_payment_before_filing_is_refused(cast: Cast) -> None:
    project = cast.approved()
    before = db_state()
    with pytest.raises(ValidationError, match=r"早于备案日期 .*：本试点要求先备案、后付款"):
        add_payment(cast, project, Decimal("1000.00"), "PAY-1", days_ago=1)
    assert db_state() == before


@pytest.mark.parametrize(
    "amount", [Decimal("0"), Decimal("-1.00"), Decimal("1.005"), Decimal("NaN")], ids=repr
)
def test_a_payment_amount_is_positive_with_at_most_two_decimals(cast: Cast, amount: Decimal) -> None:
    project = cast.approved()
    before = db_state()
    with pytest.raises(ValidationError, match="金额须大于 0，最多两位小数"):
        add_payment(cast, project, amount, "PAY-1")
    assert db_state() == before


def test_a_payment_reference_is_recorded_once_per_project(cast: Cast) -> None:
    project = cast.approved()
    add_payment(cast, project, Decimal("1000.00"), "PAY-1")
    before = db_state()
    with pytest.raises(ValidationError, match="付款凭证号 PAY-1 已登记"):
        add_payment(cast, project, Decimal("1000.00"), " PAY-1 ")
    assert db_state() == before


# ------------------------------------------------------------------------------------------------ milestones


def test_milestones_are_added_and_done_on_time_or_late(cast: Cast) -> None:
    project = cast.approved()
    provider = cast.user("provider")
    today = timezone.localdate()
    ahead = steps.milestone_add(
        actor=provider, project=project, title="系统上线", due_on=today + timedelta(days=9)
    )
    behind = steps.milestone_add(
        actor=provider, project=project, title="设备联网", due_on=today - timedelta(days=2)
    )
    assert (ahead.on_time, behind.on_time) == (None, None)

    on_time = steps.milestone_done(actor=provider, milestone=ahead, done_on=today, note="提前完成")
    late = steps.milestone_done(actor=provider, milestone=behind, done_on=today)

    assert (on_time.on_time, late.on_time) == (True, False)
    done = Event.objects.filter(verb="project.milestone_done", target_id=str(project.pk)).order_by("seq")
    assert [(e.payload["milestone"], e.payload["on_time"]) for e in done] == [
        (ahead.pk, True),
        (behind.pk, False),
    ]
    before = db_state()
    with pytest.raises(ValidationError, match="完成日期不能晚于今天"):
        steps.milestone_done(actor=provider, milestone=ahead, done_on=today + timedelta(days=1))
    with pytest.raises(ValidationError, match="请填写里程碑名称"):
        steps.milestone_add(actor=provider, project=project, title="  ", due_on=today)
    assert db_state() == before


def test_milestones_are_not_recorded_before_approval(cast: Cast) -> None:
    project = cast.filed()
    with pytest.raises(TransitionRefused, match="项目当前状态不能增加里程碑"):
        steps.milestone_add(
            actor=cast.user("provider"), project=project, title="系统上线", due_on=timezone.localdate()
        )


# ------------------------------------------------------------------------------------------------ ledger


def test_ledger_entries_cannot_be_changed_or_deleted(cast: Cast) -> None:
    cast.approved()
    entry = LedgerEntry.objects.filter(kind=EntryKind.COMMIT).first()
    assert entry is not None
    before = db_state()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_yuan=Decimal("1.00"))
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    entry.amount_yuan = Decimal("1.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert db_state() == before


def test_postgresql_refuses_changes_to_ledger_entries_in_the_database(cast: Cast) -> None:
    cast.approved()
    if connection.vendor != "postgresql":
        # The embedded database has no trigger (migration 0002 is PostgreSQL's): the model is the guard.
        with pytest.raises(AppendOnlyError):
            LedgerEntry.objects.all().update(memo="x")
        return
    entry = LedgerEntry.objects.first()
    assert entry is not None
    table = LedgerEntry._meta.db_table
    for sql in (f"UPDATE {table} SET memo = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).memo == entry.memo


def _paid(cast: Cast) -> Project:
    project = cast.claimed()
    steps.project_pay(actor=cast.user("guangzhou"), project=project, idempotency_key="pay-1")
    return Project.objects.get(pk=project.pk)


def test_reversing_a_payment_reopens_the_commitment_and_the_ledger_stays_balanced(cast: Cast) -> None:
    project = _paid(cast)
    guangzhou = cast.user("guangzhou")
    pays = list(LedgerEntry.objects.filter(project=project, kind=EntryKind.PAY).order_by("id"))
    assert sum(e.amount_yuan for e in pays) == project.subsidy_yuan

    for entry in pays:
        reversal = ledger.reverse(actor=guangzhou, entry=entry, reason="收款账户错误，退回重付")
        assert (reversal.kind, reversal.reverses_id, reversal.amount_yuan) == (
            EntryKind.REVERSE,
            entry.pk,
            entry.amount_yuan,
        )

    funding = list(Funding.objects.filter(project=project).values_list("committed_yuan", "paid_yuan"))
    assert sorted(funding) == sorted([(project.central_yuan, ZERO), (project.local_yuan, ZERO)])
    envelopes = dict(Envelope.objects.values_list("kind", "paid_yuan"))
    assert envelopes == {"retrofit": ZERO, "local": ZERO, "service": ZERO}
    report = ledger.reconcile(cast.pilot)
    assert report.balanced and report.projects_paid_twice == 0
    retrofit = report.balance(EnvelopeKind.RETROFIT)
    assert retrofit is not None and retrofit.committed_yuan == project.central_yuan
    assert Event.objects.filter(verb="ledger.reversed").count() == len(pays)

    # The commitment is open again: a new request pays it once more, and the books still balance.
    again = steps.project_pay(actor=guangzhou, project=project, idempotency_key="pay-2")
    assert (again.amount_yuan, again.replayed) == (project.subsidy_yuan, False)
    report = ledger.reconcile(cast.pilot)
    assert report.balanced and report.projects_paid_twice == 0


def test_an_entry_is_reversed_once_and_a_reversal_never(cast: Cast) -> None:
    project = _paid(cast)
    guangzhou = cast.user("guangzhou")
    entry = LedgerEntry.objects.filter(project=project, kind=EntryKind.PAY).order_by("id").first()
    assert entry is not None
    reversal = ledger.reverse(actor=guangzhou, entry=entry, reason="收款账户错误")
    before = db_state()
    with pytest.raises(ledger.LedgerRefused, match="该分录已经冲正"):
        ledger.reverse(actor=guangzhou, entry=entry, reason="再次冲正")
    with pytest.raises(ledger.LedgerRefused, match="冲正分录不能再冲正"):
        ledger.reverse(actor=guangzhou, entry=reversal, reason="冲正的冲正")
    with pytest.raises(ledger.LedgerRefused, match="请说明冲正理由"):
        ledger.reverse(actor=guangzhou, entry=entry, reason="  ")
    assert db_state() == before
    assert ledger.reconcile(cast.pilot).balanced


def test_an_allocation_already_committed_cannot_be_reversed(cast: Cast) -> None:
    cast.approved()
    guangzhou = cast.user("guangzhou")
    retrofit = LedgerEntry.objects.get(kind=EntryKind.ALLOCATE, envelope__kind=EnvelopeKind.RETROFIT)
    before = db_state()
    with pytest.raises(ledger.LedgerRefused, match="该额度已承诺的金额超过冲正后的下达金额"):
        ledger.reverse(actor=guangzhou, entry=retrofit, reason="下达金额有误")
    assert db_state() == before
    # The service envelope holds no commitment: its allocation may be reversed.
    service = LedgerEntry.objects.get(kind=EntryKind.ALLOCATE, envelope__kind=EnvelopeKind.SERVICE)
    ledger.reverse(actor=guangzhou, entry=service, reason="下达金额有误")
    assert Envelope.objects.get(kind=EnvelopeKind.SERVICE).allocated_yuan == ZERO
    assert ledger.reconcile(cast.pilot).balanced


def test_derived_totals_fold_the_entries() -> None:
    d = Decimal
    entries: list[tuple[str, str | None, Decimal]] = [
        ("allocate", None, d("1000.00")),
        ("commit", None, d("300.00")),
        ("commit", None, d("200.00")),
        ("release", None, d("50.00")),
        ("pay", None, d("120.00")),
        ("reverse", "pay", d("120.00")),
        ("pay", None, d("130.00")),
        ("reverse", "release", d("50.00")),
        ("reverse", "commit", d("200.00")),
        ("reverse", "allocate", d("100.00")),
    ]
    assert ledger.derived_totals(entries) == {
        "allocated": d("900.00"),  # 1,000 − 100
        "committed": d("300.00"),  # 300 + 200 − 50 + 50 − 200
        "paid": d("130.00"),  # 120 − 120 + 130
    }
    assert ledger.derived_totals([]) == {"allocated": ZERO, "committed": ZERO, "paid": ZERO}


# ------------------------------------------------------------------------------------------------ claim, pay


def test_a_claim_for_a_project_not_accepted_is_refused(cast: Cast) -> None:
    project = cast.on_site()
    before = db_state()
    with pytest.raises(TransitionRefused, match="只有验收通过的项目可以申请奖补资金"):
        steps.project_claim(actor=cast.user("enterprise"), project=project)
    assert db_state() == before


def test_a_project_not_claimed_is_not_paid(cast: Cast) -> None:
    project = cast.accepted()
    before = db_state()
    with pytest.raises(TransitionRefused, match="只有已申请奖补且验收通过的项目可以拨付"):
        steps.project_pay(actor=cast.user("guangzhou"), project=project, idempotency_key="pay-1")
    assert db_state() == before
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAY).exists()


def test_a_payment_key_is_1_to_68_visible_characters(cast: Cast) -> None:
    project = cast.claimed()
    guangzhou = cast.user("guangzhou")
    before = db_state()
    for key in ("", "   ", "k" * 69, "pay\n1", "pay\x001"):
        with pytest.raises(ledger.LedgerRefused, match="请提供付款请求编号（1–68 个可见字符"):
            steps.project_pay(actor=guangzhou, project=project, idempotency_key=key)
    assert db_state() == before
    paid = steps.project_pay(actor=guangzhou, project=project, idempotency_key="k" * 68)
    assert paid.amount_yuan == project.subsidy_yuan and not paid.replayed
    assert Project.objects.get(pk=project.pk).state == S.PAID


def test_a_payment_key_used_for_another_project_is_refused(cast: Cast) -> None:
    filing.rules_update(
        actor=cast.user("guangzhou"), rules=filing.rules_for(cast.pilot), one_project_per_enterprise=False
    )
    first, second = cast.claimed(), cast.claimed(title="第二个改造项目")
    guangzhou = cast.user("guangzhou")
    steps.project_pay(actor=guangzhou, project=first, idempotency_key="pay-2026-001")
    before = db_state()
    with pytest.raises(ledger.LedgerRefused, match="该付款请求编号已用于另一个项目"):
        steps.project_pay(actor=guangzhou, project=second, idempotency_key="pay-2026-001")
    assert db_state() == before
    assert Project.objects.get(pk=second.pk).state == S.SUBSIDY_CLAIMED


def test_a_key_that_could_pass_for_another_keys_entry_is_refused(cast: Cast) -> None:
    """A payment's entries are stored under "<key>/<envelope>": a key holding "/" could stand for another
    request's entry, so keys may not hold one, and keys sharing a prefix stay different requests."""
    filing.rules_update(
        actor=cast.user("guangzhou"), rules=filing.rules_for(cast.pilot), one_project_per_enterprise=False
    )
    first, second = cast.claimed(), cast.claimed(title="第二个改造项目")
    guangzhou = cast.user("guangzhou")
    retrofit = Envelope.objects.get(kind=EnvelopeKind.RETROFIT)
    before = db_state()
    with pytest.raises(ValidationError, match="付款请求编号"):
        steps.project_pay(actor=guangzhou, project=first, idempotency_key=f"batch-7/{retrofit.pk}")
    assert db_state() == before
    steps.project_pay(actor=guangzhou, project=first, idempotency_key="batch-7-a")
    paid = steps.project_pay(actor=guangzhou, project=second, idempotency_key="batch-7")
    assert (paid.amount_yuan, paid.replayed) == (second.subsidy_yuan, False)
    assert Project.objects.get(pk=second.pk).state == S.PAID
