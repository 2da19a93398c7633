"""Reads of the loaded reference data that other apps and the pages use."""

from __future__ import annotations

from decimal import Decimal

from dengta.reference import selectors
from dengta.reference.sizing import classify


def test_reporting_units_are_provinces_cities_and_the_xpcc(loaded: None) -> None:
    codes = list(selectors.reporting_units().values_list("code", flat=True))
    assert len(codes) == 37 and "660000" in codes and "440300" in codes and "440100" not in codes


def test_region_search(loaded: None) -> None:
    assert list(selectors.region_search(q="4403", level="3").values_list("code", flat=True))[:2] == [
        "440303",
        "440304",
    ]
    assert selectors.region_search(flag="custom").get().code == "660000"
    assert selectors.region_search(level="9").count() == selectors.region_search().count()


def test_focus_sectors_in_code_order(loaded: None) -> None:
    assert selectors.focus_sectors() == [
        "医药和化学制造",
        "通用和专用设备制造",
        "汽车零部件及配件制造",
        "运输设备制造",
        "电气机械和器材制造",
        "计算机和通讯电子",
    ]
    assert selectors.industry_search(focus="运输设备制造", level="2").get().code == "C37"


def test_sub_industry_search_by_bound_code(loaded: None) -> None:
    found = set(selectors.sub_industry_search(q="C382").values_list("code", flat=True))
    assert {"gbt-c382", "smart-grid-equipment", "xm-power-distribution-control"} <= found
    assert not selectors.sub_industry_search(focus="1").filter(is_focus=False).exists()


def test_size_rules_table_and_classification(loaded: None) -> None:
    table = selectors.size_standard_table()
    assert table is not None and len(table["rows"]) == 16
    industry = next(r for r in table["rows"] if r["sector"].key == "industry")
    assert industry["sme"]["combine"] == "any" and industry["sme"]["conditions"][1]["value"] == 40000
    rules = selectors.current_size_rules()
    assert rules is selectors.current_size_rules()  # parsed once per loaded version
    result = classify(
        rules, industry_code="C3670", employees=20, revenue_yuan=Decimal(3_000_000), assets_yuan=Decimal(0)
    )
    assert result.size_class == "small"
