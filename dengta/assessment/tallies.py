"""The assessment app's per-region tallies (dengta.core.tallies): how many enterprises stand at each level by
their latest result, for the home panel of the staff of a jurisdiction (docs/lists.md: counted once per
refresh, not over every enterprise's assessments on every home page)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, OuterRef, Subquery

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
    final = Assessment.objects.final().filter(framework__code=PANEL_FRAMEWORK)
    newest = (
        final.filter(enterprise_id=OuterRef("enterprise_id"))
        .order_by("-assessed_on", "-scored_at", "-pk")
        .values("pk")[:1]
    )
    grouped = (
        final.filter(pk=Subquery(newest))
        .order_by()
        .values("enterprise__region_id", "level")
        .annotate(n=Count("pk"))
        .values_list("enterprise__region_id", "level", "n")
    )
    for region_code, level, n in grouped:
        yield region_code, str(level or 0), n


def register() -> None:
    tallies.register_topic(LEVELS_TOPIC, count_levels, sources={RESULTS, ENTERPRISE_REGIONS})


def level_distribution(viewer: Viewer) -> tuple[LevelDistribution, Figures]:
    """The staff panel's distribution inside the viewer's jurisdiction, and the tally it was read from."""
    figures = tallies.read(LEVELS_TOPIC, viewer)
    return LevelDistribution(counts={level: figures.get(str(level)) for level in LEVELS}), figures
