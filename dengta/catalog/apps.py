from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _staff_panel(viewer: Any) -> dict[str, Any]:
    from dengta.catalog import selectors
    from dengta.catalog.models import AdmissionState, GovernanceAction

    # The queues of the viewer's own pools (the owner decides) and of its jurisdiction's listings: small sets.
    own = selectors.admissions_for(viewer).filter(pool__owner_id=viewer.organization_id)
    return {
        "admissions": own.filter(state__in=[AdmissionState.SUBMITTED, AdmissionState.UNDER_REVIEW]).count(),
        "listings": selectors.listing_queue(viewer).count(),
        "appeals": GovernanceAction.objects.filter(
            admission__pool__owner_id=viewer.organization_id, appeal=GovernanceAction.Appeal.PENDING
        ).count(),
    }


def _provider_panel(viewer: Any) -> dict[str, Any]:
    from dengta.catalog import selectors
    from dengta.catalog.models import ProductState, QuoteState

    provider = selectors.own_provider(viewer)
    if provider is None:
        return {"standing": None, "open_quotes": 0, "listed": 0}
    return {
        "standing": selectors.listing_standing(provider),
        "open_quotes": provider.quote_requests.filter(state=QuoteState.OPEN).count(),
        "listed": provider.products.filter(state=ProductState.LISTED).count(),
    }


def _enterprise_panel(viewer: Any) -> dict[str, Any]:
    from dengta.catalog.models import QuoteRequest, Shortlist

    own = viewer.organization_id
    return {
        "quotes": QuoteRequest.objects.filter(enterprise__organization_id=own).count(),
        "shortlist": Shortlist.objects.filter(enterprise__organization_id=own).count(),
    }


class CatalogConfig(AppConfig):
    name = "dengta.catalog"
    label = "catalog"
    verbose_name = _("服务商与产品目录")

    def ready(self) -> None:
        from dengta.core.capabilities import Capability
        from dengta.core.dashboard import Panel, register_panel
        from dengta.orgs.models import OrgType

        register_panel(
            Panel(
                key="catalog.staff",
                title=_("服务商与产品审核"),
                template="catalog/panels/staff.html",
                org_types=frozenset(),
                capability=Capability.REVIEW_ADMISSIONS,
                context=_staff_panel,
                order=25,
            )
        )
        register_panel(
            Panel(
                key="catalog.provider",
                title=_("入库、产品与报价"),
                template="catalog/panels/provider.html",
                org_types=frozenset({OrgType.PROVIDER}),
                context=_provider_panel,
                order=12,
            )
        )
        register_panel(
            Panel(
                key="catalog.enterprise",
                title=_("产品推荐"),
                template="catalog/panels/enterprise.html",
                org_types=frozenset({OrgType.ENTERPRISE}),
                context=_enterprise_panel,
                order=14,
            )
        )
