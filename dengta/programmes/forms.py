"""Forms of programme administration. They keep what a person typed; the services parse the figures and
decide (a refusal comes back as field errors, ARCHITECTURE.md convention 3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from dengta.programmes.models import Application, ApplicationSubIndustry, PoolEnterprise, ReviewMethod
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


# ---------------------------------------------------------------------------------------- ranking and review

RANKING_MODES = (
    ("score", gettext_lazy("按评审得分")),
    ("outcomes_per_yuan", gettext_lazy("按每百万元预期成效")),
)
GROUP_FIELDS = (
    ("east", gettext_lazy("东部至少入选")),
    ("central", gettext_lazy("中部至少入选")),
    ("west", gettext_lazy("西部至少入选")),
)


class RankingForm(StyledForm):
    """The staff's parameters of a batch's ranked list (read from the query string)."""

    places = forms.IntegerField(
        label=gettext_lazy("入选名额"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=gettext_lazy("不填则只受省份配额限制"),
    )
    east = forms.IntegerField(label=GROUP_FIELDS[0][1], required=False, min_value=0, max_value=100)
    central = forms.IntegerField(label=GROUP_FIELDS[1][1], required=False, min_value=0, max_value=100)
    west = forms.IntegerField(label=GROUP_FIELDS[2][1], required=False, min_value=0, max_value=100)
    mode = forms.ChoiceField(label=gettext_lazy("排序依据"), choices=RANKING_MODES, required=False)


DECISION_CHOICES = (
    ("approve", gettext_lazy("批准（按申请金额）")),
    ("return", gettext_lazy("退回补充")),
    ("reject", gettext_lazy("不予批准")),
)


class DecideForm(StyledForm):
    """One decision for the applications ticked on the ranked list."""

    decision = forms.ChoiceField(
        label=gettext_lazy("决定"),
        choices=DECISION_CHOICES,
        error_messages={"required": gettext_lazy("请选择决定"), "invalid_choice": gettext_lazy("请选择决定")},
    )
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("退回或不予批准时必填，申报单位会看到"),
    )


class AssignForm(StyledForm):
    """Assign an expert to an application under review, with the deadline (the end of that day, Beijing
    time)."""

    expert = forms.ChoiceField(
        label=gettext_lazy("评审专家"),
        error_messages={"required": gettext_lazy("请选择专家"), "invalid_choice": gettext_lazy("请选择专家")},
    )
    deadline = forms.DateField(
        label=gettext_lazy("评审截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("请填写评审截止日期"),
            "invalid": gettext_lazy("请按 年-月-日 填写日期"),
        },
    )

    def __init__(self, *args: Any, experts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["expert"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", gettext_lazy("请选择")), *experts]


NA = "na"


class ReviewForm(StyledForm):
    """An expert's scores (0–5 or n/a, per the rubric) and comments, one pair of fields per criterion. The
    service checks them against the rubric; the form only keeps what was entered."""

    def __init__(self, *args: Any, rubric: Any, english: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = []
        for criterion in rubric.criteria:
            choices: list[tuple[str, Any]] = [("", gettext_lazy("未评分"))]
            choices += [(str(n), str(n)) for n in range(rubric.scale_min, rubric.scale_max + 1)]
            if criterion.na_allowed:
                choices.append((NA, gettext_lazy("不适用")))
            name = criterion.name_en if english else criterion.name_zh
            # Added after StyledForm's own styling pass, so their classes are set here.
            score = forms.ChoiceField(
                label=name,
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            comment = forms.CharField(
                label=gettext_lazy("评语"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            )
            self.fields[f"score_{criterion.code}"] = score
            self.fields[f"comment_{criterion.code}"] = comment
            self.criteria.append(
                {
                    "criterion": criterion,
                    "name": name,
                    "guidance": criterion.guidance_en if english else criterion.guidance_zh,
                    "score": f"score_{criterion.code}",
                    "comment": f"comment_{criterion.code}",
                }
            )

    @staticmethod
    def initial_for(assignment: Any) -> dict[str, str]:
        initial: dict[str, str] = {}
        for code, value in (assignment.scores or {}).items():
            initial[f"score_{code}"] = NA if value is None else str(value)
        for code, text in (assignment.comments or {}).items():
            initial[f"comment_{code}"] = text
        return initial

    def scores_and_comments(self) -> tuple[dict[str, Any], dict[str, str]]:
        scores: dict[str, Any] = {}
        comments: dict[str, str] = {}
        for item in self.criteria:
            code = item["criterion"].code
            raw = self.cleaned_data.get(item["score"], "")
            if raw == NA:
                scores[code] = None
            elif raw != "":
                scores[code] = raw
            comments[code] = self.cleaned_data.get(item["comment"], "")
        return scores, comments


class MethodForm(StyledForm):
    method = forms.ChoiceField(
        label=gettext_lazy("评审汇总方式"),
        choices=ReviewMethod.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={
            "required": gettext_lazy("请选择评审汇总方式"),
            "invalid_choice": gettext_lazy("请选择评审汇总方式"),
        },
    )


class ConflictForm(StyledForm):
    """An expert's standing conflict of interest with an applicant authority or a provider, by its name."""

    organization = forms.CharField(
        label=gettext_lazy("机构名称"),
        max_length=200,
        help_text=gettext_lazy("申报单位或服务商的全称，与系统中登记的一致"),
        error_messages={"required": gettext_lazy("请填写机构名称")},
    )
    reason = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=300,
        error_messages={"required": gettext_lazy("请写明理由")},
    )
