"""Typical models: the aggregation over a sub-industry's published cases (pure), and its public pages with
the ministry's editable summary."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from dengta.cases import services
from dengta.cases.figures import CaseFigures, Scenario, derive
from dengta.cases.models import Case, TypicalModelSummary
from dengta.cases.tests.conftest import Cast
from dengta.cases.tests.test_figures import source
from dengta.cases.typical import MIN_CASES, typical_model
from dengta.core.models import Event


def case(
    contract: str,
    share: str,
    before: int,
    after: int,
    days: int,
    products: list[str],
    quality: tuple[int, int],
) -> CaseFigures:
    base = derive(source())
    return replace(
        base,
        contract_yuan=contract,
        enterprise_share_pct=share,
        level_before=before,
        level_after=after,
        duration_days=days,
        products=[{"product": p, "provider": "P", "quantity": "1", "amount_yuan": "1.00"} for p in products],
        scenarios=[Scenario("quality", "质量管控", quality[0], quality[1])],
    )


def test_medians_bundles_and_uplift_of_a_hand_made_sub_industry() -> None:
    cases = [
        case("100000.00", "60.0", 1, 2, 120, ["追溯SaaS", "网关"], (1, 3)),
        case("300000.00", "70.0", 1, 3, 200, ["网关", "追溯SaaS"], (1, 2)),
        case("200000.00", "50.0", 2, 2, 150, ["排产APS"], (2, 2)),
        case("500000.00", "80.0", 0, 2, 300, ["追溯SaaS"], (0, 2)),
    ]
    model = typical_model(cases)
    assert model.shown and model.cases == 4
    assert model.median_contract_yuan == Decimal("250000.00")
    assert model.median_enterprise_share_pct == Decimal("65.00")
    assert (model.median_level_before, model.median_level_after, model.median_uplift) == (
        Decimal("1.00"),
        Decimal("2.00"),
        Decimal("1.50"),
    )
    assert model.median_days == Decimal("175.00")
    # The bundle of two cases recurs (in any order of its products); bundles of one case do not.
    assert [(b.products, b.cases) for b in model.bundles] == [(("网关", "追溯SaaS"), 2)]
    assert model.products[0] == ("追溯SaaS", 3)
    assert [(s.code, s.cases, s.median_uplift) for s in model.scenarios] == [("quality", 4, Decimal("1.50"))]


def test_fewer_cases_than_the_minimum_show_no_figures() -> None:
    model = typical_model([case("100000.00", "60.0", 1, 2, 120, ["A"], (1, 2))] * (MIN_CASES - 1))
    assert not model.shown and model.median_contract_yuan is None and model.bundles == []


@pytest.mark.django_db
def test_the_public_pages_and_the_ministry_s_summary(retrofit: Cast, case_published: Case) -> None:
    anonymous = Client()
    listing = anonymous.get(reverse("cases:model_list")).content.decode()
    sub_industry = case_published.sub_industry
    assert sub_industry is not None and sub_industry.display_name in listing
    url = reverse("cases:model_detail", args=[sub_industry.code])
    page = anonymous.get(url)
    assert page.status_code == 200 and case_published.title in page.content.decode()
    assert anonymous.get(reverse("cases:model_detail", args=["no-such-code"])).status_code == 404
    summary_url = reverse("cases:model_summary", args=[sub_industry.code])
    city = Client()
    city.force_login(retrofit.user("guangzhou"))
    assert city.post(summary_url, {"summary": "先做质量追溯"}).status_code == 403
    ministry = Client()
    ministry.force_login(retrofit.user("ministry"))
    assert ministry.post(summary_url, {"summary": "先做质量追溯，再扩展到设备联网"}).status_code == 302
    assert (
        TypicalModelSummary.objects.get(sub_industry=sub_industry).summary == "先做质量追溯，再扩展到设备联网"
    )
    assert "先做质量追溯，再扩展到设备联网" in anonymous.get(url).content.decode()
    event = Event.objects.get(verb="typical_model.summary_changed")
    assert event.payload["after"] == "先做质量追溯，再扩展到设备联网"
    too_long = ministry.post(summary_url, {"summary": "字" * 5001})
    assert too_long.status_code == 302
    assert TypicalModelSummary.objects.get(sub_industry=sub_industry).summary.startswith("先做")


@pytest.fixture
def case_published(retrofit: Cast, case: Case) -> Case:
    services.case_update(
        actor=retrofit.user("provider"),
        case=case,
        anonymised=True,
        problem="纸质记录",
        solution="追溯系统",
        results="投诉减少",
    )
    submitted = services.case_submit(actor=retrofit.user("provider"), case=case)
    return services.case_publish(actor=retrofit.user("guangzhou"), case=submitted)


def test_source_dates_are_real_dates() -> None:
    assert derive(source()).duration_days == (date(2025, 10, 1) - date(2025, 4, 1)).days
