"""Path to a target level (the cheapest combination of scenario upgrades and item improvements).

The expected plans are worked out by hand from the effort weights of the rules file (typed in again below) and
the provisional level rule; minimality is checked against an independent search written here: a dynamic
programme over effort (the largest gain for each effort budget — the dual of the planner's table over points)
and, for scenarios, a dynamic programme over (constrained count, total count), plus an exhaustive search over
subsets for small cases. A hypothesis property test checks on random answer sets that applying the plan's
steps and scoring again reaches the target, and that its effort is the minimum. No database is needed.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dengta.assessment.scoring.answers import Answers, parse_answers
from dengta.assessment.scoring.definitions import DATA_DIR
from dengta.assessment.scoring.engine import Score, score
from dengta.assessment.scoring.framework import Item, compile_miit
from dengta.assessment.scoring.path import Plan, Step, plan_to_level

ITEMS_RAW: dict[str, Any] = json.loads(
    (DATA_DIR / "miit-2024-manufacturing.json").read_text(encoding="utf-8")
)
RULES_RAW: dict[str, Any] = json.loads(
    (DATA_DIR / "miit-2024-manufacturing.rules.json").read_text(encoding="utf-8")
)
FW = compile_miit(copy.deepcopy(ITEMS_RAW), copy.deepcopy(RULES_RAW))

# Effort weights of miit-2024-manufacturing.rules.json: per option added (multiple choice) or per option step
# up (single choice); per scenario level step 0→1 2, 1→2 3, 2→3 5, 3→4 8.
ITEM_EFFORT = {
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
SCENARIO_STEP = {1: 2, 2: 3, 3: 5, 4: 8}
# (level, min points, scenario level, min scenarios, min constrained)
RULE = {4: (80, 4, 10, 6), 3: (60, 3, 8, 5), 2: (40, 2, 6, 3), 1: (20, 1, 6, 3)}

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
CONSTRAINED = frozenset(C_ORDER)
ALL_AT_4 = dict.fromkeys(C_ORDER + G_ORDER, 4)

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
# 10 (信息系统 E) + 3 (设备数字化 C) + 7 (数据采集 D–M) = 20 points
AT_20 = {
    "base.systems.coverage": "E",
    "base.equipment.digitization": "C",
    "base.data.collection": "D;E;F;G;H;I;J;K;L;M",
}


def u(points: str) -> int:
    return int(Decimal(points) * 10000)


def lv(level: int, constrained: int, guiding: int, base: Mapping[str, int] | None = None) -> dict[str, int]:
    out = dict(base or {})
    out.update(dict.fromkeys(C_ORDER[:constrained] + G_ORDER[:guiding], level))
    return out


def answers(choices: Mapping[str, Any], scenarios: Mapping[str, int] | None = None) -> Answers:
    parsed = parse_answers(FW, choices=choices, scenarios=scenarios or {})
    assert parsed.ok, [str(p) for p in parsed.problems]
    return parsed.answers


def apply(ans: Answers, plan: Plan) -> Answers:
    """The answers after carrying out every step of the plan (checked by the parser, like user input)."""
    choices: dict[str, Any] = {code: sorted(keys) for code, keys in ans.choices.items()}
    scenarios = dict(ans.scenarios)
    for step in plan.steps:
        if step.kind == "item":
            assert isinstance(step.target, tuple)
            choices[step.code] = list(step.target)
        else:
            assert step.kind == "scenario"
            assert isinstance(step.target, int)
            scenarios[step.code] = step.target
    return answers(choices, scenarios)


# ---------------------------------------------------------------------------------------------------------
# The independent cost model and searches


def position(item: Item, current: tuple[str, ...]) -> int:
    """Index of a single-choice answer; unanswered scores 0 like the 0-point option A, so it counts as A."""
    return item.keys.index(current[0]) if current else 0


@lru_cache(maxsize=4096)
def item_alternatives(item: Item, current: tuple[str, ...]) -> frozenset[tuple[int, int, tuple[str, ...]]]:
    """Every better answer to an item: (points gained, effort, new answer), by plain enumeration."""
    weight = ITEM_EFFORT[item.code]
    points = {o.key: o.points for o in item.options}
    out: set[tuple[int, int, tuple[str, ...]]] = set()
    if item.multi:
        have = {k for k in current if k != "A"}
        missing = [k for k in item.keys if k != "A" and k not in have]
        for n in range(1, len(missing) + 1):
            for added in itertools.combinations(missing, n):
                new = tuple(k for k in item.keys if k in have or k in added)
                out.add((sum(points[k] for k in added), n * weight, new))
    else:
        now = position(item, current)
        base = points[current[0]] if current else 0
        for j in range(now + 1, len(item.keys)):
            gain = item.options[j].points - base
            if gain > 0:
                out.add((gain, (j - now) * weight, (item.keys[j],)))
    return frozenset(out)


def min_points_effort(result: Score, shortfall: int) -> int:
    """Least effort whose gains reach ``shortfall``: for each effort budget, the largest gain (0/1 groups)."""
    if shortfall <= 0:
        return 0
    groups = []
    for item in FW.items:
        pairs = {(g, e) for g, e, _ in item_alternatives(item, result.options.get(item.code, ()))}
        groups.append(sorted(pairs))
    budget = sum(max((e for _, e in g), default=0) for g in groups)
    best = [0] * (budget + 1)  # best[e] = largest gain with total effort ≤ e
    for group in groups:
        nxt = best[:]
        for e in range(budget + 1):
            for gain, effort in group:
                if effort <= e and best[e - effort] + gain > nxt[e]:
                    nxt[e] = best[e - effort] + gain
        best = nxt
    return next(e for e in range(budget + 1) if best[e] >= shortfall)


def scenario_cost(current: int, target: int) -> int:
    return sum(SCENARIO_STEP[k] for k in range(current + 1, target + 1))


def min_scenario_effort(levels: Mapping[str, int], target: int) -> int:
    """Least effort for the scenario part of ``target``: DP over (constrained, total) counts, capped."""
    _, scen_level, need_total, need_c = RULE[target]
    inf = 10**9
    best = [[inf] * (need_total + 1) for _ in range(need_c + 1)]
    best[0][0] = 0
    for code in C_ORDER + G_ORDER:
        now = levels.get(code, 0)
        c_add = 1 if code in CONSTRAINED else 0
        cost = 0 if now >= scen_level else scenario_cost(now, scen_level)
        nxt = [row[:] for row in best]
        for c in range(need_c + 1):
            for t in range(need_total + 1):
                if best[c][t] >= inf:
                    continue
                c2, t2 = min(need_c, c + c_add), min(need_total, t + 1)
                # a scenario already at the level counts for free; one below may be raised at its cost
                nxt[c2][t2] = min(nxt[c2][t2], best[c][t] + cost)
        best = nxt
    return best[need_c][need_total]


def brute_scenario_effort(levels: Mapping[str, int], target: int) -> int:
    """The same by exhaustive search over every subset of the scenarios below the level (small cases)."""
    _, scen_level, need_total, need_c = RULE[target]
    codes = C_ORDER + G_ORDER
    have = sum(1 for c in codes if levels.get(c, 0) >= scen_level)
    have_c = sum(1 for c in C_ORDER if levels.get(c, 0) >= scen_level)
    below = [c for c in codes if levels.get(c, 0) < scen_level]
    costs = [scenario_cost(levels.get(c, 0), scen_level) for c in below]
    best = 10**9
    for mask in range(1 << len(below)):
        picked = [i for i in range(len(below)) if mask >> i & 1]
        if have + len(picked) < need_total:
            continue
        if have_c + sum(1 for i in picked if below[i] in CONSTRAINED) < need_c:
            continue
        best = min(best, sum(costs[i] for i in picked))
    return best


def expected_step_effort(step: Step, result: Score) -> int:
    if step.kind == "scenario":
        assert isinstance(step.current, int) and isinstance(step.target, int)
        return scenario_cost(step.current, step.target)
    item = FW.item(step.code)
    assert item is not None and isinstance(step.current, tuple) and isinstance(step.target, tuple)
    weight = ITEM_EFFORT[step.code]
    if item.multi:
        added = set(step.target) - set(step.current)
        assert set(step.current) - {"A"} <= set(step.target), "a step never drops an option"
        return len(added) * weight
    return (item.keys.index(step.target[0]) - position(item, step.current)) * weight


def check_plan(ans: Answers, target: int) -> tuple[Score, Plan]:
    """Every property a plan must have; returns the plan for further checks."""
    result = score(FW, ans)
    plan = plan_to_level(FW, result, target)
    assert plan.target_level == target
    assert plan.reachable
    if result.level >= target:
        assert plan.already
        assert plan.steps == ()
        assert plan.effort == 0
        return result, plan
    assert not plan.already
    assert plan.effort == sum(s.effort for s in plan.steps)
    assert plan.points_gain == sum(s.points_gain for s in plan.steps)
    assert len({(s.kind, s.code) for s in plan.steps}) == len(plan.steps), "one step per item or scenario"
    for step in plan.steps:
        assert step.effort == expected_step_effort(step, result), step
        if step.kind == "scenario":
            assert step.constrained == (step.code in CONSTRAINED)
            assert step.points_gain == 0
    after = score(FW, apply(ans, plan))
    assert after.level >= target
    assert after.total == result.total + plan.points_gain
    min_points = u(str(RULE[target][0]))
    point_effort = sum(s.effort for s in plan.steps if s.kind == "item")
    scen_effort = sum(s.effort for s in plan.steps if s.kind == "scenario")
    assert point_effort == min_points_effort(result, min_points - result.total)
    assert scen_effort == min_scenario_effort(result.scenario_levels, target)
    return result, plan


# ---------------------------------------------------------------------------------------------------------
# Already there


@pytest.mark.parametrize(
    ("choices", "scenarios", "target"),
    [
        (FULL, ALL_AT_4, 2),
        (FULL, ALL_AT_4, 4),
        (FULL, ALL_AT_4, 1),
        (FULL, lv(3, 5, 3), 3),
        (FULL, lv(3, 5, 3), 2),
        (AT_20, lv(1, 3, 3), 1),
    ],
)
def test_already_at_or_above_target(choices: dict[str, str], scenarios: dict[str, int], target: int) -> None:
    result = score(FW, answers(choices, scenarios))
    plan = plan_to_level(FW, result, target)
    assert (plan.already, plan.reachable, plan.steps, plan.effort, plan.points_gain) == (True, True, (), 0, 0)


def test_default_target_is_level_2() -> None:
    plan = plan_to_level(FW, score(FW, answers({}, {})))
    assert plan.target_level == 2
    assert plan.reachable and not plan.already


def test_unknown_target_is_unreachable() -> None:
    plan = plan_to_level(FW, score(FW, answers({}, {})), 5)
    assert (plan.reachable, plan.already, plan.steps) == (False, False, ())


# ---------------------------------------------------------------------------------------------------------
# Only points short (all scenarios at 4)


def test_points_only_mechanism_is_the_cheapest() -> None:
    # 100 − 10 − 5 − 5 − 7.5 = 72.5; 四级 needs 7.5 more: four 管理机制 options (1.875 each, effort 1 each) —
    # no other four effort-1 options reach 7.5.
    choices = {
        **FULL,
        "base.data.collection": "A",
        "base.security.network": "A",
        "base.security.data": "A",
        "mgmt.planning.mechanism": "A",
    }
    ans = answers(choices, ALL_AT_4)
    result, plan = check_plan(ans, 4)
    assert result.total == u("72.5")
    assert plan.steps == (Step("item", "mgmt.planning.mechanism", ("A",), ("B", "C", "D", "E"), u("7.5"), 4),)


def test_points_only_talent_and_energy() -> None:
    # 100 − 10 − 6 − 7 − 7.5 = 69.5; 四级 needs 10.5: all five 人才建设 options (7.5, effort 5) and 绿色低碳
    # one step A→B (3.5, effort 8) = effort 13; e.g. 人才建设 + 信息系统 A→B reaches only 10.
    choices = {
        **FULL,
        "base.systems.coverage": "A",
        "base.equipment.digitization": "A",
        "results.green.energy": "A",
        "mgmt.resources.talent": "A",
    }
    result, plan = check_plan(answers(choices, ALL_AT_4), 4)
    assert result.total == u("69.5")
    assert plan.steps == (
        Step("item", "mgmt.resources.talent", ("A",), ("B", "C", "D", "E", "F"), u("7.5"), 5),
        Step("item", "results.green.energy", ("A",), ("B",), u("3.5"), 8),
    )
    assert plan.effort == 13


def test_points_only_data_collection_wins() -> None:
    # 数据采集 and 信息系统 at 无: 100 − 10 − 10 = 80, exactly 四级.
    choices = {**FULL, "base.data.collection": "A", "base.systems.coverage": "A"}
    result, plan = check_plan(answers(choices, ALL_AT_4), 4)
    assert (result.total, result.level, plan.already) == (u("80"), 4, True)
    # 网络建设 at 无 too: 72, 8 short. Twelve 数据采集 options (effort 12, 8.4 or 8.6 with 人力资源 0.9)
    # beat 网络建设 back to four options (effort 16), 信息系统 A→D (7.5, too little at effort 15) and mixes
    # such as 信息系统 A→B (2.5, effort 5) + eight 数据采集 options with 0.9 (5.8, effort 8) = effort 13.
    choices["base.equipment.network"] = "A"
    result, plan = check_plan(answers(choices, ALL_AT_4), 4)
    assert result.total == u("72")
    assert plan.effort == 12
    (step,) = plan.steps
    assert isinstance(step.target, tuple)
    assert (step.code, len(step.target), step.effort) == ("base.data.collection", 12, 12)
    assert step.points_gain in (u("8.4"), u("8.6"))


@pytest.mark.parametrize("target", [1, 2, 3, 4])
def test_points_only_from_nothing(target: int) -> None:
    result, plan = check_plan(answers({}, ALL_AT_4), target)
    assert result.total == 0
    assert plan.points_gain >= u(str(RULE[target][0]))
    assert all(s.kind == "item" for s in plan.steps)


# ---------------------------------------------------------------------------------------------------------
# Only scenarios short (full points)


SCENARIO_CASES = [
    # target 2 from nothing: every scenario costs 2 + 3 = 5; the first three constrained in the index's order,
    # then the first three others.
    (
        {},
        2,
        [
            ("product_design", 0, 5, True),
            ("marketing", 0, 5, True),
            ("production_control", 0, 5, True),
            ("process_design", 0, 5, False),
            ("after_sales", 0, 5, False),
            ("planning_scheduling", 0, 5, False),
        ],
    ),
    # scenarios already at 1 cost 3: 质量管理 and 设备管理 first, then the cheapest other constrained one
    # (产品设计, 5), then three guiding ones at 1 (cost 3 each) rather than anything at 0.
    (
        {"quality": 1, "equipment": 1, "hr": 1, "collaboration": 1, "decision_support": 1},
        2,
        [
            ("quality", 1, 3, True),
            ("equipment", 1, 3, True),
            ("product_design", 0, 5, True),
            ("hr", 1, 3, False),
            ("collaboration", 1, 3, False),
            ("decision_support", 1, 3, False),
        ],
    ),
    # three constrained already at 2: only three more of any kind
    (
        lv(2, 3, 0),
        2,
        [
            ("process_design", 0, 5, False),
            ("after_sales", 0, 5, False),
            ("planning_scheduling", 0, 5, False),
        ],
    ),
    # six at 2 but only two constrained: one constrained scenario is enough (it also makes the count 7)
    (lv(2, 2, 4), 2, [("production_control", 0, 5, True)]),
    # a cheap guiding scenario does not replace a missing constrained one
    (
        {**lv(2, 2, 3), "decision_support": 1},
        2,
        [("production_control", 0, 5, True)],
    ),
    # target 3 from everything at 2: 5 constrained then 3 others, 5 each
    (
        lv(2, 10, 6),
        3,
        [
            ("product_design", 2, 5, True),
            ("marketing", 2, 5, True),
            ("production_control", 2, 5, True),
            ("quality", 2, 5, True),
            ("equipment", 2, 5, True),
            ("process_design", 2, 5, False),
            ("after_sales", 2, 5, False),
            ("planning_scheduling", 2, 5, False),
        ],
    ),
    # target 4 from everything at 3: 6 constrained then 4 others (能耗管理 is the next in order), 8 each
    (
        lv(3, 10, 6),
        4,
        [
            ("product_design", 3, 8, True),
            ("marketing", 3, 8, True),
            ("production_control", 3, 8, True),
            ("quality", 3, 8, True),
            ("equipment", 3, 8, True),
            ("safety", 3, 8, True),
            ("process_design", 3, 8, False),
            ("after_sales", 3, 8, False),
            ("planning_scheduling", 3, 8, False),
            ("energy", 3, 8, True),
        ],
    ),
    # target 4 with guiding scenarios already at 4: the six constrained only, cheapest (at 3) first
    (
        {**lv(4, 0, 6), **lv(2, 10, 0), "finance": 3, "energy": 3},
        4,
        [
            ("energy", 3, 8, True),
            ("finance", 3, 8, True),
            ("product_design", 2, 13, True),
            ("marketing", 2, 13, True),
            ("production_control", 2, 13, True),
            ("quality", 2, 13, True),
        ],
    ),
]


@pytest.mark.parametrize(("scenarios", "target", "steps"), SCENARIO_CASES)
def test_scenarios_only(
    scenarios: dict[str, int], target: int, steps: list[tuple[str, int, int, bool]]
) -> None:
    result, plan = check_plan(answers(FULL, scenarios), target)
    assert result.level < target
    level = RULE[target][1]
    assert [(s.kind, s.code, s.current, s.target, s.effort, s.constrained) for s in plan.steps] == [
        ("scenario", code, now, level, effort, constrained) for code, now, effort, constrained in steps
    ]
    assert plan.points_gain == 0
    assert plan.effort == sum(e for _, _, e, _ in steps)
    assert plan.effort == brute_scenario_effort(result.scenario_levels, target)


# ---------------------------------------------------------------------------------------------------------
# Both short


def test_points_and_scenarios_short_for_level_2() -> None:
    # 20 points and six scenarios at 1 (three constrained): 二级 needs 20 more points and six scenarios at 2;
    # the six at 1 cost 3 each to raise (18), constrained first.
    ans = answers(AT_20, lv(1, 3, 3))
    result, plan = check_plan(ans, 2)
    assert (result.level, result.total) == (1, u("20"))
    scen = [s for s in plan.steps if s.kind == "scenario"]
    items = [s for s in plan.steps if s.kind == "item"]
    assert plan.steps == tuple(scen + items), "scenario steps come first"
    assert [(s.code, s.current, s.target, s.effort) for s in scen] == [
        ("product_design", 1, 2, 3),
        ("marketing", 1, 2, 3),
        ("production_control", 1, 2, 3),
        ("process_design", 1, 2, 3),
        ("after_sales", 1, 2, 3),
        ("planning_scheduling", 1, 2, 3),
    ]
    assert sum(s.points_gain for s in items) >= u("20")


@pytest.mark.parametrize("target", [1, 2, 3, 4])
def test_from_nothing_to_each_level(target: int) -> None:
    result, plan = check_plan(answers({}, {}), target)
    assert result.level == 0
    scen = [s for s in plan.steps if s.kind == "scenario"]
    _, level, total, constrained = RULE[target]
    assert len(scen) == total
    assert sum(1 for s in scen if s.constrained) >= constrained
    assert all(s.current == 0 and s.target == level for s in scen)
    assert sum(s.effort for s in scen) == total * scenario_cost(0, level)


def test_plan_to_json() -> None:
    result = score(FW, answers({**FULL, "mgmt.planning.mechanism": "A"}, lv(1, 3, 3)))
    payload = plan_to_level(FW, result, 2).to_json()
    assert payload["target_level"] == 2
    assert payload["reachable"] is True
    assert payload["effort"] == 6 * 3
    steps = payload["steps"]
    assert isinstance(steps, list)
    assert [s["code"] for s in steps[:3]] == ["product_design", "marketing", "production_control"]


# ---------------------------------------------------------------------------------------------------------
# Minimality against exhaustive search over a few free items (all others full, all scenarios at 4)


def _answer_for(item: Item) -> st.SearchStrategy[tuple[str, ...]]:
    if item.multi:
        others = [k for k in item.keys if k != "A"]
        subsets = st.lists(st.sampled_from(others), unique=True, max_size=len(others) - 1)
        return st.one_of(st.just(()), st.just(("A",)), subsets.map(lambda ks: tuple(sorted(ks))))
    return st.one_of(st.just(()), st.sampled_from(item.keys[:-1]).map(lambda k: (k,)))


@st.composite
def few_free_items(draw: st.DrawFn) -> dict[str, tuple[str, ...]]:
    free = draw(st.lists(st.sampled_from([i.code for i in FW.items]), unique=True, min_size=1, max_size=4))
    out: dict[str, tuple[str, ...]] = {}
    for code in free:
        item = FW.item(code)
        assert item is not None
        out[code] = draw(_answer_for(item))
    return out


def brute_points_effort(result: Score, free: Mapping[str, tuple[str, ...]], shortfall: int) -> int:
    """Exhaustive: every combination of one alternative (or none) per free item."""
    if shortfall <= 0:
        return 0
    per_item = []
    for code, current in free.items():
        item = FW.item(code)
        assert item is not None
        pairs = {(g, e) for g, e, _ in item_alternatives(item, current)}
        per_item.append([(0, 0), *sorted(pairs)])
    best = 10**9
    for combo in itertools.product(*per_item):
        if sum(g for g, _ in combo) >= shortfall:
            best = min(best, sum(e for _, e in combo))
    return best


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(free=few_free_items(), target=st.sampled_from([1, 2, 3, 4]))
def test_points_plan_is_minimal_against_exhaustive_search(
    free: dict[str, tuple[str, ...]], target: int
) -> None:
    choices: dict[str, Any] = dict(FULL)
    for code, keys in free.items():
        if keys:
            choices[code] = list(keys)
        else:
            del choices[code]
    ans = answers(choices, ALL_AT_4)
    result = score(FW, ans)
    shortfall = u(str(RULE[target][0])) - result.total
    result, plan = check_plan(ans, target)
    expected = brute_points_effort(result, free, shortfall)
    assert plan.effort == expected
    if shortfall > 0:
        assert {s.code for s in plan.steps} <= set(free)


# ---------------------------------------------------------------------------------------------------------
# Property: on random answer sets, the plan is reachable, applying it reaches the target, its effort is the
# sum of its steps and the minimum of the independent searches.


@st.composite
def answer_sets(draw: st.DrawFn) -> Answers:
    choices: dict[str, frozenset[str]] = {}
    for item in FW.items:
        if item.multi:
            others = [k for k in item.keys if k != "A"]
            pick = draw(
                st.one_of(
                    st.none(),
                    st.just(frozenset({"A"})),
                    st.frozensets(st.sampled_from(others), min_size=1),
                )
            )
        else:
            pick = draw(st.one_of(st.none(), st.sampled_from(item.keys).map(lambda k: frozenset({k}))))
        if pick is not None:
            choices[item.code] = pick
    scenarios = {s.code: draw(st.integers(min_value=0, max_value=4)) for s in FW.scenarios}
    return Answers(choices=choices, scenarios=scenarios)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ans=answer_sets(), target=st.sampled_from([1, 2, 3, 4]))
def test_plan_reaches_the_target_with_minimal_effort(ans: Answers, target: int) -> None:
    check_plan(ans, target)
