"""Who may do what with a lighthouse case (ARCHITECTURE.md conventions 5, 15, 16).

Rows are filtered by ``Case.objects.visible_to`` (and projects by theirs) before these rules are asked, so a
case the viewer may not see is a 404. The role table says which memberships hold a capability; the rules add
whose case it is (the pilot's authority, the project's provider, the enterprise) and whether its state
allows the step (a conflict, 409).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dengta.cases import workflows
from dengta.cases.models import Case, CaseState
from dengta.cases.sources import ACCEPTED_STATES
from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Decision
from dengta.projects.models import Project


def _signed_in(viewer: Viewer) -> Decision | None:
    return None if viewer.is_authenticated else Decision.deny(_("未登录"))


def is_party(viewer: Viewer, project: Project) -> bool:
    """The pilot's authority or the project's provider: the two who write a case's narrative."""
    return viewer.organization_id in (project.pilot.authority_id, project.provider.organization_id)


def can_view_cases(viewer: Viewer) -> Decision:
    if refused := _signed_in(viewer):
        return refused
    if viewer.can(Capability.VIEW_CASES):
        return Decision.allow("")
    return Decision.deny(_("案例工作台只对主管部门、服务商和企业开放"))


def can_generate_case(viewer: Viewer, project: Project) -> Decision:
    if refused := _signed_in(viewer):
        return refused
    if not viewer.can(Capability.WRITE_CASES) or not is_party(viewer, project):
        return Decision.deny(_("只有试点主管部门和项目服务商可以生成案例"))
    if project.state not in ACCEPTED_STATES:
        return Decision.conflict(_("只有验收通过的项目可以生成案例"))
    if Case.objects.filter(project=project).exists():
        return Decision.conflict(_("该项目已有案例"))
    return Decision.allow("")


def can_edit_case(viewer: Viewer, case: Case) -> Decision:
    if refused := _signed_in(viewer):
        return refused
    if not viewer.can(Capability.WRITE_CASES) or not is_party(viewer, case.project):
        return Decision.deny(_("只有试点主管部门和项目服务商可以编写案例"))
    if case.state not in workflows.EDITABLE:
        return Decision.conflict(_("案例处于“%(state)s”状态，不能修改") % {"state": case.get_state_display()})
    return Decision.allow("")


def can_submit_case(viewer: Viewer, case: Case) -> Decision:
    return can_edit_case(viewer, case)


def can_review_case(viewer: Viewer, case: Case) -> Decision:
    """The programme writers: the ministry's programme staff, or the staff of the pilot's own authority."""
    if refused := _signed_in(viewer):
        return refused
    if not viewer.can(Capability.REVIEW_CASES) or not (
        viewer.sees_all or viewer.organization_id == case.project.pilot.authority_id
    ):
        return Decision.deny(_("只有部委试点管理人员和试点主管部门可以审核案例"))
    if case.state != CaseState.SUBMITTED:
        return Decision.conflict(_("只有待审核的案例可以发布或退回"))
    return Decision.allow("")


def can_take_down_case(viewer: Viewer, case: Case) -> Decision:
    if refused := _signed_in(viewer):
        return refused
    if not viewer.can(Capability.REVIEW_CASES) or not (
        viewer.sees_all or viewer.organization_id == case.project.pilot.authority_id
    ):
        return Decision.deny(_("只有部委试点管理人员和试点主管部门可以撤下案例"))
    if case.state != CaseState.PUBLISHED:
        return Decision.conflict(_("只有已发布的案例可以撤下"))
    return Decision.allow("")


def can_consent(viewer: Viewer, case: Case) -> Decision:
    """The enterprise itself says whether the case may name it."""
    if refused := _signed_in(viewer):
        return refused
    enterprise = case.project.enterprise
    if not viewer.can(Capability.CONSENT_TO_CASES) or enterprise.organization_id != viewer.organization_id:
        return Decision.deny(_("只有案例所属企业可以决定是否署名"))
    return Decision.allow("")


def can_edit_typical_summary(viewer: Viewer) -> Decision:
    """The ministry's programme staff select and describe typical models (PRODUCT.md, programme staff)."""
    if refused := _signed_in(viewer):
        return refused
    if viewer.can(Capability.REVIEW_CASES) and viewer.sees_all:
        return Decision.allow("")
    return Decision.deny(_("只有部委试点管理人员可以编写典型模式概述"))
