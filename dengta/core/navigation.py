"""Role-aware left navigation. Items are data: the capability each needs (ARCHITECTURE.md convention 16).

Who holds a capability is the role table's answer (dengta.orgs.roles), carried on the Viewer, so the
navigation shows exactly the pages the permission rules let the viewer open. Reference data and the API
documentation are open to every member but sit in the main navigation only for the staff; the others reach
them through the help links under the navigation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    capability: Capability
    prefix: str = ""
    # When set, the item is in the main navigation only for viewers who also hold this capability; the
    # others who may open it find it among the help links.
    main_capability: Capability | None = None


NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("工作台"), "core:home", "house", Capability.USE_WORKBENCH),
    NavItem(
        _("企业库"),
        "registry:enterprise_list",
        "buildings",
        Capability.LIST_ENTERPRISES,
        prefix="/registry/enterprises",
    ),
    NavItem(
        pgettext_lazy("navigation", "企业信息变更"),
        "registry:change_list",
        "clipboard-check",
        Capability.VIEW_ENTERPRISE_CHANGES,
        prefix="/registry/changes",
    ),
    NavItem(
        _("本企业"),
        "registry:my_enterprise",
        "building",
        Capability.VIEW_OWN_ENTERPRISE,
        prefix="/registry/mine",
    ),
    NavItem(
        _("数字化评测"),
        "assessment:list",
        "clipboard-data",
        Capability.VIEW_ASSESSMENTS,
        prefix="/assessments/",
    ),
    NavItem(
        _("服务商"),
        "registry:provider_list",
        "tools",
        Capability.LIST_PROVIDERS,
        prefix="/registry/providers",
    ),
    NavItem(
        _("产品推荐"),
        "catalog:my_recommendations",
        "stars",
        Capability.VIEW_RECOMMENDATIONS,
        prefix="/catalog/recommendations",
    ),
    NavItem(
        _("报价请求"),
        "catalog:quote_list",
        "chat-square-quote",
        Capability.VIEW_QUOTES,
        prefix="/catalog/quotes",
    ),
    NavItem(_("服务商库"), "catalog:pool_list", "collection", Capability.VIEW_POOLS, prefix="/catalog/pools"),
    NavItem(
        _("试点申报"),
        "programmes:application_list",
        "flag",
        Capability.VIEW_APPLICATIONS,
        prefix="/programmes/",
    ),
    NavItem(
        _("改造项目"),
        "projects:project_list",
        "tools",
        Capability.VIEW_PROJECTS,
        prefix="/projects/",
    ),
    NavItem(
        _("评审任务"),
        "programmes:review_list",
        "ui-checks",
        Capability.REVIEW_AS_EXPERT,
        prefix="/programmes/reviews",
    ),
    NavItem(
        _("本机构产品"),
        "catalog:my_products",
        "box-seam",
        Capability.PROVIDER_WORKSPACE,
        prefix="/catalog/mine",
    ),
    NavItem(
        _("入库与评级"),
        "catalog:my_standing",
        "award",
        Capability.PROVIDER_WORKSPACE,
        prefix="/catalog/standing",
    ),
    NavItem(
        _("产品上架审核"),
        "catalog:listing_queue",
        "patch-check",
        Capability.REVIEW_LISTINGS,
        prefix="/catalog/listings",
    ),
    NavItem(
        _("市场集中度"),
        "catalog:concentration",
        "pie-chart",
        Capability.VIEW_CONCENTRATION,
        prefix="/catalog/concentration",
    ),
    NavItem(
        _("统计看板"), "analytics:dashboard", "bar-chart", Capability.VIEW_DASHBOARDS, prefix="/dashboards/"
    ),
    NavItem(_("案例工作台"), "cases:work_list", "lightbulb", Capability.VIEW_CASES, prefix="/cases/work/"),
    NavItem(_("产品目录"), "catalog:catalogue", "grid", Capability.USE_WORKBENCH),
    NavItem(_("小灯塔案例"), "cases:public_list", "award", Capability.USE_WORKBENCH),
    NavItem(
        _("批量导入企业"),
        "registry:import_start",
        "upload",
        Capability.IMPORT_ENTERPRISES,
        prefix="/registry/import",
    ),
    NavItem(_("机构"), "orgs:organization_list", "diagram-3", Capability.LIST_ORGANIZATIONS, prefix="/orgs/"),
    NavItem(
        _("参考数据"),
        "reference:index",
        "book",
        Capability.VIEW_REFERENCE,
        prefix="/reference/",
        main_capability=Capability.STAFF_TOOLS_IN_NAVIGATION,
    ),
    NavItem(_("事件日志"), "core:event_list", "shield-check", Capability.VIEW_EVENTS, prefix="/events/"),
    NavItem(
        _("开放接口"),
        "api:docs",
        "plug",
        Capability.VIEW_API_DOCS,
        prefix="/api/",
        main_capability=Capability.STAFF_TOOLS_IN_NAVIGATION,
    ),
)


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url: str
    icon: str
    active: bool


def _links(viewer: Viewer | None, current_path: str, *, main: bool) -> list[NavLink]:
    if viewer is None or not viewer.is_authenticated:
        return []
    links: list[NavLink] = []
    for item in NAVIGATION:
        if not viewer.can(item.capability):
            continue
        in_main = item.main_capability is None or viewer.can(item.main_capability)
        if in_main != main:
            continue
        url = reverse(item.url_name)
        active = current_path.startswith(item.prefix) if item.prefix else current_path == url
        links.append(NavLink(item.label, url, item.icon, active))
    return links


def navigation_for(viewer: Viewer | None, current_path: str) -> list[NavLink]:
    """The main navigation: the pages of the viewer's daily work."""
    return _links(viewer, current_path, main=True)


def help_links_for(viewer: Viewer | None, current_path: str) -> list[NavLink]:
    """Pages the viewer may open that are not part of their daily work (shown under the navigation)."""
    return _links(viewer, current_path, main=False)
