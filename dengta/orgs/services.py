"""Writes for organisations and memberships. Each records an event."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dengta.core.actors import Actor
from dengta.core.events import record_event
from dengta.orgs.models import Membership, Organization, PlatformRole
from dengta.reference.models import Region


def _scope_path(region: Region | None) -> str:
    return region.path if region is not None else ""


@transaction.atomic
def organization_create(
    *,
    actor: Actor,
    name: str,
    type: str,
    region: Region | None = None,
    authority_level: str = "",
    short_name: str = "",
    includes_separately_planned: bool = False,
) -> Organization:
    org = Organization(
        name=name,
        short_name=short_name,
        type=type,
        region=region,
        authority_level=authority_level,
        includes_separately_planned=includes_separately_planned,
    )
    org.full_clean()
    org.save()
    record_event(
        actor=actor,
        verb="organization.created",
        target=org,
        organization_id=org.pk,
        scope_path=_scope_path(region),
        payload={"type": type, "region": region.code if region else None, "authority_level": authority_level},
    )
    return org


@transaction.atomic
def membership_grant(
    *, actor: Actor, user: Any, organization: Organization, role: str, platform_roles: list[str] | None = None
) -> Membership:
    roles = sorted(set(platform_roles or []))
    unknown = [r for r in roles if r not in PlatformRole.values]
    if unknown:
        raise ValueError(f"Unknown platform roles: {unknown}")
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, organization=organization, defaults={"role": role, "platform_roles": roles}
    )
    if not created:
        membership.role = role
        membership.platform_roles = roles
        membership.is_active = True
    membership.full_clean()
    membership.save()
    record_event(
        actor=actor,
        verb="membership.granted" if created else "membership.changed",
        target=membership,
        organization_id=organization.pk,
        scope_path=_scope_path(organization.region),
        payload={"user": user.get_username(), "role": role, "platform_roles": roles},
    )
    return membership
