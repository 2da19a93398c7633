"""The assessment list's filter and its export, registered with dengta.core.exports (the page's rows)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from dengta.assessment import selectors
from dengta.assessment.models import Assessment, Framework, Kind, Phase, State
from dengta.core.access import Viewer
from dengta.core.exports import Export, register_export
from dengta.core.lists import sort_by
from dengta.core.search import name_search_q

SORTS = {
    "enterprise": "enterprise__name",
    "kind": "kind",
    "phase": "phase",
    "state": "state",
    "total": "total",
    "level": "level",
    "date": "assessed_on",
    "created": "created_at",
}
FILTERS = ("q", "state", "kind", "phase", "level")


def assessments_filtered(viewer: Viewer, params: QueryDict) -> tuple[QuerySet[Assessment], dict[str, str]]:
    """The assessments the viewer may see, filtered by the list page's parameters."""
    qs = selectors.assessment_list_for(viewer)
    values = {k: params.get(k, "").strip() for k in FILTERS}
    if values["q"]:
        qs = qs.filter(
            name_search_q(values["q"], name_field="enterprise__name", grams_field="enterprise__name_grams")
            | Q(enterprise__uscc=values["q"].upper())
        )
    if values["state"] in State.values:
        qs = qs.filter(state=values["state"])
    if values["kind"] in Kind.values:
        qs = qs.filter(kind=values["kind"])
    if values["phase"] in Phase.values:
        qs = qs.filter(phase=values["phase"])
    if values["level"].isdigit():  # a digital level (一级…): an EU DMA band is not one
        qs = qs.filter(level=int(values["level"])).exclude(framework__kind=Framework.Kind.EU_DMA)
    return qs, values


class _Row:
    """One assessment's values (``FIELDS``) → its row, with the choice labels read once in the export's
    language. Values, not instances: an instance joined to its framework would carry the framework's whole
    content (the indicator tree) on every row."""

    def __init__(self) -> None:
        self._labels: tuple[dict[str, str], ...] | None = None

    def __call__(self, values: tuple[Any, ...]) -> tuple[object, ...]:
        if self._labels is None:
            self._labels = tuple({str(v): str(label) for v, label in c.choices} for c in (Kind, Phase, State))
        kinds, phases, states = self._labels
        name, uscc, kind, phase, state, code, version, assessed_on, total, level = values
        return (
            name,
            uscc,
            kinds.get(kind, kind),
            phases.get(phase, phase),
            states.get(state, state),
            f"{code}@{version}",  # Framework.label
            assessed_on.isoformat() if assessed_on else "",
            float(total) if total is not None else None,
            level,
        )


FIELDS = (
    "enterprise__name",
    "enterprise__uscc",
    "kind",
    "phase",
    "state",
    "framework__code",
    "framework__version",
    "assessed_on",
    "total",
    "level",
)


@register_export("assessment.assessments")
def assessments_export(viewer: Viewer, params: QueryDict) -> Export:
    # The list itself shows every viewer the assessments they may see (none for some): so does the export.
    qs, _values = assessments_filtered(viewer, params)
    qs, _sort = sort_by(params, qs, SORTS, "-created")
    headers = [
        _("企业名称"),
        _("统一社会信用代码"),
        _("评测方式"),
        _("阶段"),
        _("状态"),
        _("评测框架"),
        _("评测日期"),
        _("总分"),
        _("等级"),
    ]
    return Export("assessments.xlsx", "assessments", headers, qs, _Row(), FIELDS)
