"""Organisation and membership services write the change and an event with the jurisdiction's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from dengta.core.access import ANONYMOUS
from dengta.core.events import verify_chain
from dengta.core.models import Event, EventChainHead
from dengta.orgs.models import Membership, Organization
from dengta.orgs.services import membership_grant, organization_create
from dengta.orgs.viewer import viewer_for_membership
from tests.factories import UserFactory


def _last_event() -> Event:
    return Event.objects.order_by("-seq").first()  # type: ignore[return-value]


def _head() -> tuple[int, str]:
    head = EventChainHead.objects.filter(id=1).first()
    return (head.last_seq, head.last_hash) if head else (0, "")


def test_organization_create_writes_event_with_scope(cast: Any) -> None:
    actor = cast.members["ministry"].user
    org = organization_create(
        actor=actor,
        name="番禺区工业和信息化局",
        type="authority",
        authority_level="district",
        region=cast.regions["440106"],
        short_name="番禺工信",
    )
    org.refresh_from_db()
    assert org.region_id == "440106"
    assert org.short_name == "番禺工信"
    event = _last_event()
    assert event.verb == "organization.created"
    assert event.actor_id == actor.pk
    assert event.actor_label == "ministry"
    assert event.target_type == "orgs.organization"
    assert event.target_id == str(org.pk)
    assert event.target_label == "番禺区工业和信息化局"
    assert event.organization_id_ref == org.pk
    assert event.scope_path == "440000/440100/440106/"
    assert event.payload == {"type": "authority", "region": "440106", "authority_level": "district"}
    assert verify_chain().intact


def test_organization_create_event_is_seen_by_the_jurisdiction_only(cast: Any) -> None:
    organization_create(
        actor=None, name="天河新材料有限公司", type="enterprise", region=cast.regions["440106"]
    )
    event = _last_event()
    assert Event.objects.visible_to(cast.viewer("oversight")).filter(pk=event.pk).exists()
    assert Event.objects.visible_to(cast.viewer("guangzhou")).filter(pk=event.pk).exists()
    assert not Event.objects.visible_to(cast.viewer("zhejiang")).filter(pk=event.pk).exists()
    assert not Event.objects.visible_to(cast.viewer("shenzhen")).filter(pk=event.pk).exists()
    assert not Event.objects.visible_to(ANONYMOUS).filter(pk=event.pk).exists()


def test_organization_create_without_region_has_empty_scope(cast: Any) -> None:
    org = organization_create(actor=None, name="全国专家库二", type="expert_pool")
    event = _last_event()
    assert event.scope_path == ""
    assert event.actor_label == "system"
    assert event.payload["region"] is None
    assert event.organization_id_ref == org.pk


@pytest.mark.parametrize(
    "kwargs",
    [
        {
            "name": "无地区的主管部门",
            "type": "authority",
            "authority_level": "city",
        },  # authority needs a region
        {"name": "企业", "type": "enterprise", "authority_level": "city"},  # level only for authorities
        {"name": "类型不对", "type": "bank"},
        {"name": "", "type": "enterprise"},
    ],
)
def test_organization_create_refuses_invalid_input_and_writes_nothing(
    cast: Any, kwargs: dict[str, Any]
) -> None:
    before_orgs, before_events, before_head = Organization.objects.count(), Event.objects.count(), _head()
    with pytest.raises(ValidationError):
        organization_create(actor=None, **kwargs)
    assert Organization.objects.count() == before_orgs
    assert Event.objects.count() == before_events
    assert _head() == before_head


def test_membership_grant_creates_then_changes_with_events(cast: Any) -> None:
    actor = cast.members["guangdong"].user
    person: Any = UserFactory.create(username="li_si")
    org = cast.orgs["guangzhou"]
    membership = membership_grant(
        actor=actor,
        user=person,
        organization=org,
        role="staff",
        platform_roles=["finance", "programme_staff", "finance"],
    )
    assert membership.platform_roles == ["finance", "programme_staff"]  # deduplicated and sorted
    event = _last_event()
    assert event.verb == "membership.granted"
    assert event.actor_id == actor.pk
    assert event.target_type == "orgs.membership"
    assert event.target_id == str(membership.pk)
    assert event.organization_id_ref == org.pk
    assert event.scope_path == "440000/440100/"
    assert event.payload == {
        "user": "li_si",
        "role": "staff",
        "platform_roles": ["finance", "programme_staff"],
    }

    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    again = membership_grant(actor=actor, user=person, organization=org, role="viewer", platform_roles=[])
    assert again.pk == membership.pk
    again.refresh_from_db()
    assert (again.role, again.platform_roles, again.is_active) == ("viewer", [], True)
    changed = _last_event()
    assert changed.verb == "membership.changed"
    assert changed.seq == event.seq + 1
    assert changed.payload == {"user": "li_si", "role": "viewer", "platform_roles": []}
    assert Membership.objects.filter(user=person).count() == 1
    assert verify_chain().intact


def test_granted_membership_gives_the_viewer(cast: Any) -> None:
    person: Any = UserFactory.create(username="auditor_wang")
    membership = membership_grant(
        actor=None,
        user=person,
        organization=cast.orgs["oversight"],
        role="viewer",
        platform_roles=["auditor"],
    )
    viewer = viewer_for_membership(membership)
    assert viewer.organization_id == cast.orgs["oversight"].pk
    assert viewer.has_platform_role("auditor")


@pytest.mark.parametrize("roles", [["superuser"], ["auditor", "god_mode"], ["Auditor"], [""]])
def test_membership_grant_rejects_unknown_platform_roles(cast: Any, roles: list[str]) -> None:
    person: Any = UserFactory.create(username="wang_wu")
    before_events = Event.objects.count()
    with pytest.raises(ValueError, match="Unknown platform roles"):
        membership_grant(
            actor=None, user=person, organization=cast.orgs["guangzhou"], role="staff", platform_roles=roles
        )
    assert not Membership.objects.filter(user=person).exists()
    assert Event.objects.count() == before_events


def test_membership_grant_rejects_unknown_role(cast: Any) -> None:
    person: Any = UserFactory.create(username="zhao_liu")
    before_events = Event.objects.count()
    with pytest.raises(ValidationError):
        membership_grant(actor=None, user=person, organization=cast.orgs["guangzhou"], role="owner")
    assert not Membership.objects.filter(user=person).exists()
    assert Event.objects.count() == before_events
