"""Market concentration among providers (concentration.py), by hand and by property (no database).

HHI = Σ (share in %)²: one provider 100² = 10,000; two equal 2 × 50² = 5,000; four equal 4 × 25² = 2,500
(not above the 2,500 warning); 51/49: 2,601 + 2,401 = 5,002 and the top share 51 % is above 50 %.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.catalog.concentration import (
    ConcentrationDataError,
    Thresholds,
    concentration,
    default_thresholds,
    load_thresholds,
)

D = Decimal


def test_the_thresholds_file() -> None:
    limits = load_thresholds()
    assert (limits.hhi_warning, limits.top_share_warning_pct, limits.version) == (2500, D("50"), "2026-12")
    assert "2023 Merger Guidelines" in limits.source and "1,800" in limits.source
    assert default_thresholds() == limits


@pytest.mark.parametrize(
    ("counts", "hhi", "top", "warnings"),
    [
        ({1: 7}, 10000, "100.0", ("hhi_above", "top_share_above")),
        ({1: 5, 2: 5}, 5000, "50.0", ("hhi_above",)),  # 50 % is not more than 50 %
        ({1: 3, 2: 3, 3: 3, 4: 3}, 2500, "25.0", ()),  # exactly 2,500 is not above it
        ({1: 51, 2: 49}, 5002, "51.0", ("hhi_above", "top_share_above")),
        (dict.fromkeys(range(1, 11), 1), 1000, "10.0", ()),
        ({1: 2, 2: 1, 3: 1, 4: 1, 5: 1}, 2222, "33.3", ()),  # (1/9 + 4 × 1/36) × 10,000 = 2,222.2…
        # unequal, yet (9 + 4 + 1 + 1 + 1) / 8² = 16 / 64: 2,500 exactly, no warning
        ({1: 3, 2: 2, 3: 1, 4: 1, 5: 1}, 2500, "37.5", ()),
        ({1: 1, 2: 1, 3: 1}, 3333, "33.3", ("hhi_above",)),  # 3,333.3… is above 2,500
        ({1: 5, 2: 0}, 10000, "100.0", ("hhi_above", "top_share_above")),  # nothing does not share
    ],
)
def test_hhi_by_hand(counts: dict[int, int], hhi: int, top: str, warnings: tuple[str, ...]) -> None:
    result = concentration(counts)
    assert (result.hhi, result.top_share_pct, result.warnings) == (hhi, D(top), warnings)


def test_a_hhi_just_above_the_threshold_warns_though_it_rounds_to_it() -> None:
    """Shares 25.001 %, 24.999 %, 25 %, 25 %: HHI 2,500.0002 shows as 2,500 but is above 2,500."""
    result = concentration({1: 25001, 2: 24999, 3: 25000, 4: 25000})
    assert result.hhi == 2500 and result.warnings == ("hhi_above",)
    result = concentration({1: 50001, 2: 49999})
    assert result.top_share_pct == D("50.0") and "top_share_above" in result.warnings


def test_shares_are_ordered_and_rounded_half_up() -> None:
    result = concentration({7: 1, 3: 2, 5: 2, 9: 3})  # 12.5 %, 25 %, 25 %, 37.5 %
    assert [(s.provider_id, s.amount, s.share_pct) for s in result.shares] == [
        (9, D(3), D("37.5")),
        (3, D(2), D("25.0")),
        (5, D(2), D("25.0")),
        (7, D(1), D("12.5")),
    ]
    assert result.total == 8
    halves = concentration({1: 1, 2: 1999})  # 0.05 % → 0.1 (half up), 99.95 % → 100.0
    assert [s.share_pct for s in halves.shares] == [D("100.0"), D("0.1")]


def test_amounts_in_yuan_work_too() -> None:
    result = concentration({1: D("1500000.50"), 2: D("500000.50"), 3: 0})
    assert result.total == D("2000001.00")
    # 75.0000…% and 25.0000…%: HHI 5,625 + 625 = 6,250 (to the unit)
    assert result.hhi == 6250
    assert [s.share_pct for s in result.shares] == [D("75.0"), D("25.0"), D("0.0")]
    assert result.warnings == ("hhi_above", "top_share_above")
    data = json.loads(json.dumps(result.to_json()))
    assert data["shares"][0] == {"provider_id": 1, "amount": "1500000.50", "share_pct": "75.0"}


@pytest.mark.parametrize("counts", [{}, {1: 0, 2: 0}])
def test_nothing_to_share(counts: dict[int, int]) -> None:
    result = concentration(counts)
    assert (result.total, result.hhi, result.top_share_pct, result.warnings) == (0, None, None, ())
    assert all(s.share_pct == 0 for s in result.shares)


@pytest.mark.parametrize("amount", [-1, D("-0.01"), D("NaN"), D("Infinity")])
def test_impossible_amounts_are_refused(amount: Any) -> None:
    with pytest.raises(ValueError):
        concentration({1: 5, 2: amount})


@pytest.mark.parametrize("amount", [1.5, "3", True])
def test_amounts_of_other_types_are_refused(amount: Any) -> None:
    with pytest.raises(TypeError):
        concentration({1: amount})


def test_other_thresholds() -> None:
    strict = Thresholds(hhi_warning=1800, top_share_warning_pct=D("30"), version="t", source="t")
    result = concentration({1: 3, 2: 3, 3: 3, 4: 3}, strict)
    assert (result.warnings, result.thresholds_version) == (("hhi_above",), "t")
    assert concentration({1: 35, 2: 65 // 2, 3: 65 - 65 // 2}, strict).warnings == (
        "hhi_above",
        "top_share_above",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"hhi_warning": 0},
        {"hhi_warning": 10000},
        {"hhi_warning": "2500"},
        {"hhi_warning": 2500.5},
        {"top_share_warning_pct": 0},
        {"top_share_warning_pct": 100},
        {"top_share_warning_pct": "half"},
        {"version": ""},
        {"source": None},
    ],
)
def test_a_bad_thresholds_file_fails_loudly(tmp_path: Path, change: dict[str, Any]) -> None:
    data = json.loads(
        (Path(__file__).resolve().parent.parent / "data" / "concentration.json").read_text("utf-8")
    )
    data.update(change)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConcentrationDataError):
        load_thresholds(path)


amounts = st.one_of(
    st.integers(min_value=1, max_value=10**6),
    st.decimals(min_value=D("0.01"), max_value=D("1e9"), places=2),
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(amounts, min_size=1, max_size=40))
def test_hhi_lies_between_the_equal_split_and_a_monopoly(values: list[int | Decimal]) -> None:
    counts = dict(enumerate(values, start=1))
    result = concentration(counts)
    n = len(values)
    assert result.hhi is not None
    assert 10000 / n - 0.5 <= result.hhi <= 10000  # the exact HHI is ≥ 10,000 / n; rounding moves ≤ 0.5
    assert result.total == sum(D(v) for v in values)
    assert [s.amount for s in result.shares] == sorted((D(v) for v in values), reverse=True)
    assert sum(s.share_pct for s in result.shares) == pytest.approx(100, abs=0.05 * n)
    assert result.top_share_pct == result.shares[0].share_pct
    if n == 1:
        assert result.hhi == 10000


@settings(max_examples=200, deadline=None)
@given(value=st.integers(min_value=1, max_value=10**6), n=st.integers(min_value=1, max_value=50))
def test_equal_providers_give_exactly_ten_thousand_over_n(value: int, n: int) -> None:
    result = concentration(dict.fromkeys(range(n), value))
    exact = D(10000) / n
    assert result.hhi == int(exact.quantize(D("1"), rounding="ROUND_HALF_UP"))
    assert ("hhi_above" in result.warnings) == (D(10000) / n > 2500)
