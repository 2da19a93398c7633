"""A service provider's star rating from a formula held as data (pure Python, no Django).

Why a rating: 新乡 supervises its provider pool with a star rating (评星评级), 厦门 records the enterprise's
satisfaction with its provider at acceptance (DOMAIN.md 2.7), and IMDA's annual vendor review looks at
satisfied customers and complaints (DOMAIN.md 9.2). None of them publishes a formula, so the inputs, their
weights, the minimum numbers of observations and the star thresholds live in ``data/rating-formula.json``,
versioned; a rating stores the version it used (ARCHITECTURE.md convention 12).

Inputs, each normalised to 0–1 (1 is best):
- ``satisfaction``: mean of the enterprises' 1–5 ratings → (x − 1) / 4;
- ``on_time_milestones``: share of milestones delivered on time, 0–1, as is;
- ``acceptance_pass_rate``: share of projects passing acceptance first time, 0–1, as is;
- ``uplift``: mean levels gained from T0 to T1 → min(x / full_at_levels, 1), a loss counting as 0;
- ``complaints``: complaints per project → 1 − min(x, 1).

An input without a value or without observations is "no_data", one with fewer than its ``min_count`` is
"too_few"; both are left out and the weights of the others are scaled to sum to 1. The score is the weighted
mean, computed exactly and rounded half up to 4 decimals; the stars are those of the first threshold the
rounded score reaches (so the stars agree with the score shown). No input with data: no rating yet.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMULA_FILE = Path(__file__).resolve().parent / "data" / "rating-formula.json"
CODES = ("satisfaction", "on_time_milestones", "acceptance_pass_rate", "uplift", "complaints")
USED, NO_DATA, TOO_FEW = "used", "no_data", "too_few"


class RatingFormulaError(ValueError):
    """The rating formula file is not valid (raised when loading)."""


@dataclass(frozen=True)
class InputSpec:
    code: str
    weight: Decimal
    min_count: int
    full_at_levels: Decimal | None = None  # uplift only


@dataclass(frozen=True)
class RatingFormula:
    version: str
    source: str
    inputs: tuple[InputSpec, ...]
    thresholds: tuple[tuple[Decimal, int], ...]  # (minimum score, stars), highest first

    def spec(self, code: str) -> InputSpec:
        for spec in self.inputs:
            if spec.code == code:
                return spec
        raise KeyError(code)


@dataclass(frozen=True)
class RatingInput:
    code: str
    value: Decimal | None
    count: int


@dataclass(frozen=True)
class Component:
    code: str
    status: str  # "used", "no_data" or "too_few"
    raw: Decimal | None
    normalised: Decimal | None  # 0–1, 4 decimals
    weight: Decimal
    effective_weight: Decimal  # after leaving out the inputs without data, 4 decimals; 0 when not used

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "status": self.status,
            "raw": None if self.raw is None else str(self.raw),
            "normalised": None if self.normalised is None else str(self.normalised),
            "weight": str(self.weight),
            "effective_weight": str(self.effective_weight),
        }


@dataclass(frozen=True)
class Rating:
    stars: int | None
    score: Decimal | None  # 0–1, 4 decimals
    components: tuple[Component, ...]
    formula_version: str

    def to_json(self) -> dict[str, Any]:
        return {
            "stars": self.stars,
            "score": None if self.score is None else str(self.score),
            "components": [c.to_json() for c in self.components],
            "formula_version": self.formula_version,
        }


# ---------------------------------------------------------------------------------------------------------
# The formula file


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise RatingFormulaError(f"{where}: {value!r} is not a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise RatingFormulaError(f"{where}: {value!r} is not a number") from exc
    if not number.is_finite():
        raise RatingFormulaError(f"{where}: {value!r} is not a finite number")
    return number


def _input_spec(raw: Any, where: str) -> InputSpec:
    if not isinstance(raw, dict):
        raise RatingFormulaError(f"{where}: each input is an object")
    code = raw.get("code")
    if code not in CODES:
        raise RatingFormulaError(f"{where}: unknown input {code!r}, known: {', '.join(CODES)}")
    allowed = {"code", "weight", "min_count"} | ({"full_at_levels"} if code == "uplift" else set())
    if set(raw) - allowed:
        raise RatingFormulaError(f"{where} {code}: unknown keys {sorted(set(raw) - allowed)}")
    weight = _number(raw.get("weight"), f"{where} {code} weight")
    if weight <= 0:
        raise RatingFormulaError(f"{where} {code}: weight {weight} must be above 0")
    min_count = raw.get("min_count")
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise RatingFormulaError(f"{where} {code}: min_count {min_count!r} must be a whole number ≥ 1")
    full = None
    if code == "uplift":
        full = _number(raw.get("full_at_levels"), f"{where} uplift full_at_levels")
        if full <= 0:
            raise RatingFormulaError(f"{where} uplift: full_at_levels {full} must be above 0")
    return InputSpec(code=code, weight=weight, min_count=min_count, full_at_levels=full)


def _thresholds(raw: Any, where: str) -> tuple[tuple[Decimal, int], ...]:
    if not isinstance(raw, list) or not raw:
        raise RatingFormulaError(f"{where}: stars.thresholds must be a non-empty list")
    out: list[tuple[Decimal, int]] = []
    for pair in raw:
        if not isinstance(pair, list) or len(pair) != 2:
            raise RatingFormulaError(f"{where}: each threshold is [minimum score, stars], got {pair!r}")
        minimum, stars = _number(pair[0], f"{where} threshold"), pair[1]
        if not 0 <= minimum <= 1:
            raise RatingFormulaError(f"{where}: threshold {minimum} is outside 0–1")
        if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
            raise RatingFormulaError(f"{where}: stars {stars!r} must be 1–5")
        if out and not (minimum < out[-1][0] and stars < out[-1][1]):
            raise RatingFormulaError(f"{where}: thresholds and stars must both descend, got {raw!r}")
        out.append((minimum, stars))
    if out[-1][0] != 0:
        raise RatingFormulaError(f"{where}: the last threshold must be 0 so that every score has stars")
    return tuple(out)


def parse_formula(data: Any, where: str = "rating formula") -> RatingFormula:
    if not isinstance(data, dict):
        raise RatingFormulaError(f"{where}: the formula is an object")
    version, source = data.get("version"), data.get("source")
    if not isinstance(version, str) or not version or not isinstance(source, str) or not source:
        raise RatingFormulaError(f"{where}: version and source are required")
    raw_inputs = data.get("inputs")
    if not isinstance(raw_inputs, list):
        raise RatingFormulaError(f"{where}: inputs must be a list")
    inputs = tuple(_input_spec(raw, where) for raw in raw_inputs)
    codes = [spec.code for spec in inputs]
    if sorted(codes) != sorted(CODES):
        raise RatingFormulaError(f"{where}: inputs must name each of {', '.join(CODES)} once, got {codes}")
    stars = data.get("stars")
    if not isinstance(stars, dict):
        raise RatingFormulaError(f"{where}: stars.thresholds is required")
    return RatingFormula(version, source, inputs, _thresholds(stars.get("thresholds"), where))


def load_formula(path: Path | str | None = None) -> RatingFormula:
    """The formula from ``data/rating-formula.json`` (or ``path``); refuses an invalid file loudly."""
    where = str(path or FORMULA_FILE)
    try:
        data = json.loads(Path(path or FORMULA_FILE).read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, json.JSONDecodeError) as exc:
        raise RatingFormulaError(f"{where}: {exc}") from exc
    return parse_formula(data, where)


@lru_cache(maxsize=1)
def default_formula() -> RatingFormula:
    return load_formula()


# ---------------------------------------------------------------------------------------------------------
# The rating


def _check_value(code: str, value: Decimal) -> None:
    if not value.is_finite():
        raise ValueError(f"{code}: {value} is not a finite number")
    if code == "satisfaction" and not 1 <= value <= 5:
        raise ValueError(f"satisfaction is a mean of 1–5 ratings, got {value}")
    if code in ("on_time_milestones", "acceptance_pass_rate") and not 0 <= value <= 1:
        raise ValueError(f"{code} is a share 0–1, got {value}")
    if code == "complaints" and value < 0:
        raise ValueError(f"complaints per project cannot be negative, got {value}")


def normalise(spec: InputSpec, value: Decimal) -> Fraction:
    """The input on 0–1, 1 best (module docstring), exactly."""
    x = Fraction(value)
    if spec.code == "satisfaction":
        return (x - 1) / 4
    if spec.code == "uplift":
        assert spec.full_at_levels is not None
        return min(max(x, Fraction(0)) / Fraction(spec.full_at_levels), Fraction(1))
    if spec.code == "complaints":
        return 1 - min(x, Fraction(1))
    return x


def _round(value: Fraction) -> Decimal:
    """A non-negative fraction rounded half up to 4 decimals, exactly (no 28-digit division first)."""
    return Decimal(math.floor(value * 10_000 + Fraction(1, 2))).scaleb(-4)


def rate_provider(inputs: Iterable[RatingInput], formula: RatingFormula | None = None) -> Rating:
    """The provider's rating from its observations; codes the call leaves out count as no data."""
    formula = formula or default_formula()
    given: dict[str, RatingInput] = {}
    for item in inputs:
        if item.code not in CODES:
            raise ValueError(f"unknown rating input {item.code!r}")
        if item.code in given:
            raise ValueError(f"rating input {item.code!r} given twice")
        if isinstance(item.count, bool) or not isinstance(item.count, int) or item.count < 0:
            raise ValueError(f"{item.code}: count {item.count!r} must be a whole number ≥ 0")
        if item.value is not None:
            _check_value(item.code, Decimal(item.value))
        given[item.code] = item
    rows: list[tuple[InputSpec, RatingInput | None, str, Fraction | None]] = []
    for spec in formula.inputs:
        obs = given.get(spec.code)
        if obs is None or obs.value is None or obs.count == 0:
            rows.append((spec, obs, NO_DATA, None))
        elif obs.count < spec.min_count:
            rows.append((spec, obs, TOO_FEW, normalise(spec, Decimal(obs.value))))
        else:
            rows.append((spec, obs, USED, normalise(spec, Decimal(obs.value))))
    used_weight = sum((Fraction(s.weight) for s, _, status, _ in rows if status == USED), Fraction(0))
    components = tuple(
        Component(
            code=spec.code,
            status=status,
            raw=None if obs is None or obs.value is None else Decimal(obs.value),
            normalised=None if norm is None else _round(norm),
            weight=spec.weight,
            effective_weight=_round(Fraction(spec.weight) / used_weight if status == USED else Fraction(0)),
        )
        for spec, obs, status, norm in rows
    )
    if not used_weight:
        return Rating(stars=None, score=None, components=components, formula_version=formula.version)
    exact = sum(
        (
            Fraction(spec.weight) * norm
            for spec, _, status, norm in rows
            if status == USED and norm is not None
        ),
        Fraction(0),
    )
    shown = _round(exact / used_weight)
    stars = next(stars for minimum, stars in formula.thresholds if shown >= minimum)
    return Rating(stars=stars, score=shown, components=components, formula_version=formula.version)


def compute_rating(formula: RatingFormula, inputs: Iterable[RatingInput]) -> Rating:
    """``rate_provider`` with the formula first (the governance service's call)."""
    return rate_provider(inputs, formula)
