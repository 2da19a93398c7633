"""The registry's list exports, registered with dengta.core.exports (same filter and sort as the pages)."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.decisions import require
from dengta.core.exports import Export, register_export
from dengta.core.lists import sort_by
from dengta.registry import permissions, selectors
from dengta.registry.models import Enterprise, Provider
from dengta.registry.rules import ten_k_from_yuan

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


def _enterprise_row(e: Enterprise) -> tuple[object, ...]:
    return (
        e.name,
        e.uscc,
        e.region_id,
        e.region.full_name,
        e.industry_id,
        e.industry.name,
        e.employees,
        ten_k_from_yuan(e.revenue),
        ten_k_from_yuan(e.total_assets),
        e.get_size_class_display(),
        _("是") if e.is_above_designated_size else _("否"),
        e.get_tier_display() if e.tier else "",
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
    return Export("enterprises.xlsx", "enterprises", headers, qs, _enterprise_row)


def _provider_row(p: Provider) -> tuple[object, ...]:
    return (p.organization.name, p.uscc, p.get_kind_display(), str(p.organization.region or ""), p.website)


@register_export("registry.providers")
def providers_export(viewer: Viewer, params: QueryDict) -> Export:
    require(permissions.can_list_providers(viewer))
    q, kind, region = (params.get(k, "").strip() for k in ("q", "kind", "region"))
    qs, _sort = sort_by(
        params, selectors.providers_for(viewer, q=q, kind=kind, region=region), PROVIDER_SORTS, "name"
    )
    headers = [_("服务商名称"), _("统一社会信用代码"), _("服务商类型"), _("地区"), _("网址")]
    return Export("providers.xlsx", "providers", headers, qs, _provider_row)
