"""The concentration watch: who holds each local market (DOMAIN.md 6.1 integrated-provider lock-in, 8.13).

A market is one city (the enterprise's prefecture; a province-level city or a county directly under its
province counts as its province) and one sub-industry. Shares are counted from quote requests today (each
request one unit, withdrawn ones excluded); once projects exist, filed projects and their money join as
further bases. The Herfindahl–Hirschman index and its warnings are the pure dengta.catalog.concentration.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from dengta.catalog import concentration
from dengta.catalog.models import QuoteRequest, QuoteState
from dengta.core.access import Viewer, region_q
from dengta.reference.models import Region, SubIndustry
from dengta.registry.models import Provider

BASIS = "quote_requests"


@dataclass
class Market:
    place: str  # region code of the city (or province)
    place_name: str
    sub_industry: str
    sub_industry_name: str
    result: Any  # concentration.Concentration
    names: dict[int, str]

    @property
    def providers(self) -> list[dict[str, Any]]:
        return [
            {
                "provider": share.provider_id,
                "name": self.names.get(share.provider_id, ""),
                "count": int(share.amount),  # quote requests: whole numbers (a plural form needs an int)
                "share_pct": share.share_pct,
            }
            for share in self.result.shares
        ]


def _requests(viewer: Viewer, *, region: str = "", sub_industry: str = "") -> QuerySet[QuoteRequest]:
    qs = QuoteRequest.objects.visible_to(viewer).exclude(state=QuoteState.WITHDRAWN)
    if region:
        place = Region.objects.filter(code=region).first()
        qs = (
            qs.filter(region_q(place.path, region_field="enterprise__region", coded=True))
            if place
            else qs.none()
        )
    if sub_industry:
        qs = qs.filter(sub_industry_id=sub_industry)
    return qs


def _names(provider_ids: set[int]) -> dict[int, str]:
    return dict(Provider.objects.filter(pk__in=provider_ids).values_list("pk", "organization__name"))


def overall(viewer: Viewer, *, region: str = "", sub_industry: str = "") -> Market:
    """One market: everything the filters select, as the API's top level answers it."""
    rows = (
        _requests(viewer, region=region, sub_industry=sub_industry)
        .values("provider_id")
        .annotate(n=Count("id"))
    )
    counts = {row["provider_id"]: row["n"] for row in rows}
    place = Region.objects.filter(code=region).first() if region else None
    sub = SubIndustry.objects.filter(pk=sub_industry).first() if sub_industry else None
    return Market(
        region,
        place.display_full_name if place else "",
        sub_industry,
        sub.display_name if sub else "",
        concentration.concentration(counts),
        _names(set(counts)),
    )


def markets(viewer: Viewer, *, region: str = "", sub_industry: str = "") -> list[Market]:
    """Every (city, sub-industry) market in the filters, most concentrated first."""
    rows = (
        _requests(viewer, region=region, sub_industry=sub_industry)
        .values("enterprise__province_code", "enterprise__prefecture_code", "sub_industry_id", "provider_id")
        .annotate(n=Count("id"))
    )
    grouped: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for row in rows:
        place = row["enterprise__prefecture_code"] or row["enterprise__province_code"] or ""
        grouped[(place, row["sub_industry_id"] or "")][row["provider_id"]] = row["n"]
    # Names in the reader's language (the English names where the reference data has them).
    places = {r.code: r.display_full_name for r in Region.objects.filter(code__in={p for p, _s in grouped})}
    subs = {s.pk: s.display_name for s in SubIndustry.objects.filter(pk__in={s for _p, s in grouped})}
    names = _names({provider for counts in grouped.values() for provider in counts})
    out = [
        Market(
            place, places.get(place, ""), sub, subs.get(sub, ""), concentration.concentration(counts), names
        )
        for (place, sub), counts in grouped.items()
    ]
    out.sort(key=lambda m: (-(m.result.hhi or 0), m.place, m.sub_industry))
    return out


def as_json(top: Market, groups: list[Market]) -> dict[str, Any]:
    thresholds = concentration.load_thresholds()

    def market(m: Market) -> dict[str, Any]:
        return {
            "region": m.place,
            "region_name": m.place_name,
            "sub_industry": m.sub_industry,
            "sub_industry_name": m.sub_industry_name,
            "total": m.result.total,
            "hhi": m.result.hhi,
            "top_share_pct": None if m.result.top_share_pct is None else str(m.result.top_share_pct),
            "warnings": list(m.result.warnings),
            "providers": [{**p, "share_pct": str(p["share_pct"])} for p in m.providers],
        }

    return {
        "basis": BASIS,
        **market(top),
        "thresholds": {
            "hhi_warning": thresholds.hhi_warning,
            "top_share_warning_pct": str(thresholds.top_share_warning_pct),
            "version": thresholds.version,
        },
        "markets": [market(m) for m in groups],
    }
