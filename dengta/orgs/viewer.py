"""Builds the request's Viewer from the person's active membership and the region tree."""

from __future__ import annotations

from typing import Any

from dengta.core.access import ANONYMOUS, Viewer
from dengta.orgs.models import Membership, Organization, OrgType, PlatformRole
from dengta.orgs.roles import capabilities_for
from dengta.reference.models import Region

SESSION_KEY = "dengta_active_org"


def jurisdiction_for(org: Organization) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """(include prefixes, exclude prefixes) of the regions an organisation oversees.

    - ministry: everything;
    - authority: its region's subtree; a province's subtree leaves out the 计划单列市 inside it unless the
      authority is configured to include them (DOMAIN.md 4.4: they report directly to the ministries);
    - oversight: like an authority when bound to a region, everything when national;
    - provider, enterprise, expert pool: no region-based visibility (their own organisation only).
    """
    if org.type == OrgType.MINISTRY:
        return None, ()
    if org.type == OrgType.OVERSIGHT and org.region_id is None:
        return None, ()
    if org.type in (OrgType.AUTHORITY, OrgType.OVERSIGHT) and org.region is not None:
        region = org.region
        excluded: tuple[str, ...] = ()
        if not org.includes_separately_planned:
            excluded = tuple(
                Region.objects.filter(path__startswith=region.path, is_separately_planned=True)
                .exclude(pk=region.pk)
                .values_list("path", flat=True)
            )
        return (region.path,), excluded
    return (), ()


def viewer_for_membership(membership: Membership) -> Viewer:
    org = membership.organization
    include, exclude = jurisdiction_for(org)
    platform_roles = frozenset(r for r in membership.platform_roles if r in PlatformRole.values)
    return Viewer(
        user=membership.user,
        organization_id=org.pk,
        organization_name=org.name,
        org_type=org.type,
        role=membership.role,
        role_label=str(membership.get_role_display()),
        platform_roles=platform_roles,
        include_paths=include,
        exclude_paths=exclude,
        region_code=org.region_id or "",
        region_path=org.region.path if org.region is not None else "",
        capabilities=frozenset(capabilities_for(org.type, membership.role, platform_roles)),
    )


def memberships_of(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("organization", "organization__region", "user")
        .order_by("organization__type", "organization__name")
    )


def viewer_for(user: Any, active_org_id: int | None = None) -> tuple[Viewer, list[Membership]]:
    """The Viewer for a user acting in one of their organisations (the first one when none is chosen)."""
    memberships = memberships_of(user)
    if not memberships:
        return ANONYMOUS if not getattr(user, "is_authenticated", False) else Viewer(user=user), []
    chosen = next((m for m in memberships if m.organization_id == active_org_id), memberships[0])
    return viewer_for_membership(chosen), memberships
