"""Applying the size classifier (dengta.reference.sizing) to enterprise profiles, one or 200,000 at a time.

What a profile stores: the size class, the 规上 flag, the sector, the standard's version and a short
explanation (the Chinese and English summaries). The full reasoning — every threshold and whether it held — is
not stored: classification is a pure function of the stored inputs and the stored version, so the detail
page recomputes it with that version's rules (``explain``) instead of every row carrying 2 KB of repeated
text (ARCHITECTURE.md convention 12: results keep the version they used).

``BatchClassifier`` serves imports: every answer the classifier gives (size class, 规上, sector, summaries)
depends only on the sector and on which side of each threshold the figures fall, so it calls ``classify``
once per distinct (sector, outcomes) and reuses the answer. A property test checks that it always agrees
with calling ``classify`` row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from dengta.reference.models import ReferenceDataset
from dengta.reference.sizing import (
    OPS,
    DesignatedSize,
    SectorRule,
    SizeResult,
    SizeRules,
    classify,
    load_rules,
)

# The class, sector and version have their own columns; the stored explanation is the two summaries.
EXPLANATION_KEYS = ("summary_zh", "summary_en")


@dataclass(frozen=True)
class SizeFields:
    size_class: str
    is_above_designated_size: bool
    size_sector: str
    size_standard_version: str
    size_explanation: dict[str, Any]

    def as_model_fields(self) -> dict[str, Any]:
        return {
            "size_class": self.size_class,
            "is_above_designated_size": self.is_above_designated_size,
            "size_sector": self.size_sector,
            "size_standard_version": self.size_standard_version,
            "size_explanation": self.size_explanation,
        }


def stored_fields(result: SizeResult) -> SizeFields:
    explanation = {key: result.explanation.get(key, "") for key in EXPLANATION_KEYS}
    return SizeFields(
        size_class=result.size_class,
        is_above_designated_size=result.above_designated_size,
        size_sector=result.sector_key,
        size_standard_version=result.version,
        size_explanation=explanation,
    )


def size_for(
    rules: SizeRules, *, industry_code: str, employees: int, revenue: Decimal, total_assets: Decimal
) -> SizeFields:
    return stored_fields(
        classify(
            rules,
            industry_code=industry_code,
            employees=employees,
            revenue_yuan=revenue,
            assets_yuan=total_assets,
        )
    )


def _deciding_thresholds(sector: SectorRule, designated: DesignatedSize) -> tuple[tuple[str, Decimal], ...]:
    """(indicator, threshold in persons or yuan) of every condition that decides a stored field.

    The standard only says "below X" (lt) or "X or more" (gte), so whether each condition holds is
    decided by one comparison, value < threshold; the thresholds are converted to yuan once here rather
    than for every row.
    """
    conditions = [*sector.sme.conditions, *sector.medium.conditions, *sector.small.conditions]
    if designated.determinable and designated.condition is not None:
        conditions.append(designated.condition)
    return tuple(dict.fromkeys((c.indicator, c.threshold_native()) for c in conditions))


class BatchClassifier:
    """``size_for`` for many rows against one version of the rules, calling the classifier once per
    distinct combination of sector and threshold outcomes."""

    def __init__(self, rules: SizeRules) -> None:
        if not set(OPS) <= {"lt", "gte"}:
            raise ValueError(f"BatchClassifier assumes conditions are lt/gte, the rules allow {OPS}")
        self.rules = rules
        # Per code: the sector and the 规上 rule (the statistics' table cuts across sectors), and thresholds.
        self._sectors: dict[str, tuple[tuple[str, str], tuple[tuple[str, Decimal], ...]]] = {}
        self._answers: dict[tuple[Any, ...], SizeFields] = {}

    def __call__(
        self, *, industry_code: str, employees: int, revenue: Decimal, total_assets: Decimal
    ) -> SizeFields:
        found = self._sectors.get(industry_code)
        if found is None:
            sector, _mapping = self.rules.sector_for_code(industry_code)
            designated = self.rules.designated_for_code(industry_code, sector)
            found = self._sectors[industry_code] = (
                (sector.key, designated.key),
                _deciding_thresholds(sector, designated),
            )
        sector_key, thresholds = found
        values: dict[str, int | Decimal] = {
            "employees": employees,
            "revenue": revenue,
            "assets": total_assets,
        }
        key = (sector_key, *(values[indicator] < limit for indicator, limit in thresholds))
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = size_for(
                self.rules,
                industry_code=industry_code,
                employees=employees,
                revenue=revenue,
                total_assets=total_assets,
            )
        return answer


@lru_cache(maxsize=8)
def _rules_for(version: str, checksum: str) -> SizeRules:
    dataset = ReferenceDataset.objects.get(kind=ReferenceDataset.Kind.SIZE_STANDARD, version=version)
    return load_rules(dataset.data)


def rules_for_version(version: str) -> SizeRules | None:
    """The rules of a stored version (current or superseded), or None when that version is not loaded."""
    row = (
        ReferenceDataset.objects.filter(kind=ReferenceDataset.Kind.SIZE_STANDARD, version=version)
        .values_list("version", "checksum")
        .first()
    )
    return _rules_for(*row) if row is not None else None


def explain(
    version: str, *, industry_code: str, employees: int, revenue: Decimal, total_assets: Decimal
) -> dict[str, Any] | None:
    """The full reasoning of a stored classification, recomputed with the version it was made with."""
    rules = rules_for_version(version)
    if rules is None:
        return None
    result = classify(
        rules,
        industry_code=industry_code,
        employees=employees,
        revenue_yuan=revenue,
        assets_yuan=total_assets,
    )
    return result.explanation
