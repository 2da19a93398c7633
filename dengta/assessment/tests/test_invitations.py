"""Diagnosis consent: the enterprise invites a provider (or accepts its request) and may withdraw; a provider
diagnoses only enterprises that invited it, picked from a list; the enterprise is told of every diagnosis
started and submitted about it. Services, pages and the inbox."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dengta.assessment.invitations import (
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_request,
    invitation_withdraw,
)
from dengta.assessment.models import Assessment, DiagnosisInvitation, InvitationState, Kind
from dengta.assessment.services import assessment_save_answers, assessment_start, assessment_submit
from dengta.core.models import Event, Notification
from dengta.registry.tests.conftest import member, organization

from .conftest import LEVEL2_CHOICES, invite, scenarios_at


def verbs(invitation: DiagnosisInvitation) -> list[str]:
    return list(
        Event.objects.filter(target_type="assessment.diagnosisinvitation", target_id=str(invitation.pk))
        .order_by("seq")
        .values_list("verb", flat=True)
    )


def inbox(org: Any) -> list[str]:
    return [n.text for n in Notification.objects.filter(organization_id_ref=org.pk).order_by("pk")]


# ------------------------------------------------------------------------------------------------ services


def test_invite_withdraw_and_events(world: Any) -> None:
    own, provider = world.registered.own, world.orgs["provider"]
    invitation = invite(world, own)
    assert invitation.state == InvitationState.ACTIVE and invitation.invited_at is not None
    assert invite(world, own).pk == invitation.pk  # inviting again changes nothing
    assert inbox(provider) == ["企业 天河精密零部件有限公司 邀请贵机构为其开展数字化诊断"]
    withdrawn = invitation_withdraw(actor=world.members["enterprise"].user, invitation=invitation)
    assert (
        withdrawn.state == InvitationState.WITHDRAWN
        and withdrawn.ended_by == world.members["enterprise"].user
    )
    assert verbs(invitation) == ["invitation.created", "invitation.withdrawn"]
    assert inbox(provider)[-1] == "企业 天河精密零部件有限公司 撤回了诊断邀请，贵机构不能再为其新建诊断"
    with pytest.raises(ValidationError):
        invitation_withdraw(actor=world.members["enterprise"].user, invitation=withdrawn)
    # After a withdrawal the enterprise may invite again: a new row, the old one stays on record.
    again = invite(world, own)
    assert again.pk != invitation.pk and DiagnosisInvitation.objects.count() == 2


def test_request_accept_and_decline(world: Any) -> None:
    own = world.registered.own
    provider_user = world.members["provider"].user
    requested = invitation_request(
        actor=provider_user, provider=world.orgs["provider"], uscc=own.uscc.lower()
    )
    assert requested is not None and requested.state == InvitationState.REQUESTED
    assert inbox(world.orgs["enterprise"]) == [
        "服务商 广州数智服务有限公司 申请为贵企业开展数字化诊断，请在“诊断邀请”中答复"
    ]
    # The enterprise inviting the provider that asked accepts the request (no second row).
    accepted = invitation_create(
        actor=world.members["enterprise"].user, enterprise=own, provider=world.orgs["provider"]
    )
    assert accepted.pk == requested.pk and accepted.state == InvitationState.ACTIVE
    assert verbs(requested) == ["invitation.requested", "invitation.accepted"]
    other = invitation_request(
        actor=provider_user, provider=world.orgs["provider"], uscc=world.registered.tianhe.uscc
    )
    assert other is not None
    declined = invitation_decline(actor=world.members["enterprise"].user, invitation=other)
    assert declined.state == InvitationState.DECLINED
    with pytest.raises(ValidationError):
        invitation_accept(actor=world.members["enterprise"].user, invitation=declined)


def test_request_for_an_unregistered_code_creates_nothing(world: Any) -> None:
    made = invitation_request(
        actor=world.members["provider"].user, provider=world.orgs["provider"], uscc="91440106MA0000000X"
    )
    assert made is None and not DiagnosisInvitation.objects.exists() and not Notification.objects.exists()


def test_only_a_provider_can_be_invited(world: Any) -> None:
    with pytest.raises(ValidationError):
        invitation_create(
            actor=world.members["enterprise"].user,
            enterprise=world.registered.own,
            provider=world.orgs["expert"],
        )


def test_diagnosis_needs_invitation_and_tells_the_enterprise(world: Any) -> None:
    own, provider = world.registered.own, world.orgs["provider"]
    actor = world.members["provider"].user
    with pytest.raises(ValidationError, match="没有邀请"):
        assessment_start(actor=actor, enterprise=own, kind=Kind.PROVIDER, author_organization=provider)
    assert not Assessment.objects.exists()
    invite(world, own)
    diagnosis = assessment_start(
        actor=actor, enterprise=own, kind=Kind.PROVIDER, author_organization=provider
    )
    assessment_save_answers(
        actor=actor, assessment=diagnosis, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2)
    )
    assessment_submit(actor=actor, assessment=diagnosis, pledge=True)
    notes = Notification.objects.filter(organization_id_ref=own.organization_id).order_by("pk")
    assert [n.verb for n in notes] == ["assessment.diagnosis_started", "assessment.diagnosis_submitted"]
    assert notes[1].text == "服务商 广州数智服务有限公司 提交了对贵企业的数字化诊断"
    assert notes[0].url == reverse("assessment:detail", args=[diagnosis.pk])


# ------------------------------------------------------------------------------------------------- pages


def test_enterprise_finds_providers_of_its_province_and_invites(world: Any) -> None:
    hangzhou = organization(name="杭州数智服务有限公司", type="provider", region=world.regions["330106"])
    client = world.client("enterprise")
    page = client.get(reverse("assessment:invitations"), {"q": "数智"}).content.decode()
    assert "广州数智服务有限公司" in page and hangzhou.name not in page  # 浙江 is another province
    assert client.get(reverse("assessment:invitations")).status_code == 200
    # A provider of another province cannot be invited by posting its id.
    refused = client.post(reverse("assessment:invite_provider"), {"provider": hangzhou.pk})
    assert refused.status_code == 404 and not DiagnosisInvitation.objects.exists()
    response = client.post(reverse("assessment:invite_provider"), {"provider": world.orgs["provider"].pk})
    assert response.status_code == 302
    invitation = DiagnosisInvitation.objects.get()
    assert (
        invitation.state == InvitationState.ACTIVE
        and invitation.invited_by == world.members["enterprise"].user
    )
    page = client.get(reverse("assessment:invitations")).content.decode()
    assert "撤回邀请" in page and "广州数智服务有限公司" in page
    assert client.post(reverse("assessment:withdraw_invitation", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.WITHDRAWN


def test_read_only_member_cannot_invite(world: Any) -> None:
    reader = member(world.orgs["enterprise"], "reader", "viewer")
    client = world.client("enterprise")
    client.force_login(reader.user)
    client.post(reverse("assessment:invite_provider"), {"provider": world.orgs["provider"].pk})
    assert not DiagnosisInvitation.objects.exists()


def test_outsiders_cannot_touch_an_invitation(world: Any) -> None:
    invitation = invite(world)
    for who in ("zhejiang", "expert"):
        response = world.client(who).post(reverse("assessment:withdraw_invitation", args=[invitation.pk]))
        assert response.status_code == 404, who
    rival = member(organization(name="另一家服务商有限公司", type="provider"), "rival", "admin")
    client = world.client("provider")
    client.force_login(rival.user)
    assert client.post(reverse("assessment:withdraw_invitation", args=[invitation.pk])).status_code == 404
    # The invited provider may not withdraw the enterprise's consent either.
    world.client("provider").post(reverse("assessment:withdraw_invitation", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACTIVE
    refused = world.client("expert").get(reverse("assessment:invitations"))
    assert refused.status_code == 403 and "诊断邀请只在企业和服务商之间" in refused.content.decode()


def test_provider_request_answers_the_same_for_any_code(world: Any) -> None:
    client = world.client("provider")
    answers = []
    for code in (world.registered.own.uscc, "91440106MA0000000X"):
        response = client.post(reverse("assessment:request_invitation"), {"uscc": code}, follow=True)
        answers.append([str(m) for m in response.context["messages"]])
    assert answers[0] == answers[1] and answers[0]
    assert DiagnosisInvitation.objects.get().state == InvitationState.REQUESTED
    # The enterprise accepts on its page.
    pk = DiagnosisInvitation.objects.get().pk
    world.client("enterprise").post(reverse("assessment:answer_invitation", args=[pk]), {"answer": "accept"})
    assert DiagnosisInvitation.objects.get().state == InvitationState.ACTIVE


def test_provider_starts_only_from_the_invited_list(world: Any) -> None:
    client = world.client("provider")
    empty = client.get(reverse("assessment:start_diagnosis")).content.decode()
    assert 'data-testid="no-invitations"' in empty and 'name="uscc"' not in empty
    invite(world, world.registered.own)
    page = client.get(reverse("assessment:start_diagnosis")).content.decode()
    assert world.registered.own.name in page and world.registered.tianhe.name not in page
    assert 'name="uscc"' not in page
    # An enterprise that did not invite the provider is not a valid choice: refused, nothing started.
    refused = client.post(
        reverse("assessment:start_diagnosis"), {"enterprise": world.registered.tianhe.pk, "phase": "t0"}
    )
    assert refused.status_code == 200 and not Assessment.objects.exists()
    started = client.post(
        reverse("assessment:start_diagnosis"), {"enterprise": world.registered.own.pk, "phase": "t0"}
    )
    diagnosis = Assessment.objects.get(kind=Kind.PROVIDER)
    assert started.status_code == 302 and diagnosis.enterprise == world.registered.own
    # The enterprise sees the diagnosis in its list and in its inbox (with the count in the top bar).
    enterprise = world.client("enterprise")
    listing = enterprise.get(reverse("assessment:list")).content.decode()
    assert reverse("assessment:detail", args=[diagnosis.pk]) in listing and "广州数智服务有限公司" in listing
    assert 'data-testid="inbox-count">1<' in listing
    box = enterprise.get(reverse("core:inbox")).content.decode()
    assert "服务商 广州数智服务有限公司 开始为贵企业开展数字化诊断" in box


def test_withdrawn_consent_stops_work_on_drafts(world: Any) -> None:
    own, provider = world.registered.own, world.orgs["provider"]
    actor = world.members["provider"].user
    invitation = invite(world, own)
    draft = assessment_start(actor=actor, enterprise=own, kind=Kind.PROVIDER, author_organization=provider)
    assessment_save_answers(actor=actor, assessment=draft, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2))
    invitation_withdraw(actor=world.members["enterprise"].user, invitation=invitation)
    with pytest.raises(ValidationError, match="撤回诊断邀请"):
        assessment_save_answers(actor=actor, assessment=draft, choices={"base.equipment.network": "B"})
    with pytest.raises(ValidationError, match="撤回诊断邀请"):
        assessment_submit(actor=actor, assessment=draft, pledge=True)
    assert Assessment.objects.get(pk=draft.pk).state == "draft"
    client = world.client("provider")
    page = client.get(reverse("assessment:fill", args=[draft.pk]), follow=True)
    assert "企业已撤回诊断邀请，不能继续填写此诊断" in page.content.decode()
    # The enterprise still sees what was written about it.
    assert world.client("enterprise").get(reverse("assessment:detail", args=[draft.pk])).status_code == 200
    # Invited again, the provider may go on.
    invite(world, own)
    assessment_submit(actor=actor, assessment=draft, pledge=True)
    assert Assessment.objects.get(pk=draft.pk).state == "scored"


def test_provider_search_matches_name_or_short_name_as_a_substring(world: Any) -> None:
    """The invitation page's search (selectors.provider_candidates) runs the one name search over the name
    and the short name: exactly the providers of the province whose either name contains the term."""
    from dengta.assessment.selectors import provider_candidates
    from dengta.core.tests.test_search import upper
    from dengta.orgs.models import Organization

    region = world.orgs["provider"].region
    organization(name="广州云测软件有限公司", type="provider", region=region, short_name="数智云测")
    organization(name="广州精工服务有限公司", type="provider", region=region)
    enterprise = world.registered.own
    providers = Organization.objects.filter(type="provider", is_active=True).select_related("region")
    province = enterprise.region.path.strip("/").split("/")[0] + "/"
    for term in ("数智", "云测软件", "精工", "服务有限公司", "不存在"):
        got = set(provider_candidates(enterprise, term).values_list("name", flat=True))
        expected = {
            o.name
            for o in providers
            if o.region is not None
            and o.region.path.startswith(province)
            and (upper(term) in upper(o.name) or upper(term) in upper(o.short_name or ""))
        }
        assert got == expected, term
    assert "广州云测软件有限公司" in provider_candidates(enterprise, "数智").values_list("name", flat=True)
