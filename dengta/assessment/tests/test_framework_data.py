"""The framework data files against the reference documents (DOMAIN.md 3 and 9.1, shared/reference/).

Every expected value below is typed in from the reference documents, not read from the data files, so these
tests check the data as well as the compiler. The two reference JSON files are copied verbatim into
``dengta/assessment/data``; their SHA-256 was recorded from shared/reference/ when these tests were written
(CI runs on a clone without the shared folder). No database is needed.
"""

from __future__ import annotations

import copy
import hashlib
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from dengta.assessment.scoring.bands import BandFramework
from dengta.assessment.scoring.definitions import DATA_DIR, compile_content, read_all, read_definition
from dengta.assessment.scoring.eu_dma import DmaFramework
from dengta.assessment.scoring.framework import (
    UNIT,
    Framework,
    FrameworkDataError,
    LevelCondition,
    RatioBands,
    RatioChange,
    compile_miit,
    format_points,
    to_units,
)

# sha256sum /work/shared/reference/*.json, as handed over with the 2024 index reference data.
REFERENCE_SHA256 = {
    "miit-2024-manufacturing.json": "b96af1aa0ab3166afe028e2cdb9937b5a45c9d91e446d05e074f818fb82db541",
    "eu-dma-sme.json": "80e42ff24784cf8333c4de2a2e8d85b4545f8a775d589e48d69f21c663f50982",
}

ITEMS_RAW: dict[str, Any] = json.loads(
    (DATA_DIR / "miit-2024-manufacturing.json").read_text(encoding="utf-8")
)
RULES_RAW: dict[str, Any] = json.loads(
    (DATA_DIR / "miit-2024-manufacturing.rules.json").read_text(encoding="utf-8")
)


def u(points: str) -> int:
    """Points written as a decimal string → ten-thousandths (independent of the code under test)."""
    scaled = Decimal(points) * 10000
    assert scaled == scaled.to_integral_value()
    return int(scaled)


def miit() -> Framework:
    return compile_miit(copy.deepcopy(ITEMS_RAW), copy.deepcopy(RULES_RAW))


FW = miit()


def compile_content_of(content: dict[str, Any]) -> Framework | BandFramework | DmaFramework:
    return compile_content(json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


# ---------------------------------------------------------------------------------------------------------
# The copied reference files


@pytest.mark.parametrize(("name", "digest"), sorted(REFERENCE_SHA256.items()))
def test_reference_copy_is_byte_identical(name: str, digest: str) -> None:
    assert hashlib.sha256((DATA_DIR / name).read_bytes()).hexdigest() == digest


# ---------------------------------------------------------------------------------------------------------
# All three frameworks compile from the data directory


def test_all_definitions_compile() -> None:
    defs = {d.code: d for d in read_all()}
    assert set(defs) == {"miit-2024-manufacturing", "miit-2022", "eu-dma-sme"}
    assert (defs["miit-2024-manufacturing"].kind, defs["miit-2024-manufacturing"].version) == (
        "miit2024",
        "2024.1",
    )
    assert (defs["miit-2022"].kind, defs["miit-2022"].version) == ("bands", "2022.1")
    assert (defs["eu-dma-sme"].kind, defs["eu-dma-sme"].version) == ("eu_dma", "2024.1")
    assert defs["miit-2024-manufacturing"].provisional is True
    assert defs["miit-2022"].provisional is False
    assert defs["miit-2022"].document == "工信厅企业〔2022〕32号"
    for d in defs.values():
        assert len(d.checksum) == 64
        assert compile_content_of(d.content).code == d.code
    assert isinstance(compile_content_of(defs["miit-2024-manufacturing"].content), Framework)
    assert isinstance(compile_content_of(defs["miit-2022"].content), BandFramework)
    assert isinstance(compile_content_of(defs["eu-dma-sme"].content), DmaFramework)


def test_checksum_is_stable_and_changes_with_content() -> None:
    first = read_definition("miit-2024-manufacturing.rules.json")
    again = read_definition("miit-2024-manufacturing.rules.json")
    assert first.checksum == again.checksum
    other = read_definition("miit-2022.json")
    assert other.checksum != first.checksum


def test_definition_with_broken_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FrameworkDataError):
        read_definition("broken.json", tmp_path)


def test_definition_of_unknown_kind_is_refused(tmp_path: Path) -> None:
    (tmp_path / "odd.json").write_text(
        json.dumps({"framework": "odd", "version": "1", "kind": "tarot"}), encoding="utf-8"
    )
    with pytest.raises(FrameworkDataError):
        read_definition("odd.json", tmp_path)


# ---------------------------------------------------------------------------------------------------------
# MIIT 2024 manufacturing: the scored part (DOMAIN.md 3.2.1)


def test_dimension_totals_add_up_to_100() -> None:
    assert [(d.code, d.name, d.points) for d in FW.dimensions] == [
        ("base", "数字化基础", u("50")),
        ("mgmt", "数字化管理", u("30")),
        ("results", "数字化成效", u("20")),
    ]
    assert FW.total_points == u("100") == 1_000_000


INDICATORS = [
    ("base.equipment", "设备系统", "20"),
    ("base.data", "数据采集", "10"),
    ("base.systems", "信息系统", "10"),
    ("base.security", "信息安全", "10"),
    ("mgmt.planning", "规划管理", "15"),
    ("mgmt.resources", "要素保障", "15"),
    ("results.green", "绿色低碳", "7"),
    ("results.quality", "产品质量", "7"),
    ("results.market", "市场效益", "6"),
]


def test_indicators() -> None:
    assert [(i.code, i.name, i.points) for i in FW.indicators.values()] == [
        (code, name, u(pts)) for code, name, pts in INDICATORS
    ]
    for dim in FW.dimensions:
        assert sum(FW.indicators[c].points for c in dim.indicators) == dim.points


# (code, name, single/multi, points, dimension, indicator, number of options)
ITEMS = [
    ("base.equipment.network", "网络建设", "multi", "8", "base", "base.equipment", 5),
    ("base.equipment.digitization", "设备数字化", "single", "6", "base", "base.equipment", 5),
    ("base.equipment.connectivity", "设备联网", "single", "6", "base", "base.equipment", 5),
    ("base.data.collection", "数据采集", "multi", "10", "base", "base.data", 15),
    ("base.systems.coverage", "信息系统", "single", "10", "base", "base.systems", 5),
    ("base.security.network", "网络安全", "multi", "5", "base", "base.security", 5),
    ("base.security.data", "数据安全", "multi", "5", "base", "base.security", 5),
    ("mgmt.planning.implementation", "规划实施", "single", "7.5", "mgmt", "mgmt.planning", 6),
    ("mgmt.planning.mechanism", "管理机制", "multi", "7.5", "mgmt", "mgmt.planning", 5),
    ("mgmt.resources.talent", "人才建设", "multi", "7.5", "mgmt", "mgmt.resources", 6),
    ("mgmt.resources.funding", "资金保障", "single", "7.5", "mgmt", "mgmt.resources", 5),
    ("results.green.energy", "绿色低碳", "single", "7", "results", "results.green", 3),
    ("results.quality.yield", "产品质量", "single", "7", "results", "results.quality", 3),
    ("results.market.performance", "市场表现", "single", "3", "results", "results.market", 3),
    ("results.market.value", "价值效益", "single", "3", "results", "results.market", 3),
]


def test_fifteen_items_nine_single_six_multi() -> None:
    assert len(FW.items) == 15
    assert [
        (i.code, i.name, "multi" if i.multi else "single", i.points, i.dimension, i.indicator, len(i.options))
        for i in FW.items
    ] == [(c, n, t, u(p), d, ind, k) for c, n, t, p, d, ind, k in ITEMS]
    assert sum(1 for i in FW.items if i.multi) == 6
    assert sum(len(i.options) for i in FW.items) == 79


@pytest.mark.parametrize(("code", "name", "kind", "points", "dim", "ind", "n"), ITEMS)
def test_item_options_reach_item_points(
    code: str, name: str, kind: str, points: str, dim: str, ind: str, n: int
) -> None:
    item = FW.item(code)
    assert item is not None
    if kind == "multi":
        assert item.exclusive == "A"
        assert item.options[0].text == "无"
        assert item.options[0].points == 0
        assert sum(o.points for o in item.options[1:]) == u(points)
    else:
        assert item.exclusive is None
        assert item.options[-1].points == u(points)
        assert [o.points for o in item.options] == sorted(o.points for o in item.options)
    assert item.keys == tuple("ABCDEFGHIJKLMNO"[:n])


def test_data_collection_is_13_times_0_7_plus_0_9_exactly_10() -> None:
    item = FW.item("base.data.collection")
    assert item is not None
    points = {o.key: o.points for o in item.options}
    assert points["A"] == 0
    assert [points[k] for k in "BCDEFGHIJKLMN"] == [7000] * 13
    assert points["O"] == 9000
    assert item.options[-1].text == "人力资源"
    assert sum(points.values()) == 13 * 7000 + 9000 == 100_000 == u("10")
    assert format_points(sum(points.values())) == "10"


@pytest.mark.parametrize(
    ("value", "units"),
    [
        ("0.7", 7000),
        ("0.9", 9000),
        ("1.25", 12500),
        ("1.875", 18750),
        ("5.625", 56250),
        ("0.0001", 1),
        (3, 30000),
    ],
)
def test_to_units_exact(value: object, units: int) -> None:
    assert to_units(value, where="t") == units


@pytest.mark.parametrize("value", ["0.00001", "1.87505", 0.70000001])
def test_to_units_refuses_sub_unit_precision(value: object) -> None:
    with pytest.raises(FrameworkDataError):
        to_units(value, where="t")


@pytest.mark.parametrize(
    ("units", "text"),
    [(0, "0"), (7000, "0.7"), (18750, "1.875"), (100_000, "10"), (1_000_000, "100"), (1, "0.0001")],
)
def test_format_points(units: int, text: str) -> None:
    assert format_points(units) == text


# ---------------------------------------------------------------------------------------------------------
# Scenarios (DOMAIN.md 3.2.2): 16 in 4 groups, 10 constrained (sceneType 1)

SCENARIOS = [
    ("product_design", "产品设计", "lifecycle", True),
    ("process_design", "工艺设计", "lifecycle", False),
    ("marketing", "营销管理", "lifecycle", True),
    ("after_sales", "售后服务", "lifecycle", False),
    ("planning_scheduling", "计划排程", "production", False),
    ("production_control", "生产管控", "production", True),
    ("quality", "质量管理", "production", True),
    ("equipment", "设备管理", "production", True),
    ("safety", "安全生产", "production", True),
    ("energy", "能耗管理", "production", True),
    ("procurement", "采购管理", "supply_chain", True),
    ("warehousing_logistics", "仓储物流", "supply_chain", True),
    ("finance", "财务管理", "management_decision", True),
    ("hr", "人力资源", "management_decision", False),
    ("collaboration", "协同办公", "management_decision", False),
    ("decision_support", "决策支持", "management_decision", False),
]

CONSTRAINED = {
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
}


def test_sixteen_scenarios_ten_constrained() -> None:
    assert [(s.code, s.name, s.group_code, s.constrained) for s in FW.scenarios] == SCENARIOS
    assert {s.code for s in FW.scenarios if s.constrained} == CONSTRAINED
    assert len(CONSTRAINED) == 10
    assert {s.group for s in FW.scenarios} == {
        "产品生命周期数字化",
        "生产执行数字化",
        "供应链数字化",
        "管理决策数字化",
    }
    for s in FW.scenarios:
        assert len(s.levels) == 4
        assert all(text for text in s.levels)


@pytest.mark.parametrize(
    ("code", "level", "fragment"),
    [
        # MIIT order, not the third-party tool's swapped L3/L4 (miit-2024-level-rule.md §3)
        ("product_design", 3, "知识库"),
        ("product_design", 4, "仿真"),
        ("equipment", 3, "OEE"),
        ("equipment", 4, "预测"),
        ("safety", 3, "应急预案"),
        ("safety", 4, "预警"),
    ],
)
def test_scenario_levels_in_miit_order(code: str, level: int, fragment: str) -> None:
    scenario = FW.scenario(code)
    assert scenario is not None
    assert fragment in scenario.levels[level - 1]


# ---------------------------------------------------------------------------------------------------------
# The provisional level rule (miit-2024-level-rule.md §2)


@pytest.mark.parametrize(
    ("level", "min_points", "scenario_level", "min_scenarios", "min_constrained"),
    [(4, "80", 4, 10, 6), (3, "60", 3, 8, 5), (2, "40", 2, 6, 3), (1, "20", 1, 6, 3)],
)
def test_level_rule_row(
    level: int, min_points: str, scenario_level: int, min_scenarios: int, min_constrained: int
) -> None:
    cond = next(c for c in FW.levels if c.level == level)
    assert cond == LevelCondition(level, u(min_points), scenario_level, min_scenarios, min_constrained)


def test_level_rule_is_provisional_and_ordered_highest_first() -> None:
    assert FW.level_rule_provisional is True
    assert [c.level for c in FW.levels] == [4, 3, 2, 1]


# ---------------------------------------------------------------------------------------------------------
# Collected numbers, derived options and effort weights (the rules overlay)

COLLECTED = [
    ("equipment_total", "base.equipment.digitization", True, None),
    ("equipment_digital", "base.equipment.digitization", True, None),
    ("equipment_networked", "base.equipment.connectivity", True, None),
    ("digital_investment", "mgmt.resources.funding", False, None),
    ("energy_last", "results.green.energy", False, None),
    ("energy_prior", "results.green.energy", False, None),
    ("pass_rate", "results.quality.yield", False, Decimal(100)),
    ("employees_last", "results.market.performance", True, None),
    ("revenue_last", "results.market.performance", False, None),
    ("employees_prior", "results.market.performance", True, None),
    ("revenue_prior", "results.market.performance", False, None),
    ("cost_last", "results.market.value", False, None),
    ("cost_prior", "results.market.value", False, None),
]


def test_collected_numbers() -> None:
    assert [(n.code, n.item, n.integer, n.maximum) for n in FW.collected] == COLLECTED


def test_derived_options() -> None:
    bands = [r for r in FW.derived if isinstance(r, RatioBands)]
    changes = [r for r in FW.derived if isinstance(r, RatioChange)]
    pct = tuple(Decimal(b) for b in ("10", "20", "40", "60", "100"))
    assert [(r.item, r.numerator, r.denominator, r.upper_bounds_pct, r.options) for r in bands] == [
        ("base.equipment.digitization", "equipment_digital", "equipment_total", pct, tuple("ABCDE")),
        ("base.equipment.connectivity", "equipment_networked", "equipment_total", pct, tuple("ABCDE")),
    ]
    # energy and cost: 增加 A / 持平 B / 降低 C; revenue per employee: 降低 A / 持平 B / 增加 C
    assert [(r.item, r.inputs, r.up, r.flat, r.down) for r in changes] == [
        (
            "results.green.energy",
            ("energy_last", "revenue_last", "energy_prior", "revenue_prior"),
            "A",
            "B",
            "C",
        ),
        (
            "results.market.performance",
            ("revenue_last", "employees_last", "revenue_prior", "employees_prior"),
            "C",
            "B",
            "A",
        ),
        ("results.market.value", ("cost_last", "revenue_last", "cost_prior", "revenue_prior"), "A", "B", "C"),
    ]
    assert FW.derived_for("results.quality.yield") is None
    assert FW.derived_for("mgmt.resources.funding") is None


EFFORT_ITEM = {
    "base.equipment.network": 4,
    "base.equipment.digitization": 6,
    "base.equipment.connectivity": 4,
    "base.data.collection": 1,
    "base.systems.coverage": 5,
    "base.security.network": 1,
    "base.security.data": 1,
    "mgmt.planning.implementation": 2,
    "mgmt.planning.mechanism": 1,
    "mgmt.resources.talent": 1,
    "mgmt.resources.funding": 6,
    "results.green.energy": 8,
    "results.quality.yield": 8,
    "results.market.performance": 10,
    "results.market.value": 10,
}


def test_effort_weights() -> None:
    assert FW.effort.item_option == EFFORT_ITEM
    assert FW.effort.scenario_step == {1: 2, 2: 3, 3: 5, 4: 8}
    assert FW.effort.scenario_cost("finance", 0, 2) == 5
    assert FW.effort.scenario_cost("finance", 1, 4) == 16
    assert FW.effort.scenario_cost("finance", 3, 3) == 0


def test_point_quantum_is_gcd_of_option_points() -> None:
    # gcd(0.7, 0.9, 1.25, 1.875, 1.5, 2, 2.5, 3.5, …) = 0.025
    assert FW.point_quantum() == 250


# ---------------------------------------------------------------------------------------------------------
# Compile refuses broken data


def _item(data: dict[str, Any], code: str) -> dict[str, Any]:
    for dim in data["dimensions"]:
        for ind in dim["indicators"]:
            for item in ind["items"]:
                if item["code"] == code:
                    return item
    raise KeyError(code)


def _break_points(items: dict[str, Any], rules: dict[str, Any]) -> None:
    _item(items, "base.equipment.network")["options"][1]["points"] = 3  # B 2 → 3: options reach 9, item 8


def _break_single_points(items: dict[str, Any], rules: dict[str, Any]) -> None:
    _item(items, "base.systems.coverage")["points"] = 9  # top option E is 10


def _drop_exclusive(items: dict[str, Any], rules: dict[str, Any]) -> None:
    del _item(items, "base.security.network")["exclusive_option"]


def _exclusive_unknown(items: dict[str, Any], rules: dict[str, Any]) -> None:
    _item(items, "base.security.data")["exclusive_option"] = "Z"


def _sub_unit(items: dict[str, Any], rules: dict[str, Any]) -> None:
    _item(items, "base.data.collection")["options"][1]["points"] = 0.70001


def _duplicate_key(items: dict[str, Any], rules: dict[str, Any]) -> None:
    _item(items, "mgmt.resources.talent")["options"][2]["key"] = "B"


def _indicator_sum(items: dict[str, Any], rules: dict[str, Any]) -> None:
    item = _item(items, "results.market.value")
    item["points"] = 4
    item["options"][2]["points"] = 4  # item consistent, indicator 市场效益 now 7 ≠ 6


def _unknown_derived_item(items: dict[str, Any], rules: dict[str, Any]) -> None:
    rules["derived_options"][0]["item"] = "base.equipment.nothing"


def _derived_unknown_number(items: dict[str, Any], rules: dict[str, Any]) -> None:
    rules["derived_options"][0]["numerator"] = "equipment_imaginary"


def _derived_unknown_option(items: dict[str, Any], rules: dict[str, Any]) -> None:
    rules["derived_options"][2]["options"]["flat"] = "Z"


def _derived_unknown_kind(items: dict[str, Any], rules: dict[str, Any]) -> None:
    rules["derived_options"][0]["kind"] = "ratio_guess"


def _level_sub_unit(items: dict[str, Any], rules: dict[str, Any]) -> None:
    rules["level_rule"]["levels"][0]["min_points"] = "79.99995"


def _scored_total(items: dict[str, Any], rules: dict[str, Any]) -> None:
    items["scored_total"] = 90


@pytest.mark.parametrize(
    ("breaker", "match"),
    [
        (_break_points, "base.equipment.network: options reach 9, item is 8"),
        (_break_single_points, "base.systems.coverage: options reach 10, item is 9"),
        (_drop_exclusive, "base.security.network: a multiple-choice item needs its exclusive"),
        (_exclusive_unknown, "base.security.data: a multiple-choice item needs its exclusive"),
        (_sub_unit, "0.70001 is not a multiple of 0.0001"),
        (_duplicate_key, "mgmt.resources.talent: duplicate option keys"),
        (_indicator_sum, "results.market: items sum to 7"),
        (_unknown_derived_item, "unknown item base.equipment.nothing"),
        (_derived_unknown_number, "base.equipment.digitization names unknown options or numbers"),
        (_derived_unknown_option, "results.green.energy names unknown options or numbers"),
        (_derived_unknown_kind, "unknown derived kind ratio_guess"),
        (_level_sub_unit, "79.99995 is not a multiple of 0.0001"),
        (_scored_total, "dimensions sum to 100"),
    ],
)
def test_compile_refuses_broken_data(breaker: Any, match: str) -> None:
    items, rules = copy.deepcopy(ITEMS_RAW), copy.deepcopy(RULES_RAW)
    breaker(items, rules)
    with pytest.raises(FrameworkDataError, match=match):
        compile_miit(items, rules)
    with pytest.raises(FrameworkDataError):
        compile_content_of({"rules": rules, "items": items})


def test_compile_content_wraps_missing_keys() -> None:
    rules = copy.deepcopy(RULES_RAW)
    del rules["level_rule"]
    with pytest.raises(FrameworkDataError):
        compile_content_of({"rules": rules, "items": copy.deepcopy(ITEMS_RAW)})


def test_unchanged_copy_compiles() -> None:
    fw = compile_miit(copy.deepcopy(ITEMS_RAW), copy.deepcopy(RULES_RAW))
    assert fw.total_points == 100 * UNIT


# ---------------------------------------------------------------------------------------------------------
# MIIT 2022 bands and EU DMA structure


def test_miit_2022_bands() -> None:
    fw = compile_content_of(read_definition("miit-2022.json").content)
    assert isinstance(fw, BandFramework)
    assert fw.scored_total == Decimal(100)
    assert [(b.level, b.minimum, b.maximum, b.name_zh) for b in fw.bands] == [
        (1, Decimal(20), Decimal(40), "一级"),
        (2, Decimal(40), Decimal(60), "二级"),
        (3, Decimal(60), Decimal(80), "三级"),
        (4, Decimal(80), Decimal(100), "四级"),
    ]


def test_eu_dma_structure() -> None:
    fw = compile_content_of(read_definition("eu-dma-sme.rules.json").content)
    assert isinstance(fw, DmaFramework)
    assert [d.code for d in fw.dimensions] == [
        "strategy",
        "readiness",
        "human",
        "data",
        "automation",
        "green",
    ]
    assert [[(q.code, q.type, len(q.rows)) for q in d.questions] for d in fw.dimensions] == [
        [("q1", "invested_planned_table", 10), ("q2", "checkbox", 10)],
        [("q3", "checkbox", 10), ("q4", "scale_0_5_table", 7)],
        [("q5", "checkbox", 7), ("q6", "checkbox", 8)],
        [("q7", "checkbox", 8), ("q8", "checkbox", 6)],
        [("q9", "scale_0_5_table", 5)],
        [("q10", "checkbox", 10), ("q11", "no_partly_yes", 5)],
    ]
    assert sum(len(q.rows) for d in fw.dimensions for q in d.questions) == 86
    negatives = [(q.code, r.code) for d in fw.dimensions for q in d.questions for r in q.rows if r.negative]
    assert negatives == [("q7", "not_collected_digitally")]
    q1 = fw.question("q1")
    assert q1 is not None
    assert q1.columns == {"invested": Fraction(1), "planned": Fraction(1, 2)}
    assert [(b.upper, b.name) for b in fw.bands] == [
        (25, "Basic"),
        (50, "Average"),
        (75, "Moderately advanced"),
        (None, "Advanced"),
    ]
