"""Reads of core's own rows shared by the pages and the exports (ARCHITECTURE.md convention 2)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date

from dengta.core.access import Viewer
from dengta.core.models import Event

EVENT_FILTERS = ("q", "verb", "target_type", "actor", "start", "end")


def events_for(viewer: Viewer, params: QueryDict) -> tuple[QuerySet[Event], dict[str, str]]:
    """The event log as the viewer may see it, filtered by the list page's parameters, newest first."""
    qs: QuerySet[Event] = Event.objects.visible_to(viewer).select_related("actor")
    f = {k: params.get(k, "").strip() for k in EVENT_FILTERS}
    if f["q"]:
        qs = qs.filter(target_label__icontains=f["q"])
    if f["verb"]:
        qs = qs.filter(verb=f["verb"])
    if f["target_type"]:
        qs = qs.filter(target_type=f["target_type"])
    if f["actor"]:
        # The page shows the person's full name, so the filter finds them by it as well as by username.
        qs = qs.filter(Q(actor_label__icontains=f["actor"]) | Q(actor__display_name__icontains=f["actor"]))
    tz = timezone.get_current_timezone()
    start, end = _date_or_none(f["start"]), _date_or_none(f["end"])
    if start:
        qs = qs.filter(created_at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if end:
        qs = qs.filter(created_at__lte=datetime.combine(end, time.max, tzinfo=tz))
    return qs.order_by("-seq"), f


def _date_or_none(raw: str) -> date | None:
    """A filter date, or None when it is empty, malformed or impossible (2024-02-30)."""
    try:
        return parse_date(raw) if raw else None
    except ValueError:
        return None
