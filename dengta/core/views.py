from __future__ import annotations

from datetime import date, datetime, time

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.dashboard import panels_for
from dengta.core.events import shown_events, verify_chain
from dengta.core.lists import paginate, xlsx_response
from dengta.core.models import Event, Job
from dengta.core.permissions import can_view_events
from dengta.core.verbs import target_type_choices, verb_choices


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not viewer.is_authenticated:
        return render(request, "core/no_membership.html", status=403)
    return render(request, "core/home.html", {"panels": panels_for(viewer)})


def _event_filters(request: HttpRequest, viewer: Viewer) -> tuple[QuerySet[Event], dict[str, str]]:
    qs: QuerySet[Event] = Event.objects.visible_to(viewer).select_related("actor")
    f = {k: request.GET.get(k, "").strip() for k in ("q", "verb", "target_type", "actor", "start", "end")}
    if f["q"]:
        qs = qs.filter(target_label__icontains=f["q"])
    if f["verb"]:
        qs = qs.filter(verb=f["verb"])
    if f["target_type"]:
        qs = qs.filter(target_type=f["target_type"])
    if f["actor"]:
        qs = qs.filter(actor_label__icontains=f["actor"])
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


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not can_view_events(viewer):
        raise Http404
    qs, filters = _event_filters(request, viewer)
    if request.GET.get("export") == "xlsx":
        rows = (
            (
                e.seq,
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_label,
                e.verb,
                e.target_type,
                e.target_label,
                e.hash,
            )
            for e in qs.iterator()
        )
        headers = [_("序号"), _("时间"), _("操作人"), _("动作"), _("对象类型"), _("对象"), _("哈希")]
        return xlsx_response("events.xlsx", headers, rows, sheet_title="events")
    verbs = Event.objects.visible_to(viewer).values_list("verb", flat=True).distinct().order_by("verb")
    types = (
        Event.objects.visible_to(viewer)
        .values_list("target_type", flat=True)
        .distinct()
        .order_by("target_type")
    )
    context = {
        "filters": filters,
        "verbs": verb_choices(verbs),
        "target_types": target_type_choices(types),
        **paginate(request, qs),
    }
    # People read names: the verb's label, the object's kind, the actor's name and organisation.
    context["rows"] = shown_events(context["object_list"])
    # The chain is national: only auditors who see everything may learn its length and where it breaks.
    if request.GET.get("verify") == "1" and viewer.sees_all:
        context["chain"] = verify_chain()
    context["can_verify"] = viewer.sees_all
    return render(request, "core/event_list.html", context)


@login_required
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    viewer = request_viewer(request)
    if not can_view_events(viewer):
        raise Http404
    event = get_visible_or_404(Event.objects.all(), viewer, seq=seq)
    return render(request, "core/event_detail.html", {"event": event, "shown": shown_events([event])[0]})


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a background job, polled by htmx; only its creator sees it."""
    viewer = request_viewer(request)
    job = Job.objects.filter(pk=pk, created_by=viewer.user).first()
    if job is None:
        raise Http404
    return render(request, "core/_job_progress.html", {"job": job})
