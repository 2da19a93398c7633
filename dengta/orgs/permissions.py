"""Who may see organisations (ARCHITECTURE.md conventions 5, 15, 16; the roles are in dengta.orgs.roles)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Decision
from dengta.orgs.models import Organization


def can_list_organizations(viewer: Viewer) -> Decision:
    if not viewer.is_authenticated:
        return Decision.deny(str(_("未登录")))
    if viewer.can(Capability.LIST_ORGANIZATIONS):
        return Decision.allow(str(_("主管部门、部委和监督机构可以查看辖区内的机构")))
    return Decision.deny(str(_("服务商、企业和专家只能查看本机构")))


def can_view_organization(viewer: Viewer, org: Organization) -> Decision:
    if not viewer.is_authenticated:
        return Decision.deny(str(_("未登录")))
    if org.pk == viewer.organization_id:
        return Decision.allow(str(_("本机构")))
    if viewer.sees_all:
        return Decision.allow(str(_("全国范围")))
    if org.region is not None and viewer.covers_path(org.region.path):
        return Decision.allow(str(_("在辖区范围内")))
    return Decision.hidden(str(_("不在辖区范围内")))
