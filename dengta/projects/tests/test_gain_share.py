"""Gain sharing (gain_share.py): fees computed by hand, refusals per field, properties (no database).

Worked example (the first case): energy per 100 yuan of revenue, baseline 1.20, 10,000 yuan per unit, 30 % to
the provider, cap 5,000 over 4 periods. Measured 1.00 → gain 2,000, fee 600; 1.25 → gain −500, fee 0 (no
claw-back); 0.50 → gain 7,000, fee 2,100; 0.10 → gain 11,000, 30 % is 3,300 but only 5,000 − 2,700 = 2,300
is left under the cap → fee 2,300; total 5,000.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.projects.gain_share import GainContract, gain_share_from_json, settle
from dengta.projects.inputs import CalculatorError


def contract(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kpi": "energy_per_100_yuan_revenue",
        "baseline": "1.20",
        "yuan_per_unit": "10000",
        "share": "0.3",
        "cap_total_yuan": "5000",
        "term_periods": 4,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def request(measured: list[Any], **changes: Any) -> dict[str, Any]:
    return {"contract": contract(**changes), "periods": [{"measured": m} for m in measured]}


def fees(data: dict[str, Any]) -> tuple[list[tuple[str, str]], str]:
    body = gain_share_from_json(data).to_json(english=True)
    return [(p["gain_yuan"], p["fee_yuan"]) for p in body["periods"]], body["total_fee_yuan"]


CASES = [
    pytest.param(
        request(["1.00", "1.25", "0.50", "0.10"]),
        [("2000.00", "600.00"), ("-500.00", "0.00"), ("7000.00", "2100.00"), ("11000.00", "2300.00")],
        "5000.00",
        id="worked-example",
    ),
    pytest.param(
        request(["0.95", "0.99"], kpi="pass_rate", baseline="0.90", yuan_per_unit="100000", share="0.25"),
        [("5000.00", "1250.00"), ("9000.00", "2250.00")],
        "3500.00",
        id="pass-rate-higher-is-better",
    ),
    pytest.param(
        # gain 0.005: shown 0.01 (half-up) but the fee comes from the exact gain: 0.005 → 0.00
        request(["0.999995"], baseline="1", yuan_per_unit="1000", share="1", term_periods=1),
        [("0.01", "0.00")],
        "0.00",
        id="gain-shown-half-up-fee-from-exact-gain",
    ),
    pytest.param(
        # gain −0.005: shown −0.01 (half-up rounds away from zero), no fee
        request(["1.000005"], baseline="1", yuan_per_unit="1000", share="1", term_periods=1),
        [("-0.01", "0.00")],
        "0.00",
        id="negative-gain-half-up",
    ),
    pytest.param(
        # 0.03 × 10 = 0.3 yuan × 33.3333 % = 0.09999990 → 0.09 (rounded down)
        request(["1.17"], yuan_per_unit="10", share="0.333333", term_periods=1),
        [("0.30", "0.09")],
        "0.09",
        id="fee-rounded-down",
    ),
    pytest.param(
        request(["1.20", "1.20"]),
        [("0.00", "0.00"), ("0.00", "0.00")],
        "0.00",
        id="zero-gain-zero-fee",
    ),
    pytest.param(
        request(["0", "0", "0"], cap_total_yuan="5000"),
        [("12000.00", "3600.00"), ("12000.00", "1400.00"), ("12000.00", "0.00")],
        "5000.00",
        id="cap-reached-then-nothing",
    ),
    pytest.param(
        request(["0.5"], cap_total_yuan="0"),
        [("7000.00", "0.00")],
        "0.00",
        id="zero-cap",
    ),
    pytest.param(
        request(["50", "130"], kpi="revenue_per_employee", baseline="100", yuan_per_unit="2.5", share="0.5"),
        [("-125.00", "0.00"), ("75.00", "37.50")],
        "37.50",
        id="revenue-per-employee-worse-then-better",
    ),
    pytest.param(
        request(["96.5"], kpi="cost_per_100_yuan_revenue", baseline="98", yuan_per_unit="20000", share="0.2"),
        [("30000.00", "5000.00")],
        "5000.00",
        id="cost-per-100-yuan-capped-in-one-period",
    ),
    pytest.param(
        request(
            ["12", "15"],
            kpi="custom",
            kpi_name="设备联网率",
            lower_is_better=False,
            baseline="10",
            yuan_per_unit="100",
            share="0.5",
        ),
        [("200.00", "100.00"), ("500.00", "250.00")],
        "350.00",
        id="custom-higher",
    ),
    pytest.param(
        request(
            ["8"], kpi="custom", kpi_name="停机小时", direction="lower_is_better", baseline="10", share="1"
        ),
        [("20000.00", "5000.00")],
        "5000.00",
        id="custom-lower-by-direction",
    ),
    pytest.param(
        # the contract says higher is better for an energy KPI: what it says counts
        request(["1.30"], direction="higher_is_better", lower_is_better=False),
        [("1000.00", "300.00")],
        "300.00",
        id="stated-direction-overrides",
    ),
    pytest.param(request([]), [], "0.00", id="no-periods-yet"),
    pytest.param(
        request([1, 0.5], baseline=2, yuan_per_unit=100, share=0.1, cap_total_yuan=1000),
        [("100.00", "10.00"), ("150.00", "15.00")],
        "25.00",
        id="json-numbers",
    ),
]


@pytest.mark.parametrize(("data", "expected", "total"), CASES)
def test_fees_match_the_hand_computation(data: dict[str, Any], expected: list[Any], total: str) -> None:
    assert fees(data) == (expected, total)


def test_each_period_shows_its_measurement_and_explains_both_figures() -> None:
    body = gain_share_from_json(request(["1.00", "0.10"])).to_json(english=False)
    first = body["periods"][0]
    assert set(body) == {"periods", "total_fee_yuan"}
    assert set(first) == {"period", "measured", "gain_yuan", "fee_yuan", "explanation"}
    assert first["period"] == 1 and first["measured"] == "1"
    gain, fee = first["explanation"]
    assert gain["figure"] == "gain_yuan" and "（基准值1.2−实测值1）" in gain["text"]
    assert "百元营业收入能耗" in gain["text"] and "越低越好" in gain["text"]
    assert fee["figure"] == "fee_yuan" and "分成比例30%" in fee["text"] and "向下取整" in fee["text"]
    capped = request(["1.00", "0.10"], cap_total_yuan="3000")  # 3,300 by the share, 2,400 left
    second = gain_share_from_json(capped).to_json(english=True)["periods"][1]
    assert second["fee_yuan"] == "2400.00"
    assert "cap binds" in second["explanation"][1]["text"]
    assert "fees before of 600.00 yuan" in second["explanation"][1]["text"]


def problems(data: Any) -> dict[tuple[Any, ...], str]:
    with pytest.raises(CalculatorError) as caught:
        gain_share_from_json(data)
    return {p.path: p.code for p in caught.value.problems}


REFUSALS = [
    pytest.param(request(["1"], kpi="energy"), ("contract", "kpi"), "unknown_kpi", id="unknown-kpi"),
    pytest.param(request(["1"], kpi=None), ("contract", "kpi"), "missing", id="kpi-missing"),
    pytest.param(
        request(["1"], kpi="custom", lower_is_better=True), ("contract", "kpi_name"), "missing", id="name"
    ),
    pytest.param(
        request(["1"], kpi="custom", kpi_name="x"), ("contract", "direction"), "missing", id="no-direction"
    ),
    pytest.param(
        request(["1"], lower_is_better=True, direction="higher_is_better"),
        ("contract", "direction"),
        "directions_disagree",
        id="directions-disagree",
    ),
    pytest.param(
        request(["1"], lower_is_better="yes"),
        ("contract", "lower_is_better"),
        "not_boolean",
        id="flag-not-bool",
    ),
    pytest.param(
        request(["1"], direction="down"), ("contract", "direction"), "not_a_direction", id="bad-direction"
    ),
    pytest.param(request(["1"], baseline=None), ("contract", "baseline"), "missing", id="baseline-missing"),
    pytest.param(
        request(["1"], baseline="abc"), ("contract", "baseline"), "not_a_number", id="baseline-text"
    ),
    pytest.param(
        request(["1"], baseline="1.1234567"), ("contract", "baseline"), "too_many_places", id="kpi-places"
    ),
    pytest.param(request(["1"], share="1.5"), ("contract", "share"), "out_of_range", id="share>1"),
    pytest.param(request(["1"], share="-0.5"), ("contract", "share"), "out_of_range", id="share<0"),
    pytest.param(
        request(["1"], cap_total_yuan="-1"), ("contract", "cap_total_yuan"), "negative", id="neg-cap"
    ),
    pytest.param(
        request(["1"], cap_total_yuan="1.001"),
        ("contract", "cap_total_yuan"),
        "too_many_places",
        id="cap-places",
    ),
    pytest.param(
        request(["1"], yuan_per_unit="-3"), ("contract", "yuan_per_unit"), "negative", id="neg-value"
    ),
    pytest.param(request(["1"], term_periods=0), ("contract", "term_periods"), "not_whole", id="term-zero"),
    pytest.param(
        request(["1"], term_periods="2.5"), ("contract", "term_periods"), "not_whole", id="term-half"
    ),
    pytest.param(request(["1"], term_periods=601), ("contract", "term_periods"), "not_whole", id="term-huge"),
    pytest.param(request(["1"], term_periods=True), ("contract", "term_periods"), "boolean", id="term-bool"),
    pytest.param(request(["1", "1", "1", "1", "1"]), ("periods",), "more_than_term", id="more-than-term"),
    pytest.param(request(["1", None]), ("periods", 1, "measured"), "missing", id="measured-missing"),
    pytest.param(request(["1", "x"]), ("periods", 1, "measured"), "not_a_number", id="measured-text"),
    pytest.param(request(["Infinity"]), ("periods", 0, "measured"), "not_finite", id="measured-inf"),
    pytest.param(request([float("nan")]), ("periods", 0, "measured"), "not_finite", id="measured-nan"),
    pytest.param(request(["1e999"]), ("periods", 0, "measured"), "too_large", id="measured-1e999"),
    pytest.param(request([False]), ("periods", 0, "measured"), "boolean", id="measured-bool"),
    pytest.param(
        {"contract": contract(), "periods": [5]}, ("periods", 0), "not_an_object", id="period-number"
    ),
    pytest.param({"contract": contract(), "periods": "1"}, ("periods",), "not_a_list", id="periods-text"),
    pytest.param({"contract": contract()}, ("periods",), "missing", id="periods-missing"),
    pytest.param({"periods": []}, ("contract",), "missing", id="contract-missing"),
    pytest.param({"contract": [], "periods": []}, ("contract",), "not_an_object", id="contract-list"),
    pytest.param("text", (), "not_an_object", id="body-text"),
]


@pytest.mark.parametrize(("data", "path", "code"), REFUSALS)
def test_bad_input_is_refused_naming_the_field(data: Any, path: tuple[Any, ...], code: str) -> None:
    found = problems(data)
    assert found.get(path) == code, found


def test_a_bad_measurement_names_its_period_one_based() -> None:
    with pytest.raises(CalculatorError) as caught:
        gain_share_from_json(request(["1", "1", "abc"]))
    assert caught.value.by_field(english=False) == {
        "periods": [{}, {}, {"measured": ["第3期的实测值“abc”无效：不是数字。"]}]
    }
    assert caught.value.by_field(english=True)["periods"][2]["measured"] == [
        "Period 3: the measured value “abc” is not a number."
    ]
    with pytest.raises(CalculatorError) as caught:
        gain_share_from_json(request(["1", "1", "1", "1", "1"]))
    assert caught.value.by_field(english=False) == {"periods": ["收益报表共5期，超过合同期数4期。"]}


def test_settle_refuses_more_periods_than_the_term() -> None:
    parsed = GainContract(
        kpi="pass_rate",
        kpi_name="产品合格率",
        lower_is_better=False,
        baseline=Decimal("0.9"),
        yuan_per_unit=Decimal("1"),
        share=Decimal("1"),
        cap_total_yuan=Decimal("1"),
        term_periods=1,
    )
    with pytest.raises(CalculatorError):
        settle(parsed, [Decimal(1), Decimal(1)])


# ------------------------------------------------------------------------------------------ properties

kpi_values = st.decimals(min_value=-1000, max_value=1000, places=6, allow_nan=False, allow_infinity=False)
money = st.decimals(
    min_value=0, max_value=Decimal("999999.99"), places=2, allow_nan=False, allow_infinity=False
)
shares = st.decimals(min_value=0, max_value=1, places=6, allow_nan=False, allow_infinity=False)


@st.composite
def statements(draw: Any) -> tuple[GainContract, list[Decimal]]:
    term = draw(st.integers(min_value=1, max_value=12))
    parsed = GainContract(
        kpi="custom",
        kpi_name="指标",
        lower_is_better=draw(st.booleans()),
        baseline=draw(kpi_values),
        yuan_per_unit=draw(money),
        share=draw(shares),
        cap_total_yuan=draw(money),
        term_periods=term,
    )
    return parsed, draw(st.lists(kpi_values, max_size=term))


@settings(max_examples=300, deadline=None)
@given(statements())
def test_fees_are_never_negative_and_never_pass_the_cap(
    statement: tuple[GainContract, list[Decimal]],
) -> None:
    parsed, measured = statement
    result = settle(parsed, measured)
    assert all(p.fee_yuan >= 0 for p in result.periods)
    assert result.total_fee_yuan == sum((p.fee_yuan for p in result.periods), Decimal(0))
    assert result.total_fee_yuan <= parsed.cap_total_yuan
    for p in result.periods:
        assert p.fee_yuan == p.fee_yuan.quantize(Decimal("0.01"))
        assert p.fee_yuan <= max(p.gain_exact, Decimal(0)) * parsed.share
        if p.gain_exact <= 0:
            assert p.fee_yuan == 0
        assert abs(p.gain_yuan - p.gain_exact) <= Decimal("0.005")


@settings(max_examples=200, deadline=None)
@given(statements())
def test_a_measurement_equal_to_the_baseline_pays_nothing(
    statement: tuple[GainContract, list[Decimal]],
) -> None:
    parsed, measured = statement
    result = settle(parsed, [parsed.baseline] * len(measured))
    assert all(p.gain_yuan == 0 and p.fee_yuan == 0 for p in result.periods)
    assert result.total_fee_yuan == 0


@settings(max_examples=200, deadline=None)
@given(statements(), shares)
def test_total_fees_grow_with_the_share(
    statement: tuple[GainContract, list[Decimal]], other: Decimal
) -> None:
    parsed, measured = statement
    low, high = sorted((parsed.share, other))
    fewer = settle(GainContract(**{**parsed.__dict__, "share": low}), measured)
    more = settle(GainContract(**{**parsed.__dict__, "share": high}), measured)
    assert fewer.total_fee_yuan <= more.total_fee_yuan
    assert all(a.gain_yuan == b.gain_yuan for a, b in zip(fewer.periods, more.periods, strict=True))
