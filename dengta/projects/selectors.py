"""Reads of retrofit projects (ARCHITECTURE.md convention 1): what a viewer may see, and the provider's track
record that its star rating uses (dengta.catalog.rating: on-time milestones, acceptance first time, level
uplift, complaints per project)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.assessment.models import Assessment, Phase
from dengta.assessment.models import Kind as AssessmentKind
from dengta.assessment.models import State as AssessmentState
from dengta.core.access import Viewer
from dengta.core.models import Event
from dengta.orgs.models import Membership, OrgType
from dengta.programmes.models import Pilot
from dengta.projects import dossier
from dengta.projects.models import (
    FUNDED_STATES,
    DossierFile,
    Evaluation,
    EvaluationOutcome,
    Milestone,
    Project,
    ProjectQuerySet,
    ProjectState,
)
from dengta.registry.models import Provider
from dengta.registry.text import to_half_width

ACCEPTED_STATES = frozenset(
    {ProjectState.ACCEPTED, ProjectState.SUBSIDY_CLAIMED, ProjectState.PAID, ProjectState.ARCHIVED}
)


def projects_for(viewer: Viewer) -> ProjectQuerySet:
    return Project.objects.visible_to(viewer).select_related(
        "pilot__batch", "pilot__authority", "enterprise", "provider__organization"
    )


@dataclass(frozen=True)
class TrackRecord:
    projects: int  # funded projects (approved or later)
    milestones_done: int
    milestones_on_time: int
    evaluated: int  # projects with a decided on-site evaluation
    passed_first_time: int
    uplift_projects: int
    uplift_levels: int  # Σ (T1 level − T0 level) over the accepted projects with both levels

    @property
    def on_time_share(self) -> Decimal | None:
        return Decimal(self.milestones_on_time) / self.milestones_done if self.milestones_done else None

    @property
    def pass_rate(self) -> Decimal | None:
        return Decimal(self.passed_first_time) / self.evaluated if self.evaluated else None

    @property
    def mean_uplift(self) -> Decimal | None:
        return Decimal(self.uplift_levels) / self.uplift_projects if self.uplift_projects else None


def track_record(provider: Provider) -> TrackRecord:
    projects = Project.objects.filter(provider=provider)
    funded = projects.filter(state__in=FUNDED_STATES).count()
    milestones = Milestone.objects.filter(project__provider=provider, done_on__isnull=False)
    done = milestones.count()
    on_time = sum(1 for m in milestones.only("due_on", "done_on") if m.on_time)
    firsts: dict[int, str] = {}
    decided = Evaluation.objects.filter(project__provider=provider, decided_at__isnull=False).order_by(
        "project_id", "decided_at", "id"
    )
    for evaluation in decided.only("project_id", "outcome"):
        firsts.setdefault(evaluation.project_id, evaluation.outcome)
    passed = sum(1 for outcome in firsts.values() if outcome == EvaluationOutcome.PASSED)
    uplift_projects = uplift_levels = 0
    accepted = projects.filter(state__in=ACCEPTED_STATES).annotate(n=Count("evaluations"))
    for project in accepted.filter(n__gt=0):
        t1 = (
            Evaluation.objects.filter(project=project, outcome=EvaluationOutcome.PASSED)
            .order_by("-decided_at")
            .values_list("level", flat=True)
            .first()
        )
        t0 = (
            Assessment.objects.final()
            .filter(Q(enterprise_id=project.enterprise_id), phase=Phase.T0, level__isnull=False)
            .order_by("-created_at")
            .values_list("level", flat=True)
            .first()
        )
        if t1 is not None and t0 is not None:
            uplift_projects += 1
            uplift_levels += t1 - t0
    return TrackRecord(funded, done, on_time, len(firsts), passed, uplift_projects, uplift_levels)


def projects_filtered(viewer: Viewer, filters: dict[str, Any]) -> ProjectQuerySet:
    """The projects the viewer sees, narrowed by the list page's filters: ``q`` (the enterprise's or the
    provider's name, or the project's), ``state``, ``pilot``."""
    qs = projects_for(viewer)
    q = to_half_width(str(filters.get("q", ""))).strip()
    if q:
        qs = qs.filter(
            Q(enterprise__name__icontains=q)
            | Q(provider__organization__name__icontains=q)
            | Q(title__icontains=q)
        )
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("pilot"):
        qs = qs.filter(pilot_id=int(filters["pilot"]))
    return qs


def pilot_choices(viewer: Viewer) -> list[tuple[str, str]]:
    """The pilot filter of the projects list: the pilots of the projects the viewer sees."""
    seen = Project.objects.visible_to(viewer).values("pilot_id")
    return [
        (str(p.pk), f"{p.authority.name} · {p.batch.display_title}")
        for p in Pilot.objects.select_related("authority", "batch")
        .filter(pk__in=seen)
        .order_by("-starts_on", "authority__name")
    ]


def running_pilots(today: date) -> list[Pilot]:
    return list(
        Pilot.objects.select_related("authority", "batch")
        .filter(starts_on__lte=today, ends_on__gte=today)
        .order_by("authority__name")
    )


def timeline(project: Project) -> list[Event]:
    """The project's events, oldest first: its history as the workflow wrote it."""
    return list(
        Event.objects.filter(target_type="projects.project", target_id=str(project.pk))
        .select_related("actor")
        .order_by("seq")
    )


def level_label(level: int | None) -> str:
    names = {0: _("未达等级"), 1: _("一级"), 2: _("二级"), 3: _("三级"), 4: _("四级")}
    return str(names.get(level if level is not None else -1, "—"))


def experts() -> list[tuple[int, str]]:
    members = (
        Membership.objects.select_related("user", "organization")
        .filter(organization__type=OrgType.EXPERT_POOL, role__in=("admin", "staff"))
        .order_by("user__username")
    )
    seen: dict[int, str] = {}
    for m in members:
        seen.setdefault(m.user_id, f"{m.user} · {m.organization.name}")
    return list(seen.items())


def t1_choices(project: Project, expert: Any) -> list[tuple[int, str]]:
    """The enterprise's signed-off on-site T1 assessments that the expert made."""
    rows = (
        Assessment.objects.filter(
            enterprise_id=project.enterprise_id,
            kind=AssessmentKind.ONSITE,
            phase=Phase.T1,
            state=AssessmentState.SIGNED_OFF,
            assessor=expert,
        )
        .exclude(level__isnull=True)
        .order_by("-signed_off_at")
    )
    return [
        (
            a.pk,
            _("%(day)s 签署 · %(level)s")
            % {"day": f"{timezone.localtime(a.signed_off_at):%Y-%m-%d}", "level": level_label(a.level)},
        )
        for a in rows
    ]


@dataclass(frozen=True)
class DossierRow:
    kind: dossier.Kind
    latest: DossierFile | None
    versions: int


def dossier_rows(project: Project) -> list[DossierRow]:
    files = list(DossierFile.objects.filter(project=project).order_by("kind", "-version"))
    out = []
    for kind in dossier.load_spec().kinds:
        mine = [f for f in files if f.kind == kind.code]
        if kind.required or mine:
            out.append(DossierRow(kind, mine[0] if mine else None, len(mine)))
    return out
