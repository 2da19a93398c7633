"""Performance evaluation (绩效评价) of pilot cities and providers: indicator sets as data, scored and
ranked per batch (pure: no Django).

An indicator set (``data/evaluation/*.json``, versioned, with its source) lists indicators, each with a
weight and a formula over named measures:
- ``ratio``: numerator ÷ denominator, full marks at ``full_at`` (a share of 0.2 may already be full marks);
- ``value``: a measure itself, full marks at ``full_at`` (one level of uplift, five stars);
- ``complement``: 1 − a share, full marks at ``full_at`` (a top provider share of 30 % or less).
Each indicator scores 0–100 (capped; a measure that cannot be computed, a denominator of 0, scores 0 and
says so); the total is the weighted mean. Subjects are ranked by total, ties sharing a rank (1, 1, 3).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "evaluation"
HUNDRED = Decimal(100)
FORMULAS = ("ratio", "value", "complement")


class IndicatorSetError(ValueError):
    """An indicator set file that cannot be used (the loader names the file and the fault)."""


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    weight: Decimal
    formula: str
    full_at: Decimal
    numerator: str = ""
    denominator: str = ""
    value: str = ""
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class IndicatorSet:
    code: str
    version: str
    subject: str  # "pilot" or "provider"
    title_zh: str
    title_en: str
    source: str
    indicators: tuple[Indicator, ...]


def load(code: str, folder: Path = DATA) -> IndicatorSet:
    path = folder / f"{code}.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    indicators = []
    for item in raw["indicators"]:
        if item["formula"] not in FORMULAS:
            raise IndicatorSetError(f"{path.name}: {item['code']}: unknown formula {item['formula']!r}")
        indicator = Indicator(
            code=item["code"],
            name_zh=item["name_zh"],
            name_en=item.get("name_en", ""),
            weight=Decimal(str(item["weight"])),
            formula=item["formula"],
            full_at=Decimal(str(item["full_at"])),
            numerator=item.get("numerator", ""),
            denominator=item.get("denominator", ""),
            value=item.get("value", ""),
            note_zh=item.get("note_zh", ""),
            note_en=item.get("note_en", ""),
        )
        if indicator.weight <= 0 or indicator.full_at <= 0:
            raise IndicatorSetError(f"{path.name}: {indicator.code}: weight and full_at must be positive")
        if indicator.formula == "ratio" and not (indicator.numerator and indicator.denominator):
            raise IndicatorSetError(
                f"{path.name}: {indicator.code}: a ratio needs a numerator and a denominator"
            )
        if indicator.formula != "ratio" and not indicator.value:
            raise IndicatorSetError(f"{path.name}: {indicator.code}: needs a value")
        indicators.append(indicator)
    if not indicators:
        raise IndicatorSetError(f"{path.name}: no indicators")
    return IndicatorSet(
        code=raw["code"],
        version=raw["version"],
        subject=raw["subject"],
        title_zh=raw["title_zh"],
        title_en=raw.get("title_en", ""),
        source=raw["source"],
        indicators=tuple(indicators),
    )


@dataclass(frozen=True)
class Scored:
    indicator: Indicator
    value: Decimal | None  # the ratio, value or complement computed; None: not computable
    score: Decimal  # 0–100

    @property
    def weighted(self) -> Decimal:
        return self.score * self.indicator.weight


@dataclass(frozen=True)
class Result:
    subject_id: int
    scores: tuple[Scored, ...]
    total: Decimal  # 0–100, two places
    rank: int = 0


def _capped(value: Decimal, full_at: Decimal) -> Decimal:
    return min(max(value / full_at, Decimal(0)), Decimal(1)) * HUNDRED


def score_one(indicator: Indicator, measures: Mapping[str, Decimal | None]) -> Scored:
    if indicator.formula == "ratio":
        top, bottom = measures.get(indicator.numerator), measures.get(indicator.denominator)
        if top is None or bottom is None or bottom <= 0:
            return Scored(indicator, None, Decimal(0))
        value = top / bottom
    else:
        found = measures.get(indicator.value)
        if found is None:
            return Scored(indicator, None, Decimal(0))
        value = Decimal(1) - found if indicator.formula == "complement" else found
    return Scored(
        indicator,
        value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        _capped(value, indicator.full_at),
    )


def score(indicators: IndicatorSet, subject_id: int, measures: Mapping[str, Decimal | None]) -> Result:
    scores = tuple(score_one(i, measures) for i in indicators.indicators)
    weights = sum((i.weight for i in indicators.indicators), Decimal(0))
    total = sum((s.weighted for s in scores), Decimal(0)) / weights
    return Result(subject_id, scores, total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def ranked(results: Sequence[Result]) -> list[Result]:
    """Highest total first; equal totals share a rank and the next rank skips (1, 1, 3); ties by id."""
    ordered = sorted(results, key=lambda r: (-r.total, r.subject_id))
    out: list[Result] = []
    for position, result in enumerate(ordered, start=1):
        rank = out[-1].rank if out and out[-1].total == result.total else position
        out.append(Result(result.subject_id, result.scores, result.total, rank))
    return out
