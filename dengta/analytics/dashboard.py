"""What the dashboard page shows for a scope (dengta.analytics.selectors.Scope): the region's headline
figures and those of each child region inside the viewer's jurisdiction (the provinces for the country,
the cities for a province, the districts for a city), all read from the per-region tallies in a handful of
queries (dengta.analytics.summary.summaries_for), never from the raw tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from dengta.analytics.models import Alert
from dengta.analytics.selectors import Scope
from dengta.analytics.services import MESSAGES
from dengta.analytics.summary import LEVELS, Summary, level_distribution, summaries_for
from dengta.core.access import Viewer
from dengta.core.tallies import region_parts
from dengta.programmes.documents import level_name
from dengta.reference.models import Region

TARGET_SHARE = Decimal("0.90")  # DOMAIN.md 2.1: 90 % of the 规上 pilot enterprises at 二级 or above


@dataclass(frozen=True)
class Row:
    region: Region
    figures: Summary

    @property
    def share_pct(self) -> Decimal | None:
        share = self.figures.pilot_gs_share
        return None if share is None else (share * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Shown:
    alert: Alert
    text: str  # the alert's message in the reader's language


@dataclass(frozen=True)
class LevelRow:
    name: str
    before: int
    after: int


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    figures: Summary
    rows: list[Row]
    trail: list[Region]  # the regions above the scope's, inside the viewer's jurisdiction, outermost first
    alerts: list[Shown] = field(default_factory=list)  # the open alerts inside the scope, newest first
    # Pilot enterprises at each level 0–4 before ("t0") and after ("t1") the retrofit.
    levels: dict[str, list[int]] = field(default_factory=dict)

    @property
    def level_rows(self) -> list[LevelRow]:
        t0, t1 = self.levels.get("t0", [0] * len(LEVELS)), self.levels.get("t1", [0] * len(LEVELS))
        return [LevelRow(level_name(level), t0[i], t1[i]) for i, level in enumerate(LEVELS)]

    @property
    def national(self) -> bool:
        return self.scope.region is None

    @property
    def share_pct(self) -> Decimal | None:
        share = self.figures.pilot_gs_share
        return None if share is None else (share * 100).quantize(Decimal("0.1"))


def children(viewer: Viewer, region: Region | None) -> list[tuple[Region, tuple[list[str], list[str]]]]:
    """The child regions the viewer may see, each with the subtrees its figures are read from."""
    qs = (
        Region.objects.filter(parent=region)
        if region is not None
        else Region.objects.filter(parent__isnull=True)
    )
    found = []
    for child in qs.order_by("code"):
        parts = region_parts(viewer, child.path)
        if parts is not None:
            found.append((child, parts))
    return found


def trail(viewer: Viewer, region: Region | None) -> list[Region]:
    if region is None:
        return []
    codes = [p for p in region.path.split("/") if p][:-1]
    above = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [above[c] for c in codes if c in above and region_parts(viewer, above[c].path) is not None]


def dashboard(viewer: Viewer, scope: Scope) -> Dashboard:
    kids = children(viewer, scope.region)
    parts_by_key: dict[str, tuple[list[str], list[str]]] = {"": scope.parts}
    parts_by_key.update({child.code: parts for child, parts in kids})
    figures = summaries_for(parts_by_key, suffix=scope.suffix)
    rows = [Row(child, figures[child.code]) for child, _parts in kids]
    return Dashboard(
        scope=scope,
        figures=figures[""],
        rows=rows,
        trail=trail(viewer, scope.region),
        alerts=open_alerts(scope.parts),
        levels=level_distribution({"": scope.parts}, suffix=scope.suffix)[""],
    )


MAX_ALERTS = 50


def open_alerts(parts: tuple[list[str], list[str]]) -> list[Shown]:
    """The open alerts inside the scope's subtrees (its region, less the parts the viewer does not see)."""
    added, subtracted = parts
    inside = Q()
    for path in added:
        inside |= Q(region_path__startswith=path)
    qs = Alert.objects.filter(inside, resolved_at__isnull=True)
    for path in subtracted:
        qs = qs.exclude(region_path__startswith=path)
    rows = qs.select_related("pilot__authority", "project").order_by("-raised_at", "-pk")[:MAX_ALERTS]
    return [Shown(alert, gettext(MESSAGES[alert.kind]) % alert.params) for alert in rows]


def wan(yuan: Decimal) -> str:
    """An amount in 万元 for a chart, as a decimal string (money stays Decimal; the chart reads the text)."""
    return str((yuan / 10000).quantize(Decimal("0.01")))


def chart_data(board: Dashboard) -> dict[str, Any]:
    """The charts' data (rendered by dengta/static/dengta/js/charts.js): the map of the country's
    provinces, the money by child region and the 规上 share at 二级+ against the target."""
    # The bars show the regions with pilots (the country has 34 provinces; most cities none): the table
    # lists every region.
    active = [row for row in board.rows if row.figures.pilot_enterprises or row.figures.allocated_yuan]
    names = [row.region.display_name for row in active]
    return {
        "map": {
            "title": _("试点企业数"),
            "codes": {row.region.code: row.region.display_name for row in board.rows},
            "values": [
                {"name": row.region.display_name, "value": row.figures.pilot_enterprises}
                for row in board.rows
            ],
        }
        if board.national
        else None,
        "money": {
            "categories": names,
            "series": [
                {"name": label, "values": [wan(getattr(row.figures, field)) for row in active]}
                for label, field in (
                    (_("下达"), "allocated_yuan"),
                    (_("已承诺"), "committed_yuan"),
                    (_("已拨付"), "paid_yuan"),
                )
            ],
            "unit": _("万元"),
        },
        "levels": {
            "categories": [level_name(level) for level in LEVELS],
            "series": [
                {"name": _("改造前（T0）"), "values": board.levels.get("t0", [])},
                {"name": _("改造后（T1）"), "values": board.levels.get("t1", [])},
            ],
            "unit": _("家"),
        },
        "share": {
            "categories": names,
            "values": [None if row.share_pct is None else str(row.share_pct) for row in active],
            "target": str(TARGET_SHARE * 100),
            "target_label": _("目标 90%"),
        },
    }
