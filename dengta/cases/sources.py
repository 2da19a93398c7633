"""What a case is derived from: the accepted project and its verified data, read into the plain input of
``figures.derive`` (the only place a case's figures come from)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from dengta.assessment.models import Assessment
from dengta.assessment.selectors import compiled
from dengta.cases.figures import AssessmentFacts, CaseFigures, CaseInput, Line, derive
from dengta.programmes.models import PoolEnterprise
from dengta.projects.models import EvaluationOutcome, Project, ProjectState
from dengta.projects.services.gain import latest_t0
from dengta.reference.models import Region, SubIndustry

# The states of a project whose acceptance passed (DOMAIN.md 8.10: accepted, then claimed, paid, archived).
ACCEPTED_STATES = frozenset(
    {ProjectState.ACCEPTED, ProjectState.SUBSIDY_CLAIMED, ProjectState.PAID, ProjectState.ARCHIVED}
)


class NotAccepted(Exception):
    """The project has no passed acceptance to derive a case from."""


def passed_t1(project: Project) -> Assessment | None:
    """The on-site T1 result of the evaluation that passed the project's acceptance."""
    evaluation = (
        project.evaluations.filter(outcome=EvaluationOutcome.PASSED, assessment__isnull=False)
        .select_related("assessment__framework")
        .order_by("-decided_at", "-pk")
        .first()
    )
    return evaluation.assessment if evaluation is not None else None


def facts(assessment: Assessment) -> AssessmentFacts:
    levels = (assessment.result or {}).get("scenario_levels") or {}
    return AssessmentFacts(
        level=int(assessment.level or 0),
        points={
            "base": assessment.points_base or Decimal(0),
            "mgmt": assessment.points_mgmt or Decimal(0),
            "results": assessment.points_results or Decimal(0),
        },
        scenario_levels={str(code): int(level or 0) for code, level in levels.items()},
        numbers=assessment.answers_part("numbers"),
        assessed_on=assessment.assessed_on,
    )


def sub_industry_of(project: Project) -> SubIndustry | None:
    """The sub-industry the enterprise is in the pilot's pool under (DOMAIN.md 2.7)."""
    entry = (
        PoolEnterprise.objects.filter(
            application_id=project.pilot.application_id, enterprise_id=project.enterprise_id
        )
        .select_related("entry__sub_industry")
        .first()
    )
    return entry.entry.sub_industry if entry is not None else None


def province_of(project: Project) -> Region | None:
    region = project.enterprise.region
    if region is None:
        return None
    code = next((p for p in region.path.split("/") if p), "")
    return Region.objects.filter(code=code).first()


def case_input(project: Project) -> CaseInput:
    """The project's verified data as ``derive`` reads it; NotAccepted when its acceptance has not passed."""
    if project.state not in ACCEPTED_STATES:
        raise NotAccepted
    t1 = passed_t1(project)
    if t1 is None:
        raise NotAccepted
    t0 = latest_t0(project.enterprise)
    if t0 is not None and t1.assessed_on and t0.assessed_on and t0.assessed_on > t1.assessed_on:
        t0 = None  # a T0 after the acceptance is no baseline of this retrofit
    enterprise = project.enterprise
    fw = compiled(t1)
    sub_industry = sub_industry_of(project)
    province = province_of(project)
    lines = [
        Line(line.product.name, project.provider.organization.name, line.quantity, line.amount_yuan)
        for line in project.lines.select_related("product").order_by("pk")
    ]
    accepted = timezone.localdate(project.accepted_at) if project.accepted_at else None
    return CaseInput(
        enterprise=enterprise.name,
        region=enterprise.region.full_name if enterprise.region is not None else "",
        province=province.name if province is not None else "",
        sub_industry=sub_industry.name if sub_industry is not None else "",
        size=enterprise.get_size_class_display(),
        size_class=enterprise.size_class,
        region_path=enterprise.region.path if enterprise.region is not None else "",
        above_designated_size=enterprise.is_above_designated_size,
        provider=project.provider.organization.name,
        lines=lines,
        scenario_names={s.code: s.name for s in fw.scenarios},
        project_scenarios=[str(code) for code in project.scenarios or []],
        contract_yuan=project.contract_yuan,
        concession_yuan=project.concession_yuan,
        subsidy_yuan=project.subsidy_yuan,
        central_yuan=project.central_yuan,
        local_yuan=project.local_yuan,
        enterprise_yuan=project.enterprise_yuan,
        started_on=project.contract_signed_on or project.starts_on,
        accepted_on=accepted,
        t1=facts(t1),
        t0=facts(t0) if t0 is not None else None,
    )


def derived(project: Project) -> CaseFigures:
    return derive(case_input(project))
