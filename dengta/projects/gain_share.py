"""Service fees paid out of measured gains (pure Python, no Django).

Why: the pilots let an SME pay its provider out of the gains the transformation brings
(以转型收益支付服务费用, DOMAIN.md 1.4), and the programme wants the effect measured, not assumed
(DOMAIN.md 2.3: cost reduction, efficiency, green; 8.9: energy per 100 yuan of revenue, revenue per
employee and cost per 100 yuan of revenue are computed from raw numbers). The contract follows the
shared-savings model of energy performance contracting (合同能源管理, 节能效益分享型, GB/T 24915): a
baseline is agreed, the improvement is measured each period, valued at an agreed price per unit, and the
provider receives an agreed share of it, up to a cap over the term.

Per period n (1-based), with the contract's KPI (one of ``KPIS``, or a custom metered KPI with its name):
- gain = (baseline − measured) × yuan_per_unit when lower is better, (measured − baseline) × yuan_per_unit
  otherwise; ``gain_yuan`` shows it half-up to the fen and may be negative (the KPI got worse);
- fee = min(max(gain, 0) × share, cap_total_yuan − fees_before), never below 0, rounded DOWN to the fen,
  computed from the exact gain; fees_before is the sum of the earlier periods' (rounded) fees.
So a period never pays for a loss, a worse period does not claw back an earlier fee, and the fees over the
term never pass the cap. A statement may hold fewer periods than the term (the term is not over), never more.
The direction is the KPI's own for the four named ones unless the contract states it; a custom KPI must state
it, as ``lower_is_better`` (true/false) or ``direction`` (``lower_is_better`` / ``higher_is_better``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from dengta.projects.inputs import (
    FEN,
    MONEY_PLACES,
    PRECISION,
    RATE_PLACES,
    CalculatorError,
    ExplanationLine,
    Field,
    Label,
    Path,
    Reader,
    pct,
    period_label,
    plain,
    problem,
    request_object,
    yuan,
)

MAX_PERIODS = 600  # fifty years of monthly statements
MAX_KPI_NAME = 100
KPI_PLACES = 6
CUSTOM = "custom"


@dataclass(frozen=True)
class Kpi:
    zh: str
    en: str
    lower_is_better: bool | None  # None: the contract must say (a custom KPI)


# The derived indicators of the assessment (DOMAIN.md 8.9) and the quality rate, with their natural direction.
KPIS: Mapping[str, Kpi] = {
    "energy_per_100_yuan_revenue": Kpi("百元营业收入能耗", "energy per 100 yuan of revenue", True),
    "pass_rate": Kpi("产品合格率", "pass rate", False),
    "revenue_per_employee": Kpi("人均营业收入", "revenue per employee", False),
    "cost_per_100_yuan_revenue": Kpi("百元营业收入成本", "cost per 100 yuan of revenue", True),
    CUSTOM: Kpi("自定义计量指标", "custom metered KPI", None),
}
DIRECTIONS = {"lower_is_better": True, "higher_is_better": False}

CONTRACT_LABEL = Label("收益分享合同", "contract")
KPI_LABEL = Label("指标", "KPI")
KPI_NAME_LABEL = Label("自定义指标名称", "custom KPI's name")
DIRECTION_LABEL = Label("指标方向", "direction")
PERIODS_LABEL = Label("收益报表", "gain statement")
MEASURED_LABEL = Label("实测值", "measured value")
CONTRACT_FIELDS: Mapping[str, Field] = {
    "baseline": Field(Label("基准值", "baseline"), KPI_PLACES, "value"),
    # A unit price, not an amount: one unit of a KPI may be worth a fraction of a fen (0.125 yuan per kWh).
    "yuan_per_unit": Field(
        Label("每单位改进的价值", "value of one unit of improvement"), RATE_PLACES, "money"
    ),
    "share": Field(Label("服务商分成比例", "provider's share"), RATE_PLACES, "rate"),
    "cap_total_yuan": Field(Label("服务费总上限", "total fee cap"), MONEY_PLACES, "money"),
    "term_periods": Field(Label("合同期数", "term in periods"), RATE_PLACES, "count", MAX_PERIODS),
}
MEASURED = Field(MEASURED_LABEL, KPI_PLACES, "value")


@dataclass(frozen=True, kw_only=True)
class GainContract:
    """A gain-sharing contract, already parsed (``parse_gain_request``)."""

    kpi: str
    kpi_name: str
    lower_is_better: bool
    baseline: Decimal
    yuan_per_unit: Decimal
    share: Decimal
    cap_total_yuan: Decimal
    term_periods: int


@dataclass(frozen=True)
class PeriodFee:
    period: int  # 1-based
    measured: Decimal
    gain_exact: Decimal
    gain_yuan: Decimal  # half-up to the fen, may be negative
    fee_yuan: Decimal
    explanation: tuple[ExplanationLine, ...]

    def to_json(self, *, english: bool | None = None) -> dict[str, Any]:
        return {
            "period": self.period,
            "measured": plain(self.measured),
            "gain_yuan": f"{self.gain_yuan:.2f}",
            "fee_yuan": f"{self.fee_yuan:.2f}",
            "explanation": [line.to_json(english=english) for line in self.explanation],
        }


@dataclass(frozen=True)
class GainSettlement:
    contract: GainContract
    periods: tuple[PeriodFee, ...]
    total_fee_yuan: Decimal

    def to_json(self, *, english: bool | None = None) -> dict[str, Any]:
        return {
            "periods": [p.to_json(english=english) for p in self.periods],
            "total_fee_yuan": f"{self.total_fee_yuan:.2f}",
        }


# ---------------------------------------------------------------------------------------------------------
# Parsing a request


def _direction(reader: Reader, contract: Mapping[str, Any], kpi: Kpi | None) -> bool | None:
    path: Path = ("contract",)
    flag, named = contract.get("lower_is_better"), contract.get("direction")
    lower: bool | None = None
    if flag is not None and not isinstance(flag, bool):
        reader.add((*path, "lower_is_better"), "not_boolean", DIRECTION_LABEL)
        return None
    if named is not None and named not in DIRECTIONS:
        reader.add((*path, "direction"), "not_a_direction", DIRECTION_LABEL)
        return None
    if flag is not None and named is not None and flag != DIRECTIONS[named]:
        reader.add((*path, "direction"), "directions_disagree", DIRECTION_LABEL)
        return None
    lower = flag if flag is not None else DIRECTIONS[named] if named is not None else None
    if lower is None and kpi is not None:
        lower = kpi.lower_is_better
        if lower is None:
            reader.add((*path, "direction"), "missing", DIRECTION_LABEL)
    return lower


def parse_contract(reader: Reader, raw: Any) -> GainContract | None:
    contract = reader.mapping(raw, ("contract",), CONTRACT_LABEL)
    if contract is None:
        return None
    code = reader.text(contract, "kpi", ("contract",), KPI_LABEL, 40)
    kpi = KPIS.get(code) if code is not None else None
    if code is not None and kpi is None:
        reader.add(("contract", "kpi"), "unknown_kpi", KPI_LABEL, codes=", ".join(KPIS))
    name = kpi.zh if kpi is not None else ""
    if code == CUSTOM:
        name = reader.text(contract, "kpi_name", ("contract",), KPI_NAME_LABEL, MAX_KPI_NAME) or ""
    lower = _direction(reader, contract, kpi)
    values = {key: reader.number(contract, key, ("contract",), spec) for key, spec in CONTRACT_FIELDS.items()}
    if kpi is None or not name or lower is None or any(v is None for v in values.values()):
        return None
    numbers = {key: value for key, value in values.items() if value is not None}
    return GainContract(
        kpi=code or "",
        kpi_name=name,
        lower_is_better=lower,
        baseline=numbers["baseline"],
        yuan_per_unit=numbers["yuan_per_unit"],
        share=numbers["share"],
        cap_total_yuan=numbers["cap_total_yuan"],
        term_periods=int(numbers["term_periods"]),
    )


def parse_gain_request(data: Any) -> tuple[GainContract, tuple[Decimal, ...]]:
    """The contract and each period's measurement, or ``CalculatorError`` with every problem."""
    body = request_object(data)
    reader = Reader()
    contract = parse_contract(reader, body.get("contract"))
    raw_periods = reader.items(body, "periods", PERIODS_LABEL, MAX_PERIODS)
    measured: list[Decimal | None] = []
    if raw_periods is not None:
        if contract is not None and len(raw_periods) > contract.term_periods:
            reader.add(
                ("periods",),
                "more_than_term",
                PERIODS_LABEL,
                count=len(raw_periods),
                term=contract.term_periods,
            )
        else:
            measured = [_measured(reader, i, raw) for i, raw in enumerate(raw_periods)]
    reader.raise_if_any()
    assert contract is not None
    return contract, tuple(m for m in measured if m is not None)


def _measured(reader: Reader, index: int, raw: Any) -> Decimal | None:
    path: Path = ("periods", index)
    period = reader.mapping(raw, path, Label(f"第{index + 1}期", f"period {index + 1}", bare=True))
    if period is None:
        return None
    return reader.number(
        period, "measured", path, replace(MEASURED, label=period_label(index, MEASURED_LABEL))
    )


# ---------------------------------------------------------------------------------------------------------
# The settlement


def settle(contract: GainContract, measured: Sequence[Decimal]) -> GainSettlement:
    """Each period's gain and fee (module docstring), in order; at most ``term_periods`` periods."""
    if len(measured) > contract.term_periods:
        raise CalculatorError(
            [
                problem(
                    ("periods",),
                    "more_than_term",
                    PERIODS_LABEL,
                    count=len(measured),
                    term=contract.term_periods,
                )
            ]
        )
    periods: list[PeriodFee] = []
    before = Decimal("0.00")
    with localcontext() as ctx:
        ctx.prec = PRECISION  # bounded inputs: the gain and the fee below are exact before rounding
        for index, value in enumerate(measured):
            change = contract.baseline - value if contract.lower_is_better else value - contract.baseline
            gain = change * contract.yuan_per_unit
            room = contract.cap_total_yuan - before
            by_share = max(gain, Decimal(0)) * contract.share
            fee = max(min(by_share, room), Decimal(0)).quantize(FEN, rounding=ROUND_DOWN) + 0
            shown = gain.quantize(FEN, rounding=ROUND_HALF_UP) + 0
            lines = _explain(contract, index + 1, value, shown, fee, before, by_share, room)
            periods.append(PeriodFee(index + 1, value, gain, shown, fee, lines))
            before += fee
    return GainSettlement(contract, tuple(periods), before)


def gain_share_from_json(data: Any) -> GainSettlement:
    """Parse a request (``parse_gain_request``) and settle it; ``CalculatorError`` for bad input."""
    contract, measured = parse_gain_request(data)
    return settle(contract, measured)


def _explain(
    c: GainContract,
    n: int,
    measured: Decimal,
    gain: Decimal,
    fee: Decimal,
    before: Decimal,
    by_share: Decimal,
    room: Decimal,
) -> tuple[ExplanationLine, ...]:
    kpi = KPIS[c.kpi]
    name_zh = c.kpi_name if c.kpi == CUSTOM else kpi.zh
    name_en = c.kpi_name if c.kpi == CUSTOM else kpi.en
    base, value, per = plain(c.baseline), plain(measured), yuan(c.yuan_per_unit)
    if c.lower_is_better:
        diff_zh, diff_en = f"（基准值{base}−实测值{value}）", f"(baseline {base} − measured {value})"
        way_zh, way_en, formula = "越低越好", "lower is better", "(baseline − measured) × yuan_per_unit"
    else:
        diff_zh, diff_en = f"（实测值{value}−基准值{base}）", f"(measured {value} − baseline {base})"
        way_zh, way_en, formula = "越高越好", "higher is better", "(measured − baseline) × yuan_per_unit"
    share, cap, paid = pct(c.share), yuan(c.cap_total_yuan), yuan(before)
    if by_share <= 0:
        why_zh, why_en = "本期没有收益，不收服务费", "no gain this period, so no fee"
    elif room <= 0:
        why_zh, why_en = "服务费总上限已用完", "the total fee cap is used up"
    elif by_share <= room:
        why_zh, why_en = (
            "按分成比例计算的金额未超过剩余额度",
            "the amount by the share is within the room left",
        )
    else:
        why_zh, why_en = (
            "按分成比例计算的金额超过剩余额度，以剩余额度为准",
            "the room left under the cap binds",
        )
    return (
        ExplanationLine(
            "gain_yuan",
            gain,
            f"{formula}, half-up to the fen",
            ("baseline", "yuan_per_unit", "lower_is_better"),
            f"第{n}期收益{yuan(gain)}元＝{diff_zh}×每单位价值{per}元（{name_zh}，{way_zh}），四舍五入到分显示。",
            f"Period {n}: gain of {yuan(gain)} yuan = {diff_en} × {per} yuan per unit ({name_en}, {way_en}), "
            "shown half-up to the fen.",
        ),
        ExplanationLine(
            "fee_yuan",
            fee,
            "min(max(gain, 0) × share, cap_total_yuan − fees_before), at least 0, rounded down to the fen",
            ("share", "cap_total_yuan"),
            f"第{n}期服务费{yuan(fee)}元＝min（max（收益，0）×分成比例{share}%，总上限{cap}元−此前服务费{paid}元），"
            f"不低于0，向下取整到分；{why_zh}。",
            f"Period {n}: fee of {yuan(fee)} yuan = min(max(gain, 0) × share {share} %, cap of {cap} yuan − "
            f"fees before of {paid} yuan), at least 0, rounded down to the fen; {why_en}.",
        ),
    )
