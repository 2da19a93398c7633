"""Gain-sharing contracts and their statements (以转型收益支付服务费用, DOMAIN.md 1.4; docs/projects.md "Gain
sharing"). The provider signs the contract on an approved project and submits one statement per period, in
order; the enterprise may dispute a submitted statement; the authority settles a dispute, possibly with a
corrected measurement. Every figure comes from ``gain_share.settle`` over all the periods so far, so the fees
before a period and the cap always hold; nothing here types money.

Locks are taken in one order, project → contract → statements, so two requests on the same contract queue
(ARCHITECTURE.md convention 8). Refused input raises ``ValidationError`` keyed by field with every problem
gain_share's reader finds, in the reader's language, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.assessment.models import Assessment, Phase
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.core.language import in_english
from dengta.core.workflows import TransitionRefused, run_transition
from dengta.projects import gain_share
from dengta.projects.gain_models import (
    CONTRACT_PROJECT_STATES,
    DISPUTE,
    SETTLE,
    STATEMENT_PROJECT_STATES,
    BaselineSource,
    GainContract,
    GainContractState,
    GainStatement,
    KpiCode,
    PeriodMonths,
)
from dengta.projects.inputs import PRECISION, CalculatorError, Problem, Reader, plain
from dengta.projects.models import Project
from dengta.registry.models import Enterprise

# The money columns hold 14 digits before the point (ARCHITECTURE.md convention 9); a gain beyond that is
# a measurement typed wrongly, never a real one.
GAIN_LIMIT = Decimal("1e14")
MAX_REASON = 2000

# The KPIs DOMAIN.md 8.9 says to compute from the assessment's raw numbers, from the year before the T0
# assessment ("last year"), in the units of gain_models.KPI_UNITS:
#   百元营业收入能耗 kgce per 100 yuan = energy_last (t of standard coal) × 1000 / (revenue_last (10,000 yuan)
#       × 100) = energy_last × 10 / revenue_last;
#   人均营业收入 10,000 yuan per employee = revenue_last / employees_last;
#   百元营业收入成本 yuan per 100 yuan = cost_last / revenue_last × 100 (both in 10,000 yuan).
# The pass rate is collected as one number after the retrofit (DOMAIN.md 3.2.1), so it gives no baseline;
# its contracts, and custom ones, state an agreed baseline.
RATIOS: Mapping[str, tuple[str, str, Decimal]] = {
    KpiCode.ENERGY_PER_100_YUAN_REVENUE: ("energy_last", "revenue_last", Decimal(10)),
    KpiCode.REVENUE_PER_EMPLOYEE: ("revenue_last", "employees_last", Decimal(1)),
    KpiCode.COST_PER_100_YUAN_REVENUE: ("cost_last", "revenue_last", Decimal(100)),
}
KPI_FIELD_NAMES = {"direction": "lower_is_better"}  # gain_share's path → the service's argument


@dataclass(frozen=True)
class T0Baseline:
    value: Decimal
    assessment: Assessment


# ------------------------------------------------------------------------------------------------ helpers


def _message(problem: Problem) -> str:
    return problem.en if in_english() else problem.zh


def _refusal(problems: Iterable[Problem]) -> ValidationError:
    """gain_share's problems as a ValidationError keyed by the service's argument names."""
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        name = str(problem.path[-1]) if problem.path else "__all__"
        by_field.setdefault(KPI_FIELD_NAMES.get(name, name), []).append(_message(problem))
    return ValidationError(by_field)


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("enterprise", "provider").get(pk=project.pk)


def _lock_contract(contract: GainContract) -> tuple[Project, GainContract]:
    project = _lock_project(contract.project)
    locked = GainContract.objects.select_for_update().get(pk=contract.pk)
    locked.project = project
    return project, locked


def _locked_statements(contract: GainContract) -> list[GainStatement]:
    return list(GainStatement.objects.select_for_update().filter(contract=contract).order_by("period"))


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": [_("请填写理由")]})
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": [_("理由最多 %(n)s 个字") % {"n": MAX_REASON}]})
    return text


def _require(project: Project, states: frozenset[str], message: str) -> None:
    if project.state not in states:
        raise TransitionRefused(message)


def _measured(raw: Any, field: str) -> Decimal:
    """A measurement read as gain_share reads one (no floats, at most 6 decimals), or the refusal."""
    reader = Reader()
    value = reader.number({field: raw}, field, (), gain_share.MEASURED)
    if value is None:
        raise _refusal(reader.problems)
    return value


def _on(project: Project) -> dict[str, Any]:
    """Where a gain-sharing event is written: on the project, so the steps appear in the project's timeline
    with its other steps, under the provider's organisation and the enterprise's region."""
    return {"target": project, **project.event_place()}


# ------------------------------------------------------------------------------------------------ baseline


def latest_t0(enterprise: Enterprise) -> Assessment | None:
    """The enterprise's newest T0 (before the retrofit) assessment whose result counts."""
    return (
        Assessment.objects.final()
        .filter(enterprise=enterprise, phase=Phase.T0)
        .order_by(F("assessed_on").desc(nulls_last=True), F("scored_at").desc(nulls_last=True), "-pk")
        .first()
    )


def _number(numbers: Mapping[str, Any], code: str) -> Decimal | None:
    try:
        value = Decimal(str(numbers[code]))
    except (KeyError, InvalidOperation):
        return None
    return value if value.is_finite() else None


def derive_baseline(kpi: str, numbers: Mapping[str, Any]) -> Decimal | None:
    """The KPI from an assessment's collected numbers (``RATIOS``), half-up to 6 decimals; None when the KPI
    is not one of the ratios, a number is missing, or the denominator is not positive."""
    if kpi not in RATIOS:
        return None
    top_code, bottom_code, scale = RATIOS[kpi]
    top, bottom = _number(numbers, top_code), _number(numbers, bottom_code)
    if top is None or bottom is None or top < 0 or bottom <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        value = top * scale / bottom
        return value.quantize(Decimal(1).scaleb(-gain_share.KPI_PLACES), rounding=ROUND_HALF_UP) + 0


def t0_baseline(enterprise: Enterprise, kpi: str) -> T0Baseline | None:
    """The baseline the latest T0 assessment gives for the KPI, if its numbers give one."""
    if kpi not in RATIOS:
        return None
    assessment = latest_t0(enterprise)
    if assessment is None:
        return None
    value = derive_baseline(kpi, assessment.answers_part("numbers"))
    return T0Baseline(value, assessment) if value is not None else None


# ------------------------------------------------------------------------------------------------ contract


def _parse_terms(
    *, kpi: str, kpi_name: str, lower_is_better: bool | None, baseline: Any, numbers: Mapping[str, Any]
) -> gain_share.GainContract:
    raw: dict[str, Any] = {"kpi": kpi, "kpi_name": kpi_name, "baseline": baseline, **numbers}
    if lower_is_better is not None:
        raw["lower_is_better"] = lower_is_better
    reader = Reader()
    terms = gain_share.parse_contract(reader, raw)
    if reader.problems or terms is None:
        raise _refusal(reader.problems)
    return terms


def _baseline(project: Project, kpi: str, given: Any) -> tuple[Any, T0Baseline | None]:
    """The T0 baseline where the KPI's ratio can be derived (DOMAIN.md 8.9: computed, not trusted; a given
    baseline must agree with it), else the agreed one given, which is then required."""
    derived = t0_baseline(project.enterprise, kpi)
    blank = given is None or (isinstance(given, str) and not given.strip())
    if derived is None:
        if blank:
            raise ValidationError(
                {
                    "baseline": [
                        _("企业最近的改造前（T0）评测没有可计算该指标的采集数据，请填写双方约定的基准值")
                    ]
                }
            )
        return given, None
    if not blank:
        value = _measured(given, "baseline")
        if value != derived.value:
            raise ValidationError(
                {
                    "baseline": [
                        _("基准值取自企业改造前（T0）评测的采集数据，应为 %(value)s，不能另填 %(given)s")
                        % {"value": plain(derived.value), "given": plain(value)}
                    ]
                }
            )
    return derived.value, derived


def _check_schedule(period_months: Any, starts_on: Any, kpi: str, kpi_unit: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if period_months not in PeriodMonths.values:
        problems["period_months"] = [_("每期长度只能是 1、3、6 或 12 个月")]
    if not isinstance(starts_on, date):
        problems["starts_on"] = [_("请填写第一期开始日期")]
    if kpi == KpiCode.CUSTOM and len((kpi_unit or "").strip()) > 20:
        problems["kpi_unit"] = [_("指标单位最多 20 个字符")]
    return problems


@transaction.atomic
def contract_create(
    *,
    actor: Actor,
    project: Project,
    kpi: str,
    yuan_per_unit: Any,
    share: Any,
    cap_total_yuan: Any,
    term_periods: Any,
    starts_on: date,
    period_months: int = PeriodMonths.YEAR,
    baseline: Any = None,
    lower_is_better: bool | None = None,
    kpi_name: str = "",
    kpi_unit: str = "",
) -> GainContract:
    """The provider's gain-sharing contract on an approved, open project: one per project."""
    locked = _lock_project(project)
    _require(locked, CONTRACT_PROJECT_STATES, _("项目批准后、结束前才能签订收益分享合同"))
    if GainContract.objects.filter(project=locked).exists():
        raise TransitionRefused(_("该项目已有收益分享合同"))
    problems = _check_schedule(period_months, starts_on, kpi, kpi_unit)
    try:
        given, derived = _baseline(locked, kpi, baseline) if kpi in KpiCode.values else (baseline, None)
    except ValidationError as error:
        problems.update(error.message_dict)
        given, derived = "0", None  # read the other terms too, so every problem is reported at once
    numbers = {
        "yuan_per_unit": yuan_per_unit,
        "share": share,
        "cap_total_yuan": cap_total_yuan,
        "term_periods": term_periods,
    }
    try:
        terms = _parse_terms(
            kpi=kpi, kpi_name=kpi_name, lower_is_better=lower_is_better, baseline=given, numbers=numbers
        )
    except ValidationError as error:
        problems = {**error.message_dict, **problems}
    if problems:
        raise ValidationError(problems)
    contract = GainContract(
        project=locked,
        kpi=terms.kpi,
        kpi_name=terms.kpi_name if terms.kpi == KpiCode.CUSTOM else "",
        kpi_unit=(kpi_unit or "").strip() if terms.kpi == KpiCode.CUSTOM else "",
        lower_is_better=terms.lower_is_better,
        baseline=terms.baseline,
        baseline_source=BaselineSource.T0_ASSESSMENT if derived else BaselineSource.AGREED,
        baseline_assessment=derived.assessment if derived else None,
        yuan_per_unit=terms.yuan_per_unit,
        share=terms.share,
        cap_total_yuan=terms.cap_total_yuan,
        term_periods=terms.term_periods,
        period_months=period_months,
        starts_on=starts_on,
        created_by_id=actor_id(actor),
    )
    contract.full_clean()
    contract.save()
    record_event(
        actor=actor,
        verb="gain.contract_created",
        **_on(locked),
        payload={
            "contract": contract.pk,
            "kpi": contract.kpi,
            "lower_is_better": contract.lower_is_better,
            "baseline": str(contract.baseline),
            "baseline_source": contract.baseline_source,
            "baseline_assessment": derived.assessment.pk if derived else None,
            "yuan_per_unit": str(contract.yuan_per_unit),
            "share": str(contract.share),
            "cap_total_yuan": str(contract.cap_total_yuan),
            "term_periods": contract.term_periods,
            "period_months": contract.period_months,
            "starts_on": starts_on.isoformat(),
        },
    )
    return contract


# ------------------------------------------------------------------------------------------------ statements


def _settle(
    contract: GainContract, measured: Sequence[Decimal], field: str = "measured"
) -> gain_share.GainSettlement:
    try:
        settlement = gain_share.settle(contract.to_calc(), measured)
    except CalculatorError as error:  # more periods than the term: the callers check first
        raise _refusal(error.problems) from error
    for fee in settlement.periods:
        if abs(fee.gain_yuan) >= GAIN_LIMIT:
            raise ValidationError(
                {field: [_("按第 %(n)s 期的实测值计算的收益超出金额上限，请核对实测值") % {"n": fee.period}]}
            )
    return settlement


def _figures(fee: gain_share.PeriodFee) -> dict[str, Any]:
    return {
        "gain_yuan": fee.gain_yuan,
        "fee_yuan": fee.fee_yuan,
        "explanation": [line.to_json() for line in fee.explanation],
    }


def _next_period(contract: GainContract, done: int, period: int | None, today: date) -> int:
    """The period the next statement is for: the one after the last, within the term, once it is over."""
    following = done + 1
    if following > contract.term_periods or (period is not None and period > contract.term_periods):
        raise ValidationError(
            {
                "period": [
                    _("合同共 %(term)s 期，收益报表已全部提交，不能再提交") % {"term": contract.term_periods}
                ]
            }
        )
    if period is not None and period != following:
        raise ValidationError(
            {"period": [_("收益报表须按期顺序提交：下一期是第 %(n)s 期") % {"n": following}]}
        )
    ends = contract.period_ends_on(following)
    if today < ends:
        raise ValidationError(
            {
                "period": [
                    _("第 %(n)s 期（%(start)s 至 %(end)s）尚未结束，期满后才能提交收益报表")
                    % {
                        "n": following,
                        "start": contract.period_starts_on(following).isoformat(),
                        "end": (ends - timedelta(days=1)).isoformat(),
                    }
                ]
            }
        )
    return following


@transaction.atomic
def statement_submit(
    *, actor: Actor, contract: GainContract, measured: Any, period: int | None = None
) -> GainStatement:
    """The provider's statement for the next period (``period``, when given, must be that one), computed
    with every earlier period's measurement so the fees before it and the cap hold."""
    project, locked = _lock_contract(contract)
    _require(project, STATEMENT_PROJECT_STATES, _("项目当前状态不能提交收益报表"))
    statements = _locked_statements(locked)
    following = _next_period(locked, len(statements), period, timezone.localdate())
    if locked.state != GainContractState.ACTIVE:
        raise TransitionRefused(_("收益分享合同已期满"))
    value = _measured(measured, "measured")
    settlement = _settle(locked, [s.effective_measured for s in statements] + [value])
    fee = settlement.periods[-1]
    statement = GainStatement(
        contract=locked,
        period=following,
        measured=value,
        submitted_fee_yuan=fee.fee_yuan,
        submitted_by_id=actor_id(actor),
        **_figures(fee),
    )
    statement.full_clean()
    statement.save()
    if following == locked.term_periods:
        locked.state = GainContractState.ENDED
        locked.save(update_fields=["state", "updated_at"])
    record_event(
        actor=actor,
        verb="gain.statement_submitted",
        **_on(project),
        payload={
            "contract": locked.pk,
            "statement": statement.pk,
            "period": following,
            "measured": str(value),
            "gain_yuan": str(fee.gain_yuan),
            "fee_yuan": str(fee.fee_yuan),
        },
    )
    return statement


def _lock_statement(statement: GainStatement) -> tuple[Project, GainContract, list[GainStatement]]:
    project, contract = _lock_contract(statement.contract)
    return project, contract, _locked_statements(contract)


@transaction.atomic
def statement_dispute(*, actor: Actor, statement: GainStatement, reason: str) -> GainStatement:
    """The enterprise contests a submitted statement, with its reason; the authority settles it."""
    project, _contract, statements = _lock_statement(statement)
    row = next(s for s in statements if s.pk == statement.pk)
    return run_transition(
        row,
        DISPUTE,
        actor=actor,
        changes={
            "dispute_reason": _reason(reason),
            "disputed_by_id": actor_id(actor),
            "disputed_at": timezone.now(),
        },
        payload={"statement": row.pk, "period": row.period},
        locked=True,
        event_target=project,
        **project.event_place(),
    )


@transaction.atomic
def statement_settle(
    *, actor: Actor, statement: GainStatement, reason: str, corrected_measured: Any = None
) -> GainStatement:
    """The authority settles a disputed statement. With a corrected measurement, that period's figures and
    every later period's are recomputed in order through ``gain_share.settle`` (the fees before them and
    the room under the cap change with it); without one, the statement stands as computed."""
    project, contract, statements = _lock_statement(statement)
    row = next(s for s in statements if s.pk == statement.pk)
    text = _reason(reason)
    blank = corrected_measured is None or (
        isinstance(corrected_measured, str) and not corrected_measured.strip()
    )
    corrected = None if blank else _measured(corrected_measured, "corrected_measured")
    if corrected == row.measured:
        corrected = None  # the measurement as submitted: nothing to correct
    recomputed: list[dict[str, Any]] = []
    figures: dict[str, Any] = {}  # the settled statement's own, when its measurement is corrected
    if corrected is not None:
        measured = [corrected if s.pk == row.pk else s.effective_measured for s in statements]
        settlement = _settle(contract, measured, "corrected_measured")
        for s, fee in zip(statements, settlement.periods, strict=True):
            if s.period < row.period:
                continue
            if (s.gain_yuan, s.fee_yuan) != (fee.gain_yuan, fee.fee_yuan) or s.pk == row.pk:
                recomputed.append(
                    {"period": s.period, "fee_before": str(s.fee_yuan), "fee_after": str(fee.fee_yuan)}
                )
            if s.pk == row.pk:
                figures = _figures(fee)
                continue
            for name, value in _figures(fee).items():
                setattr(s, name, value)
            s.full_clean()
            s.save(update_fields=["gain_yuan", "fee_yuan", "explanation", "updated_at"])
    settled = run_transition(
        row,
        SETTLE,
        actor=actor,
        changes={
            "corrected_measured": corrected,
            "settlement_reason": text,
            "settled_by_id": actor_id(actor),
            "settled_at": timezone.now(),
            **figures,
        },
        payload={
            "statement": row.pk,
            "period": row.period,
            "corrected_measured": str(corrected) if corrected is not None else None,
            "fee_yuan": str(figures.get("fee_yuan", row.fee_yuan)),
            "recomputed": recomputed,
        },
        locked=True,
        event_target=project,
        **project.event_place(),
    )
    return settled


def total_fee(contract: GainContract) -> Decimal:
    """The fees of all statements so far (never above the cap: gain_share.settle)."""
    return sum((s.fee_yuan for s in contract.statements.all()), Decimal("0.00"))
