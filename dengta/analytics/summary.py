"""The headline figures of a region (or the whole country): enterprises, pilot enterprises, the 规上 pilot
enterprises and how many of them stand at 二级 or above, and the pilots' money allocated, committed and paid.

A dashboard request never scans raw tables (the 中小企业数字化转型城市试点 dashboards are read at national
scale): the figures are counted per region by refresh jobs into the per-region tallies (dengta.core.tallies)
and read from a handful of rows. Each figure is attributed to exactly one region, so that the figures of
sibling regions add up to their parent's:
- enterprises, pilot enterprises and their levels count where the enterprise is registered;
- committed and paid money counts where the funded project's enterprise is;
- a pilot's allocation (its envelopes, or its allocation before the envelopes are opened) is shared out over
  the regions of its pilot enterprises in proportion to their number, to the fen (dengta.analytics.apportion),
  and falls to the pilot's own region when it has none. At the pilot's region and above it is the pilot's
  allocation exactly; below it, the part of it that falls to each district's pilot enterprises.

Filters: a batch or a programme (each counted as its own bucket, ``<figure>:b<id>`` and ``<figure>:p<id>``,
so an enterprise in two batches of one programme counts once for the programme). The enterprise count is
the register's, whatever the filter.

"Pilot enterprise": an enterprise in the pool of an application that became a pilot (DOMAIN.md 2.7).
Its level is that of its newest final result under the MIIT 2024 index (the staff panel's, PANEL_FRAMEWORK);
the pilots' target is 二级 for at least 90 % of the 规上 pilot enterprises (DOMAIN.md 2.1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Sum, Window
from django.db.models.functions import RowNumber

from dengta.analytics.apportion import apportion
from dengta.assessment.models import Assessment, Phase
from dengta.assessment.selectors import PANEL_FRAMEWORK
from dengta.assessment.tallies import RESULTS
from dengta.core import tallies
from dengta.core.tallies import Figures
from dengta.programmes.models import Batch, Pilot, PoolEnterprise
from dengta.programmes.tallies import PILOTS
from dengta.projects.models import Envelope, Funding
from dengta.projects.tallies import FUNDS
from dengta.registry.tallies import ABOVE, ENTERPRISE_REGIONS, ENTERPRISES, SIZES

PILOT_TOPIC = "analytics.pilot_enterprises"
LEVELS_TOPIC = "analytics.pilot_levels"
FUNDS_TOPIC = "analytics.funds"
TARGET_LEVEL = 2  # 二级 (DOMAIN.md 2.1)

PILOT_ENTERPRISES = "pilot_enterprises"
PILOT_GS = "pilot_gs"
PILOT_GS_AT_TARGET = "pilot_gs_at_level2_plus"
ALLOCATED = "allocated_fen"
COMMITTED = "committed_fen"
PAID = "paid_fen"
FEN = Decimal("0.01")
# A refresh waits this long after the change that queued it: payments stream in at hundreds a second at
# the close of a claims round (docs/benchmarks.md, bench_ledger), and a recount per payment would take a
# core from them; the figures are at most this much older than the ledger.
SETTLE = timedelta(seconds=10)


def scopes(batch_id: int, programme_id: int) -> tuple[str, str, str]:
    """The bucket suffixes a row counts under: everything, its batch, its programme."""
    return "", f":b{batch_id}", f":p{programme_id}"


def _fen(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


# ------------------------------------------------------------------------------------------------ counting


def newest_levels(phase: str | None = None) -> dict[int, int]:
    """Per pilot enterprise, the level of its newest final MIIT 2024 result (0 when below 一级); of one
    phase only when given (T0: before the retrofit, T1: after it).

    One pass numbering each enterprise's results newest first (a window function), not a subquery per
    result: PostgreSQL planned the correlated form as an index scan per assessment when its statistics were
    stale, ten minutes at 200,000 results (docs/benchmarks.md, bench_dashboard)."""
    pooled = PoolEnterprise.objects.filter(application__pilot__isnull=False).values("enterprise_id")
    results = Assessment.objects.final().filter(framework__code=PANEL_FRAMEWORK, enterprise_id__in=pooled)
    if phase is not None:
        results = results.filter(phase=phase)
    rows = (
        results.annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("enterprise_id")],
                order_by=[F("assessed_on").desc(), F("scored_at").desc(), F("pk").desc()],
            )
        )
        .filter(place=1)
        .order_by()
        .values_list("enterprise_id", "level")
    )
    return {enterprise: int(level or 0) for enterprise, level in rows}


def count_pilot_levels() -> Iterator[tuple[str, str, int]]:
    """Per region of the enterprise and scope, the pilot enterprises by level before (``t0:<level>``) and
    after (``t1:<level>``) the retrofit; an enterprise without a result of a phase is not counted in it."""
    rows = (
        PoolEnterprise.objects.filter(application__pilot__isnull=False)
        .order_by()
        .values_list(
            "enterprise_id",
            "enterprise__region_id",
            "application__batch_id",
            "application__batch__programme_id",
        )
    )
    before, after = newest_levels(Phase.T0), newest_levels(Phase.T1)
    counts: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[str, int]] = set()
    for enterprise, region, batch, programme in rows.iterator(chunk_size=5000):
        for suffix in scopes(batch, programme):
            if (suffix, enterprise) in seen:
                continue
            seen.add((suffix, enterprise))
            if enterprise in before:
                counts[(region, f"t0:{before[enterprise]}{suffix}")] += 1
            if enterprise in after:
                counts[(region, f"t1:{after[enterprise]}{suffix}")] += 1
    for (region, bucket), n in counts.items():
        yield region, bucket, n


def count_pilot_enterprises() -> Iterator[tuple[str, str, int]]:
    """Per region of the enterprise and scope: pilot enterprises, the 规上 among them, and those of these
    at 二级 or above; each enterprise once per scope."""
    rows = (
        PoolEnterprise.objects.filter(application__pilot__isnull=False)
        .order_by()
        .values_list(
            "enterprise_id",
            "enterprise__region_id",
            "enterprise__is_above_designated_size",
            "application__batch_id",
            "application__batch__programme_id",
        )
    )
    levels = newest_levels()
    counts: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[str, int]] = set()
    for enterprise, region, above, batch, programme in rows.iterator(chunk_size=5000):
        for suffix in scopes(batch, programme):
            if (suffix, enterprise) in seen:
                continue
            seen.add((suffix, enterprise))
            counts[(region, PILOT_ENTERPRISES + suffix)] += 1
            if above:
                counts[(region, PILOT_GS + suffix)] += 1
                if levels.get(enterprise, 0) >= TARGET_LEVEL:
                    counts[(region, PILOT_GS_AT_TARGET + suffix)] += 1
    for (region, bucket), n in counts.items():
        yield region, bucket, n


def allocations() -> Iterator[tuple[Pilot, int]]:
    """Each pilot with its money allocated, in fen: its envelopes' (a reversed allocation entry lowers
    them, dengta.projects.services.ledger.reverse), or its allocation's total before they are opened."""
    opened = dict(
        Envelope.objects.order_by()
        .values("pilot_id")
        .annotate(total=Sum("allocated_yuan"))
        .values_list("pilot_id", "total")
    )
    pilots = Pilot.objects.select_related("batch", "authority", "allocation").order_by("pk")
    for pilot in pilots:
        if pilot.pk in opened:
            yield pilot, _fen(opened[pilot.pk])
        else:
            allocation = getattr(pilot, "allocation", None)
            yield pilot, _fen(allocation.total_yuan if allocation is not None else None)


def count_funds() -> Iterator[tuple[str, str, int]]:
    """Per region and scope, in fen: allocated (shared out over the pilot enterprises' regions), committed
    and paid (where the funded project's enterprise is)."""
    pooled: dict[int, dict[str, int]] = {}
    by_region = (
        PoolEnterprise.objects.filter(application__pilot__isnull=False)
        .order_by()
        .values("application__pilot", "enterprise__region_id")
        .annotate(n=Count("pk"))
        .values_list("application__pilot", "enterprise__region_id", "n")
    )
    for pilot_id, region, n in by_region:
        pooled.setdefault(pilot_id, {})[region] = n
    for pilot, fen in allocations():
        parts = apportion(fen, pooled.get(pilot.pk, {})) or {pilot.authority.region_id or "": fen}
        for region, share in parts.items():
            for suffix in scopes(pilot.batch_id, pilot.batch.programme_id):
                yield region, ALLOCATED + suffix, share
    money = (
        Funding.objects.order_by()
        .values(
            "project__enterprise__region_id",
            "project__pilot__batch_id",
            "project__pilot__batch__programme_id",
        )
        .annotate(committed=Sum("committed_yuan"), paid=Sum("paid_yuan"))
        .values_list(
            "project__enterprise__region_id",
            "project__pilot__batch_id",
            "project__pilot__batch__programme_id",
            "committed",
            "paid",
        )
    )
    for region, batch, programme, committed, paid in money:
        for suffix in scopes(batch, programme):
            yield region, COMMITTED + suffix, _fen(committed)
            yield region, PAID + suffix, _fen(paid)


def register() -> None:
    tallies.register_topic(
        PILOT_TOPIC,
        count_pilot_enterprises,
        sources={PILOTS, ENTERPRISES, ENTERPRISE_REGIONS, RESULTS},
        settle=SETTLE,
    )
    tallies.register_topic(
        LEVELS_TOPIC,
        count_pilot_levels,
        sources={PILOTS, ENTERPRISES, ENTERPRISE_REGIONS, RESULTS},
        settle=SETTLE,
    )
    tallies.register_topic(
        FUNDS_TOPIC, count_funds, sources={PILOTS, FUNDS, ENTERPRISE_REGIONS}, settle=SETTLE
    )


# ------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Summary:
    enterprises: int
    pilot_enterprises: int
    pilot_gs: int
    pilot_gs_at_level2_plus: int
    allocated_yuan: Decimal
    committed_yuan: Decimal
    paid_yuan: Decimal
    # The oldest of the counts' refresh times, and whether a newer count is on its way.
    refreshed_at: datetime | None
    stale: bool

    @property
    def pilot_gs_share(self) -> Decimal | None:
        """The share of 规上 pilot enterprises at 二级 or above (the pilots' target is 90 %), four places."""
        if not self.pilot_gs:
            return None
        return (Decimal(self.pilot_gs_at_level2_plus) / Decimal(self.pilot_gs)).quantize(Decimal("0.0001"))


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def scope_suffix(*, batch: Batch | None = None, programme_id: int | None = None) -> str:
    if batch is not None:
        return f":b{batch.pk}"
    if programme_id is not None:
        return f":p{programme_id}"
    return ""


def summary_for(parts: tuple[list[str], list[str]], *, suffix: str = "") -> Summary:
    """The figures over the region subtrees ``parts`` names (dengta.core.tallies.region_parts: a region as
    a viewer may see it), for the scope ``suffix`` names (``scope_suffix``)."""
    return summaries_for({"": parts}, suffix=suffix)[""]


def summaries_for(
    parts_by_key: Mapping[str, tuple[list[str], list[str]]], *, suffix: str = ""
) -> dict[str, Summary]:
    """``summary_for`` of several regions at once (a region's children): three queries in all."""
    read = [tallies.read_many(name, parts_by_key) for name in (SIZES, PILOT_TOPIC, FUNDS_TOPIC)]
    found = {}
    for key in parts_by_key:
        sizes, pilots, funds = (figures[key] for figures in read)
        found[key] = Summary(
            enterprises=sum(n for bucket, n in sizes.counts.items() if bucket != ABOVE),
            pilot_enterprises=pilots.get(PILOT_ENTERPRISES + suffix),
            pilot_gs=pilots.get(PILOT_GS + suffix),
            pilot_gs_at_level2_plus=pilots.get(PILOT_GS_AT_TARGET + suffix),
            allocated_yuan=_yuan(funds.get(ALLOCATED + suffix)),
            committed_yuan=_yuan(funds.get(COMMITTED + suffix)),
            paid_yuan=_yuan(funds.get(PAID + suffix)),
            refreshed_at=_oldest(sizes, pilots, funds),
            stale=any(f.stale for f in (sizes, pilots, funds)),
        )
    return found


def _oldest(*figures: Figures) -> datetime | None:
    times = [f.refreshed_at for f in figures]
    if any(t is None for t in times):
        return None
    return min(t for t in times if t is not None)


LEVELS = (0, 1, 2, 3, 4)


def level_distribution(
    parts_by_key: Mapping[str, tuple[list[str], list[str]]], *, suffix: str = ""
) -> dict[str, dict[str, list[int]]]:
    """Per key, the pilot enterprises at each level 0–4 before (``t0``) and after (``t1``) the retrofit."""
    read = tallies.read_many(LEVELS_TOPIC, parts_by_key)
    return {
        key: {phase: [figures.get(f"{phase}:{level}{suffix}") for level in LEVELS] for phase in ("t0", "t1")}
        for key, figures in read.items()
    }
