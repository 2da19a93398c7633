from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dengta.orgs.viewer import SESSION_KEY, viewer_for


class ViewerMiddleware:
    """Attaches ``request.viewer`` and ``request.memberships`` for the access helper and the shell."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        active = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        viewer, memberships = viewer_for(request.user, active if isinstance(active, int) else None)
        request.viewer = viewer  # type: ignore[attr-defined]
        request.memberships = memberships  # type: ignore[attr-defined]
        return self.get_response(request)
