from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dengta.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    viewer = getattr(request, "viewer", None)
    return {
        "viewer": viewer,
        "memberships": getattr(request, "memberships", []),
        "nav_items": navigation_for(viewer, request.path) if viewer is not None else [],
    }
