"""Writes for diagnosis invitations (ARCHITECTURE.md convention 1): an enterprise's consent that a provider
diagnoses it. The enterprise invites a provider (or accepts a provider's request) and may withdraw at any
time; each change writes an event and tells the other side in its inbox. Permission checks belong to the
caller (``permissions``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dengta.assessment import workflows
from dengta.assessment.models import DiagnosisInvitation, InvitationState
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.core.notifications import notify
from dengta.core.workflows import run_transition
from dengta.orgs.models import Organization, OrgType
from dengta.registry.models import Enterprise
from dengta.registry.text import to_half_width


def _scope(enterprise: Enterprise) -> dict[str, Any]:
    return {"organization_id": enterprise.organization_id, "scope_path": enterprise.region.path}


def _payload(invitation: DiagnosisInvitation) -> dict[str, Any]:
    return {"enterprise": invitation.enterprise_id, "provider": invitation.provider_id}


def _open(enterprise: Enterprise, provider: Organization) -> DiagnosisInvitation | None:
    return (
        DiagnosisInvitation.objects.select_for_update()
        .filter(
            enterprise=enterprise,
            provider=provider,
            state__in=[InvitationState.REQUESTED, InvitationState.ACTIVE],
        )
        .first()
    )


def _check_provider(provider: Organization) -> None:
    if provider.type != OrgType.PROVIDER or not provider.is_active:
        raise ValidationError({"provider": [_("请选择平台上的服务商")]})


@transaction.atomic
def invitation_create(*, actor: Actor, enterprise: Enterprise, provider: Organization) -> DiagnosisInvitation:
    """The enterprise invites a provider. A request from that provider waiting for an answer is accepted
    instead; inviting a provider already invited changes nothing."""
    _check_provider(provider)
    existing = _open(enterprise, provider)
    if existing is not None:
        if existing.state == InvitationState.REQUESTED:
            return invitation_accept(actor=actor, invitation=existing)
        return existing
    invitation = DiagnosisInvitation(
        enterprise=enterprise,
        provider=provider,
        state=InvitationState.ACTIVE,
        invited_by_id=actor_id(actor),
        invited_at=timezone.now(),
    )
    invitation.full_clean()
    invitation.save()
    record_event(
        actor=actor,
        verb="invitation.created",
        target=invitation,
        payload=_payload(invitation),
        **_scope(enterprise),
    )
    notify(
        organization_id=provider.pk,
        verb="invitation.created",
        message=gettext_noop("企业 %(enterprise)s 邀请贵机构为其开展数字化诊断"),
        params={"enterprise": enterprise.name},
        url=reverse("assessment:start_diagnosis"),
    )
    return invitation


@transaction.atomic
def invitation_request(*, actor: Actor, provider: Organization, uscc: str) -> DiagnosisInvitation | None:
    """A provider asks the enterprise with this credit code to invite it. The caller answers the same way
    whether or not such an enterprise is registered (None here), so the request reveals nothing."""
    _check_provider(provider)
    code = to_half_width(uscc).strip().upper()
    enterprise = Enterprise.objects.select_related("region").filter(uscc=code).first()
    if enterprise is None:
        return None
    existing = _open(enterprise, provider)
    if existing is not None:
        return existing
    invitation = DiagnosisInvitation(
        enterprise=enterprise,
        provider=provider,
        state=InvitationState.REQUESTED,
        requested_by_id=actor_id(actor),
    )
    invitation.full_clean()
    invitation.save()
    record_event(
        actor=actor,
        verb="invitation.requested",
        target=invitation,
        payload=_payload(invitation),
        **_scope(enterprise),
    )
    notify(
        organization_id=enterprise.organization_id,
        verb="invitation.requested",
        message=gettext_noop("服务商 %(provider)s 申请为贵企业开展数字化诊断，请在“诊断邀请”中答复"),
        params={"provider": provider.name},
        url=reverse("assessment:invitations"),
    )
    return invitation


@transaction.atomic
def invitation_accept(*, actor: Actor, invitation: DiagnosisInvitation) -> DiagnosisInvitation:
    enterprise = invitation.enterprise
    accepted = run_transition(
        invitation,
        workflows.INVITATION_ACCEPT,
        actor=actor,
        changes={"invited_by": actor, "invited_at": timezone.now()},
        payload=_payload(invitation),
        **_scope(enterprise),
    )
    notify(
        organization_id=invitation.provider_id,
        verb="invitation.accepted",
        message=gettext_noop("企业 %(enterprise)s 接受了贵机构的诊断申请，可以开始诊断"),
        params={"enterprise": enterprise.name},
        url=reverse("assessment:start_diagnosis"),
    )
    return accepted


@transaction.atomic
def invitation_decline(*, actor: Actor, invitation: DiagnosisInvitation) -> DiagnosisInvitation:
    enterprise = invitation.enterprise
    declined = run_transition(
        invitation,
        workflows.INVITATION_DECLINE,
        actor=actor,
        changes={"ended_by": actor, "ended_at": timezone.now()},
        payload=_payload(invitation),
        **_scope(enterprise),
    )
    notify(
        organization_id=invitation.provider_id,
        verb="invitation.declined",
        message=gettext_noop("企业 %(enterprise)s 没有接受贵机构的诊断申请"),
        params={"enterprise": enterprise.name},
        url=reverse("assessment:invitations"),
    )
    return declined


@transaction.atomic
def invitation_withdraw(
    *, actor: Actor, invitation: DiagnosisInvitation, by_provider: bool = False
) -> DiagnosisInvitation:
    """The enterprise withdraws its consent (new diagnoses stop; those already started stay on record and
    visible to it), or a provider withdraws its own request. The other side is told."""
    enterprise = invitation.enterprise
    withdrawn = run_transition(
        invitation,
        workflows.INVITATION_WITHDRAW,
        actor=actor,
        changes={"ended_by": actor, "ended_at": timezone.now()},
        payload={**_payload(invitation), "by": "provider" if by_provider else "enterprise"},
        **_scope(enterprise),
    )
    if by_provider:
        notify(
            organization_id=enterprise.organization_id,
            verb="invitation.withdrawn",
            message=gettext_noop("服务商 %(provider)s 撤回了诊断申请"),
            params={"provider": invitation.provider.name},
            url=reverse("assessment:invitations"),
        )
    else:
        notify(
            organization_id=invitation.provider_id,
            verb="invitation.withdrawn",
            message=gettext_noop("企业 %(enterprise)s 撤回了诊断邀请，贵机构不能再为其新建诊断"),
            params={"enterprise": enterprise.name},
            url=reverse("assessment:invitations"),
        )
    return withdrawn
