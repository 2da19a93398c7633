"""Plausibility of an enterprise's size figures: warnings, never refusals.

The hard limits (negative numbers, more than 500,000 staff, amounts above 10,000,000 万元) stay in
``dengta.registry.rules`` and refuse the input. What is checked here is legal but unlikely, and is shown to
the person who typed it (who may confirm "I have checked these figures") and to the authority that reviews the
change: revenue per employee outside the range the sector makes plausible, more staff than any SME has, and
jumps against the last confirmed figures. The thresholds are data (``data/plausibility.json``, with the note
of how they were chosen); this module is pure Python so it is tested without a database (ARCHITECTURE.md
convention 4).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from dengta.core.problems import gettext_noop

DATA_FILE = Path(__file__).with_name("data") / "plausibility.json"
TEN_THOUSAND = Decimal(10_000)
# The fields a warning can point at, in the form's names (the services use the model's names).
FORM_FIELDS = {"employees": "employees", "revenue": "revenue_10k_yuan", "total_assets": "assets_10k_yuan"}


@dataclass(frozen=True)
class Band:
    floor: Decimal
    ceiling: Decimal


@dataclass(frozen=True)
class Limits:
    version: str
    employees_max: int
    revenue_per_employee: dict[str, Band]  # 万元 per person per year, by size-standard sector key
    jump_factors: dict[str, Decimal]  # "employees", "revenue", "total_assets"

    def band(self, sector: str) -> Band:
        return self.revenue_per_employee.get(sector, self.revenue_per_employee["default"])


def parse_limits(data: dict[str, Any]) -> Limits:
    bands = {
        key: Band(Decimal(value["floor"]), Decimal(value["ceiling"]))
        for key, value in data["revenue_per_employee_10k_yuan"].items()
    }
    if "default" not in bands:
        raise ValueError("plausibility data needs a default revenue-per-employee band")
    for key, band in bands.items():
        if not Decimal(0) <= band.floor < band.ceiling:
            raise ValueError(f"plausibility band {key}: floor must be below ceiling")
    factors = {key: Decimal(value) for key, value in data["jump_factors"].items()}
    if set(factors) != {"employees", "revenue", "total_assets"} or min(factors.values()) <= 1:
        raise ValueError("plausibility jump factors: employees, revenue, total_assets, each above 1")
    return Limits(
        version=str(data["version"]),
        employees_max=int(data["employees_max"]),
        revenue_per_employee=bands,
        jump_factors=factors,
    )


@lru_cache(maxsize=1)
def current_limits() -> Limits:
    return parse_limits(json.loads(DATA_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Figures:
    """Size figures as stored: staff in persons, money in yuan; ``sector`` is the size-standard sector key."""

    employees: int
    revenue: Decimal
    total_assets: Decimal
    sector: str = "default"


@dataclass(frozen=True)
class PlausibilityWarning:
    code: str
    field: str  # the model field it is about: employees, revenue, total_assets
    template: str  # Chinese msgid, translated when shown
    params: dict[str, str] = dataclasses.field(default_factory=dict)

    def render(self, translate: Any = None) -> str:
        text = translate(self.template) if translate is not None else self.template
        return text % self.params if self.params else text

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "template": self.template, "params": self.params}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlausibilityWarning:
        return cls(
            code=str(data.get("code", "")),
            field=str(data.get("field", "")),
            template=str(data.get("template", "")),
            params={str(k): str(v) for k, v in (data.get("params") or {}).items()},
        )


def _number(value: Decimal) -> str:
    """A figure for a message: grouped, at most 2 decimals, and "< 0.01" rather than a misleading 0.00."""
    if Decimal(0) < value < Decimal("0.01"):
        return "< 0.01"
    return f"{value.quantize(Decimal('0.01')).normalize():,f}"


def _ratio_warnings(figures: Figures, limits: Limits) -> list[PlausibilityWarning]:
    found: list[PlausibilityWarning] = []
    if figures.employees > limits.employees_max:
        found.append(
            PlausibilityWarning(
                "employees_beyond_sme",
                "employees",
                gettext_noop(
                    "从业人员 %(value)s 人，比任何中小企业都多一个数量级"
                    "（工业企业从业人员1,000人及以上即为大型企业），请核对是否多填了位数"
                ),
                {"value": f"{figures.employees:,}", "limit": f"{limits.employees_max:,}"},
            )
        )
    if figures.employees == 0:
        if figures.revenue > 0:
            found.append(
                PlausibilityWarning(
                    "employees_zero",
                    "employees",
                    gettext_noop("从业人员为0人，但营业收入不为0，请核对从业人员人数"),
                )
            )
        return found
    per_head = figures.revenue / TEN_THOUSAND / figures.employees
    band = limits.band(figures.sector)
    if per_head < band.floor:
        found.append(
            PlausibilityWarning(
                "revenue_per_employee_low",
                "revenue",
                gettext_noop(
                    "人均营业收入 %(value)s 万元，低于该行业的合理下限 %(limit)s 万元/人，请核对营业收入"
                    "（单位为万元）和从业人员人数"
                ),
                {"value": _number(per_head), "limit": _number(band.floor)},
            )
        )
    elif per_head > band.ceiling:
        found.append(
            PlausibilityWarning(
                "revenue_per_employee_high",
                "revenue",
                gettext_noop(
                    "人均营业收入 %(value)s 万元，高于该行业的合理上限 %(limit)s 万元/人，请核对营业收入"
                    "是否按元而不是万元填写，或从业人员是否漏填"
                ),
                {"value": _number(per_head), "limit": _number(band.ceiling)},
            )
        )
    return found


# One whole message per figure, so each language words it as it needs (no glued pieces).
_JUMP_MESSAGES = {
    "employees": gettext_noop(
        "从业人员由上次确认的 %(before)s 人变为 %(after)s 人，变化达 %(factor)s 倍以上，请核对"
    ),
    "revenue": gettext_noop(
        "营业收入由上次确认的 %(before)s 万元变为 %(after)s 万元，变化达 %(factor)s 倍以上，请核对单位和位数"
    ),
    "total_assets": gettext_noop(
        "资产总额由上次确认的 %(before)s 万元变为 %(after)s 万元，变化达 %(factor)s 倍以上，请核对单位和位数"
    ),
}


def _jumped(before: Decimal, after: Decimal, factor: Decimal) -> bool:
    if before == after:
        return False
    if before == 0 or after == 0:
        # From or to nothing is an unbounded change: worth a look whatever the factor.
        return True
    return after >= before * factor or after * factor <= before


def _jump_warnings(figures: Figures, previous: Figures, limits: Limits) -> list[PlausibilityWarning]:
    found: list[PlausibilityWarning] = []
    pairs = (
        ("employees", Decimal(previous.employees), Decimal(figures.employees), Decimal(1)),
        ("revenue", previous.revenue, figures.revenue, TEN_THOUSAND),
        ("total_assets", previous.total_assets, figures.total_assets, TEN_THOUSAND),
    )
    for name, before, after, unit in pairs:
        factor = limits.jump_factors[name]
        if _jumped(before, after, factor):
            found.append(
                PlausibilityWarning(
                    f"{name}_jump",
                    name,
                    _JUMP_MESSAGES[name],
                    {
                        "before": _number(before / unit),
                        "after": _number(after / unit),
                        "factor": _number(factor),
                    },
                )
            )
    return found


def check(
    figures: Figures, previous: Figures | None = None, limits: Limits | None = None
) -> list[PlausibilityWarning]:
    """Warnings about ``figures``; with ``previous`` (the last confirmed figures) also about jumps."""
    limits = limits or current_limits()
    found = _ratio_warnings(figures, limits)
    if previous is not None:
        found += _jump_warnings(figures, previous, limits)
    return found
