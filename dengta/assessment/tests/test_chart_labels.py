"""Radar axis names wrap as on the page (dengta/js/charts.js), so the long ones neither overlap nor widen."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from dengta.assessment import charts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("数字化经营（场景）", ["数字化经营", "（场景）"]),
        ("产品生命周期数字化", ["产品生命", "周期数字化"]),
        ("数字化基础", ["数字化基础"]),
        ("Digital operations (scenarios)", ["Digital", "operations", "(scenarios)"]),
        ("Digital basics", ["Digital basics"]),
    ],
)
def test_wrap_label(label: str, lines: list[str]) -> None:
    assert charts.wrap_label(label) == lines


def test_a_wrapped_axis_name_is_one_text_in_lines_that_do_not_overlap() -> None:
    axes = ["数字化基础", "数字化管理", "数字化成效", "数字化经营（场景）"]
    svg = charts.radar_svg(axes, [charts.RadarSeries("本次", [60, 40, 55, 30])], size=220, font_size=15)
    root = ElementTree.fromstring(svg)
    labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "axis-label"]
    assert ["".join(t.itertext()) for t in labels] == axes
    spans = list(labels[3].iter(f"{SVG}tspan"))
    assert [s.text for s in spans] == ["数字化经营", "（场景）"]
    first, second = (float(s.get("y", "0")) for s in spans)
    assert second - first >= 15  # a full line apart at font size 15
    # The chart is no wider than the longest line needs (the single-line name made it 40 px wider).
    single = charts.radar_svg(
        [*axes[:3], "数字化经营"], [charts.RadarSeries("本次", [1, 2, 3, 4])], size=220, font_size=15
    )
    assert root.get("width") == ElementTree.fromstring(single).get("width")
