"""A lighthouse case's workflow as a table (ARCHITECTURE.md convention 6).

Draft, generated from the accepted project, whose narrative the authority or the provider writes; submitted
for review; then published on the public pages, or returned with the reason to be revised and submitted
again. A published case can be taken down: it goes back to returned, with the reason. Guards that need more
than the row (the narrative, the consent, the project's acceptance) are checked by the services before the
transition runs.
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
