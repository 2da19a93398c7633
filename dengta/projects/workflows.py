"""A retrofit project's workflow as a table (ARCHITECTURE.md convention 6; DOMAIN.md 2.7, 8.10).

项目备案 (filed by the provider, approved by the authority, which commits the subsidy) → 实施 → 完工 →
申请验收 (by the enterprise, within the pilot's deadline after completion) → 预审 (the district or city) →
现场评定 → 验收通过 / 限期整改 (→ 再次评定) / 不通过 → 申请奖补 → 拨付 → 归档. Withdrawn (by the
provider or the enterprise) and disqualified (by the authority) from any open state. Guards that need more
than the row (the dossier, the evaluation, the ledger) are checked by the services before the transition
runs.
"""

from __future__ import annotations

from dengta.core.workflows import Transition
from dengta.projects.models import OPEN_STATES, ProjectState

S = ProjectState
FILE = Transition("file", frozenset({S.DRAFT}), S.FILED, "project.filed")
RETURN = Transition("return", frozenset({S.FILED}), S.DRAFT, "project.returned")
APPROVE = Transition("approve", frozenset({S.FILED}), S.APPROVED, "project.approved")
START = Transition("start", frozenset({S.APPROVED}), S.IN_PROGRESS, "project.started")
COMPLETE = Transition("complete", frozenset({S.IN_PROGRESS}), S.COMPLETED, "project.completed")
REQUEST_ACCEPTANCE = Transition(
    "request_acceptance", frozenset({S.COMPLETED}), S.ACCEPTANCE_REQUESTED, "project.acceptance_requested"
)
PRE_CHECK = Transition("pre_check", frozenset({S.ACCEPTANCE_REQUESTED}), S.PRE_CHECKED, "project.pre_checked")
PRE_CHECK_RETURN = Transition(
    "pre_check_return", frozenset({S.ACCEPTANCE_REQUESTED}), S.COMPLETED, "project.pre_check_returned"
)
START_EVALUATION = Transition(
    "start_evaluation", frozenset({S.PRE_CHECKED, S.RECTIFICATION}), S.ON_SITE, "project.evaluation_started"
)
ACCEPT = Transition("accept", frozenset({S.ON_SITE}), S.ACCEPTED, "project.accepted")
RECTIFY = Transition("rectify", frozenset({S.ON_SITE}), S.RECTIFICATION, "project.rectification_ordered")
FAIL = Transition("fail", frozenset({S.ON_SITE}), S.FAILED, "project.failed")
CLAIM = Transition("claim", frozenset({S.ACCEPTED}), S.SUBSIDY_CLAIMED, "project.subsidy_claimed")
PAY = Transition("pay", frozenset({S.SUBSIDY_CLAIMED}), S.PAID, "project.paid")
# A project without a subsidy (nothing it bought is eligible) is archived once accepted: there is nothing to
# claim.
ARCHIVE = Transition("archive", frozenset({S.PAID, S.ACCEPTED}), S.ARCHIVED, "project.archived")
WITHDRAW = Transition("withdraw", frozenset(OPEN_STATES), S.WITHDRAWN, "project.withdrawn")
DISQUALIFY = Transition("disqualify", frozenset(OPEN_STATES), S.DISQUALIFIED, "project.disqualified")

PROJECT_TRANSITIONS = (
    FILE,
    RETURN,
    APPROVE,
    START,
    COMPLETE,
    REQUEST_ACCEPTANCE,
    PRE_CHECK,
    PRE_CHECK_RETURN,
    START_EVALUATION,
    ACCEPT,
    RECTIFY,
    FAIL,
    CLAIM,
    PAY,
    ARCHIVE,
    WITHDRAW,
    DISQUALIFY,
)
# The provider edits the filing (lines, scope, schedule) only while it is a draft (or returned to one).
EDITABLE = frozenset({S.DRAFT})
# Milestones, the dossier, invoices and payments are recorded from approval until acceptance is requested
# (and again during a rectification).
RECORDING = frozenset({S.APPROVED, S.IN_PROGRESS, S.COMPLETED, S.RECTIFICATION})
