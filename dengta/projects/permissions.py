"""Who may do what with retrofit projects (ARCHITECTURE.md conventions 5, 15, 16).

Rows are filtered by ``Project.objects.visible_to`` first (a project the viewer may not see is a 404). The
role table (dengta.orgs.roles) says which memberships hold a capability; these rules add whose project it
is (the provider's, the enterprise's), whose evaluation (the expert's) and whether the state allows the step.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Decision
from dengta.core.workflows import transition_named
from dengta.programmes.models import Pilot
from dengta.projects import workflows
from dengta.projects.models import Evaluation, Project, ProjectState

# Which side takes each step of the workflow table (docs/projects.md, the table of steps).
PROVIDER_STEPS = frozenset({"file", "start", "complete"})
ENTERPRISE_STEPS = frozenset({"request_acceptance", "claim"})
AUTHORITY_STEPS = frozenset(
    {"return", "approve", "pre_check", "pre_check_return", "accept", "rectify", "fail", "archive"}
    | {"disqualify"}
)
STEPS = PROVIDER_STEPS | ENTERPRISE_STEPS | AUTHORITY_STEPS | {"withdraw"}


def _capability(viewer: Viewer, capability: Capability, refusal: str) -> Decision:
    if not viewer.is_authenticated:
        return Decision.deny(_("未登录"))
    if viewer.can(capability):
        return Decision.allow("")
    return Decision.deny(refusal)


def can_view_projects(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.VIEW_PROJECTS, _("改造项目对服务商、企业、专家和主管部门开放"))


def can_file_projects(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.FILE_PROJECTS, _("只有服务商的管理员或经办人可以备案改造项目"))


def provider_side(viewer: Viewer, project: Project) -> Decision:
    decision = can_file_projects(viewer)
    if decision and project.provider.organization_id != viewer.organization_id:
        return Decision.deny(_("只有承担该项目的服务商可以办理此事项"))
    return decision


def enterprise_side(viewer: Viewer, project: Project) -> Decision:
    decision = _capability(
        viewer, Capability.RUN_ENTERPRISE_PROJECTS, _("只有企业的管理员或经办人可以办理此事项")
    )
    if decision and project.enterprise.organization_id != viewer.organization_id:
        return Decision.deny(_("只有项目所属企业可以办理此事项"))
    return decision


def can_decide(viewer: Viewer) -> Decision:
    return _capability(
        viewer, Capability.DECIDE_PROJECTS, _("只有地方主管部门的管理员或经办人可以审核和验收改造项目")
    )


def _in_state(project: Project, states: frozenset[str], refusal: str) -> Decision:
    return Decision.allow("") if project.state in states else Decision.conflict(refusal)


def can_step(viewer: Viewer, project: Project, step: str) -> Decision:
    """Whether the viewer may take this workflow step on this project now."""
    if step == "withdraw":
        side = provider_side(viewer, project)
        if not side:
            side = enterprise_side(viewer, project)
    elif step in PROVIDER_STEPS:
        side = provider_side(viewer, project)
    elif step in ENTERPRISE_STEPS:
        side = enterprise_side(viewer, project)
    elif step in AUTHORITY_STEPS:
        side = can_decide(viewer)
    else:
        return Decision.hidden("")
    if not side:
        return side
    transition = transition_named(workflows.PROJECT_TRANSITIONS, step)
    return _in_state(
        project,
        transition.sources,
        _("项目当前状态（%(state)s）不能办理此事项") % {"state": project.get_state_display()},
    )


def can_edit(viewer: Viewer, project: Project) -> Decision:
    decision = provider_side(viewer, project)
    if not decision:
        return decision
    return _in_state(project, workflows.EDITABLE, _("项目已备案，退回修改前不能变更"))


def can_record(viewer: Viewer, project: Project) -> Decision:
    """Contract date, milestones, dossier documents and invoices: the provider while the work is recorded."""
    decision = provider_side(viewer, project)
    if not decision:
        return decision
    return _in_state(project, workflows.RECORDING, _("项目当前状态不能登记材料"))


def can_record_payment(viewer: Viewer, project: Project) -> Decision:
    """The enterprise's own payments to the provider (and its documents)."""
    decision = enterprise_side(viewer, project)
    if not decision:
        return decision
    return _in_state(project, workflows.RECORDING, _("项目当前状态不能登记付款"))


def can_upload(viewer: Viewer, project: Project) -> Decision:
    """Either party adds to the dossier while the work is recorded."""
    if provider_side(viewer, project):
        return can_record(viewer, project)
    return can_record_payment(viewer, project)


def can_assign_expert(viewer: Viewer, project: Project) -> Decision:
    decision = can_decide(viewer)
    if not decision:
        return decision
    return _in_state(
        project, workflows.START_EVALUATION.sources, _("只有预审通过或整改中的项目可以安排现场评定")
    )


def can_evaluate(viewer: Viewer, evaluation: Evaluation | None) -> Decision:
    decision = _capability(viewer, Capability.EVALUATE_PROJECTS, _("只有专家库的专家可以填写现场评定"))
    if not decision:
        return decision
    if evaluation is None or evaluation.expert_id != getattr(viewer.user, "pk", None):
        return Decision.deny(_("只有被指派的专家可以填写现场评定"))
    if evaluation.decided_at is not None or evaluation.project.state != ProjectState.ON_SITE:
        return Decision.conflict(_("该现场评定已经结束"))
    return Decision.allow("")


def can_rate(viewer: Viewer, project: Project) -> Decision:
    decision = enterprise_side(viewer, project)
    if not decision:
        return decision
    accepted = frozenset(
        {ProjectState.ACCEPTED, ProjectState.SUBSIDY_CLAIMED, ProjectState.PAID, ProjectState.ARCHIVED}
    )
    return _in_state(project, accepted, _("验收通过后才能评价服务商"))


def can_pay(viewer: Viewer, project: Project | None = None) -> Decision:
    decision = _capability(viewer, Capability.PAY_SUBSIDIES, _("只有地方主管部门的财务人员可以拨付奖补资金"))
    if not decision or project is None:
        return decision
    return _in_state(project, frozenset({ProjectState.SUBSIDY_CLAIMED}), _("只有已申请奖补的项目可以拨付"))


def can_view_ledger(viewer: Viewer) -> Decision:
    return _capability(viewer, Capability.VIEW_LEDGER, _("资金台账对部委、地方主管部门和监督机构开放"))


def can_set_rules(viewer: Viewer, pilot: Pilot) -> Decision:
    """A pilot's project rules are set by its own authority (DOMAIN.md 2.7: the subsidy standard is local);
    other authorities that see the pilot read them."""
    decision = can_decide(viewer)
    if decision and pilot.authority_id != viewer.organization_id:
        return Decision.deny(_("只有该试点的主管部门可以修改项目规则"))
    return decision
