"""Numbers and tiers as typed or read from a spreadsheet cell (pure Python)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dengta.core.problems import Problem
from dengta.registry import rules
from tests.language import assert_one_language, english


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (120, 120),
        (120.0, 120),
        ("120", 120),
        ("１２０", 120),
        (" 1,200 ", 1200),
        ("0", 0),
        ("500000", 500_000),
    ],
)
def test_employees_accepted(raw: object, expected: int) -> None:
    assert rules.parse_employees(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "employees_required"),
        (None, "employees_required"),
        ("-3", "employees_negative"),
        (-3.0, "employees_negative"),
        ("12.5", "employees_fraction"),
        ("500001", "employees_absurd"),
        ("一百", "employees_not_number"),
        ("1,5", "employees_not_number"),
        ("12人", "employees_not_number"),
        (True, "employees_not_number"),
    ],
)
def test_employees_refused_with_a_specific_reason(raw: object, code: str) -> None:
    result = rules.parse_employees(raw)
    assert isinstance(result, Problem) and result.code == code
    assert "从业人员" in result.render()
    assert_one_language(result.render())
    assert "employees" in english(result).lower()
    assert_one_language(english(result), language="en", values=result.params.values())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3500.5", Decimal("3500.5")),
        (3500.5, Decimal("3500.5")),
        (0.1, Decimal("0.1")),  # a double read from Excel becomes the decimal the person typed
        ("１２３４．５６", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("0.000001", Decimal("0.000001")),
        ("10000000", Decimal("10000000")),
        (0, Decimal(0)),
    ],
)
def test_amounts_accepted_exactly(raw: object, expected: Decimal) -> None:
    assert rules.parse_amount_10k(raw, kind="revenue") == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "revenue_required"),
        ("-1", "revenue_negative"),
        ("0.0000001", "revenue_decimals"),
        ("10000000.01", "revenue_absurd"),
        ("1e9", "revenue_not_number"),
        ("abc", "revenue_not_number"),
        ("NaN", "revenue_not_number"),
        ("12,34", "revenue_not_number"),
        (float("inf"), "revenue_not_number"),
    ],
)
def test_amounts_refused_with_a_specific_reason(raw: object, code: str) -> None:
    result = rules.parse_amount_10k(raw, kind="revenue")
    assert isinstance(result, Problem) and result.code == code


def test_assets_messages_name_assets() -> None:
    result = rules.parse_amount_10k("-5", kind="assets")
    assert isinstance(result, Problem)
    assert "资产总额" in result.render() and "assets" in english(result)
    assert_one_language(english(result), language="en", values=result.params.values())


def test_yuan_conversion_is_exact() -> None:
    assert rules.yuan_from_10k(Decimal("3500.5")) == Decimal("35005000.00")
    assert rules.yuan_from_10k(Decimal("0.000001")) == Decimal("0.01")
    assert rules.ten_k_from_yuan(Decimal("35005000.00")) == Decimal("3500.5")
    assert rules.ten_k_from_yuan(Decimal("20000000.00")) == Decimal("2000")


@given(st.decimals(min_value=0, max_value=10_000_000, places=6, allow_nan=False, allow_infinity=False))
def test_amount_round_trip_through_yuan_is_exact(value: Decimal) -> None:
    parsed = rules.parse_amount_10k(str(value), kind="assets")
    assert parsed == value
    assert isinstance(parsed, Decimal)
    assert rules.ten_k_from_yuan(rules.yuan_from_10k(parsed)) == value


@given(st.text(max_size=20))
def test_parsers_never_raise(raw: str) -> None:
    rules.parse_employees(raw)
    rules.parse_amount_10k(raw, kind="revenue")
    rules.parse_tier(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ""),
        (None, ""),
        ("无", ""),
        ("创新型", "innovative"),
        ("创新型中小企业", "innovative"),
        ("专精特新", "specialised"),
        ("小巨人", "little_giant"),
        ("专精特新“小巨人”企业", "little_giant"),
        ("Little_Giant", "little_giant"),
        ("　小巨人　", "little_giant"),
    ],
)
def test_tiers(raw: object, expected: str) -> None:
    assert rules.parse_tier(raw) == expected


def test_unknown_tier_lists_the_allowed_values() -> None:
    result = rules.parse_tier("隐形冠军")
    assert isinstance(result, Problem)
    assert "创新型" in result.render() and "隐形冠军" in result.render()


def test_industry_level_rule() -> None:
    assert rules.industry_level_problem("C3670", 4) is None
    problem = rules.industry_level_problem("C36", 2)
    assert problem is not None and "大类" in problem.render() and "division" in english(problem)
    assert "大类" not in english(problem)
