"""Who may read the reference-data pages (ARCHITECTURE.md convention 5)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Decision


def can_view_reference(viewer: Viewer) -> Decision:
    """Every member of an organisation may consult the code lists: they are public standards, and an
    enterprise needs them to fill in its own profile (industry code, region code)."""
    if not viewer.can(Capability.VIEW_REFERENCE):
        return Decision.deny(str(_("未登录或没有机构成员身份")))
    return Decision.allow(str(_("可以查阅参考数据")))
