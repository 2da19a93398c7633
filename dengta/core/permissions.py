"""Who may read the event log; which roles may is the role table's answer (dengta.orgs.roles)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Decision


def can_view_events(viewer: Viewer) -> Decision:
    """Auditors (oversight organisations, or people with the auditor platform role) read the event log."""
    if not viewer.is_authenticated:
        return Decision.deny(str(_("未登录")))
    if viewer.can(Capability.VIEW_EVENTS):
        return Decision.allow(str(_("监督机构成员或审计监督角色可查阅辖区内事件日志")))
    return Decision.deny(str(_("只有监督机构或审计监督角色可以查阅事件日志")))
