"""Each demo role logs in, sees its home page and a list page, switches language; screenshots are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import login, run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# username -> (list page path, text expected on the Chinese home page)
ROLES: dict[str, tuple[str, str]] = {
    "demo-ministry": ("/registry/enterprises/", "工作台"),
    "demo-finance": ("/orgs/", "工作台"),
    "demo-province": ("/registry/enterprises/", "工作台"),
    "demo-city": ("/registry/enterprises/", "工作台"),
    "demo-provider": ("/reference/sub-industries/", "工作台"),
    "demo-enterprise": ("/reference/industries/", "工作台"),
    "demo-expert": ("/reference/regions/", "工作台"),
    "demo-auditor": ("/events/", "工作台"),
}


def test_every_role_home_list_language(browser: Any, demo_site: str, screenshots: Path) -> None:
    problems: list[str] = []
    for username, (list_path, home_text) in ROLES.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        login(page, demo_site, username)
        assert page.locator("h1").first.inner_text().strip() == home_text
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.screenshot(path=str(screenshots / f"{username}-home-zh.png"), full_page=True)
        for violation in run_axe(page):
            problems.append(f"{username} home: {violation}")

        response = page.goto(f"{demo_site}{list_path}")
        assert response is not None and response.status == 200, f"{username} {list_path}"
        assert page.locator("table").count() >= 1
        page.screenshot(path=str(screenshots / f"{username}-list-zh.png"), full_page=True)
        for violation in run_axe(page):
            problems.append(f"{username} {list_path}: {violation}")

        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        page.goto(f"{demo_site}/")
        assert page.locator("h1").first.inner_text().strip() == "Workbench"
        page.screenshot(path=str(screenshots / f"{username}-home-en.png"), full_page=True)
        assert not errors, f"{username}: JavaScript errors {errors}"
        context.close()
    assert not problems, "accessibility problems:\n" + "\n".join(problems)


def test_phone_width_navigation(browser: Any, demo_site: str, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    login(page, demo_site, "demo-city")
    menu = page.get_by_role("button", name="打开导航菜单")
    assert menu.is_visible()
    menu.click()
    page.locator("#dt-nav").get_by_role("link", name="企业库", exact=True).click()
    page.wait_for_url(f"{demo_site}/registry/enterprises/**")
    # The page must not scroll sideways on a phone: tables scroll inside their own container.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    page.screenshot(path=str(screenshots / "phone-enterprises.png"), full_page=True)
    context.close()
