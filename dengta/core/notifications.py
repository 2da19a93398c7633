"""The inbox: ``notify()`` puts a message in an organisation's inbox (ARCHITECTURE.md layout: core holds
notify()). Callers pass the Chinese msgid marked with ``gettext_noop`` and its parameters; the inbox page
translates it for whoever reads it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from dengta.core.access import Viewer
from dengta.core.models import Notification


def notify(
    *,
    organization_id: int,
    verb: str,
    message: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    user: Any = None,
) -> Notification:
    """Call inside the service's transaction: the message commits or rolls back with the change it reports
    (a delivery outside the database, e-mail or SMS, would be scheduled with transaction.on_commit)."""
    clean = {str(k): str(v) for k, v in (params or {}).items()}
    note = Notification(
        organization_id_ref=organization_id,
        user=user if getattr(user, "pk", None) else None,
        verb=verb,
        message=str(message),
        params=clean,
        url=url[:300],
    )
    note.full_clean()
    note.save()
    return note


def unread_count(viewer: Viewer) -> int:
    return Notification.objects.for_viewer(viewer).unread().count()


@transaction.atomic
def mark_read(*, viewer: Viewer, notification: Notification | None = None) -> int:
    """Mark one message (or the whole inbox) read; reading is not a state change of any record, so no
    event is written."""
    qs = Notification.objects.for_viewer(viewer).unread()
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())
