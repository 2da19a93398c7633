"""Pages of the competitive review (竞争性评审, DOMAIN.md 2.1): the programme staff assign experts and read a
batch's ranked list, deciding one application or several at once; an expert works through its queue and
fills in each review under the rubric. Thin: parse → authorise → call a service → render (ARCHITECTURE.md
convention 3)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dengta.core.access import request_viewer
from dengta.core.decisions import require
from dengta.core.language import in_english
from dengta.programmes import permissions, review, reviews, selectors, services, standings
from dengta.programmes.forms import AssignForm, ConflictForm, DecideForm, MethodForm, RankingForm, ReviewForm
from dengta.programmes.models import ApplicationState, Batch, ReviewAssignment
from dengta.programmes.views import (
    STATUS_KINDS,
    _application,
    _back,
    _say_errors,
    _say_form_errors,
)

# ------------------------------------------------------------------------------------------------ ranking


def _parameters(form: RankingForm, batch: Batch) -> standings.Parameters:
    defaults = standings.Parameters.defaults(batch)
    if not form.is_valid():
        return defaults
    data = form.cleaned_data
    balance = {
        group: data[group] if data.get(group) is not None else defaults.balance.get(group, 0)
        for group in ("east", "central", "west")
    }
    return standings.Parameters(
        places=data.get("places"),
        balance={g: n for g, n in balance.items() if n} if batch.parsed_rules().regional_balance else {},
        mode=data.get("mode") or defaults.mode,
    )


@login_required
def batch_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch's ranked list with each position explained, and the decisions on the ticked applications."""
    viewer = request_viewer(request)
    require(permissions.can_review_applications(viewer))
    batch = get_object_or_404(Batch.objects.select_related("programme"), pk=pk)
    form = RankingForm(request.GET or None)
    if request.GET and not form.is_valid():
        _say_form_errors(request, form)
    standing = standings.batch_standing(batch, _parameters(form, batch))
    context = {
        "crumbs": [(_("试点批次"), reverse("programmes:batch_list")), (batch.display_title, "")],
        "batch": batch,
        "rules": batch.parsed_rules(),
        "standing": standing,
        "form": form if request.GET else RankingForm(initial=_initial(standing.parameters)),
        "decide_form": DecideForm(),
        "method_form": MethodForm(initial={"method": batch.review_method}),
        "status_kinds": STATUS_KINDS,
        "decidable": ApplicationState.UNDER_REVIEW,
        "any_decidable": any(r.application.state == ApplicationState.UNDER_REVIEW for r in standing.rows),
    }
    return render(request, "programmes/batch_ranking.html", context)


def _initial(parameters: standings.Parameters) -> dict[str, Any]:
    return {"places": parameters.places, "mode": parameters.mode, **dict(parameters.balance)}


@login_required
@require_POST
def batch_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """One decision for several applications; the page then says, per application, what was done or why
    not."""
    viewer = request_viewer(request)
    require(permissions.can_review_applications(viewer))
    batch = get_object_or_404(Batch, pk=pk)
    back = redirect(f"{reverse('programmes:batch_ranking', args=[batch.pk])}?{request.GET.urlencode()}")
    form = DecideForm(request.POST)
    if not form.is_valid():
        _say_form_errors(request, form)
        return back
    ids = [int(raw) for raw in request.POST.getlist("applications") if raw.isdigit() and len(raw) < 12]
    try:
        results = services.applications_decide(
            actor=request.user,
            batch=batch,
            application_ids=ids,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        _say_errors(request, error)
        return back
    for result in results:
        text = _("%(name)s：%(message)s") % {
            "name": result.application.applicant.name,
            "message": result.message,
        }
        (messages.success if result.done else messages.error)(request, text)
    missing = len(set(ids)) - len(results)
    if missing:
        messages.error(request, _("有 %(count)s 份所选申报不属于本批次，未处理") % {"count": missing})
    return back


# ------------------------------------------------------------------------------------ assigning experts


def _deadline(day: Any) -> datetime:
    """The end of the chosen day in Beijing time (the project's time zone)."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


@login_required
@require_POST
def application_assign(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    application = _application(viewer, pk)
    require(permissions.can_review_applications(viewer))
    form = AssignForm(request.POST, experts=selectors.reviewer_choices())
    if not form.is_valid():
        _say_form_errors(request, form)
        return _back(application)
    expert = get_user_model().objects.get(pk=int(form.cleaned_data["expert"]))
    try:
        reviews.review_assign(
            actor=request.user,
            application=application,
            expert=expert,
            deadline=_deadline(form.cleaned_data["deadline"]),
        )
    except ValidationError as error:
        _say_errors(request, error)
    else:
        name = expert.get_full_name() or expert.get_username()
        messages.success(request, _("已分配 %(name)s 评审这份申报") % {"name": name})
    return _back(application)


# -------------------------------------------------------------------------------------------- the expert


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_review_as_expert(viewer))
    now = timezone.now()
    rows = [
        {"assignment": a, "late": not a.submitted and a.deadline < now}
        for a in selectors.assignments_of(request.user)
    ]
    context = {
        "crumbs": [(_("评审任务"), "")],
        "rows": rows,
        "conflicts": selectors.conflicts_of(request.user),
        "conflict_form": ConflictForm(),
    }
    return render(request, "programmes/review_list.html", context)


def _own_assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    """The viewer's own assignment; anyone else's is a 404 (an expert does not learn who else reviews)."""
    require(permissions.can_review_as_expert(request_viewer(request)))
    return get_object_or_404(
        ReviewAssignment.objects.select_related("application__batch__programme", "application__applicant"),
        pk=pk,
        expert=request.user,
    )


def _review_context(request: HttpRequest, assignment: ReviewAssignment, form: ReviewForm) -> dict[str, Any]:
    application = assignment.application
    rubric = reviews.rubric_for(application)
    english = in_english()
    visible = reviews.reviews_for_expert(request.user, application)
    others = [r for r in visible if r.expert_id != request.user.pk]
    return {
        "crumbs": [(_("评审任务"), reverse("programmes:review_list")), (application.applicant.name, "")],
        "assignment": assignment,
        "application": application,
        "entries": application.sub_industries.select_related("sub_industry").prefetch_related(
            "providers__provider__organization", "enterprises__enterprise"
        ),
        "rubric": rubric,
        "anchors": [(a.score, a.en if english else a.zh) for a in rubric.anchors],
        "form": form,
        "others": others,
        "aggregate": reviews.application_aggregate(application) if assignment.submitted else None,
        "late": not assignment.submitted and review.is_late(timezone.now(), assignment.deadline),
        "english": english,
    }


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The review form: save a draft or submit. On a refusal the form comes back with what was entered and
    the reasons."""
    assignment = _own_assignment(request, pk)
    rubric = reviews.rubric_for(assignment.application)
    english = in_english()
    if request.method != "POST":
        form = ReviewForm(initial=ReviewForm.initial_for(assignment), rubric=rubric, english=english)
        return render(request, "programmes/review_detail.html", _review_context(request, assignment, form))
    form = ReviewForm(request.POST, rubric=rubric, english=english)
    if form.is_valid():
        scores, comments = form.scores_and_comments()
        try:
            saved = reviews.review_save(
                actor=request.user, assignment=assignment, scores=scores, comments=comments
            )
            if request.POST.get("action") == "submit":
                reviews.review_submit(actor=request.user, assignment=saved)
                messages.success(request, _("评审已提交"))
            else:
                messages.success(request, _("评审草稿已保存"))
            return redirect("programmes:review_detail", assignment.pk)
        except ValidationError as error:
            for problem in error.messages:
                form.add_error(None, problem)
    assignment.refresh_from_db()
    return render(request, "programmes/review_detail.html", _review_context(request, assignment, form))


@login_required
@require_POST
def batch_review_method(request: HttpRequest, pk: int) -> HttpResponse:
    """How the batch combines its experts' totals; the ranked list reads it at once."""
    viewer = request_viewer(request)
    require(permissions.can_review_applications(viewer))
    batch = get_object_or_404(Batch, pk=pk)
    form = MethodForm(request.POST)
    if form.is_valid():
        services.batch_set_review_method(actor=request.user, batch=batch, method=form.cleaned_data["method"])
        messages.success(request, _("评审汇总方式已修改，排名已按新方式重新计算"))
    else:
        _say_form_errors(request, form)
    return redirect("programmes:batch_ranking", batch.pk)


@login_required
@require_POST
def review_conflict(request: HttpRequest) -> HttpResponse:
    """An expert declares a standing conflict with an applicant authority or a provider: staff cannot then
    assign it an application that organisation is a party to."""
    require(permissions.can_review_as_expert(request_viewer(request)))
    form = ConflictForm(request.POST)
    if not form.is_valid():
        _say_form_errors(request, form)
        return redirect("programmes:review_list")
    name = " ".join(form.cleaned_data["organization"].split())
    found = list(selectors.conflict_parties(name)[:2])
    if len(found) != 1:
        messages.error(
            request,
            _("没有找到名称为“%(name)s”的申报单位或服务商，请填写系统中登记的全称") % {"name": name}
            if not found
            else _("有多个机构名称为“%(name)s”，请联系项目管理人员登记利益冲突") % {"name": name},
        )
        return redirect("programmes:review_list")
    try:
        reviews.conflict_declare(
            actor=request.user, expert=request.user, organization=found[0], reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _say_errors(request, error)
    else:
        messages.success(request, _("已声明与%(name)s的利益冲突") % {"name": found[0].name})
    return redirect("programmes:review_list")
