"""Journeys of a city authority: bulk import with a bad row then a good file; a form that keeps input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import uscc

from dengta.registry.models import Enterprise
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = (
    "统一社会信用代码,企业名称,行政区划代码,行业代码,从业人员,营业收入（万元）,资产总额（万元）,专精特新\n"
)


def code(region: str, body: str) -> str:
    first17 = "91" + region + body
    return first17 + uscc.calc_check_digit(first17)


def test_import_refuses_a_bad_file_whole_then_accepts_the_fixed_one(
    browser: Any, demo_site: str, screenshots: Path, tmp_path: Path
) -> None:
    good = code("330203", "MA2E2E001")
    other = code("330205", "MA2E2E002")
    wrong_check = other[:-1] + ("0" if other[-1] != "0" else "1")
    bad_file = tmp_path / "企业名单.csv"
    bad_file.write_text(
        HEADER
        + f"{good},宁波海曙测试精密有限公司,330203,C3670,120,5000,3000,\n"
        + f"{wrong_check},宁波江北测试电子有限公司,330205,C3971,45,800.5,600,创新型\n",
        encoding="utf-8-sig",
    )
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(page, demo_site, "demo-city")
    before = Enterprise.objects.count()
    page.goto(f"{demo_site}/registry/import/")
    page.set_input_files("input[type=file]", str(bad_file))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_selector("text=有错误，没有写入任何数据")
    assert page.locator("table").inner_text().count("校验") >= 1  # the check-character reason, row 3
    assert "3" in page.locator("table tbody tr").first.inner_text()
    page.screenshot(path=str(screenshots / "import-errors.png"), full_page=True)
    assert Enterprise.objects.count() == before  # nothing half-written

    fixed = tmp_path / "企业名单-修正.csv"
    fixed.write_text(
        HEADER
        + f"{good},宁波海曙测试精密有限公司,330203,C3670,120,5000,3000,\n"
        + f"{other},宁波江北测试电子有限公司,330205,C3971,45,800.5,600,创新型\n",
        encoding="utf-8-sig",
    )
    page.goto(f"{demo_site}/registry/import/")
    page.set_input_files("input[type=file]", str(fixed))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_selector("text=已导入 2 家企业")
    page.screenshot(path=str(screenshots / "import-done.png"), full_page=True)
    assert Enterprise.objects.count() == before + 2
    assert Enterprise.objects.get(uscc=other).tier == "innovative"


def test_register_form_keeps_input_and_names_the_problem(
    browser: Any, demo_site: str, screenshots: Path
) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(page, demo_site, "demo-city")
    page.goto(f"{demo_site}/registry/enterprises/new/")
    valid = code("330203", "MA2E2E003")
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    page.get_by_label("统一社会信用代码").fill(wrong)
    page.get_by_label("企业名称").fill("宁波表单测试有限公司")
    page.get_by_label("所在地区（行政区划代码）").fill("330203")
    page.get_by_label("从业人员（人）").fill("-5")
    page.get_by_label("营业收入（万元）").fill("1200")
    page.get_by_label("资产总额（万元）").fill("900")
    page.get_by_role("button", name="登记").last.click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    text = summary.inner_text()
    assert f"最后一位应为 {valid[-1]}" in text
    assert "从业人员" in text
    assert page.get_by_label("企业名称").input_value() == "宁波表单测试有限公司"  # input kept
    assert page.get_by_label("营业收入（万元）").input_value() == "1200"
    page.screenshot(path=str(screenshots / "register-errors.png"), full_page=True)
    assert not Enterprise.objects.filter(name="宁波表单测试有限公司").exists()
