"""Who may see and change enterprise and provider profiles (ARCHITECTURE.md convention 5).

Each rule returns a Decision with the reason, so pages, templates and the API give the same answer. Rows are
filtered by ``visible_to`` (dengta.core.access) before these rules are asked; the rules add what the row
filter cannot know: the role (viewers read only), the organisation type (providers and experts see no
enterprise) and which fields an enterprise may change about itself (not its credit code or region). Who holds
which capability is the role table's answer (dengta.orgs.roles). A row outside the viewer's jurisdiction is
``Decision.hidden`` (404, like a missing one); a capability the role lacks is ``Decision.deny`` (403).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Decision
from dengta.orgs.models import OrgType
from dengta.registry.models import ChangeState, Enterprise, EnterpriseChange, Provider


def _anonymous() -> Decision:
    return Decision.deny(_("未登录"))


def can_list_enterprises(viewer: Viewer) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if viewer.can(Capability.LIST_ENTERPRISES):
        return Decision.allow(_("部委、主管部门和监督机构可以查看辖区内的企业"))
    return Decision.deny(_("企业库只对部委、主管部门和监督机构开放"))


def can_view_enterprise(viewer: Viewer, enterprise: Enterprise) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if enterprise.organization_id == viewer.organization_id:
        return Decision.allow(_("本企业的档案"))
    if not viewer.can(Capability.LIST_ENTERPRISES):
        return Decision.hidden(_("服务商、专家和其他企业不能查看企业档案"))
    if viewer.covers_path(enterprise.region.path):
        return Decision.allow(_("在辖区范围内"))
    return Decision.hidden(_("不在辖区范围内"))


def can_view_own_enterprise(viewer: Viewer) -> Decision:
    """The "this enterprise" page: members of an enterprise (the staff use the enterprise register)."""
    if not viewer.is_authenticated:
        return _anonymous()
    if viewer.can(Capability.VIEW_OWN_ENTERPRISE):
        return Decision.allow(_("本企业的档案"))
    return Decision.deny(_("只有企业的成员有本企业档案"))


def can_register_enterprise(viewer: Viewer, region_path: str | None = None) -> Decision:
    """Register one enterprise; with ``region_path``, also whether that region is inside the jurisdiction."""
    if not viewer.is_authenticated:
        return _anonymous()
    if not viewer.can(Capability.REGISTER_ENTERPRISE):
        return Decision.deny(_("只有部委项目管理人员和主管部门的管理员、经办人可以登记企业"))
    if region_path is not None and not viewer.covers_path(region_path):
        return Decision.deny(_("该地区不在本机构辖区范围内"))
    return Decision.allow(_("可以在辖区内登记企业"))


def can_edit_enterprise(viewer: Viewer, enterprise: Enterprise) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if enterprise.organization_id == viewer.organization_id:
        if viewer.can(Capability.EDIT_OWN_PROFILE):
            return Decision.allow(_("本企业的管理员或经办人可以修改本企业档案（统一社会信用代码和地区除外）"))
        return Decision.deny(_("只读角色不能修改"))
    if not viewer.covers_path(enterprise.region.path) or not viewer.can(Capability.LIST_ENTERPRISES):
        return Decision.hidden(_("不在辖区范围内"))
    if not viewer.can(Capability.EDIT_ENTERPRISE):
        return Decision.deny(_("只有部委项目管理人员和主管部门的管理员、经办人可以修改企业档案"))
    return Decision.allow(_("在辖区范围内"))


def can_change_enterprise_region(viewer: Viewer, enterprise: Enterprise) -> Decision:
    """The region is set by the authorities: an enterprise cannot move itself to another jurisdiction."""
    decision = can_edit_enterprise(viewer, enterprise)
    if not decision:
        return decision
    if enterprise.organization_id == viewer.organization_id and viewer.org_type == OrgType.ENTERPRISE:
        return Decision.deny(_("企业不能自行修改所在地区，请联系主管部门"))
    return decision


def can_import_enterprises(viewer: Viewer) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if viewer.can(Capability.IMPORT_ENTERPRISES):
        return Decision.allow(_("部委项目管理人员和主管部门的管理员、经办人可以批量导入辖区内的企业"))
    return Decision.deny(_("只有部委项目管理人员和主管部门的管理员、经办人可以批量导入企业"))


def can_list_providers(viewer: Viewer) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if viewer.can(Capability.LIST_PROVIDERS):
        return Decision.allow(_("部委、主管部门和监督机构可以查看辖区内的服务商"))
    return Decision.deny(_("服务商名录只对部委、主管部门和监督机构开放"))


def can_view_provider(viewer: Viewer, provider: Provider) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if provider.organization_id == viewer.organization_id:
        return Decision.allow(_("本机构的档案"))
    if not viewer.can(Capability.LIST_PROVIDERS):
        return Decision.hidden(_("只能查看本机构的档案"))
    region = provider.organization.region
    if region is not None and viewer.covers_path(region.path):
        return Decision.allow(_("在辖区范围内"))
    if viewer.sees_all:
        return Decision.allow(_("全国范围"))
    return Decision.hidden(_("不在辖区范围内"))


def can_register_provider(viewer: Viewer, region_path: str | None = None) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if not viewer.can(Capability.REGISTER_PROVIDER):
        return Decision.deny(_("只有部委项目管理人员和主管部门的管理员、经办人可以登记服务商"))
    if region_path is not None and not viewer.covers_path(region_path):
        return Decision.deny(_("该地区不在本机构辖区范围内"))
    return Decision.allow(_("可以在辖区内登记服务商"))


# ---------------------------------------------------------------- changes an enterprise proposes to itself
# docs/registry.md: an enterprise's own changes to the figures its size class and 规上 flag come from wait for
# the authority covering it (or ministry programme staff); the authorities' own edits apply directly.


def edits_need_review(viewer: Viewer, enterprise: Enterprise) -> bool:
    """Whether the viewer's edits of classification-relevant fields become a pending change: they are the
    enterprise's own members, who cannot confirm their own declaration."""
    return viewer.is_authenticated and enterprise.organization_id == viewer.organization_id


def can_submit_enterprise_change(viewer: Viewer, enterprise: Enterprise) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if not edits_need_review(viewer, enterprise):
        if not can_view_enterprise(viewer, enterprise):
            return Decision.hidden(_("不在辖区范围内"))
        return Decision.deny(_("只有企业本身提交信息变更；主管部门直接修改企业档案"))
    if not viewer.can(Capability.EDIT_OWN_PROFILE):
        return Decision.deny(_("只读角色不能修改"))
    return Decision.allow(_("本企业的管理员或经办人可以提交信息变更，由主管部门确认后生效"))


def can_list_enterprise_changes(viewer: Viewer) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if not viewer.can(Capability.VIEW_ENTERPRISE_CHANGES):
        return Decision.deny(_("企业信息变更队列只对部委、主管部门、监督机构和企业本身开放"))
    if viewer.can(Capability.LIST_ENTERPRISES):
        return Decision.allow(_("部委、主管部门和监督机构可以查看辖区内企业的信息变更"))
    if viewer.can(Capability.VIEW_OWN_ENTERPRISE):
        # Rows are filtered by visible_to: an enterprise lists only the changes it submitted itself.
        return Decision.allow(_("企业可以查看本企业提交的信息变更"))
    return Decision.deny(_("企业信息变更队列只对部委、主管部门、监督机构和企业本身开放"))


def can_view_enterprise_change(viewer: Viewer, change: EnterpriseChange) -> Decision:
    return can_view_enterprise(viewer, change.enterprise)


def can_review_enterprise_change(viewer: Viewer, change: EnterpriseChange) -> Decision:
    """Confirm or reject: the authority whose jurisdiction covers the enterprise, or ministry programme
    staff — those who may edit the enterprise directly — never the enterprise itself."""
    if not viewer.is_authenticated:
        return _anonymous()
    enterprise = change.enterprise
    if edits_need_review(viewer, enterprise):
        return Decision.deny(_("企业不能确认或退回本企业提交的变更"))
    if not can_view_enterprise(viewer, enterprise):
        return Decision.hidden(_("不在辖区范围内"))
    if not viewer.can(Capability.EDIT_ENTERPRISE):
        return Decision.deny(_("只有企业所在辖区主管部门的管理员、经办人和部委项目管理人员可以确认或退回"))
    if change.state != ChangeState.PENDING:
        return Decision.conflict(_("该变更已处理，不能再确认或退回"))
    return Decision.allow(_("在辖区范围内，可以确认或退回"))
