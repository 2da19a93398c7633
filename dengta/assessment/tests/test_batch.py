"""The batch scorer gives exactly the engine's results: property tests over random
valid answer sets, with strategies aimed at every band boundary of the derived ratios, equal ratios (持平),
zeros where allowed, numbers large or precise enough to need the exact 128-bit and fallback paths, and every
level threshold ±0.0001 point / ±1 scenario; plus examples. Pure: no database.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bench import scoring_bench
from dengta.assessment.scoring import batch as batch_module
from dengta.assessment.scoring.answers import Answers, check_scenario, parse_answers
from dengta.assessment.scoring.batch import BatchScorer, decimal_parts
from dengta.assessment.scoring.definitions import canonical, compile_content, read_definition
from dengta.assessment.scoring.engine import Score, derive_option, score
from dengta.assessment.scoring.framework import Framework, compile_miit, format_points

DEFINITION = read_definition("miit-2024-manufacturing.rules.json")


def _framework() -> Framework:
    fw = compile_content(canonical(DEFINITION.content))
    assert isinstance(fw, Framework)
    return fw


FW = _framework()
SCORER = BatchScorer(FW)
# Enough examples to cover every strategy branch on each run, few enough to keep the file near five seconds
# (each example scores up to eight answer sets with the engine and the batch).
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def engine_row(s: Score) -> dict[str, Any]:
    return {
        "dimension_points": s.dimension_points,
        "total": s.total,
        "at_level": s.at_level,
        "level": s.level,
    }


def assert_same(
    answers: list[Answers], fw: Framework = FW, scorer: BatchScorer = SCORER, **kwargs: Any
) -> None:
    """Every row of the batch equals the engine's score of the same answers, figure by figure."""
    result = scorer.score(scorer.encode(answers), **kwargs)
    for i, a in enumerate(answers):
        assert result.row(i, scorer.dimensions) == engine_row(score(fw, a)), (i, a)


def parsed(
    choices: dict[str, Any] | None = None,
    scenarios: dict[str, Any] | None = None,
    numbers: dict[str, Any] | None = None,
) -> Answers:
    p = parse_answers(FW, choices=choices, scenarios=scenarios, numbers=numbers)
    assert p.ok, p.problems
    return p.answers


# ---------------------------------------------------------------------------------------------------------
# Strategies: answer sets that parse_answers accepts


@st.composite
def choice_sets(draw: st.DrawFn) -> dict[str, str]:
    out = {}
    for item in FW.items:
        kind = draw(st.integers(0, 9))
        if kind == 0:
            continue  # left unanswered: 0 points, as the engine scores it
        if item.multi:
            others = [k for k in item.keys if k != item.exclusive]
            if kind == 1:
                keys = [item.exclusive]
            else:
                keys = draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
        else:
            keys = [draw(st.sampled_from(item.keys))]
        out[item.code] = ";".join(str(k) for k in keys)
    return out


@st.composite
def scenario_sets(draw: st.DrawFn) -> dict[str, int]:
    base = draw(st.integers(0, 4))
    out = {}
    for s in FW.scenarios:
        if draw(st.integers(0, 19)) == 0:
            continue  # unrated counts as level 0
        out[s.code] = min(4, max(0, base + draw(st.integers(-2, 2))))
    return out


def _amount(places: st.SearchStrategy[int], top: int = 10**9) -> st.SearchStrategy[Decimal]:
    return places.flatmap(
        lambda p: st.decimals(min_value=0, max_value=top, places=p, allow_nan=False, allow_infinity=False)
    )


PLACES = st.sampled_from([0, 0, 1, 2, 2, 3, 6, 7, 9])  # beyond 6 decimals the batch falls back per row


@st.composite
def equipment(draw: st.DrawFn) -> dict[str, Decimal]:
    """Equipment counts; 'boundary' puts the rates exactly on 0/10/20/40/60/100 % or one device off."""
    mode = draw(st.sampled_from(["boundary", "boundary", "random", "absent", "partial"]))
    if mode == "absent":
        return {}
    if mode == "boundary":
        # A multiple of 10 (or of 10**k, up to the 1e12 limit) so that every bound is a whole device count.
        total = 10 * draw(st.one_of(st.integers(1, 1000), st.integers(1, 10**11)))
        out = {"equipment_total": Decimal(total)}
        for code in ("equipment_digital", "equipment_networked"):
            bound = draw(st.sampled_from([0, 10, 20, 40, 60, 100]))
            value = total * bound // 100 + draw(st.sampled_from([-1, 0, 0, 1]))
            out[code] = Decimal(min(total, max(0, value)))
        return out
    total = draw(st.integers(1, 10**6))
    out = {
        "equipment_total": Decimal(total),
        "equipment_digital": Decimal(draw(st.integers(0, total))),
        "equipment_networked": Decimal(draw(st.integers(0, total))),
    }
    if mode == "partial":
        out.pop(
            draw(st.sampled_from(sorted(out)))
        )  # a rate that cannot be computed: the chosen option counts
    return out


@st.composite
def year_on_year(draw: st.DrawFn) -> dict[str, Decimal]:
    """Revenue, employees, energy and costs; 'flat' makes the ratios equal (持平), 'near' one unit off."""
    mode = draw(st.sampled_from(["flat", "flat", "near", "random", "zeros", "absent", "partial"]))
    if mode == "absent":
        return {}
    if mode in ("flat", "near"):
        per_employee = draw(_amount(st.sampled_from([0, 2, 4]), 10**5).filter(lambda d: d > 0))
        e_last, e_prior = draw(st.integers(1, 10**5)), draw(st.integers(1, 10**5))
        energy_ratio = draw(_amount(st.sampled_from([0, 1, 3]), 10))
        cost_ratio = draw(_amount(st.sampled_from([0, 2]), 2))
        out = {
            "employees_last": Decimal(e_last),
            "employees_prior": Decimal(e_prior),
            "revenue_last": per_employee * e_last,
            "revenue_prior": per_employee * e_prior,
        }
        out["energy_last"] = energy_ratio * out["revenue_last"]
        out["energy_prior"] = energy_ratio * out["revenue_prior"]
        out["cost_last"] = cost_ratio * out["revenue_last"]
        out["cost_prior"] = cost_ratio * out["revenue_prior"]
        if mode == "near":
            code = draw(st.sampled_from(sorted(k for k in out if not k.startswith("employees"))))
            exponent = out[code].as_tuple().exponent
            assert isinstance(exponent, int)
            step = Decimal(1).scaleb(exponent if out[code] else -2)  # one unit in the last place
            out[code] = max(Decimal(0), out[code] + draw(st.sampled_from([-1, 1])) * step)
            if code.startswith("revenue") and out[code] == 0:
                out[code] = step
        return out
    places = draw(PLACES)
    out = {
        "employees_last": Decimal(draw(st.integers(1, 10**5))),
        "employees_prior": Decimal(draw(st.integers(1, 10**5))),
        "revenue_last": draw(_amount(st.just(places)).filter(lambda d: d > 0)),
        "revenue_prior": draw(_amount(st.just(places)).filter(lambda d: d > 0)),
        "energy_last": draw(_amount(st.just(places))),
        "energy_prior": draw(_amount(st.just(places))),
        "cost_last": draw(_amount(st.just(places))),
        "cost_prior": draw(_amount(st.just(places))),
    }
    if mode == "zeros":  # numerators may be zero (no energy used, no costs); denominators may not
        for code in ("energy_last", "energy_prior", "cost_last", "cost_prior"):
            if draw(st.booleans()):
                out[code] = Decimal(0)
    if mode == "partial":
        out.pop(draw(st.sampled_from(sorted(out))))
    return out


@st.composite
def other_numbers(draw: st.DrawFn) -> dict[str, Decimal]:
    out = {}
    if draw(st.booleans()):
        out["digital_investment"] = draw(_amount(PLACES))
    if draw(st.booleans()):
        out["pass_rate"] = draw(_amount(st.sampled_from([0, 2]), 100))
    return out


@st.composite
def answer_sets(draw: st.DrawFn) -> Answers:
    numbers = {**draw(equipment()), **draw(year_on_year()), **draw(other_numbers())}
    p = parse_answers(
        FW,
        choices=draw(choice_sets()),
        scenarios=draw(scenario_sets()),
        numbers={k: str(v) for k, v in numbers.items()},
    )
    assume(p.ok)  # the strategies are built to be valid; this only drops a rare value beyond 1e12
    return p.answers


# ---------------------------------------------------------------------------------------------------------
# Properties


@PROPERTY
@given(
    st.lists(answer_sets(), min_size=1, max_size=12),
    st.sampled_from([1, 3, 1 << 16]),
    st.sampled_from([1, 2]),
)
def test_batch_equals_engine(answers: list[Answers], chunk: int, threads: int) -> None:
    # Small chunks and two threads exercise the chunking and the per-thread buffers on every example.
    assert_same(answers, chunk=chunk, threads=threads)


@PROPERTY
@given(st.lists(st.builds(Answers, numbers=equipment()), min_size=1, max_size=8))
def test_equipment_rate_boundaries(answers: list[Answers]) -> None:
    assert_same(answers)


@PROPERTY
@given(st.lists(st.builds(Answers, numbers=year_on_year()), min_size=1, max_size=8))
def test_year_on_year_changes_flat_and_near(answers: list[Answers]) -> None:
    assert_same(answers)


@st.composite
def precise_numbers(draw: st.DrawFn) -> dict[str, Decimal]:
    """Up to a trillion with 6 decimals (products past 2**64: the 128-bit path) or more (the fallback)."""
    places = draw(st.sampled_from([6, 6, 7, 12, 20]))
    big = _amount(st.just(places), 10**12 - 1).filter(lambda d: d > 0)
    revenue = draw(big)
    out = {
        "revenue_last": revenue,
        "revenue_prior": draw(st.one_of(big, st.just(revenue))),
        "energy_last": draw(big),
        "employees_last": Decimal(draw(st.integers(1, 10**12))),
        "employees_prior": Decimal(draw(st.integers(1, 10**12))),
    }
    out["energy_prior"] = draw(st.one_of(big, st.just(out["energy_last"])))
    total = draw(st.integers(1, 10**12))
    out["equipment_total"] = Decimal(total)
    out["equipment_digital"] = Decimal(draw(st.integers(0, total)))
    return out


@PROPERTY
@given(st.lists(st.builds(Answers, numbers=precise_numbers()), min_size=1, max_size=6))
def test_large_and_precise_numbers(answers: list[Answers]) -> None:
    assert_same(answers)


def _variant(
    level: int, min_points: int, scenario_level: int, min_scenarios: int, min_constrained: int
) -> Framework:
    rules = copy.deepcopy(DEFINITION.content["rules"])
    for cond in rules["level_rule"]["levels"]:
        if cond["level"] == level:
            cond.update(
                min_points=format_points(min_points),
                scenario_level=scenario_level,
                min_scenarios=min_scenarios,
                min_constrained=min_constrained,
            )
    return compile_miit(DEFINITION.content["items"], rules)


@settings(max_examples=80, deadline=None)
@given(
    answer_sets(),
    st.sampled_from([1, 2, 3, 4]),
    st.sampled_from([1, 2, 3, 4]),
    st.sampled_from([-1, 0, 1]),
    st.sampled_from([-1, 0, 1]),
    st.sampled_from([-1, 0, 1]),
)
def test_every_level_threshold_plus_minus_one(
    answers: Answers, level: int, scenario_level: int, d_points: int, d_scen: int, d_constrained: int
) -> None:
    """The level rule rewritten so that this answer set sits exactly on, or 0.0001 point / 1 scenario off,
    a threshold (the MIIT options move in steps of 0.025, so only a rewritten rule reaches ±0.0001)."""
    s = score(FW, answers)
    fw = _variant(
        level,
        max(0, s.total + d_points),
        scenario_level,
        max(0, s.at_least[scenario_level] + d_scen),
        max(0, s.constrained_at_least[scenario_level] + d_constrained),
    )
    assert_same([answers], fw=fw, scorer=BatchScorer(fw))


# ---------------------------------------------------------------------------------------------------------
# Examples

EXACTLY_40 = {
    "base.equipment.network": "B;C;D;E",
    "base.equipment.digitization": "E",
    "base.equipment.connectivity": "E",
    "base.data.collection": "B;C;D;E;F;G;H;I;J;K;L;M;N;O",
    "base.systems.coverage": "A",
    "base.security.network": "B;C;D;E",
    "base.security.data": "B;C;D;E",
}
# 39.975 and 40.025: one step of 0.025 (the smallest difference the options allow) either side of 二级.
BELOW_40 = {
    **EXACTLY_40,
    "base.equipment.network": "B;C;E",
    "base.equipment.digitization": "D",
    "base.equipment.connectivity": "D",
    "base.data.collection": "B;L;M",
    "base.security.network": "B;C",
    "base.security.data": "B;C;D",
    "mgmt.planning.implementation": "B",
    "mgmt.planning.mechanism": "B;E",
    "mgmt.resources.talent": "B;F",
    "mgmt.resources.funding": "B",
    "results.green.energy": "B",
    "results.market.value": "C",
}
ABOVE_40 = {
    "base.equipment.network": "B;E",
    "base.equipment.digitization": "E",
    "base.equipment.connectivity": "C",
    "base.data.collection": "J;L",
    "base.systems.coverage": "C",
    "base.security.network": "C",
    "base.security.data": "C;D",
    "mgmt.planning.mechanism": "E",
    "mgmt.resources.talent": "D",
    "results.green.energy": "C",
    "results.quality.yield": "B",
    "results.market.value": "C",
}
CONSTRAINED = [s.code for s in FW.scenarios if s.constrained]
GUIDING = [s.code for s in FW.scenarios if not s.constrained]


def at(level: int, count: int, constrained: int) -> dict[str, int]:
    chosen = CONSTRAINED[:constrained] + GUIDING[: count - constrained]
    return {s.code: (level if s.code in chosen else 1) for s in FW.scenarios}


@pytest.mark.parametrize(
    ("choices", "scenarios", "total", "level"),
    [
        (EXACTLY_40, at(2, 6, 3), 400_000, 2),
        (BELOW_40, at(2, 6, 3), 399_750, 1),
        (ABOVE_40, at(2, 6, 3), 400_250, 2),
        (EXACTLY_40, at(2, 5, 3), 400_000, 1),  # one scenario short of six at level 2
        (EXACTLY_40, at(2, 6, 2), 400_000, 1),  # one constrained scenario short of three
        (EXACTLY_40, at(2, 7, 3), 400_000, 2),
        ({}, {}, 0, 0),
    ],
)
def test_level_2_threshold_examples(
    choices: dict[str, str], scenarios: dict[str, int], total: int, level: int
) -> None:
    answers = parsed(choices, scenarios)
    result = SCORER.score(SCORER.encode([answers]))
    assert int(result.total[0]) == total == score(FW, answers).total
    assert int(result.level[0]) == level == score(FW, answers).level


def test_full_marks_reach_level_4() -> None:
    full = {
        i.code: ";".join(k for k in i.keys if k != i.exclusive) if i.multi else i.keys[-1] for i in FW.items
    }
    answers = parsed(full, {s.code: 4 for s in FW.scenarios})
    result = SCORER.score(SCORER.encode([answers]))
    assert result.row(0, SCORER.dimensions) == {
        "dimension_points": {"base": 500_000, "mgmt": 300_000, "results": 200_000},
        "total": 1_000_000,
        "at_level": {0: 0, 1: 0, 2: 0, 3: 0, 4: 16},
        "level": 4,
    }


def test_none_alone_scores_nothing_and_all_none_is_no_level() -> None:
    none = {i.code: i.exclusive or i.keys[0] for i in FW.items}
    answers = parsed(none, {s.code: 0 for s in FW.scenarios})
    result = SCORER.score(SCORER.encode([answers]))
    assert result.row(0, SCORER.dimensions) == {
        "dimension_points": {"base": 0, "mgmt": 0, "results": 0},
        "total": 0,
        "at_level": {0: 16, 1: 0, 2: 0, 3: 0, 4: 0},
        "level": 0,
    }


@pytest.mark.parametrize(
    ("digital", "option", "points"),
    [
        (0, "A", 0),
        (1, "A", 0),
        (2, "B", 15_000),
        (3, "C", 30_000),
        (4, "C", 30_000),
        (5, "D", 45_000),
        (6, "D", 45_000),
        (7, "E", 60_000),
        (10, "E", 60_000),
    ],
)
def test_digitisation_rate_bands_of_ten_devices(digital: int, option: str, points: int) -> None:
    """10 % belongs to the lower band (A), 20 % to B, 40 % to C, 60 % to D: 1, 2, 4 and 6 of 10 devices."""
    # The chosen option (A) is overruled by the numbers, as in the engine.
    answers = parsed(
        {"base.equipment.digitization": "A"}, {}, {"equipment_total": "10", "equipment_digital": str(digital)}
    )
    assert derive_option(FW, "base.equipment.digitization", answers.numbers) == option
    result = SCORER.score(SCORER.encode([answers]))
    assert int(result.dimension_points[0, 0]) == points == score(FW, answers).total


def test_equal_ratios_are_flat_and_a_cent_more_is_up() -> None:
    flat = {"energy_last": "120", "revenue_last": "1000.00", "energy_prior": "60", "revenue_prior": "500"}
    up = {**flat, "energy_last": "120.01"}
    rows = [parsed({}, {}, flat), parsed({}, {}, up)]
    result = SCORER.score(SCORER.encode(rows))
    # energy per revenue: flat → B (3.5 points), up → A (0)
    assert [int(p) for p in result.dimension_points[2]] == [35_000, 0]
    assert_same(rows)


def test_fallback_rows_use_the_engine_derivation() -> None:
    """Seven decimals do not fit the fixed point: such a row is derived by engine.derive_option."""
    numbers = {
        "equipment_total": "3",
        "equipment_networked": "1",
        "revenue_last": "1.0000001",
        "revenue_prior": "1",
    }
    numbers |= {"energy_last": "1", "energy_prior": "1"}
    rows = [parsed({}, {}, numbers), parsed({}, {}, {"equipment_total": "3", "equipment_networked": "3"})]
    enc = SCORER.encode(rows)
    assert list(enc.fallback) == [0]
    assert enc.scale == 0  # the other row's whole numbers need no decimals
    result = SCORER.score(enc)
    # networked 1 of 3 = 33 % → C (3); energy per revenue down → C (7)
    assert int(result.total[0]) == 30_000 + 70_000
    assert int(result.total[1]) == 60_000
    assert_same(rows)


def test_encode_decode_round_trip() -> None:
    rows = [
        parsed(
            EXACTLY_40,
            at(3, 8, 5),
            {"equipment_total": "20", "equipment_digital": "2", "revenue_last": "1.5"},
        ),
        parsed(ABOVE_40, {}, {}),
    ]
    back = SCORER.decode(SCORER.encode(rows), range(2))
    assert [a.choices for a in back] == [rows[0].choices, rows[1].choices]
    assert back[0].numbers == rows[0].numbers
    assert back[1].scenarios == {
        s.code: 0 for s in FW.scenarios
    }  # unrated is level 0, as the engine reads it


def test_a_mask_outside_the_item_is_refused() -> None:
    enc = SCORER.encode([Answers()])
    enc.masks[SCORER.item_index["results.market.value"], 0] = 1 << 3  # the item has options A, B, C only
    with pytest.raises(ValueError, match=r"results\.market\.value"):
        SCORER.score(enc)


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("0", (0, 0)),
        ("12.50", (125, 1)),
        ("1E+3", (1000, 0)),
        ("0.000001", (1, 6)),
        ("0.0000001", None),
        ("-1", None),
        ("1000000000000.000001", (1_000_000_000_000_000_001, 6)),
    ],
)
def test_decimal_parts(value: str, parts: tuple[int, int] | None) -> None:
    assert decimal_parts(Decimal(value)) == parts


def test_products_beyond_int64_are_exact() -> None:
    """(2**62 − 1) × 3 vs 3 × (2**62 − 1) is equal, and one more is greater: no float, no overflow."""
    big = (1 << 62) - 1
    a = np.array([big, big + 1, big], dtype=np.int64)
    three = np.full(3, 3, dtype=np.int64)
    c = np.array([big, big, big + 1], dtype=np.int64)
    scratch = batch_module._Scratch(3, 4)
    assert batch_module._compare_products(a, three, three, c, scratch).tolist() == [0, 1, -1]


# ---------------------------------------------------------------------------------------------------------
# Engine bugs found while writing the batch scorer (fixed in answers.py and engine.py)


def test_superscript_digit_is_a_problem_not_a_crash() -> None:
    # "²".isdigit() is true but int("²") raises; the check used isdigit and crashed on it.
    level, problem = check_scenario(FW, "product_design", "²")
    assert level is None and problem is not None and problem.code == "scenario_level"
    assert check_scenario(FW, "product_design", "２") == (2, None)  # a full-width digit is a digit


def test_engine_compares_many_digit_ratios_exactly() -> None:
    """Energy per revenue rose by a step beyond the 28th digit: up (A), not 持平 (the default Decimal
    context rounded both products to the same 28 digits)."""
    answers = parsed(
        numbers={
            "energy_last": "123456789012.123456789012345679",
            "energy_prior": "123456789012.123456789012345678",
            "revenue_last": "987654321098.765432109876543",
            "revenue_prior": "987654321098.765432109876543",
        }
    )
    assert derive_option(FW, "results.green.energy", answers.numbers) == "A"
    assert_same([answers])


def test_scorer_refuses_items_with_too_many_options() -> None:
    items = copy.deepcopy(DEFINITION.content["items"])
    item = items["dimensions"][0]["indicators"][0]["items"][0]
    extra: Callable[[int], dict[str, Any]] = lambda k: {"key": f"Z{k}", "text": "x", "points": 0}  # noqa: E731
    item["options"] += [extra(k) for k in range(13)]
    fw = compile_miit(items, DEFINITION.content["rules"])
    with pytest.raises(ValueError, match="more than 16 options"):
        BatchScorer(fw)


# ---------------------------------------------------------------------------------------------------------
# The benchmark (speed is measured there, never asserted here)


def test_bench_scoring_prints_its_figures_last_and_matches() -> None:
    out = io.StringIO()
    call_command("bench_scoring", "--n", "3000", "--sample", "300", "--repeat", "1", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(r"bench scoring: rate_per_s=\d+ ratio_vs_engine=\d+ match=true", lines[-1]), lines
    # The generated sets reach every level, so the level rule is exercised at every step.
    levels = next(line for line in lines if line.startswith("levels"))
    assert all(int(count) > 0 for count in levels.split(": ")[1].split())


def test_bench_comparison_reports_a_difference() -> None:
    enc = scoring_bench.generate(SCORER, 50, seed=1)
    result = SCORER.score(enc)
    engine_scores = [score(FW, a) for a in SCORER.decode(enc, range(50))]
    assert scoring_bench.compare(SCORER, result, list(range(50)), engine_scores) == []
    result.total[7] += 1
    result.at_level[0, 9] += 1
    assert scoring_bench.compare(SCORER, result, list(range(50)), engine_scores) == [7, 9]
