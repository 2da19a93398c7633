"""The report of one scored assessment, as plain data: the page, the PDF, the Excel export and the API all
render this. Texts come from the framework version the assessment was scored with,
in the page's language (texts.for_display): the English of the MIIT index is our unofficial translation, so
the printed report, an official document, asks for the index's own Chinese (``official=True``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dengta.assessment import issuing, selectors, texts
from dengta.assessment.models import Assessment, ReportIssue
from dengta.assessment.scoring.bands import BandFramework
from dengta.assessment.scoring.eu_dma import DmaFramework
from dengta.assessment.scoring.framework import UNIT, format_points
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.core.access import Viewer

DIMENSION_ORDER = ("base", "mgmt", "results")


def _points(units: int | None) -> Decimal | None:
    return None if units is None else Decimal(units) / UNIT


@dataclass
class ItemRow:
    code: str
    dimension: str
    indicator: str
    name: str
    question: str
    options: list[dict[str, Any]]  # key, text, points, chosen
    points: Decimal
    max_points: Decimal
    derived: bool
    contradiction: dict[str, str] | None


@dataclass
class ScenarioCell:
    code: str
    name: str
    group: str
    constrained: bool
    level: int
    description: str  # the text of the level reached ("" at 0)
    next_description: str  # what the next level asks


@dataclass
class GapRow:
    level: int
    level_name: str
    points_short: Decimal
    scenarios_short: int
    constrained_short: int
    scenario_level: int


@dataclass
class PlanStep:
    kind: str
    code: str
    name: str
    current: str
    target: str
    points_gain: Decimal
    effort: int
    constrained: bool
    detail: str
    # The item's option is computed from collected numbers (e.g. 设备联网率): the step means improving the
    # real figure, not ticking another answer.
    from_numbers: bool = False


@dataclass
class EvidenceRow:
    evidence: Any
    item_name: str  # the item's or scenario's name in the framework (the code stays in the Excel's sheet)


@dataclass
class Report:
    assessment: Assessment
    framework_label: str  # code@version: for the API and the Excel's technical sheet, not for people
    provisional: bool  # the level rule is provisional and not yet confirmed against the official document
    level: int
    level_name: str
    level_meaning: str
    total: Decimal
    max_total: Decimal
    dimensions: list[dict[str, Any]]  # code, name, points, max, pct
    scenario_dimension_pct: Decimal  # 数字化经营 as mean scenario level / 4, for the radar
    items: list[ItemRow]
    scenario_groups: list[tuple[str, list[ScenarioCell]]]
    at_level: dict[int, int]
    constrained_at_least: dict[int, int]
    at_least: dict[int, int]
    decided_by: str
    level_by_points: int
    level_by_scenarios: int
    gaps: list[GapRow]
    plan_target: int
    plan_reachable: bool
    plan_already: bool
    plan_effort: int
    plan_steps: list[PlanStep]
    contradictions: list[dict[str, str]]
    baseline: Assessment | None
    deltas: list[selectors.Delta]
    peers: list[selectors.PeerMedian]
    history: list[Assessment]
    evidence: list[Any] = field(default_factory=list)
    plan_target_name: str = ""
    level_by_points_name: str = ""
    level_by_scenarios_name: str = ""
    framework_title: str = ""  # the framework's title and version as people name it
    issue: ReportIssue | None = None
    evidence_rows: list[EvidenceRow] = field(default_factory=list)
    translation_note: str = ""  # said beside texts that are our translation, not the index's wording


def level_name(fw: Compiled | BandFramework | DmaFramework, level: int) -> tuple[str, str]:
    english = (get_language() or "zh-hans").startswith("en")
    if isinstance(fw, Compiled):
        names = fw.raw["rules"].get("level_names", {}).get(str(level), {})
        if names:
            if english:
                return names.get("en", ""), names.get("meaning_en", "")
            return names.get("zh", ""), names.get("meaning_zh", "")
    if isinstance(fw, BandFramework):
        for band in fw.bands:
            if band.level == level:
                return (band.name_en if english else band.name_zh), ""
    if isinstance(fw, DmaFramework) and 1 <= level <= len(fw.bands):
        dma_band = fw.bands[level - 1]  # an EU DMA result's level is its band's place, Basic 1 … Advanced 4
        return (dma_band.name if english or not dma_band.name_zh else dma_band.name_zh), ""
    return (_("未达等级"), "") if level == 0 else (_("%(n)s级") % {"n": level}, "")


def _items(fw: Compiled, result: dict[str, Any]) -> list[ItemRow]:
    options = result.get("options", {})
    derived = result.get("derived", {})
    contradictions = {c["item"]: c for c in result.get("contradictions", [])}
    rows = []
    for item in fw.items:
        chosen = set(options.get(item.code, []))
        rows.append(
            ItemRow(
                code=item.code,
                dimension=item.dimension,
                indicator=fw.indicators[item.indicator].name,
                name=item.name,
                question=item.question,
                options=[
                    {
                        "key": o.key,
                        "text": o.text,
                        "points": format_points(o.points),
                        "chosen": o.key in chosen,
                    }
                    for o in item.options
                ],
                points=_points(result.get("item_points", {}).get(item.code, 0)) or Decimal(0),
                max_points=Decimal(item.points) / UNIT,
                derived=item.code in derived,
                contradiction=contradictions.get(item.code),
            )
        )
    return rows


def _scenarios(fw: Compiled, result: dict[str, Any]) -> list[tuple[str, list[ScenarioCell]]]:
    levels = result.get("scenario_levels", {})
    groups: dict[str, list[ScenarioCell]] = {}
    for s in fw.scenarios:
        lv = int(levels.get(s.code, 0))
        groups.setdefault(s.group, []).append(
            ScenarioCell(
                code=s.code,
                name=s.name,
                group=s.group,
                constrained=s.constrained,
                level=lv,
                description=s.levels[lv - 1] if lv else "",
                next_description=s.levels[lv] if lv < len(s.levels) else "",
            )
        )
    return list(groups.items())


def _plan(fw: Compiled, plan: dict[str, Any], derived: dict[str, str]) -> list[PlanStep]:
    steps = []
    for s in plan.get("steps", []):
        if s["kind"] == "scenario":
            scenario = fw.scenario(s["code"])
            name = scenario.name if scenario else s["code"]
            detail = scenario.levels[s["target"] - 1] if scenario else ""
            steps.append(
                PlanStep(
                    "scenario",
                    s["code"],
                    name,
                    str(s["current"]),
                    str(s["target"]),
                    Decimal(0),
                    s["effort"],
                    s["constrained"],
                    detail,
                )
            )
        else:
            item = fw.item(s["code"])
            name = item.name if item else s["code"]
            target = [
                o
                for o in (item.options if item else ())
                if o.key in s["target"] and o.key not in s["current"]
            ]
            detail = texts.list_separator().join(o.text for o in target)
            steps.append(
                PlanStep(
                    "item",
                    s["code"],
                    name,
                    ";".join(s["current"]) or "—",
                    ";".join(s["target"]),
                    Decimal(s["points_gain"]) / UNIT,
                    s["effort"],
                    False,
                    detail,
                    from_numbers=s["code"] in derived,
                )
            )
    return steps


def _delta_labels(fw: Compiled) -> dict[str, Any]:
    names = {d.code: d.name for d in fw.dimensions}
    return {
        "total": _("总分"),
        "level": _("等级"),
        "base": names.get("base", "base"),
        "mgmt": names.get("mgmt", "mgmt"),
        "results": names.get("results", "results"),
        "_scenarios": {s.code: s.name for s in fw.scenarios},
    }


def _issue(assessment: Assessment) -> ReportIssue | None:
    return ReportIssue.objects.select_related("superseded_by").filter(assessment=assessment).first()


def _evidence_rows(fw: Compiled, assessment: Assessment) -> list[EvidenceRow]:
    rows = []
    for e in assessment.evidence.select_related("uploaded_by"):
        item = fw.item(e.item_code)
        scenario = fw.scenario(e.item_code) if item is None else None
        name = item.name if item else (scenario.name if scenario else _("（已不在此版本中的评测项）"))
        rows.append(EvidenceRow(evidence=e, item_name=name))
    return rows


def build_report(assessment: Assessment, viewer: Viewer, *, official: bool = False) -> Report:
    fw = texts.for_display(assessment.framework.compiled(), official=official)
    result = assessment.result or {}
    level = int(assessment.level or 0)
    name, meaning = level_name(fw, level)
    history = selectors.history(assessment.enterprise, viewer)
    baseline = selectors.baseline_for(assessment, viewer) if assessment.has_score else None
    if not isinstance(fw, Compiled):
        return Report(
            assessment=assessment,
            framework_label=assessment.framework.label,
            provisional=issuing.rule_unverified(assessment.framework),
            framework_title=issuing.framework_name(assessment.framework),
            issue=_issue(assessment),
            level=level,
            level_name=name,
            level_meaning=meaning,
            total=assessment.total or Decimal(0),
            max_total=Decimal(100),
            dimensions=[],
            scenario_dimension_pct=Decimal(0),
            items=[],
            scenario_groups=[],
            at_level={},
            constrained_at_least={},
            at_least={},
            decided_by="",
            level_by_points=level,
            level_by_scenarios=level,
            gaps=[],
            plan_target=2,
            plan_reachable=False,
            plan_already=level >= 2,
            plan_effort=0,
            plan_steps=[],
            contradictions=[],
            baseline=None,
            deltas=[],
            peers=[],
            history=history,
        )
    dims = []
    for d in fw.dimensions:
        pts = _points(result.get("dimension_points", {}).get(d.code, 0)) or Decimal(0)
        mx = Decimal(d.points) / UNIT
        dims.append(
            {"code": d.code, "name": d.name, "points": pts, "max": mx, "pct": (pts / mx * 100) if mx else 0}
        )
    levels = [int(v) for v in result.get("scenario_levels", {}).values()]
    top = max((len(s.levels) for s in fw.scenarios), default=4)
    scen_pct = Decimal(sum(levels)) / (len(levels) * top) * 100 if levels else Decimal(0)
    gaps = [
        GapRow(
            level=g["level"],
            level_name=level_name(fw, g["level"])[0],
            points_short=Decimal(g["points_short"]) / UNIT,
            scenarios_short=g["scenarios_short"],
            constrained_short=g["constrained_short"],
            scenario_level=g["scenario_level"],
        )
        for g in result.get("gaps", [])
    ]
    plan = result.get("plan", {})
    contradictions = []
    for c in result.get("contradictions", []):
        item = fw.item(c["item"])
        contradictions.append({**c, "name": item.name if item else c["item"]})
    return Report(
        assessment=assessment,
        framework_label=assessment.framework.label,
        provisional=issuing.rule_unverified(assessment.framework),
        framework_title=issuing.framework_name(assessment.framework),
        issue=_issue(assessment),
        level=level,
        level_name=name,
        level_meaning=meaning,
        total=assessment.total or Decimal(0),
        max_total=Decimal(fw.total_points) / UNIT,
        dimensions=dims,
        scenario_dimension_pct=scen_pct,
        items=_items(fw, result),
        scenario_groups=_scenarios(fw, result),
        at_level={int(k): v for k, v in result.get("at_level", {}).items()},
        constrained_at_least={int(k): v for k, v in result.get("constrained_at_least", {}).items()},
        at_least={int(k): v for k, v in result.get("at_least", {}).items()},
        decided_by=result.get("decided_by", ""),
        level_by_points=int(result.get("level_by_points", 0)),
        level_by_scenarios=int(result.get("level_by_scenarios", 0)),
        gaps=gaps,
        plan_target=int(plan.get("target_level", 2)),
        plan_reachable=bool(plan.get("reachable")),
        plan_already=bool(plan.get("already")),
        plan_effort=int(plan.get("effort", 0)),
        plan_steps=_plan(fw, plan, result.get("derived", {})),
        contradictions=contradictions,
        baseline=baseline,
        deltas=selectors.deltas(baseline, assessment, _delta_labels(fw)) if baseline else [],
        peers=selectors.peer_medians(assessment) if assessment.has_score else [],
        history=history,
        evidence=list(assessment.evidence.all()),
        evidence_rows=_evidence_rows(fw, assessment),
        plan_target_name=level_name(fw, int(plan.get("target_level", 2)))[0],
        level_by_points_name=level_name(fw, int(result.get("level_by_points", 0)))[0],
        level_by_scenarios_name=level_name(fw, int(result.get("level_by_scenarios", 0)))[0],
        translation_note="" if official else texts.translation_note(fw),
    )
