"""Jurisdiction: who sees which organisations, row by row (DOMAIN.md 4.4)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from dengta.core.access import ANONYMOUS, Viewer, get_visible_or_404, scope_q, visible
from dengta.orgs.models import Organization
from dengta.orgs.viewer import SESSION_KEY, jurisdiction_for, viewer_for, viewer_for_membership
from dengta.reference.models import Region
from tests.factories import MembershipFactory, UserFactory

GUANGDONG = {"guangdong", "guangzhou", "tianhe_district", "provider", "enterprise", "oversight"}
SHENZHEN = {"shenzhen", "nanshan_enterprise"}
GUANGZHOU = {"guangzhou", "tianhe_district", "provider", "enterprise"}
ZHEJIANG = {"zhejiang", "hangzhou", "xihu_enterprise"}
XPCC = {"xpcc", "shihezi_enterprise"}
XINJIANG = {"xinjiang", "urumqi_enterprise"}
ALL = "ALL"


def _visible_keys(world: Any, viewer: Viewer) -> set[str]:
    by_pk = {org.pk: key for key, org in world.orgs.items()}
    return {by_pk[pk] for pk in Organization.objects.visible_to(viewer).values_list("pk", flat=True)}


@pytest.mark.parametrize(
    "who, expected",
    [
        ("ministry", ALL),
        ("national_oversight", ALL),
        ("guangdong", GUANGDONG),
        ("guangzhou", GUANGZHOU),
        ("tianhe_district", {"tianhe_district", "provider", "enterprise"}),
        ("shenzhen", SHENZHEN),
        ("zhejiang", ZHEJIANG),
        ("xpcc", XPCC),
        ("xinjiang", XINJIANG),
        ("oversight", GUANGDONG),
        ("provider", {"provider"}),
        ("enterprise", {"enterprise"}),
        ("expert", {"expert"}),
    ],
)
def test_visible_to_row_by_row(world: Any, who: str, expected: Any) -> None:
    want = set(world.orgs) if expected == ALL else expected
    assert _visible_keys(world, world.viewer(who)) == want


def test_province_sees_separately_planned_city_only_when_configured(world: Any) -> None:
    assert not {"shenzhen", "nanshan_enterprise"} & _visible_keys(world, world.viewer("guangdong"))
    gd = world.orgs["guangdong"]
    gd.includes_separately_planned = True
    gd.save()
    assert _visible_keys(world, world.viewer("guangdong")) == GUANGDONG | SHENZHEN
    # The flag widens only that authority; 广东's oversight body still leaves 深圳 out.
    assert _visible_keys(world, world.viewer("oversight")) == GUANGDONG


def test_province_level_oversight_is_like_its_authority_and_national_sees_all(world: Any) -> None:
    assert world.viewer("oversight").include_paths == ("440000/",)
    assert world.viewer("oversight").exclude_paths == ("440000/440300/",)
    assert world.viewer("national_oversight").sees_all


def test_xpcc_and_xinjiang_are_separate(world: Any) -> None:
    xpcc = _visible_keys(world, world.viewer("xpcc"))
    xinjiang = _visible_keys(world, world.viewer("xinjiang"))
    assert "shihezi_enterprise" in xpcc
    assert "shihezi_enterprise" not in xinjiang
    assert not xpcc & xinjiang


def test_zhejiang_sees_nothing_of_guangdong(world: Any) -> None:
    assert not _visible_keys(world, world.viewer("zhejiang")) & (GUANGDONG | SHENZHEN)


def test_anonymous_and_people_without_membership_see_nothing(world: Any) -> None:
    assert not Organization.objects.visible_to(ANONYMOUS).exists()
    loner: Any = UserFactory.create(username="loner")
    viewer, memberships = viewer_for(loner)
    assert memberships == []
    assert not viewer.is_authenticated
    assert not Organization.objects.visible_to(viewer).exists()
    # An inactive membership grants nothing either.
    MembershipFactory.create(user=loner, organization=world.orgs["guangdong"], is_active=False)
    viewer, memberships = viewer_for(loner)
    assert memberships == []
    assert not Organization.objects.visible_to(viewer).exists()


def test_membership_in_a_deactivated_organisation_grants_nothing(world: Any) -> None:
    gd = world.orgs["guangdong"]
    gd.is_active = False
    gd.save()
    viewer, memberships = viewer_for(world.members["guangdong"].user)
    assert memberships == []
    assert not Organization.objects.visible_to(viewer).exists()


def test_viewer_for_picks_the_active_org_or_the_first(world: Any) -> None:
    user = world.members["guangdong"].user
    MembershipFactory.create(
        user=user, organization=world.orgs["oversight"], role="viewer", platform_roles=["auditor"]
    )
    first, memberships = viewer_for(user)
    assert [m.organization.type for m in memberships] == ["authority", "oversight"]
    assert first.organization_id == world.orgs["guangdong"].pk
    chosen, _ = viewer_for(user, world.orgs["oversight"].pk)
    assert chosen.organization_id == world.orgs["oversight"].pk
    assert chosen.org_type == "oversight"
    assert chosen.platform_roles == frozenset({"auditor"})
    # An org the person does not belong to falls back to the first membership, never to that org.
    stranger, _ = viewer_for(user, world.orgs["zhejiang"].pk)
    assert stranger.organization_id == world.orgs["guangdong"].pk
    assert SESSION_KEY == "dengta_active_org"


def test_viewer_drops_unknown_platform_roles(world: Any) -> None:
    membership = world.members["provider"]
    membership.platform_roles = ["auditor", "superuser", "root"]
    assert viewer_for_membership(membership).platform_roles == frozenset({"auditor"})


@pytest.mark.parametrize(
    "who, include, exclude",
    [
        ("ministry", None, ()),
        ("guangdong", ("440000/",), ("440000/440300/",)),
        ("guangzhou", ("440000/440100/",), ()),
        ("shenzhen", ("440000/440300/",), ()),
        ("xpcc", ("660000/",), ()),
        ("xinjiang", ("650000/",), ()),
        ("provider", (), ()),
        ("enterprise", (), ()),
        ("expert", (), ()),
        ("national_oversight", None, ()),
    ],
)
def test_jurisdiction_for(world: Any, who: str, include: Any, exclude: tuple[str, ...]) -> None:
    assert jurisdiction_for(world.orgs[who]) == (include, exclude)


@pytest.mark.parametrize(
    "who, path, covered",
    [
        ("ministry", "330000/330100/330106/", True),
        ("ministry", "660000/659001/", True),
        ("guangdong", "440000/", True),
        ("guangdong", "440000/440100/440106/", True),
        ("guangdong", "440000/440300/", False),
        ("guangdong", "440000/440300/440305/", False),
        ("guangdong", "330000/", False),
        ("guangdong", "", False),
        ("guangzhou", "440000/440100/", True),
        ("guangzhou", "440000/", False),
        ("guangzhou", "440000/440300/", False),
        ("shenzhen", "440000/440300/440305/", True),
        ("shenzhen", "440000/440300/", True),
        ("shenzhen", "440000/", False),
        ("shenzhen", "440000/440100/", False),
        ("xpcc", "660000/659001/", True),
        ("xinjiang", "660000/659001/", False),
        ("xinjiang", "650000/650100/", True),
        ("oversight", "440000/440100/", True),
        ("oversight", "440000/440300/", False),
        ("provider", "440000/440100/440106/", False),
        ("enterprise", "440000/440100/440106/", False),
        ("expert", "440000/", False),
    ],
)
def test_covers_path(world: Any, who: str, path: str, covered: bool) -> None:
    assert world.viewer(who).covers_path(path) is covered


def test_covers_path_is_false_for_anonymous_and_for_a_user_without_organisation() -> None:
    assert ANONYMOUS.covers_path("440000/") is False
    # Even a viewer that would see everything, but has no organisation, covers nothing.
    assert Viewer(user=object(), include_paths=None).covers_path("440000/") is False


def test_prefix_match_respects_code_boundaries() -> None:
    viewer = Viewer(
        user=type("U", (), {"is_authenticated": True})(), organization_id=1, include_paths=("44/",)
    )
    assert viewer.covers_path("44/4401/")
    assert not viewer.covers_path("440000/")


def test_scope_q_without_region_field_gives_own_organisation_only(world: Any) -> None:
    viewer = world.viewer("guangdong")
    qs = Organization.objects.filter(scope_q(viewer, region_field=None, org_field="pk"))
    assert list(qs) == [world.orgs["guangdong"]]
    assert not Organization.objects.filter(scope_q(viewer, region_field=None, org_field=None)).exists()


# --- get_visible_or_404 ----------------------------------------------------------------------------------


def test_get_visible_or_404_returns_visible_objects(world: Any) -> None:
    viewer = world.viewer("guangdong")
    org = get_visible_or_404(Organization.objects.all(), viewer, pk=world.orgs["guangzhou"].pk)
    assert org == world.orgs["guangzhou"]
    own = get_visible_or_404(
        Organization.objects.all(), world.viewer("provider"), pk=world.orgs["provider"].pk
    )
    assert own == world.orgs["provider"]


@pytest.mark.parametrize(
    "who, target",
    [
        ("guangdong", "shenzhen"),
        ("guangdong", "nanshan_enterprise"),
        ("guangdong", "zhejiang"),
        ("zhejiang", "guangdong"),
        ("zhejiang", "enterprise"),
        ("shenzhen", "guangdong"),
        ("xinjiang", "shihezi_enterprise"),
        ("provider", "enterprise"),
        ("enterprise", "provider"),
        ("expert", "ministry"),
        ("oversight", "shenzhen"),
    ],
)
def test_get_visible_or_404_hides_objects_outside(world: Any, who: str, target: str) -> None:
    with pytest.raises(Http404):
        get_visible_or_404(Organization.objects.all(), world.viewer(who), pk=world.orgs[target].pk)


@pytest.mark.parametrize("pk", [987654321, "abc", "", None, "1; DROP TABLE orgs_organization", 10**30, -1])
def test_get_visible_or_404_absent_and_garbage_ids(world: Any, pk: Any) -> None:
    with pytest.raises(Http404):
        get_visible_or_404(Organization.objects.all(), world.viewer("ministry"), pk=pk)
    assert Organization.objects.count() == len(world.orgs)


def test_get_visible_or_404_anonymous_sees_nothing(world: Any) -> None:
    with pytest.raises(Http404):
        get_visible_or_404(Organization.objects.all(), ANONYMOUS, pk=world.orgs["ministry"].pk)


def test_visible_refuses_unscoped_querysets(world: Any) -> None:
    with pytest.raises(TypeError, match="visible_to"):
        visible(Region.objects.all(), world.viewer("ministry"))


def test_get_visible_or_404_does_not_hide_a_programming_error_as_404(world: Any) -> None:
    # Looking up a model without visible_to() is a bug in the caller; it must fail loudly, not as "not found".
    with pytest.raises(TypeError, match="visible_to"):
        get_visible_or_404(Region.objects.all(), world.viewer("ministry"), pk="440000")
