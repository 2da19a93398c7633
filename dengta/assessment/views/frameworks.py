"""Framework pages: what each loaded version contains and where it comes from, and the level-rule correction
that programme staff make without code (miit-2024-level-rule.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dengta.assessment import issuing, permissions, services
from dengta.assessment.models import Framework, LevelRuleConfirmation
from dengta.assessment.scoring.bands import BandFramework
from dengta.assessment.scoring.eu_dma import DmaFramework
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.scoring.framework import format_points
from dengta.assessment.texts import for_display, translation_note
from dengta.core.access import request_viewer
from dengta.core.decisions import require
from dengta.registry.forms import StyledForm


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = Framework.objects.order_by("code", "-is_current", "-loaded_at")
    context = {
        "frameworks": frameworks,
        "crumbs": [(_("数字化评测"), reverse("assessment:list")), (_("评测框架"), "")],
    }
    return render(request, "assessment/framework_list.html", context)


def official_source(framework: Framework) -> str:
    """Where the index comes from, in plain words: the issuing document and the index's own title."""
    items = (framework.content or {}).get("items") or {}
    source = items.get("source") if isinstance(items.get("source"), dict) else {}
    if framework.kind == Framework.Kind.EU_DMA:
        owner = str((source or {}).get("official_title") or framework.title)
        return _("欧盟委员会联合研究中心（JRC）发布的《%(title)s》") % {"title": owner}
    name = str((source or {}).get("typeName") or framework.title)
    if framework.document:
        return _("工业和信息化部办公厅《%(name)s》（%(document)s）") % {
            "name": name,
            "document": framework.document,
        }
    return _("《%(name)s》") % {"name": name}


class RuleConfirmForm(StyledForm):
    document_title = forms.CharField(
        label=gettext_lazy("文件名称"),
        max_length=200,
        help_text=gettext_lazy("例如：关于印发中小企业数字化水平评测指标（2024年版）的通知"),
    )
    document_reference = forms.CharField(
        label=gettext_lazy("文号及页码"),
        max_length=120,
        help_text=gettext_lazy("例如：工信厅企业〔2024〕56号 附件第 7 页"),
    )
    document_date = forms.DateField(
        label=gettext_lazy("文件日期"),
        help_text=gettext_lazy("格式 YYYY-MM-DD"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@login_required
def framework_detail(
    request: HttpRequest, code: str, version: str, confirm_form: RuleConfirmForm | None = None
) -> HttpResponse:
    framework = get_object_or_404(Framework, code=code, version=version)
    compiled = for_display(framework.compiled())  # the index's texts in the page's language
    rules = framework.content.get("rules", {})
    level_rule = rules.get("level_rule", {})
    viewer = request_viewer(request)
    context: dict[str, Any] = {
        "framework": framework,
        "framework_title": issuing.framework_title(framework),
        "official_source": official_source(framework),
        # Provenance of the data files, for the "技术信息" details toggle only (developer notes, in English).
        "technical": [
            note
            for note in (
                rules.get("items_source"),
                rules.get("source") if isinstance(rules.get("source"), str) else "",
                level_rule.get("source", ""),
            )
            if note
        ],
        "status_note": level_rule.get("status_note", ""),
        "revision_note": level_rule.get("revision_note", ""),
        "revised_from": level_rule.get("revised_from", ""),
        "boundary_rule": rules.get("boundary_rule", ""),
        "used": framework.assessments.count(),
        "translation_note": translation_note(compiled),
        "can_revise": bool(permissions.can_revise_level_rule(viewer))
        and framework.kind == Framework.Kind.MIIT2024,
        "confirmation": LevelRuleConfirmation.objects.filter(framework=framework)
        .select_related("confirmed_by")
        .first(),
        "can_confirm": bool(permissions.can_confirm_level_rule(viewer, framework)),
        "confirm_form": confirm_form or RuleConfirmForm(),
        "crumbs": [
            (_("数字化评测"), reverse("assessment:list")),
            (_("评测框架"), reverse("assessment:framework_list")),
            (f"{issuing.framework_title(framework)} {framework.version}", ""),
        ],
    }
    if isinstance(compiled, Compiled):
        context["dimensions"] = [
            {
                "dimension": d,
                "points": format_points(d.points),
                "items": [
                    {
                        "item": i,
                        "points": format_points(i.points),
                        "options": [(o.key, o.text, format_points(o.points)) for o in i.options],
                    }
                    for i in compiled.items
                    if i.dimension == d.code
                ],
            }
            for d in compiled.dimensions
        ]
        context["scenarios"] = compiled.scenarios
        context["levels"] = [{"c": c, "points": format_points(c.min_points)} for c in compiled.levels]
        context["collected"] = compiled.collected
    elif isinstance(compiled, BandFramework):
        context["bands"] = compiled.bands
    elif isinstance(compiled, DmaFramework):
        context["dma"] = compiled
    return render(request, "assessment/framework_detail.html", context)


LEVEL_NAMES = {
    4: gettext_lazy("四级"),
    3: gettext_lazy("三级"),
    2: gettext_lazy("二级"),
    1: gettext_lazy("一级"),
}


class LevelRuleForm(StyledForm):
    note = forms.CharField(
        label=gettext_lazy("更正依据"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("例如：工信厅企业〔2024〕56号附件第 7 页"),
    )
    provisional = forms.BooleanField(
        label=gettext_lazy("仍待核实（未与官方文件逐字核对）"), required=False, initial=True
    )

    def __init__(
        self, *args: Any, levels: list[Any], scenarios: int, constrained: int, **kwargs: Any
    ) -> None:
        self.level_numbers = [c.level for c in levels]
        self.scenario_total = scenarios
        self.constrained_total = constrained
        initial = kwargs.pop("initial", {}) or {}
        for c in levels:
            initial.setdefault(f"l{c.level}_min_points", Decimal(c.min_points) / 10000)
            initial.setdefault(f"l{c.level}_scenario_level", c.scenario_level)
            initial.setdefault(f"l{c.level}_min_scenarios", c.min_scenarios)
            initial.setdefault(f"l{c.level}_min_constrained", c.min_constrained)
        super().__init__(*args, initial=initial, **kwargs)
        for n in self.level_numbers:
            name = LEVEL_NAMES.get(n, str(n))
            self.fields[f"l{n}_min_points"] = forms.DecimalField(
                label=_("%(level)s 最低得分") % {"level": name}, min_value=0, max_value=100, decimal_places=4
            )
            self.fields[f"l{n}_scenario_level"] = forms.IntegerField(
                label=_("%(level)s 场景须达到的等级") % {"level": name}, min_value=1, max_value=4
            )
            self.fields[f"l{n}_min_scenarios"] = forms.IntegerField(
                label=_("%(level)s 最少场景数") % {"level": name}, min_value=0, max_value=scenarios
            )
            self.fields[f"l{n}_min_constrained"] = forms.IntegerField(
                label=_("%(level)s 其中最少约束性场景数") % {"level": name},
                min_value=0,
                max_value=constrained,
            )
            for suffix in ("min_points", "scenario_level", "min_scenarios", "min_constrained"):
                self.fields[f"l{n}_{suffix}"].widget.attrs["class"] = "form-control form-control-sm"
        self.order_fields([f for f in self.fields if f.startswith("l")] + ["note", "provisional"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        previous: Decimal | None = None
        for n in sorted(self.level_numbers):
            points = data.get(f"l{n}_min_points")
            scen = data.get(f"l{n}_min_scenarios")
            cons = data.get(f"l{n}_min_constrained")
            if scen is not None and cons is not None and cons > scen:
                self.add_error(
                    f"l{n}_min_constrained",
                    _("约束性场景数不能多于场景总数"),
                )
            if points is not None and previous is not None and points < previous:
                self.add_error(
                    f"l{n}_min_points",
                    _("高一级的最低得分不能低于低一级"),
                )
            if points is not None:
                previous = points
        return data

    def levels(self) -> list[dict[str, Any]]:
        return [
            {
                "level": n,
                "min_points": str(self.cleaned_data[f"l{n}_min_points"].normalize()),
                "scenario_level": self.cleaned_data[f"l{n}_scenario_level"],
                "min_scenarios": self.cleaned_data[f"l{n}_min_scenarios"],
                "min_constrained": self.cleaned_data[f"l{n}_min_constrained"],
            }
            for n in self.level_numbers
        ]


@login_required
def revise_level_rule(request: HttpRequest, code: str, version: str) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_revise_level_rule(viewer))
    framework = get_object_or_404(Framework, code=code, version=version, kind=Framework.Kind.MIIT2024)
    compiled = framework.compiled()
    assert isinstance(compiled, Compiled)
    form = LevelRuleForm(
        request.POST or None,
        levels=list(compiled.levels),
        scenarios=len(compiled.scenarios),
        constrained=sum(1 for s in compiled.scenarios if s.constrained),
        initial={"provisional": framework.provisional},
    )
    if request.method == "POST" and form.is_valid():
        try:
            revised = services.framework_revise_level_rule(
                actor=request.user,
                framework=framework,
                levels=form.levels(),
                note=form.cleaned_data["note"],
                provisional=form.cleaned_data["provisional"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("已保存为新版本 %(version)s；此前的评测保留原版本的结果。") % {"version": revised.version},
            )
            return redirect("assessment:framework_detail", code=revised.code, version=revised.version)
    context = {
        "framework": framework,
        "form": form,
        "rows": [
            {
                "name": LEVEL_NAMES.get(n, str(n)),
                "fields": [
                    form[f"l{n}_{s}"]
                    for s in ("min_points", "scenario_level", "min_scenarios", "min_constrained")
                ],
            }
            for n in form.level_numbers
        ],
        "crumbs": [
            (_("评测框架"), reverse("assessment:framework_list")),
            (
                framework.label,
                reverse("assessment:framework_detail", args=[framework.code, framework.version]),
            ),
            (_("更正等级判定规则"), ""),
        ],
    }
    return render(request, "assessment/framework_rule.html", context)


@login_required
@require_POST
def confirm_level_rule(request: HttpRequest, code: str, version: str) -> HttpResponse:
    framework = get_object_or_404(Framework, code=code, version=version)
    decision = permissions.can_confirm_level_rule(request_viewer(request), framework)
    require(decision)
    form = RuleConfirmForm(request.POST)
    if form.is_valid():
        try:
            issuing.framework_rule_confirm(
                actor=request.user,
                framework=framework,
                document_title=form.cleaned_data["document_title"],
                document_reference=form.cleaned_data["document_reference"],
                document_date=form.cleaned_data["document_date"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已记录核实依据；按此版本评分的报告不再标注“等级规则待核实”。"))
            return redirect("assessment:framework_detail", code=framework.code, version=framework.version)
    return framework_detail(request, code, version, confirm_form=form)


urlpatterns = [
    path("frameworks/", framework_list, name="framework_list"),
    path("frameworks/<slug:code>/<str:version>/", framework_detail, name="framework_detail"),
    path("frameworks/<slug:code>/<str:version>/rule/", revise_level_rule, name="framework_rule"),
    path("frameworks/<slug:code>/<str:version>/confirm/", confirm_level_rule, name="framework_confirm"),
]
