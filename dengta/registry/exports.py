"""The registry's list exports, registered with dengta.core.exports (same filter and sort as the pages)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.decisions import require
from dengta.core.exports import Export, register_export
from dengta.core.lists import sort_by
from dengta.reference.models import Industry, Region
from dengta.registry import permissions, selectors
from dengta.registry.models import Provider, SizeClass, Tier

ENTERPRISE_SORTS = {
    "name": "name",
    "uscc": "uscc",
    "region": "region__code",
    "industry": "industry__code",
    "employees": "employees",
    "revenue": "revenue",
    "assets": "total_assets",
    "created": "created_at",
}
PROVIDER_SORTS = {"name": "organization__name", "region": "organization__region__code", "kind": "kind"}


class _EnterpriseRow:
    """One enterprise's values (``ENTERPRISE_FIELDS``) → its row. Region and industry names come from maps
    read once, on the first row (a few thousand codes), and the choice labels once, in the language of the
    export: the national list is a million rows, and a join or a translation per row was most of its time."""

    def __init__(self) -> None:
        self._regions: dict[str, str] | None = None
        self._industries: dict[str, str] = {}
        self._sizes: dict[str, str] = {}
        self._tiers: dict[str, str] = {}
        self._yes_no = ("", "")

    def _load(self) -> None:
        self._regions = dict(Region.objects.values_list("code", "full_name"))
        self._industries = dict(Industry.objects.values_list("code", "name"))
        self._sizes = {str(value): str(label) for value, label in SizeClass.choices}
        self._tiers = {str(value): str(label) for value, label in Tier.choices if value}
        self._yes_no = (_("否"), _("是"))

    def __call__(self, values: tuple[Any, ...]) -> tuple[object, ...]:
        if self._regions is None:
            self._load()
        regions = self._regions or {}
        name, code, region, industry, employees, revenue, assets, size, above, tier = values
        return (
            name,
            code,
            region,
            regions.get(region, ""),
            industry,
            self._industries.get(industry, ""),
            employees,
            # 万元: the value of rules.ten_k_from_yuan, shifted exactly (a number cell shows no trailing
            # zeros, and the shift costs a fifth of the normalising division on a million rows).
            revenue.scaleb(-4),
            assets.scaleb(-4),
            self._sizes.get(size, size),
            self._yes_no[bool(above)],
            self._tiers.get(tier, ""),
        )


ENTERPRISE_FIELDS = (
    "name",
    "uscc",
    "region_id",
    "industry_id",
    "employees",
    "revenue",
    "total_assets",
    "size_class",
    "is_above_designated_size",
    "tier",
)


@register_export("registry.enterprises")
def enterprises_export(viewer: Viewer, params: QueryDict) -> Export:
    require(permissions.can_list_enterprises(viewer))
    filters = selectors.EnterpriseFilters.from_params(params)
    qs, _sort = sort_by(params, selectors.enterprises_for(viewer, filters), ENTERPRISE_SORTS, "name")
    headers = [
        _("企业名称"),
        _("统一社会信用代码"),
        _("行政区划代码"),
        _("地区"),
        _("行业代码"),
        _("行业"),
        _("从业人员（人）"),
        _("营业收入（万元）"),
        _("资产总额（万元）"),
        _("企业规模"),
        _("规上企业"),
        _("专精特新"),
    ]
    return Export("enterprises.xlsx", "enterprises", headers, qs, _EnterpriseRow(), ENTERPRISE_FIELDS)


def _provider_row(p: Provider) -> tuple[object, ...]:
    return (p.organization.name, p.uscc, p.kind.display_name, str(p.organization.region or ""), p.website)


@register_export("registry.providers")
def providers_export(viewer: Viewer, params: QueryDict) -> Export:
    require(permissions.can_list_providers(viewer))
    q, kind, region = (params.get(k, "").strip() for k in ("q", "kind", "region"))
    qs, _sort = sort_by(
        params, selectors.providers_for(viewer, q=q, kind=kind, region=region), PROVIDER_SORTS, "name"
    )
    headers = [_("服务商名称"), _("统一社会信用代码"), _("服务商类型"), _("地区"), _("网址")]
    return Export("providers.xlsx", "providers", headers, qs, _provider_row)
