"""Home-page panels. Each app registers the panels it can fill; the home page shows those for the viewer.

This keeps the home page in core while the figures come from the apps that own them (core imports no app
below it; apps register here from their AppConfig.ready()).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    template: str
    org_types: frozenset[str]
    context: Callable[[Viewer], dict[str, Any]]
    order: int = 100
    platform_roles: frozenset[str] = frozenset()
    width: str = "col-lg-6"  # Bootstrap column class
    # When set, whoever holds this capability in the role table (dengta.orgs.roles) sees the panel.
    capability: Capability | None = None


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def panels_for(viewer: Viewer) -> list[tuple[Panel, dict[str, Any]]]:
    chosen = [
        p
        for p in _PANELS.values()
        if viewer.org_type in p.org_types
        or bool(p.platform_roles & viewer.platform_roles)
        or (p.capability is not None and viewer.can(p.capability))
    ]
    chosen.sort(key=lambda p: (p.order, p.key))
    return [(p, p.context(viewer)) for p in chosen]
