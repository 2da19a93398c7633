"""Issuing reports when an assessment becomes final: number, issuer, signer, digest, supersession, and the
level-rule confirmation (dengta.assessment.issuing)."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, close_old_connections, connection, transaction
from django.test import override_settings
from django.utils import timezone

from dengta.assessment import issuing
from dengta.assessment.models import Assessment, Kind, LevelRuleConfirmation, ReportIssue, State
from dengta.assessment.services import (
    assessment_assign_onsite,
    assessment_correct,
    assessment_save_answers,
    assessment_sign_off,
    assessment_submit,
)
from dengta.assessment.tests.conftest import LEVEL2_CHOICES, declare, scenarios_at, self_assessment
from dengta.core.models import Event


def onsite_signed(world: Any) -> Assessment:
    assessment = assessment_assign_onsite(
        actor=world.members["guangzhou"].user,
        enterprise=world.registered.own,
        expert=world.members["expert"].user,
        expert_organization=world.orgs["expert"],
        phase="t1",
    )
    assessment = declare(world, assessment)
    expert = world.members["expert"].user
    assessment_save_answers(
        actor=expert, assessment=assessment, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2)
    )
    scored = assessment_submit(actor=expert, assessment=assessment, pledge=True)
    assert not ReportIssue.objects.filter(assessment=scored).exists()  # scored is not yet final
    return assessment_sign_off(actor=expert, assessment=scored)


def test_a_scored_self_assessment_is_issued_with_number_issuer_and_digest(world: Any) -> None:
    assessment = self_assessment(world)
    issue = ReportIssue.objects.get(assessment=assessment)
    year = timezone.localdate().year
    region = world.registered.own.region.code
    assert issue.number == f"DT-{year}-{region}-000001"
    assert issuing.NUMBER_RE.fullmatch(issue.number)
    assert issue.issuer == issuing.DEFAULT_ISSUER and issue.issuer_organization is None
    assert issue.framework_title == assessment.framework.title
    assert issue.framework_version == "2024.1"
    assert issue.signer_name == ""
    assert issue.issued_on == timezone.localdate(issue.issued_at)
    assert len(issue.token) >= 16 and len(issue.digest) == 64
    assert issue.figures["total"] == "46.9250" and issue.figures["level"] == 2
    assert issue.figures["enterprise"] == world.registered.own.name
    assert issue.digest == issuing.digest_of(issuing.key_figures(assessment, issue))
    event = Event.objects.get(verb="assessment.report_issued", target_id=str(assessment.pk))
    assert event.payload["number"] == issue.number and event.payload["digest"] == issue.digest


def test_the_issuer_comes_from_the_setting(world: Any) -> None:
    with override_settings(DENGTA_REPORT_ISSUER="某省中小企业数字化转型评测中心"):
        assessment = self_assessment(world)
    assert ReportIssue.objects.get(assessment=assessment).issuer == "某省中小企业数字化转型评测中心"


def test_numbers_count_up_per_region_and_year(world: Any) -> None:
    first = ReportIssue.objects.get(assessment=self_assessment(world))
    second = ReportIssue.objects.get(assessment=self_assessment(world, phase="t1"))
    assert first.number.endswith("-000001") and second.number.endswith("-000002")
    assert first.token != second.token
    other = issuing.allocate_number(year=2030, region_code="330200")
    assert other == "DT-2030-330200-000001"


def test_an_onsite_result_is_issued_at_sign_off_by_the_arranging_authority_with_the_signer(
    world: Any,
) -> None:
    expert = world.members["expert"].user
    expert.display_name, expert.first_name, expert.last_name = "李明", "明", "李"
    expert.save()
    signed = onsite_signed(world)
    issue = ReportIssue.objects.get(assessment=signed)
    assert issue.issuer == world.orgs["guangzhou"].name
    assert issue.issuer_organization == world.orgs["guangzhou"]
    assert issue.signer_name == "李明"  # the recorded 姓名, family name first
    assert issue.figures["signer"] == issue.signer_name
    assert issue.figures["signed_off_on"] == timezone.localdate(signed.signed_off_at).isoformat()


def test_issuing_twice_returns_the_same_issue_and_a_draft_is_refused(world: Any) -> None:
    assessment = self_assessment(world)
    issue = ReportIssue.objects.get(assessment=assessment)
    again = issuing.report_issue(actor=world.members["enterprise"].user, assessment=assessment)
    assert again.pk == issue.pk and ReportIssue.objects.count() == 1
    draft = self_assessment(world, submit=False)
    with pytest.raises(ValidationError):
        issuing.report_issue(actor=world.members["enterprise"].user, assessment=draft)
    assert not ReportIssue.objects.filter(assessment=draft).exists()


def test_an_issued_correction_supersedes_the_earlier_report(world: Any) -> None:
    actor = world.members["enterprise"].user
    original = self_assessment(world)
    correction = assessment_correct(actor=actor, assessment=original)
    corrected = assessment_submit(actor=actor, assessment=correction, pledge=True)
    old = ReportIssue.objects.get(assessment=original)
    new = ReportIssue.objects.get(assessment=corrected)
    assert old.superseded_by == new
    assert issuing.verify(old).status == issuing.Status.SUPERSEDED
    assert issuing.verify(new).status == issuing.Status.VALID
    assert Event.objects.filter(verb="assessment.report_superseded", target_id=str(original.pk)).exists()


def test_verify_sees_a_changed_stored_figure(world: Any) -> None:
    assessment = self_assessment(world)
    issue = ReportIssue.objects.get(assessment=assessment)
    assert issuing.verify(issue).status == issuing.Status.VALID
    Assessment.objects.filter(pk=assessment.pk).update(total=Decimal("66.9250"))
    result = issuing.verify(issue)
    assert result.status == issuing.Status.CHANGED and result.current_digest != issue.digest


def test_the_digest_is_canonical() -> None:
    a = {"b": "1", "a": {"y": None, "x": "中"}}
    b = {"a": {"x": "中", "y": None}, "b": "1"}
    assert issuing.canonical(a) == '{"a":{"x":"中","y":null},"b":"1"}'
    assert issuing.digest_of(a) == issuing.digest_of(b)
    assert issuing.digest_of(a) != issuing.digest_of({**a, "b": "2"})


def test_pdf_marks_read_back_from_compressed_metadata() -> None:
    from weasyprint import HTML

    number, digest = "DT-2026-440106-000007", "ab" * 32
    keywords = f"dengta-report:{number} dengta-digest:{digest}"
    html = f'<html><head><meta name="keywords" content="{keywords}"></head><body>x</body></html>'
    marks = issuing.pdf_marks(HTML(string=html).write_pdf())
    assert marks == issuing.EmbeddedMarks(number=number, digest=digest)
    assert issuing.pdf_marks(b"%PDF-1.7 nothing here") is None


def allocate_retrying_while_locked() -> str:
    """One allocation in its own transaction. The test database on SQLite is an in-memory shared cache,
    which answers "table is locked" at once where the file database waits (busy timeout): retry as that
    would."""
    for _attempt in range(2000):
        try:
            with transaction.atomic():
                return issuing.allocate_number(year=2031, region_code="440106")
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.005)
    raise AssertionError("the sequence stayed locked")


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_share_a_number() -> None:
    """Threads with their own connections allocate from one sequence at the same time (on PostgreSQL the row
    lock makes them wait; SQLite serialises writers)."""
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def work() -> None:
        try:
            start.wait()
            for _ in range(5):
                number = allocate_retrying_while_locked()
                with lock:
                    numbers.append(number)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(numbers) == 20 and len(set(numbers)) == 20
    assert sorted(numbers)[-1] == "DT-2031-440106-000020"


# ------------------------------------------------------------------------------- level-rule confirmation


def test_framework_rule_confirm_records_the_document_and_an_event(world: Any) -> None:
    framework = world.frameworks["miit-2024-manufacturing"]
    assert framework.provisional and issuing.rule_unverified(framework)
    confirmation = issuing.framework_rule_confirm(
        actor=world.members["ministry"].user,
        framework=framework,
        document_title="关于开展中小企业数字化水平评测的通知",
        document_reference="工信厅企业〔2024〕56号 附件第 7 页",
        document_date=date(2024, 5, 20),
    )
    assert confirmation.framework == framework
    assert not issuing.rule_unverified(framework)
    event = Event.objects.get(verb="framework.level_rule_confirmed")
    assert event.payload["document_reference"] == "工信厅企业〔2024〕56号 附件第 7 页"
    with pytest.raises(ValidationError, match="已经核实"):
        issuing.framework_rule_confirm(
            actor=world.members["ministry"].user,
            framework=framework,
            document_title="x",
            document_reference="y",
            document_date=date(2024, 5, 20),
        )
    assert LevelRuleConfirmation.objects.count() == 1


def test_framework_rule_confirm_refuses_a_future_date_and_a_band_framework(world: Any) -> None:
    framework = world.frameworks["miit-2024-manufacturing"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        issuing.framework_rule_confirm(
            actor=world.members["ministry"].user,
            framework=framework,
            document_title="t",
            document_reference="r",
            document_date=tomorrow,
        )
    assert "document_date" in error.value.message_dict
    with pytest.raises(ValidationError):
        issuing.framework_rule_confirm(
            actor=world.members["ministry"].user,
            framework=world.frameworks["miit-2022"],
            document_title="t",
            document_reference="r",
            document_date=date(2024, 1, 1),
        )
    assert LevelRuleConfirmation.objects.count() == 0


def test_a_historical_result_gets_no_report_number(world: Any) -> None:
    from dengta.assessment.services import historical_record

    record = historical_record(
        actor=world.members["guangzhou"].user,
        enterprise=world.registered.own,
        framework=world.frameworks["miit-2022"],
        total=Decimal("55"),
        assessed_on=date(2023, 6, 1),
    )
    assert record.state == State.SCORED and record.kind == Kind.HISTORICAL
    assert not ReportIssue.objects.filter(assessment=record).exists()
