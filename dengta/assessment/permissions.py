"""Who may start, fill in, submit, sign off and correct assessments (ARCHITECTURE.md convention 5).

Rows are first filtered by ``Assessment.objects.visible_to`` (an enterprise its own, an authority its
jurisdiction, a provider what it wrote, an expert their assignments); these rules add the role (from the role
table, dengta.orgs.roles) and the state. A step the state does not allow (submitting twice, correcting a
draft) is ``Decision.conflict`` (409); a step the role may not take is ``Decision.deny`` (403) —
ARCHITECTURE.md convention 15.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dengta.assessment.models import Assessment, DiagnosisInvitation, InvitationState, Kind, State
from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Decision, Outcome
from dengta.orgs.models import OrgType
from dengta.registry.models import Enterprise


def _anonymous() -> Decision:
    return Decision.deny(_("未登录"))


def can_start_self(viewer: Viewer, enterprise: Enterprise | None) -> Decision:
    """``enterprise``: the viewer's own enterprise profile, None when they have none (staff, providers, or an
    enterprise the authorities have not registered yet)."""
    if not viewer.is_authenticated:
        return _anonymous()
    if enterprise is None:
        if viewer.can(Capability.VIEW_OWN_ENTERPRISE):
            return Decision.hidden(_("本企业尚未登记，请联系主管部门"))
        return Decision.deny(_("企业自评只能由本企业填报"))
    if viewer.org_type != OrgType.ENTERPRISE or enterprise.organization_id != viewer.organization_id:
        return Decision.deny(_("企业自评只能由本企业填报"))
    if not viewer.can(Capability.SELF_ASSESS):
        return Decision.deny(_("只读角色不能填报"))
    return Decision.allow(_("本企业的管理员或经办人可以自评"))


def can_start_diagnosis(viewer: Viewer, enterprise: Enterprise | None = None) -> Decision:
    """A provider diagnoses only an enterprise that invited it (the enterprise's consent, an active
    DiagnosisInvitation); without ``enterprise`` the rule says whether the viewer may diagnose at all."""
    if not viewer.is_authenticated:
        return _anonymous()
    if not viewer.can(Capability.DIAGNOSE):
        return Decision.deny(_("只有服务商的管理员或经办人可以开展诊断"))
    if enterprise is not None and not (
        DiagnosisInvitation.objects.active()
        .filter(enterprise=enterprise, provider_id=viewer.organization_id)
        .exists()
    ):
        return Decision.deny(_("该企业没有邀请本服务商开展诊断"))
    return Decision.allow(_("服务商可以为邀请了它的企业开展诊断"))


def can_assign_onsite(viewer: Viewer, enterprise: Enterprise | None = None) -> Decision:
    """On-site assessment is arranged by the authority that runs the pilot (DOMAIN.md 2.6)."""
    if not viewer.is_authenticated:
        return _anonymous()
    if not viewer.can(Capability.ARRANGE_ONSITE):
        return Decision.deny(_("只有主管部门的管理员、经办人或部委项目管理人员可以安排现场评定"))
    if enterprise is not None and not viewer.covers_path(enterprise.region.path):
        return Decision.deny(_("该企业不在辖区范围内"))
    return Decision.allow(_("可以安排现场评定"))


def can_import_history(viewer: Viewer) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if not viewer.can(Capability.IMPORT_ASSESSMENT_HISTORY):
        return Decision.deny(_("只有主管部门的管理员、经办人或部委项目管理人员可以安排现场评定"))
    return Decision.allow(_("可以安排现场评定"))


def _is_author(viewer: Viewer, assessment: Assessment) -> bool:
    if assessment.kind == Kind.SELF:
        return (
            viewer.can(Capability.SELF_ASSESS)
            and assessment.enterprise.organization_id == viewer.organization_id
        )
    if assessment.kind == Kind.PROVIDER:
        return viewer.can(Capability.DIAGNOSE) and assessment.author_organization_id == viewer.organization_id
    if assessment.kind == Kind.ONSITE:
        return viewer.can(Capability.ASSESS_ONSITE) and _is_assessor(viewer, assessment)
    return False


def _is_assessor(viewer: Viewer, assessment: Assessment) -> bool:
    """The expert assigned to an on-site assessment, acting for the expert pool."""
    user_id = getattr(viewer.user, "pk", None)
    return viewer.org_type == OrgType.EXPERT_POOL and assessment.assessor_id == user_id


def can_edit(viewer: Viewer, assessment: Assessment) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if assessment.state != State.DRAFT:
        return Decision.conflict(_("评测已提交，不能再修改；如需更正，请新建更正评测"))
    if not _is_author(viewer, assessment):
        return Decision.deny(_("只有填报方可以填写此评测"))
    if assessment.kind == Kind.ONSITE and assessment.coi_declared_at is None:
        return Decision.deny(_("请先声明无利益冲突"))
    if assessment.kind == Kind.PROVIDER and not diagnosis_consented(assessment):
        return Decision.deny(_("企业已撤回诊断邀请，不能继续填写此诊断"))
    return Decision.allow(_("可以填写"))


def diagnosis_consented(assessment: Assessment) -> bool:
    """Whether the enterprise still invites the provider that writes this diagnosis: a withdrawn consent
    stops the work on drafts too (what was written stays on record, visible to the enterprise)."""
    return (
        DiagnosisInvitation.objects.active()
        .filter(enterprise_id=assessment.enterprise_id, provider_id=assessment.author_organization_id)
        .exists()
    )


def can_declare_coi(viewer: Viewer, assessment: Assessment) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if assessment.kind != Kind.ONSITE:
        return Decision.deny(_("无需声明"))
    if not _is_assessor(viewer, assessment):
        return Decision.deny(_("只有被指派的评定专家可以声明"))
    if assessment.coi_declared_at is not None:
        return Decision.conflict(_("已声明"))
    if assessment.state != State.DRAFT:
        return Decision.conflict(_("无需声明"))
    return Decision.allow(_("可以声明"))


def can_submit(viewer: Viewer, assessment: Assessment) -> Decision:
    return can_edit(viewer, assessment)


def can_sign_off(viewer: Viewer, assessment: Assessment) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if assessment.kind != Kind.ONSITE:
        return Decision.deny(_("只有已评分的现场评定可以签署"))
    if not _is_assessor(viewer, assessment):
        return Decision.deny(_("只有评定专家本人可以签署"))
    if assessment.state != State.SCORED:
        return Decision.conflict(_("只有已评分的现场评定可以签署"))
    return Decision.allow(_("可以签署"))


def can_correct(viewer: Viewer, assessment: Assessment) -> Decision:
    """A correction is a new draft by the same party; the scored assessment stays as it was."""
    if not viewer.is_authenticated:
        return _anonymous()
    if assessment.kind == Kind.HISTORICAL:
        return Decision.deny(_("只有已评分的评测可以更正"))
    # Who first (403), then the state (409): the state is only news to someone who could take the step.
    if assessment.kind == Kind.ONSITE:
        arranger = can_assign_onsite(viewer, assessment.enterprise)
        if not arranger:
            return arranger
    elif not _is_author(viewer, assessment):
        return Decision.deny(_("只有原填报方可以更正"))
    if not assessment.has_score:
        return Decision.conflict(_("只有已评分的评测可以更正"))
    if assessment.corrections.exists():
        return Decision.conflict(_("此评测已有更正"))
    return Decision.allow(_("可以新建更正评测"))


def can_add_evidence(viewer: Viewer, assessment: Assessment) -> Decision:
    return can_edit(viewer, assessment)


def can_remove_evidence(viewer: Viewer, assessment: Assessment) -> Decision:
    """Evidence is removed by the one who may add it, and only while the assessment is a draft: once it is
    submitted (and then scored and signed off) the evidence is part of the locked record."""
    if viewer.is_authenticated and not _is_author(viewer, assessment):
        return Decision.deny(_("只有填报方可以删除佐证材料"))  # whoever else sees it: 403, whatever the state
    decision = can_edit(viewer, assessment)
    if decision.kind == Outcome.CONFLICT:
        return Decision.conflict(_("评测已提交，佐证材料不能再删除"))
    return decision


def can_view_evidence(viewer: Viewer, assessment: Assessment) -> Decision:
    """Whoever sees the assessment (Assessment.objects.visible_to) sees its evidence."""
    if not viewer.is_authenticated:
        return _anonymous()
    if not Assessment.objects.visible_to(viewer).filter(pk=assessment.pk).exists():
        return Decision.deny(_("无权查看此评测的佐证材料"))
    return Decision.allow(_("可以查看佐证材料"))


def can_download_calendar(viewer: Viewer, assessment: Assessment) -> Decision:
    """The calendar file of a visit is for the assigned expert."""
    if not viewer.is_authenticated:
        return _anonymous()
    if assessment.kind != Kind.ONSITE or assessment.visit_at is None:
        return Decision.deny(_("此评测没有安排现场评定时间"))
    if viewer.org_type != OrgType.EXPERT_POOL or assessment.assessor_id != getattr(viewer.user, "pk", None):
        return Decision.deny(_("只有被指派的评定专家可以下载日程"))
    return Decision.allow(_("可以下载日程"))


def _own_enterprise_writer(viewer: Viewer, enterprise: Enterprise) -> bool:
    """The enterprise's administrator or staff: those the role table lets fill in its self-assessment."""
    return (
        viewer.org_type == OrgType.ENTERPRISE
        and enterprise.organization_id == viewer.organization_id
        and viewer.can(Capability.SELF_ASSESS)
    )


def can_view_invitations(viewer: Viewer) -> Decision:
    """The invitations page: an enterprise's (whom it invited) or a provider's (who invited it)."""
    if not viewer.is_authenticated:
        return _anonymous()
    if viewer.can(Capability.USE_INVITATIONS):
        return Decision.allow(_("企业和服务商可以查看诊断邀请"))
    return Decision.deny(_("诊断邀请只在企业和服务商之间"))


def can_invite_provider(viewer: Viewer, enterprise: Enterprise | None) -> Decision:
    """The enterprise decides who diagnoses it: its administrator or staff invite a provider. ``enterprise``:
    the viewer's own profile, None when they have none."""
    if not viewer.is_authenticated:
        return _anonymous()
    if enterprise is None:
        if viewer.can(Capability.VIEW_OWN_ENTERPRISE):
            return Decision.hidden(_("本企业尚未登记，请联系主管部门"))
        return Decision.deny(_("只有本企业的管理员或经办人可以邀请服务商"))
    if not _own_enterprise_writer(viewer, enterprise):
        return Decision.deny(_("只有本企业的管理员或经办人可以邀请服务商"))
    return Decision.allow(_("可以邀请服务商开展诊断"))


def can_request_invitation(viewer: Viewer) -> Decision:
    if not viewer.is_authenticated:
        return _anonymous()
    if not viewer.can(Capability.DIAGNOSE):
        return Decision.deny(_("只有服务商的管理员或经办人可以申请为企业诊断"))
    return Decision.allow(_("可以申请为企业诊断"))


def can_answer_request(viewer: Viewer, invitation: DiagnosisInvitation) -> Decision:
    """Accept or decline a provider's request: the enterprise, while the request is open."""
    if not viewer.is_authenticated:
        return _anonymous()
    if not _own_enterprise_writer(viewer, invitation.enterprise):
        return Decision.deny(_("只有本企业的管理员或经办人可以答复服务商的申请"))
    if invitation.state != InvitationState.REQUESTED:
        return Decision.conflict(_("此申请已答复"))
    return Decision.allow(_("可以答复"))


def can_withdraw_invitation(viewer: Viewer, invitation: DiagnosisInvitation) -> Decision:
    """The enterprise withdraws its consent at any time; a provider withdraws only its own open request."""
    if not viewer.is_authenticated:
        return _anonymous()
    enterprise_side = _own_enterprise_writer(viewer, invitation.enterprise)
    provider_side = (
        viewer.can(Capability.DIAGNOSE)
        and invitation.provider_id == viewer.organization_id
        and invitation.state == InvitationState.REQUESTED
    )
    if not (enterprise_side or provider_side):
        return Decision.deny(_("只有企业可以撤回邀请；服务商只能撤回自己的申请"))
    if invitation.state not in (InvitationState.REQUESTED, InvitationState.ACTIVE):
        return Decision.conflict(_("此邀请已结束"))
    return Decision.allow(_("可以撤回"))


def can_confirm_level_rule(viewer: Viewer, framework: Any) -> Decision:
    """Confirming a level-rule version against the official document is the same staff's call as correcting
    it (miit-2024-level-rule.md); a version is confirmed once, and only a MIIT 2024 version has the rule."""
    allowed = can_revise_level_rule(viewer)
    if not allowed:
        return allowed
    if framework.kind != framework.Kind.MIIT2024 or not framework.provisional:
        return Decision.conflict(_("此版本没有待核实的等级判定规则"))
    if hasattr(framework, "rule_confirmation"):
        return Decision.conflict(_("此版本的等级判定规则已经核实过"))
    return Decision.allow(_("部委项目管理人员可以记录等级规则的核实依据"))


def can_revise_level_rule(viewer: Viewer) -> Decision:
    """The level rule is provisional data (miit-2024-level-rule.md); ministry programme staff correct it."""
    if not viewer.is_authenticated:
        return _anonymous()
    if viewer.can(Capability.REVISE_LEVEL_RULE):
        return Decision.allow(_("部委项目管理人员可以更正等级判定规则"))
    return Decision.deny(_("只有部委项目管理人员可以更正等级判定规则"))
