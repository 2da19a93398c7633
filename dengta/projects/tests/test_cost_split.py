"""The cost split (cost_split.py): figures computed by hand, refusals per field, properties (no database).

Worked example (the first case): software 800.01 × 3 = 2,400.03 and hardware 90 × 2 = 180 make a contract of
2,580.03; the concession is 199.99 × 3 + 9.99 × 2 = 619.95; only software is eligible, so the subsidy is
2,400.03 × 50 % = 1,200.015 → 1,200.01 (rounded down); central 1,200.01 × 60 % = 720.006 → 720.01 (half-up),
local 480.00, enterprise 2,580.03 − 1,200.01 = 1,380.02.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.projects.cost_split import (
    FIGURES,
    CostLine,
    CostRules,
    cost_split_from_json,
    parse_cost_request,
    split_cost,
)
from dengta.projects.inputs import CalculatorError


def rules(rate: Any = "0.5", cap: Any = "500000", central: Any = "0.6", kinds: Any = ("software", "cloud")):
    return {
        "subsidy_rate": rate,
        "cap_per_enterprise_yuan": cap,
        "central_share": central,
        "eligible_categories": list(kinds),
    }


def line(category: Any = "software", list_price: Any = "100.00", pilot: Any = "80.00", quantity: Any = 1):
    return {
        "category": category,
        "list_price_yuan": list_price,
        "pilot_price_yuan": pilot,
        "quantity": quantity,
    }


def request(rules_: Any = None, lines: Any = None, prior: Any = "0") -> dict[str, Any]:
    return {
        "rules": rules() if rules_ is None else rules_,
        "lines": [line()] if lines is None else lines,
        "prior_subsidy_yuan": prior,
    }


def figures(data: dict[str, Any]) -> tuple[str, ...]:
    body = cost_split_from_json(data).to_json(english=True)
    return tuple(body[name] for name in FIGURES)


# contract, concession, eligible, subsidy, central, local, enterprise
CASES = [
    pytest.param(
        request(
            lines=[line("software", "1000.00", "800.01", 3), line("hardware", "99.99", "90", 2)],
        ),
        ("2580.03", "619.95", "2400.03", "1200.01", "720.01", "480.00", "1380.02"),
        id="worked-example",
    ),
    pytest.param(
        # 0.03 × 50 % = 0.015: rounded down to 0.01 (half-up would give 0.02)
        request(lines=[line(list_price="0.03", pilot="0.03")], rules_=rules(central="0")),
        ("0.03", "0.00", "0.03", "0.01", "0.00", "0.01", "0.02"),
        id="subsidy-rounded-down",
    ),
    pytest.param(
        # 100 × 33.3333 % = 33.3333 → 33.33
        request(lines=[line(list_price="100", pilot="100")], rules_=rules(rate="0.333333", central="1")),
        ("100.00", "0.00", "100.00", "33.33", "33.33", "0.00", "66.67"),
        id="rate-with-six-places",
    ),
    pytest.param(
        # subsidy 0.05, central 0.05 × 50 % = 0.025 → 0.03 half-up (half-even would give 0.02)
        request(lines=[line(list_price="0.10", pilot="0.10")], rules_=rules(central="0.5")),
        ("0.10", "0.00", "0.10", "0.05", "0.03", "0.02", "0.05"),
        id="central-half-up",
    ),
    pytest.param(
        # 0.07 × 50 % = 0.035 → 0.03; central 0.03 × 50 % = 0.015 → 0.02, local 0.01
        request(lines=[line(list_price="0.07", pilot="0.07")], rules_=rules(central="0.5")),
        ("0.07", "0.00", "0.07", "0.03", "0.02", "0.01", "0.04"),
        id="both-roundings",
    ),
    pytest.param(
        # 2,000,000 × 50 % = 1,000,000, above the cap of 500,000
        request(lines=[line(list_price="1000000", pilot="1000000", quantity=2)]),
        ("2000000.00", "0.00", "2000000.00", "500000.00", "300000.00", "200000.00", "1500000.00"),
        id="cap-binds",
    ),
    pytest.param(
        request(lines=[line(list_price="1000", pilot="1000")], prior="499999.99"),
        ("1000.00", "0.00", "1000.00", "0.01", "0.01", "0.00", "999.99"),
        id="prior-subsidy-leaves-a-fen",
    ),
    pytest.param(
        request(lines=[line(list_price="1000", pilot="1000")], prior="500000"),
        ("1000.00", "0.00", "1000.00", "0.00", "0.00", "0.00", "1000.00"),
        id="prior-subsidy-exhausts-the-cap",
    ),
    pytest.param(
        request(lines=[line(list_price="1000", pilot="1000")], prior="600000"),
        ("1000.00", "0.00", "1000.00", "0.00", "0.00", "0.00", "1000.00"),
        id="prior-subsidy-above-the-cap-never-negative",
    ),
    pytest.param(
        request(rules_=rules(kinds=()), lines=[line(list_price="500", pilot="400", quantity=2)]),
        ("800.00", "200.00", "0.00", "0.00", "0.00", "0.00", "800.00"),
        id="no-eligible-categories",
    ),
    pytest.param(
        request(lines=[line("consulting", "150", "100", 4), line("cloud", "60.50", "60.50", 1)]),
        ("460.50", "200.00", "60.50", "30.25", "18.15", "12.10", "430.25"),
        id="concession-and-one-eligible-line",
    ),
    pytest.param(
        request(rules_=rules(rate="0", central="0.6")),
        ("80.00", "20.00", "80.00", "0.00", "0.00", "0.00", "80.00"),
        id="zero-rate",
    ),
    pytest.param(
        request(rules_=rules(rate="1", cap="0")),
        ("80.00", "20.00", "80.00", "0.00", "0.00", "0.00", "80.00"),
        id="zero-cap",
    ),
    pytest.param(
        # the largest amounts the money columns hold stay exact
        request(
            lines=[line(list_price="99999999999999.99", pilot="99999999999999.99")],
            rules_=rules(rate="1", cap="99999999999999.99", central="0.5"),
        ),
        (
            "99999999999999.99",
            "0.00",
            "99999999999999.99",
            "99999999999999.99",
            "50000000000000.00",
            "49999999999999.99",
            "0.00",
        ),
        id="largest-amounts",
    ),
]


@pytest.mark.parametrize(("data", "expected"), CASES)
def test_the_figures_match_the_hand_computation(data: dict[str, Any], expected: tuple[str, ...]) -> None:
    assert figures(data) == expected


def test_every_figure_is_explained_with_its_rule_in_both_languages() -> None:
    data = request(lines=[line("software", "1000.00", "800.01", 3), line("hardware", "99.99", "90", 2)])
    split = cost_split_from_json(data)
    assert [e.figure for e in split.explanation] == list(FIGURES)
    subsidy = split.explanation[3]
    assert subsidy.rules == ("subsidy_rate", "cap_per_enterprise_yuan")
    assert "1,200.01" in subsidy.zh and "2,400.03" in subsidy.zh and "50%" in subsidy.zh
    assert "rounded down" in subsidy.en and "1,200.01" in subsidy.en
    assert "四舍五入" in split.explanation[4].zh and "half-up" in split.explanation[4].en
    english = split.to_json(english=True)["explanation"][0]
    assert set(english) == {"figure", "amount_yuan", "formula", "rules", "text"}
    assert english["text"].startswith("Contract of 2,580.03 yuan")
    stored = split.to_json()["explanation"][0]
    assert stored["zh"].startswith("合同金额2,580.03元") and "text" not in stored


def test_the_subsidy_line_says_which_limit_binds() -> None:
    capped = cost_split_from_json(request(lines=[line(list_price="2000000", pilot="2000000")]))
    assert "cap binds" in capped.explanation[3].en
    used_up = cost_split_from_json(request(prior="500000"))
    assert "used up" in used_up.explanation[3].en and "已用完" in used_up.explanation[3].zh


# ------------------------------------------------------------------------------------------- the input


def test_numbers_come_as_strings_integers_or_floats_through_their_shortest_repr() -> None:
    # 0.1 as a binary float is 0.1000000000000000055…; its repr "0.1" is what the person meant.
    as_floats = request(
        rules_=rules(rate=0.1, cap=500000, central=0.6), lines=[line(list_price=100.1, pilot=0.3)]
    )
    as_floats["prior_subsidy_yuan"] = 0
    assert figures(as_floats) == ("0.30", "99.80", "0.30", "0.03", "0.02", "0.01", "0.27")
    padded = request(lines=[line(list_price=" 100.00 ", pilot="80", quantity="2")])
    assert figures(padded)[0] == "160.00"
    assert figures(request(lines=[line(quantity="3.0")]))[0] == "240.00"


def problems(data: Any) -> dict[tuple[Any, ...], str]:
    with pytest.raises(CalculatorError) as caught:
        cost_split_from_json(data)
    return {p.path: p.code for p in caught.value.problems}


REFUSALS = [
    pytest.param(
        request(lines=[line(list_price="-1")]), ("lines", 0, "list_price_yuan"), "negative", id="neg-list"
    ),
    pytest.param(
        request(lines=[line(pilot="-0.01")]), ("lines", 0, "pilot_price_yuan"), "negative", id="neg-pilot"
    ),
    pytest.param(
        request(lines=[line(list_price="80", pilot="80.01")]),
        ("lines", 0, "pilot_price_yuan"),
        "pilot_above_list",
        id="pilot-above-list",
    ),
    pytest.param(
        request(lines=[line(quantity=0)]), ("lines", 0, "quantity"), "not_whole", id="quantity-zero"
    ),
    pytest.param(
        request(lines=[line(quantity=-2)]), ("lines", 0, "quantity"), "not_whole", id="quantity-neg"
    ),
    pytest.param(
        request(lines=[line(quantity="1.5")]), ("lines", 0, "quantity"), "not_whole", id="quantity-half"
    ),
    pytest.param(
        request(lines=[line(quantity=10**7)]), ("lines", 0, "quantity"), "not_whole", id="quantity-huge"
    ),
    pytest.param(request(rules_=rules(rate="1.01")), ("rules", "subsidy_rate"), "out_of_range", id="rate>1"),
    pytest.param(request(rules_=rules(rate="-0.1")), ("rules", "subsidy_rate"), "out_of_range", id="rate<0"),
    pytest.param(
        request(rules_=rules(central="2")), ("rules", "central_share"), "out_of_range", id="share>1"
    ),
    pytest.param(
        request(rules_=rules(rate="0.1234567")),
        ("rules", "subsidy_rate"),
        "too_many_places",
        id="rate-places",
    ),
    pytest.param(
        request(rules_=rules(cap="-5")), ("rules", "cap_per_enterprise_yuan"), "negative", id="negative-cap"
    ),
    pytest.param(request(prior="-0.01"), ("prior_subsidy_yuan",), "negative", id="negative-prior"),
    pytest.param(request(lines=[]), ("lines",), "empty", id="no-lines"),
    pytest.param(request(lines={"category": "x"}), ("lines",), "not_a_list", id="lines-not-a-list"),
    pytest.param(request(lines=[line()] * 501), ("lines",), "too_many", id="too-many-lines"),
    pytest.param(request(lines=["x"]), ("lines", 0), "not_an_object", id="line-not-an-object"),
    pytest.param(request(prior=None), ("prior_subsidy_yuan",), "missing", id="prior-null"),
    pytest.param({"lines": [line()], "prior_subsidy_yuan": "0"}, ("rules",), "missing", id="rules-missing"),
    pytest.param(
        request(rules_={k: v for k, v in rules().items() if k != "central_share"}),
        ("rules", "central_share"),
        "missing",
        id="central-share-missing",
    ),
    pytest.param(
        request(rules_=rules(kinds=["software", 3])),
        ("rules", "eligible_categories"),
        "bad_items",
        id="category-not-text",
    ),
    pytest.param(
        request(rules_={**rules(), "eligible_categories": "software"}),
        ("rules", "eligible_categories"),
        "not_a_list",
        id="categories-not-a-list",
    ),
    pytest.param(
        request(lines=[line(category="  ")]), ("lines", 0, "category"), "missing", id="blank-category"
    ),
    pytest.param(
        request(lines=[line(category=7)]), ("lines", 0, "category"), "not_text", id="category-number"
    ),
    pytest.param(
        request(lines=[line(list_price="abc")]), ("lines", 0, "list_price_yuan"), "not_a_number", id="abc"
    ),
    pytest.param(
        request(lines=[line(list_price="NaN")]), ("lines", 0, "list_price_yuan"), "not_finite", id="nan"
    ),
    pytest.param(
        request(lines=[line(list_price="sNaN")]), ("lines", 0, "list_price_yuan"), "not_finite", id="snan"
    ),
    pytest.param(
        request(lines=[line(list_price="Infinity")]), ("lines", 0, "list_price_yuan"), "not_finite", id="inf"
    ),
    pytest.param(
        request(lines=[line(list_price=float("inf"))]),
        ("lines", 0, "list_price_yuan"),
        "not_finite",
        id="finf",
    ),
    pytest.param(
        request(lines=[line(list_price=float("nan"))]),
        ("lines", 0, "list_price_yuan"),
        "not_finite",
        id="fnan",
    ),
    pytest.param(
        request(lines=[line(list_price="1e999")]), ("lines", 0, "list_price_yuan"), "too_large", id="1e999"
    ),
    pytest.param(
        request(lines=[line(list_price="100000000000000")]),
        ("lines", 0, "list_price_yuan"),
        "too_large",
        id="15-digits",
    ),
    pytest.param(
        request(lines=[line(list_price="1e-999")]),
        ("lines", 0, "list_price_yuan"),
        "too_many_places",
        id="1e-999",
    ),
    pytest.param(
        request(lines=[line(list_price="10.001")]),
        ("lines", 0, "list_price_yuan"),
        "too_many_places",
        id="fen+1",
    ),
    pytest.param(
        request(lines=[line(list_price=0.001)]),
        ("lines", 0, "list_price_yuan"),
        "too_many_places",
        id="float-fen+1",
    ),
    pytest.param(
        request(lines=[line(list_price="1_000")]), ("lines", 0, "list_price_yuan"), "not_a_number", id="_"
    ),
    pytest.param(
        request(lines=[line(list_price="１００")]), ("lines", 0, "list_price_yuan"), "not_a_number", id="wide"
    ),
    pytest.param(
        request(lines=[line(list_price="1" * 65)]), ("lines", 0, "list_price_yuan"), "too_long", id="long"
    ),
    pytest.param(
        request(lines=[line(list_price=True)]), ("lines", 0, "list_price_yuan"), "boolean", id="bool"
    ),
    pytest.param(
        request(lines=[line(quantity=True)]), ("lines", 0, "quantity"), "boolean", id="bool-quantity"
    ),
    pytest.param(request(rules_=rules(rate=False)), ("rules", "subsidy_rate"), "boolean", id="bool-rate"),
    pytest.param(
        request(lines=[line(list_price=[1])]), ("lines", 0, "list_price_yuan"), "not_a_number", id="list"
    ),
    pytest.param(
        request(lines=[line(list_price="99999999999999", pilot="1", quantity=2)]),
        ("lines",),
        "total_too_large",
        id="total-too-large",
    ),
    pytest.param(["not", "an", "object"], (), "not_an_object", id="body-a-list"),
]


@pytest.mark.parametrize(("data", "path", "code"), REFUSALS)
def test_bad_input_is_refused_naming_the_field(data: Any, path: tuple[Any, ...], code: str) -> None:
    found = problems(data)
    assert found.get(path) == code, found


def test_every_problem_is_reported_at_once_in_both_languages() -> None:
    data = request(
        rules_=rules(rate="1.5", cap="-1"),
        lines=[line(quantity=0), line(list_price="1", pilot="2")],
        prior="x",
    )
    with pytest.raises(CalculatorError) as caught:
        cost_split_from_json(data)
    error = caught.value
    assert {p.path for p in error.problems} == {
        ("rules", "subsidy_rate"),
        ("rules", "cap_per_enterprise_yuan"),
        ("lines", 0, "quantity"),
        ("lines", 1, "pilot_price_yuan"),
        ("prior_subsidy_yuan",),
    }
    chinese = error.by_field(english=False)
    assert chinese["lines"][0]["quantity"] == ["第1条明细的数量应为1到1000000之间的整数，收到0。"]
    assert chinese["lines"][1] == {
        "pilot_price_yuan": ["第2条明细的试点价2.00元高于目录价1.00元；试点价不能高于目录价。"]
    }
    english = error.by_field(english=True)
    assert english["rules"]["subsidy_rate"] == [
        "The subsidy rate must be between 0 and 1 (0.5 = 50 %); got 1.5."
    ]
    assert english["prior_subsidy_yuan"] == ["The prior subsidy “x” is not a number."]
    assert english["lines"][1]["pilot_price_yuan"][0].startswith("Line 2: the pilot price of 2.00 yuan")


def test_a_line_that_is_not_an_object_answers_under_non_field_errors() -> None:
    with pytest.raises(CalculatorError) as caught:
        cost_split_from_json(request(lines=[line(), 3]))
    assert caught.value.by_field(english=True) == {
        "lines": [{}, {"non_field_errors": ["Line 2 must be an object (keys and values)."]}]
    }


# ------------------------------------------------------------------------------------------ properties

money = st.decimals(
    min_value=0, max_value=Decimal("9999999.99"), places=2, allow_nan=False, allow_infinity=False
)
rates = st.decimals(min_value=0, max_value=1, places=6, allow_nan=False, allow_infinity=False)


@st.composite
def projects(draw: Any) -> tuple[CostRules, list[CostLine], Decimal]:
    kinds = ["software", "cloud", "hardware", "consulting"]
    rule = CostRules(
        subsidy_rate=draw(rates),
        cap_per_enterprise_yuan=draw(money),
        central_share=draw(rates),
        eligible_categories=frozenset(draw(st.lists(st.sampled_from(kinds), max_size=4))),
    )
    lines = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        list_price = draw(money)
        pilot = draw(st.decimals(min_value=0, max_value=list_price, places=2))
        lines.append(
            CostLine(
                category=draw(st.sampled_from(kinds)),
                list_price_yuan=list_price,
                pilot_price_yuan=pilot,
                quantity=draw(st.integers(min_value=1, max_value=1000)),
            )
        )
    return rule, lines, draw(money)


@settings(max_examples=300, deadline=None)
@given(projects())
def test_the_split_keeps_its_invariants(project: tuple[CostRules, list[CostLine], Decimal]) -> None:
    rule, lines, prior = project
    split = split_cost(rule, lines, prior)
    assert split.subsidy_yuan >= 0
    assert split.subsidy_yuan <= max(rule.cap_per_enterprise_yuan - prior, Decimal(0))
    assert split.subsidy_yuan <= split.eligible_yuan * rule.subsidy_rate
    assert split.eligible_yuan * rule.subsidy_rate - split.subsidy_yuan < Decimal("0.01") or (
        split.subsidy_yuan == max(rule.cap_per_enterprise_yuan - prior, Decimal(0))
    )
    assert split.central_yuan + split.local_yuan == split.subsidy_yuan
    assert split.central_yuan >= 0 and split.local_yuan >= 0
    assert split.enterprise_yuan + split.subsidy_yuan == split.contract_yuan
    assert split.eligible_yuan <= split.contract_yuan
    assert split.concession_yuan >= 0
    for name in FIGURES:
        value = getattr(split, name)
        assert value == value.quantize(Decimal("0.01")), name
    assert all(
        text.count(".") == 1 and len(text.split(".")[1]) == 2
        for text in split.to_json().values()
        if isinstance(text, str)
    )


@settings(max_examples=200, deadline=None)
@given(projects())
def test_the_parsed_request_gives_the_same_split(project: tuple[CostRules, list[CostLine], Decimal]) -> None:
    rule, lines, prior = project
    data = {
        "rules": {
            "subsidy_rate": str(rule.subsidy_rate),
            "cap_per_enterprise_yuan": str(rule.cap_per_enterprise_yuan),
            "central_share": str(rule.central_share),
            "eligible_categories": sorted(rule.eligible_categories),
        },
        "lines": [
            {
                "category": ln.category,
                "list_price_yuan": str(ln.list_price_yuan),
                "pilot_price_yuan": str(ln.pilot_price_yuan),
                "quantity": ln.quantity,
            }
            for ln in lines
        ],
        "prior_subsidy_yuan": str(prior),
    }
    assert cost_split_from_json(data).to_json(english=True) == split_cost(rule, lines, prior).to_json(
        english=True
    )


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=20), st.floats(), st.booleans(), st.none(), st.lists(st.integers(), max_size=2)
    )
)
def test_any_value_for_a_price_is_either_a_split_or_a_named_refusal(value: Any) -> None:
    data = request(lines=[line(list_price=value, pilot="0")])
    try:
        split = cost_split_from_json(data)
    except CalculatorError as exc:
        assert [p.path for p in exc.problems] == [("lines", 0, "list_price_yuan")]
        assert all(p.zh and p.en for p in exc.problems)
    else:
        assert split.concession_yuan >= 0


def test_a_request_without_a_prior_subsidy_counts_none() -> None:
    body = {"rules": rules(), "lines": [line()]}
    *_parts, prior = parse_cost_request(body)
    assert prior == Decimal(0)
