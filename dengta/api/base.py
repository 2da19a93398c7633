"""What every API view shares: the Viewer (same access helper as the pages) and 404 for outsiders."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request

from dengta.core.access import Viewer
from dengta.core.decisions import Decision
from dengta.orgs.viewer import SESSION_KEY, viewer_for

ORG_HEADER = "X-Dengta-Organization"


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


def require(decision: Decision) -> None:
    """Turn a refused Decision into the same 404 the pages give."""
    if not decision.allowed:
        raise NotFound()
