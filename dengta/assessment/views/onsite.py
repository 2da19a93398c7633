"""On-site assessment pages beside the draft and report: the visit as a calendar file for the expert, and
the evidence files — listed by item name, opened through an access-checked view, removed before submission.
Thin views: parse → authorise (permissions) → call a service → answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dengta.assessment import permissions, selectors, services
from dengta.assessment.calendar import Visit, visit_calendar
from dengta.assessment.models import Assessment, Evidence
from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.decisions import Conflict, require

# Opened in the browser; other types (Excel, Word) are downloaded. The type is the one sniffed from the
# content at upload (dengta.assessment.uploads), never the name's extension.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def _assessment(request: HttpRequest, pk: int) -> tuple[Viewer, Assessment]:
    viewer = request_viewer(request)
    assessment = get_visible_or_404(
        Assessment.objects.select_related(
            "enterprise",
            "enterprise__region",
            "framework",
            "assessor",
            "created_by",
            "arranged_by_organization",
        ),
        viewer,
        pk=pk,
    )
    return viewer, assessment


def _evidence(request: HttpRequest, pk: int, evidence_pk: int) -> tuple[Viewer, Assessment, Evidence]:
    viewer, assessment = _assessment(request, pk)
    evidence = assessment.evidence.filter(pk=evidence_pk).first()
    if evidence is None:
        raise Http404
    return viewer, assessment, evidence


@login_required
def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    """One evidence file, for whoever sees the assessment (outsiders: 404)."""
    viewer, assessment, evidence = _evidence(request, pk, evidence_pk)
    if not permissions.can_view_evidence(viewer, assessment):
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    inline = evidence.content_type in INLINE_TYPES and request.GET.get("download") != "1"
    response = FileResponse(handle, content_type=evidence.content_type)
    # RFC 6266: an ASCII fallback and the UTF-8 name percent-encoded (filename*), so a Chinese name survives.
    response["Content-Disposition"] = content_disposition_header(not inline, evidence.original_name) or ""
    # The type is the sniffed one and the browser may not guess another (never HTML). No sandboxing CSP:
    # Chromium does not open its PDF viewer in a sandboxed document, and inline viewing is the point here.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    viewer, assessment, evidence = _evidence(request, pk, evidence_pk)
    # ARCHITECTURE.md convention 15: the Decision says 403 (not the author) or 409 (already submitted).
    require(permissions.can_remove_evidence(viewer, assessment))
    try:
        services.evidence_remove(actor=request.user, evidence=evidence)
    except ValidationError as exc:
        raise Conflict(" ".join(exc.messages)) from exc
    messages.success(request, _("已删除佐证材料“%(name)s”。") % {"name": evidence.original_name})
    return redirect("assessment:detail", pk=pk)


def visit_for(assessment: Assessment, request: HttpRequest | None = None) -> Visit:
    assert assessment.visit_at is not None
    enterprise = assessment.enterprise
    lines = [_("现场评定：%(enterprise)s") % {"enterprise": enterprise.name}]
    if assessment.due_on:
        lines.append(_("完成期限：%(date)s") % {"date": assessment.due_on.isoformat()})
    contact = " ".join(p for p in (assessment.contact_name, assessment.contact_phone) if p)
    if contact:
        lines.append(_("企业联系人：%(contact)s") % {"contact": contact})
    by = selectors.person_name(assessment.created_by)
    if assessment.arranged_by_organization:
        by = f"{by}（{assessment.arranged_by_organization.name}）"
    lines.append(_("安排人：%(person)s") % {"person": by})
    if assessment.arrangement_note:
        lines.append(assessment.arrangement_note)
    if request is not None:
        lines.append(request.build_absolute_uri(reverse("assessment:detail", args=[assessment.pk])))
    host = request.get_host().split(":")[0] if request is not None else "dengta"
    return Visit(
        uid=f"assessment-{assessment.pk}-visit@{host}",
        start=assessment.visit_at,
        summary=_("现场评定：%(enterprise)s") % {"enterprise": enterprise.name},
        location=enterprise.address or enterprise.region.full_name,
        description="\n".join(lines),
    )


@login_required
def calendar_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit as an .ics file for the assigned expert's calendar (RFC 5545)."""
    viewer, assessment = _assessment(request, pk)
    if not permissions.can_download_calendar(viewer, assessment):
        raise Http404
    text = visit_calendar(visit_for(assessment, request), now=timezone.now())
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"onsite-{assessment.pk}.ics") or ""
    return response


urlpatterns = [
    path("<int:pk>/evidence/<int:evidence_pk>/", evidence_file, name="evidence_file"),
    path("<int:pk>/evidence/<int:evidence_pk>/remove/", evidence_remove, name="evidence_remove"),
    path("<int:pk>/visit.ics", calendar_file, name="calendar"),
]
