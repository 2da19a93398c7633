"""The provider star rating (rating.py): the formula by hand, table-driven, and its properties (no database).

Default formula (data/rating-formula.json): weights satisfaction 0.35, on-time milestones 0.2, acceptance pass
rate 0.2, uplift 0.15, complaints 0.1; minimum observations 3, 3, 1, 1, 1; stars 5 from 0.85, 4 from 0.7,
3 from 0.5, 2 from 0.3, else 1.

Worked example ("typical"): satisfaction 4.2 → (4.2 − 1) / 4 = 0.8; on time 0.9; acceptance 0.75;
uplift 0.5 levels → 0.5; complaints 0.2 per project → 0.8.
    0.35 × 0.8 + 0.2 × 0.9 + 0.2 × 0.75 + 0.15 × 0.5 + 0.1 × 0.8 = 0.28 + 0.18 + 0.15 + 0.075 + 0.08 = 0.765
    → 4 stars.
With only two satisfaction ratings (fewer than 3) satisfaction is left out and the rest weigh 0.65 in all:
    (0.18 + 0.15 + 0.075 + 0.08) / 0.65 = 0.485 / 0.65 = 0.74615… → 0.7462, 4 stars; on time weighs
    0.2 / 0.65 = 0.30769… → 0.3077.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.catalog.rating import (
    CODES,
    RatingFormulaError,
    RatingInput,
    compute_rating,
    default_formula,
    load_formula,
    normalise,
    parse_formula,
    rate_provider,
)

D = Decimal
FORMULA = load_formula()


def inputs(**values: tuple[str | None, int]) -> list[RatingInput]:
    return [RatingInput(code, None if v is None else D(v), n) for code, (v, n) in values.items()]


TYPICAL: dict[str, tuple[str | None, int]] = {
    "satisfaction": ("4.2", 10),
    "on_time_milestones": ("0.9", 20),
    "acceptance_pass_rate": ("0.75", 4),
    "uplift": ("0.5", 4),
    "complaints": ("0.2", 4),
}
PERFECT: dict[str, tuple[str | None, int]] = {
    "satisfaction": ("5", 3),
    "on_time_milestones": ("1", 3),
    "acceptance_pass_rate": ("1", 1),
    "uplift": ("1", 1),
    "complaints": ("0", 1),
}


def test_the_default_formula_is_the_documented_one() -> None:
    assert FORMULA.version == "2026-12"
    assert "新乡" in FORMULA.source and "IMDA" in FORMULA.source
    assert [(s.code, s.weight, s.min_count) for s in FORMULA.inputs] == [
        ("satisfaction", D("0.35"), 3),
        ("on_time_milestones", D("0.2"), 3),
        ("acceptance_pass_rate", D("0.2"), 1),
        ("uplift", D("0.15"), 1),
        ("complaints", D("0.1"), 1),
    ]
    assert FORMULA.spec("uplift").full_at_levels == 1
    assert FORMULA.thresholds == ((D("0.85"), 5), (D("0.7"), 4), (D("0.5"), 3), (D("0.3"), 2), (D("0"), 1))
    assert default_formula() == FORMULA


@pytest.mark.parametrize(
    ("values", "score", "stars"),
    [
        (TYPICAL, "0.7650", 4),
        (TYPICAL | {"satisfaction": ("4.2", 2)}, "0.7462", 4),  # too few ratings: left out
        (TYPICAL | {"satisfaction": (None, 10)}, "0.7462", 4),  # no value: left out
        (PERFECT, "1.0000", 5),
        ({"on_time_milestones": ("0.85", 3)}, "0.8500", 5),  # exactly on the threshold
        ({"on_time_milestones": ("0.84995", 3)}, "0.8500", 5),  # rounds half up to the threshold
        ({"on_time_milestones": ("0.84994", 3)}, "0.8499", 4),
        ({"on_time_milestones": ("0.7", 3)}, "0.7000", 4),
        ({"on_time_milestones": ("0.5", 3)}, "0.5000", 3),
        ({"on_time_milestones": ("0.3", 3)}, "0.3000", 2),
        ({"on_time_milestones": ("0.2999", 3)}, "0.2999", 1),
        ({"satisfaction": ("1", 5)}, "0.0000", 1),  # the worst is still one star
        ({"satisfaction": ("3", 3)}, "0.5000", 3),
        ({"uplift": ("2.5", 1)}, "1.0000", 5),  # capped at full_at_levels
        ({"uplift": ("-1", 1)}, "0.0000", 1),  # a loss counts as no uplift
        ({"complaints": ("2.5", 2)}, "0.0000", 1),  # more than one per project: 0
        ({"complaints": ("0.25", 4)}, "0.7500", 4),
        ({"satisfaction": ("5", 3), "complaints": ("1", 3)}, "0.7778", 4),  # 0.35 / 0.45
    ],
)
def test_the_formula(values: dict[str, tuple[str | None, int]], score: str, stars: int) -> None:
    rating = rate_provider(inputs(**values))
    assert (rating.score, rating.stars, rating.formula_version) == (D(score), stars, "2026-12")


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"satisfaction": ("4.5", 2), "on_time_milestones": ("1", 1)},  # all too few
        {"satisfaction": (None, 0), "complaints": ("0", 0)},
    ],
)
def test_no_input_with_data_means_no_rating_yet(values: dict[str, tuple[str | None, int]]) -> None:
    rating = rate_provider(inputs(**values))
    assert (rating.stars, rating.score) == (None, None)
    assert all(c.status != "used" and c.effective_weight == 0 for c in rating.components)


def test_the_components_show_status_weights_and_normalised_values() -> None:
    rating = rate_provider(inputs(**(TYPICAL | {"satisfaction": ("4.2", 2), "complaints": (None, 0)})))
    by_code = {c.code: c for c in rating.components}
    assert [c.code for c in rating.components] == list(CODES)
    assert (by_code["satisfaction"].status, by_code["satisfaction"].normalised) == ("too_few", D("0.8000"))
    assert by_code["satisfaction"].effective_weight == 0
    assert (by_code["complaints"].status, by_code["complaints"].raw) == ("no_data", None)
    assert by_code["on_time_milestones"].status == "used"
    # 0.2 / 0.55, 0.15 / 0.55
    assert by_code["on_time_milestones"].effective_weight == D("0.3636")
    assert by_code["uplift"].effective_weight == D("0.2727")
    assert by_code["uplift"].weight == D("0.15")
    # (0.18 + 0.15 + 0.075) / 0.55 = 0.73636…
    assert rating.score == D("0.7364")
    data = json.loads(json.dumps(rating.to_json()))
    assert data["score"] == "0.7364" and data["components"][0]["status"] == "too_few"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"satisfaction": ("0.5", 3)}, "1–5"),
        ({"satisfaction": ("5.1", 3)}, "1–5"),
        ({"on_time_milestones": ("1.2", 3)}, "0–1"),
        ({"acceptance_pass_rate": ("-0.1", 3)}, "0–1"),
        ({"complaints": ("-1", 3)}, "negative"),
        ({"on_time_milestones": ("0.5", -1)}, "count"),
    ],
)
def test_impossible_values_are_refused(values: dict[str, tuple[str | None, int]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rate_provider(inputs(**values))


def test_unknown_or_repeated_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        rate_provider([RatingInput("speed", D("1"), 3)])
    with pytest.raises(ValueError, match="twice"):
        rate_provider([RatingInput("uplift", D("1"), 3), RatingInput("uplift", D("1"), 3)])


# ---------------------------------------------------------------------------------------------------------
# The formula file fails loudly


def raw_formula() -> dict[str, Any]:
    text = (Path(__file__).resolve().parent.parent / "data" / "rating-formula.json").read_text(
        encoding="utf-8"
    )
    data: dict[str, Any] = json.loads(text)
    return data


def with_input(index: int, **change: Any) -> dict[str, Any]:
    data = raw_formula()
    data["inputs"][index].update(change)
    return data


def without(index: int) -> dict[str, Any]:
    data = raw_formula()
    del data["inputs"][index]
    return data


def with_thresholds(thresholds: Any) -> dict[str, Any]:
    data = raw_formula()
    data["stars"]["thresholds"] = thresholds
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (with_input(0, weight=0), "above 0"),
        (with_input(0, weight=-0.1), "above 0"),
        (with_input(0, weight="heavy"), "not a number"),
        (with_input(0, code="speed"), "unknown input"),
        (with_input(1, code="satisfaction"), "once"),
        (with_input(0, wieght=0.3), "unknown keys"),
        (with_input(0, min_count=0), "min_count"),
        (with_input(0, min_count=1.5), "min_count"),
        (with_input(3, full_at_levels=0), "full_at_levels"),
        (without(4), "once"),
        (with_thresholds([[0, 1], [0.5, 3]]), "descend"),
        (with_thresholds([[0.9, 5], [0.9, 4], [0, 1]]), "descend"),
        (with_thresholds([[0.9, 4], [0.5, 5], [0, 1]]), "descend"),
        (with_thresholds([[0.9, 6], [0, 1]]), "1–5"),
        (with_thresholds([[0.9, 5], [0.2, 2]]), "last threshold"),
        (with_thresholds([[1.5, 5], [0, 1]]), "outside"),
        (with_thresholds([]), "non-empty"),
        ({**raw_formula(), "version": ""}, "version"),
    ],
)
def test_a_bad_formula_fails_loudly(data: dict[str, Any], message: str) -> None:
    with pytest.raises(RatingFormulaError, match=message):
        parse_formula(data)


def test_a_bad_formula_file_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "formula.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(RatingFormulaError):
        load_formula(path)
    path.write_text(json.dumps(with_input(2, weight=0)), encoding="utf-8")
    with pytest.raises(RatingFormulaError, match="above 0"):
        load_formula(path)


def test_an_edited_formula_is_used_with_its_version(tmp_path: Path) -> None:
    data = with_input(0, weight=1)  # satisfaction weighs 1 against 0.2 + 0.2 + 0.15 + 0.1
    data["version"] = "2027-01"
    path = tmp_path / "formula.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    rating = rate_provider(inputs(**TYPICAL), load_formula(path))
    # (1 × 0.8 + 0.485) / 1.65 = 0.77878…
    assert (rating.score, rating.stars, rating.formula_version) == (D("0.7788"), 4, "2027-01")
    assert compute_rating(load_formula(path), inputs(**TYPICAL)) == rating


# ---------------------------------------------------------------------------------------------------------
# Properties: stars in range; a better observation never lowers the score


@st.composite
def observations(draw: st.DrawFn) -> dict[str, list[Fraction]]:
    """Raw observations per input: 1–5 ratings, on-time / passed flags, levels gained, complaints."""
    return {
        "satisfaction": draw(st.lists(st.integers(1, 5).map(Fraction), max_size=8)),
        "on_time_milestones": draw(st.lists(st.integers(0, 1).map(Fraction), max_size=8)),
        "acceptance_pass_rate": draw(st.lists(st.integers(0, 1).map(Fraction), max_size=5)),
        "uplift": draw(st.lists(st.integers(-1, 3).map(Fraction), max_size=5)),
        "complaints": draw(st.lists(st.integers(0, 3).map(Fraction), max_size=5)),
    }


def as_inputs(obs: dict[str, list[Fraction]]) -> list[RatingInput]:
    out = []
    for code, values in obs.items():
        mean = sum(values, Fraction(0)) / len(values) if values else None
        value = None if mean is None else Decimal(mean.numerator) / Decimal(mean.denominator)
        out.append(RatingInput(code, value, len(values)))
    return out


def better(code: str, x: Fraction, y: Fraction) -> bool:
    """Whether an observation y is at least as good as x (fewer complaints is better)."""
    return y <= x if code == "complaints" else y >= x


@settings(max_examples=300, deadline=None)
@given(obs=observations())
def test_stars_are_one_to_five_or_none(obs: dict[str, list[Fraction]]) -> None:
    rating = rate_provider(as_inputs(obs))
    assert (rating.stars is None) == (rating.score is None)
    if rating.score is not None:
        assert rating.stars in {1, 2, 3, 4, 5}
        assert 0 <= rating.score <= 1
        assert sum(c.effective_weight for c in rating.components) == pytest.approx(1, abs=Decimal("0.0005"))


@settings(max_examples=400, deadline=None)
@given(obs=observations(), code=st.sampled_from(CODES), data=st.data())
def test_adding_a_better_observation_never_lowers_the_score(
    obs: dict[str, list[Fraction]], code: str, data: st.DataObject
) -> None:
    """An observation at least as good as the input's mean, for an input already used, never lowers the score;
    nor does a first usable observation at least as good as the score so far."""
    before = rate_provider(as_inputs(obs))
    spec = FORMULA.spec(code)
    values = obs[code]
    domain = {"satisfaction": (1, 5), "uplift": (-1, 3), "complaints": (0, 3)}.get(code, (0, 1))
    new = Fraction(data.draw(st.integers(*domain)))
    if len(values) >= spec.min_count:
        mean = sum(values, Fraction(0)) / len(values)
        if not better(code, mean, new):
            return
    elif len(values) + 1 >= spec.min_count:
        if before.score is None:
            return
        target = Fraction(before.score)
        pending = [*values, new]
        mean = sum(pending, Fraction(0)) / len(pending)
        if normalise(spec, Decimal(mean.numerator) / Decimal(mean.denominator)) < target:
            return
    else:
        return
    after = rate_provider(as_inputs(obs | {code: [*values, new]}))
    assert after.score is not None
    if before.score is not None:
        assert after.score >= before.score
        assert after.stars is not None and before.stars is not None and after.stars >= before.stars


@settings(max_examples=300, deadline=None)
@given(obs=observations(), code=st.sampled_from(CODES), data=st.data())
def test_a_better_value_never_lowers_the_score(
    obs: dict[str, list[Fraction]], code: str, data: st.DataObject
) -> None:
    items = as_inputs(obs)
    current = next(i for i in items if i.code == code)
    if current.value is None:
        return
    bounds = {"satisfaction": ("1", "5"), "uplift": ("-1", "3"), "complaints": ("0", "3")}.get(
        code, ("0", "1")
    )
    lo, hi = (current.value, D(bounds[1])) if code != "complaints" else (D(bounds[0]), current.value)
    value = data.draw(st.decimals(min_value=lo, max_value=hi, places=3))
    changed = [i if i.code != code else RatingInput(code, value, i.count) for i in items]
    before, after = rate_provider(items), rate_provider(changed)
    assert before.score is None or (after.score is not None and after.score >= before.score)
