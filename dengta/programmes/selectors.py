"""Reads of programme administration (ARCHITECTURE.md convention 2): the batches, the applications a viewer
sees with the list page's filters, and what the application page shows beside the application."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from dengta.catalog.models import AdmissionState, Standing
from dengta.core.access import Viewer
from dengta.orgs.models import Membership, Organization, OrgType, PlatformRole
from dengta.programmes.models import LIVE_STATES, Application, Batch, ConflictDeclaration, ReviewAssignment
from dengta.registry.models import Enterprise, Provider
from dengta.registry.text import to_half_width
from dengta.registry.uscc import normalise


def batches() -> QuerySet[Batch]:
    """Every batch, latest first (batches are national data: the notices are public)."""
    return Batch.objects.select_related("programme").order_by("-year", "code")


def batch_choices(viewer: Viewer) -> list[tuple[str, str]]:
    """The batch filter of the application list."""
    return [(str(b.pk), b.display_title) for b in batches()]


def live_applications_of(viewer: Viewer) -> dict[int, Application]:
    """The viewer's organisation's live application per batch (the batch list's "申报" or "查看申报")."""
    if not viewer.is_authenticated or viewer.organization_id is None:
        return {}
    rows = Application.objects.filter(applicant_id=viewer.organization_id, state__in=LIVE_STATES)
    return {a.batch_id: a for a in rows}


def applications_for(viewer: Viewer, filters: dict[str, Any]) -> QuerySet[Application]:
    """The applications the viewer sees (the authority its own, the staff their jurisdiction's), narrowed
    by the list page's filters: ``q`` (the applicant's name), ``batch`` and ``state``."""
    qs = (
        Application.objects.visible_to(viewer)
        .select_related("batch", "applicant")
        .annotate(
            n_sub_industries=Count("sub_industries", distinct=True),
            n_enterprises=Count("pool", distinct=True),
        )
    )
    q = to_half_width(filters.get("q", "")).strip()
    if q:
        qs = qs.filter(applicant__name__icontains=q)  # applications are few: a few hundred a batch
    if filters.get("batch"):
        qs = qs.filter(batch_id=int(filters["batch"]))
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    return qs


def admitted_providers() -> QuerySet[Provider]:
    """Providers admitted to a catalogue pool, neither removed from it nor suspended in any: those an
    application may nominate (the eligibility check says so again for each nomination, DOMAIN.md 2.7)."""
    admitted = Q(admissions__state=AdmissionState.ADMITTED) & ~Q(admissions__standing=Standing.REMOVED)
    suspended = Provider.objects.filter(
        admissions__state=AdmissionState.ADMITTED, admissions__standing=Standing.SUSPENDED
    )
    return (
        Provider.objects.filter(admitted)
        .exclude(pk__in=suspended.values("pk"))
        .select_related("organization")
        .distinct()
        .order_by("organization__name", "pk")
    )


def enterprise_by_code(viewer: Viewer, code: str) -> Enterprise | None:
    """The registered enterprise with this credit code among those the viewer sees, or None."""
    value = normalise(code)
    if not value:
        return None
    return Enterprise.objects.visible_to(viewer).filter(uscc=value).first()


def failures_by_subject(failures: Iterable[dict[str, Any]], english: bool) -> list[dict[str, Any]]:
    """The stored eligibility failures grouped by what they are about, in the order first met, each with
    its sentence in the reader's language."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for failure in failures:
        subject = failure.get("subject") or {}
        key = (str(subject.get("kind", "")), str(subject.get("key", "")))
        group = groups.setdefault(
            key, {"kind": key[0], "key": key[1], "label": subject.get("label", ""), "sentences": []}
        )
        sentence = failure.get("sentence_en") if english else failure.get("sentence_zh")
        group["sentences"].append(
            {"code": failure.get("code", ""), "text": sentence or failure.get("sentence_zh", "")}
        )
    return list(groups.values())


def is_reviewer_membership(membership: Membership) -> bool:
    """The membership makes its person an expert of the competitive review: a member of an expert pool, or
    a holder of the reviewer role."""
    return membership.organization.type == OrgType.EXPERT_POOL or membership.has_platform_role(
        PlatformRole.REVIEWER
    )


def reviewer_choices() -> list[tuple[str, str]]:
    """The experts staff may assign: active members of an expert pool or holders of the reviewer role, by
    name with their organisation."""
    rows = (
        Membership.objects.active()
        .filter(Q(organization__type=OrgType.EXPERT_POOL) | ~Q(platform_roles=[]))
        .select_related("user", "organization")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    seen: dict[str, str] = {}
    for m in rows:
        # The role list is JSON; "contains" on it is not portable to SQLite, so the last test is here.
        if not is_reviewer_membership(m):
            continue
        name = m.user.get_full_name() or m.user.get_username()
        seen.setdefault(
            str(m.user_id),
            _("%(name)s（%(organization)s）") % {"name": name, "organization": m.organization.name},
        )
    return list(seen.items())


def assignments_of(expert: Any) -> QuerySet[ReviewAssignment]:
    """An expert's own review assignments, the open ones first by deadline."""
    return (
        ReviewAssignment.objects.filter(expert=expert)
        .select_related("application__applicant", "application__batch")
        .order_by(F("submitted_at").asc(nulls_first=True), "deadline", "pk")
    )


def assignments_for(application: Application) -> list[ReviewAssignment]:
    return list(application.reviews.select_related("expert").order_by("deadline", "pk"))


def conflict_parties(name: str) -> QuerySet[Organization]:
    """The applicant authorities and providers of that exact name (an expert's conflict is declared with
    one of them)."""
    return Organization.objects.filter(name=name, type__in=(OrgType.AUTHORITY, OrgType.PROVIDER)).order_by(
        "pk"
    )


def conflicts_of(expert: Any) -> QuerySet[ConflictDeclaration]:
    return ConflictDeclaration.objects.filter(expert=expert).select_related("organization")
