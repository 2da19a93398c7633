"""Forms of the catalogue. They validate what a person typed and keep it on error; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.catalog.models import Category, Deployment, GovernanceAction, Pool
from dengta.catalog.services.products import parse_price
from dengta.reference.models import SubIndustry
from dengta.registry.forms import StyledForm
from dengta.registry.models import ProviderKind

REFERENCE_PARTS = ("enterprise", "project", "year", "contact")


def _sub_industry_field(label: Any) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=SubIndustry.objects.order_by("-is_focus", "name"),
        required=False,
        help_text=gettext_lazy("可多选（按住 Ctrl 或 ⌘ 键）"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class PoolForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=200)
    period = forms.IntegerField(
        label=gettext_lazy("年度"),
        min_value=2022,
        max_value=2100,
        help_text=gettext_lazy("服务商库按年度设立"),
    )
    description = forms.CharField(
        label=gettext_lazy("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    kinds = forms.ModelMultipleChoiceField(
        label=gettext_lazy("接受的服务商类型"),
        queryset=ProviderKind.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("不选表示接受所有类型"),
    )
    min_references = forms.IntegerField(
        label=gettext_lazy("至少企业案例数"), min_value=0, max_value=20, initial=3
    )
    expert_review = forms.BooleanField(label=gettext_lazy("入库前需专家评审"), required=False)
    is_open = forms.BooleanField(label=gettext_lazy("接受申请"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].widget.attrs["class"] = "form-check-input"


class AdmissionForm(StyledForm):
    """The application; references are rows ``ref-N-enterprise`` … read from the POST by ``references``."""

    kind = forms.ModelChoiceField(
        label=gettext_lazy("申请类型"), queryset=ProviderKind.objects.filter(is_active=True), empty_label=None
    )
    qualifications = forms.CharField(
        label=gettext_lazy("资质情况"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy("例如：高新技术企业、ISO 9001、工业互联网平台资质、主要技术团队"),
    )
    sub_industries = _sub_industry_field(gettext_lazy("服务细分行业"))
    scenarios = forms.MultipleChoiceField(
        label=gettext_lazy("服务场景"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("《中小企业数字化水平评测指标》（2024年版）的数字化场景"),
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("同时承接项目数"), min_value=0, max_value=10000, required=False, initial=0
    )
    revenue_yuan = forms.CharField(label=gettext_lazy("上年营业收入（元）"), required=False)
    net_assets_yuan = forms.CharField(label=gettext_lazy("净资产（元）"), required=False)
    security_certification = forms.CharField(
        label=gettext_lazy("网络安全认证"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("例如：网络安全等级保护三级、ISO/IEC 27001；没有可不填"),
    )
    security_valid_until = forms.DateField(
        label=gettext_lazy("认证有效期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, framework: Compiled, reference_rows: int = 5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scenarios = self.fields["scenarios"]
        assert isinstance(scenarios, forms.MultipleChoiceField)
        scenarios.choices = [(s.code, s.name) for s in framework.scenarios]
        scenarios.widget.attrs["class"] = "form-check-input"
        self.reference_rows = reference_rows

    def _money(self, name: str) -> Decimal | None:
        raw = self.cleaned_data.get(name, "")
        if raw in ("", None):
            return None
        try:
            return parse_price(raw, name)
        except ValidationError as error:
            raise ValidationError(
                [m.replace(_("价格"), _("金额")) for m in error.message_dict.get(name, error.messages)]
            ) from None

    def clean_revenue_yuan(self) -> Decimal | None:
        return self._money("revenue_yuan")

    def clean_net_assets_yuan(self) -> Decimal | None:
        return self._money("net_assets_yuan")

    def references(self) -> list[dict[str, str]]:
        """The reference rows as typed (the service checks them)."""
        rows = []
        data: Any = self.data
        index = 0
        while f"ref-{index}-enterprise" in data:
            rows.append({part: str(data.get(f"ref-{index}-{part}", "")).strip() for part in REFERENCE_PARTS})
            index += 1
        return rows


def reference_rows(references: list[dict[str, Any]], minimum: int) -> list[dict[str, Any]]:
    """Rows to show: the references entered, then empty rows up to the pool's minimum plus two."""
    rows = [dict(r) for r in references]
    while len(rows) < max(minimum + 2, len(references) + 1):
        rows.append(dict.fromkeys(REFERENCE_PARTS, ""))
    return rows


class DecisionForm(StyledForm):
    reason = forms.CharField(
        label=gettext_lazy("意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("退回或不通过时必须填写，服务商会看到这段说明"),
    )


class OpinionForm(StyledForm):
    recommend = forms.TypedChoiceField(
        label=gettext_lazy("评审结论"),
        choices=[("1", gettext_lazy("建议入库")), ("0", gettext_lazy("不建议入库"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("评审意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recommend"].widget.attrs["class"] = "form-check-input"


class GovernanceForm(StyledForm):
    kind = forms.ChoiceField(label=gettext_lazy("措施"), choices=GovernanceAction.Kind.choices)
    reason = forms.CharField(
        label=gettext_lazy("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    rectify_by = forms.DateField(
        label=gettext_lazy("整改期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("警告时必须给出"),
    )


class AppealForm(StyledForm):
    appeal_text = forms.CharField(
        label=gettext_lazy("申诉理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class AppealDecisionForm(StyledForm):
    overturn = forms.TypedChoiceField(
        label=gettext_lazy("处理结果"),
        choices=[("0", gettext_lazy("维持原决定")), ("1", gettext_lazy("撤销原决定"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    appeal_reason = forms.CharField(
        label=gettext_lazy("处理意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["overturn"].widget.attrs["class"] = "form-check-input"


LEVEL_CHOICES = [("", gettext_lazy("不提升")), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]


class ProductForm(StyledForm):
    """A product; its lifts are a level per scenario (``lift-<code>``) and up to three item answers
    (``item-N`` = ``<item code>:<option key>``), read from the POST by ``lifts``."""

    name = forms.CharField(label=gettext_lazy("产品名称"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("产品介绍"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    category = forms.ChoiceField(label=gettext_lazy("类别"), choices=Category.choices)
    deployment = forms.ChoiceField(label=gettext_lazy("部署方式"), choices=Deployment.choices)
    sub_industries = _sub_industry_field(gettext_lazy("适用细分行业"))
    list_price = forms.CharField(
        label=gettext_lazy("市场价（元）"), help_text=gettext_lazy("例如 36000 或 36000.00")
    )
    pilot_price = forms.CharField(
        label=gettext_lazy("试点优惠价（元）"), help_text=gettext_lazy("不高于市场价；两者之差是服务商让利")
    )
    price_unit = forms.CharField(label=gettext_lazy("计价单位"), max_length=20, initial="套")
    delivery_days = forms.IntegerField(label=gettext_lazy("交付周期（天）"), min_value=1, max_value=730)
    references = forms.CharField(
        label=gettext_lazy("应用案例"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.CharField(label=gettext_lazy("版本"), max_length=40, required=False)

    def clean_list_price(self) -> Decimal:
        return parse_price(self.cleaned_data.get("list_price"), "list_price")

    def clean_pilot_price(self) -> Decimal:
        return parse_price(self.cleaned_data.get("pilot_price"), "pilot_price")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        listed, pilot = data.get("list_price"), data.get("pilot_price")
        if listed is not None and pilot is not None and pilot > listed:
            self.add_error("pilot_price", _("试点优惠价不能高于市场价"))
        return data

    def lifts(self) -> list[dict[str, Any]]:
        data = self.data
        rows: list[dict[str, Any]] = []
        for key in sorted(k for k in data if k.startswith("lift-")):
            level = str(data.get(key, "")).strip()
            if level:
                rows.append({"kind": "scenario", "code": key[len("lift-") :], "level": level})
        items: dict[str, list[str]] = {}
        for key in sorted(k for k in data if k.startswith("item-")):
            value = str(data.get(key, "")).strip()
            if ":" in value:
                code, option = value.split(":", 1)
                items.setdefault(code, []).append(option)
        rows += [{"kind": "item", "code": code, "options": options} for code, options in items.items()]
        return rows


def scenario_rows(fw: Compiled, chosen: dict[str, int]) -> list[dict[str, Any]]:
    """One row per scenario of the framework, with the level the product claims (0: none)."""
    return [
        {
            "code": s.code,
            "name": s.name,
            "group": s.group,
            "constrained": s.constrained,
            "levels": list(range(1, min(4, len(s.levels)) + 1)),
            "level": chosen.get(s.code, 0),
            "descriptions": list(s.levels),
        }
        for s in fw.scenarios
    ]


def item_choices(fw: Compiled) -> list[tuple[str, list[tuple[str, str]]]]:
    """(item name, [(code:key, option text)]) for the item-lift selects, skipping 无 options."""
    groups = []
    for item in fw.items:
        options = [
            (f"{item.code}:{o.key}", f"{o.key}. {o.text}")
            for o in item.options
            if o.points > 0 and o.key != item.exclusive
        ]
        if options:
            groups.append((item.name, options))
    return groups


class QuoteAnswerForm(StyledForm):
    quote_yuan = forms.CharField(label=gettext_lazy("报价（元）"), required=False)
    valid_until = forms.DateField(
        label=gettext_lazy("报价有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    answer = forms.CharField(
        label=gettext_lazy("答复"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class QuoteRequestForm(StyledForm):
    message = forms.CharField(
        label=gettext_lazy("需求说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("例如：希望 3 个月内上线，现有 20 台数控机床需要联网"),
    )


class RatingForm(StyledForm):
    stars = forms.TypedChoiceField(
        label=gettext_lazy("满意度"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("评价"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stars"].widget.attrs["class"] = "form-check-input"


def pool_defaults() -> dict[str, Any]:
    return {"period": timezone.localdate().year, "min_references": 3, "is_open": True}


def pool_initial(pool: Pool) -> dict[str, Any]:
    return {
        "name": pool.name,
        "period": pool.period,
        "description": pool.description,
        "kinds": list(pool.kinds.all()),
        "min_references": pool.min_references,
        "expert_review": pool.expert_review,
        "is_open": pool.is_open,
    }


class ProviderKindForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=60)
    name_en = forms.CharField(label=gettext_lazy("英文名称"), max_length=120, required=False)
    description = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)
    description_en = forms.CharField(label=gettext_lazy("英文说明"), max_length=300, required=False)
    order = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=999)
    is_active = forms.BooleanField(label=gettext_lazy("新申请可选"), required=False)
