"""Home-page panels that core itself can fill: the auditor's view of the event log."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.dashboard import Panel, register_panel
from dengta.core.models import Event


def _recent_events(viewer: Viewer) -> dict[str, Any]:
    events = Event.objects.visible_to(viewer).order_by("-seq")
    return {"events": list(events[:8]), "total": events.count(), "can_verify": viewer.sees_all}


def register() -> None:
    register_panel(
        Panel(
            key="core.recent_events",
            title=_("最近的事件"),
            template="core/panels/recent_events.html",
            org_types=frozenset(),
            capability=Capability.VIEW_EVENTS,
            context=_recent_events,
            order=50,
        )
    )
