from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from dengta.core.events import record_event


@transaction.atomic
def api_token_rotate(*, user: Any, organization_id: int | None = None, scope_path: str = "") -> Token:
    """Replace the person's API token; the old one stops working at once. The event carries the
    organisation the person acted for, so the auditors of that jurisdiction see it."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    record_event(
        actor=user,
        verb="api_token.rotated",
        target=user,
        payload={},
        organization_id=organization_id,
        scope_path=scope_path,
    )
    return token
