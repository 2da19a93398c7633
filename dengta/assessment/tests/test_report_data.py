"""build_report's plan rows: steps on items computed from collected numbers say so."""

from __future__ import annotations

from dengta.assessment.report import _plan
from dengta.assessment.scoring.definitions import canonical, compile_content, read_definition
from dengta.assessment.scoring.framework import Framework


def _fw() -> Framework:
    fw = compile_content(canonical(read_definition("miit-2024-manufacturing.rules.json").content))
    assert isinstance(fw, Framework)
    return fw


def test_plan_steps_on_derived_items_are_marked() -> None:
    plan = {
        "steps": [
            {
                "kind": "item",
                "code": "base.equipment.connectivity",
                "current": ["A"],
                "target": ["C"],
                "points_gain": 30000,
                "effort": 8,
                "constrained": False,
            },
            {
                "kind": "item",
                "code": "base.security.data",
                "current": [],
                "target": ["B", "C"],
                "points_gain": 25000,
                "effort": 2,
                "constrained": False,
            },
            {
                "kind": "scenario",
                "code": "quality",
                "current": 1,
                "target": 2,
                "points_gain": 0,
                "effort": 3,
                "constrained": True,
            },
        ]
    }
    rows = _plan(_fw(), plan, {"base.equipment.connectivity": "A"})
    marks = {r.code: r.from_numbers for r in rows}
    assert marks == {"base.equipment.connectivity": True, "base.security.data": False, "quality": False}
    assert rows[0].detail == "(20%,40%]" and rows[1].detail.startswith("建立了数据安全管理制度")
    assert rows[1].current == "—" and rows[1].target == "B;C"
