"""A retrofit project from filing to payment in a real browser: demo-provider files a project with two of its
listed products for an enterprise of 宁波's pilot pool and submits it; demo-city approves and commits the
subsidy; the provider records the contract, the work, a milestone, the whole dossier and the invoices, the
enterprise its payment, and the provider confirms completion; the enterprise requests acceptance, demo-city
passes the pre-check and sends demo-expert, who records a passed on-site evaluation on a signed-off T1;
demo-city accepts, the enterprise rates the provider and claims, demo-city's finance pays. The ledger
reconciles and the provider's star rating takes the project in (docs/projects.md, the table of steps).
Screenshots of each page, and an accessibility check of the project page and the ledger."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.conftest import login, run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CITY = "330200"  # 宁波: demo-city's city
COUNTY = "330212"  # 鄞州区
INDUSTRY = "C3833"  # 光缆制造: inside the 2025 rules' focus prefixes (C38) and the catalogue's gbt-c383
ELIGIBLE = frozenset(
    {"consulting", "diagnosis", "software", "cloud", "hardware"}
)  # the batch's project_rules
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MESSAGES = ".alert, .messages, [role=alert], [role=status]"


@dataclass
class Setting:
    pilot: Any
    enterprise: Any
    provider: Any
    products: list[Any]  # the two listed products filed, the eligible one first


def running_batch(folder: Path) -> Any:
    """A 2026 city batch under the 2025 rules whose window is open today. The 120-enterprise demo seeds no
    pilot for 宁波 (its programmes are skipped at that scale, and the demo_site fixture loads no batches), so
    the journey sets one up; T0 assessments are not required, the assessment journey covers them."""
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


def setting(folder: Path) -> Setting:
    """What the journey is not about, through the services: a 宁波 SME with a login (e2e-ningbo), and
    demo-city's approved pilot with that enterprise in its pool and demo-provider nominated."""
    from django.contrib.auth import get_user_model

    from dengta.catalog.models import Product, ProductState, offered_q
    from dengta.demo.generate import make_uscc
    from dengta.demo.services import DEMO_PASSWORD
    from dengta.orgs.models import Membership, OrgType
    from dengta.orgs.services import membership_grant
    from dengta.programmes import services as programmes
    from dengta.reference.models import Industry, Region, SubIndustry
    from dengta.registry.models import Provider
    from dengta.registry.services import enterprise_register

    users = get_user_model()
    city = Membership.objects.select_related("organization", "user").get(
        user__username="demo-city", organization__type=OrgType.AUTHORITY, organization__region_id=CITY
    )
    ministry = users.objects.get(username="demo-ministry")
    provider_org = Membership.objects.get(
        user__username="demo-provider", organization__type=OrgType.PROVIDER
    ).organization
    provider = Provider.objects.get(organization=provider_org)
    assert Provider.objects.filter(pk=provider.pk).filter(offered_q(prefix="")).exists(), (
        "demo-provider is admitted in good standing and suspended nowhere"
    )
    listed = list(Product.objects.filter(provider=provider, state=ProductState.LISTED).order_by("pk"))
    eligible = [p for p in listed if p.category in ELIGIBLE]
    assert eligible and len(listed) >= 2, [(p.name, p.category) for p in listed]
    # An eligible product and, where there is one, a product the subsidy does not count: the split then
    # shows a contract larger than the eligible amount.
    other = next((p for p in listed if p.category not in ELIGIBLE), None) or eligible[1]
    products = [eligible[0], other]

    enterprise = enterprise_register(
        actor=None,
        uscc=make_uscc(random.Random(330212), COUNTY, set()),
        name="宁波海曙光纤精工有限公司",
        region=Region.objects.get(code=COUNTY),
        industry=Industry.objects.get(code=INDUSTRY),
        employees=160,
        revenue_10k_yuan=9500,
        assets_10k_yuan=7200,
    )
    person = users.objects.create(username="e2e-ningbo", display_name="周静怡")
    person.set_password(DEMO_PASSWORD)
    person.save()
    membership_grant(
        actor=None, user=person, organization=enterprise.organization, role="admin", platform_roles=[]
    )

    batch = running_batch(folder)
    officer = city.user
    application = programmes.application_create(actor=officer, applicant=city.organization, batch=batch)
    entry = programmes.application_add_sub_industry(
        actor=officer,
        application=application,
        sub_industry=SubIndustry.objects.get(code="gbt-c383"),
        local_name="光缆及电工器材（宁波）",
    )
    programmes.application_add_provider(actor=officer, entry=entry, provider=provider)
    programmes.application_add_enterprise(actor=officer, entry=entry, enterprise=enterprise)
    programmes.application_update(
        actor=officer,
        application=application,
        data={
            "award_requested_yuan": "150000000",
            "retrofit_share": "0.8",
            "service_share": "0.2",
            "local_matching_yuan": "30000000",
            "target_share": "0.9",
            "target_level": 2,
            "plan": "围绕光缆及电工器材细分行业推进小快轻准改造，两年内规上试点企业九成达到二级",
        },
    )
    programmes.application_submit(actor=officer, application=application, declared=True)
    programmes.application_start_review(actor=ministry, application=application)
    pilot = programmes.application_approve(actor=ministry, application=application)
    return Setting(pilot, enterprise, provider, products)


def signed_off_t1(enterprise: Any) -> Any:
    """demo-city arranges an on-site T1 of the enterprise by demo-expert, who declares no conflict, answers at
    level 2, submits and signs off (the assessment journey does this in the browser)."""
    from dengta.assessment.services import (
        assessment_assign_onsite,
        assessment_declare_coi,
        assessment_save_answers,
        assessment_sign_off,
        assessment_submit,
    )
    from dengta.assessment.tests.conftest import LEVEL2_CHOICES, scenarios_at
    from dengta.orgs.models import Membership, OrgType

    city = Membership.objects.get(
        user__username="demo-city", organization__type=OrgType.AUTHORITY, organization__region_id=CITY
    )
    expert = Membership.objects.select_related("user", "organization").get(
        user__username="demo-expert", organization__type=OrgType.EXPERT_POOL
    )
    assessment = assessment_assign_onsite(
        actor=city.user,
        enterprise=enterprise,
        expert=expert.user,
        expert_organization=expert.organization,
        phase="t1",
    )
    assessment = assessment_declare_coi(actor=expert.user, assessment=assessment)
    assessment_save_answers(
        actor=expert.user, assessment=assessment, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2)
    )
    scored = assessment_submit(actor=expert.user, assessment=assessment, pledge=True)
    signed = assessment_sign_off(actor=expert.user, assessment=scored)
    assert signed.level == 2, signed.level
    return signed


def new_page(browser: Any, username: str, base: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(page, base, username)
    return page


def said(page: Any) -> str:
    return str(page.locator(MESSAGES).all_inner_texts())


def press(page: Any, button: str, expected: str) -> None:
    """Click a button that posts and comes back to the page; the new page must say ``expected`` (waiting for
    the navigation: the page before may already say it, as after the previous upload)."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    assert expected in said(page), (button, said(page))


def step(page: Any, label: str) -> None:
    press(page, label, f"已办理：{label}")


def score_components(provider: Any) -> dict[str, dict[str, Any]]:
    from dengta.catalog.models import ProviderScore

    score = ProviderScore.objects.filter(provider=provider).first()
    return {c["code"]: c for c in score.components} if score is not None else {}


def test_a_project_from_filing_to_payment_reconciles_and_rates_the_provider(
    browser: Any, demo_site: str, screenshots: Path, tmp_path: Path
) -> None:
    from django.contrib.auth import get_user_model
    from django.db.models import Avg

    from dengta.catalog.models import ProviderRating
    from dengta.projects import dossier
    from dengta.projects.models import (
        EntryKind,
        EnvelopeKind,
        LedgerEntry,
        Project,
        ProjectRules,
        ProjectState,
    )
    from dengta.projects.services import ledger

    world = setting(tmp_path / "batches")
    pilot, enterprise = world.pilot, world.enterprise
    score_before = score_components(world.provider)
    ratings_before = ProviderRating.objects.filter(provider=world.provider).count()
    today = timezone.localdate()

    # 1. demo-provider files the project with two products and submits it.
    provider = new_page(browser, "demo-provider", demo_site)
    provider.goto(f"{demo_site}/projects/new/")
    provider.locator("#id_pilot").select_option(str(pilot.pk))
    provider.get_by_label("企业统一社会信用代码").fill(enterprise.uscc)
    provider.get_by_label("项目名称").fill("光缆产线数据采集与质量追溯改造")
    provider.get_by_label("计划开始").fill(today.isoformat())
    provider.get_by_label("计划完成").fill((today + timedelta(days=120)).isoformat())
    provider.get_by_label("目标等级").select_option("2")
    quantities = {world.products[0].pk: 2, world.products[1].pk: 1}
    for product in world.products:
        provider.get_by_label(product.name, exact=True).fill(str(quantities[product.pk]))
    provider.screenshot(path=str(screenshots / "projects-01-filing-form.png"), full_page=True)
    provider.get_by_role("button", name="保存草稿").click()
    provider.wait_for_url("**/projects/*/")
    assert "项目草稿已保存" in said(provider), said(provider)
    project = Project.objects.get(pilot=pilot, enterprise=enterprise)
    assert sorted((line.product_id, line.quantity) for line in project.lines.all()) == sorted(
        quantities.items()
    )
    eligible_amount = world.products[0].pilot_price * 2
    assert project.subsidy_yuan == (eligible_amount / 2).quantize(Decimal("0.01")), project.subsidy_yuan
    assert project.contract_yuan == eligible_amount + world.products[1].pilot_price
    step(provider, "提交备案")
    project.refresh_from_db()
    assert project.state == ProjectState.FILED
    provider.screenshot(path=str(screenshots / "projects-02-filed.png"), full_page=True)

    # 2. demo-city approves: the subsidy is committed.
    city = new_page(browser, "demo-city", demo_site)
    project_url = f"{demo_site}/projects/{project.pk}/"
    city.goto(project_url)
    step(city, "批准并承诺补贴")
    project.refresh_from_db()
    assert project.state == ProjectState.APPROVED
    assert project.funding.exists()
    city.screenshot(path=str(screenshots / "projects-03-approved.png"), full_page=True)
    violations = run_axe(city)
    assert not violations, violations
    retrofit_paid_before = pilot.envelopes.get(kind=EnvelopeKind.RETROFIT).paid_yuan

    # 3. The provider records the work, the dossier and the invoices; the enterprise its payment.
    provider.goto(project_url)
    provider.locator("#contract-day").fill(today.isoformat())
    press(provider, "登记合同签订日期", "已登记合同签订日期")
    step(provider, "开始实施")
    provider.locator("#id_title").fill("产线数据采集终端安装调试")
    provider.locator("#id_due_on").fill((today + timedelta(days=30)).isoformat())
    press(provider, "增加里程碑", "已增加里程碑")
    press(provider, "完成", "里程碑已完成")
    for kind in dossier.load_spec().required:
        path = tmp_path / f"{kind.code}.pdf"
        path.write_bytes(PDF)
        provider.locator("#id_kind").select_option(kind.code)
        provider.locator("#id_file").set_input_files(str(path))
        press(provider, "上传", "材料已上传")
    assert "10/10 项必备材料" in provider.locator("#p-dossier").locator("xpath=..").inner_text()
    provider.locator("#id_number").fill(f"33020026{project.pk:08d}")
    provider.locator("#id_issued_on").fill(today.isoformat())
    provider.locator("#id_amount_yuan").fill(str(project.contract_yuan))
    press(provider, "登记发票", "发票已登记")
    provider.screenshot(path=str(screenshots / "projects-04-dossier-complete.png"), full_page=True)
    violations = run_axe(provider)  # the page with the provider's forms
    assert not violations, violations

    firm = new_page(browser, "e2e-ningbo", demo_site)
    firm.goto(project_url)
    firm.locator("#id_reference").fill(f"NB-PAY-{project.pk}")
    firm.locator("#id_paid_on").fill(today.isoformat())
    firm.locator("#id_amount_yuan").fill(str(project.enterprise_yuan))
    press(firm, "登记付款", "付款已登记")

    provider.goto(project_url)
    step(provider, "确认完工")

    # 4. The enterprise requests acceptance; demo-city pre-checks and sends demo-expert.
    firm.goto(project_url)
    step(firm, "申请验收")
    city.goto(project_url)
    step(city, "预审通过")
    expert_user = get_user_model().objects.get(username="demo-expert")
    city.locator("#id_expert").select_option(str(expert_user.pk))
    press(city, "安排现场评定", "已安排现场评定")
    project.refresh_from_db()
    assert project.state == ProjectState.ON_SITE

    # 5. demo-expert's signed-off T1 (services), then the evaluation in the browser.
    t1 = signed_off_t1(enterprise)
    expert = new_page(browser, "demo-expert", demo_site)
    expert.goto(project_url)
    expert.locator("#id_assessment").select_option(str(t1.pk))
    expert.locator("#id_outcome").select_option("passed")
    expert.screenshot(path=str(screenshots / "projects-05-evaluation-form.png"), full_page=True)
    press(expert, "保存现场评定", "现场评定已保存")

    # 6. demo-city accepts; the enterprise rates and claims; demo-city's finance pays.
    city.goto(project_url)
    step(city, "验收通过")
    city.screenshot(path=str(screenshots / "projects-06-accepted.png"), full_page=True)
    firm.goto(project_url)
    firm.locator("#id_stars").select_option("5")
    press(firm, "评价服务商", "感谢评价")
    step(firm, "申请奖补资金")
    city.goto(project_url)
    project.refresh_from_db()
    amount = f"{project.subsidy_yuan:,.2f}"
    press(city, f"拨付 {amount} 元", "奖补资金已拨付")
    city.screenshot(path=str(screenshots / "projects-07-paid.png"), full_page=True)
    violations = run_axe(city)
    assert not violations, violations

    # 7. The money and the rating, from the database.
    project.refresh_from_db()
    assert project.state == ProjectState.PAID
    report = ledger.reconcile(pilot)
    assert report.balanced, report
    paid = LedgerEntry.objects.filter(project=project, kind=EntryKind.PAY)
    assert sum(e.amount_yuan for e in paid) == project.subsidy_yuan
    retrofit = pilot.envelopes.get(kind=EnvelopeKind.RETROFIT)
    assert retrofit.paid_yuan - retrofit_paid_before == project.central_yuan > 0
    assert ProviderRating.objects.filter(provider=world.provider).count() == ratings_before + 1
    assert ProviderRating.objects.filter(provider=world.provider, enterprise=enterprise, stars=5).exists()
    score_after = score_components(world.provider)
    assert score_after != score_before, score_after
    assert score_after["acceptance_pass_rate"]["status"] == "used", score_after
    assert Decimal(score_after["acceptance_pass_rate"]["raw"]) == 1
    mean = ProviderRating.objects.filter(provider=world.provider).aggregate(mean=Avg("stars"))["mean"]
    assert Decimal(score_after["satisfaction"]["raw"]) == Decimal(str(mean)), score_after
    assert score_before.get("acceptance_pass_rate", {}).get("status") != "used", score_before

    # 8. The pilot's ledger page.
    city.goto(f"{demo_site}/projects/pilots/{pilot.pk}/ledger/")
    assert "账实相符" in city.locator("h1").locator("xpath=..").inner_text()
    city.screenshot(path=str(screenshots / "projects-08-ledger.png"), full_page=True)
    violations = run_axe(city)
    assert not violations, violations

    # 9. The pilot's project rules: the city changes the subsidy rate with a reason; the revision is listed
    # and the project paid above keeps the version it was split with.
    city.get_by_role("link", name="项目规则").click()
    city.get_by_label("补贴比例（%）").fill("45")
    city.get_by_label("修改理由").fill("2027年度补贴标准调整")
    city.get_by_role("button", name="保存为新版本").click()
    history = city.locator("#r-history").locator("xpath=..").inner_text()
    assert "补贴比例（%）：50% → 45%" in history and "2027年度补贴标准调整" in history, history
    project.refresh_from_db()
    assert not project.rules_version.endswith(f"/r{ProjectRules.objects.get(pilot=pilot).revision}")
    city.screenshot(path=str(screenshots / "projects-09-rules.png"), full_page=True)
    violations = run_axe(city)
    assert not violations, violations
