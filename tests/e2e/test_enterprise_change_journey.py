"""Browser journey: an enterprise changes its size figures, sees the warnings, confirms it checked them; its
authority reviews the change side by side and confirms it (docs/registry.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.conftest import login, run_axe


def test_enterprise_change_waits_for_its_authority(browser: Any, demo_site: str, screenshots: Path) -> None:
    from dengta.registry.models import Enterprise, EnterpriseChange

    enterprise = Enterprise.objects.get(organization__memberships__user__username="demo-enterprise")
    before = (enterprise.employees, enterprise.size_class, enterprise.is_above_designated_size)
    # The demo seeds one change awaiting demo-city; the journey's change will replace it.
    changes_before = list(EnterpriseChange.objects.filter(enterprise=enterprise).values_list("pk", "state"))
    assert [state for _pk, state in changes_before] == ["pending"]

    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login(page, demo_site, "demo-enterprise")
    page.goto(f"{demo_site}/registry/enterprises/{enterprise.pk}/edit/")
    page.get_by_label("从业人员（人）").fill("100000")
    page.get_by_label("营业收入（万元）").fill("0.000001")
    page.get_by_role("button", name="保存并提交变更").click()
    warnings = page.locator("#plausibility-warnings")
    warnings.wait_for()
    assert "人均营业收入" in warnings.inner_text()
    assert page.get_by_label("从业人员（人）").input_value() == "100000"  # input kept
    page.screenshot(path=str(screenshots / "enterprise-change-warnings.png"), full_page=True)
    # Warnings shown, nothing sent yet: the changes are as they were.
    assert (
        list(EnterpriseChange.objects.filter(enterprise=enterprise).values_list("pk", "state"))
        == changes_before
    )
    page.get_by_label("我已核对这些数据").check()
    page.get_by_role("button", name="保存并提交变更").click()
    page.wait_for_selector("text=待确认的信息变更")
    page.screenshot(path=str(screenshots / "enterprise-change-pending.png"), full_page=True)
    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.size_class, enterprise.is_above_designated_size) == before
    assert EnterpriseChange.objects.get(pk=changes_before[0][0]).state == "superseded"

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(staff, demo_site, "demo-city")
    staff.get_by_role("link", name="打开确认队列").click()
    staff.get_by_role("link", name=enterprise.name).click()
    staff.wait_for_selector("text=已确认（现行）")
    assert "比任何中小企业都多一个数量级" in staff.content()
    assert run_axe(staff) == []
    staff.screenshot(path=str(screenshots / "enterprise-change-review.png"), full_page=True)
    staff.get_by_role("button", name="确认变更").click()
    staff.wait_for_selector("text=已确认：新数据已生效")
    enterprise.refresh_from_db()
    # The standard calls it 微型 (revenue below 300 万元 decides, whatever the staff): why a person looks.
    assert enterprise.employees == 100_000 and enterprise.size_class == "micro"
