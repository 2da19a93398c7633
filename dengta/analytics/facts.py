"""The plain facts the alert rules read (dengta.analytics.alerts), gathered from the projects, pilots,
envelopes, pools and results in a few grouped queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Max, Sum
from django.utils import timezone

from dengta.analytics.alerts import CARRIED_OUT, PilotFacts, ProjectFacts
from dengta.analytics.summary import newest_levels
from dengta.programmes.models import Pilot, PoolEnterprise
from dengta.projects.models import OPEN_STATES, Envelope, EnvelopeKind, Project, ProjectState

ZERO = Decimal("0.00")
WATCHED = frozenset(CARRIED_OUT) | {ProjectState.COMPLETED}
# A project still open before its acceptance: it may yet lift its enterprise (draft and filed ones too).
LIFTING = frozenset(OPEN_STATES) - {ProjectState.ACCEPTED, ProjectState.SUBSIDY_CLAIMED}


def project_facts() -> list[ProjectFacts]:
    rows = (
        Project.objects.filter(state__in=WATCHED)
        .annotate(last_milestone=Max("milestones__done_on"))
        .values_list(
            "pk",
            "pilot_id",
            "state",
            "approved_at",
            "contract_signed_on",
            "last_milestone",
            "acceptance_due_on",
        )
    )
    found = []
    for pk, pilot_id, state, approved_at, signed, milestone, due in rows:
        moments = [
            d for d in (timezone.localdate(approved_at) if approved_at else None, signed, milestone) if d
        ]
        found.append(ProjectFacts(pk, pilot_id, state, max(moments) if moments else None, due))
    return found


def pilot_facts(today: date) -> list[PilotFacts]:
    pilots = list(
        Pilot.objects.filter(starts_on__lte=today, ends_on__gt=today)
        .select_related("allocation")
        .order_by("pk")
    )
    ids = [p.pk for p in pilots]
    envelopes = {
        pilot_id: (allocated, committed)
        for pilot_id, allocated, committed in Envelope.objects.filter(
            pilot_id__in=ids, kind=EnvelopeKind.RETROFIT
        )
        .values("pilot_id")
        .annotate(a=Sum("allocated_yuan"), c=Sum("committed_yuan"))
        .values_list("pilot_id", "a", "c")
    }
    pools: dict[int, set[int]] = defaultdict(set)
    for pilot_id, enterprise_id in PoolEnterprise.objects.filter(
        application__pilot__in=ids, enterprise__is_above_designated_size=True
    ).values_list("application__pilot", "enterprise_id"):
        pools[pilot_id].add(enterprise_id)
    levels = newest_levels()
    # Open projects by pilot: (enterprise, the level the project aims at).
    open_projects: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pilot_id, enterprise_id, target in Project.objects.filter(
        pilot_id__in=ids, state__in=LIFTING
    ).values_list("pilot_id", "enterprise_id", "target_level"):
        open_projects[pilot_id].append((enterprise_id, target))
    found = []
    for pilot in pilots:
        pool = pools.get(pilot.pk, set())
        at_target = {e for e in pool if levels.get(e, 0) >= pilot.target_level}
        lifting = {e for e, aim in open_projects.get(pilot.pk, []) if aim >= pilot.target_level}
        allocation = getattr(pilot, "allocation", None)
        allocated, committed = envelopes.get(
            pilot.pk, (allocation.retrofit_yuan if allocation is not None else ZERO, ZERO)
        )
        found.append(
            PilotFacts(
                id=pilot.pk,
                starts_on=pilot.starts_on,
                ends_on=pilot.ends_on,
                retrofit_allocated=allocated or ZERO,
                retrofit_committed=committed or ZERO,
                target_share=pilot.target_share,
                gs_enterprises=len(pool),
                gs_at_target=len(at_target),
                gs_lifting=len((lifting & pool) - at_target),
            )
        )
    return found
