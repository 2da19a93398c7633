"""Home-page panels of programme administration: an authority's pilots with their budgets and its
applications, an expert's open reviews, the programme staff's queue per batch (dengta.core.dashboard)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.dashboard import Panel, register_panel
from dengta.orgs.models import OrgType
from dengta.programmes.models import Application, ApplicationState, Batch, Pilot, ReviewAssignment


def _authority(viewer: Viewer) -> dict[str, Any]:
    own = viewer.organization_id
    pilots = list(
        Pilot.objects.filter(authority_id=own).select_related("batch", "allocation").order_by("-starts_on")
    )
    applications = list(
        Application.objects.filter(applicant_id=own)
        .exclude(state=ApplicationState.APPROVED)
        .select_related("batch")
        .order_by("-updated_at")[:5]
    )
    return {"pilots": pilots, "applications": applications, "today": timezone.localdate()}


def _expert(viewer: Viewer) -> dict[str, Any]:
    open_rows = ReviewAssignment.objects.filter(expert_id=viewer.user.pk, submitted_at__isnull=True)
    now = timezone.now()
    return {
        "open": open_rows.filter(deadline__gte=now).count(),
        "late": open_rows.filter(deadline__lt=now).count(),
        "next": open_rows.filter(deadline__gte=now).order_by("deadline").first(),
        "submitted": ReviewAssignment.objects.filter(
            expert_id=viewer.user.pk, submitted_at__isnull=False
        ).count(),
    }


def _staff(viewer: Viewer) -> dict[str, Any]:
    rows = (
        Batch.objects.annotate(
            submitted=Count("applications", filter=Q(applications__state=ApplicationState.SUBMITTED)),
            under_review=Count("applications", filter=Q(applications__state=ApplicationState.UNDER_REVIEW)),
            approved=Count("applications", filter=Q(applications__state=ApplicationState.APPROVED)),
        )
        .filter(Q(submitted__gt=0) | Q(under_review__gt=0) | Q(approved__gt=0))
        .order_by("-year", "code")
    )
    return {"batches": list(rows[:6])}


def register() -> None:
    register_panel(
        Panel(
            key="programmes.authority",
            title=_("试点与资金"),
            template="programmes/panels/authority.html",
            org_types=frozenset({OrgType.AUTHORITY}),
            context=_authority,
            order=8,
        )
    )
    register_panel(
        Panel(
            key="programmes.expert",
            title=_("申报评审任务"),
            template="programmes/panels/expert.html",
            org_types=frozenset(),
            capability=Capability.REVIEW_AS_EXPERT,
            context=_expert,
            order=9,
        )
    )
    register_panel(
        Panel(
            key="programmes.staff",
            title=_("试点申报与评审"),
            template="programmes/panels/staff.html",
            org_types=frozenset(),
            capability=Capability.REVIEW_APPLICATIONS,
            context=_staff,
            order=9,
        )
    )
