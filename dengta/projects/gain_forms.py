"""Forms of the gain-sharing section of a project's page: they parse and say what is missing; the rules (the
ranges, the T0 baseline, the order of periods) are the services' (services/gain.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dengta.projects.forms import DATE
from dengta.projects.gain_models import VALUE_DIGITS, VALUE_PLACES, KpiCode, PeriodMonths

LOWER, HIGHER = "lower_is_better", "higher_is_better"
DIRECTIONS = [("", _("按指标默认方向")), (LOWER, _("越低越好")), (HIGHER, _("越高越好"))]


def _small(form: forms.Form) -> None:
    for field in form.fields.values():
        css = (
            "form-select form-select-sm"
            if isinstance(field.widget, forms.Select)
            else "form-control form-control-sm"
        )
        field.widget.attrs.setdefault("class", css)


def _value(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    """A KPI value: any sign, at most 6 decimals (gain_share's reader says the same if it gets past here)."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class GainContractForm(forms.Form):
    kpi = forms.ChoiceField(label=_("指标"), choices=KpiCode.choices)
    kpi_name = forms.CharField(label=_("自定义指标名称"), max_length=100, required=False)
    kpi_unit = forms.CharField(label=_("自定义指标单位"), max_length=20, required=False)
    direction = forms.ChoiceField(label=_("指标方向"), choices=DIRECTIONS, required=False)
    baseline = _value(
        _("基准值"),
        required=False,
        help_text=_("能耗、人均营业收入和成本指标取自企业改造前（T0）评测的采集数据，可不填"),
    )
    yuan_per_unit = forms.DecimalField(
        label=_("每单位改进的价值（元）"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, min_value=0
    )
    share = forms.DecimalField(
        label=_("服务商分成比例"),
        max_digits=7,
        decimal_places=6,
        min_value=0,
        max_value=1,
        help_text=_("0 到 1 之间，如 0.3 表示 30%"),
    )
    cap_total_yuan = forms.DecimalField(
        label=_("服务费总上限（元）"), max_digits=16, decimal_places=2, min_value=0
    )
    term_periods = forms.IntegerField(label=_("合同期数"), min_value=1, max_value=600)
    period_months = forms.TypedChoiceField(
        label=_("每期长度"), choices=PeriodMonths.choices, coerce=int, initial=PeriodMonths.YEAR
    )
    starts_on = forms.DateField(label=_("第一期开始日期"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _small(self)

    def terms(self) -> dict[str, Any]:
        """The keyword arguments of ``services.gain.contract_create``."""
        data = self.cleaned_data
        direction = data.get("direction") or ""
        return {
            "kpi": data["kpi"],
            "kpi_name": data.get("kpi_name") or "",
            "kpi_unit": data.get("kpi_unit") or "",
            "lower_is_better": None if not direction else direction == LOWER,
            "baseline": data.get("baseline"),
            "yuan_per_unit": data["yuan_per_unit"],
            "share": data["share"],
            "cap_total_yuan": data["cap_total_yuan"],
            "term_periods": data["term_periods"],
            "period_months": data["period_months"],
            "starts_on": data["starts_on"],
        }


class GainStatementForm(forms.Form):
    # The period the page offered, so a statement sent twice (or from a stale page) is not taken for the
    # following period.
    period = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    measured = _value(_("本期实测值"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _small(self)


class GainDisputeForm(forms.Form):
    reason = forms.CharField(label=_("异议理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _small(self)


class GainSettleForm(forms.Form):
    reason = forms.CharField(label=_("裁定意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    corrected_measured = _value(
        _("更正后的实测值"), required=False, help_text=_("不填则维持提交的实测值和服务费")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _small(self)
