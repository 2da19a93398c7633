"""The registry's per-region tallies (dengta.core.tallies) for the home panels of the staff of a
jurisdiction: enterprises by size class and 规上, and the changes waiting for confirmation, counted once per
refresh instead of on every home page (docs/lists.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count

from dengta.core import tallies
from dengta.core.access import Viewer
from dengta.core.tallies import Figures
from dengta.registry.models import ChangeState, Enterprise, EnterpriseChange, SizeClass

SIZES = "registry.enterprise_sizes"
ABOVE = "above_designated_size"  # the bucket of 规上 enterprises, besides one bucket per size class
PENDING_CHANGES = "registry.pending_changes"
PENDING = "pending"

# What writers report (dengta.core.tallies.changed). ENTERPRISES: an enterprise was registered or imported,
# or its size class, 规上 flag or region changed. ENTERPRISE_REGIONS: an enterprise moved to another region
# (topics of other apps that count by the enterprise's region listen to this one).
# CHANGES: a proposed change joined or left the queue (submitted, withdrawn, confirmed or rejected).
ENTERPRISES = "registry.enterprises"
ENTERPRISE_REGIONS = "registry.enterprise_regions"
CHANGES = "registry.enterprise_changes"


def count_sizes() -> Iterator[tuple[str, str, int]]:
    """One GROUP BY over every enterprise: per region, a bucket per size class, and one of the 规上."""
    grouped = (
        Enterprise.objects.order_by()
        .values("region_id", "size_class", "is_above_designated_size")
        .annotate(n=Count("pk"))
        .values_list("region_id", "size_class", "is_above_designated_size", "n")
    )
    for region_code, size_class, above, n in grouped:
        yield region_code, size_class, n
        if above:
            yield region_code, ABOVE, n


def count_pending_changes() -> Iterator[tuple[str, str, int]]:
    """The queue of changes waiting for an authority, per region of the enterprise."""
    grouped = (
        EnterpriseChange.objects.filter(state=ChangeState.PENDING)
        .order_by()
        .values("enterprise__region_id")
        .annotate(n=Count("pk"))
        .values_list("enterprise__region_id", "n")
    )
    for region_code, n in grouped:
        yield region_code, PENDING, n


def register() -> None:
    tallies.register_topic(SIZES, count_sizes, sources={ENTERPRISES, ENTERPRISE_REGIONS})
    tallies.register_topic(PENDING_CHANGES, count_pending_changes, sources={CHANGES, ENTERPRISE_REGIONS})


def enterprise_figures(viewer: Viewer) -> dict[str, Any]:
    """The home panel's figures: enterprises in the jurisdiction by size class, in total and 规上."""
    figures = tallies.read(SIZES, viewer)
    rows = [(value, label, figures.get(value)) for value, label in SizeClass.choices]
    return {
        "rows": rows,
        "total": sum(count for _value, _label, count in rows),
        "above": figures.get(ABOVE),
        "figures": figures,
    }


def pending_changes(viewer: Viewer) -> tuple[int, Figures]:
    """How many changes wait for confirmation in the jurisdiction (the home panel's queue count).

    Counted per request, the count joined every enterprise of a province to the queue (142 ms at a
    million enterprises, measured in docs/benchmarks.md); the queue page itself lists the changes exactly.
    """
    figures = tallies.read(PENDING_CHANGES, viewer)
    return figures.get(PENDING), figures
