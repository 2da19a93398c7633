"""Expert review through the database: assignment under the conflict rule, drafts and submission before the
deadline, what an expert may see, and the batch's aggregate."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dengta.core.models import Event
from dengta.orgs.models import Membership, Organization
from dengta.programmes import reviews, services
from dengta.programmes.models import Application, Batch
from dengta.programmes.tests.test_services import ready, user  # noqa: F401  (the fixture)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SCORES = {
    "basic_conditions": 4,
    "sub_industry_selection": 3,
    "plan_feasibility": 4,
    "provider_supply": 3,
    "fund_arrangement": 4,
    "expected_outcomes": 3,
    "chain_and_platform": "n/a",
}


@pytest.fixture
def reviewing(world: Any, ready: Application) -> Application:  # noqa: F811
    services.application_submit(actor=user(world, "guangzhou"), application=ready, declared=True)
    return services.application_start_review(actor=user(world, "ministry"), application=ready)


def second_expert(world: Any, username: str = "expert2") -> Any:
    person = UserFactory.create(username=username)
    MembershipFactory.create(
        user=person, organization=world.orgs["expert"], role="staff", platform_roles=["reviewer"]
    )
    return person


def assign(world: Any, application: Application, expert: Any, days: int = 7) -> Any:
    return reviews.review_assign(
        actor=user(world, "ministry"),
        application=application,
        expert=expert,
        deadline=timezone.now() + timedelta(days=days),
    )


def test_experts_are_assigned_only_to_applications_under_review(world: Any, ready: Application) -> None:  # noqa: F811
    with pytest.raises(ValidationError, match="只有评审中的申报可以分配专家"):
        assign(world, ready, user(world, "expert"))


def test_a_member_without_the_reviewer_role_is_not_an_expert(world: Any, reviewing: Application) -> None:
    with pytest.raises(ValidationError, match="不是评审专家"):
        assign(world, reviewing, user(world, "zhejiang"))


def test_conflicts_of_interest_refuse_the_assignment(world: Any, reviewing: Application) -> None:
    local = second_expert(world, "local-expert")
    # Also on the staff of an organisation in 广州 (天河): inside the applicant's region.
    Membership.objects.create(user=local, organization=world.orgs["enterprise"], role="staff")
    with pytest.raises(ValidationError, match="利益冲突") as caught:
        assign(world, reviewing, local)
    assert "same_region" not in str(caught.value)  # people read sentences, not codes
    provider_side = second_expert(world, "provider-expert")
    Membership.objects.create(user=provider_side, organization=world.orgs["provider"], role="staff")
    with pytest.raises(ValidationError, match="利益冲突"):
        assign(world, reviewing, provider_side)
    declared = second_expert(world, "declared-expert")
    reviews.conflict_declare(
        actor=declared, expert=declared, organization=world.orgs["guangzhou"], reason="曾参与编制该市方案"
    )
    with pytest.raises(ValidationError, match="利益冲突"):
        assign(world, reviewing, declared)
    assert not reviewing.reviews.exists()
    assert Event.objects.filter(verb="expert.conflict_declared").count() == 1


def test_an_expert_is_assigned_once(world: Any, reviewing: Application) -> None:
    assign(world, reviewing, user(world, "expert"))
    with pytest.raises(ValidationError, match="已被分配"):
        assign(world, reviewing, user(world, "expert"))
    assert Event.objects.filter(verb="review.assigned").count() == 1


def test_a_draft_is_checked_and_the_submission_is_complete_and_totalled(
    world: Any, reviewing: Application
) -> None:
    expert = user(world, "expert")
    assignment = assign(world, reviewing, expert)
    with pytest.raises(ValidationError):
        reviews.review_save(actor=expert, assignment=assignment, scores={"basic_conditions": 7}, comments={})
    with pytest.raises(ValidationError, match="0 到 5 的整数"):
        reviews.review_save(
            actor=expert, assignment=assignment, scores={"basic_conditions": "3.5"}, comments={}
        )
    with pytest.raises(ValidationError, match="只有被分配的专家本人"):
        reviews.review_save(actor=user(world, "ministry"), assignment=assignment, scores={}, comments={})
    draft = reviews.review_save(
        actor=expert,
        assignment=assignment,
        scores={"basic_conditions": 4},
        comments={"basic_conditions": "基础较好"},
    )
    assert draft.scores == {"basic_conditions": 4} and not draft.submitted
    with pytest.raises(ValidationError):
        reviews.review_submit(actor=expert, assignment=draft)  # incomplete
    reviews.review_save(actor=expert, assignment=draft, scores=SCORES, comments={})
    done = reviews.review_submit(actor=expert, assignment=draft)
    # n/a leaves chain_and_platform out: (0.15·4 + 0.2·3 + 0.2·4 + 0.15·3 + 0.15·4 + 0.1·3)/5 ÷ 0.95 × 100
    assert done.total == Decimal("70.53") and done.submitted_at is not None
    assert done.rubric_version == "city-pilot-2026-12"
    with pytest.raises(ValidationError, match="已提交"):
        reviews.review_save(actor=expert, assignment=done, scores=SCORES, comments={})
    assert Event.objects.get(verb="review.submitted").payload["total"] == "70.53"


def test_a_review_after_the_deadline_is_refused(world: Any, reviewing: Application) -> None:
    expert = user(world, "expert")
    assignment = assign(world, reviewing, expert)
    reviews.review_save(actor=expert, assignment=assignment, scores=SCORES, comments={})
    type(assignment).objects.filter(pk=assignment.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="已过，不能再提交"):
        reviews.review_submit(actor=expert, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_an_expert_sees_the_others_only_after_submitting_and_the_batch_method_combines(
    world: Any, reviewing: Application
) -> None:
    first, second = user(world, "expert"), second_expert(world)
    a1, a2 = assign(world, reviewing, first), assign(world, reviewing, second)
    reviews.review_save(actor=second, assignment=a2, scores={**SCORES, "basic_conditions": 2}, comments={})
    reviews.review_submit(actor=second, assignment=a2)
    assert [r.expert_id for r in reviews.reviews_for_expert(first, reviewing)] == [first.pk]
    assert len(reviews.reviews_for_expert(second, reviewing)) == 2
    reviews.review_save(actor=first, assignment=a1, scores=SCORES, comments={})
    reviews.review_submit(actor=first, assignment=a1)
    assert len(reviews.reviews_for_expert(first, reviewing)) == 2
    aggregate = reviews.application_aggregate(reviewing)
    totals = sorted(r.total for r in reviewing.reviews.all() if r.total is not None)
    assert aggregate.used_count == 2 and aggregate.total == ((totals[0] + totals[1]) / 2).quantize(
        Decimal("0.01")
    )
    Batch.objects.filter(pk=reviewing.batch_id).update(review_method="median")
    reviewing.batch.refresh_from_db()
    assert reviews.application_aggregate(reviewing).method == "median"


def test_only_the_expert_declares_its_conflicts(world: Any) -> None:
    expert = user(world, "expert")
    with pytest.raises(ValidationError, match="只能由专家本人声明"):
        reviews.conflict_declare(
            actor=user(world, "ministry"), expert=expert, organization=world.orgs["guangzhou"], reason="x"
        )
    with pytest.raises(ValidationError, match="请写明理由"):
        reviews.conflict_declare(
            actor=expert, expert=expert, organization=world.orgs["guangzhou"], reason=" "
        )
    assert not Organization.objects.filter(pk=world.orgs["guangzhou"].pk, memberships__user=expert).exists()
