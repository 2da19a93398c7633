"""Plausibility warnings on size figures: pure, table-driven, no database (ARCHITECTURE.md convention 4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dengta.registry.plausibility import (
    Figures,
    PlausibilityWarning,
    check,
    current_limits,
    parse_limits,
)

WAN = Decimal(10_000)


def figures(employees: int, revenue_10k: str, assets_10k: str = "1000", sector: str = "industry") -> Figures:
    return Figures(employees, Decimal(revenue_10k) * WAN, Decimal(assets_10k) * WAN, sector)


def codes(found: list[PlausibilityWarning]) -> set[str]:
    return {w.code for w in found}


def test_the_data_file_loads_with_its_version_and_a_default_band() -> None:
    limits = current_limits()
    assert limits.version == "registry-plausibility-2026-1"
    assert limits.band("industry") == limits.revenue_per_employee["default"]
    assert limits.band("wholesale").ceiling == Decimal(10_000)
    assert limits.jump_factors == {"employees": 10, "revenue": 20, "total_assets": 20}


def test_an_absurd_declaration_raises_every_warning() -> None:
    # 100,000 staff and 0.000001 万元 (one cent) of revenue, against 80 staff and 3,500 万元 confirmed.
    found = check(figures(100_000, "0.000001", "2000"), figures(80, "3500", "2000"))
    assert codes(found) == {
        "employees_beyond_sme",
        "revenue_per_employee_low",
        "employees_jump",
        "revenue_jump",
    }
    rendered = {w.code: w.render() for w in found}
    assert "100,000" in rendered["employees_beyond_sme"]
    low = rendered["revenue_per_employee_low"]
    assert "< 0.01" in low and "1 万元/人" in low
    assert "80 人变为 100,000 人" in rendered["employees_jump"]
    assert "3,500 万元变为 < 0.01 万元" in rendered["revenue_jump"]


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        (figures(120, "3500"), figures(100, "3000"), set()),  # ordinary growth
        (figures(1000, "3500"), figures(100, "3500"), {"employees_jump"}),  # ×10 exactly
        (figures(999, "3500"), figures(100, "3500"), set()),  # just below ×10
        (figures(10, "3500"), figures(100, "3500"), {"employees_jump"}),  # ÷10
        (figures(100, "60000"), figures(100, "3000"), {"revenue_jump"}),  # ×20
        (figures(100, "59999"), figures(100, "3000"), set()),
        (figures(100, "150"), figures(100, "3000"), {"revenue_jump"}),  # ÷20
        (figures(100, "3000", "40000"), figures(100, "3000", "2000"), {"total_assets_jump"}),
        (figures(100, "3000", "0"), figures(100, "3000", "2000"), {"total_assets_jump"}),  # to nothing
        (figures(100, "3000", "2000"), figures(100, "3000", "0"), {"total_assets_jump"}),  # from nothing
    ],
)
def test_jumps_against_the_last_confirmed_figures(now: Figures, before: Figures, expected: set[str]) -> None:
    assert codes(check(now, before)) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (figures(100, "100"), set()),  # 1 万元 per person: the floor itself
        (figures(100, "99.99"), {"revenue_per_employee_low"}),
        (figures(10, "20000"), set()),  # 2,000 万元 per person in industry: the ceiling itself
        (figures(10, "20001"), {"revenue_per_employee_high"}),
        (figures(10, "20001", sector="wholesale"), set()),  # traders turn over more per head
        (figures(10, "100001", sector="wholesale"), {"revenue_per_employee_high"}),
        (figures(10, "20001", sector="a_sector_without_its_own_band"), {"revenue_per_employee_high"}),
        (figures(0, "100"), {"employees_zero"}),
        (figures(0, "0"), set()),  # a dormant shell: nothing contradicts
        (figures(10_000, "100000"), set()),
        (figures(10_001, "100000"), {"employees_beyond_sme"}),
    ],
)
def test_ranges_per_sector(now: Figures, expected: set[str]) -> None:
    assert codes(check(now)) == expected


def test_warnings_round_trip_through_json_and_translate_when_shown() -> None:
    warning = check(figures(100, "99"))[0]
    again = PlausibilityWarning.from_dict(warning.as_dict())
    assert again == warning
    assert again.render(lambda text: "EN " + text).startswith("EN 人均营业收入")


def test_bad_data_files_are_refused() -> None:
    good = {
        "version": "x",
        "employees_max": 10,
        "revenue_per_employee_10k_yuan": {"default": {"floor": "1", "ceiling": "2"}},
        "jump_factors": {"employees": "10", "revenue": "20", "total_assets": "20"},
    }
    assert parse_limits(good).employees_max == 10
    with pytest.raises(ValueError, match="default"):
        parse_limits({**good, "revenue_per_employee_10k_yuan": {"x": {"floor": "1", "ceiling": "2"}}})
    with pytest.raises(ValueError, match="floor"):
        parse_limits({**good, "revenue_per_employee_10k_yuan": {"default": {"floor": "3", "ceiling": "2"}}})
    with pytest.raises(ValueError, match="jump"):
        parse_limits({**good, "jump_factors": {"employees": "1", "revenue": "20", "total_assets": "20"}})


amounts = st.decimals(min_value=0, max_value=Decimal("100000000000"), places=2)


@given(employees=st.integers(0, 500_000), revenue=amounts, assets=amounts)
def test_unchanged_figures_never_jump_and_checking_never_fails(
    employees: int, revenue: Decimal, assets: Decimal
) -> None:
    same = Figures(employees, revenue, assets, "industry")
    found = check(same, same)
    assert not {w.code for w in found} & {"employees_jump", "revenue_jump", "total_assets_jump"}
    assert all(w.render() for w in found)


def test_every_warning_reads_in_one_language() -> None:
    from django.utils import translation
    from django.utils.translation import gettext

    from tests.language import assert_one_language

    found = check(figures(100_000, "0.000001"), figures(80, "3500", "0"))
    found += check(figures(1, "100000")) + check(figures(0, "5"))
    assert {w.code for w in found} >= {
        "employees_beyond_sme",
        "revenue_per_employee_low",
        "revenue_per_employee_high",
        "employees_zero",
        "employees_jump",
        "revenue_jump",
        "total_assets_jump",
    }
    for warning in found:
        assert_one_language(warning.render(gettext))
        with translation.override("en"):
            english = warning.render(gettext)
        assert english != warning.render() and english[:1].isascii()
        assert_one_language(english, language="en")
