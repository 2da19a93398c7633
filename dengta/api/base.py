"""What every API view shares: the Viewer (same access helper as the pages) and one mapping of refusals.

ARCHITECTURE.md convention 15: a refused Decision answers the same status on a page and in the API. Views
call ``require(decision)`` (dengta.core.decisions), which raises Http404, PermissionDenied(reason) or
Conflict(reason); ``exception_handler`` turns those into 404, 403 and 409 with the reason under ``detail``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dengta.core.access import Viewer
from dengta.core.decisions import Conflict, Decision
from dengta.core.decisions import require as require_decision
from dengta.core.errors import number_out_of_range, out_of_range_reason
from dengta.orgs.viewer import SESSION_KEY, viewer_for

ORG_HEADER = "X-Dengta-Organization"


# The largest id a row can have (a 64-bit signed integer in both databases): a larger one in a filter is
# refused with the field's reason instead of reaching the database.
MAX_ID = 2**63 - 1
# A questionnaire has a few dozen steps; the column is a small integer (assessment.Assessment.current_step).
MAX_STEP = 999


class ViewerMixin:
    """Builds ``request.viewer`` after DRF authentication (token or session).

    A person in several organisations chooses one with the ``X-Dengta-Organization`` header (an
    organisation id); without it the session's active organisation, else their first one, is used.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        raw = request.headers.get(ORG_HEADER, "").strip()
        active: int | None = None
        if raw:
            if not raw.isdigit():
                raise NotFound()
            active = int(raw)
        elif hasattr(request, "session"):
            stored = request.session.get(SESSION_KEY)
            active = stored if isinstance(stored, int) else None
        viewer, _memberships = viewer_for(request.user, active)
        if raw and viewer.organization_id != active:
            # Not one of the caller's organisations: same answer as a missing one.
            raise NotFound()
        if not viewer.is_authenticated:
            raise PermissionDenied(_("该账号尚未加入任何机构。"))
        request.viewer = viewer  # type: ignore[attr-defined]

    @property
    def viewer(self) -> Viewer:
        viewer: Viewer = self.request.viewer  # type: ignore[attr-defined]
        return viewer


class StateConflict(APIException):
    """409: the state of what was asked about does not allow the step (a Decision.conflict)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def require(decision: Decision) -> None:
    """The pages' require(): 404 for outsiders, 403 with the reason, 409 for a state conflict."""
    require_decision(decision)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: keep the Decision's reason (DRF's own handler drops the message of
    Django's PermissionDenied), answer a Conflict with 409 and a number the database cannot hold with 400."""
    if isinstance(exc, Conflict):
        exc = StateConflict(exc.reason or None)
    elif isinstance(exc, DjangoPermissionDenied):
        reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else None
        exc = PermissionDenied(reason)
    elif isinstance(exc, Http404):
        exc = NotFound()
    elif number_out_of_range(exc):
        exc = ValidationError({"detail": out_of_range_reason()})
    return drf_exception_handler(exc, context)
