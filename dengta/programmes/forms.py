"""Forms of programme administration. They keep what a person typed; the services parse the figures and
decide (a refusal comes back as field errors, ARCHITECTURE.md convention 3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from dengta.programmes.models import Application, ApplicationSubIndustry, PoolEnterprise
from dengta.reference.models import SubIndustry
from dengta.registry.forms import StyledForm
from dengta.registry.models import Provider

# The fields of the fund plan, targets and plan form, as application_update takes them.
PLAN_FIELDS = (
    "award_requested_yuan",
    "retrofit_share",
    "service_share",
    "local_matching_yuan",
    "target_share",
    "target_level",
    "plan",
)
TARGET_LEVELS = (
    ("", gettext_lazy("请选择")),
    ("1", gettext_lazy("一级")),
    ("2", gettext_lazy("二级")),
    ("3", gettext_lazy("三级")),
    ("4", gettext_lazy("四级")),
)


def _plain(value: Decimal | None) -> str:
    """A stored decimal as a person would type it (0.8000 → 0.8; 150000000.00 → 150000000)."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


class PlanForm(StyledForm):
    """The fund plan, targets and the plan's summary. Figures are text here: application_update parses
    them and says what is wrong with each, so the person's input is kept exactly as typed."""

    award_requested_yuan = forms.CharField(
        label=gettext_lazy("申请奖补资金（元）"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("按批次规则的奖补上限填写，例如 150000000"),
    )
    retrofit_share = forms.CharField(
        label=gettext_lazy("用于企业改造的比例"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("0 到 1 之间的小数，例如 0.8 表示 80%；批次规则规定最低比例"),
    )
    service_share = forms.CharField(
        label=gettext_lazy("用于服务能力提升的比例"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("0 到 1 之间的小数，与改造比例之和不超过 1"),
    )
    local_matching_yuan = forms.CharField(
        label=gettext_lazy("地方配套资金（元）"), required=False, max_length=30
    )
    target_share = forms.CharField(
        label=gettext_lazy("目标：规上试点企业达标比例"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("0 到 1 之间的小数，例如 0.9 表示 90% 的规上试点企业达到目标等级"),
    )
    target_level = forms.ChoiceField(label=gettext_lazy("目标等级"), required=False, choices=TARGET_LEVELS)
    plan = forms.CharField(
        label=gettext_lazy("实施方案要点"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    @classmethod
    def initial_for(cls, application: Application) -> dict[str, Any]:
        return {
            "award_requested_yuan": _plain(application.award_requested_yuan),
            "retrofit_share": _plain(application.retrofit_share),
            "service_share": _plain(application.service_share),
            "local_matching_yuan": _plain(application.local_matching_yuan),
            "target_share": _plain(application.target_share),
            "target_level": str(application.target_level or ""),
            "plan": application.plan,
        }


class SubIndustryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class SubIndustryForm(StyledForm):
    sub_industry = SubIndustryChoice(
        label=gettext_lazy("细分行业"),
        queryset=SubIndustry.objects.order_by("-is_focus", "name"),
        empty_label=gettext_lazy("请选择"),
    )
    local_name = forms.CharField(
        label=gettext_lazy("本地名称"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("本地对该细分行业的叫法，可不填"),
    )


class ProviderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.organization.name)


class EntryForm(StyledForm):
    """A step on one of the application's sub-industries (the entry is a hidden field of each card)."""

    entry = forms.ModelChoiceField(queryset=ApplicationSubIndustry.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entry_field = self.fields["entry"]
        assert isinstance(entry_field, forms.ModelChoiceField)
        entry_field.queryset = application.sub_industries.all()


class ProviderForm(EntryForm):
    provider = ProviderChoice(
        label=gettext_lazy("推荐服务商"), queryset=Provider.objects.none(), empty_label=gettext_lazy("请选择")
    )

    def __init__(self, *args: Any, providers: QuerySet[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider_field = self.fields["provider"]
        assert isinstance(provider_field, forms.ModelChoiceField)
        provider_field.queryset = providers


class EnterpriseForm(EntryForm):
    uscc = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=40)


class RemoveEnterpriseForm(forms.Form):
    row = forms.ModelChoiceField(
        queryset=PoolEnterprise.objects.none(),
        error_messages={
            "required": gettext_lazy("请选择要移出的企业"),
            "invalid_choice": gettext_lazy("请选择要移出的企业"),
        },
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        row_field = self.fields["row"]
        assert isinstance(row_field, forms.ModelChoiceField)
        row_field.queryset = application.pool.select_related("enterprise")


class SubmitForm(StyledForm):
    # Not required here: application_submit refuses without it and says why (one message for page and API).
    declared = forms.BooleanField(
        label=gettext_lazy("本单位承诺所填申报内容真实、准确、完整，并对其真实性负责"), required=False
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("退回或否决时必填，申报单位会看到"),
    )
