"""The demo catalogue: pools, admissions in every state and standing, valid products, quotes and ratings."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from dengta.assessment.models import Assessment
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.selectors import current_framework
from dengta.catalog import matching
from dengta.catalog.models import (
    Admission,
    AdmissionState,
    Category,
    Complaint,
    Deployment,
    GovernanceAction,
    Pool,
    Product,
    ProductLift,
    ProductState,
    ProviderRating,
    ProviderScore,
    QuoteRequest,
    QuoteState,
    Standing,
)
from dengta.catalog.selectors import in_good_standing_q, listing_standing
from dengta.catalog.services.admissions import completeness
from dengta.core.events import verify_chain
from dengta.core.models import Event
from dengta.demo.catalog import listed_target
from dengta.demo.generate import DELIVERY_DAYS, PRICE_RANGES, short_industry_name
from dengta.demo.services import PILOT_CITIES, parse_scale, seed
from dengta.orgs.models import Membership, OrgType
from dengta.reference.loaders import load_all
from dengta.reference.models import SubIndustry
from dengta.registry.models import Enterprise, Provider

pytestmark = pytest.mark.django_db
SCALE = "120"  # the smallest scale the demo tests use: 10 providers, 120 enterprises


@pytest.fixture
def seeded(db: Any) -> list[str]:
    load_all()
    out: list[str] = []
    seed(SCALE, 3, out.append)
    return out


def _login_org(username: str, org_type: str) -> Any:
    return Membership.objects.get(user__username=username, organization__type=org_type).organization


def test_pools_admissions_and_governance(seeded: list[str]):
    national = Pool.objects.get(owner__type=OrgType.MINISTRY)
    assert (national.period, national.expert_review, national.min_references, national.is_open) == (
        2026,
        True,
        3,
        True,
    )
    for code, _level, _divisions in PILOT_CITIES:
        assert Pool.objects.filter(owner__region_id=code, period=2026, is_open=True).exists(), code
    ningbo = Pool.objects.get(owner__region_id="330200", period=2026)
    assert ningbo.min_references == 3
    assert Pool.objects.filter(period=2025, is_open=False).exists()

    # Every kind in every state, admitted ones in every standing; the application's kind is the provider's.
    seen = set(Admission.objects.values_list("provider__kind_id", "state"))
    assert {(k, s) for k in ("platform", "integrated", "scenario") for s in AdmissionState.values} <= seen
    assert not Admission.objects.exclude(kind_id=models_f("provider__kind_id")).exists()
    admitted = Admission.objects.filter(state=AdmissionState.ADMITTED)
    assert set(admitted.values_list("standing", flat=True)) == set(Standing.values)
    for admission in Admission.objects.select_related("pool"):
        assert completeness(admission) == [], admission  # complete enough to submit, as the service checks
        assert len(admission.references) >= 3
        assert admission.revenue_yuan and admission.net_assets_yuan and admission.qualifications
        if admission.state in (AdmissionState.RETURNED, AdmissionState.REFUSED):
            assert admission.reason
        if admission.state in (AdmissionState.ADMITTED, AdmissionState.REFUSED, AdmissionState.RETURNED):
            assert admission.submitted_at and admission.decided_at and admission.decided_by_id
            assert admission.submitted_at < admission.decided_at <= timezone.now()
        if admission.pool.expert_review and admission.state == AdmissionState.ADMITTED:
            assert admission.opinions.exists()  # the workflow's guard: an expert's opinion before admitting
    fw = current_framework().compiled()
    assert isinstance(fw, Compiled)
    codes = {s.code for s in fw.scenarios}
    assert all(set(a) <= codes and a for a in Admission.objects.values_list("scenarios", flat=True))
    names = set(Enterprise.objects.values_list("name", flat=True))
    assert all(
        r["enterprise"] in names
        for refs in Admission.objects.values_list("references", flat=True)
        for r in refs
    )
    assert Admission.objects.exclude(security_certification="").exists()

    # Standings come with their measures; a warning in force has a deadline ahead.
    today = timezone.localdate()
    for admission in admitted.exclude(standing=Standing.GOOD):
        latest = admission.actions.order_by("-created_at", "-id").first()
        assert latest is not None and latest.reason
        if admission.standing == Standing.WARNED:
            assert latest.kind == GovernanceAction.Kind.WARNING
            assert admission.rectify_by is not None and admission.rectify_by == latest.rectify_by
            assert admission.rectify_by > today
    appeals = set(GovernanceAction.objects.values_list("appeal", flat=True))
    assert {"pending", "upheld", "overturned"} <= appeals
    overturned = GovernanceAction.objects.get(appeal="overturned")
    assert overturned.admission.standing == overturned.standing_before and overturned.appeal_reason

    # demo-provider: admitted nationally in good standing, not in 宁波's 2026 pool (the demo applies there).
    provider = Provider.objects.get(organization=_login_org("demo-provider", OrgType.PROVIDER))
    assert Admission.objects.filter(
        provider=provider, pool=national, state=AdmissionState.ADMITTED, standing=Standing.GOOD
    ).exists()
    assert not Admission.objects.filter(provider=provider, pool=ningbo).exists()
    assert listing_standing(provider).allowed
    line = next(m for m in seeded if m.startswith("catalogue:"))
    assert f"{Admission.objects.count()} admissions" in line


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def test_products_are_listed_valid_and_priced(seeded: list[str]):
    fw = current_framework().compiled()
    assert isinstance(fw, Compiled)
    listed = Product.objects.listed()
    assert listed.count() == listed_target(parse_scale(SCALE).providers)
    assert listed_target(parse_scale("demo").providers) >= 1000  # the demo scale's figure
    # Listed products only from providers that may be offered (admitted, good or warned, suspended nowhere).
    assert not listed.exclude(in_good_standing_q()).exists()
    assert set(Product.objects.values_list("state", flat=True)) == set(ProductState.values)
    assert not Product.objects.filter(state__in=["rejected", "delisted"], reason="").exists()
    assert set(listed.values_list("category", flat=True)) == set(Category.values)
    assert set(listed.values_list("deployment", flat=True)) == set(Deployment.values)
    covered = set(
        Product.sub_industries.through.objects.filter(product__state="listed").values_list(
            "subindustry_id", flat=True
        )
    )
    assert covered == set(SubIndustry.objects.values_list("code", flat=True))
    lifts = defaultdict(list)
    for lift in ProductLift.objects.all():
        lifts[lift.product_id].append(lift)
        problem = matching.validate_lift(
            fw, matching.Lift(lift.kind, lift.code, lift.level, tuple(lift.options))
        )
        assert problem is None, (lift.code, problem)
        if lift.kind == "scenario":
            assert lift.level in (2, 3)
    assert ProductLift.objects.filter(kind="item").exists()
    for product in Product.objects.all():
        assert 1 <= len(lifts[product.pk]) <= 3, product
        assert (product.framework_code, product.framework_version) == (fw.code, fw.version)
        assert product.name_grams and product.description
        low, high = PRICE_RANGES[product.category]
        assert low <= product.list_price <= high, product
        concession = (product.list_price - product.pilot_price) * 100 / product.list_price
        assert product.pilot_price <= product.list_price and Decimal(5) <= concession <= Decimal(30)
        days = DELIVERY_DAYS[product.category]
        assert days[0] <= product.delivery_days <= days[1]
        if product.state == ProductState.LISTED:
            assert product.submitted_at and product.listed_at and product.decided_by_id
            assert product.submitted_at <= product.listed_at <= timezone.now()
    names = Counter(Product.objects.values_list("provider_id", "name"))
    assert max(names.values()) == 1  # no provider sells two products of one name
    demo = Provider.objects.get(organization=_login_org("demo-provider", OrgType.PROVIDER))
    assert listed.filter(provider=demo).count() == 8


def test_quotes_ratings_and_concentration(seeded: list[str]):
    assert set(QuoteRequest.objects.values_list("state", flat=True)) == set(QuoteState.values)
    assert not QuoteRequest.objects.filter(state="answered", quote_yuan=None).exists()
    assert not QuoteRequest.objects.filter(state="declined", answer="").exists()
    assert not QuoteRequest.objects.exclude(in_good_standing_q()).exists()
    for quote in QuoteRequest.objects.prefetch_related("products"):
        products = list(quote.products.all())
        assert products and all(p.provider_id == quote.provider_id and p.state == "listed" for p in products)
    # Ratings only from enterprises that worked with the provider (accepted its quote).
    for rating in ProviderRating.objects.all():
        assert 1 <= rating.stars <= 5
        assert QuoteRequest.objects.filter(
            provider=rating.provider_id, enterprise=rating.enterprise_id, state="accepted"
        ).exists()
    assert ProviderRating.objects.exists() and Complaint.objects.exists()
    admitted = set(
        Admission.objects.filter(state="admitted").values_list("provider_id", flat=True).distinct()
    )
    assert set(ProviderScore.objects.values_list("provider_id", flat=True)) == admitted

    # At least one market (a city and a sub-industry) held mostly by one provider, as the watch sees it.
    markets: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    for place, sub, provider in QuoteRequest.objects.exclude(state="withdrawn").values_list(
        "enterprise__prefecture_code", "sub_industry_id", "provider_id"
    ):
        markets[(place, sub)][provider] += 1
    concentrated = [
        counts
        for counts in markets.values()
        if sum(counts.values()) >= 3
        and (
            sum((100 * n / sum(counts.values())) ** 2 for n in counts.values()) > 2500
            or max(counts.values()) * 2 > sum(counts.values())
        )
    ]
    assert concentrated

    # demo-provider has one open request, not from demo-enterprise, which has none and no assessment.
    demo = Provider.objects.get(organization=_login_org("demo-provider", OrgType.PROVIDER))
    (own,) = QuoteRequest.objects.filter(provider=demo)
    assert own.state == QuoteState.OPEN
    enterprise = Enterprise.objects.get(organization=_login_org("demo-enterprise", OrgType.ENTERPRISE))
    assert own.enterprise_id != enterprise.pk
    assert not QuoteRequest.objects.filter(enterprise=enterprise).exists()
    assert not Assessment.objects.filter(enterprise=enterprise).exists()

    # One event for the whole seeding carries the catalogue's counts; the chain holds.
    payload = Event.objects.get(verb="demo.seeded").payload
    assert payload["catalogue"]["products"]["listed"] == Product.objects.listed().count()
    assert verify_chain().intact


def test_short_industry_names():
    assert short_industry_name("电机制造") == "电机"
    assert short_industry_name("计算机、通信和其他电子设备制造业-电子器件制造") == "电子器件"
    assert short_industry_name("泵、阀门、压缩机及类似机械制造") == ""
    assert short_industry_name("其他食品制造") == ""
