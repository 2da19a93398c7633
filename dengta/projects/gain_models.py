"""Gain-sharing contracts on retrofit projects (以转型收益支付服务费用, DOMAIN.md 1.4; docs/projects.md "Gain
sharing"): the terms the provider and the enterprise agreed, and one statement per period with the
calculation of ``gain_share.settle`` kept beside its figures.

A contract follows the shared-savings model of energy performance contracting (GB/T 24915): a baseline, a KPI
measured each period, a value per unit of improvement, the provider's share and a cap over the term. The
period is a year by default because the numbers the assessment collects, which give the baseline, are yearly
figures (上年/前年, DOMAIN.md 3.2.1); a contract may choose months, quarters or half-years when the KPI is
metered more often. Writes go through ``services/gain.py``; the figures are never typed, always computed.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dengta.core.models import TimeStampedModel
from dengta.core.workflows import Transition
from dengta.projects import gain_share
from dengta.projects.inputs import pct, plain
from dengta.projects.models import CLOSED_STATES, FUNDED_STATES, Project

# A KPI value or a unit price: at most 6 decimals and 14 digits before the point, as gain_share reads them
# (inputs.to_decimal), so every value the calculator accepts fits the column.
VALUE_DIGITS = 20
VALUE_PLACES = gain_share.KPI_PLACES

# Contracts are signed once the project is approved and while it is open; an archived project's contract keeps
# running (the gains come in the years after the retrofit), so statements follow every funded state.
CONTRACT_PROJECT_STATES = frozenset(FUNDED_STATES - CLOSED_STATES)
STATEMENT_PROJECT_STATES = frozenset(FUNDED_STATES)


class KpiCode(models.TextChoices):
    """gain_share.KPIS by code (the derived indicators of DOMAIN.md 8.9, the pass rate, or a custom one)."""

    ENERGY_PER_100_YUAN_REVENUE = "energy_per_100_yuan_revenue", _("百元营业收入能耗")
    PASS_RATE = "pass_rate", _("产品合格率")
    REVENUE_PER_EMPLOYEE = "revenue_per_employee", _("人均营业收入")
    COST_PER_100_YUAN_REVENUE = "cost_per_100_yuan_revenue", _("百元营业收入成本")
    CUSTOM = "custom", _("自定义计量指标")


# The unit each named KPI is measured in, so that the baseline derived from the assessment's numbers
# (services/gain.py) and the measurements are the same quantity; a custom KPI states its own.
KPI_UNITS: dict[str, Promise | str] = {
    KpiCode.ENERGY_PER_100_YUAN_REVENUE: _("千克标准煤/百元"),
    KpiCode.PASS_RATE: "%",
    KpiCode.REVENUE_PER_EMPLOYEE: _("万元/人"),
    KpiCode.COST_PER_100_YUAN_REVENUE: _("元/百元"),
}


class BaselineSource(models.TextChoices):
    T0_ASSESSMENT = "t0_assessment", _("改造前（T0）评测采集数据")
    AGREED = "agreed", _("双方约定")


class PeriodMonths(models.IntegerChoices):
    MONTH = 1, _("1 个月")
    QUARTER = 3, _("3 个月")
    HALF_YEAR = 6, _("6 个月")
    YEAR = 12, _("12 个月")


class GainContractState(models.TextChoices):
    ACTIVE = "active", _("执行中")
    ENDED = "ended", _("期满")  # every period of the term has its statement


class GainContract(TimeStampedModel):
    """The gain-sharing terms of one project, signed by its provider. ``to_calc`` gives gain_share's contract,
    so every statement is computed by the same code the calculator API uses."""

    project = models.OneToOneField(
        Project, on_delete=models.PROTECT, related_name="gain_contract", verbose_name=_("项目")
    )
    kpi = models.CharField(_("指标"), max_length=40, choices=KpiCode.choices)
    kpi_name = models.CharField(_("自定义指标名称"), max_length=gain_share.MAX_KPI_NAME, blank=True)
    kpi_unit = models.CharField(_("自定义指标单位"), max_length=20, blank=True)
    lower_is_better = models.BooleanField(_("越低越好"))
    baseline = models.DecimalField(_("基准值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    baseline_source = models.CharField(_("基准值来源"), max_length=20, choices=BaselineSource.choices)
    # The T0 assessment whose collected numbers gave the baseline (DOMAIN.md 8.8: kept to recompute it).
    baseline_assessment = models.ForeignKey(
        "assessment.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("基准值所依据的评测"),
    )
    yuan_per_unit = models.DecimalField(
        _("每单位改进的价值（元）"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES
    )
    share = models.DecimalField(_("服务商分成比例"), max_digits=7, decimal_places=6)
    cap_total_yuan = models.DecimalField(_("服务费总上限（元）"), max_digits=16, decimal_places=2)
    term_periods = models.PositiveSmallIntegerField(_("合同期数"))
    period_months = models.PositiveSmallIntegerField(
        _("每期长度"), choices=PeriodMonths.choices, default=PeriodMonths.YEAR
    )
    starts_on = models.DateField(_("第一期开始日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=GainContractState.choices, default=GainContractState.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签订人")
    )

    class Meta:
        verbose_name = _("收益分享合同")
        verbose_name_plural = _("收益分享合同")
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=1), name="projects_gain_contract_share_range"
            ),
            models.CheckConstraint(
                condition=Q(yuan_per_unit__gte=0, cap_total_yuan__gte=0), name="projects_gain_contract_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(term_periods__gte=1, term_periods__lte=gain_share.MAX_PERIODS),
                name="projects_gain_contract_term",
            ),
            models.CheckConstraint(
                condition=Q(period_months__in=PeriodMonths.values), name="projects_gain_contract_period"
            ),
            models.CheckConstraint(
                condition=Q(kpi__in=KpiCode.values), name="projects_gain_contract_kpi_known"
            ),
            models.CheckConstraint(
                condition=~Q(kpi=KpiCode.CUSTOM) | ~Q(kpi_name=""), name="projects_gain_contract_custom_named"
            ),
            # A T0 baseline names its assessment; an agreed one names none.
            models.CheckConstraint(
                condition=Q(baseline_source=BaselineSource.T0_ASSESSMENT, baseline_assessment__isnull=False)
                | Q(baseline_source=BaselineSource.AGREED, baseline_assessment__isnull=True),
                name="projects_gain_contract_baseline_source",
            ),
            models.CheckConstraint(
                condition=Q(state__in=GainContractState.values), name="projects_gain_contract_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.kpi_label}"

    @property
    def kpi_label(self) -> str:
        return self.kpi_name if self.kpi == KpiCode.CUSTOM else str(KpiCode(self.kpi).label)

    @property
    def unit_label(self) -> str:
        return self.kpi_unit if self.kpi == KpiCode.CUSTOM else str(KPI_UNITS.get(self.kpi, ""))

    # Shown as agreed, without rounding or trailing zeros (a share of 0.333333 is 33.3333 %, not 33.3 %).
    @property
    def share_percent(self) -> str:
        return pct(self.share)

    @property
    def baseline_text(self) -> str:
        return plain(self.baseline)

    @property
    def yuan_per_unit_text(self) -> str:
        return plain(self.yuan_per_unit)

    def to_calc(self) -> gain_share.GainContract:
        return gain_share.GainContract(
            kpi=self.kpi,
            kpi_name=self.kpi_name or gain_share.KPIS[self.kpi].zh,
            lower_is_better=self.lower_is_better,
            baseline=self.baseline,
            yuan_per_unit=self.yuan_per_unit,
            share=self.share,
            cap_total_yuan=self.cap_total_yuan,
            term_periods=self.term_periods,
        )

    def period_starts_on(self, period: int) -> date:
        return add_months(self.starts_on, (period - 1) * self.period_months)

    def period_ends_on(self, period: int) -> date:
        """The first day after the period: its measurement can be known from then on."""
        return add_months(self.starts_on, period * self.period_months)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


class GainStatementState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    DISPUTED = "disputed", _("有异议")
    SETTLED = "settled", _("已裁定")


# The statement's workflow as data (ARCHITECTURE.md convention 6): the provider submits, the enterprise may
# dispute a submitted statement, the authority settles a disputed one. An undisputed statement stands.
DISPUTE = Transition(
    "dispute",
    frozenset({GainStatementState.SUBMITTED}),
    GainStatementState.DISPUTED,
    "gain.statement_disputed",
)
SETTLE = Transition(
    "settle", frozenset({GainStatementState.DISPUTED}), GainStatementState.SETTLED, "gain.statement_settled"
)


class GainStatement(TimeStampedModel):
    """One period's measurement and the gain and fee ``gain_share.settle`` computed over all periods so far
    (so fees_before and the cap hold), with its explanation in both languages. A settlement may correct the
    measurement; the figures of that period and the later ones are then recomputed, never typed."""

    contract = models.ForeignKey(
        GainContract, on_delete=models.PROTECT, related_name="statements", verbose_name=_("收益分享合同")
    )
    period = models.PositiveSmallIntegerField(_("期数"))
    measured = models.DecimalField(_("提交的实测值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    corrected_measured = models.DecimalField(
        _("裁定的实测值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    gain_yuan = models.DecimalField(_("收益（元）"), max_digits=16, decimal_places=2)
    fee_yuan = models.DecimalField(_("服务费（元）"), max_digits=16, decimal_places=2)
    submitted_fee_yuan = models.DecimalField(_("提交时计算的服务费（元）"), max_digits=16, decimal_places=2)
    explanation = models.JSONField(_("计算说明"), default=list, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=GainStatementState.choices, default=GainStatementState.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    dispute_reason = models.TextField(_("异议理由"), max_length=2000, blank=True)
    disputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提出异议人"),
    )
    disputed_at = models.DateTimeField(_("提出异议时间"), null=True, blank=True)
    settlement_reason = models.TextField(_("裁定意见"), max_length=2000, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("裁定人"),
    )
    settled_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)

    class Meta:
        ordering = ["contract", "period"]
        verbose_name = _("收益报表")
        verbose_name_plural = _("收益报表")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period"], name="projects_gain_statement_period_once"
            ),
            models.CheckConstraint(condition=Q(period__gte=1), name="projects_gain_statement_period"),
            # gain_share: the fee is never negative and never more than the gain it shares (share ≤ 1).
            models.CheckConstraint(
                condition=Q(fee_yuan__gte=0, submitted_fee_yuan__gte=0),
                name="projects_gain_statement_fee_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(fee_yuan=0) | Q(fee_yuan__lte=F("gain_yuan")),
                name="projects_gain_statement_fee_within_gain",
            ),
            # Each state carries its record: a dispute its reason and time, a settlement its own as well.
            models.CheckConstraint(
                condition=Q(
                    state=GainStatementState.SUBMITTED, disputed_at__isnull=True, settled_at__isnull=True
                )
                | (
                    Q(state=GainStatementState.DISPUTED, disputed_at__isnull=False, settled_at__isnull=True)
                    & ~Q(dispute_reason="")
                )
                | (
                    Q(state=GainStatementState.SETTLED, disputed_at__isnull=False, settled_at__isnull=False)
                    & ~Q(dispute_reason="")
                    & ~Q(settlement_reason="")
                ),
                name="projects_gain_statement_record",
            ),
            models.CheckConstraint(
                condition=Q(corrected_measured__isnull=True) | Q(state=GainStatementState.SETTLED),
                name="projects_gain_statement_correction_settled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} · {self.period}"

    @property
    def effective_measured(self) -> Decimal:
        """The measurement the figures use: the authority's correction when there is one."""
        return self.corrected_measured if self.corrected_measured is not None else self.measured

    @property
    def measured_text(self) -> str:
        return plain(self.measured)

    @property
    def corrected_text(self) -> str:
        return plain(self.corrected_measured) if self.corrected_measured is not None else ""
