"""The MIIT 2024 scoring engine, table-driven (DOMAIN.md 3.2; level rule §2).

Every expected value is written out by hand from the reference documents: the 79 option points of the
manufacturing questionnaire, the derived bands ([0,10%] (10,20] (20,40] (40,60] (60,100]), the ratio-change
options (增加 / 持平 / 降低) and the provisional level rule (四级 80 / 10 / 6, 三级 60 / 8 / 5,
二级 40 / 6 / 3, 一级 20 / 6 / 3). Points are compared in ten-thousandths. No database is needed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from dengta.assessment.scoring.answers import Answers, Parsed, missing_answers, parse_answers, split_keys
from dengta.assessment.scoring.definitions import DATA_DIR
from dengta.assessment.scoring.engine import Contradiction, Score, derive_option, gap_for, score
from dengta.assessment.scoring.framework import Framework, compile_miit

ITEMS_RAW: dict[str, Any] = json.loads(
    (DATA_DIR / "miit-2024-manufacturing.json").read_text(encoding="utf-8")
)
RULES_RAW: dict[str, Any] = json.loads(
    (DATA_DIR / "miit-2024-manufacturing.rules.json").read_text(encoding="utf-8")
)
FW = compile_miit(copy.deepcopy(ITEMS_RAW), copy.deepcopy(RULES_RAW))


def u(points: str) -> int:
    """Points as a decimal string → ten-thousandths, independently of the code under test."""
    scaled = Decimal(points) * 10000
    assert scaled == scaled.to_integral_value()
    return int(scaled)


def parse(
    fw: Framework = FW,
    choices: Mapping[str, Any] | None = None,
    scenarios: Mapping[str, Any] | None = None,
    numbers: Mapping[str, Any] | None = None,
) -> Parsed:
    return parse_answers(fw, choices=choices, scenarios=scenarios, numbers=numbers)


def scored(
    choices: Mapping[str, Any] | None = None,
    scenarios: Mapping[str, Any] | None = None,
    numbers: Mapping[str, Any] | None = None,
    fw: Framework = FW,
) -> Score:
    parsed = parse(fw, choices, scenarios, numbers)
    assert parsed.ok, [str(p) for p in parsed.problems]
    return score(fw, parsed.answers)


def codes(parsed: Parsed) -> list[str]:
    return [p.code for p in parsed.problems]


# ---------------------------------------------------------------------------------------------------------
# Every option of every item alone (DOMAIN.md 3.2.1; 79 options)

OPTION_POINTS = [
    ("base.equipment.network", "A", "0"),
    ("base.equipment.network", "B", "2"),
    ("base.equipment.network", "C", "2"),
    ("base.equipment.network", "D", "2"),
    ("base.equipment.network", "E", "2"),
    ("base.equipment.digitization", "A", "0"),
    ("base.equipment.digitization", "B", "1.5"),
    ("base.equipment.digitization", "C", "3"),
    ("base.equipment.digitization", "D", "4.5"),
    ("base.equipment.digitization", "E", "6"),
    ("base.equipment.connectivity", "A", "0"),
    ("base.equipment.connectivity", "B", "1.5"),
    ("base.equipment.connectivity", "C", "3"),
    ("base.equipment.connectivity", "D", "4.5"),
    ("base.equipment.connectivity", "E", "6"),
    ("base.data.collection", "A", "0"),
    ("base.data.collection", "B", "0.7"),
    ("base.data.collection", "C", "0.7"),
    ("base.data.collection", "D", "0.7"),
    ("base.data.collection", "E", "0.7"),
    ("base.data.collection", "F", "0.7"),
    ("base.data.collection", "G", "0.7"),
    ("base.data.collection", "H", "0.7"),
    ("base.data.collection", "I", "0.7"),
    ("base.data.collection", "J", "0.7"),
    ("base.data.collection", "K", "0.7"),
    ("base.data.collection", "L", "0.7"),
    ("base.data.collection", "M", "0.7"),
    ("base.data.collection", "N", "0.7"),
    ("base.data.collection", "O", "0.9"),
    ("base.systems.coverage", "A", "0"),
    ("base.systems.coverage", "B", "2.5"),
    ("base.systems.coverage", "C", "5"),
    ("base.systems.coverage", "D", "7.5"),
    ("base.systems.coverage", "E", "10"),
    ("base.security.network", "A", "0"),
    ("base.security.network", "B", "1.25"),
    ("base.security.network", "C", "1.25"),
    ("base.security.network", "D", "1.25"),
    ("base.security.network", "E", "1.25"),
    ("base.security.data", "A", "0"),
    ("base.security.data", "B", "1.25"),
    ("base.security.data", "C", "1.25"),
    ("base.security.data", "D", "1.25"),
    ("base.security.data", "E", "1.25"),
    ("mgmt.planning.implementation", "A", "0"),
    ("mgmt.planning.implementation", "B", "1.5"),
    ("mgmt.planning.implementation", "C", "3"),
    ("mgmt.planning.implementation", "D", "4.5"),
    ("mgmt.planning.implementation", "E", "6"),
    ("mgmt.planning.implementation", "F", "7.5"),
    ("mgmt.planning.mechanism", "A", "0"),
    ("mgmt.planning.mechanism", "B", "1.875"),
    ("mgmt.planning.mechanism", "C", "1.875"),
    ("mgmt.planning.mechanism", "D", "1.875"),
    ("mgmt.planning.mechanism", "E", "1.875"),
    ("mgmt.resources.talent", "A", "0"),
    ("mgmt.resources.talent", "B", "1.5"),
    ("mgmt.resources.talent", "C", "1.5"),
    ("mgmt.resources.talent", "D", "1.5"),
    ("mgmt.resources.talent", "E", "1.5"),
    ("mgmt.resources.talent", "F", "1.5"),
    ("mgmt.resources.funding", "A", "0"),
    ("mgmt.resources.funding", "B", "1.875"),
    ("mgmt.resources.funding", "C", "3.75"),
    ("mgmt.resources.funding", "D", "5.625"),
    ("mgmt.resources.funding", "E", "7.5"),
    ("results.green.energy", "A", "0"),
    ("results.green.energy", "B", "3.5"),
    ("results.green.energy", "C", "7"),
    ("results.quality.yield", "A", "0"),
    ("results.quality.yield", "B", "3.5"),
    ("results.quality.yield", "C", "7"),
    ("results.market.performance", "A", "0"),
    ("results.market.performance", "B", "1.5"),
    ("results.market.performance", "C", "3"),
    ("results.market.value", "A", "0"),
    ("results.market.value", "B", "1.5"),
    ("results.market.value", "C", "3"),
]

INDICATOR_OF = {
    "base.equipment.network": "base.equipment",
    "base.equipment.digitization": "base.equipment",
    "base.equipment.connectivity": "base.equipment",
    "base.data.collection": "base.data",
    "base.systems.coverage": "base.systems",
    "base.security.network": "base.security",
    "base.security.data": "base.security",
    "mgmt.planning.implementation": "mgmt.planning",
    "mgmt.planning.mechanism": "mgmt.planning",
    "mgmt.resources.talent": "mgmt.resources",
    "mgmt.resources.funding": "mgmt.resources",
    "results.green.energy": "results.green",
    "results.quality.yield": "results.quality",
    "results.market.performance": "results.market",
    "results.market.value": "results.market",
}


def test_option_table_covers_every_option() -> None:
    assert len(OPTION_POINTS) == 79
    assert {(c, k) for c, k, _ in OPTION_POINTS} == {(i.code, o.key) for i in FW.items for o in i.options}


@pytest.mark.parametrize(("item", "key", "points"), OPTION_POINTS)
def test_every_option_alone_scores_its_points(item: str, key: str, points: str) -> None:
    result = scored({item: key})
    assert result.item_points[item] == u(points)
    assert sum(result.item_points.values()) == u(points)
    assert result.indicator_points[INDICATOR_OF[item]] == u(points)
    assert result.dimension_points[item.split(".")[0]] == u(points)
    assert result.total == u(points)
    assert result.options[item] == (key,)
    assert result.contradictions == ()


@pytest.mark.parametrize(("item", "key", "points"), OPTION_POINTS)
def test_every_option_alone_as_lower_case_list(item: str, key: str, points: str) -> None:
    assert scored({item: [key.lower()]}).item_points[item] == u(points)


MULTI_COMBINATIONS = [
    ("base.equipment.network", "B;C", "4"),
    ("base.equipment.network", "B;C;D;E", "8"),
    ("base.equipment.network", "E;B", "4"),
    ("base.data.collection", "B;C;D;E;F;G;H;I;J;K;L;M;N;O", "10"),
    ("base.data.collection", "B;C;D;E;F;G;H;I;J;K;L;M;N", "9.1"),
    ("base.data.collection", "B;O", "1.6"),
    ("base.data.collection", "C;E;G", "2.1"),
    ("base.security.network", "B;C", "2.5"),
    ("base.security.network", "B;C;D;E", "5"),
    ("base.security.data", "C;D;E", "3.75"),
    ("mgmt.planning.mechanism", "B;C;D", "5.625"),
    ("mgmt.planning.mechanism", "B;C;D;E", "7.5"),
    ("mgmt.resources.talent", "B;C;D;E;F", "7.5"),
    ("mgmt.resources.talent", "D, F", "3"),
    ("mgmt.resources.talent", "B；C，D", "4.5"),
]


@pytest.mark.parametrize(("item", "keys", "points"), MULTI_COMBINATIONS)
def test_multiple_choice_combinations_sum(item: str, keys: str, points: str) -> None:
    result = scored({item: keys})
    assert result.item_points[item] == u(points)
    assert result.total == u(points)


FULL = {
    "base.equipment.network": "B;C;D;E",
    "base.equipment.digitization": "E",
    "base.equipment.connectivity": "E",
    "base.data.collection": "B;C;D;E;F;G;H;I;J;K;L;M;N;O",
    "base.systems.coverage": "E",
    "base.security.network": "B;C;D;E",
    "base.security.data": "B;C;D;E",
    "mgmt.planning.implementation": "F",
    "mgmt.planning.mechanism": "B;C;D;E",
    "mgmt.resources.talent": "B;C;D;E;F",
    "mgmt.resources.funding": "E",
    "results.green.energy": "C",
    "results.quality.yield": "C",
    "results.market.performance": "C",
    "results.market.value": "C",
}

NONE = dict.fromkeys(FULL, "A")


def test_full_marks_are_exactly_100() -> None:
    result = scored(FULL)
    assert result.total == 1_000_000
    assert result.dimension_points == {"base": u("50"), "mgmt": u("30"), "results": u("20")}
    assert result.indicator_points == {
        "base.equipment": u("20"),
        "base.data": u("10"),
        "base.systems": u("10"),
        "base.security": u("10"),
        "mgmt.planning": u("15"),
        "mgmt.resources": u("15"),
        "results.green": u("7"),
        "results.quality": u("7"),
        "results.market": u("6"),
    }
    assert result.to_json()["total_text"] == "100"


def test_all_none_scores_zero_and_unanswered_items_score_zero() -> None:
    assert scored(NONE).total == 0
    empty = scored({})
    assert empty.total == 0
    assert empty.options["base.equipment.network"] == ()
    assert empty.item_points["base.systems.coverage"] == 0


# ---------------------------------------------------------------------------------------------------------
# Bad choices: 无 exclusive, single choice, unknown item or option

MULTI_ITEMS = [
    "base.equipment.network",
    "base.data.collection",
    "base.security.network",
    "base.security.data",
    "mgmt.planning.mechanism",
    "mgmt.resources.talent",
]


@pytest.mark.parametrize("item", MULTI_ITEMS)
@pytest.mark.parametrize("raw", ["A;B", "B;A", ["A", "C"], "A;B;C;D;E"])
def test_none_is_exclusive_on_every_multi_item(item: str, raw: Any) -> None:
    parsed = parse(choices={item: raw})
    assert codes(parsed) == ["exclusive_option"]
    assert parsed.problems[0].params["option"] == "A"
    assert item not in parsed.answers.choices


@pytest.mark.parametrize("item", MULTI_ITEMS)
def test_none_alone_on_a_multi_item_is_accepted(item: str) -> None:
    parsed = parse(choices={item: "A"})
    assert parsed.ok
    assert parsed.answers.choices[item] == frozenset({"A"})


SINGLE_ITEMS = [
    "base.equipment.digitization",
    "base.equipment.connectivity",
    "base.systems.coverage",
    "mgmt.planning.implementation",
    "mgmt.resources.funding",
    "results.green.energy",
    "results.quality.yield",
    "results.market.performance",
    "results.market.value",
]


@pytest.mark.parametrize("item", SINGLE_ITEMS)
@pytest.mark.parametrize("raw", ["B;C", "A;B", ["C", "A"]])
def test_single_choice_with_two_answers(item: str, raw: Any) -> None:
    parsed = parse(choices={item: raw})
    assert codes(parsed) == ["single_choice"]
    assert item not in parsed.answers.choices


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        ({"base.nothing": "A"}, ["unknown_item"]),
        ({"base.equipment.digitization": "F"}, ["unknown_option"]),
        ({"results.market.value": "D"}, ["unknown_option"]),
        ({"base.data.collection": "B;P"}, ["unknown_option"]),
        ({"base.equipment.network": "无"}, ["unknown_option"]),
        ({"base.security.data": "B;B"}, ["repeated_option"]),
        ({"base.security.data": "B;b"}, ["repeated_option"]),
        (
            {"base.systems.coverage": "E", "base.nothing": "B", "results.green.energy": "A;C"},
            ["unknown_item", "single_choice"],
        ),
    ],
)
def test_unknown_or_repeated_choices(choices: dict[str, Any], expected: list[str]) -> None:
    parsed = parse(choices=choices)
    assert codes(parsed) == expected
    assert set(parsed.answers.choices) <= {"base.systems.coverage"}


@pytest.mark.parametrize("raw", ["", " ", None, [], ";", " ; "])
def test_blank_choice_is_unanswered(raw: Any) -> None:
    parsed = parse(choices={"base.systems.coverage": raw})
    assert parsed.ok
    assert "base.systems.coverage" not in parsed.answers.choices


@pytest.mark.parametrize(
    ("raw", "keys"),
    [
        ("B;D", ["B", "D"]),
        ("b, d", ["B", "D"]),
        ("B，D", ["B", "D"]),
        ("B；D", ["B", "D"]),
        (["c", " e "], ["C", "E"]),
    ],
)
def test_split_keys(raw: Any, keys: list[str]) -> None:
    assert split_keys(raw) == keys


# ---------------------------------------------------------------------------------------------------------
# Bad scenario levels


@pytest.mark.parametrize(
    "raw", [5, "5", -1, "-1", 2.5, "2.5", True, False, "abc", "1e0", "²", "3级", "5.0", ".0", "2.", "2.01"]
)
def test_scenario_level_outside_0_to_4_or_not_an_integer(raw: Any) -> None:
    parsed = parse(scenarios={"finance": raw})
    assert codes(parsed) == ["scenario_level"]
    assert "finance" not in parsed.answers.scenarios


@pytest.mark.parametrize(
    ("raw", "level"),
    [(0, 0), ("0", 0), (4, 4), ("4", 4), (" 3 ", 3), ("04", 4), ("２", 2), ("2.0", 2), (3.0, 3), ("1.00", 1)],
)
def test_scenario_level_accepted(raw: Any, level: int) -> None:
    parsed = parse(scenarios={"finance": raw})
    assert parsed.ok
    assert parsed.answers.scenarios == {"finance": level}


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_blank_scenario_is_unrated(raw: Any) -> None:
    parsed = parse(scenarios={"finance": raw})
    assert parsed.ok
    assert parsed.answers.scenarios == {}


def test_unknown_scenario() -> None:
    assert codes(parse(scenarios={"rd": 2})) == ["unknown_scenario"]


# ---------------------------------------------------------------------------------------------------------
# Bad collected numbers


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ({"equipment_total": "-1"}, ["number_negative"]),
        ({"revenue_last": -0.01}, ["number_negative"]),
        ({"equipment_total": "abc"}, ["number_format"]),
        ({"revenue_last": "NaN"}, ["number_format"]),
        ({"revenue_last": "Infinity"}, ["number_format"]),
        ({"revenue_last": True}, ["number_format"]),
        ({"revenue_last": "12万"}, ["number_format"]),
        ({"equipment_total": "10.5"}, ["number_integer"]),
        ({"equipment_digital": 0.5}, ["number_integer"]),
        ({"employees_last": "3.2"}, ["number_integer"]),
        ({"employees_prior": "100.01"}, ["number_integer"]),
        ({"pass_rate": "100.01"}, ["number_range"]),
        ({"pass_rate": 101}, ["number_range"]),
        ({"revenue_last": "1e13"}, ["number_range"]),
        ({"turnover": "5"}, ["unknown_number"]),
        ({"equipment_total": 10, "equipment_networked": 11}, ["number_exceeds_total"]),
        ({"equipment_total": 10, "equipment_digital": 11}, ["number_exceeds_total"]),
        (
            {"equipment_total": 10, "equipment_digital": 11, "equipment_networked": 12},
            ["number_exceeds_total"] * 2,
        ),
        ({"equipment_total": 0, "equipment_digital": 0}, ["number_zero_total"]),
        ({"equipment_total": 0, "equipment_digital": 0, "equipment_networked": 0}, ["number_zero_total"]),
        ({"revenue_last": 0}, ["number_zero_denominator"]),
        ({"revenue_prior": "0.00"}, ["number_zero_denominator"]),
        ({"employees_last": 0, "revenue_last": 500}, ["number_zero_denominator"]),
        ({"employees_prior": 0}, ["number_zero_denominator"]),
        ({"revenue_last": 0, "employees_last": 0}, ["number_zero_denominator"] * 2),
    ],
)
def test_bad_numbers(numbers: dict[str, Any], expected: list[str]) -> None:
    assert codes(parse(numbers=numbers)) == expected


def test_exceeds_total_names_both_numbers() -> None:
    parsed = parse(numbers={"equipment_total": 10, "equipment_digital": 11, "equipment_networked": 12})
    assert [(p.params["part"], p.params["value"], p.params["limit"]) for p in parsed.problems] == [
        ("实现数字化的生产设备数", "11", "10"),
        ("实现联网的生产设备数", "12", "10"),
    ]


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ({"pass_rate": "100"}, {"pass_rate": Decimal(100)}),
        ({"pass_rate": "99.95"}, {"pass_rate": Decimal("99.95")}),
        ({"revenue_last": "1,234.5"}, {"revenue_last": Decimal("1234.5")}),
        ({"equipment_total": "10.0"}, {"equipment_total": Decimal(10)}),
        (
            {"equipment_total": 10, "equipment_networked": 10},
            {"equipment_total": 10, "equipment_networked": 10},
        ),
        ({"equipment_total": 5, "equipment_digital": 0}, {"equipment_total": 5, "equipment_digital": 0}),
        ({"revenue_last": ""}, {}),
        ({"digital_investment": "0"}, {"digital_investment": Decimal(0)}),
    ],
)
def test_good_numbers(numbers: dict[str, Any], expected: dict[str, Decimal]) -> None:
    parsed = parse(numbers=numbers)
    assert parsed.ok
    assert dict(parsed.answers.numbers) == expected


# ---------------------------------------------------------------------------------------------------------
# Bands derived from device counts: [0,10%] A, (10,20] B, (20,40] C, (40,60] D, (60,100] E

RATE_BANDS = [
    (0, 10, "A"),  # 0 devices digital
    (0, 1, "A"),
    (1, 10, "A"),  # exactly 10 %
    (10, 100, "A"),
    (1_000_001, 10_000_000, "B"),  # 10 % + ε
    (1, 7, "B"),  # 14.3 %
    (2, 10, "B"),  # exactly 20 %
    (2_000_001, 10_000_000, "C"),  # 20 % + ε
    (1, 3, "C"),  # 33.3 %
    (4, 10, "C"),  # exactly 40 %
    (4_000_001, 10_000_000, "D"),  # 40 % + ε
    (3, 7, "D"),  # 42.9 %
    (6, 10, "D"),  # exactly 60 %
    (6_000_001, 10_000_000, "E"),  # 60 % + ε
    (2, 3, "E"),  # 66.7 %
    (99, 100, "E"),
    (10, 10, "E"),  # 100 %
    (1, 1, "E"),
]

BAND_POINTS = {"A": "0", "B": "1.5", "C": "3", "D": "4.5", "E": "6"}


@pytest.mark.parametrize(
    ("item", "number"),
    [
        ("base.equipment.digitization", "equipment_digital"),
        ("base.equipment.connectivity", "equipment_networked"),
    ],
)
@pytest.mark.parametrize(("part", "total", "option"), RATE_BANDS)
def test_device_rate_band_boundaries(item: str, number: str, part: int, total: int, option: str) -> None:
    result = scored(numbers={"equipment_total": total, number: part})
    assert result.derived == {item: option}
    assert result.options[item] == (option,)
    assert result.item_points[item] == u(BAND_POINTS[option])
    assert result.contradictions == ()


def test_both_device_rates_from_one_total() -> None:
    result = scored(numbers={"equipment_total": 50, "equipment_digital": 31, "equipment_networked": 5})
    assert result.derived == {"base.equipment.digitization": "E", "base.equipment.connectivity": "A"}
    assert result.total == u("6")


def test_device_rate_needs_both_numbers() -> None:
    result = scored({"base.equipment.digitization": "C"}, numbers={"equipment_total": 100})
    assert result.derived == {}
    assert result.item_points["base.equipment.digitization"] == u("3")
    assert derive_option(FW, "base.equipment.digitization", {"equipment_digital": Decimal(3)}) is None


def test_zero_device_total_derives_nothing() -> None:
    numbers = {"equipment_total": Decimal(0), "equipment_digital": Decimal(0)}
    assert derive_option(FW, "base.equipment.digitization", numbers) is None


# ---------------------------------------------------------------------------------------------------------
# Ratio changes, last year vs the year before
# energy per 100 yuan revenue: 增加 A 0 / 持平 B 3.5 / 降低 C 7
# revenue per employee:        降低 A 0 / 持平 B 1.5 / 增加 C 3
# cost per 100 yuan revenue:   增加 A 0 / 持平 B 1.5 / 降低 C 3

RATIO_CHANGES = [
    # energy (t standard coal) / revenue (万元)
    (
        "results.green.energy",
        {"energy_last": 110, "revenue_last": 1000, "energy_prior": 100, "revenue_prior": 1000},
        "A",
        "0",
    ),
    (
        "results.green.energy",
        {"energy_last": 100, "revenue_last": 1000, "energy_prior": 100, "revenue_prior": 1000},
        "B",
        "3.5",
    ),
    (
        "results.green.energy",
        {"energy_last": 200, "revenue_last": 2000, "energy_prior": 100, "revenue_prior": 1000},
        "B",
        "3.5",
    ),
    (
        "results.green.energy",
        {"energy_last": 90, "revenue_last": 1000, "energy_prior": 100, "revenue_prior": 1000},
        "C",
        "7",
    ),
    (
        "results.green.energy",
        {"energy_last": 100, "revenue_last": 1200, "energy_prior": 100, "revenue_prior": 1000},
        "C",
        "7",
    ),
    (
        "results.green.energy",
        {"energy_last": "100.0001", "revenue_last": 1000, "energy_prior": 100, "revenue_prior": 1000},
        "A",
        "0",
    ),
    (
        "results.green.energy",
        {"energy_last": 1, "revenue_last": 3, "energy_prior": 2, "revenue_prior": 6},
        "B",
        "3.5",
    ),
    (
        "results.green.energy",
        {"energy_last": 0, "revenue_last": 1000, "energy_prior": 0, "revenue_prior": 500},
        "B",
        "3.5",
    ),
    # a difference in the 29th significant digit is still 增加 (no rounding in the comparison)
    (
        "results.green.energy",
        {
            "energy_last": "100.00000000000000000000000001",
            "revenue_last": 1000,
            "energy_prior": 100,
            "revenue_prior": 1000,
        },
        "A",
        "0",
    ),
    # revenue (万元) / employees
    (
        "results.market.performance",
        {"revenue_last": 1000, "employees_last": 11, "revenue_prior": 1000, "employees_prior": 10},
        "A",
        "0",
    ),
    (
        "results.market.performance",
        {"revenue_last": 1000, "employees_last": 10, "revenue_prior": 2000, "employees_prior": 20},
        "B",
        "1.5",
    ),
    (
        "results.market.performance",
        {"revenue_last": 1000, "employees_last": 10, "revenue_prior": 1000, "employees_prior": 10},
        "B",
        "1.5",
    ),
    (
        "results.market.performance",
        {"revenue_last": 1000, "employees_last": 10, "revenue_prior": 900, "employees_prior": 10},
        "C",
        "3",
    ),
    (
        "results.market.performance",
        {"revenue_last": "1000.01", "employees_last": 10, "revenue_prior": 1000, "employees_prior": 10},
        "C",
        "3",
    ),
    # cost (万元) / revenue (万元)
    (
        "results.market.value",
        {"cost_last": 810, "revenue_last": 1000, "cost_prior": 800, "revenue_prior": 1000},
        "A",
        "0",
    ),
    (
        "results.market.value",
        {"cost_last": 800, "revenue_last": 1000, "cost_prior": 800, "revenue_prior": 1000},
        "B",
        "1.5",
    ),
    (
        "results.market.value",
        {"cost_last": 1600, "revenue_last": 2000, "cost_prior": 800, "revenue_prior": 1000},
        "B",
        "1.5",
    ),
    (
        "results.market.value",
        {"cost_last": 790, "revenue_last": 1000, "cost_prior": 800, "revenue_prior": 1000},
        "C",
        "3",
    ),
    (
        "results.market.value",
        {"cost_last": 800, "revenue_last": 900, "cost_prior": 800, "revenue_prior": 1000},
        "A",
        "0",
    ),
]


@pytest.mark.parametrize(("item", "numbers", "option", "points"), RATIO_CHANGES)
def test_ratio_change(item: str, numbers: dict[str, Any], option: str, points: str) -> None:
    result = scored(numbers=numbers)
    assert result.derived[item] == option
    assert result.item_points[item] == u(points)


def test_revenue_feeds_three_ratios_at_once() -> None:
    numbers = {
        "energy_last": 100,
        "energy_prior": 100,
        "revenue_last": 2000,
        "revenue_prior": 1000,
        "employees_last": 10,
        "employees_prior": 10,
        "cost_last": 1000,
        "cost_prior": 500,
    }
    result = scored(numbers=numbers)
    # energy/revenue falls (降低 C 7), revenue/employee rises (增加 C 3), cost/revenue flat (持平 B 1.5)
    assert result.derived == {
        "results.green.energy": "C",
        "results.market.performance": "C",
        "results.market.value": "B",
    }
    assert result.dimension_points["results"] == u("11.5")


@pytest.mark.parametrize(
    "numbers",
    [
        {"energy_last": 100, "revenue_last": 1000, "energy_prior": 100},
        {"energy_last": 100, "energy_prior": 100, "revenue_prior": 1000},
        {"energy_last": 100},
    ],
)
def test_ratio_change_needs_all_four_numbers(numbers: dict[str, Any]) -> None:
    result = scored({"results.green.energy": "C"}, numbers=numbers)
    assert "results.green.energy" not in result.derived
    assert result.item_points["results.green.energy"] == u("7")


def test_zero_denominator_derives_nothing() -> None:
    numbers = {
        k: Decimal(v)
        for k, v in {"energy_last": 1, "revenue_last": 0, "energy_prior": 1, "revenue_prior": 5}.items()
    }
    assert derive_option(FW, "results.green.energy", numbers) is None


# ---------------------------------------------------------------------------------------------------------
# A chosen option that contradicts the numbers: recorded, and the computed option counts

DEVICES_HALF = {"equipment_total": 100, "equipment_digital": 50}

CONTRADICTIONS = [
    ({"base.equipment.digitization": "B"}, DEVICES_HALF, "base.equipment.digitization", ("B", "D"), "4.5"),
    ({"base.equipment.digitization": "E"}, DEVICES_HALF, "base.equipment.digitization", ("E", "D"), "4.5"),
    ({"base.equipment.digitization": "D"}, DEVICES_HALF, "base.equipment.digitization", None, "4.5"),
    ({}, DEVICES_HALF, "base.equipment.digitization", None, "4.5"),
    (
        {"base.equipment.connectivity": "E"},
        {"equipment_total": 10, "equipment_networked": 1},
        "base.equipment.connectivity",
        ("E", "A"),
        "0",
    ),
    (
        {"base.equipment.connectivity": "A"},
        {"equipment_total": 10, "equipment_networked": 2},
        "base.equipment.connectivity",
        ("A", "B"),
        "1.5",
    ),
    (
        {"results.green.energy": "C"},
        {"energy_last": 200, "revenue_last": 2000, "energy_prior": 100, "revenue_prior": 1000},
        "results.green.energy",
        ("C", "B"),
        "3.5",
    ),
    (
        {"results.market.performance": "C"},
        {"revenue_last": 900, "employees_last": 10, "revenue_prior": 1000, "employees_prior": 10},
        "results.market.performance",
        ("C", "A"),
        "0",
    ),
    (
        {"results.market.value": "A"},
        {"cost_last": 700, "revenue_last": 1000, "cost_prior": 800, "revenue_prior": 1000},
        "results.market.value",
        ("A", "C"),
        "3",
    ),
    (
        {"results.market.value": "C"},
        {"cost_last": 700, "revenue_last": 1000, "cost_prior": 800, "revenue_prior": 1000},
        "results.market.value",
        None,
        "3",
    ),
]


@pytest.mark.parametrize(("choices", "numbers", "item", "contradiction", "points"), CONTRADICTIONS)
def test_contradiction_between_option_and_numbers(
    choices: dict[str, str],
    numbers: dict[str, Any],
    item: str,
    contradiction: tuple[str, str] | None,
    points: str,
) -> None:
    result = scored(choices, numbers=numbers)
    if contradiction is None:
        assert result.contradictions == ()
    else:
        assert result.contradictions == (Contradiction(item, *contradiction),)
        assert result.to_json()["contradictions"] == [
            {"item": item, "chosen": contradiction[0], "computed": contradiction[1]}
        ]
    assert result.item_points[item] == u(points)
    assert result.total == u(points)


def test_several_contradictions_are_all_recorded() -> None:
    choices = dict(FULL)
    numbers = {"equipment_total": 10, "equipment_digital": 1, "equipment_networked": 3}
    result = scored(choices, numbers=numbers)
    assert result.contradictions == (
        Contradiction("base.equipment.digitization", "E", "A"),
        Contradiction("base.equipment.connectivity", "E", "C"),
    )
    assert result.total == u("100") - u("6") - u("3")


# ---------------------------------------------------------------------------------------------------------
# Level thresholds on both sides
#
# To put a total 0.0001 below or above a threshold, a copy of the framework moves 0.0001 point between two
# 数据采集 options (B 0.6999, C 0.7001; the item still sums to 10). The answer sets below reach each threshold
# exactly with option D (0.7); swapping D for B or C gives threshold − 0.0001 or + 0.0001.


def _tweaked() -> Framework:
    items = copy.deepcopy(ITEMS_RAW)
    for dim in items["dimensions"]:
        for ind in dim["indicators"]:
            for item in ind["items"]:
                if item["code"] == "base.data.collection":
                    item["options"][1]["points"] = "0.6999"
                    item["options"][2]["points"] = "0.7001"
    return compile_miit(items, copy.deepcopy(RULES_RAW))


TWEAKED = _tweaked()

# 10 (信息系统 E) + 3 (设备数字化 C) + 10 × 0.7 (数据采集 D–M) = 20
AT_20 = {
    "base.systems.coverage": "E",
    "base.equipment.digitization": "C",
    "base.data.collection": "D;E;F;G;H;I;J;K;L;M",
}
# + 8 (网络建设 B–E) + 6 (设备联网 E) + 6 (规划实施 E) = 40
AT_40 = {
    **AT_20,
    "base.equipment.network": "B;C;D;E",
    "base.equipment.connectivity": "E",
    "mgmt.planning.implementation": "E",
}
# + 7.5 (管理机制) + 7.5 (人才建设) + 5 (网络安全) = 60
AT_60 = {
    **AT_40,
    "mgmt.planning.mechanism": "B;C;D;E",
    "mgmt.resources.talent": "B;C;D;E;F",
    "base.security.network": "B;C;D;E",
}
# + 7 + 7 + 3 + 3 (成效 all C) = 80
AT_80 = {
    **AT_60,
    "results.green.energy": "C",
    "results.quality.yield": "C",
    "results.market.performance": "C",
    "results.market.value": "C",
}
AT = {20: AT_20, 40: AT_40, 60: AT_60, 80: AT_80}

C_ORDER = [
    "product_design",
    "marketing",
    "production_control",
    "quality",
    "equipment",
    "safety",
    "energy",
    "procurement",
    "warehousing_logistics",
    "finance",
]
G_ORDER = ["process_design", "after_sales", "planning_scheduling", "hr", "collaboration", "decision_support"]
ALL_AT_4 = dict.fromkeys(C_ORDER + G_ORDER, 4)


def lv(level: int, constrained: int, guiding: int, base: Mapping[str, int] | None = None) -> dict[str, int]:
    """The first ``constrained`` constrained and first ``guiding`` guiding scenarios at ``level``."""
    out = dict(base or {})
    out.update(dict.fromkeys(C_ORDER[:constrained] + G_ORDER[:guiding], level))
    return out


def with_data_option(choices: Mapping[str, str], key: str) -> dict[str, str]:
    out = dict(choices)
    out["base.data.collection"] = out["base.data.collection"].replace("D", key)
    return out


@pytest.mark.parametrize("fw", [FW, TWEAKED], ids=["miit", "tweaked"])
@pytest.mark.parametrize("threshold", [20, 40, 60, 80])
def test_points_exactly_at_threshold(fw: Framework, threshold: int) -> None:
    result = scored(AT[threshold], ALL_AT_4, fw=fw)
    assert result.total == u(str(threshold))
    assert result.level == result.level_by_points == threshold // 20
    assert result.level_by_scenarios == 4


@pytest.mark.parametrize(
    ("threshold", "below"), [(20, "19.9999"), (40, "39.9999"), (60, "59.9999"), (80, "79.9999")]
)
def test_points_just_below_threshold(threshold: int, below: str) -> None:
    result = scored(with_data_option(AT[threshold], "B"), ALL_AT_4, fw=TWEAKED)
    assert result.total == u(below)
    level = threshold // 20 - 1
    assert (result.level, result.level_by_points, result.level_by_scenarios) == (level, level, 4)
    assert result.decided_by == "points"
    nxt = result.gaps[0]
    assert (nxt.level, nxt.met, nxt.points_short, nxt.scenarios_short, nxt.constrained_short) == (
        threshold // 20,
        False,
        1,
        0,
        0,
    )


@pytest.mark.parametrize("threshold", [20, 40, 60, 80])
def test_points_just_above_threshold(threshold: int) -> None:
    result = scored(with_data_option(AT[threshold], "C"), ALL_AT_4, fw=TWEAKED)
    assert result.total == u(str(threshold)) + 1
    assert result.level == threshold // 20


def test_same_answers_in_the_real_framework_score_exactly_the_threshold() -> None:
    # B and D are both 0.7 in the real data: no drift from the order of summation.
    for threshold, choices in AT.items():
        assert scored(with_data_option(choices, "B"), ALL_AT_4).total == u(str(threshold))


def test_no_level_below_20() -> None:
    result = scored(with_data_option(AT_20, "B"), ALL_AT_4, fw=TWEAKED)
    assert result.level == 0
    assert [g.level for g in result.gaps] == [1, 2, 3, 4]


# Scenario counts on both sides, with full points (100) so only the scenarios decide.
# (scenario levels, level, [(gap level, scenarios_short, constrained_short), …])
SCENARIO_THRESHOLDS = [
    # 一级: 6 at ≥1, of which 3 constrained
    (lv(1, 3, 3), 1, [(2, 6, 3), (3, 8, 5), (4, 10, 6)]),
    (lv(1, 3, 2), 0, [(1, 1, 0), (2, 6, 3), (3, 8, 5), (4, 10, 6)]),
    (lv(1, 2, 4), 0, [(1, 1, 1), (2, 6, 3), (3, 8, 5), (4, 10, 6)]),
    (lv(1, 2, 3), 0, [(1, 1, 1), (2, 6, 3), (3, 8, 5), (4, 10, 6)]),
    (lv(1, 10, 6), 1, [(2, 6, 3), (3, 8, 5), (4, 10, 6)]),
    # 二级: 6 at ≥2, of which 3 constrained
    (lv(2, 3, 3), 2, [(3, 8, 5), (4, 10, 6)]),
    (lv(2, 3, 2), 0, [(1, 1, 0), (2, 1, 0), (3, 8, 5), (4, 10, 6)]),
    (lv(2, 3, 2, lv(1, 0, 3)), 1, [(2, 1, 0), (3, 8, 5), (4, 10, 6)]),
    (lv(2, 2, 4), 0, [(1, 1, 1), (2, 1, 1), (3, 8, 5), (4, 10, 6)]),
    (lv(2, 2, 4, lv(1, 3, 0)), 1, [(2, 1, 1), (3, 8, 5), (4, 10, 6)]),
    # 三级: 8 at ≥3, of which 5 constrained
    (lv(3, 5, 3), 3, [(4, 10, 6)]),
    (lv(3, 5, 2), 2, [(3, 1, 0), (4, 10, 6)]),
    (lv(3, 4, 4), 2, [(3, 1, 1), (4, 10, 6)]),
    (lv(3, 4, 6), 2, [(3, 1, 1), (4, 10, 6)]),
    # 四级: 10 at 4, of which 6 constrained
    (lv(4, 6, 4), 4, []),
    (lv(4, 6, 3), 3, [(4, 1, 0)]),
    (lv(4, 5, 5), 3, [(4, 1, 1)]),
    (lv(4, 5, 6), 3, [(4, 1, 1)]),
    (lv(4, 6, 3, lv(3, 10, 6)), 3, [(4, 1, 0)]),
    ({}, 0, [(1, 6, 3), (2, 6, 3), (3, 8, 5), (4, 10, 6)]),
]


@pytest.mark.parametrize(("scenarios", "level", "gaps"), SCENARIO_THRESHOLDS)
def test_scenario_count_thresholds(
    scenarios: dict[str, int], level: int, gaps: list[tuple[int, int, int]]
) -> None:
    result = scored(FULL, scenarios)
    assert result.level_by_points == 4
    assert result.level_by_scenarios == level
    assert result.level == level
    assert [(g.level, g.scenarios_short, g.constrained_short) for g in result.gaps] == gaps
    assert all(g.points_short == 0 and not g.met for g in result.gaps)
    assert [g.scenario_level for g in result.gaps] == [g[0] for g in gaps]
    assert result.decided_by == ("top" if level == 4 else "scenarios")


def test_scenario_counts() -> None:
    result = scored(FULL, lv(2, 3, 3, lv(4, 1, 0, lv(1, 10, 0))))
    # product_design 2 (lv(2) overrides the 4), marketing & production_control 2, 3 guiding 2, 7 constrained 1
    assert result.scenario_levels["product_design"] == 2
    assert result.scenario_levels["finance"] == 1
    assert result.scenario_levels["decision_support"] == 0
    assert result.at_level == {0: 3, 1: 7, 2: 6, 3: 0, 4: 0}
    assert result.at_least == {1: 13, 2: 6, 3: 0, 4: 0}
    assert result.constrained_at_least == {1: 10, 2: 3, 3: 0, 4: 0}


# Points and scenarios together: level = min(by points, by scenarios); the gaps list every higher level.
# (choices, scenarios, level, by points, by scenarios, decided_by, [(level, points_short, scen, constr)])
COMBINED = [
    ({}, {}, 0, 0, 0, "both", [(1, "20", 6, 3), (2, "40", 6, 3), (3, "60", 8, 5), (4, "80", 10, 6)]),
    (AT_20, ALL_AT_4, 1, 1, 4, "points", [(2, "20", 0, 0), (3, "40", 0, 0), (4, "60", 0, 0)]),
    (AT_20, lv(1, 3, 3), 1, 1, 1, "both", [(2, "20", 6, 3), (3, "40", 8, 5), (4, "60", 10, 6)]),
    (AT_40, lv(1, 3, 3), 1, 2, 1, "scenarios", [(2, "0", 6, 3), (3, "20", 8, 5), (4, "40", 10, 6)]),
    (AT_40, lv(2, 3, 3), 2, 2, 2, "both", [(3, "20", 8, 5), (4, "40", 10, 6)]),
    (AT_60, lv(2, 3, 3), 2, 3, 2, "scenarios", [(3, "0", 8, 5), (4, "20", 10, 6)]),
    (AT_40, lv(3, 5, 3), 2, 2, 3, "points", [(3, "20", 0, 0), (4, "40", 10, 6)]),
    (AT_80, lv(3, 5, 3), 3, 4, 3, "scenarios", [(4, "0", 10, 6)]),
    (AT_80, lv(4, 6, 4), 4, 4, 4, "top", []),
    (FULL, ALL_AT_4, 4, 4, 4, "top", []),
    (NONE, ALL_AT_4, 0, 0, 4, "points", [(1, "20", 0, 0), (2, "40", 0, 0), (3, "60", 0, 0), (4, "80", 0, 0)]),
    (AT_60, lv(4, 5, 5), 3, 3, 3, "both", [(4, "20", 1, 1)]),
]


@pytest.mark.parametrize(
    ("choices", "scenarios", "level", "by_points", "by_scen", "decided", "gaps"), COMBINED
)
def test_level_is_min_of_points_and_scenarios_with_gaps(
    choices: dict[str, str],
    scenarios: dict[str, int],
    level: int,
    by_points: int,
    by_scen: int,
    decided: str,
    gaps: list[tuple[int, str, int, int]],
) -> None:
    result = scored(choices, scenarios)
    assert (result.level, result.level_by_points, result.level_by_scenarios) == (level, by_points, by_scen)
    assert result.decided_by == decided
    assert [(g.level, g.points_short, g.scenarios_short, g.constrained_short) for g in result.gaps] == [
        (lvl, u(p), s, c) for lvl, p, s, c in gaps
    ]
    payload = result.to_json()
    assert payload["level"] == level
    assert payload["decided_by"] == decided
    assert [g["level"] for g in payload["gaps"]] == [g[0] for g in gaps]


@pytest.mark.parametrize(
    ("total", "at_least", "constrained", "expected"),
    [
        # 二级: 40 points, 6 scenarios at ≥2, 3 constrained
        ("39.9999", 6, 3, ("0.0001", 0, 0, False)),
        ("40", 6, 3, ("0", 0, 0, True)),
        ("40", 5, 3, ("0", 1, 0, False)),
        ("40", 6, 2, ("0", 1, 1, False)),  # the sixth must be a constrained one
        ("40", 8, 2, ("0", 1, 1, False)),  # enough in total, yet one (constrained) scenario to raise
        ("40", 4, 1, ("0", 2, 2, False)),
        ("40", 3, 0, ("0", 3, 3, False)),
        ("0", 0, 0, ("40", 6, 3, False)),
    ],
)
def test_gap_for_level_2(
    total: str, at_least: int, constrained: int, expected: tuple[str, int, int, bool]
) -> None:
    cond = next(c for c in FW.levels if c.level == 2)
    gap = gap_for(cond, u(total), {2: at_least}, {2: constrained})
    assert (gap.points_short, gap.scenarios_short, gap.constrained_short, gap.met) == (
        u(expected[0]),
        expected[1],
        expected[2],
        expected[3],
    )


# ---------------------------------------------------------------------------------------------------------
# Missing answers and serialisation


def test_missing_answers_counts_derivable_items_as_answered() -> None:
    answers = parse(
        choices={"base.systems.coverage": "B"},
        scenarios={"finance": 1},
        numbers={"equipment_total": 10, "equipment_digital": 5, "equipment_networked": 5},
    ).answers
    items, scenarios = missing_answers(FW, answers)
    assert "base.systems.coverage" not in items
    assert "base.equipment.digitization" not in items
    assert "base.equipment.connectivity" not in items
    assert len(items) == 12
    assert "finance" not in scenarios
    assert len(scenarios) == 15


def test_answers_to_json_is_sorted_and_plain() -> None:
    answers = Answers(
        choices={"b.item": frozenset({"C", "B"}), "a.item": frozenset({"A"})},
        scenarios={"z": 2, "a": 1},
        numbers={"n": Decimal("1.50")},
    )
    assert answers.to_json() == {
        "choices": {"a.item": ["A"], "b.item": ["B", "C"]},
        "scenarios": {"a": 1, "z": 2},
        "numbers": {"n": "1.50"},
    }
