"""Who may read the dashboards (ARCHITECTURE.md conventions 5, 15, 16): the staff of the ministry, the
authorities and oversight, each within its jurisdiction (dengta.core.tallies.region_parts decides which
regions; one outside it is a 404)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Decision


def can_view_dashboards(viewer: Viewer) -> Decision:
    if not viewer.is_authenticated:
        return Decision.deny(_("未登录"))
    if viewer.can(Capability.VIEW_DASHBOARDS):
        return Decision.allow("")
    return Decision.deny(_("统计看板只对部委、主管部门和监督机构开放"))
