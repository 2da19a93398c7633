"""Permission decisions: every rule says whether something is allowed, and why (ARCHITECTURE.md, rule 5).

A refusal also says what kind it is (ARCHITECTURE.md, convention 15), so pages and the API answer alike:

- ``Decision.deny``: an insider whom a rule refuses — 403 with the reason;
- ``Decision.hidden``: the viewer may not know the thing exists (another organisation's row, outside the
  jurisdiction) — 404, the same answer as for a missing row;
- ``Decision.conflict``: allowed in principle, but the thing's state does not allow it now (submitting
  twice) — 409 with the reason.

``require(decision)`` is the one place that turns a refusal into the exception pages raise; the API's
exception handler (dengta.api.base) maps the same exceptions to the same status codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404


class Outcome(StrEnum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"


# The HTTP status each outcome answers with, on pages and in the API alike.
STATUS = {Outcome.ALLOWED: 200, Outcome.FORBIDDEN: 403, Outcome.NOT_FOUND: 404, Outcome.CONFLICT: 409}


class Conflict(Exception):
    """The state of what was asked about does not allow the step (HTTP 409); the message says why."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str
    outcome: Outcome | None = None  # None: ALLOWED when allowed, else FORBIDDEN

    def __post_init__(self) -> None:
        if self.outcome is None:
            object.__setattr__(self, "outcome", Outcome.ALLOWED if self.allowed else Outcome.FORBIDDEN)
        elif (self.outcome == Outcome.ALLOWED) != self.allowed:
            raise ValueError("a Decision's outcome must agree with whether it allows")

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def kind(self) -> Outcome:
        return self.outcome or (Outcome.ALLOWED if self.allowed else Outcome.FORBIDDEN)

    @property
    def status(self) -> int:
        return STATUS[self.kind]

    @classmethod
    def allow(cls, reason: str) -> Decision:
        return cls(True, str(reason), Outcome.ALLOWED)

    @classmethod
    def deny(cls, reason: str) -> Decision:
        """Refused by a rule the viewer may know about: 403 with the reason."""
        return cls(False, str(reason), Outcome.FORBIDDEN)

    @classmethod
    def hidden(cls, reason: str) -> Decision:
        """Refused, and the viewer may not learn the thing exists: 404 (the reason is for logs and tests)."""
        return cls(False, str(reason), Outcome.NOT_FOUND)

    @classmethod
    def conflict(cls, reason: str) -> Decision:
        """The thing's state does not allow the step now: 409 with the reason."""
        return cls(False, str(reason), Outcome.CONFLICT)


def require(decision: Decision) -> None:
    """Raise what a refused Decision means: Http404, PermissionDenied(reason) or Conflict(reason).

    Pages and the API both call this; Django's handlers (403.html, 404.html, the Conflict middleware) and the
    API's exception handler answer the same status for the same Decision.
    """
    if decision.allowed:
        return
    if decision.kind == Outcome.NOT_FOUND:
        raise Http404(decision.reason)
    if decision.kind == Outcome.CONFLICT:
        raise Conflict(decision.reason)
    raise PermissionDenied(decision.reason)
