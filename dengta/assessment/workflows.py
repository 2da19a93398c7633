"""The assessment workflow as a table (ARCHITECTURE.md convention 6).

draft → submitted (with the authenticity pledge 真实性承诺) → scored; an on-site assessment (现场评定) then
→ signed off by its expert. Nothing after draft is ever edited: a correction is a new assessment.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dengta.assessment.models import InvitationState, Kind, State
from dengta.core.decisions import Decision
from dengta.core.workflows import Transition


def _coi_declared(assessment: Any) -> Decision:
    if assessment.kind == Kind.ONSITE and assessment.coi_declared_at is None:
        return Decision.deny(_("现场评定须先由评定专家声明无利益冲突"))
    return Decision.allow("")


def _is_onsite(assessment: Any) -> Decision:
    if assessment.kind != Kind.ONSITE:
        return Decision.deny(_("只有现场评定需要签署"))
    return Decision.allow("")


SUBMIT = Transition(
    "submit", frozenset({State.DRAFT}), State.SUBMITTED, "assessment.submitted", _coi_declared
)
SCORE = Transition("score", frozenset({State.SUBMITTED}), State.SCORED, "assessment.scored")
SIGN_OFF = Transition(
    "sign_off", frozenset({State.SCORED}), State.SIGNED_OFF, "assessment.signed_off", _is_onsite
)

TRANSITIONS = (SUBMIT, SCORE, SIGN_OFF)

# The diagnosis invitation (DiagnosisInvitation): a provider's request waits for the enterprise, which accepts
# or declines it; the enterprise withdraws its consent at any time, and a provider its own request.
INVITATION_ACCEPT = Transition(
    "accept", frozenset({InvitationState.REQUESTED}), InvitationState.ACTIVE, "invitation.accepted"
)
INVITATION_DECLINE = Transition(
    "decline", frozenset({InvitationState.REQUESTED}), InvitationState.DECLINED, "invitation.declined"
)
INVITATION_WITHDRAW = Transition(
    "withdraw",
    frozenset({InvitationState.REQUESTED, InvitationState.ACTIVE}),
    InvitationState.WITHDRAWN,
    "invitation.withdrawn",
)

INVITATION_TRANSITIONS = (INVITATION_ACCEPT, INVITATION_DECLINE, INVITATION_WITHDRAW)
