"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Playwright's own browser download does not work offline, so the tests launch /usr/bin/chromium (installed by
`make test` through scripts/system_test_deps.sh). Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the Django ORM calls made by the test itself
# (seeding) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        pytest.skip(
            "Debian package 'chromium' is not installed (apt-get install chromium; make test does it as root)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(autouse=True)
def _close_pages(request: pytest.FixtureRequest) -> Iterator[None]:
    """Close the test's browser contexts before its database is torn down.

    Chromium keeps connections to the live server open; if they close only when the session ends, the
    server's request threads close their database connection after the test's transaction sharing is over
    and Django raises in those threads (pytest reports it as an unhandled thread exception).
    """
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()


@pytest.fixture
def screenshots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Serious and critical accessibility violations on the current page (axe-core, served from disk)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def demo_site(live_server: Any) -> str:
    """The live server with reference data, the assessment frameworks and a small demo data set
    (load_reference, load_frameworks, seed_demo --scale 120 — the steps of `make demo`)."""
    from dengta.assessment.loaders import load_all as load_frameworks
    from dengta.demo.services import seed
    from dengta.reference.loaders import load_all

    load_all()
    load_frameworks()
    seed("120", 7, lambda _msg: None)
    return str(live_server.url)


def login(page: Any, base: str, username: str) -> None:
    from dengta.demo.services import DEMO_PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
