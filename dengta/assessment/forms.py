"""Forms at the edges of the assessment pages: they validate input; services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dengta.assessment.models import Phase
from dengta.orgs.models import Membership
from dengta.registry import uscc
from dengta.registry.forms import StyledForm

MIIT_2024 = "miit-2024-manufacturing"
EU_DMA = "eu-dma-sme"
FRAMEWORK_CHOICES = [
    (MIIT_2024, _("中小企业数字化水平评测指标（2024年版）")),
    (EU_DMA, _("欧盟数字成熟度评估（EU DMA）")),
]


def framework_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("评测框架"),
        choices=FRAMEWORK_CHOICES,
        initial=MIIT_2024,
        required=False,  # left out: the 2024 edition, as before the choice existed
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_(
            "2024 年版判定数字化等级，用于试点验收；欧盟数字成熟度评估（EU DMA）按六个维度打分（0–100），"
            "用于与欧洲中小企业作国际比较，不判定等级。"
        ),
    )


class FrameworkChoiceMixin(forms.Form):
    def clean_framework(self) -> str:
        return str(self.cleaned_data.get("framework") or MIIT_2024)


class StartForm(FrameworkChoiceMixin, StyledForm):
    framework = framework_field()
    phase = forms.ChoiceField(
        label=_("阶段"),
        choices=Phase.choices,
        initial=Phase.T0,
        help_text=_("改造前的基线评测选 T0；改造完成后的评测选 T1。"),
    )


def _clean_uscc(value: str) -> str:
    checked = uscc.validate(value)
    if checked.problem is not None:
        raise forms.ValidationError(checked.problem.render(str))
    return checked.value


class EnterpriseByCodeForm(StyledForm):
    uscc = forms.CharField(
        label=_("企业统一社会信用代码"), max_length=30, help_text=_("18 位统一社会信用代码")
    )
    phase = forms.ChoiceField(label=_("阶段"), choices=Phase.choices, initial=Phase.T0)

    def clean_uscc(self) -> str:
        return _clean_uscc(self.cleaned_data["uscc"])


class DiagnosisForm(FrameworkChoiceMixin, EnterpriseByCodeForm):
    framework = framework_field()


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.get_full_name() or obj.user.get_username()}（{obj.organization.name}）"


class AssignForm(EnterpriseByCodeForm):
    expert = ExpertChoiceField(
        label=_("评定专家"),
        queryset=Membership.objects.none(),
        help_text=_("从专家库中选择；专家须在开始评定前声明无利益冲突。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["expert"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Membership.objects.filter(organization__type="expert_pool")
            .select_related("user", "organization")
            .order_by("organization__name", "user__username")
        )


class EvidenceForm(StyledForm):
    item_code = forms.ChoiceField(label=_("对应评测项"))
    file = forms.FileField(label=_("文件"), help_text=_("PDF、JPEG、PNG、Excel 或 Word，不超过 20 MB"))
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["item_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = items
