"""Lighthouse cases through their services: generated from an accepted project with figures equal to the
project's, never typed, re-derived when the source changes; consent and anonymisation; the workflow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dengta.assessment.models import Assessment
from dengta.cases import services
from dengta.cases.figures import CaseFigures
from dengta.cases.models import Case, CaseState, Consent
from dengta.cases.sources import derived
from dengta.cases.tests.conftest import Cast
from dengta.core.models import Event
from dengta.core.workflows import TransitionRefused
from dengta.projects.models import Project
from dengta.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def test_a_case_is_generated_from_an_accepted_project_with_its_figures(
    retrofit: Cast, accepted: Project, case: Case
) -> None:
    figures = CaseFigures.from_json(case.figures)
    assert figures == derived(accepted)
    assert case.figures_digest == figures.digest()
    assert case.state == CaseState.DRAFT and case.consent == Consent.PENDING
    # The project's money, to the fen.
    assert Decimal(figures.contract_yuan) == accepted.contract_yuan == case.contract_yuan
    assert Decimal(figures.subsidy_yuan) == accepted.subsidy_yuan
    assert Decimal(figures.enterprise_yuan) == accepted.enterprise_yuan
    assert Decimal(figures.concession_yuan) == accepted.concession_yuan
    # The T1 on-site result that passed the acceptance.
    t1 = accepted.evaluations.get().assessment
    assert t1 is not None and t1.points_base is not None
    assert figures.level_after == t1.level == case.level_after == 2
    assert figures.points_after["base"] == str(t1.points_base.quantize(Decimal("0.01")))
    assert [p["product"] for p in figures.products] == [
        line.product.name for line in accepted.lines.order_by("pk")
    ]
    assert figures.provider == accepted.provider.organization.name
    assert figures.enterprise == accepted.enterprise.name
    assert retrofit.enterprise.name not in case.title  # the default title names no enterprise
    assert Event.objects.filter(verb="case.generated", target_id=str(case.pk)).exists()


def test_only_an_accepted_project_gives_a_case_and_only_one(retrofit: Cast, case: Case) -> None:
    with pytest.raises(TransitionRefused, match="已有案例"):
        services.case_generate(actor=retrofit.user("provider"), project=case.project)


def test_a_project_not_yet_accepted_gives_no_case(retrofit: Cast) -> None:
    project = retrofit.in_progress()
    with pytest.raises(TransitionRefused, match="验收通过"):
        services.case_generate(actor=retrofit.user("guangzhou"), project=project)
    assert not Case.objects.exists()


def test_figures_follow_the_source_and_cannot_be_typed(retrofit: Cast, case: Case) -> None:
    with pytest.raises(TypeError):
        services.case_update(actor=retrofit.user("provider"), case=case, contract_yuan="1.00")
    # The source changed after the case was generated (the enterprise renamed, the T1 result's points
    # corrected): the case follows it.
    Enterprise.objects.filter(pk=retrofit.enterprise.pk).update(name="天河精密智造有限公司")
    t1 = case.project.evaluations.get().assessment
    assert t1 is not None and t1.points_base is not None
    corrected = t1.points_base + 1
    Assessment.objects.filter(pk=t1.pk).update(points_base=corrected)
    before = case.figures_digest
    again = services.case_rederive(actor=None, case=case)
    assert again.figures_digest != before
    assert again.figures["enterprise"] == "天河精密智造有限公司"
    assert Decimal(again.figures["points_after"]["base"]) == corrected.quantize(Decimal("0.01"))
    event = Event.objects.get(verb="case.figures_rederived", target_id=str(case.pk))
    assert event.payload["from"] == before and event.payload["to"] == again.figures_digest
    # Nothing changed: no event.
    services.case_rederive(actor=None, case=again)
    assert Event.objects.filter(verb="case.figures_rederived").count() == 1


def write(retrofit: Cast, case: Case, **extra: object) -> Case:
    return services.case_update(
        actor=retrofit.user("provider"),
        case=case,
        problem="质量追溯靠纸质记录，客户投诉难以定位批次",
        solution="上线质量追溯SaaS，关键工序数据自动采集",
        results="不良品率下降，投诉处理时间缩短",
        **extra,  # type: ignore[arg-type]
    )


def submit_and_publish(retrofit: Cast, case: Case) -> Case:
    submitted = services.case_submit(actor=retrofit.user("provider"), case=case)
    return services.case_publish(actor=retrofit.user("guangzhou"), case=submitted)


def test_a_named_case_needs_the_enterprise_s_consent(retrofit: Cast, case: Case) -> None:
    case = write(retrofit, case)
    with pytest.raises(TransitionRefused, match="尚未同意署名"):
        services.case_submit(actor=retrofit.user("provider"), case=case)
    services.case_consent(actor=retrofit.user("enterprise"), case=case, given=True)
    submitted = services.case_submit(actor=retrofit.user("provider"), case=case)
    published = services.case_publish(actor=retrofit.user("guangzhou"), case=submitted)
    assert published.state == CaseState.PUBLISHED and published.published_at is not None
    # The database refuses a named published case without consent, whatever code path tries it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(consent=Consent.PENDING)


def test_declining_makes_the_case_anonymised_and_its_text_may_not_name_the_enterprise(
    retrofit: Cast, case: Case
) -> None:
    case = write(retrofit, case, lessons=f"{retrofit.enterprise.name}的经验是先做数据采集")
    declined = services.case_consent(actor=retrofit.user("enterprise"), case=case, given=False)
    assert declined.anonymised and declined.consent == Consent.DECLINED
    with pytest.raises(ValidationError) as refused:
        services.case_submit(actor=retrofit.user("provider"), case=declined)
    assert "lessons" in refused.value.message_dict
    fixed = services.case_update(actor=retrofit.user("provider"), case=declined, lessons="先做数据采集")
    published = services.case_publish(
        actor=retrofit.user("guangzhou"),
        case=services.case_submit(actor=retrofit.user("provider"), case=fixed),
    )
    assert published.state == CaseState.PUBLISHED and published.anonymised


def test_a_submission_needs_the_narrative_and_a_return_needs_a_reason(retrofit: Cast, case: Case) -> None:
    services.case_update(actor=retrofit.user("provider"), case=case, anonymised=True)
    with pytest.raises(ValidationError) as refused:
        services.case_submit(actor=retrofit.user("provider"), case=case)
    assert set(refused.value.message_dict) == {"problem", "solution", "results"}
    submitted = services.case_submit(actor=retrofit.user("provider"), case=write(retrofit, case))
    with pytest.raises(ValidationError):
        services.case_return(actor=retrofit.user("guangzhou"), case=submitted, reason="  ")
    returned = services.case_return(actor=retrofit.user("guangzhou"), case=submitted, reason="请补充成效数据")
    assert returned.state == CaseState.RETURNED and returned.reason == "请补充成效数据"
    with pytest.raises(TransitionRefused):
        services.case_publish(actor=retrofit.user("guangzhou"), case=returned)


def test_a_published_case_can_be_taken_down_with_a_reason(retrofit: Cast, case: Case) -> None:
    case = services.case_update(actor=retrofit.user("provider"), case=write(retrofit, case), anonymised=True)
    published = services.case_publish(
        actor=retrofit.user("guangzhou"),
        case=services.case_submit(actor=retrofit.user("provider"), case=case),
    )
    down = services.case_take_down(
        actor=retrofit.user("guangzhou"), case=published, reason="数据有误，待核实"
    )
    assert down.state == CaseState.RETURNED and down.published_at is None
    assert Event.objects.filter(verb="case.taken_down", target_id=str(case.pk)).exists()


def test_overlong_text_is_refused_and_nothing_is_written(retrofit: Cast, case: Case) -> None:
    with pytest.raises(ValidationError) as refused:
        services.case_update(actor=retrofit.user("provider"), case=case, problem="问" * 5001, title="新标题")
    assert "problem" in refused.value.message_dict
    assert Case.objects.get(pk=case.pk).title == case.title


def test_the_nightly_command_rederives_what_changed(retrofit: Cast, case: Case) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rederive_cases", stdout=out)
    assert out.getvalue().strip() == "cases: 1 checked, 0 re-derived"
    Enterprise.objects.filter(pk=retrofit.enterprise.pk).update(name="天河精密智造有限公司")
    out = StringIO()
    call_command("rederive_cases", stdout=out)
    assert out.getvalue().strip() == "cases: 1 checked, 1 re-derived"
    assert Case.objects.get(pk=case.pk).figures["enterprise"] == "天河精密智造有限公司"
