from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer
from dengta.core.decisions import Decision


def can_view_events(viewer: Viewer) -> Decision:
    """Auditors (oversight organisations, or people with the auditor platform role) read the event log."""
    if not viewer.is_authenticated:
        return Decision.deny(str(_("未登录")))
    if viewer.org_type == "oversight":
        return Decision.allow(str(_("监督机构成员可查阅辖区内事件日志")))
    if viewer.has_platform_role("auditor"):
        return Decision.allow(str(_("具有审计监督角色")))
    return Decision.deny(str(_("只有监督机构或审计监督角色可以查阅事件日志")))
