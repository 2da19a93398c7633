"""The case's narrative form: text only. The figures have no field anywhere (they are derived)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dengta.cases.services import MAX_REASON, MAX_TEXT, MAX_TITLE


def _text(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


class CaseForm(forms.Form):
    title = forms.CharField(
        label=_("标题"),
        max_length=MAX_TITLE,
        help_text=_("不要写企业名称：企业不同意署名时案例匿名发布"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    problem = _text(_("面临的问题"), _("改造前企业遇到的困难，用企业自己的话说"))
    solution = _text(_("解决方案"), _("用了哪些产品和做法，怎样实施"))
    results = _text(_("取得的成效"), _("成效数字由系统从评测和项目数据中生成，这里说明变化的原因"))
    lessons = _text(_("经验与启示"), _("其他企业照着做时要注意什么"))
    anonymised = forms.BooleanField(
        label=_("匿名发布（不显示企业名称，地区只到省，金额和指标按区间显示）"), required=False
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("典型模式概述"),
        required=False,
        max_length=MAX_TEXT,
        help_text=_("这一细分行业的企业可以照着做的路径：先改什么、用什么、要注意什么"),
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )
