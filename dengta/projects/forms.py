"""Forms of the project pages: they parse and say what is missing; the rules are the services'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dengta.catalog.models import Category
from dengta.projects import dossier
from dengta.projects.models import EvaluationOutcome, ProjectRules

LEVELS = [("1", _("一级")), ("2", _("二级")), ("3", _("三级")), ("4", _("四级"))]
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})


def _choose(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _small(field: forms.Field) -> forms.Field:
    css = (
        "form-select form-select-sm"
        if isinstance(field.widget, forms.Select)
        else "form-control form-control-sm"
    )
    field.widget.attrs.setdefault("class", css)
    return field


class FilingForm(forms.Form):
    pilot = forms.TypedChoiceField(label=_("试点"), coerce=int)
    uscc = forms.CharField(
        label=_("企业统一社会信用代码"),
        max_length=40,
        help_text=_("须为该试点企业库中的企业"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    title = forms.CharField(label=_("项目名称"), max_length=120)
    starts_on = forms.DateField(label=_("计划开始"), widget=DATE)
    ends_on = forms.DateField(label=_("计划完成"), widget=DATE)
    target_level = forms.TypedChoiceField(label=_("目标等级"), choices=LEVELS, coerce=int, initial="2")

    def __init__(self, *args: Any, pilots: list[tuple[int, str]], products: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "pilot", [("", _("请选择")), *pilots])
        self.products = products
        for product in products:
            self.fields[f"qty_{product.pk}"] = forms.IntegerField(
                label=product.name,
                required=False,
                min_value=0,
                max_value=1_000_000,
                # Named by the product's cell (aria-labelledby): the name is data, in the language it was
                # typed, so it is not a <label> of the interface.
                widget=forms.NumberInput(
                    attrs={
                        "class": "form-control form-control-sm",
                        "inputmode": "numeric",
                        "aria-labelledby": f"id_qty_{product.pk}-name",
                    }
                ),
            )
        for field in self.fields.values():
            _small(field)

    def quantities(self) -> list[tuple[Any, int]]:
        return [
            (product, self.cleaned_data[f"qty_{product.pk}"])
            for product in self.products
            if self.cleaned_data.get(f"qty_{product.pk}")
        ]

    def product_fields(self) -> list[tuple[Any, forms.BoundField]]:
        return [(product, self[f"qty_{product.pk}"]) for product in self.products]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class DateForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=DATE)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("里程碑"), max_length=120)
    due_on = forms.DateField(label=_("计划日期"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _small(self.fields["title"])


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"))
    file = forms.FileField(label=_("文件"))
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, english: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "kind", [(k.code, k.label(english)) for k in dossier.load_spec().kinds])
        for field in self.fields.values():
            _small(field)


class InvoiceForm(forms.Form):
    number = forms.CharField(label=_("发票号码"), max_length=60)
    issued_on = forms.DateField(label=_("开票日期"), widget=DATE)
    amount_yuan = forms.DecimalField(label=_("金额（元）"), max_digits=16, decimal_places=2, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _small(self.fields["number"])
        _small(self.fields["amount_yuan"])


class PaymentForm(forms.Form):
    reference = forms.CharField(label=_("付款凭证号"), max_length=60)
    paid_on = forms.DateField(label=_("付款日期"), widget=DATE)
    amount_yuan = forms.DecimalField(label=_("金额（元）"), max_digits=16, decimal_places=2, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _small(self.fields["reference"])
        _small(self.fields["amount_yuan"])


class ExpertForm(forms.Form):
    expert = forms.TypedChoiceField(label=_("评定专家"), coerce=int)

    def __init__(self, *args: Any, experts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "expert", [("", _("请选择")), *experts])
        _small(self.fields["expert"])


class EvaluationForm(forms.Form):
    assessment = forms.TypedChoiceField(label=_("改造后现场评定"), coerce=int)
    outcome = forms.ChoiceField(label=_("结论"), choices=EvaluationOutcome.choices)
    findings = forms.CharField(
        label=_("评定意见"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rectify_by = forms.DateField(label=_("整改期限"), required=False, widget=DATE)

    def __init__(self, *args: Any, assessments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "assessment", [("", _("请选择")), *assessments])
        for field in self.fields.values():
            _small(field)


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("满意度"), coerce=int, choices=[(str(n), str(n)) for n in range(5, 0, -1)]
    )
    comment = forms.CharField(label=_("评价"), max_length=1000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _small(field)


PERCENT = Decimal(100)


def percent_text(share: Decimal) -> str:
    """A fraction as the per cent people type and read: 0.8 → "80", 0.333333 → "33.3333" (never "8E+1")."""
    return f"{(Decimal(share) * PERCENT).normalize():f}"


def _percent(label: Any, help_text: Any) -> forms.DecimalField:
    """A share typed as a percentage (50 for 50 %), stored as a fraction with 6 decimals."""
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=8,
        decimal_places=4,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ProjectRulesForm(forms.Form):
    """The pilot's project rules as its authority edits them; the service checks them again and writes the
    revision (services/filing.rules_update)."""

    subsidy_percent = _percent(_("补贴比例（%）"), _("按可补贴投入计，如 50 表示补贴 50%"))
    cap_per_enterprise_yuan = forms.DecimalField(
        label=_("单户补贴上限（元）"), min_value=0, max_digits=16, decimal_places=2
    )
    central_percent = _percent(
        _("中央资金分担比例（%）"),
        _("补贴中由中央奖补资金（企业改造资金）承担的比例，其余由地方配套资金承担"),
    )
    eligible_categories = forms.MultipleChoiceField(
        label=_("可补贴的产品类别"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("请至少选择一个可补贴的产品类别")},
    )
    acceptance_deadline_months = forms.IntegerField(
        label=_("完工后申请验收期限（月）"), min_value=1, max_value=24
    )
    tolerance_yuan = forms.DecimalField(
        label=_("票据核对容差（元）"), min_value=0, max_value=10000, max_digits=16, decimal_places=2
    )
    filing_before_contract = forms.BooleanField(label=_("须先备案后签约付款"), required=False)
    one_project_per_enterprise = forms.BooleanField(
        label=_("每家企业在同一试点项目中限一个补贴项目"), required=False
    )
    reason = forms.CharField(
        label=_("修改理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}), strip=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in ("eligible_categories", "filing_before_contract", "one_project_per_enterprise"):
                _small(field)

    @staticmethod
    def initial_for(rules: ProjectRules) -> dict[str, Any]:
        return {
            "subsidy_percent": percent_text(rules.subsidy_rate),
            "cap_per_enterprise_yuan": rules.cap_per_enterprise_yuan,
            "central_percent": percent_text(rules.central_share),
            "eligible_categories": list(rules.eligible_categories),
            "acceptance_deadline_months": rules.acceptance_deadline_months,
            "tolerance_yuan": rules.tolerance_yuan,
            "filing_before_contract": rules.filing_before_contract,
            "one_project_per_enterprise": rules.one_project_per_enterprise,
        }

    def values(self) -> dict[str, Any]:
        """The rules as ``rules_update`` takes them (it keeps the ones that differ from those in force)."""
        data = self.cleaned_data
        return {
            "subsidy_rate": data["subsidy_percent"] / PERCENT,
            "cap_per_enterprise_yuan": data["cap_per_enterprise_yuan"],
            "central_share": data["central_percent"] / PERCENT,
            "eligible_categories": [c for c, _label in Category.choices if c in data["eligible_categories"]],
            "acceptance_deadline_months": data["acceptance_deadline_months"],
            "tolerance_yuan": data["tolerance_yuan"],
            "filing_before_contract": data["filing_before_contract"],
            "one_project_per_enterprise": data["one_project_per_enterprise"],
        }
