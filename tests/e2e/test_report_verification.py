"""An issued report in a real browser: the report page shows its number, issuer and QR code; anyone without
an account opens the verification page from the printed address and sees "valid"; after a stored figure is
changed behind the platform's back, the same page says not to rely on the report. Screenshots of the report
page, the verification page (phone and desktop) and page 1 of the PDF go to artifacts/screenshots/."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from dengta.assessment.models import Assessment, ReportIssue
from dengta.assessment.tests.conftest import (  # noqa: F401  (fixtures)
    frameworks,
    registered,
    self_assessment,
    sized,
    world,
)
from tests.e2e.conftest import run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in(browser: Any, base: str, user: Any, **options: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    return context.new_page()


def test_issued_report_and_its_public_verification(
    browser: Any,
    live_server: Any,
    world: Any,  # noqa: F811  (the fixture imported above)
    screenshots: Path,
) -> None:
    base = str(live_server.url)
    assessment = self_assessment(world)
    issue = ReportIssue.objects.get(assessment=assessment)

    user = world.members["enterprise"].user
    page = _signed_in(browser, base, user, viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/assessments/{assessment.pk}/")
    block = page.get_by_test_id("report-issue")
    assert issue.number in block.inner_text() and issue.issuer in block.inner_text()
    assert block.locator("svg").count() == 1  # the QR code
    page.screenshot(path=str(screenshots / "report-issued.png"), full_page=False)
    response = page.request.get(f"{base}/assessments/{assessment.pk}/report.pdf")
    assert response.ok
    pdf = response.body()
    (screenshots / "report-issued.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        stem = screenshots / "report-issued-pdf"
        command = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-", str(stem)]
        subprocess.run(command, input=pdf, check=True)

    # The printed address opens without an account, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{base}/v/{issue.token}/")
    status = phone.get_by_test_id("verify-status")
    assert status.get_attribute("data-status") == "valid"
    assert issue.number in phone.get_by_test_id("verify-figures").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert run_axe(phone) == []
    phone.screenshot(path=str(screenshots / "verify-valid-390.png"), full_page=True)

    desktop = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    Assessment.objects.filter(pk=assessment.pk).update(total=Decimal("66.925"), level=3)
    cache.clear()  # the page's figures are cached for a minute; the check is wanted now
    desktop.goto(f"{base}/v/{issue.token}/")
    assert desktop.get_by_test_id("verify-status").get_attribute("data-status") == "changed"
    desktop.screenshot(path=str(screenshots / "verify-changed-1280.png"), full_page=True)

    desktop.goto(f"{base}/v/no-such-token-000/")
    assert desktop.locator("body").inner_text() != ""

    # The same page in English, chosen with the language switch.
    english = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    english.goto(f"{base}/v/{issue.token}/")
    english.get_by_role("button", name="English").click()
    english.wait_for_selector("text=Key figures as issued")
    assert "SME digital level assessment indicators (2024 edition)" in english.content()
    english.screenshot(path=str(screenshots / "verify-changed-en-1280.png"), full_page=True)

    # Programme staff see the rule's provenance behind 技术信息 and can record its confirmation.
    staff = _signed_in(browser, base, world.members["ministry"].user, viewport={"width": 1280, "height": 900})
    staff.goto(f"{base}/assessments/frameworks/miit-2024-manufacturing/2024.1/")
    staff.get_by_text("记录核实依据").click()
    assert staff.get_by_label("文件名称").is_visible()
    assert run_axe(staff) == []
    staff.screenshot(path=str(screenshots / "framework-rule-confirm.png"), full_page=False)
