"""Who may do what with programmes and applications (ARCHITECTURE.md conventions 5, 15, 16).

Rows are filtered by ``Application.objects.visible_to`` before these rules are asked (an application the
viewer may not see is a 404). The role table (dengta.orgs.roles) says which memberships hold a capability;
the rules add whose application it is and whether its state allows the step.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Decision
from dengta.programmes import workflows
from dengta.programmes.models import Application, Batch


def _capability(viewer: Viewer, capability: Capability, refusal: str) -> Decision:
    if not viewer.is_authenticated:
        return Decision.deny(_("未登录"))
    if viewer.can(capability):
        return Decision.allow("")
    return Decision.deny(refusal)


def window_open(batch: Batch) -> bool:
    """Whether today (Asia/Shanghai, the windows' days) lies in the batch's application window."""
    return batch.application_opens <= timezone.localdate() <= batch.application_closes


def can_view_applications(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.VIEW_APPLICATIONS, _("试点申报对部委、地方主管部门和监督机构开放"))


def can_apply(viewer: Viewer, batch: Batch | None = None) -> Decision:
    decision = _capability(
        viewer, Capability.APPLY_FOR_PILOTS, _("只有地方主管部门的管理员或经办人可以申报试点")
    )
    if not decision:
        return decision
    if batch is not None and not window_open(batch):
        return Decision.conflict(_("该批次现在不在申报时间内"))
    return Decision.allow("")


def _own(viewer: Viewer, application: Application) -> Decision:
    decision = can_apply(viewer)
    if not decision:
        return decision
    if application.applicant_id != viewer.organization_id:
        return Decision.deny(_("只有申报单位可以修改、提交或撤回本单位的申报"))
    return Decision.allow("")


def can_edit_application(viewer: Viewer, application: Application) -> Decision:
    """Changing the plan and the pools, and submitting: the applicant, while a draft or returned."""
    decision = _own(viewer, application)
    if not decision:
        return decision
    if application.state not in workflows.APPLICATION_EDITABLE:
        return Decision.conflict(_("申报已提交，退回补充前不能修改"))
    return Decision.allow("")


def can_withdraw_application(viewer: Viewer, application: Application) -> Decision:
    decision = _own(viewer, application)
    if not decision:
        return decision
    if application.state not in workflows.APPLICATION_WITHDRAW.sources:
        return Decision.conflict(_("申报进入评审或已有决定后不能撤回"))
    return Decision.allow("")


def can_review_applications(viewer: Viewer) -> Decision:
    """Starting the review, returning and rejecting: the ministry's programme staff (the state is the
    workflow's to check: a refused transition says why)."""
    return _capability(
        viewer, Capability.REVIEW_APPLICATIONS, _("只有部委的项目管理人员可以评审、退回或否决申报")
    )


def can_review_as_expert(viewer: Viewer) -> Decision:
    """The expert's queue and review form: members of an expert pool or holders of the reviewer role; each
    assignment is further limited to its own expert (others get 404)."""
    return _capability(viewer, Capability.REVIEW_AS_EXPERT, _("只有评审专家可以填写申报评审"))


def can_view_reviews(viewer: Viewer) -> Decision:
    """Reading expert reviews: the programme staff (every review) and the experts (their own)."""
    return _capability(
        viewer,
        Capability.VIEW_APPLICATION_REVIEWS,
        _("专家评审只对部委的项目管理人员和评审专家开放"),
    )
