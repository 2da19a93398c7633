"""Report downloads: the SVG charts, the printable PDF (A4, CJK fonts embedded), the Excel export of the
answers (formula injection neutralised), and who may download what.

PDF generation takes a second or two, so only two tests make real PDFs; the content is checked on the HTML
that WeasyPrint prints.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dengta.assessment import charts, pdf
from dengta.assessment.models import Assessment, Phase
from dengta.assessment.report import build_report
from dengta.assessment.services import (
    assessment_save_answers,
    assessment_submit,
    evidence_add,
    historical_record,
)
from dengta.assessment.views.exports import content_disposition
from dengta.registry.models import Enterprise

from .conftest import self_assessment

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "reports"
SVG = "{http://www.w3.org/2000/svg}"


def pdf_url(a: Assessment) -> str:
    return reverse("assessment:report_pdf", args=[a.pk])


def xlsx_url(a: Assessment) -> str:
    return reverse("assessment:answers_xlsx", args=[a.pk])


# --------------------------------------------------------------------------------------------- charts


def _polygon(svg: str, cls: str, n: int = 0) -> list[tuple[float, float]]:
    root = ElementTree.fromstring(svg)
    polys = [p for p in root.iter(f"{SVG}polygon") if p.get("class") == cls]
    return [tuple(map(float, pair.split(","))) for pair in polys[n].get("points", "").split()]  # type: ignore[misc]


def _centre(svg: str) -> tuple[float, float, float]:
    """Centre and radius from the axis lines (they run from the centre to the 100 % ring)."""
    root = ElementTree.fromstring(svg)
    line = next(p for p in root.iter(f"{SVG}line") if p.get("class") == "axis")
    x1, y1, x2, y2 = (float(line.get(k, "0")) for k in ("x1", "y1", "x2", "y2"))
    return x1, y1, math.hypot(x2 - x1, y2 - y1)


def test_radar_points_lie_at_the_right_radius() -> None:
    axes = ["数字化基础", "数字化管理", "数字化成效", "数字化经营"]
    svg = charts.radar_svg(axes, [charts.RadarSeries("本次", [0, 50, 100, 25])], size=200)
    cx, cy, radius = _centre(svg)
    assert radius == pytest.approx(100, abs=0.01)
    points = _polygon(svg, "series")
    distances = [math.hypot(x - cx, y - cy) for x, y in points]
    assert distances == pytest.approx([0, 50, 100, 25], abs=0.02)
    # The first axis points up, the second to the right (clockwise).
    assert points[2] == pytest.approx((cx, cy + 100), abs=0.02)
    assert points[1] == pytest.approx((cx + 50, cy), abs=0.02)
    outer = _polygon(svg, "ring", 3)
    assert [math.hypot(x - cx, y - cy) for x, y in outer] == pytest.approx([100] * 4, abs=0.02)


def test_radar_clamps_values_and_escapes_labels() -> None:
    svg = charts.radar_svg(
        ["<script>", 'a"b', "x & y"],
        [
            charts.RadarSeries("T1 <new>", [150, -20, float("nan")]),
            charts.RadarSeries("T0", [10, 10, 10], colour=charts.BASELINE_COLOUR, dashed=True),
        ],
        title="标题 & <b>",
    )
    root = ElementTree.fromstring(svg)  # well-formed XML
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<script>" in texts and 'a"b' in texts and "x & y" in texts and "T1 <new>" in texts
    assert "<script>" not in svg
    cx, cy, radius = _centre(svg)
    first = _polygon(svg, "series", 0)
    assert [math.hypot(x - cx, y - cy) for x, y in first] == pytest.approx([radius, 0, 0], abs=0.02)
    second = [p for p in root.iter(f"{SVG}polygon") if p.get("class") == "series"][1]
    assert second.get("stroke") == charts.BASELINE_COLOUR and second.get("stroke-dasharray")


def test_radar_needs_three_axes_and_one_value_per_axis() -> None:
    with pytest.raises(ValueError, match="three axes"):
        charts.radar_svg(["a", "b"], [])
    with pytest.raises(ValueError, match="one value per axis"):
        charts.radar_svg(["a", "b", "c"], [charts.RadarSeries("s", [1, 2])])


def test_level_legend_uses_the_product_level_colours() -> None:
    css = (Path(__file__).resolve().parents[2] / "static" / "dengta" / "css" / "dengta.css").read_text()
    for level in range(1, 5):
        match = re.search(rf"--dt-level-{level}:\s*(#[0-9a-fA-F]{{6}})", css)
        assert match and match.group(1).lower() == charts.LEVEL_COLOURS[level]
    svg = charts.level_legend_svg([(1, "一级"), (2, "二级"), (3, "Level <3>"), (4, "四级")])
    root = ElementTree.fromstring(svg)
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills == [charts.LEVEL_COLOURS[lv] for lv in range(1, 5)]
    assert [t.text for t in root.iter(f"{SVG}text")] == ["一级", "二级", "Level <3>", "四级"]


# ---------------------------------------------------------------------------------------- PDF helpers


def test_fetcher_serves_static_files_only() -> None:
    found = pdf.static_file_for(pdf.STATIC_ORIGIN + pdf.STYLESHEET)
    assert found and found.endswith("report_print.css")
    for url in (
        "https://example.com/x.css",
        "file:///etc/passwd",
        pdf.STATIC_ORIGIN + "../../../../etc/passwd",
        pdf.STATIC_ORIGIN + "%2e%2e/%2e%2e/etc/passwd",
        pdf.STATIC_ORIGIN,
        pdf.STATIC_ORIGIN + "assessment/missing.css",
    ):
        assert pdf.static_file_for(url) is None, url
    fetcher = pdf.static_fetcher()
    assert b"@page" in fetcher.fetch(pdf.STATIC_ORIGIN + pdf.STYLESHEET).read()
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("https://example.com/font.woff")


def test_page_counter_and_css_strings() -> None:
    assert pdf.page_counter_content() == '"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
    assert pdf.css_string('a"b\\c</style>') == '"a\\"b\\\\c\\3c /style>"'
    assert pdf.num("46.9250") == "46.925" and pdf.num(50) == "50" and pdf.num("12.345", 1) == "12.3"
    assert pdf.signed(3) == "+3" and pdf.signed(-1) == "−1" and pdf.signed(None) == "—"  # a true minus


def test_content_disposition_is_safe() -> None:
    header = content_disposition("assessment-7-report.pdf", '天河/精密"零件-评测报告-7.pdf')
    assert header.startswith("attachment; filename=\"assessment-7-report.pdf\"; filename*=UTF-8''")
    assert "/" not in header.split("''", 1)[1] and '"' not in header.split("''", 1)[1]
    assert header.isascii()


# ------------------------------------------------------------------------------------------- the PDF


def _streams(data: bytes) -> list[bytes]:
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return out


def _pdf_text(data: bytes) -> str | None:
    """The text of the PDF by poppler's pdftotext where installed (not needed by the suite)."""
    if shutil.which("pdftotext") is None:
        return None
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def _check_pdf(data: bytes, enterprise: Enterprise) -> str | None:
    """Checks every PDF must pass; returns its text (whitespace removed) where pdftotext is installed."""
    assert data.startswith(b"%PDF-")
    everything = data + b"".join(_streams(data))  # object streams hold the dictionaries compressed
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", everything)
    assert boxes, "no MediaBox"
    for box in boxes:
        x0, y0, x1, y1 = (float(v) for v in box)
        assert (x1 - x0, y1 - y0) == (pytest.approx(595.28, abs=1), pytest.approx(841.89, abs=1))
    assert re.search(rb"/FontFile[23]?\b", everything), "no embedded font program"
    # A subset (tag + name) of Noto Sans CJK, with its font program (FontFile3: CFF) in the file.
    assert re.search(rb"(?i)/FontName\s*/[A-Z]{6}\+Noto-?Sans-?CJK-?SC", everything), (
        "Noto Sans CJK is not embedded"
    )
    pages = len(re.findall(rb"/Type\s*/Page\b", everything))
    assert pages >= 2
    # The document title carries the enterprise name (UTF-16 hex in the Info dictionary).
    assert ("<feff" + enterprise.name.encode("utf-16-be").hex()).encode() in everything.lower()
    text = _pdf_text(data)
    if text is None:
        return None
    flat = re.sub(r"\s+", "", text)
    assert enterprise.name in flat
    return flat


@pytest.mark.django_db
def test_pdf_download_is_a4_with_cjk_fonts_embedded(world: Any) -> None:
    t0 = self_assessment(world, level=1)
    t1 = self_assessment(world, phase=Phase.T1, level=2)
    response = world.client("enterprise").get(pdf_url(t1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="assessment-{t1.pk}-report.pdf"')
    assert "no-store" in response["Cache-Control"]
    data = response.content
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "assessment-report-t1.pdf").write_bytes(data)
    text = _check_pdf(data, t1.enterprise)
    if text is not None:
        assert re.search(r"第1页/共\d+页", text)
        assert "二级" in text and "改造前后对比" in text
    assert t0.pk != t1.pk


@pytest.mark.django_db
def test_the_official_pdf_is_chinese_for_an_english_reader_too(world: Any, monkeypatch: Any) -> None:
    """The printed report is an official document: rendered in Chinese whatever the page language, so one
    document never mixes our English headings with the index's Chinese wording."""
    a = self_assessment(world, level=2)
    languages: list[str] = []
    render = pdf.render_pdf

    def spy(report: Any, request: Any = None) -> bytes:
        languages.append(translation.get_language())
        return render(report, request)

    monkeypatch.setattr(pdf, "render_pdf", spy)
    client = world.client("guangzhou")
    client.cookies["django_language"] = "en"
    response = client.get(pdf_url(a))
    assert response.status_code == 200
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "assessment-report-en-reader.pdf").write_bytes(response.content)
    text = _check_pdf(response.content, a.enterprise)
    assert languages == ["zh-hans"]
    if text is not None:
        assert "二级" in text and "Level2" not in text


def _html(world: Any, a: Assessment, who: str = "enterprise", language: str = "zh-hans") -> str:
    with translation.override(language):
        return pdf.render_html(build_report(a, world.viewer(who)))


@pytest.mark.django_db
def test_report_html_has_every_section(world: Any) -> None:
    self_assessment(world, level=1)
    t1 = self_assessment(world, phase=Phase.T1, level=2)
    html = _html(world, t1)
    assert '<html lang="zh-hans">' in html
    assert world.registered.own.name in html
    # The MIIT 2024 level rule is provisional: one discreet footnote, not a banner.
    assert html.count("尚未与工信部正式文件逐条核对") == 1 and 'class="warning"' not in html
    issue = t1.issue
    assert issue.number in html and issue.issuer in html and issue.digest in html
    assert (
        f'<meta name="keywords" content="dengta-report:{issue.number} dengta-digest:{issue.digest}">' in html
    )
    assert "中小企业数字化水平评测指标（2024年版）制造业 2024.1" in html
    assert "miit-2024-manufacturing@2024.1" not in html
    assert "二级" in html and "利用信息技术手段或管理工具实现了单一业务数字化管理" in html  # badge + meaning
    ElementTree.fromstring(re.search(r"<svg.*?</svg>", html, flags=re.S).group(0))  # type: ignore[union-attr]
    assert html.count('class="tile"') == 16 and html.count("★") >= 10  # 16 scenarios, 10 constrained + legend
    assert "得分明细" in html and "base.equipment.network" not in html  # item names, not codes
    assert "距更高等级的差距" in html and "三级" in html
    assert "达到二级的路径" in html and "已达到二级或以上" in html
    assert "改造前后对比（T0→T1）" in html and "+1" in html  # level 1 → 2 and scenario levels up
    assert "样本不足" in html  # one enterprise in the sub-industry and city: fewer than five peers
    assert "历次评测" in html and html.count("◀") == 1
    assert 'content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"' in html
    assert "https://" not in html.replace(pdf.STATIC_ORIGIN, "")  # nothing to fetch from elsewhere


@pytest.mark.django_db
def test_report_html_for_level_1_shows_the_path_to_level_2(world: Any) -> None:
    a = self_assessment(world, level=1)
    html = _html(world, a)
    assert "一级" in html and "工作量最小的提升组合" in html
    assert html.count('<td class="num">1</td>') >= 1  # the first step of the plan
    assert "改造前后对比" not in html  # no baseline


@pytest.mark.django_db
def test_report_html_in_english(world: Any) -> None:
    a = self_assessment(world, level=2)
    html = _html(world, a, language="en")
    assert '<html lang="en">' in html
    assert "Level 2" in html and "IT or management tools give digital management" in html
    assert ">Enterprise<" in html and "Unified social credit code" in html


@pytest.mark.django_db
def test_historical_result_report_and_export(world: Any) -> None:
    """A 2022-band historical result has a total and a level only: the report and the export say that much."""
    a = historical_record(
        actor=world.members["ministry"].user,
        enterprise=world.registered.own,
        framework=world.frameworks["miit-2022"],
        total=Decimal("52.5"),
        assessed_on=date(2023, 6, 30),
    )
    html = _html(world, a)
    assert "52.5" in html and "二级" in html and "历次评测" in html
    assert "<svg" not in html and "得分明细" not in html and "达到二级的路径" not in html
    wb = _book(world.client("enterprise").get(xlsx_url(a)))
    summary = {row[0].value: row[1].value for row in wb["概要"].iter_rows(min_row=2)}
    assert summary["总分"] == pytest.approx(52.5) and summary["等级（数字）"] == 2
    assert [ws.max_row for ws in wb.worksheets[1:5]] == [1, 1, 1, 1]
    technical = {r[1].value for r in wb["技术信息"].iter_rows(min_row=2)}
    assert a.framework.label in technical


# ----------------------------------------------------------------------------------------------- Excel


def _book(response: Any) -> Any:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(response.content))


def _column(ws: Any, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


@pytest.mark.django_db
def test_excel_has_the_answers_in_five_sheets_and_the_codes_on_a_technical_one(world: Any) -> None:
    a = self_assessment(world, level=2)
    response = world.client("enterprise").get(xlsx_url(a))
    assert f'filename="assessment-{a.pk}-answers.xlsx"' in response["Content-Disposition"]
    wb = _book(response)
    assert wb.sheetnames == ["概要", "评测项", "场景", "填报数据", "佐证材料", "技术信息"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and all(c.font.bold for c in ws[1] if c.value)
    summary = {row[0].value: row[1].value for row in wb["概要"].iter_rows(min_row=2)}
    assert summary["企业"] == a.enterprise.name and summary["统一社会信用代码"] == a.enterprise.uscc
    assert summary["评测框架"] == "中小企业数字化水平评测指标（2024年版）制造业"
    assert summary["框架版本"] == "2024.1" and summary["评测方式"] == "企业自评"
    issue = a.issue
    assert summary["报告编号"] == issue.number and summary["出具机构"] == issue.issuer
    assert (
        summary["总分"] == pytest.approx(46.925)
        and summary["等级"] == "二级"
        and summary["等级（数字）"] == 2
    )
    assert summary["数字化基础得分"] == pytest.approx(23.8) and summary["数字化管理得分"] == pytest.approx(
        14.625
    )
    items = wb["评测项"]
    assert items.max_row == 1 + 15
    rows = {r[_column(items, "评测项") - 1].value: r for r in items.iter_rows(min_row=2)}
    data = rows["数据采集"]
    assert data[_column(items, "所选选项") - 1].value == "B;C;D;E;F;G;H;I;J"
    assert data[_column(items, "得分") - 1].value == pytest.approx(6.3)
    assert data[_column(items, "满分") - 1].data_type == "n"
    scenarios = wb["场景"]
    assert scenarios.max_row == 1 + 16
    levels = [r[_column(scenarios, "等级") - 1].value for r in scenarios.iter_rows(min_row=2)]
    assert all(isinstance(v, int) for v in levels) and levels.count(2) == 6
    numbers = wb["填报数据"]
    assert [c.value for c in numbers[1]] == ["名称", "单位", "数值", "相关评测项"]
    assert numbers["A2"].value == "生产设备总数" and numbers["D2"].value == "设备数字化"
    # People read names; the codes are on the technical sheet only.
    human = [c.value for ws in wb.worksheets[:5] for row in ws.iter_rows() for c in row]
    assert not [v for v in human if isinstance(v, str) and ("base." in v or "@2024.1" in v)]
    technical = {r[1].value: r[2].value for r in wb["技术信息"].iter_rows(min_row=2)}
    assert technical["base.data.collection"] == "数据采集" and technical["equipment_total"] == "生产设备总数"
    assert technical[a.framework.label].startswith("中小企业数字化水平评测指标")
    assert technical[issue.digest] == issue.number


@pytest.mark.django_db
def test_numbers_derived_options_and_contradictions(world: Any) -> None:
    """50 of 100 machines digitised is 50 %: option D, not the C chosen — flagged, and D is scored."""
    a = self_assessment(world, submit=False)
    actor = world.members["enterprise"].user
    numbers = {"equipment_total": "100", "equipment_digital": "50", "digital_investment": "12.5"}
    assessment_save_answers(actor=actor, assessment=a, numbers=numbers)
    a = assessment_submit(actor=actor, assessment=a, pledge=True)
    wb = _book(world.client("enterprise").get(xlsx_url(a)))
    values = {r[0].value: r[2] for r in wb["填报数据"].iter_rows(min_row=2)}
    assert values["生产设备总数"].value == 100 and values["生产设备总数"].data_type == "n"
    assert values["近三年年均数字化投入"].value == pytest.approx(12.5)
    assert values["上年综合能源消费量"].value is None
    items = wb["评测项"]
    row = next(r for r in items.iter_rows(min_row=2) if r[_column(items, "评测项") - 1].value == "设备数字化")
    assert row[_column(items, "所选选项") - 1].value == "C"
    assert row[_column(items, "计分选项") - 1].value == "D"
    assert row[_column(items, "按数据计算") - 1].value == "是"
    assert row[_column(items, "与数据矛盾") - 1].value == "所选 C，按数据计为 D"
    html = _html(world, a)
    assert "◆ 按填报的数据计算" in html and "所选 C 与填报数据不符，按数据计为 D" in html


@pytest.mark.django_db
def test_excel_of_a_draft_has_answers_and_no_points(world: Any) -> None:
    a = self_assessment(world, submit=False)
    wb = _book(world.client("enterprise").get(xlsx_url(a)))
    summary = {row[0].value: row[1].value for row in wb["概要"].iter_rows(min_row=2)}
    assert summary["状态"] == "草稿" and summary["总分"] is None
    items = wb["评测项"]
    row = next(r for r in items.iter_rows(min_row=2) if r[_column(items, "评测项") - 1].value == "网络建设")
    assert row[_column(items, "所选选项") - 1].value == "B;C"
    assert row[_column(items, "得分") - 1].value is None


@pytest.mark.django_db
def test_excel_neutralises_formulas_in_user_text(world: Any) -> None:
    a = self_assessment(world, submit=False)
    actor = world.members["enterprise"].user
    evil = '=HYPERLINK("http://x.invalid","click")'
    upload = SimpleUploadedFile("@SUM(A1).pdf", b"%PDF-1.4\n%evidence\n", content_type="application/pdf")
    evidence_add(
        actor=actor, assessment=a, item_code="base.equipment.network", upload=upload, description=evil
    )
    a = assessment_submit(actor=actor, assessment=a, pledge=True)
    Enterprise.objects.filter(pk=a.enterprise_id).update(name="+cmd|' /C calc'!A0")
    wb = _book(world.client("enterprise").get(xlsx_url(a)))
    ev = wb["佐证材料"]
    assert ev.max_row == 2
    cells = {c.value: c for c in ev[2]}
    for text in (evil, "@SUM(A1).pdf"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    assert cells[a.evidence.get().size].data_type == "n"
    name = wb["概要"]["B2"]
    assert name.value == "+cmd|' /C calc'!A0" and name.data_type == "s" and name.quotePrefix
    # Nothing anywhere in the workbook is a formula.
    for ws in wb.worksheets:
        assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"], ws.title


@pytest.mark.django_db
def test_excel_in_english(world: Any) -> None:
    a = self_assessment(world, level=2)
    client = world.client("enterprise")
    client.cookies["django_language"] = "en"
    wb = _book(client.get(xlsx_url(a)))
    summary = {row[0].value: row[1].value for row in wb.worksheets[0].iter_rows(min_row=2)}
    assert summary["Enterprise"] == a.enterprise.name
    assert summary["Unified social credit code"] == a.enterprise.uscc
    assert "Level 2" in summary.values()
    numbers = wb.worksheets[3]
    assert numbers["A2"].value == "Production equipment, total"


# ------------------------------------------------------------------------------------------------ access


@pytest.mark.django_db
def test_downloads_need_login(world: Any) -> None:
    a = self_assessment(world)
    for url in (pdf_url(a), xlsx_url(a)):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["zhejiang", "shenzhen", "provider", "expert"])
def test_outsiders_get_404(world: Any, who: str) -> None:
    a = self_assessment(world)
    client = world.client(who)
    assert client.get(pdf_url(a)).status_code == 404
    assert client.get(xlsx_url(a)).status_code == 404
    assert client.get(xlsx_url(a).replace(str(a.pk), "999999")).status_code == 404


@pytest.mark.django_db
def test_draft_has_no_pdf_but_its_answers_export(world: Any) -> None:
    a = self_assessment(world, submit=False)
    client = world.client("enterprise")
    assert client.get(pdf_url(a)).status_code == 404
    assert client.get(xlsx_url(a)).status_code == 200
    assert client.post(xlsx_url(a)).status_code == 405
