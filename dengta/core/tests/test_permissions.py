"""Who may read the event log, row by row."""

from __future__ import annotations

from typing import Any

import pytest

from dengta.core.access import ANONYMOUS
from dengta.core.decisions import Decision
from dengta.core.permissions import can_view_events
from dengta.orgs.viewer import viewer_for, viewer_for_membership
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


def _check(decision: Decision, allowed: bool) -> None:
    assert isinstance(decision, Decision)
    assert decision.allowed is allowed
    assert bool(decision) is allowed
    assert isinstance(decision.reason, str)
    assert decision.reason.strip()


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("oversight", True),  # oversight organisation (its member also holds the auditor role)
        ("ministry", False),
        ("guangdong", False),
        ("guangzhou", False),  # programme staff and finance are not auditors
        ("shenzhen", False),
        ("zhejiang", False),
        ("xpcc", False),
        ("provider", False),
        ("enterprise", False),
        ("expert", False),  # reviewer is not auditor
    ],
)
def test_can_view_events_for_the_cast(cast: Any, who: str, allowed: bool) -> None:
    _check(can_view_events(cast.viewer(who)), allowed)


def test_oversight_member_without_auditor_role_may_read(cast: Any) -> None:
    membership: Any = MembershipFactory.create(
        user=UserFactory.create(username="oversight_clerk"),
        organization=cast.orgs["oversight"],
        role="viewer",
    )
    viewer = viewer_for_membership(membership)
    assert not viewer.has_platform_role("auditor")
    _check(can_view_events(viewer), True)


def test_national_oversight_may_read(db: Any) -> None:
    org: Any = OrganizationFactory.create(name="国家监督组", type="oversight")
    membership: Any = MembershipFactory.create(organization=org, role="viewer")
    viewer = viewer_for_membership(membership)
    _check(can_view_events(viewer), True)


@pytest.mark.parametrize("org_type", ["ministry", "provider", "enterprise", "expert_pool"])
def test_auditor_platform_role_may_read_in_any_organisation(cast: Any, org_type: str) -> None:
    org: Any = OrganizationFactory.create(name=f"{org_type} 审计", type=org_type)
    membership: Any = MembershipFactory.create(organization=org, role="viewer", platform_roles=["auditor"])
    _check(can_view_events(viewer_for_membership(membership)), True)


def test_unknown_platform_role_does_not_grant_reading(cast: Any) -> None:
    membership: Any = MembershipFactory.create(
        organization=cast.orgs["provider"], role="admin", platform_roles=["Auditor", "auditors", "admin"]
    )
    _check(can_view_events(viewer_for_membership(membership)), False)


def test_anonymous_and_people_without_membership_may_not_read(db: Any) -> None:
    _check(can_view_events(ANONYMOUS), False)
    viewer, _ = viewer_for(UserFactory.create(username="loner"))
    _check(can_view_events(viewer), False)
