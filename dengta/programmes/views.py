"""Pages of programme administration: the batches, the applications list and one application's page, where
the authority builds and submits it and the ministry's programme staff review it. Thin: parse → authorise →
call a service → render (ARCHITECTURE.md convention 3)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.capabilities import Capability
from dengta.core.decisions import Outcome, require
from dengta.core.language import in_english
from dengta.core.listpage import ChoiceFilter, Column, ListPage, SearchFilter, render_list
from dengta.orgs.models import Organization
from dengta.programmes import checks, permissions, reviews, selectors, services
from dengta.programmes.forms import (
    PLAN_FIELDS,
    TARGET_LEVELS,
    AssignForm,
    EnterpriseForm,
    PlanForm,
    ProviderForm,
    ReasonForm,
    RemoveEnterpriseForm,
    SubIndustryForm,
    SubmitForm,
)
from dengta.programmes.models import Application, ApplicationState, Batch, Pilot
from dengta.registry import uscc

_NARROW = "col-6 col-md-3 col-xl-2"
# State → the status colour every page uses for that meaning (UI.md; catalog_tags.STATUS_KIND's classes).
STATUS_KINDS = {
    ApplicationState.DRAFT: "draft",
    ApplicationState.SUBMITTED: "submitted",
    ApplicationState.UNDER_REVIEW: "submitted",
    ApplicationState.RETURNED: "action",
    ApplicationState.APPROVED: "approved",
    ApplicationState.REJECTED: "refused",
    ApplicationState.WITHDRAWN: "suspended",
}


def _errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _say_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_problems(form: Any) -> list[str]:
    """Each of the form's errors as a sentence naming its field."""
    out = []
    for name, problems in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for problem in problems:
            text = _("%(label)s：%(problem)s") % {"label": label, "problem": problem} if label else problem
            out.append(str(text))
    return out


def _say_form_errors(request: HttpRequest, form: Any) -> None:
    for text in _form_problems(form):
        messages.error(request, text)


def _back(application: Application) -> HttpResponse:
    return redirect("programmes:application_detail", application.pk)


# ---------------------------------------------------------------------------------------------- batches


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_applications(viewer))
    mine = selectors.live_applications_of(viewer)
    rows = [
        {
            "batch": batch,
            "open": permissions.window_open(batch),
            "mine": mine.get(batch.pk),
            "can_apply": bool(permissions.can_apply(viewer, batch)) and batch.pk not in mine,
        }
        for batch in selectors.batches()
    ]
    context = {
        "crumbs": [(_("试点批次"), "")],
        "rows": rows,
        "applicant": bool(permissions.can_apply(viewer)),
        "can_rank": bool(permissions.can_review_applications(viewer)),
    }
    return render(request, "programmes/batch_list.html", context)


@login_required
@require_POST
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    batch = get_object_or_404(Batch, pk=pk)
    existing = selectors.live_applications_of(viewer).get(batch.pk)
    require(permissions.can_apply(viewer, batch if existing is None else None))
    if existing is not None:
        messages.info(request, _("本单位已有该批次的申报，不能重复申报"))
        return _back(existing)
    applicant = Organization.objects.get(pk=int(viewer.organization_id or 0))
    try:
        application = services.application_create(actor=request.user, applicant=applicant, batch=batch)
    except ValidationError as error:
        _say_errors(request, error)
        return redirect("programmes:batch_list")
    messages.success(request, _("申报已创建：请选择细分行业、推荐服务商、建立试点企业库并填写资金安排"))
    return _back(application)


# ----------------------------------------------------------------------------------------- applications

APPLICATIONS = ListPage(
    url_name="programmes:application_list",
    title=gettext_lazy("试点申报"),
    filter_label=gettext_lazy("筛选申报"),
    filters=(
        SearchFilter(label=gettext_lazy("申报单位名称"), placeholder=gettext_lazy("例如：广州")),
        ChoiceFilter("batch", gettext_lazy("批次"), choices=selectors.batch_choices, width="col-12 col-md-4"),
        ChoiceFilter("state", gettext_lazy("状态"), choices=ApplicationState.choices, width=_NARROW),
    ),
    # The update time has its index; the applicant's name sorts through the join (a batch has at most a few
    # hundred applications, one per authority).
    sorts={"updated": "updated_at", "applicant": "applicant__name"},
    default_sort="-updated",
    columns=(
        Column(gettext_lazy("申报单位"), sort="applicant"),
        Column(gettext_lazy("批次")),
        Column(gettext_lazy("状态")),
        Column(gettext_lazy("细分行业（个）"), numeric=True),
        Column(gettext_lazy("试点企业（家）"), numeric=True),
        Column(gettext_lazy("申请奖补资金（元）"), numeric=True),
        Column(gettext_lazy("资格检查")),
        Column(gettext_lazy("更新时间"), sort="updated"),
    ),
    no_match=gettext_lazy("没有符合筛选条件的申报。"),
    caption=gettext_lazy("申报列表"),
    export="programmes.applications",
)


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_applications(viewer))
    return render_list(
        request,
        "programmes/application_list.html",
        APPLICATIONS,
        lambda f: selectors.applications_for(viewer, f.values),
        viewer,
        {"applicant": bool(permissions.can_apply(viewer)), "status_kinds": STATUS_KINDS},
    )


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


SUBJECT_KINDS = {
    "application": gettext_lazy("本申报"),
    "sub_industry": gettext_lazy("细分行业"),
    "enterprise": gettext_lazy("企业"),
    "provider": gettext_lazy("服务商"),
}


def detail_context(
    viewer: Viewer, application: Application, plan_form: PlanForm | None = None
) -> dict[str, Any]:
    can_edit = permissions.can_edit_application(viewer, application)
    groups = selectors.failures_by_subject(application.eligibility, in_english())
    for group in groups:
        group["kind_label"] = SUBJECT_KINDS.get(group["kind"], "")
    entries = application.sub_industries.select_related("sub_industry").prefetch_related(
        "providers__provider__organization", "enterprises__enterprise"
    )
    return {
        "application": application,
        "batch": application.batch,
        "status_kinds": STATUS_KINDS,
        "crumbs": [(_("试点申报"), reverse("programmes:application_list")), (application.applicant.name, "")],
        "checklist": checks.checklist(application),
        "failure_groups": groups,
        "entries": entries,
        "figures": {
            "retrofit_share": _percent(application.retrofit_share),
            "service_share": _percent(application.service_share),
            "target_share": _percent(application.target_share),
            "target_level": dict(TARGET_LEVELS).get(str(application.target_level or ""), ""),
        },
        "can_edit": can_edit,
        "can_withdraw": permissions.can_withdraw_application(viewer, application),
        "can_review": permissions.can_review_applications(viewer),
        "reviewable": application.state in (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW),
        "plan_form": plan_form or PlanForm(initial=PlanForm.initial_for(application)),
        "sub_industry_form": SubIndustryForm(),
        "submit_form": SubmitForm(),
        "reason_form": ReasonForm(),
        "providers": list(selectors.admitted_providers()) if can_edit else [],
        "window_open": permissions.window_open(application.batch),
        "pilot": _pilot_of(application),
        # The pilot's project rules and ledger live with the projects (dengta/projects): linked for the
        # people whose role opens them.
        "pilot_rules_link": viewer.can(Capability.VIEW_PROJECTS),
        "pilot_ledger_link": viewer.can(Capability.VIEW_LEDGER),
        "english": in_english(),
        "summary": checks.pool_summary(application),
        **assignment_context(viewer, application),
    }


def assignment_context(viewer: Any, application: Any) -> dict[str, Any]:
    """What the application page shows of its review to the staff: the assignments and the aggregate."""
    if not permissions.can_review_applications(viewer):
        return {}
    aggregate = reviews.application_aggregate(application)
    return {
        "assignments": selectors.assignments_for(application),
        "aggregate": aggregate,
        "assign_form": AssignForm(experts=selectors.reviewer_choices()),
        "can_assign": application.state == ApplicationState.UNDER_REVIEW,
    }


def _application(viewer: Viewer, pk: int) -> Application:
    return get_visible_or_404(
        Application.objects.select_related("batch__programme", "applicant__region"), viewer, pk=pk
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    require(permissions.can_view_applications(viewer))
    return render(request, "programmes/application_detail.html", detail_context(viewer, application))


def _editable(request: HttpRequest, viewer: Viewer, application: Application) -> HttpResponse | None:
    """None when the viewer may change the application now; a state conflict goes back to the page with
    the reason; any other refusal is raised (404 / 403)."""
    decision = permissions.can_edit_application(viewer, application)
    if decision.kind == Outcome.CONFLICT:
        messages.error(request, decision.reason)
        return _back(application)
    require(decision)
    return None


def _save_plan(request: HttpRequest, application: Application, form: PlanForm) -> bool:
    """Save the plan form whole, or put the service's refusals on the form's fields (False)."""
    if not form.is_valid():
        return False
    data = {name: form.cleaned_data[name] for name in PLAN_FIELDS}
    try:
        services.application_update(actor=request.user, application=application, data=data)
    except ValidationError as error:
        _errors_to_form(form, error)
        return False
    return True


@login_required
@require_POST
def application_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The fund plan, targets and plan: saved whole or not at all; on bad input the page again, with the
    input kept and each problem beside its field."""
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    if (refused := _editable(request, viewer, application)) is not None:
        return refused
    form = PlanForm(request.POST)
    if _save_plan(request, application, form):
        messages.success(request, _("资金安排和目标已保存"))
        return _back(application)
    application.refresh_from_db()
    context = detail_context(viewer, application, plan_form=form)
    return render(request, "programmes/application_detail.html", context, status=200)


@login_required
@require_POST
def application_plan_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the fund plan, targets and plan saved as they change (whole or not at all, as the button saves
    them); the answer is the status line beside the form, naming what must be corrected."""
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    decision = permissions.can_edit_application(viewer, application)
    if decision.kind == Outcome.CONFLICT:
        context: dict[str, Any] = {"problems": [decision.reason]}
        return render(request, "programmes/_plan_autosave.html", context, status=409)
    require(decision)
    form = PlanForm(request.POST)
    _save_plan(request, application, form)
    context = {"problems": _form_problems(form), "saved_at": timezone.now()}
    return render(request, "programmes/_plan_autosave.html", context)


def _act(request: HttpRequest, application: Application, action: Callable[[], Any], done: str) -> None:
    try:
        action()
    except ValidationError as error:
        _say_errors(request, error)
    else:
        messages.success(request, done)


def _edit_step(
    request: HttpRequest,
    pk: int,
    build: Callable[[Application], forms.Form],
    step: Callable[[Viewer, Application, Any], None],
) -> HttpResponse:
    """One change to an application's pools from its page: the applicant only, while it may be edited; the
    form's errors or the service's refusal are said on the page it goes back to."""
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    if (refused := _editable(request, viewer, application)) is not None:
        return refused
    form = build(application)
    if form.is_valid():
        step(viewer, application, form.cleaned_data)
    else:
        _say_form_errors(request, form)
    return _back(application)


@login_required
@require_POST
def application_add_sub_industry(request: HttpRequest, pk: int) -> HttpResponse:
    def step(viewer: Viewer, application: Application, data: dict[str, Any]) -> None:
        _act(
            request,
            application,
            lambda: services.application_add_sub_industry(
                actor=request.user,
                application=application,
                sub_industry=data["sub_industry"],
                local_name=data["local_name"],
            ),
            _("细分行业已添加"),
        )

    return _edit_step(request, pk, lambda _app: SubIndustryForm(request.POST), step)


@login_required
@require_POST
def application_add_provider(request: HttpRequest, pk: int) -> HttpResponse:
    def build(application: Application) -> forms.Form:
        return ProviderForm(request.POST, application=application, providers=selectors.admitted_providers())

    def step(viewer: Viewer, application: Application, data: dict[str, Any]) -> None:
        _act(
            request,
            application,
            lambda: services.application_add_provider(
                actor=request.user, entry=data["entry"], provider=data["provider"]
            ),
            _("推荐服务商已添加"),
        )

    return _edit_step(request, pk, build, step)


@login_required
@require_POST
def application_add_enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    def step(viewer: Viewer, application: Application, data: dict[str, Any]) -> None:
        check = uscc.validate(data["uscc"])
        if check.problem is not None:
            messages.error(request, check.problem.render(_))
            return
        enterprise = selectors.enterprise_by_code(viewer, check.value)
        if enterprise is None:
            messages.error(
                request,
                _("没有找到本辖区统一社会信用代码为 %(code)s 的企业：请核对代码，或先在企业库中登记")
                % {"code": check.value},
            )
            return
        _act(
            request,
            application,
            lambda: services.application_add_enterprise(
                actor=request.user, entry=data["entry"], enterprise=enterprise
            ),
            _("%(name)s 已加入试点企业库") % {"name": enterprise.name},
        )

    return _edit_step(request, pk, lambda app: EnterpriseForm(request.POST, application=app), step)


@login_required
@require_POST
def application_remove_enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    def step(viewer: Viewer, application: Application, data: dict[str, Any]) -> None:
        row = data["row"]
        _act(
            request,
            application,
            lambda: services.application_remove_enterprise(actor=request.user, row=row),
            _("%(name)s 已移出试点企业库") % {"name": row.enterprise.name},
        )

    return _edit_step(request, pk, lambda app: RemoveEnterpriseForm(request.POST, application=app), step)


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    if (refused := _editable(request, viewer, application)) is not None:
        return refused
    form = SubmitForm(request.POST)
    form.is_valid()
    declared = bool(form.cleaned_data.get("declared"))
    _act(
        request,
        application,
        lambda: services.application_submit(actor=request.user, application=application, declared=declared),
        _("申报已提交，部委项目管理人员审核后会通知您"),
    )
    return _back(application)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    decision = permissions.can_withdraw_application(viewer, application)
    if decision.kind == Outcome.CONFLICT:
        messages.error(request, decision.reason)
        return _back(application)
    require(decision)
    _act(
        request,
        application,
        lambda: services.application_withdraw(actor=request.user, application=application),
        _("申报已撤回"),
    )
    return _back(application)


def _review(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    require(permissions.can_review_applications(viewer))
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    actions: dict[str, tuple[Callable[[], Any], str]] = {
        "start_review": (
            lambda: services.application_start_review(actor=request.user, application=application),
            _("申报已进入评审"),
        ),
        "return": (
            lambda: services.application_return(actor=request.user, application=application, reason=reason),
            _("申报已退回补充，申报单位会看到退回理由"),
        ),
        "reject": (
            lambda: services.application_reject(actor=request.user, application=application, reason=reason),
            _("已决定不予批准"),
        ),
        "approve": (
            lambda: services.application_approve(
                actor=request.user, application=application, award_yuan=request.POST.get("award", "")
            ),
            _("申报已批准，试点已设立，资金已分配到改造和服务能力两部分"),
        ),
    }
    action, done = actions[step]
    _act(request, application, action, done)
    return _back(application)


@login_required
@require_POST
def application_start_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "start_review")


@login_required
@require_POST
def application_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "return")


@login_required
@require_POST
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "approve")


def _pilot_of(application: Application) -> Pilot | None:
    """The pilot an approval created, with its allocation (None before approval)."""
    return Pilot.objects.select_related("allocation").filter(application=application).first()


@login_required
@require_POST
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "reject")
