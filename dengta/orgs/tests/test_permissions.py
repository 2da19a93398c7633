"""Organisation permission rules, row by row: each returns a decision and a reason (ARCHITECTURE.md, 5)."""

from __future__ import annotations

from typing import Any

import pytest

from dengta.core.access import ANONYMOUS
from dengta.core.decisions import Decision
from dengta.orgs.models import Organization
from dengta.orgs.permissions import can_list_organizations, can_view_organization
from dengta.orgs.viewer import viewer_for
from tests.factories import UserFactory


def _check(decision: Decision, allowed: bool) -> None:
    assert isinstance(decision, Decision)
    assert decision.allowed is allowed
    assert bool(decision) is allowed
    assert isinstance(decision.reason, str)
    assert decision.reason.strip()


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("ministry", True),
        ("guangdong", True),
        ("guangzhou", True),
        ("shenzhen", True),
        ("xpcc", True),
        ("oversight", True),
        ("national_oversight", True),
        ("provider", False),
        ("enterprise", False),
        ("expert", False),
    ],
)
def test_can_list_organizations(world: Any, who: str, allowed: bool) -> None:
    _check(can_list_organizations(world.viewer(who)), allowed)


def test_can_list_organizations_anonymous_and_without_membership(world: Any) -> None:
    _check(can_list_organizations(ANONYMOUS), False)
    viewer, _ = viewer_for(UserFactory.create(username="loner"))
    _check(can_list_organizations(viewer), False)


@pytest.mark.parametrize(
    "who, target, allowed",
    [
        # own organisation
        ("provider", "provider", True),
        ("enterprise", "enterprise", True),
        ("expert", "expert", True),
        ("guangdong", "guangdong", True),
        ("shenzhen", "shenzhen", True),
        # inside the jurisdiction
        ("guangdong", "guangzhou", True),
        ("guangdong", "tianhe_district", True),
        ("guangdong", "provider", True),
        ("guangdong", "enterprise", True),
        ("guangzhou", "enterprise", True),
        ("shenzhen", "nanshan_enterprise", True),
        ("xpcc", "shihezi_enterprise", True),
        ("oversight", "guangzhou", True),
        ("ministry", "shenzhen", True),
        ("ministry", "expert", True),
        ("national_oversight", "zhejiang", True),
        # outside the jurisdiction
        ("guangdong", "zhejiang", False),
        ("guangdong", "ministry", False),
        ("guangdong", "expert", False),
        ("guangzhou", "guangdong", False),
        ("zhejiang", "guangdong", False),
        ("zhejiang", "enterprise", False),
        ("shenzhen", "guangdong", False),
        ("shenzhen", "guangzhou", False),
        ("xinjiang", "xpcc", False),
        ("xinjiang", "shihezi_enterprise", False),
        ("provider", "enterprise", False),
        ("provider", "guangzhou", False),
        ("enterprise", "provider", False),
        ("expert", "enterprise", False),
        # 计划单列市: not in its province's jurisdiction by default
        ("guangdong", "shenzhen", False),
        ("guangdong", "nanshan_enterprise", False),
        ("oversight", "shenzhen", False),
    ],
)
def test_can_view_organization(world: Any, who: str, target: str, allowed: bool) -> None:
    _check(can_view_organization(world.viewer(who), world.orgs[target]), allowed)


def test_can_view_separately_planned_city_when_province_is_configured(world: Any) -> None:
    gd = world.orgs["guangdong"]
    gd.includes_separately_planned = True
    gd.save()
    _check(can_view_organization(world.viewer("guangdong"), world.orgs["shenzhen"]), True)
    _check(can_view_organization(world.viewer("guangdong"), world.orgs["nanshan_enterprise"]), True)


def test_can_view_organization_anonymous(world: Any) -> None:
    _check(can_view_organization(ANONYMOUS, world.orgs["ministry"]), False)


def test_can_view_organization_agrees_with_visible_to_everywhere(world: Any) -> None:
    """The permission function and the queryset filter must give the same answer for every pair."""
    for who in world.members:
        viewer = world.viewer(who)
        visible = set(Organization.objects.visible_to(viewer).values_list("pk", flat=True))
        for key, org in world.orgs.items():
            assert can_view_organization(viewer, org).allowed is (org.pk in visible), (who, key)
