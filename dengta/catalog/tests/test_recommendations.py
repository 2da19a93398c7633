"""Recommendations through the database and the page: the enterprise's latest scored assessment, listed
products of providers in good standing, bundles the engine verifies, explained in words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dengta.catalog.recommendations import recommendations_for
from dengta.catalog.services import governance
from dengta.catalog.tests.conftest import Market

pytestmark = pytest.mark.django_db


def scenario_lifts(*codes: str, level: int = 2) -> list[dict[str, Any]]:
    return [{"kind": "scenario", "code": code, "level": level} for code in codes]


@pytest.fixture
def shelf(market: Market, world: Any) -> dict[str, Any]:
    """The cast enterprise at 一级 by its scenarios (all at level 1, points enough for 二级: 46.925), and:

    - A (30,000): 质量管理, 设备管理, 安全生产 — three constrained scenarios to 2;
    - B (20,000): 工艺设计, 售后服务, 计划排程 to 2;
    - C (5,000): 人力资源, 协同办公 to 2;
    - D (90,000): six scenarios to 2, three of them constrained, alone.

    二级 needs 6 scenarios at ≥ 2 of which 3 constrained (the provisional 2024 rule). By hand: A+B reaches it
    for 50,000 at pilot prices, D for 90,000; A+C reaches 5 scenarios, one short; B+C has no constrained one.
    With the default estimate (50 %, cap 500,000 yuan, paid only at ≥ 二级) the enterprise's shares are
    25,000 (A+B) and 45,000 (D): A+B comes first.
    """
    from dengta.assessment.tests.conftest import self_assessment

    assessment = self_assessment(world, level=1)
    assert assessment.level == 1
    market.admit()
    a = market.product(
        name="A 质量设备安全",
        lifts=scenario_lifts("quality", "equipment", "safety"),
        list_price="36000",
        pilot_price="30000",
    )
    b = market.product(
        name="B 工艺售后排程",
        lifts=scenario_lifts("process_design", "after_sales", "planning_scheduling"),
        list_price="25000",
        pilot_price="20000",
    )
    c = market.product(
        name="C 人力协同", lifts=scenario_lifts("hr", "collaboration"), list_price="5000", pilot_price="5000"
    )
    d = market.product(
        name="D 全面套装",
        lifts=scenario_lifts("quality", "equipment", "safety", "process_design", "after_sales", "hr"),
        list_price="100000",
        pilot_price="90000",
    )
    return {"a": a, "b": b, "c": c, "d": d, "assessment": assessment}


def test_the_cheapest_bundle_by_hand_comes_first_and_a_near_miss_is_not_shown_as_reaching(
    world: Any, shelf: dict[str, Any]
) -> None:
    view = recommendations_for(world.registered.own, world.viewer("enterprise"))
    assert view.level == 1 and view.target_level == 2
    first = view.bundles[0]
    assert {p.pk for p in first.products} == {shelf["a"].pk, shelf["b"].pk}
    assert first.reaches_level == 2 and first.bundle.level_after == 2
    assert first.bundle.pilot_yuan == Decimal("50000.00")
    assert first.bundle.subsidy_yuan == Decimal("25000.00") and first.bundle.enterprise_share_yuan == Decimal(
        "25000.00"
    )
    reaching = [{p.pk for p in b.products} for b in view.bundles if b.reaches_level]
    assert {shelf["d"].pk} in reaching
    assert {shelf["a"].pk, shelf["c"].pk} not in reaching  # one scenario short: never shown as reaching
    assert any("二级要求至少 6 个场景达到 2 级：现有 0 个，采用该组合后 6 个" in s for s in first.sentences)
    assert any("将“质量管理”场景从 1 级提升到 2 级" in s for s in first.sentences)


def test_a_suspended_providers_products_leave_the_recommendations(
    market: Market, world: Any, shelf: dict[str, Any]
) -> None:
    admission = market.provider.admissions.get()
    governance.governance_act(
        actor=market.user("guangzhou"), admission=admission, kind="suspension", reason="投诉"
    )
    view = recommendations_for(world.registered.own, world.viewer("enterprise"))
    assert view.bundles == []


def test_an_enterprise_without_an_assessment_is_told_what_to_do_first(market: Market, world: Any) -> None:
    view = recommendations_for(world.registered.own, world.viewer("enterprise"))
    assert view.assessment is None and view.bundles == []
    page = world.client("enterprise").get("/catalog/recommendations/")
    assert page.status_code == 200 and "开始自评" in page.content.decode()


def test_the_page_shows_the_bundle_its_share_and_why(world: Any, shelf: dict[str, Any]) -> None:
    page = world.client("enterprise").get("/catalog/recommendations/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "可达到二级" in html and "尚不能达到二级" in html
    assert "企业自付约 25,000.00 元" in html
    assert "为什么推荐" in html and "A 质量设备安全" in html
    assert "请求报价" in html


def test_staff_of_the_jurisdiction_see_an_enterprises_recommendations_and_others_get_404(
    world: Any, shelf: dict[str, Any]
) -> None:
    own = world.registered.own
    assert world.client("guangzhou").get(f"/catalog/recommendations/{own.pk}/").status_code == 200
    assert world.client("zhejiang").get(f"/catalog/recommendations/{own.pk}/").status_code == 404
    assert world.client("provider").get(f"/catalog/recommendations/{own.pk}/").status_code == 404


def test_when_nothing_reaches_the_target_the_page_says_so_and_offers_the_next_level(
    market: Market, world: Any, shelf: dict[str, Any]
) -> None:
    client = world.client("enterprise")
    # Nothing on the shelf lifts a scenario beyond 2 级: no product helps towards 四级 at all.
    html = client.get("/catalog/recommendations/?target=4").content.decode()
    assert "目录中暂时没有能补上这项差距的产品组合" in html
    assert 'href="?target=2"' in html and "改为先以二级为目标" in html
    # One product lifting a scenario to 4 级 helps but cannot reach 四级: a near miss, said to be one.
    market.product(name="E 质量四级", lifts=scenario_lifts("quality", level=4), pilot_price="8000")
    html = client.get("/catalog/recommendations/?target=4").content.decode()
    assert "E 质量四级" in html and "尚不能达到四级" in html
    assert "目录中不超过 4 个产品的组合都还不能达到四级" in html
    assert 'href="?target=2"' in html and "改为先以二级为目标" in html
    assert "可达到四级" not in html
    # Where a bundle reaches the target there is no such notice.
    html = client.get("/catalog/recommendations/").content.decode()
    assert "都还不能达到" not in html and "改为先以" not in html


def test_the_target_can_be_any_level_above_the_current_one(world: Any, shelf: dict[str, Any]) -> None:
    html = world.client("enterprise").get("/catalog/recommendations/").content.decode()
    options = html[html.index('id="target"') : html.index("</select>")]
    assert 'value="2"' in options and 'value="3"' in options and 'value="4"' in options
    assert 'value="1"' not in options  # the enterprise is at 一级 already
    api = world.client("enterprise").get(
        f"/api/v1/enterprises/{world.registered.own.uscc}/recommendations/?target=1"
    )
    assert api.status_code == 200 and api.json()["already_there"] is True
