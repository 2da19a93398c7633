"""Reads of retrofit projects (ARCHITECTURE.md convention 1): what a viewer may see, and the provider's track
record that its star rating uses (dengta.catalog.rating: on-time milestones, acceptance first time, level
uplift, complaints per project)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from dengta.assessment.models import Assessment, Phase
from dengta.core.access import Viewer
from dengta.projects.models import (
    FUNDED_STATES,
    Evaluation,
    EvaluationOutcome,
    Milestone,
    Project,
    ProjectQuerySet,
    ProjectState,
)
from dengta.registry.models import Provider

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
