"""A lighthouse case's workflow as a table (ARCHITECTURE.md convention 6).

草稿 (generated from the accepted project; the authority or the provider writes the narrative) → 待审核 →
已发布 (public) or 已退回 (with the reason, to be revised and submitted again); a published case can be
taken down (back to 已退回, with the reason). Guards that need more than the row (the narrative, the
consent, the project's acceptance) are checked by the services before the transition runs.
"""

from __future__ import annotations

from dengta.cases.models import CaseState
from dengta.core.workflows import Transition

S = CaseState
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
SUBMIT = Transition("submit", EDITABLE, S.SUBMITTED, "case.submitted")
PUBLISH = Transition("publish", frozenset({S.SUBMITTED}), S.PUBLISHED, "case.published")
RETURN = Transition("return", frozenset({S.SUBMITTED}), S.RETURNED, "case.returned")
TAKE_DOWN = Transition("take_down", frozenset({S.PUBLISHED}), S.RETURNED, "case.taken_down")
TRANSITIONS = (SUBMIT, PUBLISH, RETURN, TAKE_DOWN)
