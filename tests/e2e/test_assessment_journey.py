"""The assessment journey in a real browser: an enterprise user completes a
self-assessment on a phone-sized screen, submits, sees the report with its chart and downloads the PDF; a
city authority arranges an on-site T1 assessment, the expert records it, and the report shows T0 → T1."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from dengta.assessment.models import Assessment, Kind, State
from dengta.orgs.models import Membership
from tests.e2e.conftest import login, run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Baseline answers (T0): 46.925 points and six scenarios at level 2, three of them constrained → 二级.
T0_CHOICES = {
    "base.equipment.network": "BC",
    "base.equipment.digitization": "C",
    "base.equipment.connectivity": "C",
    "base.data.collection": "BCDEFGHIJ",
    "base.systems.coverage": "C",
    "base.security.network": "B",
    "base.security.data": "B",
    "mgmt.planning.implementation": "D",
    "mgmt.planning.mechanism": "BC",
    "mgmt.resources.talent": "BCD",
    "mgmt.resources.funding": "B",
    "results.green.energy": "B",
    "results.quality.yield": "B",
    "results.market.performance": "B",
    "results.market.value": "A",
}
CONSTRAINED = ("product_design", "marketing", "production_control", "quality", "equipment", "safety")
GUIDING = ("process_design", "after_sales", "planning_scheduling", "hr", "collaboration", "decision_support")
OTHERS = ("energy", "procurement", "warehousing_logistics", "finance")


def _answer_step(page: Any, choices: dict[str, str], scenarios: dict[str, int]) -> None:
    for fieldset in page.locator("fieldset[id^='item-']").all():
        code = (fieldset.get_attribute("id") or "")[len("item-") :]
        for key in choices.get(code, ""):
            page.locator(f'[id="opt-{code}-{key}"]').check()
    for fieldset in page.locator("fieldset[id^='scenario-']").all():
        code = (fieldset.get_attribute("id") or "")[len("scenario-") :]
        page.locator(f'[id="scn-{code}-{scenarios[code]}"]').check()


def _fill_questionnaire(
    page: Any, choices: dict[str, str], scenarios: dict[str, int], screenshots: Path, tag: str
) -> None:
    for step in range(7):
        page.wait_for_selector("form[hx-post]")
        _answer_step(page, choices, scenarios)
        if step == 0:
            page.screenshot(path=str(screenshots / f"assessment-{tag}-step1.png"), full_page=True)
        page.get_by_role("button", name="下一步").click()
    page.wait_for_selector("text=全部题目已作答")


def test_self_assessment_on_a_phone_then_onsite_t1(browser: Any, demo_site: str, screenshots: Path) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True).new_page()
    login(phone, demo_site, "demo-enterprise")
    phone.goto(f"{demo_site}/assessments/")
    phone.get_by_role("link", name="开始第一次自评").click()
    phone.get_by_role("button", name="开始").click()
    t0_scenarios = dict.fromkeys(CONSTRAINED[:3] + GUIDING[:3], 2) | dict.fromkeys(
        CONSTRAINED[3:] + GUIDING[3:] + OTHERS, 1
    )
    _fill_questionnaire(phone, T0_CHOICES, t0_scenarios, screenshots, "phone")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.get_by_label("真实性承诺", exact=False).check()
    phone.get_by_role("button", name="提交并评分").click()
    phone.wait_for_selector("[data-testid=level-badge]")
    assert phone.locator("[data-testid=level-badge]").inner_text().strip() == "二级"
    phone.wait_for_selector(".dt-chart[data-rendered='1'] svg")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(screenshots / "assessment-report-phone.png"), full_page=True)
    with phone.expect_download() as download:
        phone.get_by_role("link", name="下载 PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    t0 = Assessment.objects.get(
        kind=Kind.SELF,
        state=State.SCORED,
        enterprise__organization__memberships__user__username="demo-enterprise",
    )
    assert t0.level == 2 and str(t0.total) == "46.9250"

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(desk, demo_site, "demo-city")
    desk.goto(f"{demo_site}/assessments/assign/")
    desk.get_by_label("企业统一社会信用代码").fill(t0.enterprise.uscc)
    expert = Membership.objects.select_related("user", "organization").get(user__username="demo-expert")
    desk.get_by_label("评定专家").select_option(str(expert.pk))
    desk.get_by_label("阶段").select_option("t1")
    # The arrangement the expert needs: when to visit (Beijing time), by when, whom to ask for.
    visit_day = timezone.localdate() + timedelta(days=7)
    desk.get_by_label("现场评定时间").fill(f"{visit_day.isoformat()}T09:30")
    desk.get_by_label("完成期限").fill((visit_day + timedelta(days=14)).isoformat())
    desk.get_by_label("企业联系人").fill("王经理")
    desk.get_by_role("button", name="开始").click()
    desk.wait_for_selector("text=已安排现场评定")

    expert_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(expert_page, demo_site, "demo-expert")
    onsite = Assessment.objects.get(kind=Kind.ONSITE, enterprise=t0.enterprise, phase="t1")
    expert_page.goto(f"{demo_site}/assessments/{onsite.pk}/")
    arrangement = expert_page.locator("[data-testid=arrangement]").inner_text()
    assert f"{visit_day.isoformat()} 09:30" in arrangement and "王经理" in arrangement
    with expert_page.expect_download() as calendar:
        expert_page.get_by_role("link", name="加入日历（.ics）").click()
    ics = Path(calendar.value.path()).read_bytes().decode("utf-8")
    assert (
        ics.startswith("BEGIN:VCALENDAR\r\n")
        and f"DTSTART;TZID=Asia/Shanghai:{visit_day:%Y%m%d}T093000" in ics
    )
    expert_page.screenshot(path=str(screenshots / "assessment-onsite-assignment.png"), full_page=True)
    expert_page.get_by_label("不存在利益关系", exact=False).check()
    expert_page.get_by_role("button", name="声明并开始评定").click()
    t1_choices = T0_CHOICES | {"base.systems.coverage": "E", "mgmt.planning.implementation": "F"}
    t1_scenarios = dict.fromkeys(CONSTRAINED[:5] + GUIDING[:3], 3) | dict.fromkeys(
        CONSTRAINED[5:] + GUIDING[3:] + OTHERS, 2
    )
    _fill_questionnaire(expert_page, t1_choices, t1_scenarios, screenshots, "expert")
    expert_page.get_by_label("真实性承诺", exact=False).check()
    expert_page.get_by_role("button", name="提交并评分").click()
    # Sign-off asks for confirmation and shows what will be locked.
    expert_page.get_by_role("link", name="签署评定结果").click()
    assert "二级" in expert_page.locator("[data-testid=sign-off-summary]").inner_text()
    expert_page.screenshot(path=str(screenshots / "assessment-sign-off.png"), full_page=True)
    expert_page.get_by_label("我已核对评定结果", exact=False).check()
    expert_page.get_by_role("button", name="确认签署").click()
    expert_page.wait_for_selector("text=现场评定已签署")
    assert (
        expert_page.locator("[data-testid=level-badge]").inner_text().strip() == "二级"
    )  # 54.425 points: still short of 60
    delta = expert_page.locator("[data-testid=delta-table]")
    assert (
        "+8" in delta.inner_text() and "54.925" in delta.inner_text()
    )  # coverage C→E +5, implementation D→F +3
    expert_page.screenshot(path=str(screenshots / "assessment-report-t1.png"), full_page=True)
    violations = run_axe(expert_page)
    assert violations == [], violations

    phone.goto(f"{demo_site}/assessments/{onsite.pk}/")
    assert "+8" in phone.locator("[data-testid=delta-table]").inner_text()


def test_provider_diagnoses_an_enterprise_that_invited_it(
    browser: Any, demo_site: str, screenshots: Path
) -> None:
    """demo-enterprise has invited demo-provider (demo seeding): the provider picks it from the list of
    enterprises that invited it — no credit code typed — and the enterprise is told in its inbox."""
    provider = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login(provider, demo_site, "demo-provider")
    provider.goto(f"{demo_site}/assessments/diagnose/")
    assert provider.locator("input[name=uscc]").count() == 0
    enterprise = Membership.objects.select_related("organization").get(user__username="demo-enterprise")
    options = provider.locator("select[name=enterprise] option").all_inner_texts()
    invited = next(text for text in options if enterprise.organization.name in text)
    provider.locator("select[name=enterprise]").select_option(label=invited)
    provider.screenshot(path=str(screenshots / "assessment-diagnosis-start-phone.png"), full_page=True)
    provider.get_by_role("button", name="开始").click()
    provider.wait_for_url("**/fill/**")
    diagnosis = Assessment.objects.get(kind=Kind.PROVIDER, enterprise__organization=enterprise.organization)
    assert diagnosis.state == State.DRAFT

    owner = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(owner, demo_site, "demo-enterprise")
    assert owner.locator("[data-testid=inbox-count]").inner_text().startswith("1")
    owner.locator("[data-testid=inbox-link]").click()
    assert "开始为贵企业开展数字化诊断" in owner.locator("main").inner_text()
    owner.goto(f"{demo_site}/assessments/invitations/")
    assert "撤回邀请" in owner.locator("main").inner_text()
    owner.screenshot(path=str(screenshots / "assessment-invitations.png"), full_page=True)
    violations = run_axe(owner)
    assert violations == [], violations
