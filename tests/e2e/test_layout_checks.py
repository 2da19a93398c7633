"""Layout checks in a real browser at an office desktop's 1280 px: every questionnaire step reachable, the
radar's axis names clear of each other, and the import error table giving its reason column room."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tests.e2e.conftest import login
from tests.e2e.test_assessment_journey import CONSTRAINED, GUIDING, OTHERS, T0_CHOICES, _fill_questionnaire

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 800}

BOXES = """(selector) => Array.from(document.querySelectorAll(selector)).map((el) => {
  const r = el.getBoundingClientRect();
  return {text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
})"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"] - 1
        and b["left"] < a["right"] - 1
        and a["top"] < b["bottom"] - 1
        and b["top"] < a["bottom"] - 1
    )


def test_every_step_is_visible_and_the_radar_names_do_not_overlap(
    browser: Any, demo_site: str, screenshots: Path
) -> None:
    page = browser.new_context(viewport=DESKTOP).new_page()
    login(page, demo_site, "demo-enterprise")
    page.goto(f"{demo_site}/assessments/")
    page.get_by_role("link", name="开始第一次自评").click()
    page.get_by_role("button", name="开始").click()
    page.wait_for_selector("form[hx-post]")
    strip = page.locator("nav .dt-steps")
    strip.screenshot(path=str(screenshots / "questionnaire-steps-1280.png"))
    last = page.locator(".dt-steps li").last
    assert "检查并提交" in last.inner_text()
    box, frame = last.bounding_box(), strip.bounding_box()
    assert box is not None and frame is not None
    assert box["x"] >= frame["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
    assert box["x"] + box["width"] <= DESKTOP["width"]

    scenarios = dict.fromkeys(CONSTRAINED[:3] + GUIDING[:3], 2) | dict.fromkeys(
        CONSTRAINED[3:] + GUIDING[3:] + OTHERS, 1
    )
    _fill_questionnaire(page, T0_CHOICES, scenarios, screenshots, "desktop")
    page.get_by_label("真实性承诺", exact=False).check()
    page.get_by_role("button", name="提交并评分").click()
    page.wait_for_selector(".dt-chart[data-rendered='1'] svg")
    chart = page.locator(".dt-chart[data-rendered='1']").first
    chart.screenshot(path=str(screenshots / "report-radar-1280.png"))
    texts = [t for t in page.evaluate(BOXES, ".dt-chart[data-rendered='1'] svg text") if t["text"].strip()]
    scenario_lines = [t for t in texts if "场景" in t["text"] or "数字化" in t["text"]]
    assert scenario_lines, texts
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert not _overlap(a, b), (a, b)


def test_the_import_error_table_gives_the_reason_room(
    browser: Any, demo_site: str, screenshots: Path, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(
        [
            "统一社会信用代码",
            "企业名称",
            "行政区划代码",
            "行业代码",
            "从业人员",
            "营业收入（万元）",
            "资产总额（万元）",
            "专精特新",
        ]
    )
    ws.append(["9133020" + "X" * 40, "一家名称很长很长的企业" * 6, "", "C3670", -5, "abc", 10, "巨人"])
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    page = browser.new_context(viewport=DESKTOP).new_page()
    login(page, demo_site, "demo-city")
    page.goto(f"{demo_site}/registry/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_selector("table.dt-errors", timeout=30000)
    page.screenshot(path=str(screenshots / "import-errors-1280.png"), full_page=True)
    widths = page.evaluate(
        "() => Array.from(document.querySelectorAll('table.dt-errors tbody td.dt-col-reason'))"
        ".map((td) => td.getBoundingClientRect().width)"
    )
    assert widths and min(widths) >= 300  # 22rem at 14 px, never squeezed to a sliver
    assert "请填写行政区划代码" in page.content()


def test_the_export_link_states_its_row_cap(browser: Any, demo_site: str, screenshots: Path) -> None:
    page = browser.new_context(viewport=DESKTOP).new_page()
    login(page, demo_site, "demo-ministry")
    page.goto(f"{demo_site}/registry/enterprises/")
    cap = page.get_by_text("导出全部行（最多 5,000,000 行），在后台生成后下载")
    assert cap.is_visible()
    page.screenshot(path=str(screenshots / "enterprise-list-export-1280.png"))
    # Every export is a job: the link opens its page, which offers the file when it is written.
    page.get_by_role("link", name="导出 Excel").click()
    link = page.get_by_role("link", name="下载文件")
    link.wait_for(timeout=120_000)
    page.screenshot(path=str(screenshots / "enterprise-export-job-1280.png"))
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "enterprises.xlsx"
