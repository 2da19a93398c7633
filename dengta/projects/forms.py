"""Forms of the project pages: they parse and say what is missing; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dengta.projects import dossier
from dengta.projects.models import EvaluationOutcome

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
