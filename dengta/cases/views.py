"""Lighthouse case pages. Public (no login, ARCHITECTURE.md convention 18): the published cases with
filters, one case, its printable PDF; they show only published cases, anonymised where the enterprise did
not consent, and are cached briefly for anonymous visitors. Workbench (signed in): the cases the viewer's
organisation writes, reviews or is the subject of, the accepted projects a case can be generated from, and
one case's page with its steps. Thin: parse → authorise → call a service → back with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from dengta.assessment.views.exports import PDF, content_disposition
from dengta.cases import pdf, permissions, recommend, selectors, services
from dengta.cases.figures import CaseFigures
from dengta.cases.forms import CaseForm, ReasonForm, SummaryForm
from dengta.cases.models import Case, TypicalModelSummary
from dengta.cases.selectors import band_text
from dengta.cases.typical import MIN_CASES
from dengta.core.access import get_visible_or_404, request_viewer
from dengta.core.decisions import require
from dengta.core.events import shown_events
from dengta.core.listpage import ChoiceFilter, Column, ListPage, SearchFilter, list_context
from dengta.core.middleware import cache_publicly
from dengta.core.models import Event
from dengta.core.spreadsheets import Book
from dengta.programmes.documents import level_name
from dengta.projects import pages
from dengta.projects.models import Project
from dengta.reference.models import Region, SubIndustry
from dengta.registry.models import Enterprise

LEVELS = [
    ("1", gettext_lazy("一级")),
    ("2", gettext_lazy("二级")),
    ("3", gettext_lazy("三级")),
    ("4", gettext_lazy("四级")),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT = 20_000  # published cases: a few thousand nationally (DOMAIN.md 2.2)
CASE_SORTS = {"published": "published_at", "level": "level_after", "cost": "contract_yuan", "title": "title"}


def _sub_industries(viewer: Any) -> list[tuple[str, str]]:
    used = Case.objects.published().values("sub_industry")
    return [(s.pk, s.display_name) for s in SubIndustry.objects.filter(pk__in=used).order_by("name")]


def _provinces(viewer: Any) -> list[tuple[str, str]]:
    used = Case.objects.published().values("province")
    return [(r.code, r.display_name) for r in Region.objects.filter(code__in=used).order_by("code")]


PUBLIC_CASES = ListPage(
    url_name="cases:public_list",
    title=gettext_lazy("小灯塔案例"),
    filter_label=gettext_lazy("筛选案例"),
    filters=(
        SearchFilter(label=gettext_lazy("搜索标题")),
        ChoiceFilter(
            "sub_industry", gettext_lazy("细分行业"), choices=_sub_industries, width="col-6 col-md-4 col-xl-3"
        ),
        ChoiceFilter("province", gettext_lazy("省份"), choices=_provinces, width="col-6 col-md-4 col-xl-2"),
        ChoiceFilter("level", gettext_lazy("改造后等级"), choices=LEVELS, width="col-6 col-md-3 col-xl-2"),
    ),
    sorts=CASE_SORTS,
    default_sort="-published",
    columns=(
        Column(gettext_lazy("案例"), sort="title"),
        Column(gettext_lazy("细分行业 / 地区")),
        Column(gettext_lazy("等级"), sort="level"),
        Column(gettext_lazy("合同金额（元）"), sort="cost", numeric=True),
        Column(gettext_lazy("发布时间"), sort="published"),
    ),
    no_match=gettext_lazy("没有符合筛选条件的案例。"),
    caption=gettext_lazy("已发布的小灯塔案例，可按列排序"),
)


def _public_rows(filtered: Any) -> Any:
    values = filtered.values
    qs = selectors.published_cases()
    if values.get("q"):
        qs = qs.filter(title__icontains=values["q"])
    if values.get("sub_industry"):
        qs = qs.filter(sub_industry_id=values["sub_industry"])
    if values.get("province"):
        qs = qs.filter(province_id=values["province"])
    if values.get("level"):
        qs = qs.filter(level_after=int(values["level"]))
    return qs


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if request.GET.get("export") == "xlsx":
        qs, _sort, _filtered = PUBLIC_CASES.queryset(viewer, request.GET, _public_rows)
        response = HttpResponse(_library_workbook(qs), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(_('小灯塔案例') + '.xlsx')}"
        return cache_publicly(request, response)
    context = list_context(request, PUBLIC_CASES, _public_rows, viewer)
    assert isinstance(context, dict)
    rows = [(case, selectors.public_figures(case)) for case in context["object_list"]]
    context.update(rows=rows, page_title=_("小灯塔案例"), body="cases/_public_list.html")
    return cache_publicly(request, render(request, "cases/_public_page.html", context))


def _library_row(case: Case, f: CaseFigures) -> list[Any]:
    return [
        case.title,
        f.enterprise,
        case.sub_industry.display_name if case.sub_industry is not None else "",
        case.province.display_name if case.province is not None else "",
        level_name(f.level_before),
        level_name(f.level_after),
        band_text(f.contract_yuan) if f.anonymised else case.contract_yuan,
        timezone.localtime(case.published_at).date() if case.published_at else None,
    ]


def _library_workbook(cases: Any) -> bytes:
    """The filtered public list as a workbook: what the public pages show (bands for anonymised cases)."""
    headers = [
        _("标题"),
        _("企业"),
        _("细分行业"),
        _("省份"),
        _("改造前等级"),
        _("改造后等级"),
        _("合同金额（元）"),
        _("发布时间"),
    ]
    rows = [_library_row(case, selectors.public_figures(case)) for case in cases[:MAX_EXPORT]]
    book = Book()
    book.table(_("小灯塔案例"), headers, rows)
    return book.to_bytes()


@require_safe
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(selectors.published_cases(), pk=pk)
    context = selectors.case_context(case, selectors.public_figures(case))
    context.update(
        crumbs=[(_("小灯塔案例"), reverse("cases:public_list")), (case.title, "")],
        page_title=case.title,
        body="cases/_public_detail.html",
    )
    return cache_publicly(request, render(request, "cases/_public_page.html", context))


@require_safe
def public_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(selectors.published_cases(), pk=pk)
    body = pdf.render_pdf(case, selectors.public_figures(case))
    response = HttpResponse(body, content_type=PDF)
    response["Content-Disposition"] = content_disposition(f"case-{case.pk}.pdf", f"{case.title}.pdf")
    return cache_publicly(request, response)


# ------------------------------------------------------------------------------------------------ workbench


@login_required
@require_safe
def work_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_cases(viewer))
    context = {
        "cases": list(selectors.workbench(viewer)[:200]),
        "candidates": selectors.candidates(viewer),
        "crumbs": [(_("案例工作台"), "")],
    }
    return render(request, "cases/work_list.html", context)


def _case_for(request: HttpRequest, pk: int) -> Case:
    viewer = request_viewer(request)
    require(permissions.can_view_cases(viewer))
    return get_visible_or_404(
        Case.objects.select_related(
            "sub_industry",
            "province",
            "project__enterprise__organization",
            "project__provider__organization",
            "project__pilot__authority",
        ),
        viewer,
        pk=pk,
    )


def _history(case: Case) -> list[Any]:
    events = (
        Event.objects.filter(target_type="cases.case", target_id=str(case.pk))
        .select_related("actor")
        .order_by("-seq")
    )
    return list(shown_events(events[:100]))


@login_required
def work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    case = _case_for(request, pk)
    can_edit = permissions.can_edit_case(viewer, case)
    if can_edit:
        # Read for work: the figures are brought in line with the project first (figures.py docstring).
        case = services.case_rederive(actor=request.user, case=case)
    form = CaseForm(initial={name: getattr(case, name) for name in (*services.NARRATIVE, "anonymised")})
    if request.method == "POST":
        require(can_edit)
        form = CaseForm(request.POST)
        if form.is_valid():
            try:
                services.case_update(actor=request.user, case=case, **form.values())
            except ValidationError as error:
                pages.errors_to_form(form, error)
            else:
                messages.success(request, _("案例已保存"))
                return redirect("cases:work_detail", pk=case.pk)
    context = selectors.case_context(case, selectors.stored_figures(case))
    context.update(
        form=form,
        problems=pages.form_problems(form) if form.is_bound else [],
        public=selectors.public_figures(case) if case.anonymised else None,
        can_edit=bool(can_edit),
        can_submit=bool(permissions.can_submit_case(viewer, case)),
        can_review=bool(permissions.can_review_case(viewer, case)),
        can_take_down=bool(permissions.can_take_down_case(viewer, case)),
        can_consent=bool(permissions.can_consent(viewer, case)),
        reason_form=ReasonForm(),
        history=_history(case),
        crumbs=[(_("案例工作台"), reverse("cases:work_list")), (case.title, "")],
    )
    return render(request, "cases/work_detail.html", context)


def _act(request: HttpRequest, case: Case, action: Callable[[], Any], done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        pages.say_errors(request, error)
    else:
        messages.success(request, done)
    return redirect("cases:work_detail", pk=case.pk)


@login_required
@require_POST
def generate(request: HttpRequest, project: int) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_cases(viewer))
    found = get_visible_or_404(Project.objects.select_related("pilot", "provider"), viewer, pk=project)
    require(permissions.can_generate_case(viewer, found))
    try:
        case = services.case_generate(actor=request.user, project=found)
    except ValidationError as error:
        pages.say_errors(request, error)
        return redirect("cases:work_list")
    messages.success(request, _("已从验收通过的项目生成案例草稿，请填写案例文字"))
    return redirect("cases:work_detail", pk=case.pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    require(permissions.can_submit_case(request_viewer(request), case))
    return _act(
        request, case, lambda: services.case_submit(actor=request.user, case=case), _("案例已提交审核")
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    require(permissions.can_review_case(request_viewer(request), case))
    return _act(request, case, lambda: services.case_publish(actor=request.user, case=case), _("案例已发布"))


def _with_reason(request: HttpRequest, case: Case, action: Callable[[str], Any], done: str) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
        return redirect("cases:work_detail", pk=case.pk)
    return _act(request, case, lambda: action(form.cleaned_data["reason"]), done)


@login_required
@require_POST
def return_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    require(permissions.can_review_case(request_viewer(request), case))
    return _with_reason(
        request,
        case,
        lambda reason: services.case_return(actor=request.user, case=case, reason=reason),
        _("案例已退回修改"),
    )


@login_required
@require_POST
def take_down(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    require(permissions.can_take_down_case(request_viewer(request), case))
    return _with_reason(
        request,
        case,
        lambda reason: services.case_take_down(actor=request.user, case=case, reason=reason),
        _("案例已撤下"),
    )


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    require(permissions.can_consent(request_viewer(request), case))
    given = request.POST.get("given") == "yes"
    done = _("已同意在案例中署名") if given else _("已选择不署名：案例将匿名发布")
    return _act(
        request, case, lambda: services.case_consent(actor=request.user, case=case, given=given), done
    )


# ------------------------------------------------------------------------------------------ typical models


@require_safe
def model_list(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": selectors.typical_models(),
        "min_cases": MIN_CASES,
        "crumbs": [(_("小灯塔案例"), reverse("cases:public_list")), (_("典型模式"), "")],
        "page_title": _("典型模式"),
        "body": "cases/_model_list.html",
    }
    return cache_publicly(request, render(request, "cases/_public_page.html", context))


@require_safe
def model_detail(request: HttpRequest, code: str) -> HttpResponse:
    sub_industry = get_object_or_404(SubIndustry, code=code)
    model, cases = selectors.typical_model_of(sub_industry)
    if not cases:
        raise Http404
    summary = TypicalModelSummary.objects.filter(sub_industry=sub_industry).first()
    can_edit = permissions.can_edit_typical_summary(request_viewer(request))
    context = {
        "sub_industry": sub_industry,
        "model": model,
        "rows": [(case, selectors.public_figures(case)) for case in cases],
        "summary": summary,
        "min_cases": MIN_CASES,
        "can_edit": bool(can_edit),
        "form": SummaryForm(initial={"summary": summary.summary if summary else ""}),
        "crumbs": [
            (_("小灯塔案例"), reverse("cases:public_list")),
            (_("典型模式"), reverse("cases:model_list")),
            (sub_industry.display_name, ""),
        ],
        "page_title": _("%(name)s典型模式") % {"name": sub_industry.display_name},
        "body": "cases/_model_detail.html",
    }
    return cache_publicly(request, render(request, "cases/_public_page.html", context))


@login_required
@require_POST
def model_summary(request: HttpRequest, code: str) -> HttpResponse:
    sub_industry = get_object_or_404(SubIndustry, code=code)
    require(permissions.can_edit_typical_summary(request_viewer(request)))
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            services.typical_summary_set(
                actor=request.user, sub_industry=sub_industry, summary=form.cleaned_data["summary"]
            )
        except ValidationError as error:
            pages.say_errors(request, error)
        else:
            messages.success(request, _("典型模式概述已保存"))
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    return redirect("cases:model_detail", code=sub_industry.code)


# --------------------------------------------------------------------------------------- enterprises like you


@login_required
@require_safe
def similar(request: HttpRequest, pk: int) -> HttpResponse:
    """The published cases nearest to one enterprise (dengta.cases.recommend), for the enterprise itself and
    for the staff planning a pool who see it."""
    viewer = request_viewer(request)
    require(permissions.can_view_cases(viewer))
    found = get_visible_or_404(Enterprise.objects.select_related("region"), viewer, pk=pk)
    context = {
        "enterprise": found,
        "similar": recommend.similar_cases(found),
        "crumbs": [(_("小灯塔案例"), reverse("cases:public_list")), (_("与您相似的案例"), "")],
    }
    return render(request, "cases/similar.html", context)
