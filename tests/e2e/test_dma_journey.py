"""The EU DMA self-assessment in a real browser (DOMAIN.md 9.1): an enterprise user chooses the EU DMA on a
phone-sized screen, answers the six dimensions (tables scroll inside their box, the page never sideways),
submits with the pledge and sees the report with its radar; the questionnaire and the report pass axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dengta.assessment.models import Assessment, State
from tests.e2e.conftest import login, run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _answer_step(page: Any) -> None:
    """Two boxes of each checkbox question, the invested column of every other q1 row, a 3 (or Yes) in each
    scale row."""
    for fieldset in page.locator("fieldset[id^='dma-']").all():
        if fieldset.locator("input[type=radio]").count():
            for row in fieldset.locator("tbody tr").all():
                radios = row.locator("input[type=radio]")
                radios.nth(min(3, radios.count() - 1)).check()
        elif fieldset.locator("table").count():
            for i, row in enumerate(fieldset.locator("tbody tr").all()):
                if i % 2 == 0:
                    row.locator("input[type=checkbox]").first.check()
        else:
            boxes = fieldset.locator("input[type=checkbox]:not([data-exclusive])")
            for i in range(2):
                boxes.nth(i).check()


def test_eu_dma_self_assessment_on_a_phone(browser: Any, demo_site: str, screenshots: Path) -> None:
    phone = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    login(phone, demo_site, "demo-enterprise")
    phone.goto(f"{demo_site}/assessments/new/")
    phone.get_by_label("欧盟数字成熟度评估（EU DMA）").check()
    phone.get_by_role("button", name="开始").click()
    for step in range(6):
        phone.wait_for_selector("form[hx-post]")
        _answer_step(phone)
        assert phone.evaluate(NO_SIDEWAYS), f"step {step + 1} scrolls sideways"
        if step == 1:
            phone.screenshot(path=str(screenshots / "dma-phone-step2.png"), full_page=True)
            assert run_axe(phone) == []
        phone.get_by_role("button", name="下一步").click()
    phone.wait_for_selector("text=全部题目已作答")
    phone.get_by_label("真实性承诺", exact=False).check()
    phone.get_by_role("button", name="提交并评分").click()
    phone.wait_for_selector("[data-testid=dma-band]")
    phone.wait_for_selector(".dt-chart[data-rendered='1'] svg")
    assert phone.evaluate(NO_SIDEWAYS)
    phone.screenshot(path=str(screenshots / "dma-report-phone.png"), full_page=True)
    assert run_axe(phone) == []
    a = Assessment.objects.get(framework__code="eu-dma-sme", state=State.SCORED)
    assert phone.locator("[data-testid=dma-band]").inner_text().strip() == a.result["band_zh"]
    assert a.result["overall"] in phone.locator("[data-testid=dma-overall]").inner_text()
