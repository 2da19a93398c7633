"""Every transition of a retrofit project (workflows.PROJECT_TRANSITIONS) through its service: from each of
its source states it moves the project and writes one event with its verb, its actor and the states it joined;
from a state outside its sources it is refused and nothing is written (ARCHITECTURE.md conventions 6, 7).
Then the guards that need more than the row (DOMAIN.md 2.7, 8.10, 8.11): the acceptance deadline and the
dossier, the passed evaluation behind an acceptance, the commitment given back on every exit, the
re-evaluation after a rectification, and the enterprise's rating of its provider after acceptance."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dengta.catalog.models import ProviderRating
from dengta.core.models import Event
from dengta.core.workflows import TransitionRefused, _constrained_fields, run_transition, transition_named
from dengta.projects import dossier
from dengta.projects.models import (
    CLOSED_STATES,
    FUNDED_STATES,
    OPEN_STATES,
    DossierFile,
    EnterprisePayment,
    EntryKind,
    Envelope,
    Evaluation,
    Funding,
    Invoice,
    LedgerEntry,
    Milestone,
    Project,
    ProjectLine,
    ProjectRules,
    ProjectState,
)
from dengta.projects.services import filing, ledger, steps
from dengta.projects.tests.conftest import Cast, pdf
from dengta.projects.workflows import PROJECT_TRANSITIONS

pytestmark = pytest.mark.django_db
S = ProjectState
ZERO = Decimal("0.00")


# ------------------------------------------------------------------------------------------------ helpers


def db_state() -> dict[str, Any]:
    """Everything a refused step must leave as it was: the projects with their state, the event log, the
    ledger with the envelopes and funding, the evaluations and the recorded evidence, the rules."""
    return {
        "projects": list(Project.objects.order_by("id").values_list("id", "state", "updated_at", "reason")),
        "lines": ProjectLine.objects.count(),
        "events": list(Event.objects.order_by("seq").values_list("seq", "verb")),
        "entries": list(LedgerEntry.objects.order_by("id").values_list("id", "kind", "amount_yuan")),
        "envelopes": list(
            Envelope.objects.order_by("id").values_list("id", "allocated_yuan", "committed_yuan", "paid_yuan")
        ),
        "funding": list(Funding.objects.order_by("id").values_list("id", "committed_yuan", "paid_yuan")),
        "evaluations": list(
            Evaluation.objects.order_by("id").values_list("id", "outcome", "level", "decided_at")
        ),
        "dossier": list(DossierFile.objects.order_by("id").values_list("id", "kind", "version")),
        "invoices": list(Invoice.objects.order_by("id").values_list("id", "number", "amount_yuan")),
        "payments": list(EnterprisePayment.objects.order_by("id").values_list("id", "amount_yuan")),
        "milestones": list(Milestone.objects.order_by("id").values_list("id", "done_on")),
        "rules": list(ProjectRules.objects.order_by("id").values_list("id", "revision")),
        "ratings": list(ProviderRating.objects.order_by("id").values_list("id", "stars")),
    }


def last_seq() -> int:
    return Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def project_events(project: Project, after: int) -> list[Event]:
    return list(
        Event.objects.filter(
            seq__gt=after, target_type="projects.project", target_id=str(project.pk)
        ).order_by("seq")
    )


def held(project: Project) -> Decimal:
    """What the project's funding rows still hold: committed and not paid."""
    totals = Funding.objects.filter(project=project).aggregate(c=Sum("committed_yuan"), p=Sum("paid_yuan"))
    return (totals["c"] or ZERO) - (totals["p"] or ZERO)


def envelope_committed() -> dict[str, Decimal]:
    return dict(Envelope.objects.values_list("kind", "committed_yuan"))


def record_evaluation(cast: Cast, project: Project, outcome: str, level: int = 2) -> Evaluation:
    evaluation = steps.latest_evaluation(project)
    assert evaluation is not None
    findings = "" if outcome == "passed" else "能耗数据未接入平台，需补充采集点"
    rectify_by = timezone.localdate() + timedelta(days=30) if outcome == "rectify" else None
    return steps.evaluation_record(
        actor=cast.user("expert"),
        evaluation=evaluation,
        assessment=cast.t1(level=level),
        outcome=outcome,
        findings=findings,
        rectify_by=rectify_by,
    )


def fresh(project: Project) -> Project:
    return Project.objects.get(pk=project.pk)


# ------------------------------------------------------------------------------- reaching each state


def _acceptance_requested(cast: Cast, **extra: Any) -> Project:
    return steps.project_request_acceptance(actor=cast.user("enterprise"), project=cast.completed(**extra))


def _pre_checked(cast: Cast, **extra: Any) -> Project:
    return steps.project_pre_check(
        actor=cast.user("guangzhou"), project=_acceptance_requested(cast, **extra), passed=True
    )


def _rectification(cast: Cast, **extra: Any) -> Project:
    return steps.project_rectify(
        actor=cast.user("guangzhou"), project=cast.on_site(**extra), reason="能耗数据未接入，限期整改"
    )


def _paid(cast: Cast, **extra: Any) -> Project:
    project = cast.claimed(**extra)
    steps.project_pay(actor=cast.user("guangzhou"), project=project, idempotency_key=f"reach-{project.pk}")
    return fresh(project)


def _archived(cast: Cast, **extra: Any) -> Project:
    return steps.project_archive(actor=cast.user("guangzhou"), project=_paid(cast, **extra))


def _failed(cast: Cast, **extra: Any) -> Project:
    return steps.project_fail(
        actor=cast.user("guangzhou"), project=cast.on_site(**extra), reason="未达到目标等级"
    )


def _withdrawn(cast: Cast, **extra: Any) -> Project:
    return steps.project_withdraw(
        actor=cast.user("provider"), project=cast.filed(**extra), reason="企业放弃改造"
    )


def _disqualified(cast: Cast, **extra: Any) -> Project:
    return steps.project_disqualify(
        actor=cast.user("guangzhou"), project=cast.approved(**extra), reason="虚报投入"
    )


# Each state reached through the services; the keyword arguments go to the draft (Cast.draft).
REACH: dict[str, Callable[..., Project]] = {
    S.DRAFT: lambda cast, **extra: cast.draft(**extra),
    S.FILED: lambda cast, **extra: cast.filed(**extra),
    S.APPROVED: lambda cast, **extra: cast.approved(**extra),
    S.IN_PROGRESS: lambda cast, **extra: cast.in_progress(**extra),
    S.COMPLETED: lambda cast, **extra: cast.completed(**extra),
    S.ACCEPTANCE_REQUESTED: _acceptance_requested,
    S.PRE_CHECKED: _pre_checked,
    S.ON_SITE: lambda cast, **extra: cast.on_site(**extra),
    S.RECTIFICATION: _rectification,
    S.ACCEPTED: lambda cast, **extra: cast.accepted(**extra),
    S.FAILED: _failed,
    S.SUBSIDY_CLAIMED: lambda cast, **extra: cast.claimed(**extra),
    S.PAID: _paid,
    S.ARCHIVED: _archived,
    S.WITHDRAWN: _withdrawn,
    S.DISQUALIFIED: _disqualified,
}


# ------------------------------------------------------------------------------- each transition's service


@dataclass(frozen=True)
class Step:
    actor: str  # the cast member who takes the step
    run: Callable[[Cast, Any, Project], object]
    prepare: Callable[[Cast, Project], object] | None = None  # what the step needs besides the state
    refused_from: str = S.DRAFT  # a state outside its sources
    refusal: str | None = None  # the message, when the service refuses before the transition table does
    # The draft's arguments the step needs from a source state (none: the Cast's default project).
    draft: Callable[[Cast, str], dict[str, Any]] = lambda cast, source: {}


def _without_subsidy(cast: Cast, source: str) -> dict[str, Any]:
    """Only an accepted project without a subsidy is archived before payment (nothing it bought is eligible:
    the equipment line alone)."""
    return {"lines": [filing.LineInput(cast.equipment, 1)]} if source == S.ACCEPTED else {}


def _record_contract(cast: Cast, project: Project) -> object:
    return steps.contract_record(actor=cast.user("provider"), project=project, signed_on=timezone.localdate())


STEPS: dict[str, Step] = {
    "file": Step(
        "provider",
        lambda cast, who, p: filing.project_file(actor=who, project=p),
        refused_from=S.FILED,
    ),
    "return": Step(
        "guangzhou",
        lambda cast, who, p: steps.project_return(actor=who, project=p, reason="投入清单与合同不一致"),
        refused_from=S.APPROVED,
    ),
    "approve": Step(
        "guangzhou",
        lambda cast, who, p: steps.project_approve(actor=who, project=p),
        refused_from=S.DRAFT,
        refusal="只有已备案待审核的项目可以批准",
    ),
    "start": Step(
        "provider",
        lambda cast, who, p: steps.project_start(actor=who, project=p),
        prepare=_record_contract,
        refused_from=S.COMPLETED,
    ),
    "complete": Step(
        "provider",
        lambda cast, who, p: steps.project_complete(actor=who, project=p, completed_on=timezone.localdate()),
        refused_from=S.APPROVED,
    ),
    "request_acceptance": Step(
        "enterprise",
        lambda cast, who, p: steps.project_request_acceptance(actor=who, project=p),
        refused_from=S.IN_PROGRESS,
        refusal="只有已完工的项目可以申请验收",
    ),
    "pre_check": Step(
        "guangzhou",
        lambda cast, who, p: steps.project_pre_check(actor=who, project=p, passed=True),
        refused_from=S.COMPLETED,
    ),
    "pre_check_return": Step(
        "guangzhou",
        lambda cast, who, p: steps.project_pre_check(
            actor=who, project=p, passed=False, reason="缺少改造后评测报告的签章页"
        ),
        refused_from=S.PRE_CHECKED,
    ),
    "start_evaluation": Step(
        "guangzhou",
        lambda cast, who, p: steps.evaluation_assign(actor=who, project=p, expert=cast.user("expert")),
        refused_from=S.ON_SITE,
    ),
    "accept": Step(
        "guangzhou",
        lambda cast, who, p: steps.project_accept(actor=who, project=p),
        prepare=lambda cast, p: record_evaluation(cast, p, "passed"),
        refused_from=S.PRE_CHECKED,
        refusal="只有现场评定中的项目可以验收",
    ),
    "rectify": Step(
        "guangzhou",
        lambda cast, who, p: steps.project_rectify(actor=who, project=p, reason="能耗数据未接入，限期整改"),
        refused_from=S.ACCEPTED,
    ),
    "fail": Step(
        "guangzhou",
        lambda cast, who, p: steps.project_fail(actor=who, project=p, reason="未达到目标等级"),
        refused_from=S.ACCEPTED,
    ),
    "claim": Step(
        "enterprise",
        lambda cast, who, p: steps.project_claim(actor=who, project=p),
        refused_from=S.ON_SITE,
        refusal="只有验收通过的项目可以申请奖补资金",
    ),
    "pay": Step(
        "guangzhou",
        lambda cast, who, p: steps.project_pay(actor=who, project=p, idempotency_key=f"pay-{p.pk}"),
        refused_from=S.ACCEPTED,
        refusal="只有已申请奖补且验收通过的项目可以拨付",
    ),
    "archive": Step(
        "guangzhou",
        lambda cast, who, p: steps.project_archive(actor=who, project=p),
        refused_from=S.SUBSIDY_CLAIMED,
        draft=_without_subsidy,
    ),
    "withdraw": Step(
        "provider",
        lambda cast, who, p: steps.project_withdraw(actor=who, project=p, reason="企业放弃改造"),
        refused_from=S.PAID,
    ),
    "disqualify": Step(
        "guangzhou",
        lambda cast, who, p: steps.project_disqualify(actor=who, project=p, reason="虚报投入"),
        refused_from=S.FAILED,
    ),
}
# The exits that give back what the project holds (steps.project_withdraw, project_disqualify, project_fail).
RELEASING = {"withdraw", "disqualify", "fail"}
TRANSITION_VERBS = {t.verb for t in PROJECT_TRANSITIONS}
RUNS = [(t.name, source) for t in PROJECT_TRANSITIONS for source in sorted(t.sources)]


def test_the_tables_of_this_module_cover_the_workflow() -> None:
    assert set(STEPS) == {t.name for t in PROJECT_TRANSITIONS}
    assert set(REACH) == set(ProjectState.values)
    for t in PROJECT_TRANSITIONS:
        assert STEPS[t.name].refused_from not in t.sources, t.name


def test_no_state_is_orphaned() -> None:
    sources = {state for t in PROJECT_TRANSITIONS for state in t.sources}
    targets = {t.target for t in PROJECT_TRANSITIONS}
    assert sources | targets == set(ProjectState.values)
    # Every state is reached by some transition (the draft by a return), and only the closed states lead
    # nowhere.
    assert targets == set(ProjectState.values)
    assert set(ProjectState.values) - sources == set(CLOSED_STATES)
    # Withdrawal and disqualification leave from every open state (DOMAIN.md 8.10).
    for name in ("withdraw", "disqualify"):
        assert transition_named(PROJECT_TRANSITIONS, name).sources == OPEN_STATES


@pytest.mark.parametrize(("name", "source"), RUNS, ids=[f"{name}-from-{source}" for name, source in RUNS])
def test_each_transition_runs_from_each_source_with_one_event(cast: Cast, name: str, source: str) -> None:
    transition = transition_named(PROJECT_TRANSITIONS, name)
    step = STEPS[name]
    project = REACH[source](cast, **step.draft(cast, source))
    assert fresh(project).state == source
    if step.prepare is not None:
        step.prepare(cast, project)
    holding, committed = held(project), envelope_committed()
    after = last_seq()
    who = cast.user(step.actor)

    step.run(cast, who, project)

    assert fresh(project).state == transition.target
    events = [e for e in project_events(project, after) if e.verb in TRANSITION_VERBS]
    assert [e.verb for e in events] == [transition.verb]
    assert events[0].actor_id == who.pk
    assert (events[0].payload["from"], events[0].payload["to"]) == (source, transition.target)
    if name in RELEASING:
        released = LedgerEntry.objects.filter(project=project, kind=EntryKind.RELEASE)
        if source in FUNDED_STATES:
            assert holding > 0
            assert released.aggregate(t=Sum("amount_yuan"))["t"] == holding
            assert sum(committed.values()) - sum(envelope_committed().values()) == holding
        else:
            assert not released.exists()
        assert held(project) == ZERO
        assert ledger.reconcile(cast.pilot).balanced


@pytest.mark.parametrize("name", [t.name for t in PROJECT_TRANSITIONS])
def test_each_transition_is_refused_from_another_state_with_nothing_written(cast: Cast, name: str) -> None:
    step = STEPS[name]
    project = REACH[step.refused_from](cast, **step.draft(cast, step.refused_from))
    before = db_state()
    message = step.refusal or str(ProjectState(step.refused_from).label)

    with pytest.raises(ValidationError, match=message):
        step.run(cast, cast.user(step.actor), project)

    assert db_state() == before


def test_the_commitment_is_made_at_approval_and_given_back_on_withdrawal(cast: Cast) -> None:
    project = cast.approved()
    assert held(project) == project.subsidy_yuan > 0
    assert envelope_committed() == {
        "retrofit": project.central_yuan,
        "local": project.local_yuan,
        "service": ZERO,
    }
    steps.project_withdraw(actor=cast.user("enterprise"), project=project, reason="企业放弃改造")
    kinds = LedgerEntry.objects.filter(project=project).values_list("kind", "amount_yuan")
    assert sorted(kinds) == sorted(
        [
            (EntryKind.COMMIT, project.central_yuan),
            (EntryKind.COMMIT, project.local_yuan),
            (EntryKind.RELEASE, project.central_yuan),
            (EntryKind.RELEASE, project.local_yuan),
        ]
    )
    assert set(envelope_committed().values()) == {ZERO}
    assert Event.objects.filter(verb="ledger.released", target_id=str(project.pk)).count() == 1


# ------------------------------------------------------------------------------------------------ acceptance


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def test_acceptance_requested_after_the_deadline_is_refused_with_the_deadline_named(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = cast.completed()
    today = timezone.localdate()
    due = project.acceptance_due_on
    # The batch's rules: within 3 months of completion (DOMAIN.md 2.6).
    assert due == _months_later(today, 3)
    before = db_state()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due + timedelta(days=1))

    with pytest.raises(TransitionRefused, match=f"申请验收的期限是 {due.isoformat()}，已经超过"):
        steps.project_request_acceptance(actor=cast.user("enterprise"), project=project)
    assert db_state() == before

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due)  # the last day still counts
    requested = steps.project_request_acceptance(actor=cast.user("enterprise"), project=project)
    assert requested.state == S.ACCEPTANCE_REQUESTED


def test_acceptance_with_a_document_missing_names_the_missing_kind(cast: Cast) -> None:
    project = cast.in_progress()
    provider = cast.user("provider")
    for kind in dossier.load_spec().required:
        if kind.code != "t1_report":
            steps.dossier_add(actor=provider, project=project, kind=kind.code, upload=pdf(f"{kind.code}.pdf"))
    today = timezone.localdate()
    steps.invoice_add(
        actor=provider, project=project, number="FP0001", issued_on=today, amount_yuan=project.contract_yuan
    )
    steps.enterprise_payment_add(
        actor=cast.user("enterprise"),
        project=project,
        paid_on=today,
        amount_yuan=project.enterprise_yuan,
        reference="PAY-0001",
    )
    project = steps.project_complete(actor=provider, project=project, completed_on=today)
    before = db_state()

    with pytest.raises(TransitionRefused, match="档案缺少：改造后评测报告") as caught:
        steps.project_request_acceptance(actor=cast.user("enterprise"), project=project)

    assert "改造前评测报告" not in str(caught.value)  # only what is missing is named
    assert "发票" not in str(caught.value)  # the invoices and payments match
    assert db_state() == before


def test_acceptance_needs_a_passed_evaluation(cast: Cast) -> None:
    project = cast.on_site()
    before = db_state()
    with pytest.raises(TransitionRefused, match="专家尚未给出通过的现场评定结论"):
        steps.project_accept(actor=cast.user("guangzhou"), project=project)
    assert db_state() == before


def test_a_level_below_the_target_cannot_be_passed_nor_accepted(cast: Cast) -> None:
    project = cast.on_site()
    assert project.target_level == 2
    low = cast.t1(level=1)
    assert low.level == 1
    evaluation = project.evaluations.get()
    before = db_state()

    with pytest.raises(ValidationError, match="现场评定为 1 级，未达到目标 2 级，不能评为通过"):
        steps.evaluation_record(
            actor=cast.user("expert"), evaluation=evaluation, assessment=low, outcome="passed"
        )
    assert db_state() == before

    steps.evaluation_record(
        actor=cast.user("expert"),
        evaluation=evaluation,
        assessment=low,
        outcome="rectify",
        findings="质量数据未闭环",
        rectify_by=timezone.localdate() + timedelta(days=30),
    )
    before = db_state()
    with pytest.raises(TransitionRefused, match="专家尚未给出通过的现场评定结论"):
        steps.project_accept(actor=cast.user("guangzhou"), project=project)
    assert db_state() == before


def test_a_rectification_leads_to_a_new_evaluation_and_then_acceptance(cast: Cast) -> None:
    project = cast.on_site()
    first = record_evaluation(cast, project, "rectify", level=1)
    guangzhou = cast.user("guangzhou")
    project = steps.project_rectify(actor=guangzhou, project=project, reason=first.findings)
    assert project.state == S.RECTIFICATION
    # The dossier is open again during a rectification (workflows.RECORDING).
    steps.dossier_add(actor=cast.user("provider"), project=project, kind="other", upload=pdf("整改报告.pdf"))

    second = steps.evaluation_assign(actor=guangzhou, project=project, expert=cast.user("expert"))
    assert fresh(project).state == S.ON_SITE
    assert second.pk != first.pk and second.decided_at is None
    record_evaluation(cast, project, "passed", level=2)
    accepted = steps.project_accept(actor=guangzhou, project=project)

    assert accepted.state == S.ACCEPTED
    event = Event.objects.get(verb="project.accepted", target_id=str(project.pk))
    assert event.payload["evaluation"] == second.pk and event.payload["level"] == 2
    started = Event.objects.filter(verb="project.evaluation_started", target_id=str(project.pk))
    assert [e.payload["from"] for e in started.order_by("seq")] == [S.PRE_CHECKED, S.RECTIFICATION]


def test_a_project_without_a_subsidy_is_archived_once_accepted_and_never_claimed(cast: Cast) -> None:
    project = cast.accepted(lines=[filing.LineInput(cast.equipment, 1)])
    assert project.subsidy_yuan == ZERO and project.enterprise_yuan == project.contract_yuan
    before = db_state()
    with pytest.raises(TransitionRefused, match="本项目没有补贴，无需申请奖补资金"):
        steps.project_claim(actor=cast.user("enterprise"), project=project)
    assert db_state() == before
    archived = steps.project_archive(actor=cast.user("guangzhou"), project=project)
    assert archived.state == S.ARCHIVED
    assert not LedgerEntry.objects.filter(project=project).exists()


def test_an_accepted_project_with_a_subsidy_is_paid_before_it_is_archived(cast: Cast) -> None:
    project = cast.accepted()
    assert project.subsidy_yuan > 0
    before = db_state()
    with pytest.raises(TransitionRefused, match="本项目有补贴，须拨付后才能归档"):
        steps.project_archive(actor=cast.user("guangzhou"), project=project)
    assert db_state() == before


# ------------------------------------------------------------------------------------------------ rating


def test_the_enterprise_rates_its_provider_after_acceptance(cast: Cast) -> None:
    project = cast.accepted()
    rated = steps.project_rate(actor=cast.user("enterprise"), project=project, stars=4, comment="按期交付")
    rating = ProviderRating.objects.get(provider=cast.market.provider, enterprise=cast.enterprise)
    assert (rating.stars, rating.comment, rating.rated_by_id) == (4, "按期交付", cast.user("enterprise").pk)
    assert rated.rated_stars == 4 and fresh(project).rated_stars == 4


def test_the_enterprise_cannot_rate_before_acceptance(cast: Cast) -> None:
    project = cast.on_site()
    before = db_state()
    with pytest.raises(TransitionRefused, match="验收通过后才能评价服务商"):
        steps.project_rate(actor=cast.user("enterprise"), project=project, stars=5)
    assert db_state() == before
    assert fresh(project).rated_stars is None


# ------------------------------------------------------------------------------------------------ the engine


def test_a_step_writes_what_it_changes_and_nothing_else_of_the_row(cast: Cast) -> None:
    """run_transition(locked=True) writes the state and the changes of the row the caller locked; an
    attribute the caller set on that object without passing it as a change is not written."""
    project = cast.filed()
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        locked.title = "未作为变更传入的标题"
        run_transition(
            locked,
            transition_named(PROJECT_TRANSITIONS, "return"),
            actor=cast.user("provider"),
            changes={"reason": "缺少合同"},
            locked=True,
        )
    row = Project.objects.get(pk=project.pk)
    assert (row.state, row.reason, row.title) == (S.DRAFT, "缺少合同", project.title)
    assert row.updated_at > project.updated_at


def test_a_step_that_changes_constrained_fields_checks_the_constraints(cast: Cast) -> None:
    """A transition whose changes are read by the model's constraints is validated against them (here the
    schedule: start no later than end), with nothing written; one that changes none of them skips them."""
    project = cast.filed()
    assert {"starts_on", "ends_on", "subsidy_yuan"} <= (_constrained_fields(Project) or set())
    assert "state" not in (_constrained_fields(Project) or set())
    late = project.ends_on + timedelta(days=30)
    with pytest.raises(ValidationError), transaction.atomic():
        run_transition(
            project,
            transition_named(PROJECT_TRANSITIONS, "return"),
            actor=cast.user("provider"),
            changes={"reason": "改期", "starts_on": late, "ends_on": late - timedelta(days=1)},
        )
    assert Project.objects.get(pk=project.pk).state == S.FILED


def test_a_payment_refused_as_paid_does_not_wait_for_the_envelopes(cast: Cast) -> None:
    """A second payment under another key is refused from the funding rows as they are, before the pilot's
    envelopes are locked: the refusal reads no envelope."""
    project = cast.claimed()
    steps.project_pay(actor=cast.user("guangzhou"), project=project, idempotency_key="first")
    with CaptureQueriesContext(connection) as queries, pytest.raises(ledger.LedgerRefused) as refused:
        steps.project_pay(actor=cast.user("guangzhou"), project=project, idempotency_key="second")
    assert "已经拨付" in refused.value.messages[0]
    assert not [q for q in queries.captured_queries if "projects_envelope" in q["sql"]]
