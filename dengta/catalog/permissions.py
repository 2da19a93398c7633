"""Who may do what in the catalogue (ARCHITECTURE.md conventions 5, 15, 16).

Rows are filtered by ``visible_to`` before these rules are asked (a row the viewer may not see is a 404).
The role table (dengta.orgs.roles) says which memberships hold a capability; the rules add whose row it is,
whether it lies in the jurisdiction and whether its state allows the step.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dengta.catalog.models import Admission, Pool, Product, QuoteRequest
from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Decision
from dengta.orgs.models import OrgType


def _anonymous() -> Decision:
    return Decision.deny(_("未登录"))


def _capability(viewer: Viewer, capability: Capability, refusal: str) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if viewer.can(capability):
        return Decision.allow("")
    return Decision.deny(refusal)


def can_view_pools(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.VIEW_POOLS, _("服务商库对主管部门、服务商和专家开放"))


def can_edit_provider_kinds(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.EDIT_PROVIDER_KINDS, _("只有部委项目管理人员可以修改服务商类型"))


def can_manage_pools(viewer: Viewer) -> Decision:
    return _capability(
        viewer, Capability.MANAGE_POOLS, _("只有部委项目管理人员和主管部门的管理员、经办人可以设立服务商库")
    )


def _owns_pool(viewer: Viewer, pool: Pool) -> bool:
    """The pool's own organisation, or the ministry's programme staff for the ministry's pools."""
    return pool.owner_id == viewer.organization_id


def can_edit_pool(viewer: Viewer, pool: Pool) -> Decision:
    decision = can_manage_pools(viewer)
    if not decision:
        return decision
    if not _owns_pool(viewer, pool):
        return Decision.deny(_("只有设立该服务商库的单位可以修改它"))
    return Decision.allow("")


def can_apply(viewer: Viewer, pool: Pool | None = None) -> Decision:
    decision = _capability(viewer, Capability.APPLY_TO_POOLS, _("只有服务商的管理员或经办人可以申请入库"))
    if not decision:
        return decision
    if pool is not None and not pool.is_open:
        return Decision.conflict(_("该服务商库目前不接受申请"))
    return Decision.allow("")


def can_edit_admission(viewer: Viewer, admission: Admission) -> Decision:
    decision = can_apply(viewer)
    if not decision:
        return decision
    if admission.provider.organization_id != viewer.organization_id:
        return Decision.hidden(_("不是本机构的申请"))
    if admission.state not in ("draft", "returned"):
        return Decision.conflict(_("申请已提交，审核结束前不能修改；退回补充后可以修改"))
    return Decision.allow("")


def can_review_admission(viewer: Viewer, admission: Admission) -> Decision:
    """Deciding is for the pool's own organisation (its programme staff at the ministry)."""
    if not viewer.is_authenticated:
        return _anonymous()
    if not viewer.can(Capability.REVIEW_ADMISSIONS):
        return Decision.deny(_("只有服务商库所属单位的项目管理人员可以审核入库申请"))
    if not _owns_pool(viewer, admission.pool):
        return Decision.deny(_("只有设立该服务商库的单位可以审核它的申请"))
    return Decision.allow("")


def can_give_opinions(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.GIVE_ADMISSION_OPINIONS, _("只有评审专家可以提交评审意见"))


def can_give_opinion(viewer: Viewer, admission: Admission) -> Decision:
    decision = _capability(viewer, Capability.GIVE_ADMISSION_OPINIONS, _("只有评审专家可以提交评审意见"))
    if not decision:
        return decision
    if not admission.pool.expert_review:
        return Decision.conflict(_("该服务商库不需要专家评审"))
    if admission.state not in ("submitted", "under_review"):
        return Decision.conflict(_("只能评审已提交、尚未决定的申请"))
    return Decision.allow("")


def can_govern(viewer: Viewer, admission: Admission) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if not viewer.can(Capability.GOVERN_PROVIDERS):
        return Decision.deny(_("只有服务商库所属单位的项目管理人员可以对服务商采取管理措施"))
    if not _owns_pool(viewer, admission.pool):
        return Decision.deny(_("只有设立该服务商库的单位可以管理库内服务商"))
    if admission.state != "admitted":
        return Decision.conflict(_("只能对已入库的服务商采取管理措施"))
    return Decision.allow("")


def can_appeal(viewer: Viewer, admission: Admission) -> Decision:
    decision = can_apply(viewer)
    if not decision:
        return decision
    if admission.provider.organization_id != viewer.organization_id:
        return Decision.hidden(_("不是本机构的入库记录"))
    return Decision.allow("")


def can_use_provider_workspace(viewer: Viewer) -> Decision:
    return _capability(
        viewer, Capability.PROVIDER_WORKSPACE, _("这个页面供服务商查看本机构的入库、评级和产品")
    )


def can_manage_products(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.MANAGE_PRODUCTS, _("只有服务商的管理员或经办人可以维护产品"))


def can_edit_product(viewer: Viewer, product: Product) -> Decision:
    decision = can_manage_products(viewer)
    if not decision:
        return decision
    if product.provider.organization_id != viewer.organization_id:
        return Decision.hidden(_("不是本机构的产品"))
    return Decision.allow("")


def can_review_listings(viewer: Viewer) -> Decision:
    return _capability(
        viewer,
        Capability.REVIEW_LISTINGS,
        _("只有部委项目管理人员和主管部门的管理员、经办人可以审核产品上架"),
    )


def can_review_listing(viewer: Viewer, product: Product) -> Decision:
    decision = can_review_listings(viewer)
    if not decision:
        return decision
    region = product.provider.organization.region
    if not viewer.sees_all and (region is None or not viewer.covers_path(region.path)):
        return Decision.deny(_("只能审核辖区内服务商的产品"))
    return Decision.allow("")


def can_delist(viewer: Viewer, product: Product) -> Decision:
    """The provider takes its own product off; the programme staff take off one in their jurisdiction."""
    if viewer.is_authenticated and product.provider.organization_id == viewer.organization_id:
        return can_manage_products(viewer)
    return can_review_listing(viewer, product)


def can_request_quote(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.REQUEST_QUOTES, _("只有企业的管理员或经办人可以请求报价"))


def can_answer_quote(viewer: Viewer, quote: QuoteRequest) -> Decision:
    decision = _capability(viewer, Capability.ANSWER_QUOTES, _("只有服务商的管理员或经办人可以答复报价请求"))
    if not decision:
        return decision
    if quote.provider.organization_id != viewer.organization_id:
        return Decision.hidden(_("不是发给本机构的报价请求"))
    return Decision.allow("")


def can_decide_quote(viewer: Viewer, quote: QuoteRequest) -> Decision:
    """Accepting or withdrawing is the enterprise's."""
    decision = can_request_quote(viewer)
    if not decision:
        return decision
    if quote.enterprise.organization_id != viewer.organization_id:
        return Decision.hidden(_("不是本企业的报价请求"))
    return Decision.allow("")


def can_view_quotes(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.VIEW_QUOTES, _("报价请求只对企业、服务商和主管部门开放"))


def can_rate_providers(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.RATE_PROVIDERS, _("只有企业的管理员或经办人可以评价服务商"))


def can_view_recommendations(viewer: Viewer) -> Decision:
    """The enterprise's own recommendations page."""
    return _capability(viewer, Capability.VIEW_RECOMMENDATIONS, _("产品推荐页面供企业查看本企业的推荐"))


def can_view_enterprise_recommendations(viewer: Viewer) -> Decision:
    """The staff open an enterprise's recommendations from the register (rows scoped by the caller)."""
    return _capability(viewer, Capability.LIST_ENTERPRISES, _("企业的产品推荐对辖区主管部门开放"))


def can_view_concentration(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.VIEW_CONCENTRATION, _("市场集中度只对部委、主管部门和监督机构开放"))


def is_provider(viewer: Viewer) -> bool:
    return viewer.is_authenticated and viewer.org_type == OrgType.PROVIDER
