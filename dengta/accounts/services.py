from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from dengta.core.events import record_event


@transaction.atomic
def api_token_rotate(*, user: Any) -> Token:
    """Replace the person's API token; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    record_event(actor=user, verb="api_token.rotated", target=user, payload={})
    return token
