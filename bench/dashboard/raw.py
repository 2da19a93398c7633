"""The dashboard figures counted from the raw tables: what the endpoint must equal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import Any

from bench.dashboard.figures import Headline, in_parts, to_fen
from bench.dashboard.rows import local_zone

# ---------------------------------------------------------------------------- the raw count (Django)


def _scope_q(field_name: str, parts: tuple[Sequence[str], Sequence[str]]) -> Any:
    """The rows whose region path (``field_name``) lies in the subtrees ``parts`` names."""
    from django.db.models import Q

    added, subtracted = parts
    found = (
        Q()
        if "" in added
        else reduce(or_, [Q(**{f"{field_name}__startswith": p}) for p in added], Q(pk__in=[]))
    )
    for path in subtracted:
        found &= ~Q(**{f"{field_name}__startswith": path})
    return found


def _pilot_q(prefix: str, batch: int | None, programme: int | None) -> Any:
    """The rows of the pilots of one batch, of one programme, or of every pilot; ``prefix`` leads to the
    pilot (or "" from the pilot itself)."""
    from django.db.models import Q

    if batch is not None:
        return Q(**{f"{prefix}batch_id": batch})
    if programme is not None:
        return Q(**{f"{prefix}batch__programme_id": programme})
    return Q()


def raw_figures(
    parts: tuple[Sequence[str], Sequence[str]], *, batch: int | None, programme: int | None
) -> Headline:
    """The dashboard's figures for one scope counted straight from the raw tables, as a request would count
    them without the tallies (and as docs/dashboards.md defines them)."""
    from django.db.models import Count, Sum

    from dengta.analytics.apportion import apportion
    from dengta.assessment.models import Assessment
    from dengta.assessment.selectors import PANEL_FRAMEWORK
    from dengta.programmes.models import Allocation, Pilot, PoolEnterprise
    from dengta.projects.models import Envelope, Funding
    from dengta.registry.models import Enterprise

    enterprises = Enterprise.objects.filter(_scope_q("region__path", parts)).count()
    pooled = PoolEnterprise.objects.filter(
        _pilot_q("application__", batch, programme),
        _scope_q("enterprise__region__path", parts),
        application__pilot__isnull=False,
    )
    members = dict(
        pooled.order_by().values_list("enterprise_id", "enterprise__is_above_designated_size").distinct()
    )
    gs = {pk for pk, above in members.items() if above}
    # The newest final MIIT 2024 result of each 规上 pilot enterprise (the order of summary.newest_levels).
    newest: dict[int, tuple[Any, ...]] = {}
    results = (
        Assessment.objects.final()
        .filter(
            framework__code=PANEL_FRAMEWORK,
            enterprise_id__in=pooled.filter(enterprise__is_above_designated_size=True).values(
                "enterprise_id"
            ),
        )
        .order_by()
        .values_list("enterprise_id", "assessed_on", "scored_at", "pk", "level")
    )
    for enterprise, assessed_on, scored_at, pk, level in results:
        key = (
            assessed_on or date.min,
            scored_at or datetime.min.replace(tzinfo=local_zone()),
            pk,
            level or 0,
        )
        if enterprise not in newest or key > newest[enterprise]:
            newest[enterprise] = key
    at_target = sum(1 for pk in gs if pk in newest and newest[pk][3] >= 2)
    money = Funding.objects.filter(
        _pilot_q("project__pilot__", batch, programme), _scope_q("project__enterprise__region__path", parts)
    ).aggregate(committed=Sum("committed_yuan"), paid=Sum("paid_yuan"))
    # The pilots' money: their envelopes (or their allocation before those are opened), shared out over the
    # regions of their pool enterprises to the fen, of which the parts inside the scope count.
    pilots = dict(
        Pilot.objects.filter(_pilot_q("", batch, programme)).values_list("pk", "authority__region__path")
    )
    opened = dict(
        Envelope.objects.filter(pilot_id__in=pilots)
        .order_by()
        .values("pilot_id")
        .annotate(total=Sum("allocated_yuan"))
        .values_list("pilot_id", "total")
    )
    totals = dict(Allocation.objects.filter(pilot_id__in=pilots).values_list("pilot_id", "total_yuan"))
    weights: dict[int, dict[str, int]] = defaultdict(dict)
    paths: dict[str, str] = {}
    spread = (
        PoolEnterprise.objects.filter(application__pilot__in=list(pilots))
        .order_by()
        .values("application__pilot", "enterprise__region_id", "enterprise__region__path")
        .annotate(n=Count("pk"))
        .values_list("application__pilot", "enterprise__region_id", "enterprise__region__path", "n")
    )
    for pilot, code, path, n in spread:
        weights[pilot][code] = n
        paths[code] = path or ""
    allocated = 0
    for pilot, home in pilots.items():
        fen = to_fen(opened[pilot] if pilot in opened else totals.get(pilot))
        shares = apportion(fen, weights.get(pilot, {}))
        if shares:
            allocated += sum(share for code, share in shares.items() if in_parts(paths[code], parts))
        elif in_parts(home or "", parts):
            allocated += fen
    return Headline.of(
        (enterprises, len(members), len(gs), at_target),
        allocated,
        to_fen(money["committed"]),
        to_fen(money["paid"]),
    )
