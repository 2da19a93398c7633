"""The demo assessments: a pilot baseline and signed-off T1s, stored exactly as the services store them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from dengta.assessment.models import (
    Assessment,
    DiagnosisInvitation,
    Framework,
    InvitationState,
    Kind,
    Phase,
    State,
)
from dengta.assessment.scoring.answers import parse_answers
from dengta.assessment.scoring.engine import ENGINE_VERSION, score
from dengta.assessment.scoring.framework import UNIT
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.scoring.path import plan_to_level
from dengta.assessment.selectors import invited_enterprises
from dengta.core.events import verify_chain
from dengta.core.models import Event
from dengta.demo.services import seed
from dengta.orgs.models import Membership
from dengta.orgs.viewer import viewer_for_membership
from dengta.reference.loaders import load_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db: Any) -> list[str]:
    load_all()  # reference data only: seed() loads the frameworks itself when they are missing
    out: list[str] = []
    seed("600", 7, out.append)
    return out


def test_baseline_and_acceptance_assessments(seeded: list[str]):
    assert Framework.objects.filter(code="miit-2024-manufacturing", is_current=True).exists()
    t0 = Assessment.objects.filter(kind=Kind.SELF, phase=Phase.T0, state=State.SCORED)
    t1 = Assessment.objects.filter(kind=Kind.ONSITE, phase=Phase.T1, state=State.SIGNED_OFF)
    assert 20 <= t0.count() <= 40  # a third of the pilot candidates in their cities' sub-industries
    assert t1.count() >= 1
    levels = set(t0.values_list("level", flat=True))
    assert len(levels) >= 3 and {0, 1} <= levels  # spread, with the many unrated and 一级 of a baseline
    assert {a.assessed_on.year for a in t0 if a.assessed_on} == {2025}
    for a in t1.select_related("enterprise"):
        assert a.assessed_on and a.assessed_on.year == 2026
        assert a.signed_off_by_id == a.assessor_id is not None
        assert a.coi_declared_at and a.pledged_at and a.signed_off_at and a.scored_at
        assert a.created_at < a.scored_at <= a.signed_off_at
        before = t0.get(enterprise=a.enterprise)
        assert before.assessed_on and before.total is not None and a.total is not None
        assert before.assessed_on < a.assessed_on and before.total <= a.total
        assert Membership.objects.filter(user=a.assessor, organization=a.author_organization).exists()
    line = next(m for m in seeded if m.startswith("assessments:"))
    assert f"{t0.count()} T0" in line and f"{t1.count()} signed-off" in line


def test_stored_results_equal_the_engine(seeded: list[str]):
    fw = Framework.objects.get(code="miit-2024-manufacturing", is_current=True).compiled()
    assert isinstance(fw, Compiled)
    for a in Assessment.objects.filter(state__in=[State.SCORED, State.SIGNED_OFF]):
        data = a.answers
        parsed = parse_answers(
            fw, choices=data["choices"], scenarios=data["scenarios"], numbers=data["numbers"]
        )
        assert parsed.ok, parsed.problems
        assert parsed.answers.to_json() == data  # stored as Answers.to_json()
        result = score(fw, parsed.answers)
        expected = result.to_json() | {"plan": plan_to_level(fw, result, 2).to_json()}
        assert a.result == expected
        assert a.total == Decimal(result.total) / UNIT and a.level == result.level
        assert sum(v for v in a.points().values() if v is not None) == a.total
        assert a.engine_version == ENGINE_VERSION and not result.contradictions


def test_demo_enterprise_starts_empty_and_the_expert_has_work(seeded: list[str]):
    enterprise = Membership.objects.get(user__username="demo-enterprise")
    assert not Assessment.objects.filter(enterprise__organization=enterprise.organization).exists()
    expert = Membership.objects.get(user__username="demo-expert")
    open_ = Assessment.objects.visible_to(viewer_for_membership(expert)).filter(state=State.DRAFT)
    assert open_.count() == 1
    draft = open_.get()
    assert draft.kind == Kind.ONSITE and draft.phase == Phase.T1 and draft.coi_declared_at is None
    assert draft.enterprise.region.path.startswith("330000/330200/")
    assert Assessment.objects.filter(enterprise=draft.enterprise, phase=Phase.T0).exists()
    # One summary event for the bulk rows, one created-event for the assignment made through the service.
    assert Event.objects.filter(verb="demo.assessments_seeded").count() == 1
    assert Event.objects.filter(verb="assessment.created").count() == 1
    # The assignment carries its arrangement: a visit ahead, a deadline after it, who arranged it.
    city = Membership.objects.filter(user__username="demo-city", organization__type="authority").first()
    assert city is not None
    assert draft.visit_at is not None and draft.visit_at > timezone.now()
    assert draft.due_on is not None and draft.due_on > timezone.localtime(draft.visit_at).date()
    assert draft.created_by == city.user and draft.arranged_by_organization == city.organization
    assert draft.contact_name and not draft.is_overdue
    assert verify_chain().intact


def test_demo_enterprise_has_invited_demo_provider(seeded: list[str]):
    enterprise = Membership.objects.get(user__username="demo-enterprise")
    provider = Membership.objects.get(user__username="demo-provider")
    invitation = DiagnosisInvitation.objects.get(enterprise__organization=enterprise.organization)
    assert invitation.provider == provider.organization and invitation.state == InvitationState.ACTIVE
    # So the provider's start page lists the demo enterprise.
    assert list(invited_enterprises(viewer_for_membership(provider))) == [invitation.enterprise]


def test_every_final_demo_result_has_its_issued_report(seeded: list[str]):
    """The demo's back-dated results carry a report issued when each became final, verifiable as issued."""
    from dengta.assessment import issuing
    from dengta.assessment.models import ReportIssue

    final = Assessment.objects.final().exclude(kind=Kind.HISTORICAL)
    issues = ReportIssue.objects.select_related("assessment")
    assert issues.count() == final.count() > 0
    numbers = list(issues.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers) and all(issuing.NUMBER_RE.fullmatch(n) for n in numbers)
    for issue in issues:
        a = issue.assessment
        assert issue.issued_at == (a.signed_off_at or a.scored_at)
        assert issue.number.startswith(f"DT-{issue.issued_on.year}-")
        assert issuing.verify(issue).status == issuing.Status.VALID
        if a.kind == Kind.ONSITE:
            signer = a.signed_off_by
            assert signer is not None and issue.signer_name == (signer.display_name or signer.username)
            if a.created_by.username == "demo-city":  # arranged by the city's authority, which issues it
                assert issue.issuer_organization is not None and issue.issuer != issuing.DEFAULT_ISSUER
        else:
            assert issue.issuer == issuing.DEFAULT_ISSUER and not issue.signer_name
