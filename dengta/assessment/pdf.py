"""The printable report of a scored assessment: A4, Chinese fonts embedded (UI.md
"Printable reports (A4, Chinese fonts embedded)").

``build_report`` gives the data; this module turns it into ready-formatted rows, draws the charts as SVG
(WeasyPrint runs no JavaScript) and renders ``assessment/report_pdf.html`` with WeasyPrint. Resources are
fetched only from the staticfiles finders — never over the network — and fonts come from the system's
fontconfig (fonts-noto-cjk, installed by scripts/system_test_deps.sh).
"""

from __future__ import annotations

import mimetypes
import posixpath
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dengta.assessment import charts, formats, issuing, selectors
from dengta.assessment.dma import DmaReport
from dengta.assessment.models import Assessment, ReportIssue
from dengta.assessment.report import Report, level_name

TEMPLATE = "assessment/report_pdf.html"
DMA_TEMPLATE = "assessment/report_dma_pdf.html"
# A base URL that can never resolve (RFC 2606 .invalid): relative links in the template join onto it and the
# fetcher below maps them to the staticfiles finders; anything else is refused.
STATIC_ORIGIN = "https://dengta.invalid/static/"
STYLESHEET = "assessment/report_print.css"


# ----------------------------------------------------------------------------------------- resources


def static_file_for(url: str) -> str | None:
    """The local file behind a static URL under STATIC_ORIGIN, or None (other URLs, traversal, not found)."""
    if not url.startswith(STATIC_ORIGIN):
        return None
    relative = unquote(urlsplit(url).path)[len(urlsplit(STATIC_ORIGIN).path) :]
    normal = posixpath.normpath(relative)
    if not relative or normal.startswith(("..", "/")) or normal == ".":
        return None
    try:
        found = finders.find(normal)
    except SuspiciousFileOperation:
        return None
    return found if isinstance(found, str) and found else None


def static_fetcher() -> Any:
    """WeasyPrint's URL fetcher for every printed document: static files only, never the network."""
    # Imported here: WeasyPrint loads Pango and fontconfig, which pages that never print need not pay for.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves files found by the staticfiles finders; refuses every other URL (no network)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_file_for(url)
            if path is None:
                raise ValueError(f"refused to fetch {url!r}: only static files are served to the PDF")
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return StaticOnlyFetcher()


# ------------------------------------------------------------------------------------------- formats


def num(value: Any, places: int | None = None) -> str:
    """Points as everywhere else (dengta.assessment.formats: up to four decimals, trailing zeros dropped);
    ``places=1`` for percentages (UI.md)."""
    if places == 1:
        return formats.percent_text(value)
    return formats.points_text(value)


def signed(value: Any) -> str:
    return formats.signed_points_text(value)


def css_string(text: str) -> str:
    """A CSS string literal (for generated content), safe inside a <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("<", "\\3c ")
    return f'"{escaped}"'


def page_counter_content() -> str:
    """``第 N 页 / 共 M 页`` as the CSS ``content`` of the page footer, from one translatable string."""
    text = _("第 %(page)s 页 / 共 %(pages)s 页")
    out: list[str] = []
    rest = text
    while rest:
        positions = [(rest.find(k), k) for k in ("%(page)s", "%(pages)s") if k in rest]
        if not positions:
            out.append(css_string(rest))
            break
        at, key = min(positions)
        if at:
            out.append(css_string(rest[:at]))
        out.append("counter(page)" if key == "%(page)s" else "counter(pages)")
        rest = rest[at + len(key) :]
    return " ".join(out)


# ------------------------------------------------------------------------------------------ sections


@dataclass
class LevelNamer:
    """Level names per framework version, each compiled once."""

    cache: dict[int, Any]

    def __call__(self, assessment: Assessment, level: int | None) -> str:
        if level is None:
            return "—"
        fw = self.cache.get(assessment.framework_id)
        if fw is None:
            fw = self.cache[assessment.framework_id] = assessment.framework.compiled()
        return level_name(fw, int(level))[0]


def decided_text(report: Report) -> str:
    names = {"p": report.level_by_points, "s": report.level_by_scenarios}
    if report.decided_by == "top":
        return _("已达到最高等级。")
    if report.decided_by == "points":
        return _("等级受得分限制：按得分可评 %(p)s 级，按场景可评 %(s)s 级，取较低者。") % names
    if report.decided_by == "scenarios":
        return _("等级受场景等级限制：按得分可评 %(p)s 级，按场景可评 %(s)s 级，取较低者。") % names
    if report.decided_by == "both":
        return _("得分和场景等级都未达到上一级的要求。")
    return ""


def radar(report: Report) -> str:
    if not report.dimensions:
        return ""
    axes = [str(d["name"]) for d in report.dimensions] + [_("数字化经营")]
    values = [d["pct"] for d in report.dimensions] + [report.scenario_dimension_pct]
    series = [charts.RadarSeries(label=_("本次评测"), values=values)]
    base = report.baseline
    if base is not None and base.has_score:
        points = base.points()
        before = [
            (Decimal(points.get(d["code"]) or 0) / d["max"] * 100) if d["max"] else Decimal(0)
            for d in report.dimensions
        ]
        levels = [int(v) for v in (base.result or {}).get("scenario_levels", {}).values()]
        before.append(Decimal(sum(levels)) / (len(levels) * 4) * 100 if levels else Decimal(0))
        label = _("基线（%(date)s）") % {"date": base.assessed_on.isoformat() if base.assessed_on else ""}
        series.insert(
            0, charts.RadarSeries(label=label, values=before, colour=charts.BASELINE_COLOUR, dashed=True)
        )
    return charts.radar_svg(axes, series, title=_("各维度达成度（占满分的百分比）"), size=220, font_size=15)


def heat_rows(report: Report) -> list[dict[str, Any]]:
    """One row per scenario group, padded to the longest group (a fixed table layout needs equal rows)."""
    width = max((len(cells) for _group, cells in report.scenario_groups), default=0)
    rows = []
    for group, cells in report.scenario_groups:
        tiles = [
            {"cell": c, "fill": charts.level_fill(c.level), "text": charts.level_text(c.level)} for c in cells
        ]
        rows.append({"group": group, "cells": tiles, "padding": range(width - len(cells))})
    return rows


def item_rows(report: Report) -> list[dict[str, Any]]:
    names = {d["code"]: d for d in report.dimensions}
    out: list[dict[str, Any]] = []
    current = None
    for item in report.items:
        if item.dimension != current:
            current = item.dimension
            dim = names.get(item.dimension, {})
            out.append(
                {
                    "heading": True,
                    "name": dim.get("name", item.dimension),
                    "points": num(dim.get("points")),
                    "max": num(dim.get("max")),
                }
            )
        chosen = [o for o in item.options if o["chosen"]]
        out.append(
            {
                "heading": False,
                "item": item,
                "chosen": chosen,
                "points": num(item.points),
                "max": num(item.max_points),
            }
        )
    return out


def delta_rows(report: Report, namer: LevelNamer) -> tuple[list[dict[str, Any]], int]:
    """Headline rows always; scenario rows only where the level changed (the count of the others is given)."""
    rows: list[dict[str, Any]] = []
    unchanged = 0
    for d in report.deltas:
        scenario = d.key.startswith("scenario:")
        if scenario and d.before == d.after:
            unchanged += 1
            continue
        if d.key == "level":
            base = report.baseline
            before = namer(base, d.before) if base is not None else num(d.before)
            after = namer(report.assessment, d.after)
        else:
            before, after = num(d.before), num(d.after)
        first = scenario and not any(r["scenario"] for r in rows)
        rows.append(
            {
                "label": d.label,
                "before": before,
                "after": after,
                "change": signed(d.change),
                "scenario": scenario,
                "first_scenario": first,
            }
        )
    return rows, unchanged


def peer_rows(report: Report) -> list[dict[str, Any]]:
    rows = []
    for peer in report.peers:
        rows.append(
            {
                "label": peer.label,
                "count": peer.count,
                "enough": peer.enough,
                "total": num(peer.total),
                "dims": [num(peer.dimensions.get(d["code"])) for d in report.dimensions],
                "level": num(peer.level),
            }
        )
    return rows


def framework_title(assessment: Assessment) -> str:
    """The framework's English title in English where its data gives one (the rules file's ``title_en``)."""
    return issuing.framework_title(assessment.framework)


def issue_context(assessment: Assessment, request: Any = None) -> dict[str, Any]:
    """The issue's number, issuer, verification address and QR code, and the PDF metadata that lets the
    verification page check an uploaded copy. An assessment not (yet) issued prints none of them."""
    issue = ReportIssue.objects.select_related("superseded_by").filter(assessment=assessment).first()
    if issue is None:
        return {"issue": None, "keywords": "", "verify_url": "", "qr_svg": ""}
    url = issuing.verification_url(issue, request)
    return {
        "issue": issue,
        "keywords": issuing.pdf_keywords(issue),
        "verify_url": url,
        "qr_svg": mark_safe(charts.qr_svg(url)),  # noqa: S308  (segno's SVG of our own URL)
        "rule_unverified": issuing.rule_unverified(assessment.framework),
    }


def context(report: Report, request: Any = None) -> dict[str, Any]:
    assessment = report.assessment
    namer = LevelNamer(cache={})
    deltas, unchanged = delta_rows(report, namer)
    levels = [(lv, namer(assessment, lv)) for lv in range(0, 5)]
    return {
        "report": report,
        "assessment": assessment,
        "enterprise": assessment.enterprise,
        "framework": assessment.framework,
        "framework_title": framework_title(assessment),
        "generated": timezone.localtime(),
        "level_fill": charts.level_fill(report.level),
        "level_text": charts.level_text(report.level),
        "total": num(report.total),
        "max_total": num(report.max_total),
        "decided": decided_text(report),
        "dimensions": [
            {**d, "points_text": num(d["points"]), "max_text": num(d["max"]), "pct_text": num(d["pct"], 1)}
            for d in report.dimensions
        ],
        "scenario_pct": num(report.scenario_dimension_pct, 1),
        "radar_svg": mark_safe(radar(report)),  # noqa: S308  (built by charts, every label escaped)
        "heat_legend": [
            {"level": lv, "name": name, "fill": charts.level_fill(lv), "text": charts.level_text(lv)}
            for lv, name in levels
        ],
        "heat_rows": heat_rows(report),
        "at_least": [(lv, report.at_least.get(lv, 0)) for lv in range(1, 5)],
        "item_rows": item_rows(report),
        "gaps": [
            {
                "gap": g,
                "points_short": num(g.points_short),
                "scenario_name": namer(assessment, g.scenario_level),
            }
            for g in report.gaps
        ],
        "plan_target_name": namer(assessment, report.plan_target),
        "plan_steps": [{"step": s, "gain": num(s.points_gain)} for s in report.plan_steps],
        "deltas": deltas,
        "unchanged_scenarios": unchanged,
        "baseline_level": namer(report.baseline, report.baseline.level) if report.baseline else "",
        "peers": peer_rows(report),
        "min_peers": selectors.MIN_PEERS,
        "history": [
            {
                "a": a,
                "total": num(a.total),
                "level": namer(a, a.level),
                "current": a.pk == assessment.pk,
                "framework": issuing.framework_name(a.framework),
            }
            for a in report.history
        ],
        "evidence_rows": report.evidence_rows,
        "page_counter": mark_safe(page_counter_content()),  # noqa: S308  (css_string escapes every part)
        "stylesheet": STYLESHEET,
        **issue_context(assessment, request),
    }


def render_html(report: Report, request: Any = None) -> str:
    return render_to_string(TEMPLATE, context(report, request))


def render_pdf(report: Report, request: Any = None) -> bytes:
    """The report as a PDF document (bytes); ``request`` gives the address for the verification link when
    DENGTA_PUBLIC_URL is not set."""
    return _write_pdf(render_html(report, request))


def _write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=static_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf


# ------------------------------------------------------------------------------------------------ EU DMA


def dma_radar(report: DmaReport) -> str:
    axes = [d.label for d in report.dimensions]
    series = [charts.RadarSeries(label=_("本次评测"), values=[d.score or 0 for d in report.dimensions])]
    base = report.baseline
    if base is not None:
        label = _("基线（%(date)s）") % {"date": base.assessed_on.isoformat() if base.assessed_on else ""}
        values = [d.before or 0 for d in report.dimensions]
        series.insert(
            0, charts.RadarSeries(label=label, values=values, colour=charts.BASELINE_COLOUR, dashed=True)
        )
    return charts.radar_svg(axes, series, title=_("六个维度得分（0–100）"), size=220, font_size=15)


def dma_context(report: DmaReport, request: Any = None) -> dict[str, Any]:
    assessment = report.assessment
    miit = report.miit
    return {
        "report": report,
        "assessment": assessment,
        "enterprise": assessment.enterprise,
        "framework": assessment.framework,
        # One language per name, as on the page and the verification page (the English title in English).
        "framework_title": issuing.framework_title(assessment.framework),
        "generated": timezone.localtime(),
        "overall": num(report.overall),
        "baseline_total": num(report.baseline.total) if report.baseline else "",
        "dimensions": [{"row": d, "score": num(d.score), "before": num(d.before)} for d in report.dimensions],
        "questions": [{"row": q, "score": num(q.score)} for q in report.questions],
        "radar_svg": mark_safe(dma_radar(report)),  # noqa: S308  (built by charts, every label escaped)
        "miit_total": num(miit.total) if miit else "",
        "miit_level": LevelNamer(cache={})(miit, miit.level) if miit else "",
        "page_counter": mark_safe(page_counter_content()),  # noqa: S308  (css_string escapes every part)
        "stylesheet": STYLESHEET,
        **issue_context(assessment, request),
    }


def render_dma_pdf(report: DmaReport, request: Any = None) -> bytes:
    """The printable summary of a scored EU DMA assessment: overall, band, dimensions and questions."""
    return _write_pdf(render_to_string(DMA_TEMPLATE, dma_context(report, request)))
