"""The workflow of a change an enterprise proposes to its own figures, as a table (ARCHITECTURE.md 6).

pending → confirmed (the authority covering the enterprise applies the values), pending → rejected (with a
reason), pending → superseded (the enterprise submitted a newer change before anyone decided: the newer one
replaces it, so the reviewer always sees what the enterprise wants now — docs/registry.md). Nothing leaves
confirmed, rejected or superseded: a further correction is a new change.
"""

from __future__ import annotations

from dengta.core.workflows import Transition
from dengta.registry.models import ChangeState

# A rejection's reason is checked by the service before the transition runs (a guard sees the row as it was)
# and by the constraint registry_enterprisechange_rejected_has_reason.

CONFIRM = Transition(
    "confirm", frozenset({ChangeState.PENDING}), ChangeState.CONFIRMED, "enterprise_change.confirmed"
)
REJECT = Transition(
    "reject", frozenset({ChangeState.PENDING}), ChangeState.REJECTED, "enterprise_change.rejected"
)
SUPERSEDE = Transition(
    "supersede", frozenset({ChangeState.PENDING}), ChangeState.SUPERSEDED, "enterprise_change.superseded"
)

TRANSITIONS = (CONFIRM, REJECT, SUPERSEDE)
