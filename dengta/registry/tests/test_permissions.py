"""Who may see and change which profile, row by row (ARCHITECTURE.md: owner, member, other organisation,
other jurisdiction, anonymous), and that the page rules agree with the row filter ``visible_to``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dengta.core.access import ANONYMOUS
from dengta.orgs.viewer import viewer_for_membership
from dengta.registry import permissions as p
from dengta.registry.models import Enterprise

from .conftest import Registered, member, organization

pytestmark = pytest.mark.django_db

ALL = ("tianhe", "nanshan", "xihu", "shihezi", "own")

# Which of the registered enterprises each member of the cast can see.
VISIBLE = {
    "ministry": set(ALL),
    "guangdong": {"tianhe", "own"},  # 深圳 (440300) is a 计划单列市 and reports directly: not 广东's
    "guangzhou": {"tianhe", "own"},
    "shenzhen": {"nanshan"},
    "zhejiang": {"xihu"},
    "xpcc": {"shihezi"},  # 石河子 659001 sits under the 兵团 unit 660000
    "xinjiang": set(),  # ... and not under 新疆 650000
    "oversight": {"tianhe", "own"},  # 广东 oversight: same jurisdiction, read only
    "provider": set(),
    "expert": set(),
    "enterprise": {"own"},
}
EDITABLE = {
    "ministry": set(ALL),
    "guangdong": {"tianhe", "own"},
    "guangzhou": {"tianhe", "own"},
    "shenzhen": {"nanshan"},
    "zhejiang": {"xihu"},
    "xpcc": {"shihezi"},
    "xinjiang": set(),
    "oversight": set(),  # role viewer
    "provider": set(),
    "expert": set(),
    "enterprise": {"own"},  # its own profile (admin of the enterprise)
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_view_and_edit_row_by_row(registered: Registered, cast: Any, who: str) -> None:
    viewer = cast.viewer(who)
    for key in ALL:
        enterprise = getattr(registered, key)
        assert bool(p.can_view_enterprise(viewer, enterprise)) == (key in VISIBLE[who]), (who, key)
        assert bool(p.can_edit_enterprise(viewer, enterprise)) == (key in EDITABLE[who]), (who, key)
    rows = {e.pk for e in Enterprise.objects.visible_to(viewer)}
    assert rows == {getattr(registered, k).pk for k in VISIBLE[who]}


def test_anonymous_sees_and_changes_nothing(registered: Registered) -> None:
    for key in ALL:
        enterprise = getattr(registered, key)
        assert not p.can_view_enterprise(ANONYMOUS, enterprise)
        assert not p.can_edit_enterprise(ANONYMOUS, enterprise)
    assert not p.can_list_enterprises(ANONYMOUS)
    assert not p.can_register_enterprise(ANONYMOUS)
    assert not p.can_import_enterprises(ANONYMOUS)
    assert not Enterprise.objects.visible_to(ANONYMOUS).exists()


def test_enterprise_member_with_viewer_role_reads_but_does_not_edit(
    registered: Registered, cast: Any
) -> None:
    person = member(cast.orgs["enterprise"], "reader", "viewer")
    viewer = viewer_for_membership(person)
    assert p.can_view_enterprise(viewer, registered.own)
    decision = p.can_edit_enterprise(viewer, registered.own)
    assert not decision and decision.reason


def test_enterprise_cannot_move_itself_but_its_authority_can(registered: Registered, cast: Any) -> None:
    assert p.can_edit_enterprise(cast.viewer("enterprise"), registered.own)
    assert not p.can_change_enterprise_region(cast.viewer("enterprise"), registered.own)
    assert p.can_change_enterprise_region(cast.viewer("guangzhou"), registered.own)


def test_other_enterprise_organisation_sees_nothing_of_others(registered: Registered, cast: Any) -> None:
    other = organization(name="另一家企业", type="enterprise", region=cast.regions["440106"])
    viewer = viewer_for_membership(member(other, "other"))
    for key in ALL:
        assert not p.can_view_enterprise(viewer, getattr(registered, key))
    assert not Enterprise.objects.visible_to(viewer).exists()


@pytest.mark.parametrize(
    ("who", "list_", "register", "import_"),
    [
        ("ministry", True, True, True),
        ("guangdong", True, True, True),
        ("guangzhou", True, True, True),
        ("shenzhen", True, True, True),
        ("xpcc", True, True, True),
        ("oversight", True, False, False),
        ("provider", False, False, False),
        ("expert", False, False, False),
        ("enterprise", False, False, False),
    ],
)
def test_list_register_import_by_role(
    cast: Any, who: str, list_: bool, register: bool, import_: bool
) -> None:
    viewer = cast.viewer(who)
    assert bool(p.can_list_enterprises(viewer)) is list_
    assert bool(p.can_register_enterprise(viewer)) is register
    assert bool(p.can_import_enterprises(viewer)) is import_
    assert bool(p.can_list_providers(viewer)) is list_


def test_ministry_staff_without_programme_role_cannot_register_or_import(cast: Any) -> None:
    person = member(cast.orgs["ministry"], "mof", "staff")
    viewer = viewer_for_membership(person)
    assert p.can_list_enterprises(viewer)
    assert not p.can_register_enterprise(viewer)
    # Bulk import registers enterprises too: the same programme-staff rule (dengta.orgs.roles).
    assert not p.can_import_enterprises(viewer)


def test_ministry_finance_person_cannot_import(cast: Any) -> None:
    person = member(cast.orgs["ministry"], "finance", "staff")
    person.platform_roles = ["finance"]
    person.save()
    viewer = viewer_for_membership(person)
    decision = p.can_import_enterprises(viewer)
    assert not decision and decision.status == 403
    response = cast.client("ministry").get("/registry/import/")
    assert response.status_code == 200
    finance = Client()
    finance.force_login(person.user)
    assert finance.get("/registry/import/").status_code == 403


def test_authority_viewer_role_reads_only(registered: Registered, cast: Any) -> None:
    person = member(cast.orgs["guangzhou"], "gz-reader", "viewer")
    viewer = viewer_for_membership(person)
    assert p.can_view_enterprise(viewer, registered.tianhe)
    assert not p.can_edit_enterprise(viewer, registered.tianhe)
    assert not p.can_register_enterprise(viewer)
    assert not p.can_import_enterprises(viewer)


@pytest.mark.parametrize(
    ("who", "region", "allowed"),
    [
        ("guangdong", "440106", True),
        ("guangdong", "440305", False),  # 深圳 is outside 广东's jurisdiction
        ("guangzhou", "440305", False),
        ("shenzhen", "440305", True),
        ("xpcc", "659001", True),
        ("xinjiang", "659001", False),
        ("ministry", "330106", True),
    ],
)
def test_register_inside_the_jurisdiction_only(cast: Any, who: str, region: str, allowed: bool) -> None:
    assert bool(p.can_register_enterprise(cast.viewer(who), cast.regions[region].path)) is allowed
