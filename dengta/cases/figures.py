"""A lighthouse case's figures, derived from the accepted project's verified data (pure: no Django).

PRODUCT.md 6 and the pilots' 看样学样: a case shows what an enterprise like the reader did, paid and
gained. Its figures are never typed by hand: ``derive`` computes them from the project (cost and its
split, products and providers, dates), the enterprise's T0 result before the retrofit and the on-site T1
result that passed the acceptance (levels, dimension points, scenario levels) and the numbers both
assessments collected (KPIs, DOMAIN.md 8.9: computed from the raw numbers, not trusted). The services
re-derive them whenever a case is read for work or moves, so a case never shows figures that differ from
its source.

``anonymised`` is what the public sees of a case whose enterprise did not consent to being named: the name
replaced by a description, the region cut to the province, every amount and KPI value replaced by the band
it falls in (levels, points and scenario levels are kept: they name nobody).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

PLACES = Decimal("0.01")
DIMENSIONS = ("base", "mgmt", "results")


@dataclass(frozen=True)
class AssessmentFacts:
    level: int
    points: Mapping[str, Decimal]  # per dimension (DIMENSIONS)
    scenario_levels: Mapping[str, int]
    numbers: Mapping[str, Any]  # the collected numbers, as stored
    assessed_on: date | None


@dataclass(frozen=True)
class Line:
    product: str
    provider: str
    quantity: int
    amount_yuan: Decimal


@dataclass(frozen=True)
class CaseInput:
    enterprise: str
    region: str  # the enterprise's region, by name
    province: str  # its province (or province-level unit), by name
    sub_industry: str
    size: str  # the size class, by name
    size_class: str  # the size class's code (registry.SizeClass)
    region_path: str  # the enterprise's region path ("330000/330200/330203/")
    above_designated_size: bool
    provider: str
    lines: Sequence[Line]
    scenario_names: Mapping[str, str]  # code → name, of the project's scenarios and of every scored one
    project_scenarios: Sequence[str]
    contract_yuan: Decimal
    concession_yuan: Decimal
    subsidy_yuan: Decimal
    central_yuan: Decimal
    local_yuan: Decimal
    enterprise_yuan: Decimal
    started_on: date | None
    accepted_on: date | None
    t1: AssessmentFacts
    t0: AssessmentFacts | None = None


# KPIs from the collected numbers: (code, name, numerator, denominator, scale, unit, higher is better).
KPIS: tuple[tuple[str, str, str, str, Decimal, str, bool], ...] = (
    (
        "equipment_digital_rate",
        "设备数字化率",
        "equipment_digital",
        "equipment_total",
        Decimal(100),
        "%",
        True,
    ),
    (
        "equipment_networked_rate",
        "设备联网率",
        "equipment_networked",
        "equipment_total",
        Decimal(100),
        "%",
        True,
    ),
    ("revenue_per_employee", "人均营业收入", "revenue_last", "employees_last", Decimal(1), "万元/人", True),
    (
        "energy_per_10k_yuan",
        "万元营业收入综合能耗",
        "energy_last",
        "revenue_last",
        Decimal(1),
        "吨标准煤/万元",
        False,
    ),
    ("cost_per_100_yuan", "每百元营业收入成本", "cost_last", "revenue_last", Decimal(100), "元", False),
    ("pass_rate", "产品合格率", "pass_rate", "", Decimal(1), "%", True),
)


@dataclass(frozen=True)
class Kpi:
    code: str
    name: str
    unit: str
    before: str  # a decimal string, or a band when anonymised
    after: str
    change_pct: str  # (after - before) / before, in %, one decimal; "" when before is 0
    improved: bool


@dataclass(frozen=True)
class Scenario:
    code: str
    name: str
    before: int | None
    after: int


@dataclass(frozen=True)
class CaseFigures:
    enterprise: str
    region: str
    sub_industry: str
    size: str
    size_class: str
    region_path: str  # cut to the province's when anonymised
    above_designated_size: bool
    level_before: int | None
    level_after: int
    points_before: dict[str, str]
    points_after: dict[str, str]
    scenarios: list[Scenario]
    # Every scenario's level before the retrofit (the T0 result; empty without one): what an enterprise
    # reading the case compares itself with (dengta.cases.similarity).
    scenario_levels_before: dict[str, int]
    kpis: list[Kpi]
    provider: str
    products: list[dict[str, str]]
    contract_yuan: str
    concession_yuan: str
    subsidy_yuan: str
    central_yuan: str
    local_yuan: str
    enterprise_yuan: str
    enterprise_share_pct: str  # the enterprise's part of the contract, in %
    duration_days: int | None
    anonymised: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def uplift(self) -> int | None:
        return None if self.level_before is None else self.level_after - self.level_before

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CaseFigures:
        values = dict(data)
        values["scenarios"] = [Scenario(**s) for s in values.get("scenarios", [])]
        values["kpis"] = [Kpi(**k) for k in values.get("kpis", [])]
        return cls(**values)

    def digest(self) -> str:
        """A digest of the figures (sorted JSON): equal figures, equal digest."""
        text = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _money(value: Decimal) -> str:
    return str(value.quantize(PLACES, rounding=ROUND_HALF_UP))


def _number(numbers: Mapping[str, Any], code: str) -> Decimal | None:
    try:
        value = Decimal(str(numbers[code]))
    except (KeyError, InvalidOperation, TypeError):
        return None
    return value if value.is_finite() and value >= 0 else None


def kpi_value(numbers: Mapping[str, Any], top: str, bottom: str, scale: Decimal) -> Decimal | None:
    """A KPI from collected numbers, to two places; None when a number is missing or the base is 0."""
    upper = _number(numbers, top)
    if upper is None:
        return None
    if not bottom:
        return (upper * scale).quantize(PLACES, rounding=ROUND_HALF_UP)
    lower = _number(numbers, bottom)
    if lower is None or lower == 0:
        return None
    return (upper * scale / lower).quantize(PLACES, rounding=ROUND_HALF_UP)


def _kpis(t0: AssessmentFacts | None, t1: AssessmentFacts) -> list[Kpi]:
    if t0 is None:
        return []
    found = []
    for code, name, top, bottom, scale, unit, higher in KPIS:
        before = kpi_value(t0.numbers, top, bottom, scale)
        after = kpi_value(t1.numbers, top, bottom, scale)
        if before is None or after is None:
            continue
        change = ""
        if before != 0:
            change = str(((after - before) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        improved = after > before if higher else after < before
        found.append(Kpi(code, name, unit, str(before), str(after), change, improved))
    return found


def _points(facts: AssessmentFacts | None) -> dict[str, str]:
    if facts is None:
        return {}
    return {d: str(Decimal(facts.points.get(d, 0)).quantize(PLACES)) for d in DIMENSIONS}


def derive(source: CaseInput) -> CaseFigures:
    """The case's figures from its source: every number the case shows comes from here."""
    t0, t1 = source.t0, source.t1
    # The project's own scenarios first, in its order, then every other scenario whose level rose.
    risen = sorted(
        code
        for code in t1.scenario_levels
        if code not in source.project_scenarios
        and t0 is not None
        and t1.scenario_levels.get(code, 0) > t0.scenario_levels.get(code, 0)
    )
    scenarios = [
        Scenario(
            code=code,
            name=source.scenario_names.get(code, code),
            before=None if t0 is None else t0.scenario_levels.get(code),
            after=t1.scenario_levels.get(code, 0),
        )
        for code in [*dict.fromkeys(source.project_scenarios), *risen]
    ]
    share = ""
    if source.contract_yuan > 0:
        share = str(
            (source.enterprise_yuan * 100 / source.contract_yuan).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
        )
    days = None
    if source.started_on is not None and source.accepted_on is not None:
        days = max((source.accepted_on - source.started_on).days, 0)
    return CaseFigures(
        enterprise=source.enterprise,
        region=source.region,
        sub_industry=source.sub_industry,
        size=source.size,
        size_class=source.size_class,
        region_path=source.region_path,
        above_designated_size=source.above_designated_size,
        level_before=None if t0 is None else t0.level,
        level_after=t1.level,
        points_before=_points(t0),
        points_after=_points(t1),
        scenarios=scenarios,
        scenario_levels_before={} if t0 is None else dict(sorted(t0.scenario_levels.items())),
        kpis=_kpis(t0, t1),
        provider=source.provider,
        products=[
            {
                "product": line.product,
                "provider": line.provider,
                "quantity": str(line.quantity),
                "amount_yuan": _money(line.amount_yuan),
            }
            for line in source.lines
        ],
        contract_yuan=_money(source.contract_yuan),
        concession_yuan=_money(source.concession_yuan),
        subsidy_yuan=_money(source.subsidy_yuan),
        central_yuan=_money(source.central_yuan),
        local_yuan=_money(source.local_yuan),
        enterprise_yuan=_money(source.enterprise_yuan),
        enterprise_share_pct=share,
        duration_days=days,
        notes=[] if t0 is not None else ["no_t0"],
    )


# ------------------------------------------------------------------------------------------- anonymising

# Money bands in yuan: 1-2-5 steps from 10,000 yuan up (a band names its bounds, never the amount).
MONEY_BOUNDS = tuple(Decimal(m) * Decimal(10) ** e for e in range(4, 9) for m in (1, 2, 5))


def money_band(text: str) -> str:
    """The band an amount falls in, as "lower–upper" yuan ("0" stays "0": it gives nothing away)."""
    value = Decimal(text)
    if value == 0:
        return "0"
    lower = Decimal(0)
    for bound in MONEY_BOUNDS:
        if value <= bound:
            return f"{lower:f}–{bound:f}"
        lower = bound
    return f">{lower:f}"


def value_band(text: str) -> str:
    """A KPI value cut to the 1-2-5 band it lies in ("20–50"), or to tens for values up to 100."""
    value = Decimal(text)
    if value <= 100:
        lower = (value // 10) * 10
        upper = lower + 10
        if value == lower and value > 0:
            lower, upper = lower - 10, lower
        return f"{lower:f}–{upper:f}"
    lower = Decimal(100)
    for exponent in range(2, 12):
        for m in (2, 5, 10):
            bound = Decimal(m) * Decimal(10) ** exponent
            if value <= bound:
                return f"{lower:f}–{bound:f}"
            lower = bound
    return f">{lower:f}"


def anonymised(figures: CaseFigures, *, description: str, province: str) -> CaseFigures:
    """What the public sees of a case without the enterprise's consent (module docstring)."""
    return replace(
        figures,
        enterprise=description,
        region=province,
        region_path=next((f"{p}/" for p in figures.region_path.split("/") if p), ""),
        kpis=[
            replace(
                k,
                before=value_band(k.before),
                after=value_band(k.after),
                change_pct=_change_band(k.change_pct),
            )
            for k in figures.kpis
        ],
        products=[{**p, "amount_yuan": money_band(p["amount_yuan"])} for p in figures.products],
        contract_yuan=money_band(figures.contract_yuan),
        concession_yuan=money_band(figures.concession_yuan),
        subsidy_yuan=money_band(figures.subsidy_yuan),
        central_yuan=money_band(figures.central_yuan),
        local_yuan=money_band(figures.local_yuan),
        enterprise_yuan=money_band(figures.enterprise_yuan),
        anonymised=True,
    )


def _change_band(text: str) -> str:
    """A change in % to the nearest 5 points (the direction and size, not the exact figure)."""
    if not text:
        return ""
    value = Decimal(text)
    return str((value / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 5)
