"""Programme administration in a real browser: a city authority builds an application for an open batch with
two sub-industries, a nominated provider for each and a pilot-enterprise pool imported from Excel, and
submits it; the ministry's programme staff start the review and assign two experts; both experts score it
under the rubric; the staff rank the batch and approve; the pilot and its budgets appear on the authority's
home page. Screenshots of each page, and an accessibility check of the new pages."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.conftest import login, run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CITY = "430200"  # 株洲: a prefecture-level city that is not among the demo's pilot cities
COUNTY = "430202"  # 荷塘区
SUBS = (("gbt-c3670", "C3670", "汽车零部件（株洲）"), ("gbt-c397", "C3971", "电子器件（株洲）"))


def open_batch(folder: Path) -> Any:
    """A 2026 city batch (the 2025 rules) whose window is open today; T0 assessments are not required here
    so that the journey needs no assessment of its own (the assessment journey covers that)."""
    from dengta.programmes import rules
    from dengta.programmes.models import Batch
    from dengta.programmes.services import batches_load

    folder.mkdir(parents=True, exist_ok=True)
    data = json.loads((rules.BATCHES_DIR / "city-2025.json").read_text(encoding="utf-8"))
    today = timezone.localdate()
    data |= {
        "version": "2026-e2e",
        "year": 2026,
        "title_zh": "2026年城市试点（演示）",
        "title_en": "2026 city pilot (demo)",
        "require_t0_assessment": False,
    }
    data["windows"] = {
        "application_opens": (today - timedelta(days=5)).isoformat(),
        "application_closes": (today + timedelta(days=25)).isoformat(),
        "review_closes": (today + timedelta(days=60)).isoformat(),
    }
    (folder / "city-2026.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    batches_load(actor=None, directory=folder)
    return Batch.objects.get(code="city-2026")


def people() -> dict[str, Any]:
    """株洲's authority with a login, six small manufacturers in its 荷塘区 (three per sub-industry), and a
    second expert beside demo-expert."""
    from django.contrib.auth import get_user_model

    from dengta.demo.generate import make_uscc
    from dengta.demo.services import DEMO_PASSWORD
    from dengta.orgs.models import Organization, OrgType
    from dengta.orgs.services import membership_grant, organization_create
    from dengta.reference.models import Industry, Region
    from dengta.registry.services import enterprise_register

    users = get_user_model()
    authority = organization_create(
        actor=None,
        name="株洲市工业和信息化局",
        type=OrgType.AUTHORITY,
        authority_level="city",
        region=Region.objects.get(code=CITY),
    )
    city_user = users.objects.create(username="e2e-city", display_name="欧阳晨")
    city_user.set_password(DEMO_PASSWORD)
    city_user.save()
    membership_grant(actor=None, user=city_user, organization=authority, role="admin", platform_roles=[])
    expert = users.objects.create(username="e2e-expert", display_name="钱学文")
    expert.set_password(DEMO_PASSWORD)
    expert.save()
    experts_org = Organization.objects.filter(type=OrgType.EXPERT_POOL).order_by("pk").first()
    assert experts_org is not None, "the demo seeds the national expert pool"
    membership_grant(
        actor=None, user=expert, organization=experts_org, role="staff", platform_roles=["reviewer"]
    )
    rng, used = random.Random(2026), set[str]()
    rows = []
    county = Region.objects.get(code=COUNTY)
    for _code, industry, local in SUBS:
        for n in range(3):
            enterprise = enterprise_register(
                actor=None,
                uscc=make_uscc(rng, COUNTY, used),
                name=f"株洲{local[:2]}精工{n + 1}号有限公司",
                region=county,
                industry=Industry.objects.get(code=industry),
                employees=150 + n * 10,
                revenue_10k_yuan=9000 + n * 500,
                assets_10k_yuan=7000,
            )
            rows.append((enterprise.uscc, enterprise.name, local))
    return {"authority": authority, "rows": rows}


def pool_file(rows: list[tuple[str, str, str]], path: Path) -> Path:
    """The pool as the city fills in the template, written by the project's safe cell writer."""
    from dengta.core.spreadsheets import Book

    book = Book()
    book.sheet("试点企业").rows([["统一社会信用代码", "企业名称", "细分行业"], *[list(row) for row in rows]])
    path.write_bytes(book.to_bytes())
    return path


def new_page(browser: Any, width: int = 1280) -> Any:
    return browser.new_context(viewport={"width": width, "height": 900}).new_page()


def said(page: Any) -> str:
    return str(page.locator(".alert, .messages, [role=alert], [role=status]").all_inner_texts())


def test_city_applies_experts_review_staff_rank_and_approve_the_pilot_reaches_the_home_page(
    browser: Any, demo_site: str, screenshots: Path, tmp_path: Path
) -> None:
    from dengta.programmes.models import Application, Pilot, ReviewAssignment
    from dengta.programmes.selectors import admitted_providers

    batch = open_batch(tmp_path / "batches")
    cast = people()
    providers = list(admitted_providers()[:2])
    assert len(providers) == 2, "the demo catalogue admits providers"

    # 1. 株洲 creates its application and builds it.
    city = new_page(browser)
    login(city, demo_site, "e2e-city")
    city.goto(f"{demo_site}/programmes/")
    city.screenshot(path=str(screenshots / "programmes-01-batches.png"), full_page=True)
    row = city.locator("tr", has_text="2026年城市试点（演示）")
    row.get_by_role("button", name="申报").click()
    city.wait_for_url("**/programmes/applications/*/")
    application = Application.objects.get(batch=batch, applicant=cast["authority"])
    for code, _industry, local in SUBS:
        city.locator("#id_sub_industry").select_option(code)
        city.locator("#id_local_name").fill(local)
        city.get_by_role("button", name="添加细分行业").click()
        city.wait_for_load_state()
        assert "细分行业已添加" in said(city), said(city)
    for entry, provider in zip(application.sub_industries.order_by("pk"), providers, strict=True):
        city.locator(f"#provider-{entry.pk}").select_option(str(provider.pk))
        city.locator(f"#provider-{entry.pk}").locator("xpath=ancestor::form").get_by_role(
            "button", name="推荐服务商"
        ).click()
        city.wait_for_load_state()
        assert "推荐服务商已添加" in said(city), said(city)
    # The pool from Excel: first a file with one bad row (nothing is imported), then the right one.
    bad = [*cast["rows"], ("91430202MA00000000", "不存在的企业", SUBS[0][2])]
    city.locator(f"#pool-file-{application.pk}").set_input_files(str(pool_file(bad, tmp_path / "bad.xlsx")))
    city.get_by_role("button", name="上传并导入").click()
    city.wait_for_load_state()
    assert "没有导入任何企业" in city.content()
    assert application.pool.count() == 0
    city.screenshot(path=str(screenshots / "programmes-02-pool-import-refused.png"), full_page=True)
    good = pool_file(cast["rows"], tmp_path / "pool.xlsx")
    city.locator(f"#pool-file-{application.pk}").set_input_files(str(good))
    city.get_by_role("button", name="上传并导入").click()
    city.wait_for_load_state()
    assert application.pool.count() == 6, said(city)
    city.get_by_label("申请奖补资金（元）").fill("100000000")
    city.get_by_label("地方配套资金（元）").fill("30000000")
    city.get_by_label("用于企业改造的比例").fill("0.8")
    city.get_by_label("用于服务能力提升的比例").fill("0.2")
    city.get_by_label("目标：规上试点企业达标比例").fill("0.9")
    city.get_by_label("目标等级").select_option("2")
    city.get_by_label("实施方案要点").fill(
        "围绕汽车零部件和电子器件两个细分行业，按小快轻准推进改造，两年内规上试点企业九成达到二级"
    )
    city.get_by_role("button", name="保存资金安排和目标").click()
    city.wait_for_load_state()
    assert "资金安排和目标已保存" in said(city), said(city)
    city.screenshot(path=str(screenshots / "programmes-03-application-built.png"), full_page=True)
    violations = run_axe(city)
    assert not violations, violations
    city.get_by_label("本单位承诺所填申报内容真实、准确、完整，并对其真实性负责").check()
    city.get_by_role("button", name="提交申报").last.click()
    city.wait_for_load_state()
    application.refresh_from_db()
    assert application.state == "submitted", (said(city), application.eligibility)

    # 2. The ministry's programme staff start the review and assign two experts.
    staff = new_page(browser)
    login(staff, demo_site, "demo-ministry")
    staff.goto(f"{demo_site}/programmes/applications/{application.pk}/")
    staff.get_by_role("button", name="开始评审").click()
    staff.wait_for_load_state()
    deadline = (timezone.localdate() + timedelta(days=7)).isoformat()
    for username in ("demo-expert", "e2e-expert"):
        from django.contrib.auth import get_user_model

        expert = get_user_model().objects.get(username=username)
        staff.locator("#id_expert").select_option(str(expert.pk))
        staff.locator("#id_deadline").fill(deadline)
        staff.get_by_role("button", name="分配", exact=True).click()
        staff.wait_for_load_state()
        assert "已分配" in said(staff), said(staff)
    staff.screenshot(path=str(screenshots / "programmes-04-experts-assigned.png"), full_page=True)

    # 3. Both experts score it under the rubric and submit.
    for username, points in (("demo-expert", "4"), ("e2e-expert", "3")):
        expert_page = new_page(browser)
        login(expert_page, demo_site, username)
        expert_page.goto(f"{demo_site}/programmes/reviews/")
        expert_page.get_by_role("link", name="株洲市工业和信息化局").click()
        expert_page.wait_for_url("**/programmes/reviews/*/")
        for select in expert_page.locator("select[name^=score_]").all():
            options = select.locator("option").all_inner_texts()
            select.select_option(points if points in options else "na")
        if username == "demo-expert":
            expert_page.screenshot(path=str(screenshots / "programmes-05-review-form.png"), full_page=True)
            violations = run_axe(expert_page)
            assert not violations, violations
        expert_page.get_by_role("button", name="提交评审").click()
        expert_page.wait_for_load_state()
        assert "评审已提交" in said(expert_page), said(expert_page)
    assert ReviewAssignment.objects.filter(application=application, submitted_at__isnull=False).count() == 2

    # 4. The staff rank the batch and approve the proposed application.
    staff.goto(f"{demo_site}/programmes/batches/{batch.pk}/ranking/")
    ranked = staff.locator("tr", has_text="株洲市工业和信息化局")
    assert "建议入选" in ranked.inner_text()
    staff.screenshot(path=str(screenshots / "programmes-06-ranking.png"), full_page=True)
    violations = run_axe(staff)
    assert not violations, violations
    staff.locator("#id_decision").select_option("approve")
    staff.get_by_role("button", name="执行决定").click()
    staff.wait_for_load_state()
    assert "已批准，试点已设立" in said(staff), said(staff)
    pilot = Pilot.objects.select_related("allocation").get(application=application)
    assert str(pilot.allocation.retrofit_yuan) == "80000000.00"

    # 5. The pilot and its budgets on the authority's home page.
    city.goto(f"{demo_site}/")
    panel = city.locator("section, .card, .dt-card", has_text="试点与资金").first
    text = panel.inner_text()
    assert "2026年城市试点（演示）" in text and "80,000,000.00" in text and "130,000,000.00" in text, text
    city.screenshot(path=str(screenshots / "programmes-07-authority-home.png"), full_page=True)
