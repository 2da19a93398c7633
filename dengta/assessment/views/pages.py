"""Assessment pages: the list, starting and arranging assessments, a draft's summary, the report, and the
workflow actions (declare no conflict of interest, sign off, correct, add evidence). Thin views: parse →
authorise (permissions) → call a service or selector → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dengta.assessment import dma, permissions, selectors, services
from dengta.assessment.exports import SORTS, assessments_filtered
from dengta.assessment.forms import AssignForm, DiagnosisForm, EvidenceForm, SignOffForm, StartForm
from dengta.assessment.models import Assessment, Kind, Phase, State
from dengta.assessment.report import build_report
from dengta.assessment.templatetags.assessment_tags import level_label
from dengta.assessment.texts import for_display
from dengta.assessment.views import dma as dma_views
from dengta.assessment.views.questionnaire import _progress, steps_for
from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.decisions import require
from dengta.core.listpage import ChoiceFilter, Column, ListPage, SearchFilter, list_context
from dengta.orgs.models import Organization, OrgType
from dengta.registry.models import Enterprise

STATE_TAGS: dict[str, str] = {
    State.DRAFT: "draft",
    State.SUBMITTED: "submitted",
    State.SCORED: "approved",
    State.SIGNED_OFF: "approved",
}


def _level_choices(viewer: Viewer) -> list[tuple[str, str]]:
    return [(str(n), level_label(n)) for n in range(5)]


ASSESSMENTS = ListPage(
    url_name="assessment:list",
    title=gettext_lazy("数字化评测"),
    filter_label=gettext_lazy("筛选评测"),
    filters=(
        SearchFilter(label=gettext_lazy("企业名称或信用代码")),
        ChoiceFilter("kind", gettext_lazy("评测方式"), choices=Kind.choices),
        ChoiceFilter("phase", gettext_lazy("阶段"), choices=Phase.choices),
        ChoiceFilter("state", gettext_lazy("状态"), choices=State.choices),
        ChoiceFilter("level", gettext_lazy("等级"), choices=_level_choices, width="col-6 col-md-3 col-xl-1"),
    ),
    sorts=SORTS,
    default_sort="-created",
    columns=(
        Column(gettext_lazy("企业"), sort="enterprise"),
        Column(gettext_lazy("评测方式"), sort="kind"),
        Column(gettext_lazy("阶段"), sort="phase"),
        Column(gettext_lazy("状态"), sort="state"),
        Column(gettext_lazy("总分（分）"), sort="total", numeric=True),
        Column(gettext_lazy("等级"), sort="level"),
        Column(gettext_lazy("评测日期"), sort="date"),
    ),
    export="assessment.assessments",
    no_match=gettext_lazy("没有符合筛选条件的评测。"),
    caption=gettext_lazy("评测列表，可按列排序"),
    actions_width="col-12 col-xl-2",
)


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    # Every viewer sees the assessments they may see (none for some), and so does the export.
    viewer = request_viewer(request)
    context = list_context(request, ASSESSMENTS, lambda f: assessments_filtered(viewer, f.params)[0], viewer)
    if isinstance(context, HttpResponse):
        return context  # the export
    own = Enterprise.objects.filter(organization_id=viewer.organization_id or 0).first()
    context.update(
        {
            "state_tags": STATE_TAGS,
            "can_start_self": bool(own and permissions.can_start_self(viewer, own)),
            "can_diagnose": bool(permissions.can_start_diagnosis(viewer)),
            "can_invitations": viewer.org_type in (OrgType.ENTERPRISE, OrgType.PROVIDER),
            "can_assign": bool(permissions.can_assign_onsite(viewer)),
            "can_import": bool(permissions.can_import_history(viewer)),
        }
    )
    selectors.with_bands(context["object_list"])
    return render(request, "assessment/list.html", context)


@login_required
def start_self(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    enterprise = Enterprise.objects.filter(organization_id=viewer.organization_id or 0).first()
    require(permissions.can_start_self(viewer, enterprise))
    if enterprise is None:  # already refused by can_start_self; this branch only narrows the type
        raise Http404
    drafts = Assessment.objects.filter(enterprise=enterprise, kind=Kind.SELF, state=State.DRAFT)
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_start(
                actor=request.user,
                enterprise=enterprise,
                kind=Kind.SELF,
                phase=form.cleaned_data["phase"],
                author_organization=enterprise.organization,
                framework=selectors.current_framework(form.cleaned_data["framework"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("assessment:fill", pk=assessment.pk)
    context = {
        "form": form,
        "drafts": drafts.select_related("framework"),
        "enterprise": enterprise,
        "title": _("开始企业自评"),
        "intro": _(
            "按《中小企业数字化水平评测指标（2024年版）》逐项填写：数字化基础、管理、成效三个维度计分，"
            "16 个经营场景按 1–4 级判定。可以随时保存草稿，下次继续。"
        ),
        "crumbs": [(_("数字化评测"), reverse("assessment:list")), (_("开始企业自评"), "")],
    }
    return render(request, "assessment/start.html", context)


def _enterprise_by_code(code: str) -> Enterprise | None:
    return Enterprise.objects.select_related("region", "organization").filter(uscc=code).first()


@login_required
def start_diagnosis(request: HttpRequest) -> HttpResponse:
    """A provider starts a diagnosis of one of the enterprises that invited it (picked from a list; no
    credit code is typed, so nothing tells whether another enterprise is registered)."""
    viewer = request_viewer(request)
    require(permissions.can_start_diagnosis(viewer))
    invited = selectors.invited_enterprises(viewer)
    form = DiagnosisForm(request.POST or None, enterprises=invited)
    if request.method == "POST" and form.is_valid():
        enterprise = form.cleaned_data["enterprise"]
        try:
            assessment = services.assessment_start(
                actor=request.user,
                enterprise=enterprise,
                kind=Kind.PROVIDER,
                phase=form.cleaned_data["phase"],
                author_organization=Organization.objects.get(pk=viewer.organization_id or 0),
                framework=selectors.current_framework(form.cleaned_data["framework"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("assessment:fill", pk=assessment.pk)
    context = {
        "form": form,
        "no_invitations": not invited.exists(),
        "title": _("开展服务商诊断"),
        "intro": _(
            "服务商只能为邀请了本机构的企业开展数字化诊断；诊断开始和提交时，企业会收到通知。"
            "结果与企业自评分开记录，供企业和主管部门参考。"
        ),
        "crumbs": [(_("数字化评测"), reverse("assessment:list")), (_("开展服务商诊断"), "")],
    }
    return render(request, "assessment/start.html", context)


@login_required
def assign_onsite(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_assign_onsite(viewer))
    form = AssignForm(request.POST or None, initial={"phase": Phase.T1})
    if request.method == "POST" and form.is_valid():
        enterprise = _enterprise_by_code(form.cleaned_data["uscc"])
        if enterprise is None or not permissions.can_assign_onsite(viewer, enterprise):
            # The same answer whether the enterprise is absent or outside the jurisdiction.
            form.add_error(
                "uscc",
                _("辖区内没有该统一社会信用代码的企业"),
            )
        else:
            membership = form.cleaned_data["expert"]
            data = form.cleaned_data
            try:
                assessment = services.assessment_assign_onsite(
                    actor=request.user,
                    enterprise=enterprise,
                    expert=membership.user,
                    expert_organization=membership.organization,
                    phase=data["phase"],
                    arrangement=services.Arrangement(
                        visit_at=data["visit_at"],
                        due_on=data["due_on"],
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                        note=data["note"],
                        organization=Organization.objects.get(pk=viewer.organization_id or 0),
                    ),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已安排现场评定，评定专家会在其待办中看到。"))
                return redirect("assessment:detail", pk=assessment.pk)
    context = {
        "form": form,
        "title": _("安排现场评定"),
        "intro": _(
            "试点城市的试点企业，其数字化水平须由专家按 2024 年版指标到企业现场评定。"
            "改造完成后的验收评定选 T1；评定达到二级及以上为达标。"
        ),
        "crumbs": [(_("数字化评测"), reverse("assessment:list")), (_("安排现场评定"), "")],
    }
    return render(request, "assessment/start.html", context)


def _lookup(request: HttpRequest, pk: int) -> tuple[Viewer, Assessment]:
    viewer = request_viewer(request)
    assessment = get_visible_or_404(
        Assessment.objects.select_related(
            "enterprise",
            "enterprise__region",
            "enterprise__industry",
            "framework",
            "assessor",
            "corrects",
            "created_by",
            "arranged_by_organization",
            "author_organization",
        ),
        viewer,
        pk=pk,
    )
    return viewer, assessment


def _radar(report: Any) -> dict[str, Any]:
    indicators = [{"name": d["name"], "max": 100} for d in report.dimensions]
    indicators.append({"name": _("数字化经营（场景）"), "max": 100})
    values = [round(float(d["pct"]), 1) for d in report.dimensions] + [
        round(float(report.scenario_dimension_pct), 1)
    ]
    series = [{"name": _("本次"), "value": values}]
    base = report.baseline
    if base is not None and base.result:
        dims = base.result.get("dimension_points", {})
        bvalues = [
            round(dims.get(d["code"], 0) / 10000 / float(d["max"]) * 100, 1) for d in report.dimensions
        ]
        levels = list(base.result.get("scenario_levels", {}).values())
        bvalues.append(round(sum(levels) / (len(levels) * 4) * 100, 1) if levels else 0)
        series.insert(0, {"name": base.get_phase_display(), "value": bvalues})
    return {"indicators": indicators, "series": series}


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, assessment = _lookup(request, pk)
    context: dict[str, Any] = {
        "assessment": assessment,
        "state_tag": STATE_TAGS.get(assessment.state, "draft"),
        "can_edit": permissions.can_edit(viewer, assessment),
        "can_declare": permissions.can_declare_coi(viewer, assessment),
        "can_sign_off": permissions.can_sign_off(viewer, assessment),
        "can_correct": permissions.can_correct(viewer, assessment),
        "coi_text": services.COI_TEXT,
        "crumbs": [(_("数字化评测"), reverse("assessment:list")), (str(assessment.enterprise), "")],
    }
    if dma.is_dma(assessment):
        return _dma_detail(request, viewer, assessment, context)
    if not assessment.has_score:
        fw = for_display(selectors.compiled(assessment))  # the index's texts in the page's language
        context["progress"] = _progress(fw, assessment)
        context["steps"] = steps_for(fw)
        if assessment.kind == Kind.ONSITE:
            context["evidence_form"] = EvidenceForm(items=selectors.evidence_items(fw))
            context["evidence_groups"] = selectors.evidence_groups(fw, assessment)
            context["can_add_evidence"] = permissions.can_add_evidence(viewer, assessment)
            context["can_remove_evidence"] = permissions.can_remove_evidence(viewer, assessment)
    if assessment.kind == Kind.ONSITE:
        context["can_calendar"] = permissions.can_download_calendar(viewer, assessment)
    if not assessment.has_score:
        return render(request, "assessment/draft.html", context)
    report = build_report(assessment, viewer)
    context["report"] = report
    # The T0 → T1 table lists the headline figures and only the scenarios whose level changed.
    context["headline_deltas"] = {"total", "level", "base", "mgmt", "results"}
    context["unchanged_scenarios"] = sum(
        1 for d in report.deltas if d.key.startswith("scenario:") and d.change == 0
    )
    if report.dimensions:
        context["radar"] = _radar(report)
    return render(request, "assessment/report.html", context)


def _dma_detail(
    request: HttpRequest, viewer: Viewer, assessment: Assessment, context: dict[str, Any]
) -> HttpResponse:
    if not assessment.has_score:
        context["progress"] = dma_views.dma_progress(dma.dma_compiled(assessment), assessment)
        return render(request, "assessment/draft.html", context)
    report = dma.build_dma_report(assessment, viewer)
    context["report"] = report
    context["radar"] = dma.radar_data(report)
    return render(request, "assessment/dma_report.html", context)


@login_required
@require_POST
def declare_coi(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, assessment = _lookup(request, pk)
    # 403 with the reason, or 409 when the state is why (ARCHITECTURE.md convention 15), as the API answers.
    require(permissions.can_declare_coi(viewer, assessment))
    if not request.POST.get("confirm"):
        messages.error(request, _("请勾选无利益冲突声明后再开始评定"))
        return redirect("assessment:detail", pk=pk)
    services.assessment_declare_coi(actor=request.user, assessment=assessment)
    return redirect("assessment:fill", pk=pk)


@login_required
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Signing off locks the on-site result: a confirmation page shows the level, the points and the number
    of evidence files, and says that answers and evidence can no longer change; the POST needs the box."""
    viewer, assessment = _lookup(request, pk)
    # 403 with the reason, or 409 when the state is why (ARCHITECTURE.md convention 15), as the API answers.
    require(permissions.can_sign_off(viewer, assessment))
    form = SignOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_sign_off(actor=request.user, assessment=assessment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("现场评定已签署，结果对企业和主管部门可见。"))
        return redirect("assessment:detail", pk=pk)
    context = {
        "assessment": assessment,
        "form": form,
        "evidence_count": assessment.evidence.count(),
        "evidence_groups": selectors.evidence_groups(selectors.compiled(assessment), assessment),
        "crumbs": [
            (_("数字化评测"), reverse("assessment:list")),
            (str(assessment.enterprise), reverse("assessment:detail", args=[pk])),
            (_("签署评定结果"), ""),
        ],
    }
    return render(request, "assessment/sign_off.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, assessment = _lookup(request, pk)
    # 403 with the reason, or 409 when the state is why (ARCHITECTURE.md convention 15), as the API answers.
    require(permissions.can_correct(viewer, assessment))
    new = services.assessment_correct(actor=request.user, assessment=assessment)
    messages.info(request, _("已新建更正评测，原评测保持不变。"))
    if permissions.can_edit(viewer, new):
        return redirect("assessment:fill", pk=new.pk)
    return redirect("assessment:detail", pk=new.pk)


@login_required
@require_POST
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, assessment = _lookup(request, pk)
    if not permissions.can_add_evidence(viewer, assessment) or dma.is_dma(assessment):
        raise Http404
    fw = for_display(selectors.compiled(assessment))
    form = EvidenceForm(request.POST, request.FILES, items=selectors.evidence_items(fw))
    if form.is_valid():
        try:
            services.evidence_add(
                actor=request.user,
                assessment=assessment,
                item_code=form.cleaned_data["item_code"],
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("佐证材料已上传。"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("assessment:detail", pk=pk)


urlpatterns = [
    path("", assessment_list, name="list"),
    path("new/", start_self, name="start_self"),
    path("diagnose/", start_diagnosis, name="start_diagnosis"),
    path("assign/", assign_onsite, name="assign_onsite"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/declare/", declare_coi, name="declare_coi"),
    path("<int:pk>/sign-off/", sign_off, name="sign_off"),
    path("<int:pk>/correct/", correct, name="correct"),
    path("<int:pk>/evidence/", add_evidence, name="add_evidence"),
]
