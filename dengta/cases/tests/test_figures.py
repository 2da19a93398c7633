"""The case figures' pure calculation (dengta.cases.figures): KPIs from collected numbers, the derived
figures, the bands an anonymised case shows, and the digest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dengta.cases.figures import (
    AssessmentFacts,
    CaseInput,
    Line,
    anonymised,
    derive,
    kpi_value,
    money_band,
    value_band,
)

T0 = AssessmentFacts(
    level=1,
    points={"base": Decimal("20.5"), "mgmt": Decimal("12"), "results": Decimal("10")},
    scenario_levels={"quality": 1, "equipment": 2, "sales": 1},
    numbers={
        "equipment_total": "50",
        "equipment_networked": "10",
        "revenue_last": "2000",
        "employees_last": "100",
    },
    assessed_on=date(2025, 3, 1),
)
T1 = AssessmentFacts(
    level=2,
    points={"base": Decimal("30"), "mgmt": Decimal("18.25"), "results": Decimal("16")},
    scenario_levels={"quality": 3, "equipment": 2, "sales": 1},
    numbers={
        "equipment_total": "50",
        "equipment_networked": "30",
        "revenue_last": "2300",
        "employees_last": "100",
    },
    assessed_on=date(2026, 3, 1),
)


def source(**extra: object) -> CaseInput:
    values: dict[str, object] = {
        "enterprise": "天河精工有限公司",
        "region": "广东省广州市天河区",
        "province": "广东省",
        "sub_industry": "汽车零部件",
        "size": "小型",
        "size_class": "small",
        "region_path": "440000/440100/440106/",
        "above_designated_size": True,
        "provider": "广州数智服务有限公司",
        "lines": [Line("质量追溯SaaS", "广州数智服务有限公司", 2, Decimal("48000"))],
        "scenario_names": {"quality": "质量管控", "equipment": "设备管理", "sales": "营销管理"},
        "project_scenarios": ["quality"],
        "contract_yuan": Decimal("138000"),
        "concession_yuan": Decimal("22000"),
        "subsidy_yuan": Decimal("24000"),
        "central_yuan": Decimal("16000"),
        "local_yuan": Decimal("8000"),
        "enterprise_yuan": Decimal("114000"),
        "started_on": date(2025, 4, 1),
        "accepted_on": date(2025, 10, 1),
        "t1": T1,
        "t0": T0,
    }
    values.update(extra)
    return CaseInput(**values)  # type: ignore[arg-type]


def test_the_figures_are_the_source_s() -> None:
    f = derive(source())
    assert (f.level_before, f.level_after, f.uplift) == (1, 2, 1)
    assert f.points_before == {"base": "20.50", "mgmt": "12.00", "results": "10.00"}
    assert f.points_after["mgmt"] == "18.25"
    # The project's scenario, and no scenario that did not move.
    assert [(s.code, s.before, s.after) for s in f.scenarios] == [("quality", 1, 3)]
    assert f.scenario_levels_before == {"equipment": 2, "quality": 1, "sales": 1}
    networked = next(k for k in f.kpis if k.code == "equipment_networked_rate")
    assert (networked.before, networked.after, networked.change_pct, networked.improved) == (
        "20.00",
        "60.00",
        "200.0",
        True,
    )
    revenue = next(k for k in f.kpis if k.code == "revenue_per_employee")
    assert (revenue.before, revenue.after, revenue.change_pct) == ("20.00", "23.00", "15.0")
    assert {k.code for k in f.kpis} == {"equipment_networked_rate", "revenue_per_employee"}  # only both-sided
    assert (f.contract_yuan, f.enterprise_yuan, f.enterprise_share_pct) == ("138000.00", "114000.00", "82.6")
    assert f.duration_days == 183
    assert f.products == [
        {
            "product": "质量追溯SaaS",
            "provider": "广州数智服务有限公司",
            "quantity": "2",
            "amount_yuan": "48000.00",
        }
    ]


def test_without_a_t0_there_is_no_before() -> None:
    f = derive(source(t0=None))
    assert f.level_before is None and f.uplift is None and f.kpis == [] and f.notes == ["no_t0"]
    assert f.scenario_levels_before == {}


@pytest.mark.parametrize(
    ("numbers", "top", "bottom", "scale", "expected"),
    [
        ({"a": "1", "b": "3"}, "a", "b", Decimal(100), Decimal("33.33")),
        ({"a": "1", "b": "0"}, "a", "b", Decimal(100), None),  # no base
        ({"a": "1"}, "a", "b", Decimal(100), None),  # a number missing
        ({"a": "x", "b": "3"}, "a", "b", Decimal(1), None),  # not a number
        ({"a": "-1", "b": "3"}, "a", "b", Decimal(1), None),  # negative
        ({"a": "98.5"}, "a", "", Decimal(1), Decimal("98.50")),  # a value, not a ratio
    ],
)
def test_kpi_values(
    numbers: dict[str, str], top: str, bottom: str, scale: Decimal, expected: Decimal | None
) -> None:
    assert kpi_value(numbers, top, bottom, scale) == expected


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        ("0", "0"),
        ("1.00", "0–10000"),
        ("10000.00", "0–10000"),
        ("10000.01", "10000–20000"),
        ("138000.00", "100000–200000"),
        ("500000.00", "200000–500000"),
        ("9000000000.00", ">500000000"),
    ],
)
def test_money_bands(amount: str, band: str) -> None:
    assert money_band(amount) == band


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2))
def test_a_value_lies_inside_its_band(value: Decimal) -> None:
    text = value_band(str(value))
    low, high = (Decimal(x) for x in text.split("–"))
    assert low < value <= high


def test_an_anonymised_case_names_nobody_and_shows_bands() -> None:
    f = anonymised(derive(source()), description="广东省某汽车零部件企业", province="广东省")
    assert f.anonymised and f.enterprise == "广东省某汽车零部件企业" and f.region == "广东省"
    assert f.region_path == "440000/"
    assert f.contract_yuan == "100000–200000" and f.products[0]["amount_yuan"] == "20000–50000"
    networked = next(k for k in f.kpis if k.code == "equipment_networked_rate")
    assert (networked.before, networked.after, networked.change_pct) == ("10–20", "50–60", "200")
    # Levels and points name nobody: kept.
    assert (f.level_before, f.level_after, f.points_after) == (1, 2, derive(source()).points_after)


def test_the_digest_changes_with_any_figure() -> None:
    base = derive(source())
    assert derive(source()).digest() == base.digest()
    assert derive(source(contract_yuan=Decimal("138000.01"))).digest() != base.digest()
