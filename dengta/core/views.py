from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.dashboard import panels_for
from dengta.core.decisions import require
from dengta.core.events import shown_events, verify_chain
from dengta.core.exports import EXPORT_JOB_KIND, export_limits
from dengta.core.listpage import (
    ChoiceFilter,
    Column,
    DateFilter,
    ListPage,
    SearchFilter,
    TextFilter,
    list_context,
)
from dengta.core.lists import paginate
from dengta.core.models import Event, Job, Notification
from dengta.core.notifications import mark_read
from dengta.core.permissions import can_view_events
from dengta.core.selectors import events_for
from dengta.core.spreadsheets import XLSX_CONTENT_TYPE
from dengta.core.verbs import target_type_choices, verb_choices


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not viewer.is_authenticated:
        return render(request, "core/no_membership.html", status=403)
    return render(request, "core/home.html", {"panels": panels_for(viewer)})


def _verbs(viewer: Viewer) -> list[tuple[str, str]]:
    """The actions of the events this person may see, by label (dengta.core.verbs)."""
    verbs = Event.objects.visible_to(viewer).values_list("verb", flat=True).distinct().order_by("verb")
    return verb_choices(verbs)


def _target_types(viewer: Viewer) -> list[tuple[str, str]]:
    types = Event.objects.visible_to(viewer).values_list("target_type", flat=True).distinct()
    return target_type_choices(types.order_by("target_type"))


_WIDE = "col-12 col-md-4 col-xl-2"

EVENTS = ListPage(
    url_name="core:event_list",
    title=gettext_lazy("事件日志"),
    filter_label=gettext_lazy("筛选事件"),
    filters=(
        SearchFilter(label=gettext_lazy("对象"), width=_WIDE),
        ChoiceFilter("verb", gettext_lazy("动作"), choices=_verbs, width=_WIDE),
        ChoiceFilter("target_type", gettext_lazy("对象类型"), choices=_target_types, width=_WIDE),
        TextFilter("actor", gettext_lazy("操作人"), width=_WIDE),
        DateFilter("start", gettext_lazy("起"), width="col-6 col-md-4 col-xl-2"),
        DateFilter("end", gettext_lazy("止"), width="col-6 col-md-4 col-xl-2"),
    ),
    columns=(
        Column(gettext_lazy("序号"), numeric=True),
        Column(gettext_lazy("时间")),
        Column(gettext_lazy("操作人")),
        Column(gettext_lazy("动作")),
        Column(gettext_lazy("对象")),
        Column(gettext_lazy("哈希")),
    ),
    export="core.events",
    no_match=gettext_lazy("没有符合条件的事件。调整筛选条件后再试。"),
    actions_width="col-12 col-xl-2",
)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(can_view_events(viewer))
    # Newest first (events_for); the log is read by its filters, not re-sorted.
    context = list_context(request, EVENTS, lambda f: events_for(viewer, f.params)[0], viewer)
    if isinstance(context, HttpResponse):
        return context  # the export
    context["verbs"] = list(context["filters"]["verb"].choices)
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
    require(can_view_events(viewer))
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


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The viewer's organisation's inbox, newest first; unread messages stand out (UI.md: the inbox)."""
    viewer = request_viewer(request)
    if not viewer.is_authenticated:
        raise Http404
    if request.method == "POST":
        mark_read(viewer=viewer)
        return redirect("core:inbox")
    qs = Notification.objects.for_viewer(viewer)
    context = {"crumbs": [(_("收件箱"), "")], "unread": qs.unread().count(), **paginate(request, qs)}
    return render(request, "core/inbox.html", context)


@login_required
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one message: it is marked read and the reader goes to what it is about."""
    viewer = request_viewer(request)
    note = Notification.objects.for_viewer(viewer).filter(pk=pk).first()
    if note is None:
        raise Http404
    mark_read(viewer=viewer, notification=note)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        return redirect(note.url)
    return redirect("core:inbox")


def _own_export_job(request: HttpRequest, pk: int) -> Job:
    """An export job of the viewer's own; anyone else's is "not found" (like job_status)."""
    viewer = request_viewer(request)
    job = Job.objects.filter(pk=pk, kind=EXPORT_JOB_KIND, created_by=viewer.user).first()
    if job is None:
        raise Http404
    return job


@login_required
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A list export (always a job): its progress, then its download."""
    context = {"job": _own_export_job(request, pk), "limits": export_limits()}
    return render(request, "core/export_job.html", context)


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    """The finished file, streamed from storage (a million rows are some 100 MB: not read into memory)."""
    job = _own_export_job(request, pk)
    if job.status != Job.Status.SUCCEEDED or not job.output_file:
        raise Http404
    return FileResponse(
        job.output_file.open("rb"),
        as_attachment=True,
        filename=str(job.params.get("file_name") or "export.xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
