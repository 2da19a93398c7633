"""Expert review (review.py): the rubric files, review checks, totals by hand, aggregation, conflicts,
visibility and deadlines, table-driven, plus properties (no database).

City-pilot rubric (data/rubric-city-pilot.json), weights: basic_conditions 0.15, sub_industry_selection 0.2,
plan_feasibility 0.2, provider_supply 0.15, fund_arrangement 0.15, expected_outcomes 0.1,
chain_and_platform 0.05 (the only one allowing n/a); scale 0–5 whole points; comments required at 0 and 5.

Worked example ("TYPICAL"): scores 4, 3, 4, 3, 5, 2, 4
    Σ w·s = 0.6 + 0.6 + 0.8 + 0.45 + 0.75 + 0.2 + 0.2 = 3.6 → 3.6 / 5 × 100 = 72.00.
With chain_and_platform n/a the rest weigh 0.95:
    (3.6 − 0.2) / 0.95 / 5 × 100 = 71.5789… → 71.58.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.programmes.review import (
    CITY_PILOT_RUBRIC,
    PLATFORM_PILOT_RUBRIC,
    AggregationMethod,
    ApplicationParties,
    ExpertProfile,
    Review,
    RubricError,
    aggregate,
    conflicts,
    contributions,
    is_late,
    load_rubric,
    may_see_others,
    parse_rubric,
    region_contains,
    review_total,
    validate_review,
)

D = Decimal
CITY = load_rubric(CITY_PILOT_RUBRIC)
PLATFORM = load_rubric(PLATFORM_PILOT_RUBRIC)
CODES = CITY.codes
TYPICAL = dict(zip(CODES, (4, 3, 4, 3, 5, 2, 4), strict=True))
NOTES = dict.fromkeys(CODES, "理由")


def review(
    values: Mapping[str, Any],
    expert_id: int = 1,
    *,
    submitted: bool = True,
    comments: Mapping[str, str] | None = None,
) -> Review:
    """A review scoring ``values``, with a comment on every criterion unless ``comments`` says otherwise."""
    return Review(expert_id, values, NOTES if comments is None else comments, submitted)


def uniform(expert_id: int, score: int, submitted: bool = True) -> Review:
    """Every criterion scored ``score``: the total is score × 20."""
    return Review(expert_id, dict.fromkeys(CODES, score), NOTES, submitted)


def test_the_default_rubrics_are_the_documented_ones() -> None:
    assert (CITY.version, CITY.programme_model) == ("city-pilot-2026-12", "city")
    assert [(c.code, c.weight, c.na_allowed) for c in CITY.criteria] == [
        ("basic_conditions", D("0.15"), False),
        ("sub_industry_selection", D("0.2"), False),
        ("plan_feasibility", D("0.2"), False),
        ("provider_supply", D("0.15"), False),
        ("fund_arrangement", D("0.15"), False),
        ("expected_outcomes", D("0.1"), False),
        ("chain_and_platform", D("0.05"), True),
    ]
    assert (CITY.scale_min, CITY.scale_max, CITY.comment_required_for_scores) == (0, 5, {0, 5})
    assert [a.score for a in CITY.anchors] == [0, 1, 2, 3, 4, 5]
    assert CITY.criterion("sub_industry_selection").name_zh == "细分行业选择"
    assert "避免分散" in CITY.criterion("sub_industry_selection").guidance_zh
    assert "80%" in CITY.criterion("fund_arrangement").guidance_zh
    for rubric in (CITY, PLATFORM):
        assert "NOT published" in rubric.source and "DOMAIN.md" in rubric.source
        assert sum(c.weight for c in rubric.criteria) == 1
        assert all(c.name_zh and c.name_en and c.guidance_zh and c.guidance_en for c in rubric.criteria)
    assert (PLATFORM.version, PLATFORM.programme_model) == ("platform-pilot-2026-12", "platform")
    assert [c.code for c in PLATFORM.criteria if c.na_allowed] == ["industrial_internet"]
    with pytest.raises(KeyError):
        CITY.criterion("speed")


# ---------------------------------------------------------------------------------------------------------
# The rubric file fails loudly


def raw_rubric() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CITY_PILOT_RUBRIC.read_text(encoding="utf-8"))
    return data


def changed(**top: Any) -> dict[str, Any]:
    return raw_rubric() | top


def with_criterion(index: int, **change: Any) -> dict[str, Any]:
    data = raw_rubric()
    data["criteria"][index].update(change)
    return data


def without_key(index: int, key: str) -> dict[str, Any]:
    data = raw_rubric()
    del data["criteria"][index][key]
    return data


def with_scale(**change: Any) -> dict[str, Any]:
    data = raw_rubric()
    data["scale"].update(change)
    return data


def all_na() -> dict[str, Any]:
    data = raw_rubric()
    for criterion in data["criteria"]:
        criterion["na_allowed"] = True
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (with_criterion(0, weight=0.16), "sum to 1.01"),
        (with_criterion(0, weight=0.14), "sum to 0.99"),
        (with_criterion(0, weight=0), "above 0"),
        (with_criterion(0, weight=-0.15), "above 0"),
        (with_criterion(0, weight=1.5), "at most 1"),
        (with_criterion(0, weight="heavy"), "not a number"),
        (with_criterion(0, weight=True), "not a number"),
        (with_criterion(1, code="basic_conditions"), "duplicate criterion codes \\['basic_conditions'\\]"),
        (with_criterion(1, code="Sub Industry"), "snake_case"),
        (with_criterion(0, name_zh=""), "name_zh is required"),
        (with_criterion(0, name_en="  "), "name_en is required"),
        (without_key(0, "name_en"), "name_en is required"),
        (without_key(2, "guidance_zh"), "guidance_zh is required"),
        (with_criterion(0, na_allowed="yes"), "na_allowed"),
        (with_criterion(0, wieght=0.15), "unknown keys"),
        (changed(version=""), "version is required"),
        ({k: v for k, v in raw_rubric().items() if k != "version"}, "version is required"),
        ({k: v for k, v in raw_rubric().items() if k != "source"}, "source is required"),
        (changed(programme_model="county_pilot"), "programme_model"),
        (changed(criteria=[]), "non-empty"),
        (changed(extra=1), "unknown keys"),
        (all_na(), "must not allow n/a"),
        (with_scale(min=5, max=5), "range 5–5"),
        (with_scale(min=3, max=1), "range 3–1"),
        (with_scale(min=-1), "range -1–5"),
        (with_scale(max=4.5), "whole number"),
        (with_scale(step=0.5), "halves are not allowed"),
        (with_scale(step=True), "step must be 1"),
        (with_scale(anchors=[]), "each score 0–5 once"),
        (with_scale(anchors=[{"score": s, "zh": "好", "en": "ok"} for s in (0, 1, 2, 3, 5, 4)]), "in order"),
        (with_scale(anchors=[{"score": s, "zh": "", "en": "ok"} for s in range(6)]), "zh is required"),
        (changed(scale={"min": 0, "max": 5}), "exactly min, max, step"),
        (changed(comment_required_for_scores=[0, 6]), "outside 0–5"),
        (changed(comment_required_for_scores=0), "list of scores"),
        ([], "is an object"),
    ],
)
def test_a_bad_rubric_fails_loudly(data: Any, message: str) -> None:
    with pytest.raises(RubricError, match=message):
        parse_rubric(data)


def test_a_bad_rubric_file_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "rubric.json"
    with pytest.raises(RubricError):
        load_rubric(path)  # missing
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(RubricError):
        load_rubric(path)
    path.write_text(json.dumps(with_criterion(6, weight=0.06)), encoding="utf-8")
    with pytest.raises(RubricError, match=r"sum to 1\.01"):
        load_rubric(path)
    assert issubclass(RubricError, ValueError)


def test_weights_are_summed_exactly_not_as_floats(tmp_path: Path) -> None:
    # 0.1 + 0.2 + 0.7 is not 1 in floating point; read as decimals it is.
    data = raw_rubric()
    data["criteria"] = data["criteria"][:3]
    for criterion, weight in zip(data["criteria"], ("0.1", "0.2", "0.7"), strict=True):
        criterion["weight"] = weight
    path = tmp_path / "rubric.json"
    path.write_text(json.dumps(data).replace('"0.1"', "0.1").replace('"0.2"', "0.2").replace('"0.7"', "0.7"))
    assert [c.weight for c in load_rubric(path).criteria] == [D("0.1"), D("0.2"), D("0.7")]


# ---------------------------------------------------------------------------------------------------------
# One review: problems


def codes_of(rv: Review) -> list[tuple[str, str]]:
    return [(p.code, p.criterion) for p in validate_review(CITY, rv)]


@pytest.mark.parametrize(
    ("rv", "expected"),
    [
        (review(TYPICAL), []),
        (review(TYPICAL | {"chain_and_platform": None}), []),
        (review({}, submitted=False), []),  # an empty draft is fine
        (review({"basic_conditions": 3}, submitted=False), []),
        (
            review({"basic_conditions": 5}, submitted=False, comments={}),
            [],
        ),  # comments are asked at submission
        (review(TYPICAL | {"speed": 3}), [("unknown_criterion", "speed")]),
        (review(TYPICAL, comments=NOTES | {"colour": "x"}), [("unknown_criterion", "colour")]),
        (review(TYPICAL | {"basic_conditions": 6}), [("score_out_of_range", "basic_conditions")]),
        (review(TYPICAL | {"basic_conditions": -1}), [("score_out_of_range", "basic_conditions")]),
        (review(TYPICAL | {"basic_conditions": 3.5}), [("score_not_whole", "basic_conditions")]),
        (review(TYPICAL | {"basic_conditions": D("2.5")}), [("score_not_whole", "basic_conditions")]),
        (review(TYPICAL | {"basic_conditions": "3"}), [("score_not_whole", "basic_conditions")]),
        (review(TYPICAL | {"basic_conditions": True}), [("score_not_whole", "basic_conditions")]),
        (review(TYPICAL | {"basic_conditions": D("3")}), []),  # a whole decimal is a whole point
        (review(TYPICAL | {"basic_conditions": None}), [("na_not_allowed", "basic_conditions")]),
        (review({"plan_feasibility": None}, submitted=False), [("na_not_allowed", "plan_feasibility")]),
        (
            review({k: v for k, v in TYPICAL.items() if k not in {"plan_feasibility", "chain_and_platform"}}),
            [("score_missing", "plan_feasibility"), ("score_missing", "chain_and_platform")],
        ),
        (review(TYPICAL, comments={}), [("comment_required", "fund_arrangement")]),
        (review(TYPICAL, comments={"fund_arrangement": "  "}), [("comment_required", "fund_arrangement")]),
        (review(TYPICAL, comments={"fund_arrangement": "方案完整"}), []),
        (
            review(TYPICAL | {"basic_conditions": 0}, comments={}),
            [("comment_required", "basic_conditions"), ("comment_required", "fund_arrangement")],
        ),
        (
            review(TYPICAL | {"speed": 1, "basic_conditions": 9, "expected_outcomes": None}),
            [
                ("score_out_of_range", "basic_conditions"),
                ("na_not_allowed", "expected_outcomes"),
                ("unknown_criterion", "speed"),
            ],
        ),
    ],
)
def test_review_problems(rv: Review, expected: list[tuple[str, str]]) -> None:
    assert codes_of(rv) == expected


@pytest.mark.parametrize(
    ("rv", "zh", "en"),
    [
        (review(TYPICAL | {"x": 1}), "评分表中没有评审项“x”。", "The rubric has no criterion “x”."),
        (
            review(TYPICAL | {"basic_conditions": 7}),
            "“基础条件”的评分须在0至5分之间。",
            "The score for “Industrial base” must be 0–5.",
        ),
        (
            review(TYPICAL | {"basic_conditions": 2.5}),
            "“基础条件”的评分须为整数分（不设半分）。",
            "The score for “Industrial base” must be a whole point.",
        ),
        (
            review(TYPICAL | {"basic_conditions": None}),
            "“基础条件”不能评为“不适用”。",
            "“Industrial base” cannot be marked n/a.",
        ),
        (
            review({k: v for k, v in TYPICAL.items() if k != "basic_conditions"}),
            "提交前请为“基础条件”评分或标为“不适用”。",
            "Score “Industrial base” or mark it n/a before submitting.",
        ),
        (
            review(TYPICAL, comments={}),
            "“资金安排”评为5分时须填写评语。",
            "A score of 5 for “Funding arrangements” needs a comment.",
        ),
    ],
)
def test_review_problems_say_why_in_both_languages(rv: Review, zh: str, en: str) -> None:
    [problem] = validate_review(CITY, rv)
    assert (problem.sentence_zh, problem.sentence_en) == (zh, en)


# ---------------------------------------------------------------------------------------------------------
# One review: the total


def scores(*values: int | None) -> dict[str, int | None]:
    return dict(zip(CODES, values, strict=True))


@pytest.mark.parametrize(
    ("values", "total"),
    [
        (TYPICAL, "72.00"),
        (TYPICAL | {"chain_and_platform": None}, "71.58"),
        (scores(5, 5, 5, 5, 5, 5, 5), "100.00"),
        (scores(5, 5, 5, 5, 5, 5, None), "100.00"),
        (scores(0, 0, 0, 0, 0, 0, 0), "0.00"),
        (scores(0, 0, 0, 0, 0, 0, 5), "5.00"),  # 0.05 × 5 / 5
        (scores(5, 0, 0, 0, 0, 0, None), "15.79"),  # 0.15 / 0.95 = 0.157894…
        (scores(3, 3, 3, 3, 3, 3, 3), "60.00"),
        (scores(1, 2, 3, 4, 5, 0, 1), "51.00"),  # (0.15 + 0.4 + 0.6 + 0.6 + 0.75 + 0 + 0.05) / 5
    ],
)
def test_the_total(values: dict[str, int | None], total: str) -> None:
    assert review_total(CITY, review(values)) == D(total)


def tiny_weights_rubric() -> Any:
    """Weights a 0.001, b 0.799, c 0.2 (n/a allowed): with c n/a, a = 1 gives 0.001 / 0.8 × 20 = 0.025."""
    data = raw_rubric()
    data["criteria"] = data["criteria"][:3]
    for criterion, code, weight in zip(data["criteria"], "abc", ("0.001", "0.799", "0.2"), strict=True):
        criterion.update(code=code, weight=D(weight), na_allowed=code == "c")
    return parse_rubric(data)


@pytest.mark.parametrize(("a", "total"), [(1, "0.03"), (3, "0.08"), (2, "0.05")])
def test_the_total_rounds_half_up(a: int, total: str) -> None:
    # 0.025 → 0.03 (half even would give 0.02); 0.075 → 0.08; 0.05 stays.
    assert review_total(tiny_weights_rubric(), Review(1, {"a": a, "b": 0, "c": None})) == D(total)


def test_contributions_leave_na_out_and_rescale() -> None:
    parts = contributions(CITY, review(TYPICAL | {"chain_and_platform": None}))
    assert "chain_and_platform" not in parts
    # basic_conditions: 0.15 / 0.95 × 4 / 5 × 100 = 12.631…
    assert parts["basic_conditions"] == Fraction(15, 95) * Fraction(4, 5) * 100
    assert sum(parts.values()) == Fraction("3.4") / Fraction("0.95") * 20  # 71.578…


@pytest.mark.parametrize(
    "rv",
    [
        review({k: v for k, v in TYPICAL.items() if k != "basic_conditions"}),
        review(TYPICAL | {"basic_conditions": 6}),
        review(TYPICAL | {"basic_conditions": None}),
        review(TYPICAL | {"speed": 1}),
    ],
)
def test_an_incomplete_or_wrong_review_has_no_total(rv: Review) -> None:
    with pytest.raises(ValueError, match="cannot be totalled"):
        review_total(CITY, rv)


def test_a_missing_comment_does_not_stop_the_total() -> None:
    assert review_total(CITY, review(TYPICAL, comments={}, submitted=False)) == D("72.00")


# ---------------------------------------------------------------------------------------------------------
# Aggregation


def totals_of(*pairs: tuple[int, int]) -> list[Review]:
    return [uniform(expert, score) for expert, score in pairs]


@pytest.mark.parametrize(
    ("reviews", "method", "total", "used", "dropped"),
    [
        (totals_of((1, 1), (2, 2), (3, 5)), "mean", "53.33", (1, 2, 3), []),  # (20 + 40 + 100) / 3
        (totals_of((1, 1), (2, 2), (3, 5)), "median", "40.00", (1, 2, 3), []),
        (totals_of((1, 1), (2, 2), (3, 3), (4, 5)), "median", "50.00", (1, 2, 3, 4), []),
        (totals_of((1, 1), (2, 2), (3, 5)), "trimmed_mean", "53.33", (1, 2, 3), []),  # too few: the mean
        (totals_of((1, 1), (2, 2), (3, 4), (4, 5)), "trimmed_mean", "60.00", (1, 2, 3, 4), []),
        (
            totals_of((1, 0), (2, 1), (3, 2), (4, 3), (5, 5)),
            "trimmed_mean",
            "40.00",
            (2, 3, 4),
            [(1, "trimmed_lowest"), (5, "trimmed_highest")],
        ),
        (
            # equal highest (3 and 5) and lowest (1 and 4) totals: the smallest expert id is dropped
            totals_of((5, 3), (4, 1), (3, 3), (2, 2), (1, 1)),
            "trimmed_mean",
            "40.00",  # (40 + 20 + 60) / 3
            (2, 4, 5),
            [(1, "trimmed_lowest"), (3, "trimmed_highest")],
        ),
        (
            [*totals_of((1, 1), (2, 2)), uniform(3, 5, submitted=False)],
            "mean",
            "30.00",
            (1, 2),
            [(3, "not_submitted")],
        ),
        ([uniform(3, 5, submitted=False)], "median", None, (), [(3, "not_submitted")]),
        ([], "mean", None, (), []),
    ],
)
def test_aggregation(
    reviews: list[Review],
    method: str,
    total: str | None,
    used: tuple[int, ...],
    dropped: list[tuple[int, str]],
) -> None:
    result = aggregate(CITY, reviews, method)
    assert result.total == (None if total is None else D(total))
    assert (result.used_count, result.used_expert_ids) == (len(used), used)
    assert [(d.expert_id, d.reason) for d in result.dropped] == dropped
    assert result.method == AggregationMethod(method) and result.rubric_version == "city-pilot-2026-12"
    assert result.trimmed == any(reason.startswith("trimmed") for _, reason in dropped)


def test_the_trimming_threshold_is_a_parameter() -> None:
    reviews = totals_of((1, 1), (2, 2), (3, 4), (4, 5))
    result = aggregate(CITY, reviews, AggregationMethod.TRIMMED_MEAN, trim_min_reviews=4)
    assert (result.total, result.trimmed, result.used_expert_ids) == (D("60.00"), True, (2, 3))
    assert aggregate(CITY, reviews, "trimmed_mean", trim_min_reviews=5).trimmed is False
    for bad in (2, 0, 3.5, True):
        with pytest.raises(ValueError, match="trim_min_reviews"):
            aggregate(CITY, reviews, "trimmed_mean", trim_min_reviews=bad)  # type: ignore[arg-type]


def test_criterion_aggregates_use_the_kept_reviews_and_leave_na_out() -> None:
    reviews = [
        review(scores(1, 2, 3, 4, 5, 0, None), 1),
        review(scores(2, 2, 3, 4, 5, 1, 4), 2),
        review(scores(4, 3, 3, 4, 5, 1, None), 3),
        review(scores(5, 5, 5, 5, 5, 5, 5), 4, submitted=False),
    ]
    mean = {c.code: (c.value, c.scored_count, c.na_count) for c in aggregate(CITY, reviews, "mean").criteria}
    assert mean["basic_conditions"] == (D("2.33"), 3, 0)  # (1 + 2 + 4) / 3
    assert mean["sub_industry_selection"] == (D("2.33"), 3, 0)
    assert mean["expected_outcomes"] == (D("0.67"), 3, 0)
    assert mean["chain_and_platform"] == (D("4.00"), 1, 2)
    median = {c.code: c.value for c in aggregate(CITY, reviews, "median").criteria}
    assert (median["basic_conditions"], median["expected_outcomes"]) == (D("2.00"), D("1.00"))
    only_na = [review(scores(1, 2, 3, 4, 5, 0, None), 1)]
    assert aggregate(CITY, only_na, "mean").criteria[-1].value is None
    empty = aggregate(CITY, [], "median")
    assert all(c.value is None and c.scored_count == 0 for c in empty.criteria)


def test_trimmed_reviews_are_left_out_of_the_criteria_too() -> None:
    reviews = [uniform(1, 0), uniform(2, 1), uniform(3, 2), uniform(4, 3), uniform(5, 5)]
    result = aggregate(CITY, reviews, "trimmed_mean")
    assert {c.value for c in result.criteria} == {D("2.00")}
    assert {c.scored_count for c in result.criteria} == {3}


@pytest.mark.parametrize(
    ("reviews", "message"),
    [
        ([uniform(1, 3), uniform(1, 4)], "more than one review"),
        ([review(TYPICAL, comments={})], "invalid: comment_required"),
        ([review(TYPICAL | {"speed": 2})], "invalid: unknown_criterion"),
    ],
)
def test_aggregation_refuses_inconsistent_input(reviews: list[Review], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        aggregate(CITY, reviews, "mean")


def test_aggregation_refuses_an_unknown_method_and_ignores_a_wrong_draft() -> None:
    with pytest.raises(ValueError):
        aggregate(CITY, [uniform(1, 3)], "mode")
    draft = review(TYPICAL | {"basic_conditions": 9}, 2, submitted=False)
    assert aggregate(CITY, [uniform(1, 3), draft], "mean").total == D("60.00")


def test_dropped_reviews_say_why_and_the_result_serialises() -> None:
    reviews = [
        uniform(1, 0),
        uniform(2, 1),
        uniform(3, 2),
        uniform(4, 3),
        uniform(5, 5),
        uniform(6, 4, False),
    ]
    result = aggregate(CITY, reviews, "trimmed_mean")
    sentences = {d.reason: (d.sentence_zh, d.sentence_en) for d in result.dropped}
    assert sentences == {
        "trimmed_lowest": ("去掉一个最低分。", "Left out as the lowest total."),
        "trimmed_highest": ("去掉一个最高分。", "Left out as the highest total."),
        "not_submitted": ("该评审尚未提交，不计入汇总。", "The review is not submitted and does not count."),
    }
    data = json.loads(json.dumps(result.to_json()))
    assert (
        data["total"] == "40.00" and data["method"] == "trimmed_mean" and data["used_expert_ids"] == [2, 3, 4]
    )
    assert data["dropped"][0] == {"expert_id": 1, "reason": "trimmed_lowest"}
    assert data["criteria"][0] == {
        "code": "basic_conditions",
        "value": "2.00",
        "scored_count": 3,
        "na_count": 0,
    }


# ---------------------------------------------------------------------------------------------------------
# Conflicts of interest


@pytest.mark.parametrize(
    ("outer", "inner", "inside"),
    [
        ("320000", "320000", True),
        ("320000", "320500", True),
        ("320000", "320505", True),
        ("320000", "330100", False),
        ("320500", "320505", True),
        ("320500", "320500", True),
        ("320500", "320000", False),  # the province is not inside its city
        ("320500", "320600", False),
        ("310115", "310115", True),  # a municipal district applies on its own
        ("310115", "310101", False),
        ("310000", "310115", True),
        ("660000", "659001", True),  # 兵团's cities sit under 兵团 ...
        ("650000", "659001", False),  # ... not under 新疆
        ("650000", "650100", True),
        ("660000", "650100", False),
    ],
)
def test_region_containment(outer: str, inner: str, inside: bool) -> None:
    assert region_contains(outer, inner) is inside


@pytest.mark.parametrize("code", ["32050", "3205001", "32O500", "000000", ""])
def test_a_bad_region_code_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="six digits"):
        region_contains("320000", code)
    with pytest.raises(ValueError, match="six digits"):
        conflicts(expert(), parties(region=code))


def expert(
    org: int | None = 7, regions: tuple[str, ...] = ("110108",), **declared: frozenset[int]
) -> ExpertProfile:
    return ExpertProfile(41, org, frozenset(regions), **declared)


def parties(
    region: str = "320500", orgs: tuple[int, ...] = (100,), providers: tuple[int, ...] = (200, 201)
) -> ApplicationParties:
    """Application 9 of 苏州 (320500), applicant organisation 100, nominated providers 200 and 201."""
    return ApplicationParties(9, region, frozenset(orgs), frozenset(providers))


@pytest.mark.parametrize(
    ("who", "what", "codes"),
    [
        (expert(), parties(), []),
        (expert(regions=("320505",)), parties(), ["same_region"]),
        (expert(regions=("320500",)), parties(), ["same_region"]),
        (expert(regions=("320000",)), parties(), []),  # the provincial organisation is not inside the city
        (expert(regions=("320000", "320581", "320505")), parties(), ["same_region", "same_region"]),
        (expert(regions=("659001",)), parties(region="660000"), ["same_region"]),
        (expert(regions=("659001",)), parties(region="650000"), []),
        (expert(org=100), parties(), ["applicant_organisation"]),
        (expert(org=201), parties(), ["nominated_provider"]),
        (expert(org=None), parties(), []),
        (expert(declared_application_ids=frozenset({9})), parties(), ["declared_application"]),
        (expert(declared_application_ids=frozenset({8})), parties(), []),
        (expert(declared_organisation_ids=frozenset({200, 999})), parties(), ["declared_organisation"]),
        (expert(declared_organisation_ids=frozenset({100})), parties(), ["declared_organisation"]),
        (
            expert(org=200, regions=("320506",), declared_application_ids=frozenset({9})),
            parties(),
            ["same_region", "nominated_provider", "declared_application"],
        ),
    ],
)
def test_conflicts(who: ExpertProfile, what: ApplicationParties, codes: list[str]) -> None:
    assert [c.code for c in conflicts(who, what)] == codes


@pytest.mark.parametrize(
    ("who", "zh", "en"),
    [
        (
            expert(regions=("320505",)),
            "专家所在单位位于申报地区内（单位地区代码 320505，申报地区代码 320500），须回避。",
            "The expert belongs to an organisation in region 320505, inside the applicant's region 320500; "
            "the expert must stand aside.",
        ),
        (
            expert(org=100),
            "专家所在单位是本申报的申报或参与单位，须回避。",
            "The expert's organisation is the applicant or takes part in the application; the expert must "
            "stand aside.",
        ),
        (
            expert(org=200),
            "专家所在单位是本申报推荐的服务商，须回避。",
            "The expert's organisation is a provider nominated in the application; "
            "the expert must stand aside.",
        ),
        (
            expert(declared_application_ids=frozenset({9})),
            "专家已声明与本申报存在利益冲突，须回避。",
            "The expert declared a conflict of interest with this application; the expert must stand aside.",
        ),
        (
            expert(declared_organisation_ids=frozenset({201})),
            "专家已声明与本申报涉及的单位（编号 201）存在利益冲突，须回避。",
            "The expert declared a conflict of interest with organisation 201, which is part of this "
            "application; the expert must stand aside.",
        ),
    ],
)
def test_conflicts_say_why_in_both_languages(who: ExpertProfile, zh: str, en: str) -> None:
    [conflict] = conflicts(who, parties())
    assert (conflict.sentence_zh, conflict.sentence_en) == (zh, en)


# ---------------------------------------------------------------------------------------------------------
# Visibility and deadlines


@pytest.mark.parametrize(
    ("reviews", "sees"),
    [
        ([], False),
        ([uniform(2, 3)], False),  # others submitted, the expert has no review
        ([uniform(1, 3, submitted=False), uniform(2, 3)], False),  # own review still a draft
        ([uniform(1, 3), uniform(2, 3, submitted=False)], True),
        ([uniform(1, 3)], True),
    ],
)
def test_an_expert_sees_others_only_after_submitting(reviews: list[Review], sees: bool) -> None:
    assert may_see_others(1, reviews) is sees


SHANGHAI = timezone(timedelta(hours=8))
DEADLINE = datetime(2025, 6, 30, 17, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("submitted_at", "late"),
    [
        (datetime(2025, 6, 30, 16, 59, 59, tzinfo=SHANGHAI), False),
        (DEADLINE, False),  # at the deadline is on time
        (datetime(2025, 6, 30, 17, 0, 0, 1, tzinfo=SHANGHAI), True),
        (datetime(2025, 6, 30, 9, 0, tzinfo=UTC), False),  # 17:00 in Shanghai is 09:00 UTC
        (datetime(2025, 6, 30, 9, 0, 1, tzinfo=UTC), True),
        (datetime(2025, 6, 30, 16, 0, 1, tzinfo=timezone(timedelta(hours=7))), True),
    ],
)
def test_lateness(submitted_at: datetime, late: bool) -> None:
    assert is_late(submitted_at, DEADLINE) is late


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="submitted_at"):
        is_late(datetime(2025, 6, 30, 12, 0), DEADLINE)
    with pytest.raises(ValueError, match="deadline"):
        is_late(DEADLINE, datetime(2025, 6, 30, 12, 0))


# ---------------------------------------------------------------------------------------------------------
# Properties


@st.composite
def city_review(draw: st.DrawFn, expert_id: int) -> Review:
    values: dict[str, int | None] = {c.code: draw(st.integers(0, 5)) for c in CITY.criteria}
    if draw(st.booleans()):
        values["chain_and_platform"] = None
    return Review(expert_id, values, NOTES, submitted=True)


@st.composite
def city_reviews(draw: st.DrawFn, min_size: int = 0) -> list[Review]:
    count = draw(st.integers(min_size, 9))
    return [draw(city_review(expert_id)) for expert_id in range(1, count + 1)]


METHODS = list(AggregationMethod)


@settings(max_examples=300, deadline=None)
@given(reviews=city_reviews(min_size=1), method=st.sampled_from(METHODS), n=st.integers(3, 8))
def test_aggregates_lie_between_the_lowest_and_highest(reviews: list[Review], method: str, n: int) -> None:
    result = aggregate(CITY, reviews, method, trim_min_reviews=n)
    totals = [review_total(CITY, r) for r in reviews]
    assert result.total is not None and min(totals) <= result.total <= max(totals)
    assert all(D(0) <= t <= D(100) for t in totals)
    for criterion in result.criteria:
        values = [r.scores[criterion.code] for r in reviews if r.expert_id in result.used_expert_ids]
        scored = [v for v in values if v is not None]
        if criterion.value is not None:
            assert min(scored) <= criterion.value <= max(scored)
        assert criterion.scored_count == len(scored)


@settings(max_examples=200, deadline=None)
@given(reviews=city_reviews(), method=st.sampled_from(METHODS), seed=st.integers(0, 10_000))
def test_aggregation_ignores_the_order_of_the_reviews(reviews: list[Review], method: str, seed: int) -> None:
    shuffled = list(reviews)
    random.Random(seed).shuffle(shuffled)
    assert aggregate(CITY, shuffled, method) == aggregate(CITY, reviews, method)


@settings(max_examples=300, deadline=None)
@given(rv=city_review(1))
def test_na_never_changes_the_ratios_between_the_others(rv: Review) -> None:
    """Marking chain_and_platform n/a scales every other contribution by the same factor."""
    scored = Review(1, {**rv.scores, "chain_and_platform": 3}, NOTES, True)
    na = Review(1, {**rv.scores, "chain_and_platform": None}, NOTES, True)
    before, after = contributions(CITY, scored), contributions(CITY, na)
    assert set(before) - set(after) == {"chain_and_platform"}
    factor = Fraction(1) / (1 - Fraction(CITY.criterion("chain_and_platform").weight))
    assert all(after[code] == before[code] * factor for code in after)
    # the rest keep their relative weights: the total is their weighted mean on 0–100
    rest = [c for c in CITY.criteria if c.code != "chain_and_platform"]
    weighted = sum(Fraction(c.weight) * Fraction(na.scores[c.code] or 0) for c in rest)
    assert sum(after.values()) == weighted / sum(Fraction(c.weight) for c in rest) * 20


@settings(max_examples=200, deadline=None)
@given(reviews=city_reviews(), extra=st.integers(0, 5))
def test_the_trimmed_mean_is_the_mean_when_nothing_is_trimmed(reviews: list[Review], extra: int) -> None:
    n = max(3, len(reviews) + 1 + extra)
    trimmed = aggregate(CITY, reviews, "trimmed_mean", trim_min_reviews=n)
    mean = aggregate(CITY, reviews, "mean")
    assert trimmed.trimmed is False
    assert (trimmed.total, trimmed.criteria, trimmed.used_expert_ids, trimmed.dropped) == (
        mean.total,
        mean.criteria,
        mean.used_expert_ids,
        mean.dropped,
    )


@settings(max_examples=200, deadline=None)
@given(reviews=city_reviews(min_size=5))
def test_trimming_drops_exactly_the_extremes(reviews: list[Review]) -> None:
    result = aggregate(CITY, reviews, "trimmed_mean")
    totals = {r.expert_id: review_total(CITY, r) for r in reviews}
    dropped = {d.reason: d.expert_id for d in result.dropped}
    assert result.trimmed and result.used_count == len(reviews) - 2
    assert totals[dropped["trimmed_highest"]] == max(totals.values())
    assert totals[dropped["trimmed_lowest"]] == min(totals.values())
