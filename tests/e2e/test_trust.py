"""What a ministry or a city would see before putting its name on the product: every demo role, in both
languages, walks its navigation and the first item of each list; no page shows an internal code, a message in
two languages at once, or Django's technical debug page. Unknown and forbidden addresses answer with the
in-app pages. Screenshots are kept in artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = (
    "demo-ministry",
    "demo-finance",
    "demo-province",
    "demo-city",
    "demo-provider",
    "demo-enterprise",
    "demo-expert",
    "demo-auditor",
)

# Django's technical pages (DEBUG on) and raw tracebacks.
DEBUG_PAGE = re.compile(
    r"Using the URLconf defined in|You.re seeing this error because you have|Traceback \(most recent call"
    r"|Django Version:|Request Method:"
)
# Internal codes a person should never read: framework version codes, dotted item codes, event verbs,
# developer notes about where data files were copied from.
INTERNAL_CODE = re.compile(
    r"\b(?:miit-20\d\d(?:-[a-z]+)?|eu-dma-sme)@"
    r"|\b(?:base|management|results|scenarios?)\.[a-z_]+\.[a-z_]+\b"
    r"|\b(?:enterprise|assessment|provider|organization|framework|membership|import|report|invitation)"
    r"\.[a-z_]+\b(?!\.)"
    r"|Copied verbatim|shared/reference|node_modules|\bnpm\b"
)
# "中文（English words）" on a Chinese page.
NOT_HAN = r"[^（）()\u4e00-\u9fff\n]"
BRACKETED_ENGLISH = re.compile(rf"[\u4e00-\u9fff][（(]{NOT_HAN}*\b[a-z]{{3,}}\b{NOT_HAN}* {NOT_HAN}*[）)]")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Parts of an English page that are interface text, never data: navigation, column heads, labels, buttons.
CHROME_SELECTORS = "#dt-nav a, th, label, button, .btn"
MAX_PAGES_PER_ROLE = 14


def _same_site_links(page: Any, base: str, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    links = []
    for href in hrefs:
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urljoin(page.url, href)
        parsed = urlparse(url)
        if urlparse(base).netloc != parsed.netloc:
            continue
        path = parsed.path
        # Downloads, logout and the API's machine-readable pages are not pages a person reads.
        if any(
            part in path
            for part in ("/logout", "/export", ".pdf", ".xlsx", ".ics", "/download", "/api/schema")
        ):
            continue
        if "/api/" in path:
            continue
        links.append(url)
    return links


def _pages_for(page: Any, base: str) -> list[str]:
    """The role's navigation, then the first detail link of every list it reaches."""
    page.goto(f"{base}/")
    nav = _same_site_links(page, base, "#dt-nav a[href]")
    seen: list[str] = [f"{base}/"]
    for url in nav:
        if url not in seen:
            seen.append(url)
    for url in list(seen[1:]):
        page.goto(url)
        for detail in _same_site_links(page, base, "main table tbody a[href]")[:1]:
            if detail not in seen:
                seen.append(detail)
    return seen[:MAX_PAGES_PER_ROLE]


def _problems_on(page: Any, url: str, language: str) -> list[str]:
    response = page.goto(url)
    status = response.status if response is not None else 0
    text = page.inner_text("body")
    found: list[str] = []
    where = f"{language} {urlparse(url).path}"
    if status >= 500:
        found.append(f"{where}: status {status}")
    if DEBUG_PAGE.search(text):
        found.append(f"{where}: Django's debug page")
    for match in INTERNAL_CODE.finditer(text):
        found.append(f"{where}: internal code {match.group(0)!r}")
    if language == "zh":
        for match in BRACKETED_ENGLISH.finditer(text):
            found.append(f"{where}: two languages at once {match.group(0)!r}")
    else:
        # A person's name (the user menu) is data, and a control marked with its own lang (the 中文 switch)
        # is deliberately in that language.
        chrome = page.eval_on_selector_all(
            CHROME_SELECTORS,
            "els => els.filter(e => !e.closest('[lang]:not(html)')"
            " && !e.classList.contains('dropdown-toggle')).map(e => e.innerText)",
        )
        for part in chrome:
            if HAN.search(part or ""):
                found.append(f"{where}: Chinese in the English interface {part.strip()[:60]!r}")
    return found


def _switch_to_english(page: Any, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def test_every_role_in_both_languages_sees_no_code_no_second_language_no_debug_page(
    browser: Any, demo_site: str, screenshots: Path
) -> None:
    problems: list[str] = []
    visited = 0
    for username in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        page = context.new_page()
        login(page, demo_site, username)
        urls = _pages_for(page, demo_site)
        assert len(urls) >= 3, f"{username} reached only {urls}"
        for url in urls:
            problems += _problems_on(page, url, "zh")
        missing = page.goto(f"{demo_site}/no-such-page/")
        assert missing is not None and missing.status == 404
        assert page.locator("#dt-nav").count() == 1, f"{username}: the 404 page has no navigation"
        problems += _problems_on(page, f"{demo_site}/no-such-page/", "zh")
        _switch_to_english(page, demo_site)
        for url in urls:
            problems += _problems_on(page, url, "en")
        problems += _problems_on(page, f"{demo_site}/no-such-page/", "en")
        if username == "demo-city":
            page.goto(f"{demo_site}/no-such-page/")
            page.screenshot(path=str(screenshots / "trust-404-en.png"), full_page=True)
        visited += 2 * len(urls) + 2
        context.close()
    assert visited > 60
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(sorted(set(problems)))


def test_outsider_and_forbidden_pages_are_in_app(browser: Any, demo_site: str, screenshots: Path) -> None:
    """An enterprise reaching for the registry list is refused inside the app (403 with the reason), and a
    URL of another enterprise's assessment is 'not found' (404) — both with the navigation and a way back."""
    from dengta.assessment.models import Assessment

    other = Assessment.objects.exclude(
        enterprise__organization__memberships__user__username="demo-enterprise"
    )
    target = other.order_by("pk").first()
    assert target is not None
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, demo_site, "demo-enterprise")
    forbidden = page.goto(f"{demo_site}/registry/enterprises/")
    assert forbidden is not None and forbidden.status in (403, 404)
    assert page.locator("#dt-nav").count() == 1
    assert page.get_by_role("link", name=re.compile("工作台|返回")).count() >= 1
    assert not DEBUG_PAGE.search(page.inner_text("body"))
    page.screenshot(path=str(screenshots / "trust-forbidden-zh.png"), full_page=True)
    hidden = page.goto(f"{demo_site}/assessments/{target.pk}/")
    assert hidden is not None and hidden.status == 404
    assert page.locator("#dt-nav").count() == 1
    page.screenshot(path=str(screenshots / "trust-404-zh.png"), full_page=True)
    context.close()
