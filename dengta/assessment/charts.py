"""Server-side SVG charts for the printable report.

WeasyPrint runs no JavaScript, so the ECharts radar of the report page cannot be printed; these functions
draw the same charts as plain SVG strings. Pure Python, no Django: callers pass translated labels. Colours
are the product's level colours (``--dt-level-1..4`` in dengta/static/dengta/css/dengta.css, UI.md "levels
一级–四级 always the same four colours").
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

# Keep in step with --dt-level-1..4 in dengta/static/dengta/css/dengta.css.
LEVEL_COLOURS: dict[int, str] = {0: "#eef1f4", 1: "#9ecae1", 2: "#4292c6", 3: "#2171b5", 4: "#08306b"}
# Text on a level colour: dark where the fill is light, white where it is dark (contrast ≥ 4.5:1).
LEVEL_TEXT_COLOURS: dict[int, str] = {0: "#1f2328", 1: "#1f2328", 2: "#1f2328", 3: "#ffffff", 4: "#ffffff"}
GRID_COLOUR = "#c4ccd6"
AXIS_TEXT_COLOUR = "#1f2328"
CURRENT_COLOUR = LEVEL_COLOURS[3]
BASELINE_COLOUR = "#6c757d"  # draft grey: the earlier state
FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", sans-serif'

Number = float | int | Decimal


@dataclass(frozen=True)
class RadarSeries:
    label: str
    values: Sequence[Number]  # percentages 0–100, one per axis
    colour: str = CURRENT_COLOUR
    dashed: bool = False


def level_fill(level: int) -> str:
    return LEVEL_COLOURS.get(level, LEVEL_COLOURS[0])


def level_text(level: int) -> str:
    return LEVEL_TEXT_COLOURS.get(level, LEVEL_TEXT_COLOURS[0])


def clamp_pct(value: Number) -> float:
    number = float(value)
    if math.isnan(number):
        return 0.0
    return max(0.0, min(100.0, number))


def axis_angle(index: int, count: int) -> float:
    """Angle of axis ``index`` in radians: the first axis points up, the others follow clockwise."""
    return -math.pi / 2 + 2 * math.pi * index / count


def radar_point(
    cx: float, cy: float, radius: float, index: int, count: int, pct: Number
) -> tuple[float, float]:
    """Where ``pct`` % lies on axis ``index`` of ``count``: 0 % at the centre, 100 % on the outer ring."""
    r = radius * clamp_pct(pct) / 100
    angle = axis_angle(index, count)
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def text_width(text: str, font_size: float = 12) -> float:
    """An estimate of the rendered width: CJK characters are square, Latin ones about half as wide."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    return font_size * (wide + 0.55 * (len(text) - wide))


def wrap_label(label: str, *, chinese_max: int = 5, latin_max: int = 14) -> list[str]:
    """An axis name in lines, as the page's ECharts radar wraps it (dengta/js/charts.js): Chinese before a
    bracketed part ("数字化经营" / "（场景）") or after four characters when longer than five; English between
    words at about 14 characters. A long single line widened the chart and crowded the other names."""
    if any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in label):
        bracket = label.find("\uff08")
        if bracket > 0:
            return [label[:bracket], label[bracket:]]
        return [label[:4], label[4:]] if len(label) > chinese_max else [label]
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= latin_max:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [label]


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(coords: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in coords)


def _anchor(x: float, cx: float) -> str:
    if abs(x - cx) < 1:
        return "middle"
    return "start" if x > cx else "end"


def radar_svg(
    axes: Sequence[str],
    series: Sequence[RadarSeries],
    *,
    title: str = "",
    size: int = 300,
    rings: Sequence[int] = (25, 50, 75, 100),
    font_size: int = 12,
) -> str:
    """A radar chart: one axis per label, one polygon per series, rings at the given percentages.

    Labels and titles are escaped; values outside 0–100 are clamped to the rings.
    """
    count = len(axes)
    if count < 3:
        raise ValueError("a radar chart needs at least three axes")
    for s in series:
        if len(s.values) != count:
            raise ValueError("each series needs one value per axis")
    legend_height = 22 if series else 0
    wrapped = [wrap_label(a) for a in axes]
    side = max(60.0, max(text_width(line, font_size) for lines in wrapped for line in lines) + 20)
    width, height = int(size + 2 * side), size + 60 + legend_height
    cx, cy, radius = width / 2, 30 + size / 2, size / 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dt-radar" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT_FAMILY)} font-size="{font_size}" '
        'role="img"' + (f" aria-label={quoteattr(title)}" if title else "") + ">"
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    for pct in rings:
        ring = [radar_point(cx, cy, radius, i, count, pct) for i in range(count)]
        out.append(
            f'<polygon class="ring" points="{_points(ring)}" fill="none" stroke="{GRID_COLOUR}" '
            f'stroke-width="{1 if pct == 100 else 0.6}"/>'
        )
        x, y = radar_point(cx, cy, radius, 0, count, pct)
        out.append(
            f'<text x="{_fmt(x + 3)}" y="{_fmt(y + 10)}" font-size="{_fmt(font_size * 0.75)}" '
            f'fill="#5c6670">{pct}%</text>'
        )
    line_height = font_size * 1.25
    for i, lines in enumerate(wrapped):
        x, y = radar_point(cx, cy, radius, i, count, 100)
        out.append(
            f'<line class="axis" x1="{_fmt(cx)}" y1="{_fmt(cy)}" x2="{_fmt(x)}" y2="{_fmt(y)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.6"/>'
        )
        lx, ly = radar_point(cx, cy, radius + 12, i, count, 100)
        baseline = "auto" if ly < cy - 1 else ("hanging" if ly > cy + 1 else "middle")
        dy = -2 if baseline == "auto" else (font_size / 3 if baseline == "middle" else font_size * 0.85)
        # The first line's baseline: names above the centre grow upwards, beside it around the axis.
        extra = (len(lines) - 1) * line_height
        top = ly + dy - (extra if baseline == "auto" else extra / 2 if baseline == "middle" else 0)
        if len(lines) == 1:
            body, place = escape(lines[0]), f' x="{_fmt(lx)}" y="{_fmt(top)}"'
        else:
            body, place = (
                "".join(
                    f'<tspan x="{_fmt(lx)}" y="{_fmt(top + n * line_height)}">{escape(line)}</tspan>'
                    for n, line in enumerate(lines)
                ),
                "",
            )
        out.append(
            f'<text class="axis-label"{place} text-anchor="{_anchor(lx, cx)}" '
            f'fill="{AXIS_TEXT_COLOUR}">{body}</text>'
        )
    for s in series:
        coords = [radar_point(cx, cy, radius, i, count, v) for i, v in enumerate(s.values)]
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        fill_opacity = "0.08" if s.dashed else "0.25"
        out.append(
            f'<polygon class="series" points="{_points(coords)}" fill="{s.colour}" '
            f'fill-opacity="{fill_opacity}" stroke="{s.colour}" stroke-width="2"{dash}>'
            f"<title>{escape(s.label)}</title></polygon>"
        )
        for x, y in coords:
            out.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="2.5" fill="{s.colour}"/>')
    if series:
        lx = 10.0
        ly = height - 10
        for s in series:
            dash = ' stroke-dasharray="5 3"' if s.dashed else ""
            out.append(
                f'<line x1="{_fmt(lx)}" y1="{_fmt(ly - 4)}" x2="{_fmt(lx + 22)}" y2="{_fmt(ly - 4)}" '
                f'stroke="{s.colour}" stroke-width="2"{dash}/>'
            )
            out.append(f'<text x="{_fmt(lx + 28)}" y="{_fmt(ly)}">{escape(s.label)}</text>')
            lx += 44 + text_width(s.label, font_size)
    out.append("</svg>")
    return "".join(out)


def level_legend_svg(names: Sequence[tuple[int, str]], *, swatch: int = 14, gap: int = 12) -> str:
    """A row of coloured swatches, one per (level, name), in the level colours."""
    x = 0.0
    parts = []
    for level, name in names:
        parts.append(
            f'<rect x="{_fmt(x)}" y="2" width="{swatch}" height="{swatch}" rx="2" fill="{level_fill(level)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{_fmt(x + swatch + 4)}" y="{swatch}" fill="{AXIS_TEXT_COLOUR}">{escape(name)}</text>'
        )
        x += swatch + 4 + text_width(name, 11) + gap
    width = max(math.ceil(x), 1)
    height = swatch + 6
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dt-level-legend" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT_FAMILY)} font-size="11">'
        + "".join(parts)
        + "</svg>"
    )


def qr_svg(text: str, *, scale: int = 3) -> str:
    """A QR code of ``text`` as inline SVG (error correction M, a two-module quiet zone), drawn by segno in
    pure Python so it needs no image library and prints sharp in the PDF."""
    import segno

    code = segno.make(text, error="m", micro=False)
    svg: str = code.svg_inline(scale=scale, border=2, dark="#1f2328", light="#ffffff", svgclass="dt-qr")
    return svg
