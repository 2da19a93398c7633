"""The public verification page /v/<token>/ and the issue shown on the report page and in the PDF."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dengta.assessment import issuing
from dengta.assessment.models import Assessment, ReportIssue
from dengta.assessment.services import assessment_correct, assessment_submit
from dengta.assessment.tests.conftest import self_assessment
from dengta.registry.models import Enterprise


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def issued(world: Any) -> tuple[Assessment, ReportIssue]:
    assessment = self_assessment(world)
    return assessment, ReportIssue.objects.get(assessment=assessment)


def page(issue: ReportIssue, client: Client | None = None) -> Any:
    return (client or Client()).get(reverse("verify:report", args=[issue.token]))


def test_anyone_can_verify_without_login_and_sees_the_key_figures(world: Any) -> None:
    _assessment, issue = issued(world)
    response = page(issue)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-status="valid"' in text
    assert issue.number in text and world.registered.own.name in text
    assert "46.925" in text and "二级" in text
    assert issue.issuer in text and issue.issued_on.isoformat() in text
    assert "中小企业数字化水平评测指标（2024年版）" in text and "2024.1" in text
    assert response["Cache-Control"].startswith("public")


def test_the_page_leaks_nothing_beyond_the_key_figures(world: Any) -> None:
    assessment, issue = issued(world)
    text = page(issue).content.decode()
    enterprise = world.registered.own
    # Not the answers, the dimension points, the people or the enterprise's identifiers.
    assert enterprise.uscc not in text
    assert "base.equipment.network" not in text and "23.8" not in text and "14.625" not in text
    assert world.members["enterprise"].user.username not in text.replace("enterprise-", "")
    assert reverse("assessment:detail", args=[assessment.pk]) not in text
    assert "csrfmiddlewaretoken" not in text.split('id="check-title"')[1]


def test_a_changed_stored_figure_makes_the_page_say_so(world: Any) -> None:
    assessment, issue = issued(world)
    Assessment.objects.filter(pk=assessment.pk).update(level=3, total=Decimal("61.5"))
    text = page(issue).content.decode()
    assert 'data-status="changed"' in text and 'data-status="valid"' not in text
    assert "请勿采信" in text
    assert "46.925" in text  # the figures shown are those issued, not the altered ones


def test_a_renamed_enterprise_keeps_its_reports_valid_but_an_edited_snapshot_does_not(world: Any) -> None:
    """The authority may correct an enterprise's name in the register: what was assessed did not change, so
    its reports stay valid (issued under the old name). Editing the stored snapshot itself is a change."""
    assessment, issue = issued(world)
    issued_name = world.registered.own.name
    Enterprise.objects.filter(pk=assessment.enterprise_id).update(name="天河精密零部件股份有限公司")
    text = page(issue).content.decode()
    assert 'data-status="valid"' in text and issued_name in text
    figures = {**issue.figures, "total": "99"}
    ReportIssue.objects.filter(pk=issue.pk).update(figures=figures)
    cache.clear()
    assert 'data-status="changed"' in page(ReportIssue.objects.get(pk=issue.pk)).content.decode()


def test_a_corrected_report_says_superseded_by_the_new_number(world: Any) -> None:
    actor = world.members["enterprise"].user
    original, old = issued(world)
    corrected = assessment_submit(
        actor=actor, assessment=assessment_correct(actor=actor, assessment=original), pledge=True
    )
    new = ReportIssue.objects.get(assessment=corrected)
    text = page(old).content.decode()
    assert 'data-status="superseded"' in text and new.number in text
    assert reverse("verify:report", args=[new.token]) in text
    assert 'data-status="valid"' in page(new).content.decode()


def test_an_unknown_token_is_a_404(world: Any) -> None:
    issued(world)
    assert Client().get(reverse("verify:report", args=["nosuchtoken000000"])).status_code == 404
    assert Client().get("/v/" + "x" * 60 + "/").status_code == 404


def test_an_onsite_report_page_does_not_name_the_expert(world: Any) -> None:
    from dengta.assessment.tests.test_issuing import onsite_signed

    expert = world.members["expert"].user
    expert.display_name = "李明"
    expert.save()
    issue = ReportIssue.objects.get(assessment=onsite_signed(world))
    text = page(issue).content.decode()
    assert issue.signer_name == "李明" and "李明" not in text
    assert issue.issuer == world.orgs["guangzhou"].name and issue.issuer in text


def test_a_signed_in_person_sees_the_page_in_the_app_and_it_is_not_shared_cached(world: Any) -> None:
    _assessment, issue = issued(world)
    response = page(issue, world.client("guangzhou"))
    # Private, and not stored at all for a signed-in person (core.middleware.PrivateResponseMiddleware).
    assert response.status_code == 200 and {"private", "no-store"} <= set(
        response["Cache-Control"].split(", ")
    )


def test_the_page_is_in_english_when_chosen(world: Any) -> None:
    _assessment, issue = issued(world)
    client = Client()
    client.cookies["django_language"] = "en"
    text = page(issue, client).content.decode()
    assert "Valid" in text and "Key figures as issued" in text and "Date of issue" in text
    assert "二级" not in text and "有效" not in text
    assert "SME digital level assessment indicators (2024 edition)" in text


def pdf_of(world: Any, assessment: Assessment) -> bytes:
    response = world.client("enterprise").get(reverse("assessment:report_pdf", args=[assessment.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_uploaded_pdf_of_the_report_matches(world: Any) -> None:
    assessment, issue = issued(world)
    body = pdf_of(world, assessment)
    assert issuing.pdf_marks(body) == issuing.EmbeddedMarks(number=issue.number, digest=issue.digest)
    upload = SimpleUploadedFile("report.pdf", body, content_type="application/pdf")
    response = Client().post(reverse("verify:report", args=[issue.token]), {"file": upload})
    assert response.status_code == 200
    assert "文件的编号和摘要与出具记录一致" in response.content.decode()


def test_an_uploaded_pdf_with_another_digest_or_number_is_refused(world: Any) -> None:
    assessment, issue = issued(world)
    body = pdf_of(world, assessment)
    forged = body.replace(issue.digest.encode(), b"0" * 64)
    url = reverse("verify:report", args=[issue.token])
    if forged == body:  # the metadata sits in a compressed stream: forge the digest in a minimal PDF instead
        forged = (
            b"%PDF-1.7\n/Keywords (dengta-report:" + issue.number.encode() + b" dengta-digest:" + b"0" * 64
        )
    text = Client().post(url, {"file": SimpleUploadedFile("r.pdf", forged)}).content.decode()
    assert "不是本报告的原件" in text
    other = b"%PDF-1.7\n(dengta-report:DT-2020-110000-000001 dengta-digest:" + b"a" * 64 + b")"
    text = Client().post(url, {"file": SimpleUploadedFile("r.pdf", other)}).content.decode()
    assert "DT-2020-110000-000001" in text and "另一份报告" in text
    text = Client().post(url, {"file": SimpleUploadedFile("r.pdf", b"%PDF-1.4 plain")}).content.decode()
    assert "没有灯塔报告编号" in text
    text = Client().post(url, {"file": SimpleUploadedFile("r.txt", b"hello")}).content.decode()
    assert "这不是 PDF 文件" in text


def test_a_typed_number_is_compared_and_a_malformed_one_explained(world: Any) -> None:
    _assessment, issue = issued(world)
    url = reverse("verify:report", args=[issue.token])
    assert (
        "报告编号与本页所核验的报告一致"
        in Client().post(url, {"number": issue.number.lower()}).content.decode()
    )
    assert "不符" in Client().post(url, {"number": "DT-2020-110000-000009"}).content.decode()
    text = Client().post(url, {"number": "12345"}).content.decode()
    assert "报告编号的格式为" in text and 'value="12345"' in text
    assert "请上传报告 PDF 或输入报告编号" in Client().post(url, {}).content.decode()


def test_the_report_page_shows_the_issue_and_the_verification_link(world: Any) -> None:
    assessment, issue = issued(world)
    text = world.client("enterprise").get(reverse("assessment:detail", args=[assessment.pk])).content.decode()
    assert issue.number in text and issue.issuer in text
    assert reverse("verify:report", args=[issue.token]) in text
    assert "<svg" in text  # the QR code


def test_an_eu_dma_result_is_issued_and_verifiable(world: Any) -> None:
    from dengta.assessment import dma
    from dengta.assessment.models import Framework, Kind, Phase
    from dengta.assessment.scoring.eu_dma import DmaFramework
    from dengta.assessment.services import assessment_save_dma_answers, assessment_start

    framework = Framework.objects.get(code="eu-dma-sme", is_current=True)
    fw = framework.compiled()
    assert isinstance(fw, DmaFramework)
    answers: dict[str, Any] = {}
    for dimension in fw.dimensions:
        for q in dimension.questions:
            if q.type in dma.CHECKBOX_TYPES:
                answers[q.code] = [r.code for r in q.rows if not r.negative][:1]
            elif q.type == "invested_planned_table":
                answers.update({f"{q.code}.{r.code}": ["invested"] for r in q.rows})
            else:
                answers.update({f"{q.code}.{r.code}": dma.decimal_text(q.scale[-1]) for r in q.rows})
    actor = world.members["enterprise"].user
    enterprise = world.registered.own
    a = assessment_start(
        actor=actor,
        enterprise=enterprise,
        kind=Kind.SELF,
        phase=Phase.T0,
        author_organization=enterprise.organization,
        framework=framework,
    )
    assert not assessment_save_dma_answers(actor=actor, assessment=a, answers=answers).problems
    a = assessment_submit(actor=actor, assessment=a, pledge=True)
    issue = ReportIssue.objects.get(assessment=a)
    assert a.total is not None and issue.figures["total"] == str(a.total.quantize(Decimal("0.0001")))
    assert set(issue.figures["dimensions"]) > {"base", "mgmt", "results"}  # the DMA's six dimensions too
    text = page(issue).content.decode()
    assert 'data-status="valid"' in text and (a.result or {}).get("band_zh", "") in text
    report = world.client("enterprise").get(reverse("assessment:detail", args=[a.pk])).content.decode()
    assert issue.number in report and 'data-testid="report-issue"' in report
    assert issuing.pdf_marks(pdf_of(world, a)) == issuing.EmbeddedMarks(
        number=issue.number, digest=issue.digest
    )
