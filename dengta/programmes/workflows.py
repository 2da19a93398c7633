"""An application's workflow as a table (ARCHITECTURE.md convention 6; DOMAIN.md 2.1).

draft → submitted (with the declaration, when no eligibility check fails) → under review → approved or
rejected; the programme staff may return a submitted or reviewed application for information, and the
authority submits it again; the authority may withdraw it before a decision. Guards that need more than the
row (the window, eligibility, the declaration) are checked by the services before the transition runs.
"""

from __future__ import annotations

from dengta.core.workflows import Transition
from dengta.programmes.models import ApplicationState

S = ApplicationState
APPLICATION_SUBMIT = Transition(
    "submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "application.submitted"
)
APPLICATION_START_REVIEW = Transition(
    "start_review", frozenset({S.SUBMITTED}), S.UNDER_REVIEW, "application.review_started"
)
APPLICATION_RETURN = Transition(
    "return", frozenset({S.SUBMITTED, S.UNDER_REVIEW}), S.RETURNED, "application.returned"
)
APPLICATION_APPROVE = Transition("approve", frozenset({S.UNDER_REVIEW}), S.APPROVED, "application.approved")
APPLICATION_REJECT = Transition(
    "reject", frozenset({S.SUBMITTED, S.UNDER_REVIEW}), S.REJECTED, "application.rejected"
)
APPLICATION_WITHDRAW = Transition(
    "withdraw", frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}), S.WITHDRAWN, "application.withdrawn"
)
APPLICATION_TRANSITIONS = (
    APPLICATION_SUBMIT,
    APPLICATION_START_REVIEW,
    APPLICATION_RETURN,
    APPLICATION_APPROVE,
    APPLICATION_REJECT,
    APPLICATION_WITHDRAW,
)
# The authority edits its application in these states; once submitted it is fixed until returned.
APPLICATION_EDITABLE = frozenset({S.DRAFT, S.RETURNED})
