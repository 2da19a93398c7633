"""Home-page panels of the assessment app (dengta.core.dashboard): the enterprise's latest level or its first
step, the level distribution of a jurisdiction, an expert's on-site queue and a provider's diagnoses.
Registered from AssessmentConfig.ready(); every figure comes from the selectors, scoped to the viewer, except
the jurisdiction's distribution, which is read from a per-region tally (dengta.assessment.tallies)."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from dengta.assessment import permissions, selectors, tallies
from dengta.core.access import Viewer
from dengta.core.dashboard import Panel, register_panel
from dengta.orgs.models import OrgType
from dengta.orgs.roles import STAFF_ORG_TYPES
from dengta.registry.selectors import own_enterprise

QUEUE_SHOWN = 5

LEVEL_NAMES = {
    0: _("未达等级"),
    1: _("一级"),
    2: _("二级"),
    3: _("三级"),
    4: _("四级"),
}


def enterprise_context(viewer: Viewer) -> dict[str, Any]:
    enterprise = own_enterprise(viewer)
    latest = selectors.latest_final(viewer)
    return {
        "enterprise": enterprise,
        "latest": latest,
        "level_name": LEVEL_NAMES.get(latest.level or 0) if latest is not None else "",
        "draft": selectors.open_self_draft(viewer),
        "can_start": bool(enterprise is not None and permissions.can_start_self(viewer, enterprise)),
    }


def staff_context(viewer: Viewer) -> dict[str, Any]:
    # Read from the per-region tally (dengta.assessment.tallies), not counted per request (docs/lists.md).
    dist, figures = tallies.level_distribution(viewer)
    rows = [
        {"level": level, "name": LEVEL_NAMES[level], "count": count, "share": dist.share(count)}
        for level, count in dist.counts.items()
    ]
    return {
        "dist": dist,
        "figures": figures,
        "rows": rows,
        "can_assign": bool(permissions.can_assign_onsite(viewer)),
    }


def expert_context(viewer: Viewer) -> dict[str, Any]:
    # The nearest deadline first (an assignment without one last), so what is overdue comes on top.
    queue = selectors.onsite_queue(viewer).order_by(F("due_on").asc(nulls_last=True), "created_at", "pk")
    return {"count": queue.count(), "items": list(queue[:QUEUE_SHOWN])}


def provider_context(viewer: Viewer) -> dict[str, Any]:
    return {
        "counts": selectors.diagnosis_counts(viewer),
        "invited": selectors.invited_enterprises(viewer).count(),
        "can_start": bool(permissions.can_start_diagnosis(viewer)),
    }


PANELS = (
    Panel(
        key="assessment.my_level",
        title=_("数字化水平评测"),
        template="assessment/panels/my_level.html",
        org_types=frozenset({OrgType.ENTERPRISE}),
        context=enterprise_context,
        order=5,
    ),
    Panel(
        key="assessment.levels",
        title=_("辖区企业数字化水平"),
        template="assessment/panels/levels.html",
        org_types=STAFF_ORG_TYPES,
        context=staff_context,
        order=30,
    ),
    Panel(
        key="assessment.onsite_queue",
        title=_("待办现场评定"),
        template="assessment/panels/onsite_queue.html",
        org_types=frozenset({OrgType.EXPERT_POOL}),
        context=expert_context,
        order=5,
    ),
    Panel(
        key="assessment.diagnoses",
        title=_("本机构的企业诊断"),
        template="assessment/panels/diagnoses.html",
        org_types=frozenset({OrgType.PROVIDER}),
        context=provider_context,
        order=20,
    ),
)


def register() -> None:
    tallies.register()
    for panel in PANELS:
        register_panel(panel)
