"""Forms at the edges of the assessment pages: they validate input; services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dengta.assessment.models import Phase
from dengta.assessment.selectors import person_name
from dengta.orgs.models import Membership, OrgType
from dengta.registry import uscc
from dengta.registry.forms import StyledForm
from dengta.registry.models import Enterprise

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


class InvitedEnterpriseField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region.display_full_name}）"


class DiagnosisForm(FrameworkChoiceMixin, StyledForm):
    """A provider picks one of the enterprises that invited it: no credit code is typed, so the form
    reveals nothing about enterprises that did not."""

    enterprise = InvitedEnterpriseField(
        label=_("企业"),
        queryset=Enterprise.objects.none(),
        empty_label=_("请选择邀请了本机构的企业"),
        help_text=_("只列出邀请本机构开展诊断的企业。"),
    )
    phase = forms.ChoiceField(label=_("阶段"), choices=Phase.choices, initial=Phase.T0)
    framework = framework_field()

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = enterprises


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{person_name(obj.user)}（{obj.organization.name}）"


class AssignForm(EnterpriseByCodeForm):
    expert = ExpertChoiceField(
        label=_("评定专家"),
        queryset=Membership.objects.none(),
        help_text=_("从专家库中选择；专家须在开始评定前声明无利益冲突。"),
    )
    visit_at = forms.DateTimeField(
        label=_("现场评定时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("北京时间，专家到企业现场的日期和时间。"),
    )
    due_on = forms.DateField(
        label=_("完成期限"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("评定须在此日期前完成并签署。"),
    )
    contact_name = forms.CharField(
        label=_("企业联系人"),
        max_length=100,
        required=False,
        help_text=_("专家到现场时找谁；企业登记信息中没有联系人。"),
    )
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    note = forms.CharField(
        label=_("安排说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["expert"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Membership.objects.filter(organization__type=OrgType.EXPERT_POOL)
            .select_related("user", "organization")
            .order_by("organization__name", "user__username")
        )

    def clean_visit_at(self) -> Any:
        value = self.cleaned_data["visit_at"]
        if value is not None and value < timezone.now():
            raise forms.ValidationError(_("现场评定时间不能早于现在"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        visit, due = data.get("visit_at"), data.get("due_on")
        if visit is not None and due is not None and due < timezone.localtime(visit).date():
            self.add_error("due_on", _("完成期限不能早于现场评定时间"))
        return data


class ProviderSearchForm(forms.Form):
    q = forms.CharField(label=_("服务商名称"), max_length=100, required=False)


class InvitationRequestForm(StyledForm):
    uscc = forms.CharField(
        label=_("企业统一社会信用代码"),
        max_length=30,
        help_text=_("企业收到申请后决定是否邀请本机构；无论企业是否在平台登记，这里的答复都相同。"),
    )

    def clean_uscc(self) -> str:
        return _clean_uscc(self.cleaned_data["uscc"])


class SignOffForm(StyledForm):
    confirm = forms.BooleanField(
        label=_("我已核对评定结果，确认签署；签署后答卷和佐证材料不能再修改"),
        error_messages={"required": _("请勾选确认后再签署")},
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
