"""Saving a draft's answers: impossible number pairs go back, everything else in the same save stays."""

from __future__ import annotations

from typing import Any

import pytest

from dengta.assessment.services import assessment_save_answers
from dengta.assessment.tests.conftest import self_assessment

pytestmark = pytest.mark.django_db


def test_only_the_numbers_of_the_broken_rule_are_reverted(world: Any) -> None:
    assessment = self_assessment(world, submit=False)
    actor = world.members["enterprise"].user
    assessment_save_answers(actor=actor, assessment=assessment, numbers={"equipment_total": "10"})
    parsed = assessment_save_answers(
        actor=actor,
        assessment=assessment,
        numbers={"equipment_networked": "12", "digital_investment": "35", "energy_last": "80"},
    )
    assert [p.code for p in parsed.problems] == ["number_exceeds_total"]
    assessment.refresh_from_db()
    numbers = assessment.answers["numbers"]
    assert numbers == {"equipment_total": "10", "digital_investment": "35", "energy_last": "80"}


def test_pair_arriving_in_two_saves_is_checked_on_the_merged_draft(world: Any) -> None:
    assessment = self_assessment(world, submit=False)
    actor = world.members["enterprise"].user
    assessment_save_answers(actor=actor, assessment=assessment, numbers={"equipment_networked": "12"})
    parsed = assessment_save_answers(actor=actor, assessment=assessment, numbers={"equipment_total": "10"})
    assert [p.code for p in parsed.problems] == ["number_exceeds_total"]
    assessment.refresh_from_db()
    assert assessment.answers["numbers"] == {"equipment_networked": "12"}


def test_viewer_role_expert_cannot_fill_an_onsite_assessment(world: Any) -> None:
    from dengta.assessment import permissions
    from dengta.assessment.models import Phase
    from dengta.assessment.services import assessment_assign_onsite
    from dengta.assessment.tests.conftest import declare

    onsite = assessment_assign_onsite(
        actor=world.members["guangzhou"].user,
        enterprise=world.registered.own,
        expert=world.members["expert"].user,
        expert_organization=world.orgs["expert"],
        phase=Phase.T1,
    )
    declare(world, onsite)
    membership = world.members["expert"]
    membership.role = "viewer"
    membership.save()
    assert not permissions.can_edit(world.viewer("expert"), onsite)
