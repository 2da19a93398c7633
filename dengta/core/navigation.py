"""Role-aware left navigation. Items are data: which organisation types (and platform roles) see them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer

STAFF_TYPES = frozenset({"ministry", "authority", "oversight"})
ALL_TYPES = frozenset({"ministry", "authority", "provider", "enterprise", "expert_pool", "oversight"})


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    org_types: frozenset[str]
    platform_roles: frozenset[str] = frozenset()  # any of these also grants the item
    prefix: str = ""
    roles: frozenset[str] = frozenset()  # when set, the membership role must be one of these


NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("工作台"), "core:home", "house", ALL_TYPES),
    NavItem(
        _("企业库"), "registry:enterprise_list", "buildings", STAFF_TYPES, prefix="/registry/enterprises"
    ),
    NavItem(
        _("本企业"), "registry:my_enterprise", "building", frozenset({"enterprise"}), prefix="/registry/mine"
    ),
    NavItem(_("数字化评测"), "assessment:list", "clipboard-data", ALL_TYPES, prefix="/assessments/"),
    NavItem(_("服务商"), "registry:provider_list", "tools", STAFF_TYPES, prefix="/registry/providers"),
    NavItem(
        _("企业导入"),
        "registry:import_start",
        "upload",
        frozenset({"ministry", "authority"}),
        prefix="/registry/import",
        roles=frozenset({"admin", "staff"}),
    ),
    NavItem(_("机构"), "orgs:organization_list", "diagram-3", STAFF_TYPES, prefix="/orgs/"),
    NavItem(_("参考数据"), "reference:index", "book", ALL_TYPES, prefix="/reference/"),
    NavItem(
        _("事件日志"),
        "core:event_list",
        "shield-check",
        frozenset({"oversight"}),
        platform_roles=frozenset({"auditor"}),
        prefix="/events/",
    ),
    NavItem(_("开放接口"), "api:docs", "plug", ALL_TYPES, prefix="/api/"),
)


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url: str
    icon: str
    active: bool


def navigation_for(viewer: Viewer | None, current_path: str) -> list[NavLink]:
    if viewer is None or not viewer.is_authenticated:
        return []
    links: list[NavLink] = []
    for item in NAVIGATION:
        allowed = viewer.org_type in item.org_types or bool(item.platform_roles & viewer.platform_roles)
        if not allowed or (item.roles and viewer.role not in item.roles):
            continue
        url = reverse(item.url_name)
        active = current_path.startswith(item.prefix) if item.prefix else current_path == url
        links.append(NavLink(item.label, url, item.icon, active))
    return links
