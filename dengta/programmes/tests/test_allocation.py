"""The award split (allocation.py): edge cases by hand, refusals with their codes, properties (no database).

Caps from 财建〔2023〕117号 (DOMAIN.md 2.1): 150,000,000 yuan for provincial capitals, 计划单列市 and the
兵团; 100,000,000 yuan for other cities and municipal districts/counties; retrofit ≥ 80 %, service
capacity ≤ 20 %.

Worked example (a fen of rounding): award 1.01 yuan at 81.25 % → 1.01 × 0.8125 = 0.820625 → retrofit 0.82
(rounded down), service 1.01 − 0.82 = 0.19.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.programmes.allocation import (
    AWARD_OVER_CAP,
    ERROR_CODES,
    NEGATIVE_AMOUNT,
    NOT_A_NUMBER,
    RETROFIT_SHARE_BELOW_MINIMUM,
    SERVICE_SHARE_ABOVE_MAXIMUM,
    SHARES_DO_NOT_ADD_UP,
    AllocationError,
    AllocationRules,
    AllocationRulesError,
    check_split,
    split_award,
)

D = Decimal
CAPITAL = AllocationRules(cap_yuan=D("150000000.00"))
OTHER_CITY = AllocationRules(cap_yuan=D("100000000.00"))


@pytest.mark.parametrize(
    ("award", "retrofit_share", "service_share", "local", "rules", "retrofit", "service", "total"),
    [
        # exactly 80 % at exactly the capital cap
        ("150000000.00", "0.8", "0.2", "0", CAPITAL, "120000000.00", "30000000.00", "150000000.00"),
        ("100000000", "0.8000", "0.2000", "5000.5", OTHER_CITY, "80000000.00", "20000000.00", "100005000.50"),
        ("150000000.00", "1", "0", "0", CAPITAL, "150000000.00", "0.00", "150000000.00"),
        # a fen of rounding: retrofit rounded down, service takes the fen
        ("1.01", "0.8125", "0.1875", "0", CAPITAL, "0.82", "0.19", "1.01"),
        ("0.01", "0.8", "0.2", "0", CAPITAL, "0.00", "0.01", "0.01"),
        ("99999999.99", "0.85", "0.15", "0", OTHER_CITY, "84999999.99", "15000000.00", "99999999.99"),
        ("123456789.13", "0.8001", "0.1999", "1000", CAPITAL, "98777776.98", "24679012.15", "123457789.13"),
        ("0", "0.8", "0.2", "0", CAPITAL, "0.00", "0.00", "0.00"),
        # strings with whitespace, trailing zeros and exponents parse as decimals
        (" 150000000 ", "8E-1", "0.20000", "1.500", CAPITAL, "120000000.00", "30000000.00", "150000001.50"),
        (D("60000000"), D("0.9"), D("0.1"), 0, OTHER_CITY, "54000000.00", "6000000.00", "60000000.00"),
    ],
)
def test_the_split(
    award: Any,
    retrofit_share: Any,
    service_share: Any,
    local: Any,
    rules: AllocationRules,
    retrofit: str,
    service: str,
    total: str,
) -> None:
    allocation = split_award(award, retrofit_share, service_share, local, rules)
    assert (allocation.retrofit_yuan, allocation.service_yuan, allocation.total_yuan) == (
        D(retrofit),
        D(service),
        D(total),
    )
    # two decimals shown on every figure
    assert str(allocation.retrofit_yuan) == retrofit and str(allocation.total_yuan) == total
    assert allocation.retrofit_yuan + allocation.service_yuan == allocation.award_yuan


def test_the_explanation_names_each_figure_and_its_rule() -> None:
    allocation = split_award("1.01", "0.8125", "0.1875", "2000000", CAPITAL)
    lines = {line.code: line for line in allocation.explanation}
    assert [line.code for line in allocation.explanation] == [
        "award",
        "retrofit",
        "service",
        "local_matching",
        "total",
    ]
    assert [line.rule for line in allocation.explanation] == [
        "award_within_cap",
        "retrofit_share_rounded_down",
        "service_is_remainder",
        "local_funds_outside_split",
        "total_is_sum",
    ]
    assert lines["retrofit"].amount_yuan == D("0.82")
    assert lines["retrofit"].sentence_zh == (
        "中小企业数字化改造资金0.82元＝奖励×81.25%，向下取整到分（比例不低于80%）。"
    )
    assert "rounded down to the fen" in lines["retrofit"].sentence_en
    assert lines["service"].sentence_zh.startswith("服务能力提升资金0.19元＝奖励−改造资金")
    assert lines["award"].sentence_zh == "中央财政定额奖励1.01元，不超过该类城市的上限150,000,000.00元。"
    assert lines["total"].sentence_en == (
        "Total of 2,000,001.01 yuan = central award of 1.01 yuan + local matching funds of 2,000,000.00 yuan."
    )
    data = json.loads(json.dumps(allocation.to_json(), ensure_ascii=False))
    assert data["retrofit_yuan"] == "0.82" and data["rules"]["min_retrofit_share"] == "0.8000"
    assert data["explanation"][3]["rule"] == "local_funds_outside_split"


@pytest.mark.parametrize(
    ("award", "retrofit_share", "service_share", "local", "rules", "code", "params"),
    [
        ("150000000.01", "0.8", "0.2", "0", CAPITAL, AWARD_OVER_CAP, {"cap_yuan": "150000000.00"}),
        ("100000000.01", "0.8", "0.2", "0", OTHER_CITY, AWARD_OVER_CAP, {"award_yuan": "100000000.01"}),
        ("1000", "0.7999", "0.2001", "0", CAPITAL, RETROFIT_SHARE_BELOW_MINIMUM, {"minimum": "0.8000"}),
        ("1000", "0.8", "0.3", "0", CAPITAL, SHARES_DO_NOT_ADD_UP, {"sum": "1.1000"}),
        ("1000", "0.9", "0.0999", "0", CAPITAL, SHARES_DO_NOT_ADD_UP, {"sum": "0.9999"}),
        ("-1", "0.8", "0.2", "0", CAPITAL, NEGATIVE_AMOUNT, {"field": "award_yuan"}),
        ("1000", "0.8", "0.2", "-0.01", CAPITAL, NEGATIVE_AMOUNT, {"field": "local_matching_yuan"}),
        ("1000", "1.2", "-0.2", "0", CAPITAL, NEGATIVE_AMOUNT, {"field": "service_share"}),
        ("1000.001", "0.8", "0.2", "0", CAPITAL, NOT_A_NUMBER, {"problem": "too_many_places"}),
        ("1000", "0.80001", "0.19999", "0", CAPITAL, NOT_A_NUMBER, {"problem": "too_many_places"}),
        ("1,000", "0.8", "0.2", "0", CAPITAL, NOT_A_NUMBER, {"problem": "not_decimal", "value": "1,000"}),
        ("一亿", "0.8", "0.2", "0", CAPITAL, NOT_A_NUMBER, {"field": "award_yuan"}),
        ("", "0.8", "0.2", "0", CAPITAL, NOT_A_NUMBER, {"problem": "not_decimal"}),
        ("NaN", "0.8", "0.2", "0", CAPITAL, NOT_A_NUMBER, {"problem": "not_finite"}),
        ("Infinity", "0.8", "0.2", "0", CAPITAL, NOT_A_NUMBER, {"problem": "not_finite"}),
        ("1000", 0.8, "0.2", "0", CAPITAL, NOT_A_NUMBER, {"problem": "float", "field": "retrofit_share"}),
        ("1000", "0.8", "0.2", None, CAPITAL, NOT_A_NUMBER, {"field": "local_matching_yuan"}),
        ("1000", True, "0.2", "0", CAPITAL, NOT_A_NUMBER, {"problem": "not_decimal"}),
        ("1e14", "0.8", "0.2", "0", CAPITAL, NOT_A_NUMBER, {"problem": "too_large"}),
    ],
)
def test_refusals(
    award: Any,
    retrofit_share: Any,
    service_share: Any,
    local: Any,
    rules: AllocationRules,
    code: str,
    params: dict[str, str],
) -> None:
    with pytest.raises(AllocationError) as caught:
        split_award(award, retrofit_share, service_share, local, rules)
    error = caught.value
    assert error.code == code
    assert params.items() <= error.params.items()
    assert error.sentence_zh and error.sentence_en and error.sentence_zh != error.sentence_en
    assert str(error).startswith(f"{code}: ")
    assert check_split(award, retrofit_share, service_share, local, rules)[0].code == code


def test_the_refusal_sentences() -> None:
    below = check_split("1000", "0.75", "0.25", "0", CAPITAL)
    assert [e.code for e in below] == [RETROFIT_SHARE_BELOW_MINIMUM, SERVICE_SHARE_ABOVE_MAXIMUM]
    assert below[0].sentence_zh == "用于中小企业数字化改造的比例75%低于最低要求80%。"
    assert below[1].sentence_en == "The service-capacity share of 25 % is above the maximum of 20 %."
    over = check_split("150000000.01", "0.8", "0.2", "0", CAPITAL)[0]
    assert over.sentence_zh == "中央财政奖励150,000,000.01元超过该类城市的上限150,000,000.00元。"
    unparsable = check_split("1.001", "0.8", "0.2", "abc", CAPITAL)
    assert [(e.code, e.params["field"]) for e in unparsable] == [
        (NOT_A_NUMBER, "award_yuan"),
        (NOT_A_NUMBER, "local_matching_yuan"),
    ]
    assert unparsable[0].sentence_zh == "中央财政奖励资金“1.001”无效：最多保留2位小数。"
    assert unparsable[1].to_json()["en"] == "The local matching funds “abc” is not valid: it is not a number."
    assert check_split("150000000", "0.8", "0.2", "0", CAPITAL) == ()


def test_stricter_rules_reach_the_service_maximum_alone() -> None:
    rules = AllocationRules(cap_yuan=D("100000000"), min_retrofit_share=D("0.8"), max_service_share=D("0.15"))
    errors = check_split("1000", "0.82", "0.18", "0", rules)
    assert [e.code for e in errors] == [SERVICE_SHARE_ABOVE_MAXIMUM]
    assert errors[0].params == {"service_share": "0.1800", "maximum": "0.1500"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cap_yuan": 1.5e8}, "float"),
        ({"cap_yuan": D("-1")}, "out of range"),
        ({"cap_yuan": "1.001"}, "too_many_places"),
        ({"min_retrofit_share": D("1.2")}, "out of range"),
        ({"max_service_share": "-0.1"}, "out of range"),
        ({"max_service_share": "abc"}, "not_decimal"),
    ],
)
def test_bad_rules_fail_loudly(change: dict[str, Any], message: str) -> None:
    with pytest.raises(AllocationRulesError, match=message):
        AllocationRules(**({"cap_yuan": D("100000000")} | change))


def test_rules_accept_strings_and_keep_decimals() -> None:
    rules = AllocationRules(cap_yuan="150000000", min_retrofit_share="0.8", max_service_share="0.2")  # type: ignore[arg-type]
    assert rules == CAPITAL
    assert isinstance(rules.min_retrofit_share, Decimal)


# ---------------------------------------------------------------------------------------------------------
# Properties

money = st.integers(0, 150_000_000_00).map(lambda fen: D(fen).scaleb(-2))
allowed_shares = st.integers(8000, 10000).map(lambda bp: D(bp).scaleb(-4))


@settings(max_examples=500, deadline=None)
@given(award=money, share=allowed_shares, local=money, as_text=st.booleans())
def test_envelopes_add_up_and_retrofit_keeps_its_share_within_a_fen(
    award: Decimal, share: Decimal, local: Decimal, as_text: bool
) -> None:
    args: tuple[Any, ...] = (award, share, 1 - share, local)
    if as_text:
        args = tuple(str(a) for a in args)
    allocation = split_award(args[0], args[1], args[2], args[3], CAPITAL)
    assert allocation.retrofit_yuan + allocation.service_yuan == award
    assert allocation.total_yuan == award + local
    assert min(allocation.retrofit_yuan, allocation.service_yuan, allocation.total_yuan) >= 0
    exact = award * share
    assert allocation.retrofit_yuan <= exact < allocation.retrofit_yuan + D("0.01")
    # ≥ 80 % of the award within a fen
    assert allocation.retrofit_yuan > award * D("0.8") - D("0.01")
    assert allocation.service_yuan < award * D("0.2") + D("0.01")
    for figure in (allocation.retrofit_yuan, allocation.service_yuan, allocation.total_yuan):
        assert figure.as_tuple().exponent == -2
    assert split_award(award, share, 1 - share, local, CAPITAL) == allocation


@settings(max_examples=300, deadline=None)
@given(
    award=st.integers(-(10**15), 10**15).map(lambda fen: D(fen).scaleb(-2)),
    retrofit=st.integers(-2000, 12000).map(lambda bp: D(bp).scaleb(-4)),
    service=st.integers(-2000, 12000).map(lambda bp: D(bp).scaleb(-4)),
    local=st.integers(-(10**6), 10**15).map(lambda fen: D(fen).scaleb(-2)),
)
def test_a_split_is_made_exactly_when_no_rule_refuses_it(
    award: Decimal, retrofit: Decimal, service: Decimal, local: Decimal
) -> None:
    errors = check_split(award, retrofit, service, local, CAPITAL)
    allowed = (
        0 <= award <= CAPITAL.cap_yuan
        and local >= 0
        and abs(local) < 10**14
        and abs(award) < 10**14
        and retrofit + service == 1
        and retrofit >= D("0.8")
        and 0 <= service <= D("0.2")
    )
    assert (errors == ()) == allowed
    if allowed:
        allocation = split_award(award, retrofit, service, local, CAPITAL)
        assert allocation.retrofit_yuan >= 0 and allocation.service_yuan >= 0
    else:
        assert {e.code for e in errors} <= set(ERROR_CODES)
        with pytest.raises(AllocationError) as caught:
            split_award(award, retrofit, service, local, CAPITAL)
        assert caught.value.code == errors[0].code


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=20))
def test_any_text_is_split_or_refused_with_a_code(text: str) -> None:
    for args in ((text, "0.8", "0.2", "0"), ("100", text, "0.2", "0"), ("100", "0.8", "0.2", text)):
        try:
            split_award(*args, CAPITAL)
        except AllocationError as error:
            assert error.code in ERROR_CODES


@pytest.mark.parametrize("share", ["1E100", "-1E100", "123456789012345678901234567890"])
def test_a_huge_share_is_refused_as_too_large_not_a_crash(share: str) -> None:
    with pytest.raises(AllocationError) as caught:
        split_award("100", share, "0.2", "0", CAPITAL)
    assert caught.value.code in ERROR_CODES
