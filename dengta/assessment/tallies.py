"""The assessment app's per-region tallies (dengta.core.tallies): how many enterprises stand at each level by
their latest result, for the home panel of the staff of a jurisdiction (docs/lists.md: counted once per
refresh, not over every enterprise's assessments on every home page)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from dengta.assessment.models import Assessment
from dengta.assessment.selectors import LEVELS, PANEL_FRAMEWORK, LevelDistribution
from dengta.core import tallies
from dengta.core.access import Viewer
from dengta.core.tallies import Figures
from dengta.registry.tallies import ENTERPRISE_REGIONS

LEVELS_TOPIC = "assessment.levels"
# What the services report (dengta.core.tallies.changed): an assessment's result became final (scored, or
# signed off for an on-site one), historical results included. The topic also listens to enterprises
# moving region: it counts each enterprise where it is now.
RESULTS = "assessment.results"


def count_levels() -> Iterator[tuple[str, str, int]]:
    """Per region of the enterprise, the levels of every enterprise's newest final result: what
    ``selectors.level_distribution`` counts for one viewer, counted once for every region.

    For staff, visibility is decided per enterprise (its region), so an enterprise's newest result among
    those a viewer sees is its newest result: the per-region counts add up to each viewer's distribution.
    """
    # Each enterprise's results numbered newest first in one pass (a window function), not a subquery per
    # result, which PostgreSQL planned as an index scan per assessment on stale statistics
    # (docs/benchmarks.md, bench_dashboard); 5 s at a million enterprises. Counted over the rows numbered 1.
    newest = (
        Assessment.objects.final()
        .filter(framework__code=PANEL_FRAMEWORK)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("enterprise_id")],
                order_by=[F("assessed_on").desc(), F("scored_at").desc(), F("pk").desc()],
            )
        )
        .filter(place=1)
        .order_by()
        .values_list("enterprise__region_id", "level")
    )
    grouped = Counter((region_code, level) for region_code, level in newest.iterator(chunk_size=10000))
    for (region_code, level), n in grouped.items():
        yield region_code, str(level or 0), n


def register() -> None:
    tallies.register_topic(LEVELS_TOPIC, count_levels, sources={RESULTS, ENTERPRISE_REGIONS})


def level_distribution(viewer: Viewer) -> tuple[LevelDistribution, Figures]:
    """The staff panel's distribution inside the viewer's jurisdiction, and the tally it was read from."""
    figures = tallies.read(LEVELS_TOPIC, viewer)
    return LevelDistribution(counts={level: figures.get(str(level)) for level in LEVELS}), figures
