"""Reads for the catalogue (ARCHITECTURE.md convention 2): pools, applications, products, quotes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dengta.catalog.models import (
    Admission,
    AdmissionState,
    Pool,
    Product,
    ProductState,
    QuoteRequest,
    Standing,
    offered_q,
)
from dengta.core.access import Viewer
from dengta.core.decisions import Decision
from dengta.core.search import name_search_q
from dengta.orgs.models import OrgType
from dengta.registry.models import Provider
from dengta.registry.text import to_half_width


def listing_standing(provider: Provider) -> Decision:
    """Whether the provider may list products and receive quote requests: admitted to at least one pool in
    good standing (or under a warning, while it rectifies), and suspended in none (DOMAIN.md 2.7)."""
    admissions = list(Admission.objects.filter(provider=provider, state=AdmissionState.ADMITTED))
    if any(a.standing == Standing.SUSPENDED for a in admissions):
        return Decision.conflict(_("服务商处于暂停状态，暂停期间不能上架产品，也不能接收报价请求"))
    if not any(a.standing in (Standing.GOOD, Standing.WARNED) for a in admissions):
        return Decision.conflict(_("服务商尚未入库（或已被移出），入库后才能上架产品、接收报价请求"))
    return Decision.allow("")


def suspended_providers() -> QuerySet[Admission]:
    return Admission.objects.filter(state=AdmissionState.ADMITTED, standing=Standing.SUSPENDED)


def in_good_standing_q(prefix: str = "provider") -> Q:
    """Rows whose provider may be offered now (dengta.catalog.models.offered_q)."""
    return offered_q(prefix)


def public_provider(viewer: Viewer, pk: int) -> Provider | None:
    """A provider as its public page finds it: public while it may be offered (its listed products are in
    the catalogue), otherwise only within the viewer's registry scope; None when neither."""
    provider = Provider.objects.select_related("organization__region", "kind").filter(pk=pk).first()
    if provider is None:
        return None
    if listing_standing(provider) or Provider.objects.visible_to(viewer).filter(pk=pk).exists():
        return provider
    return None


# --------------------------------------------------------------------------------------------- catalogue


@dataclass
class CatalogueFilters:
    q: str = ""
    sub_industry: str = ""
    scenario: str = ""
    category: str = ""
    deployment: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    days_max: int | None = None
    rating_min: int | None = None
    provider: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def catalogue_products() -> QuerySet[Product]:
    """Listed products of providers that may be offered now (admitted, suspended nowhere)."""
    return (
        Product.objects.filter(state=ProductState.LISTED)
        .filter(in_good_standing_q())
        .select_related("provider__organization", "provider__kind")
    )


def catalogue(filters: CatalogueFilters) -> QuerySet[Product]:
    """The public catalogue, filtered."""
    return narrow(catalogue_products(), filters)


def narrow(qs: QuerySet[Product], filters: CatalogueFilters) -> QuerySet[Product]:
    q = to_half_width(filters.q).strip()
    if q:
        qs = qs.filter(name_search_q(q, also=("description",)))
    if filters.sub_industry:
        qs = qs.filter(sub_industries=filters.sub_industry)
    if filters.scenario:
        qs = qs.filter(lifts__kind="scenario", lifts__code=filters.scenario)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.deployment:
        qs = qs.filter(deployment=filters.deployment)
    if filters.price_min is not None:
        qs = qs.filter(pilot_price__gte=filters.price_min)
    if filters.price_max is not None:
        qs = qs.filter(pilot_price__lte=filters.price_max)
    if filters.days_max is not None:
        qs = qs.filter(delivery_days__lte=filters.days_max)
    if filters.rating_min is not None:
        qs = qs.filter(rating__gte=filters.rating_min)
    if filters.provider is not None:
        qs = qs.filter(provider_id=filters.provider)
    return qs


def products_of(viewer: Viewer) -> QuerySet[Product]:
    """A provider's own products, in every state."""
    if viewer.organization_id is None:
        return Product.objects.none()
    return Product.objects.filter(provider__organization_id=viewer.organization_id).select_related(
        "provider__organization"
    )


def listing_queue(viewer: Viewer) -> QuerySet[Product]:
    return (
        Product.objects.visible_to(viewer)
        .filter(state=ProductState.PENDING)
        .select_related("provider__organization__region")
    )


def pools_for(viewer: Viewer) -> QuerySet[Pool]:
    return Pool.objects.visible_to(viewer).select_related("owner", "owner__region").distinct()


def admissions_for(viewer: Viewer) -> QuerySet[Admission]:
    return (
        Admission.objects.visible_to(viewer)
        .select_related("pool", "pool__owner", "provider__organization", "kind")
        .distinct()
    )


def quotes_for(viewer: Viewer) -> QuerySet[QuoteRequest]:
    return QuoteRequest.objects.visible_to(viewer).select_related(
        "enterprise", "provider__organization", "sub_industry"
    )


def own_provider(viewer: Viewer) -> Provider | None:
    if not viewer.is_authenticated or viewer.organization_id is None:
        return None
    return Provider.objects.filter(organization_id=viewer.organization_id).select_related("kind").first()


# ------------------------------------------------------------------------------------------------- lists
# The list pages' rows (docs/lists.md, "Declaring a list"): each takes the clean values of its ListPage's
# filters (core.listpage) and selects what its rows show, so a page costs the same queries for 5 rows or 50.

NATIONAL = "ministry"  # the pool list's owner filter: the ministry's (national) pools


def _org_name_q(term: str, path: str) -> Q:
    """Organisations whose name contains ``term``, from their name_grams (dengta.core.search)."""
    return name_search_q(term, name_field=f"{path}__name", grams_field=f"{path}__name_grams")


def pool_periods(viewer: Viewer) -> list[int]:
    """The years of the pools the viewer sees, latest first (the pool list's year filter)."""
    return sorted(set(Pool.objects.visible_to(viewer).values_list("period", flat=True)), reverse=True)


def pool_list(viewer: Viewer, values: dict[str, Any]) -> QuerySet[Pool]:
    qs = pools_for(viewer)
    q = to_half_width(values.get("q", "")).strip()
    if q:
        qs = qs.filter(name__icontains=q)  # pools are few (a few per authority and year): no grams
    if values.get("period"):
        qs = qs.filter(period=int(values["period"]))
    if values.get("open"):
        qs = qs.filter(is_open=values["open"] == "1")
    level = values.get("level", "")
    if level == NATIONAL:
        qs = qs.filter(owner__type=OrgType.MINISTRY)
    elif level:
        qs = qs.filter(owner__type=OrgType.AUTHORITY, owner__authority_level=level)
    return qs


def pool_admissions(viewer: Viewer, pool: Pool, values: dict[str, Any]) -> QuerySet[Admission]:
    """The applications to one pool that the viewer sees (the pool page's table)."""
    qs = admissions_for(viewer).filter(pool=pool)
    if values.get("state"):
        qs = qs.filter(state=values["state"])
    q = to_half_width(values.get("q", "")).strip()
    if q:
        qs = qs.filter(_org_name_q(q, "provider__organization"))
    return qs


def own_products(viewer: Viewer, values: dict[str, Any]) -> QuerySet[Product]:
    """The provider's own products, in every state (its product list)."""
    qs = products_of(viewer)
    if values.get("state"):
        qs = qs.filter(state=values["state"])
    q = to_half_width(values.get("q", "")).strip()
    if q:
        qs = qs.filter(name_search_q(q))
    return qs


def listing_queue_list(viewer: Viewer, values: dict[str, Any]) -> QuerySet[Product]:
    """Products waiting for their listing review, by product or provider name and category."""
    qs = listing_queue(viewer)
    if values.get("category"):
        qs = qs.filter(category=values["category"])
    q = to_half_width(values.get("q", "")).strip()
    if q:
        qs = qs.filter(name_search_q(q) | _org_name_q(q, "provider__organization"))
    return qs


def quote_list(viewer: Viewer, values: dict[str, Any]) -> QuerySet[QuoteRequest]:
    """Quote requests the viewer sees, by state and by the enterprise's or the provider's name."""
    qs = quotes_for(viewer)
    if values.get("state"):
        qs = qs.filter(state=values["state"])
    q = to_half_width(values.get("q", "")).strip()
    if q:
        qs = qs.filter(
            name_search_q(q, name_field="enterprise__name", grams_field="enterprise__name_grams")
            | _org_name_q(q, "provider__organization")
        )
    return qs
