from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dengta.core.access import Viewer
from dengta.core.navigation import help_links_for, navigation_for
from dengta.core.notifications import unread_count


def shell(request: HttpRequest) -> dict[str, Any]:
    viewer = getattr(request, "viewer", None)
    return {
        # One count per page for the top bar's inbox badge (UI.md: the top bar has the inbox).
        "inbox_unread": unread_count(viewer) if isinstance(viewer, Viewer) and viewer.is_authenticated else 0,
        "viewer": viewer,
        "memberships": getattr(request, "memberships", []),
        "nav_items": navigation_for(viewer, request.path) if viewer is not None else [],
        "help_links": help_links_for(viewer, request.path) if viewer is not None else [],
    }
