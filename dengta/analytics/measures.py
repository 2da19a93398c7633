"""The measures the evaluation formulas read (dengta.analytics.evaluation), for the pilots of a batch and
the providers that worked in them, gathered in grouped queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from dengta.analytics.summary import newest_levels
from dengta.assessment.models import Assessment, Phase
from dengta.cases.models import Case
from dengta.cases.sources import ACCEPTED_STATES
from dengta.programmes.models import Batch, Pilot, PoolEnterprise
from dengta.projects.models import Envelope, Evaluation, EvaluationOutcome, Milestone, Project, ProjectState

Measures = dict[str, Decimal | None]
# Projects that count toward a provider's share of a pilot's work: filed or further, not withdrawn.
COUNTED = frozenset(ProjectState.values) - {ProjectState.DRAFT, ProjectState.WITHDRAWN}


def _mean(values: Iterable[int]) -> Decimal | None:
    found = list(values)
    return (Decimal(sum(found)) / Decimal(len(found))).quantize(Decimal("0.0001")) if found else None


def uplifts(projects: Iterable[Project]) -> dict[int, int]:
    """Per accepted project, the level its passed on-site evaluation gave less the enterprise's newest T0
    level before it (projects without a T0 are left out)."""
    chosen = [p for p in projects if p.state in ACCEPTED_STATES]
    t1: dict[int, int] = {}
    for project_id, level in (
        Evaluation.objects.filter(project__in=chosen, outcome=EvaluationOutcome.PASSED, level__isnull=False)
        .order_by("project_id", "-decided_at", "-pk")
        .values_list("project_id", "level")
    ):
        t1.setdefault(project_id, int(level or 0))
    t0: dict[int, int] = {}
    for enterprise_id, level in (
        Assessment.objects.final()
        .filter(enterprise_id__in={p.enterprise_id for p in chosen}, phase=Phase.T0)
        .order_by("enterprise_id", F("assessed_on").desc(nulls_last=True), "-pk")
        .values_list("enterprise_id", "level")
    ):
        t0.setdefault(enterprise_id, int(level or 0))
    return {p.pk: t1[p.pk] - t0[p.enterprise_id] for p in chosen if p.pk in t1 and p.enterprise_id in t0}


def pilot_measures(batch: Batch) -> dict[int, Measures]:
    pilots = list(Pilot.objects.filter(batch=batch).select_related("allocation"))
    ids = [p.pk for p in pilots]
    levels = newest_levels()
    pools: dict[int, set[int]] = defaultdict(set)
    for pilot_id, enterprise_id in PoolEnterprise.objects.filter(
        application__pilot__in=ids, enterprise__is_above_designated_size=True
    ).values_list("application__pilot", "enterprise_id"):
        pools[pilot_id].add(enterprise_id)
    money = {
        pilot_id: (allocated, paid)
        for pilot_id, allocated, paid in Envelope.objects.filter(pilot_id__in=ids)
        .values("pilot_id")
        .annotate(a=Sum("allocated_yuan"), p=Sum("paid_yuan"))
        .values_list("pilot_id", "a", "p")
    }
    projects = list(
        Project.objects.filter(pilot_id__in=ids).only(
            "pk", "pilot_id", "enterprise_id", "state", "provider_id", "rated_stars"
        )
    )
    lift = uplifts(projects)
    published = Counter(
        Case.objects.published().filter(project__pilot_id__in=ids).values_list("project__pilot_id", flat=True)
    )
    found: dict[int, Measures] = {}
    for pilot in pilots:
        mine = [p for p in projects if p.pilot_id == pilot.pk]
        counted = [p for p in mine if p.state in COUNTED]
        shares = Counter(p.provider_id for p in counted)
        pool = pools.get(pilot.pk, set())
        allocation = getattr(pilot, "allocation", None)
        allocated, paid = money.get(
            pilot.pk, (allocation.total_yuan if allocation is not None else None, Decimal(0))
        )
        found[pilot.pk] = {
            "gs_at_target": Decimal(sum(1 for e in pool if levels.get(e, 0) >= pilot.target_level)),
            "gs_target": pilot.target_share * len(pool),
            "mean_uplift": _mean(lift[p.pk] for p in mine if p.pk in lift),
            "paid": paid,
            "allocated": allocated,
            "mean_stars": _mean(p.rated_stars for p in mine if p.rated_stars),
            "published_cases": Decimal(published.get(pilot.pk, 0)),
            "accepted_projects": Decimal(sum(1 for p in mine if p.state in ACCEPTED_STATES)),
            "top_provider_share": (Decimal(max(shares.values())) / len(counted)) if counted else None,
        }
    return found


def provider_measures(batch: Batch) -> dict[int, Measures]:
    projects = list(
        Project.objects.filter(pilot__batch=batch).only(
            "pk", "provider_id", "enterprise_id", "state", "rated_stars"
        )
    )
    lift = uplifts(projects)
    milestones = {
        provider_id: (done, on_time)
        for provider_id, done, on_time in Milestone.objects.filter(
            project__pilot__batch=batch, done_on__isnull=False
        )
        .values("project__provider_id")
        .annotate(done=Count("pk"), punctual=Count("pk", filter=Q(done_on__lte=F("due_on"))))
        .values_list("project__provider_id", "done", "punctual")
    }
    by_provider: dict[int, list[Project]] = defaultdict(list)
    for p in projects:
        by_provider[p.provider_id].append(p)
    found: dict[int, Measures] = {}
    for provider_id, mine in by_provider.items():
        accepted = sum(1 for p in mine if p.state in ACCEPTED_STATES)
        failed = sum(1 for p in mine if p.state == ProjectState.FAILED)
        done, on_time = milestones.get(provider_id, (0, 0))
        found[provider_id] = {
            "accepted_projects": Decimal(accepted),
            "decided_projects": Decimal(accepted + failed),
            "mean_uplift": _mean(lift[p.pk] for p in mine if p.pk in lift),
            "mean_stars": _mean(p.rated_stars for p in mine if p.rated_stars),
            "milestones_done": Decimal(done),
            "milestones_on_time": Decimal(on_time),
        }
    return found
