"""The distance between an enterprise and a lighthouse case (dengta.cases.similarity): its components as
the module docstring defines them, row by row; the order of a hand-made set of cases; the reasons; and
the numpy batch against the plain ``top_k``, identical, ties included. No database."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.cases.similarity import (
    Match,
    Metric,
    Profile,
    Reason,
    Why,
    distance,
    hundredths,
    miit_2024,
    reasons,
    top_k,
    units,
)
from dengta.cases.similarity_batch import ProfileMatrix, Vocabulary, top_k_batch

M = miit_2024()
N = len(M.scenario_codes)


def profile(**changes: object) -> Profile:
    """A small 广州 auto-parts enterprise at level 1 in every scenario, 23.80 / 14.62 / 8.50 points."""
    base = Profile(
        sub_industry="auto-parts",
        scenario_levels=(1,) * N,
        points=(2380, 1462, 850),
        size_rank=1,
        province="440000",
        prefecture="440100",
        level=1,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def levels(**by_code: int) -> tuple[int, ...]:
    return M.vector({**dict.fromkeys(M.scenario_codes, 1), **by_code})


def test_the_miit_2024_metric_reads_the_framework_and_its_units_are_whole() -> None:
    assert M.scenario_codes[:3] == ("product_design", "process_design", "marketing") and N == 16
    assert M.max_points == (5000, 3000, 2000)  # 50, 30, 20 points
    assert (M.scale, M.per_level, M.per_point, M.per_size, M.per_region, M.full) == (
        360_000,
        225_000,
        (720, 1200, 1800),
        1_800_000,
        2_700_000,
        36_000_000,
    )


# One component changed at a time: the distance is that component's weight times its normalised change.
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, Fraction(0)),
        ({"scenario_levels": levels(quality=2)}, Fraction(40, 100) * Fraction(1, 16 * 4)),
        ({"scenario_levels": levels(quality=0, energy=4)}, Fraction(40, 100) * Fraction(4, 16 * 4)),
        ({"scenario_levels": (4,) * N, "level": 4}, Fraction(40, 100) * Fraction(3, 4)),
        ({"points": (2380 + 5000 - 2380, 1462, 850)}, Fraction(30, 100) * Fraction(5000 - 2380, 5000 * 3)),
        ({"points": (2380, 1462 + 300, 850)}, Fraction(30, 100) * Fraction(300, 3000 * 3)),
        ({"points": (2380, 1462, 850 - 850)}, Fraction(30, 100) * Fraction(850, 2000 * 3)),
        ({"size_rank": 2}, Fraction(15, 100) * Fraction(1, 3)),
        ({"size_rank": 3}, Fraction(15, 100) * Fraction(2, 3)),
        ({"prefecture": "440300"}, Fraction(15, 100) * Fraction(1, 2)),  # 深圳: same province
        ({"prefecture": ""}, Fraction(15, 100) * Fraction(1, 2)),  # an anonymised case: its province only
        ({"province": "330000", "prefecture": "330100"}, Fraction(15, 100)),
        ({"sub_industry": "textiles"}, Fraction(0)),  # a tier, not a term of the distance
        ({"level": 3}, Fraction(0)),  # a reason, not a term
    ],
)
def test_each_component_is_weighted_and_normalised(change: dict[str, object], expected: Fraction) -> None:
    a, b = profile(), profile(**change)
    assert Fraction(units(a, b, M), M.full) == expected
    assert distance(a, b) == distance(b, a) == pytest.approx(float(expected))


def test_opposite_profiles_are_at_distance_one() -> None:
    low = Profile("", (0,) * N, (0, 0, 0), 0, "110000", "110100")
    high = Profile("", (4,) * N, (5000, 3000, 2000), 3, "440000", "440100")
    assert units(low, high, M) == M.full and distance(low, high) == 1.0
    # Unknown places are never "the same place": the region term is full.
    assert (
        distance(replace(low, province="", prefecture=""), replace(low, province="", prefecture="")) == 0.15
    )


def test_a_hand_made_set_of_cases_comes_in_the_expected_order() -> None:
    me = profile()
    cases = {
        1: profile(sub_industry="textiles"),  # identical, other sub-industry: tier 1
        2: profile(size_rank=2),  # 0.05
        3: profile(province="330000", prefecture="330100"),  # 0.15
        4: profile(prefecture="440300"),  # 0.075
        5: profile(scenario_levels=levels(quality=2, equipment=2)),  # 0.0125
        6: profile(),  # identical: 0
        7: profile(),  # identical, a higher id
        8: profile(sub_industry=""),  # unknown sub-industry: tier 1
    }
    found = top_k(me, cases.items(), k=8)
    assert [(m.case_id, m.tier) for m in found] == [
        (6, 0),
        (7, 0),
        (5, 0),
        (2, 0),
        (4, 0),
        (3, 0),
        (1, 1),
        (8, 1),
    ]
    assert [m.distance for m in found[:6]] == [0.0, 0.0, 0.0125, 0.05, 0.075, 0.15]
    assert [m.case_id for m in top_k(me, cases.items())] == [6, 7, 5, 2, 4]
    # Only two cases of its own sub-industry: those first, however far, then the nearest others.
    few = {9: profile(size_rank=3, scenario_levels=(4,) * N), 10: profile(size_rank=0), **{1: cases[1]}}
    others = {20 + n: profile(sub_industry="textiles", size_rank=n % 4) for n in range(6)}
    assert [m.case_id for m in top_k(me, [*few.items(), *others.items()], k=5)] == [10, 9, 1, 21, 25]
    # No sub-industry known: every case is tier 1, by distance alone.
    assert [m.case_id for m in top_k(profile(sub_industry=""), cases.items(), k=3)] == [1, 6, 7]


def test_equal_distances_are_ordered_by_case_id_whatever_the_input_order() -> None:
    me = profile()
    same = [(n, profile()) for n in (9, 3, 5, 12, 1)]
    assert [m.case_id for m in top_k(me, same, k=5)] == [1, 3, 5, 9, 12]
    assert [m.case_id for m in top_k(me, reversed(same), k=3)] == [1, 3, 5]
    assert top_k(me, [], k=5) == []


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            profile(),
            [
                Reason(Why.SAME_SUB_INDUSTRY, {"sub_industry": "auto-parts"}),
                Reason(Why.SAME_PREFECTURE, {"prefecture": "440100"}),
                Reason(Why.SAME_SIZE, {"size_rank": 1}),
                Reason(Why.SAME_LEVEL, {"level": 1}),
                Reason(Why.SCENARIOS_SAME_LEVEL, {"codes": M.scenario_codes, "count": 16}),
                Reason(Why.POINTS_CLOSE, {"difference": 0}),
            ],
        ),
        (
            profile(
                sub_industry="textiles",
                prefecture="",
                size_rank=2,
                level=2,
                scenario_levels=M.vector({"quality": 2, "energy": 1, "hr": 3}),
                points=(2380, 1462, 850 + 501),
            ),
            [
                Reason(Why.SAME_PROVINCE, {"province": "440000"}),
                Reason(Why.SCENARIOS_SAME_LEVEL, {"codes": ("energy",), "count": 1}),
            ],
        ),
        (
            profile(
                province="330000", prefecture="330100", scenario_levels=(0,) * N, points=(2380, 1462, 350)
            ),
            [
                Reason(Why.SAME_SUB_INDUSTRY, {"sub_industry": "auto-parts"}),
                Reason(Why.SAME_SIZE, {"size_rank": 1}),
                Reason(Why.SAME_LEVEL, {"level": 1}),
                Reason(Why.POINTS_CLOSE, {"difference": 500}),
            ],
        ),
    ],
)
def test_reasons_say_why_a_case_is_near(case: Profile, expected: list[Reason]) -> None:
    assert reasons(profile(), case) == expected


def test_scenarios_at_level_0_on_both_sides_are_no_reason() -> None:
    me = profile(scenario_levels=(0,) * N)
    assert Why.SCENARIOS_SAME_LEVEL not in {r.code for r in reasons(me, profile(scenario_levels=(0,) * N))}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("23.8000"), 2380), (Decimal("14.6249"), 1462), ("14.625", 1463), ("0", 0), (None, 0), ("", 0)],
)
def test_points_are_whole_hundredths_half_up(value: Decimal | str | None, expected: int) -> None:
    assert hundredths(value) == expected


def test_profiles_refuse_what_the_distance_cannot_compare() -> None:
    with pytest.raises(ValueError, match="scenario levels"):
        profile(scenario_levels=(5,) + (1,) * (N - 1))
    with pytest.raises(ValueError, match="size rank"):
        profile(size_rank=4)
    with pytest.raises(ValueError, match="non-negative"):
        profile(points=(-1, 0, 0))
    with pytest.raises(ValueError, match="metric's scenario codes"):
        units(profile(), profile(scenario_levels=(1,) * 3), M)
    assert M.vector({"quality": 3, "unknown": 4})[M.scenario_codes.index("quality")] == 3
    assert sum(M.vector({})) == 0


# ------------------------------------------------------------------------------------------------ batch

SUBS = ("", "auto-parts", "textiles", "chemicals")
PLACES = (("", ""), ("440000", ""), ("440000", "440100"), ("440000", "440300"), ("330000", "330100"))


@st.composite
def profiles(draw: st.DrawFn, *, narrow: bool) -> Profile:
    """Profiles with few values per component when ``narrow`` (many equal distances: ties to break)."""
    top = 2 if narrow else 4
    province, prefecture = draw(st.sampled_from(PLACES))
    if draw(st.booleans()):  # now and then a prefecture outside its province: the code must not care
        prefecture = draw(st.sampled_from(("440100", "330100", "")))
    scale = 500 if narrow else 1
    return Profile(
        sub_industry=draw(st.sampled_from(SUBS)),
        scenario_levels=tuple(draw(st.lists(st.integers(0, top), min_size=N, max_size=N))),
        points=(
            draw(st.integers(0, 5000 // scale)) * scale,
            draw(st.integers(0, 3000 // scale)) * scale,
            draw(st.integers(0, 2000 // scale)) * scale,
        ),
        size_rank=draw(st.integers(0, 3)),
        province=province,
        prefecture=prefecture,
        level=draw(st.integers(0, 4)),
    )


def batch_rows(
    enterprises: list[Profile], cases: list[tuple[int, Profile]], k: int, options: list[dict[str, int]]
) -> None:
    """The batch's answer for every enterprise equals ``top_k``'s, whatever the batch's options."""
    items = list(enumerate(enterprises))
    vocabulary = Vocabulary.of([*enterprises, *(p for _, p in cases)])
    e = ProfileMatrix.from_profiles(items, vocabulary)
    c = ProfileMatrix.from_profiles(cases, vocabulary)
    expected = [top_k(me, cases, k) for me in enterprises]
    for option in options:
        found = top_k_batch(e, c, k, **option)  # type: ignore[arg-type]
        assert [found.row(n, M) for n, _ in items] == expected, option


@settings(max_examples=120, deadline=None)
@given(
    narrow=st.booleans(),
    data=st.data(),
    k=st.integers(1, 7),
    block_pairs=st.sampled_from([1, 7, 64, 1 << 17]),
    threads=st.sampled_from([1, 2]),
)
def test_the_batch_equals_top_k_on_random_profiles(
    narrow: bool, data: st.DataObject, k: int, block_pairs: int, threads: int
) -> None:
    enterprises = data.draw(st.lists(profiles(narrow=narrow), min_size=1, max_size=30))
    cases = data.draw(st.lists(profiles(narrow=narrow), max_size=40))
    ids = data.draw(st.lists(st.integers(1, 10_000), min_size=len(cases), max_size=len(cases), unique=True))
    batch_rows(
        enterprises,
        list(zip(ids, cases, strict=True)),
        k,
        [{"block_pairs": block_pairs, "threads": threads}],
    )


def test_the_batch_equals_top_k_at_a_larger_size() -> None:
    """Thousands of pairs per task, both layouts, sub-industries with fewer than k cases, padding."""
    rng = np.random.default_rng(20261207)

    def random_profile(subs: tuple[str, ...]) -> Profile:
        maturity = rng.beta(2, 5)
        province, prefecture = PLACES[int(rng.integers(len(PLACES)))]
        return Profile(
            sub_industry=str(rng.choice(subs)),
            scenario_levels=tuple(
                int(v) for v in np.clip(np.rint(4 * maturity + rng.normal(0, 0.8, N)), 0, 4)
            ),
            points=(
                int(rng.integers(0, 5001) * maturity),
                int(rng.integers(0, 3001) * maturity),
                int(rng.integers(0, 2001) * maturity),
            ),
            size_rank=int(rng.integers(4)),
            province=province,
            prefecture=prefecture,
        )

    many = tuple(f"s{n}" for n in range(12))
    enterprises = [random_profile(("", *many, "lonely")) for _ in range(700)]
    cases = [(int(i), random_profile(many)) for i in rng.permutation(100_000)[:600]]
    cases += [(100_001, replace(random_profile(many), sub_industry="lonely"))]  # one case: tier 1 fills
    batch_rows(enterprises, cases, 5, [{"threads": 2}, {"block_pairs": 1 << 12, "threads": 1}])


def test_the_batch_pads_refuses_and_round_trips() -> None:
    me, other = profile(), profile(sub_industry="textiles")
    vocabulary = Vocabulary.of([me, other])
    e = ProfileMatrix.from_profiles([(0, me), (1, other)], vocabulary)
    assert e.profile(0) == me and e.profile(1) == other
    c = ProfileMatrix.from_profiles([(7, other)], vocabulary)
    found = top_k_batch(e, c, 3)
    assert found.case_ids.tolist() == [[7, -1, -1], [7, -1, -1]] and found.pairs == 2
    assert found.row(0, M) == [Match(7, 1, 0, 0.0)] and found.row(1, M) == [Match(7, 0, 0, 0.0)]
    none = ProfileMatrix.from_profiles([], vocabulary)
    assert top_k_batch(e, none, 5).case_ids.tolist() == [[-1] * 5] * 2
    with pytest.raises(ValueError, match="unique"):
        top_k_batch(e, ProfileMatrix.from_profiles([(7, me), (7, other)], vocabulary))
    with pytest.raises(ValueError, match="vocabulary"):
        top_k_batch(e, ProfileMatrix.from_profiles([(7, me)], Vocabulary.of([me])))
    with pytest.raises(ValueError, match="scenario codes"):
        top_k_batch(e, c, metric=Metric(scenario_codes=("a",), max_points=(5000, 3000, 2000)))
