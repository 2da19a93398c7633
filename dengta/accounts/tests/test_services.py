from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token

from dengta.accounts.services import api_token_rotate
from dengta.core.models import Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_api_token_rotate_replaces_the_token_and_records_an_event() -> None:
    user: Any = UserFactory.create(username="zhang_san")
    old = Token.objects.create(user=user)
    new = api_token_rotate(user=user)
    assert new.key != old.key
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [new.key]
    event = Event.objects.get(verb="api_token.rotated")
    assert (event.actor_id, event.actor_label, event.target_id) == (user.pk, "zhang_san", str(user.pk))
    assert event.payload == {}


def test_api_token_rotate_is_atomic(monkeypatch: Any) -> None:
    # If the event cannot be written, the old token must survive (the change and its event commit together).
    from dengta.accounts import services

    user: Any = UserFactory.create(username="li_si")
    old = Token.objects.create(user=user)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("event log unavailable")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        api_token_rotate(user=user)
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [old.key]
