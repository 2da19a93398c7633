"""Lighthouse cases and dashboards in a real browser (docs/cases.md, docs/dashboards.md).

The projects' cast (dengta/projects/tests/conftest.py) gives 广州's pilot with an accepted project; the
journey then runs in Chromium: the provider writes the generated case, the enterprise agrees to be named,
the provider submits it and 广州's authority publishes it; an anonymous visitor finds it in the public
library; a neighbouring SME with an assessment finds it among "cases like yours" on its home; the ministry's
dashboard draws the map of China and its charts on canvases that are not blank; 广东's staff see their
province without 深圳 and nothing outside it. Screenshots of each page, and axe on the public ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dengta.cases.tests.conftest import accepted, case, retrofit  # noqa: F401  (fixtures)
from dengta.projects.tests.conftest import (  # noqa: F401  (fixtures)
    Cast,
    _default_language,
    frameworks,
    market,
    open_batch,
    pilot,
    ready,
    registered,
    reviewing,
    sized,
    sub_industry,
    world,
)
from tests.e2e.conftest import run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-cases-2026"
MESSAGES = ".alert, [role=alert], [role=status]"
# Non-blank pixels of a chart's canvas: the chart drew something.
INK = """el => { const c = el.querySelector('canvas'); if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }"""


@pytest.fixture(autouse=True)
def _provider_kinds(transactional_db: Any) -> None:
    """The provider kinds a migration loads: a transactional test before this one on the same worker
    flushed them with every table, and the cast's provider names one."""
    from dengta.registry.kinds import load_kinds
    from dengta.registry.models import ProviderKind

    load_kinds(ProviderKind)


def sign_in(browser: Any, base: str, user: Any) -> Any:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    return page


def neighbour_with_login(retrofit: Cast) -> Any:  # noqa: F811
    """天河's other SME as an organisation with a member and a scored assessment like the case's T0."""
    from dengta.cases.tests.test_recommend import assess
    from dengta.orgs.models import OrgType
    from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

    enterprise = retrofit.world.registered.tianhe
    org = OrganizationFactory.create(name=enterprise.name, type=OrgType.ENTERPRISE, region=enterprise.region)
    enterprise.organization = org
    enterprise.save(update_fields=["organization"])
    assess(retrofit, enterprise)
    person = UserFactory.create(username="e2e-tianhe")
    MembershipFactory.create(user=person, organization=org, role="admin")
    return person


def test_a_case_is_written_published_found_and_counted(
    browser: Any,
    live_server: Any,
    screenshots: Path,
    retrofit: Cast,  # noqa: F811
    case: Any,  # noqa: F811
) -> None:
    from dengta.cases.models import Case, CaseState
    from dengta.core import tallies

    base = str(live_server.url)
    # 1. The provider writes the case generated from the accepted project.
    provider = sign_in(browser, base, retrofit.user("provider"))
    provider.goto(f"{base}/cases/work/{case.pk}/")
    provider.get_by_label("面临的问题").fill("质量追溯靠纸质记录，客户投诉难以定位批次")
    provider.get_by_label("解决方案").fill("上线质量追溯SaaS，关键工序数据自动采集")
    provider.get_by_label("取得的成效").fill("不良品率下降，投诉处理时间缩短")
    provider.get_by_role("button", name="保存", exact=True).click()
    provider.wait_for_selector(MESSAGES)
    assert "案例已保存" in provider.locator(MESSAGES).first.inner_text()
    provider.screenshot(path=str(screenshots / "cases-01-work.png"), full_page=True)
    # 2. The enterprise agrees to be named; the provider submits; the city publishes.
    enterprise = sign_in(browser, base, retrofit.user("enterprise"))
    enterprise.goto(f"{base}/cases/work/{case.pk}/")
    enterprise.get_by_role("button", name="同意在案例中署名").click()
    enterprise.wait_for_selector(MESSAGES)
    provider.goto(f"{base}/cases/work/{case.pk}/")
    provider.get_by_role("button", name="提交审核").click()
    provider.wait_for_selector(MESSAGES)
    city = sign_in(browser, base, retrofit.user("guangzhou"))
    city.goto(f"{base}/cases/work/{case.pk}/")
    city.get_by_role("button", name="审核通过并发布").click()
    city.wait_for_selector(MESSAGES)
    assert Case.objects.get(pk=case.pk).state == CaseState.PUBLISHED
    # 3. Anyone finds it in the public library, with its figures and a PDF.
    public = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    public.goto(f"{base}/cases/")
    public.get_by_role("link", name=case.title).click()
    public.wait_for_url(f"{base}/cases/{case.pk}/")
    body = public.inner_text("main") if public.locator("main").count() else public.inner_text("body")
    assert retrofit.enterprise.name in body and "质量追溯靠纸质记录" in body
    public.screenshot(path=str(screenshots / "cases-02-public.png"), full_page=True)
    assert run_axe(public) == []
    assert public.request.get(f"{base}/cases/{case.pk}/pdf/").body().startswith(b"%PDF")
    # 4. A neighbouring SME finds it among the cases like its own, on its home.
    sme = sign_in(browser, base, neighbour_with_login(retrofit))
    sme.goto(f"{base}/")
    panel = sme.locator("section, .dt-card", has_text="与您相似的小灯塔案例").first
    assert case.title in panel.inner_text()
    sme.screenshot(path=str(screenshots / "cases-03-like-you.png"), full_page=True)
    # 5. The ministry's dashboard draws the map and its charts.
    tallies.refresh_all()
    ministry = sign_in(browser, base, retrofit.user("ministry"))
    ministry.goto(f"{base}/dashboards/")
    for chart in ("chinaMap", "shareBars", "moneyBars"):
        ministry.wait_for_selector(f"[data-chart={chart}][data-rendered='1']")
        assert ministry.eval_on_selector(f"[data-chart={chart}]", INK) > 500, chart
    ministry.screenshot(path=str(screenshots / "cases-04-dashboard.png"), full_page=True)
    assert run_axe(ministry) == []
    # 6. 广东's staff see their province without 深圳, and nothing outside it.
    guangdong = sign_in(browser, base, retrofit.user("guangdong"))
    guangdong.goto(f"{base}/dashboards/")
    table = guangdong.inner_text("section[aria-labelledby=d-table] table")
    assert "广州市" in table and "深圳市" not in table
    assert guangdong.goto(f"{base}/dashboards/?region=330000").status == 404
    guangdong.goto(f"{base}/dashboards/")
    guangdong.screenshot(path=str(screenshots / "cases-05-province.png"), full_page=True)
