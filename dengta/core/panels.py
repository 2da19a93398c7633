"""Home-page panels that core itself can fill: the auditor's view of the event log."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from dengta.core import tallies  # noqa: F401 - registers the tally refresh job (web and workers)
from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.dashboard import Panel, register_panel
from dengta.core.models import Event, EventChainHead

RECENT_SHOWN = 8


def _recent_events(viewer: Viewer) -> dict[str, Any]:
    """The newest events in the viewer's scope, without counting them (docs/lists.md: no count of the whole
    log per request). Whoever verifies the chain sees its length, which the chain's head row holds: the log is
    append-only and numbered from 1 without gaps, so the last number is the count."""
    # With the actors: the panel names who acted (one query, not one per event).
    events = Event.objects.visible_to(viewer).select_related("actor").order_by("-seq")
    context: dict[str, Any] = {"events": list(events[:RECENT_SHOWN]), "can_verify": viewer.sees_all}
    if viewer.sees_all:
        context["chain_length"] = EventChainHead.objects.values_list("last_seq", flat=True).first() or 0
    return context


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
