"""Who may do what with a project's gain-sharing contract (ARCHITECTURE.md conventions 5, 15, 16).

Rows are filtered by ``Project.objects.visible_to`` first (an outsider gets a 404). As with the project's
other steps (permissions.py), the role table says which memberships act for each side; these rules add whose
project it is and whether the contract or the statement is in a state that allows the step: the provider
signs the contract and submits statements, the enterprise disputes a submitted statement, the authority
settles a disputed one.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.decisions import Decision
from dengta.projects import permissions
from dengta.projects.gain_models import (
    CONTRACT_PROJECT_STATES,
    DISPUTE,
    SETTLE,
    STATEMENT_PROJECT_STATES,
    GainContract,
    GainContractState,
    GainStatement,
)
from dengta.projects.models import Project


def can_gain_create(viewer: Viewer, project: Project) -> Decision:
    """The project's provider, once the project is approved and while it is open, if it has no contract."""
    decision = permissions.provider_side(viewer, project)
    if not decision:
        return decision
    if project.state not in CONTRACT_PROJECT_STATES:
        return Decision.conflict(_("项目批准后、结束前才能签订收益分享合同"))
    if GainContract.objects.filter(project=project).exists():
        return Decision.conflict(_("该项目已有收益分享合同"))
    return Decision.allow("")


def can_gain_submit(viewer: Viewer, project: Project, contract: GainContract | None) -> Decision:
    """The project's provider, while the contract runs (whether the next period is over is the service's
    check: the page shows when it ends)."""
    decision = permissions.provider_side(viewer, project)
    if not decision:
        return decision
    if contract is None:
        return Decision.conflict(_("该项目还没有收益分享合同"))
    if contract.state != GainContractState.ACTIVE:
        return Decision.conflict(_("收益分享合同已期满"))
    if project.state not in STATEMENT_PROJECT_STATES:
        return Decision.conflict(_("项目当前状态不能提交收益报表"))
    return Decision.allow("")


def _statement_state(statement: GainStatement, sources: frozenset[str]) -> Decision:
    if statement.state in sources:
        return Decision.allow("")
    return Decision.conflict(
        _("收益报表当前状态（%(state)s）不能办理此事项") % {"state": statement.get_state_display()}
    )


def can_gain_dispute(viewer: Viewer, statement: GainStatement) -> Decision:
    """The project's enterprise, on a statement that is submitted and not yet disputed."""
    decision = permissions.enterprise_side(viewer, statement.contract.project)
    if not decision:
        return decision
    return _statement_state(statement, DISPUTE.sources)


def can_gain_settle(viewer: Viewer, statement: GainStatement) -> Decision:
    """The authority (the jurisdiction's staff who decide projects), on a disputed statement."""
    decision = permissions.can_decide(viewer)
    if not decision:
        return decision
    return _statement_state(statement, SETTLE.sources)
