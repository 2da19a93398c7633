"""Pools, applications to them and the governance of admitted providers. Thin: parse → authorise → call a
service → render (ARCHITECTURE.md convention 3)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dengta.assessment.uploads import sniff_evidence
from dengta.catalog import permissions, selectors
from dengta.catalog.forms import (
    AdmissionForm,
    AppealDecisionForm,
    AppealForm,
    DecisionForm,
    GovernanceForm,
    OpinionForm,
    PoolForm,
    ProviderKindForm,
    pool_defaults,
    pool_initial,
    reference_rows,
)
from dengta.catalog.models import (
    Admission,
    AdmissionDocument,
    AdmissionState,
    GovernanceAction,
    Pool,
    ProviderScore,
)
from dengta.catalog.services import admissions as admission_services
from dengta.catalog.services import governance
from dengta.catalog.services.products import display_compiled
from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.actors import actor_id
from dengta.core.decisions import Decision, Outcome, require
from dengta.core.events import record_event
from dengta.core.listpage import ChoiceFilter, Column, ListPage, SearchFilter, render_list
from dengta.orgs.models import AuthorityLevel, Organization
from dengta.registry.models import ProviderKind

MAX_UPLOAD = 20 * 1024 * 1024


def _errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# ------------------------------------------------------------------------------------------------ pools


def _period_choices(viewer: Viewer) -> list[tuple[str, str]]:
    return [(str(year), str(year)) for year in selectors.pool_periods(viewer)]


_NARROW = "col-6 col-md-3 col-xl-2"
# Owners of pools: the ministry's national pools, then the authorities by level (DOMAIN.md 2.7).
OWNER_LEVELS = [
    (selectors.NATIONAL, gettext_lazy("部委（全国）")),
    *[(value, label) for value, label in AuthorityLevel.choices],
]

POOLS = ListPage(
    url_name="catalog:pool_list",
    title=gettext_lazy("服务商库"),
    filter_label=gettext_lazy("筛选服务商库"),
    filters=(
        SearchFilter(label=gettext_lazy("服务商库名称"), placeholder=gettext_lazy("例如：广州")),
        ChoiceFilter("period", gettext_lazy("年度"), choices=_period_choices, width=_NARROW),
        ChoiceFilter(
            "open",
            gettext_lazy("状态"),
            choices=(("1", gettext_lazy("接受申请")), ("0", gettext_lazy("已截止"))),
            width=_NARROW,
        ),
        ChoiceFilter("level", gettext_lazy("主管单位层级"), choices=OWNER_LEVELS, width=_NARROW),
    ),
    # Latest year first, by name within a year; each sort has a (column, id) index (Pool.Meta.indexes).
    sorts={"period": ("period", "name"), "name": "name"},
    default_sort="-period",
    columns=(
        Column(gettext_lazy("名称"), sort="name"),
        Column(gettext_lazy("主管单位")),
        Column(gettext_lazy("年度"), sort="period", numeric=True),
        Column(gettext_lazy("要求")),
        Column(gettext_lazy("状态")),
    ),
    no_match=gettext_lazy("没有符合筛选条件的服务商库。"),
    caption=gettext_lazy("服务商库列表"),
)
# The provider's own column: whether it applied to the pool, or the button to apply.
OWN_COLUMN = Column(gettext_lazy("本机构"))


@login_required
def pool_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_pools(viewer))
    provider = selectors.own_provider(viewer)
    applied = (
        dict(Admission.objects.filter(provider=provider).values_list("pool_id", "id")) if provider else {}
    )
    can_apply = permissions.can_apply(viewer)
    extra = {
        "can_manage": permissions.can_manage_pools(viewer),
        "can_edit_kinds": permissions.can_edit_provider_kinds(viewer),
        "can_apply": can_apply,
        "applied": applied,
        "to_review": (
            selectors.admissions_for(viewer)
            .filter(state__in=[AdmissionState.SUBMITTED, AdmissionState.UNDER_REVIEW])
            .exclude(opinions__expert_id=actor_id(request.user))
            .order_by("submitted_at", "id")[:50]
            if permissions.can_give_opinions(viewer)
            else None
        ),
    }
    if can_apply:
        extra["columns"] = (*POOLS.columns, OWN_COLUMN)
    return render_list(
        request,
        "catalog/pool_list.html",
        POOLS,
        lambda f: selectors.pool_list(viewer, f.values),
        viewer,
        extra,
    )


@login_required
def pool_create(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_manage_pools(viewer))
    form = PoolForm(request.POST or None, initial=pool_defaults())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pool = admission_services.pool_create(
                actor=request.user,
                owner=Organization.objects.get(pk=int(viewer.organization_id or 0)),
                name=data["name"],
                period=data["period"],
                description=data["description"],
                kinds=data["kinds"],
                min_references=data["min_references"],
                expert_review=data["expert_review"],
                is_open=data["is_open"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("服务商库已设立"))
            return redirect("catalog:pool_detail", pool.pk)
    crumbs = [(_("服务商库"), reverse("catalog:pool_list")), (_("设立服务商库"), "")]
    return render(request, "catalog/pool_form.html", {"form": form, "crumbs": crumbs, "pool": None})


@login_required
def pool_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    pool = get_visible_or_404(Pool.objects.select_related("owner"), viewer, pk=pk)
    require(permissions.can_edit_pool(viewer, pool))
    form = PoolForm(request.POST or None, initial=pool_initial(pool))
    if request.method == "POST" and form.is_valid():
        try:
            admission_services.pool_update(actor=request.user, pool=pool, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("服务商库已修改"))
            return redirect("catalog:pool_detail", pool.pk)
    crumbs = [
        (_("服务商库"), reverse("catalog:pool_list")),
        (str(pool), reverse("catalog:pool_detail", args=[pool.pk])),
        (_("修改"), ""),
    ]
    return render(request, "catalog/pool_form.html", {"form": form, "crumbs": crumbs, "pool": pool})


POOL_ADMISSIONS = ListPage(
    # The page is the pool's (its URL has the pool's id): the view gives the "清除" link and the crumbs.
    url_name="catalog:pool_list",
    title=gettext_lazy("申请与入库服务商"),
    filter_label=gettext_lazy("筛选入库申请"),
    filters=(
        SearchFilter(label=gettext_lazy("服务商名称"), placeholder=gettext_lazy("例如：数智")),
        ChoiceFilter("state", gettext_lazy("状态"), choices=AdmissionState.choices, width=_NARROW),
    ),
    # By state, then provider; each sort has an index within the pool (Admission.Meta.indexes) or is
    # the provider's name, read through the organisation (a pool holds thousands of applications, not more).
    sorts={
        "state": ("state", "provider__organization__name"),
        "provider": "provider__organization__name",
        "updated": "updated_at",
    },
    default_sort="state",
    columns=(
        Column(gettext_lazy("服务商"), sort="provider"),
        Column(gettext_lazy("申请类型")),
        Column(gettext_lazy("状态"), sort="state"),
        Column(gettext_lazy("履约状态")),
        Column(gettext_lazy("同时承接项目数"), numeric=True),
        Column(gettext_lazy("更新时间"), sort="updated"),
    ),
    no_match=gettext_lazy("没有符合筛选条件的申请。"),
    caption=gettext_lazy("入库申请列表"),
)


@login_required
def pool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    pool = get_visible_or_404(Pool.objects.select_related("owner", "owner__region"), viewer, pk=pk)
    require(permissions.can_view_pools(viewer))
    provider = selectors.own_provider(viewer)
    mine = Admission.objects.filter(pool=pool, provider=provider).first() if provider else None
    extra = {
        "pool": pool,
        "crumbs": [(_("服务商库"), reverse("catalog:pool_list")), (str(pool), "")],
        "clear_url": reverse("catalog:pool_detail", args=[pool.pk]),
        "owner_view": bool(permissions.can_edit_pool(viewer, pool)),
        "mine": mine,
        "can_apply": permissions.can_apply(viewer, pool) if provider and mine is None else None,
    }
    return render_list(
        request,
        "catalog/pool_detail.html",
        POOL_ADMISSIONS,
        lambda f: selectors.pool_admissions(viewer, pool, f.values),
        viewer,
        extra,
    )


# ------------------------------------------------------------------------------------------ applications


def _admission_form_context(form: AdmissionForm, pool: Pool, admission: Admission | None) -> dict[str, Any]:
    typed = form.references() if form.is_bound else (admission.references if admission else [])
    return {
        "form": form,
        "pool": pool,
        "admission": admission,
        "reference_rows": reference_rows(list(typed or []), pool.min_references),
    }


def _admission_data(form: AdmissionForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["references"] = form.references()
    return data


@login_required
def admission_create(request: HttpRequest, pool_pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    pool = get_visible_or_404(Pool.objects.select_related("owner"), viewer, pk=pool_pk)
    require(permissions.can_apply(viewer, pool))
    provider = selectors.own_provider(viewer)
    if provider is None:  # a provider organisation not yet registered: nothing to apply as (409, the reason)
        require(Decision.conflict(_("本机构还没有服务商档案，请联系所在地主管部门登记后再申请入库")))
        raise AssertionError("unreachable")
    existing = Admission.objects.filter(pool=pool, provider=provider).first()
    if existing is not None:
        messages.info(request, _("本机构已向该服务商库提交过申请，同一年度不能重复申请"))
        return redirect("catalog:admission_detail", existing.pk)
    form = AdmissionForm(
        request.POST or None, framework=display_compiled(), initial={"kind": provider.kind_id}
    )
    if request.method == "POST" and form.is_valid():
        data = _admission_data(form)
        try:
            admission = admission_services.admission_create(
                actor=request.user,
                pool=pool,
                provider=provider,
                kind=data.pop("kind"),
                sub_industries=data.pop("sub_industries"),
                **data,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            if request.POST.get("submit"):
                return _submit(request, admission)
            messages.success(request, _("申请已保存为草稿，可以继续补充后提交"))
            return redirect("catalog:admission_detail", admission.pk)
    context = _admission_form_context(form, pool, None)
    context["crumbs"] = [
        (_("服务商库"), reverse("catalog:pool_list")),
        (str(pool), reverse("catalog:pool_detail", args=[pool.pk])),
        (_("申请入库"), ""),
    ]
    return render(request, "catalog/admission_form.html", context)


@login_required
def admission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    admission = get_visible_or_404(Admission.objects.select_related("pool", "provider"), viewer, pk=pk)
    decision = permissions.can_edit_admission(viewer, admission)
    if decision.kind == Outcome.CONFLICT:  # a submitted or decided application: back to it, with the reason
        messages.info(request, decision.reason)
        return redirect("catalog:admission_detail", admission.pk)
    require(decision)
    initial = {
        name: getattr(admission, name)
        for name in ("kind", "qualifications", "scenarios", "capacity", "revenue_yuan", "net_assets_yuan")
    }
    initial.update(
        security_certification=admission.security_certification,
        security_valid_until=admission.security_valid_until,
        sub_industries=list(admission.sub_industries.all()),
    )
    form = AdmissionForm(request.POST or None, framework=display_compiled(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _admission_data(form)
        try:
            admission = admission_services.admission_update(
                actor=request.user, admission=admission, sub_industries=data.pop("sub_industries"), **data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            if request.POST.get("submit"):
                return _submit(request, admission)
            messages.success(request, _("申请已保存"))
            return redirect("catalog:admission_detail", admission.pk)
    context = _admission_form_context(form, admission.pool, admission)
    context["crumbs"] = [
        (_("服务商库"), reverse("catalog:pool_list")),
        (str(admission.pool), reverse("catalog:pool_detail", args=[admission.pool_id])),
        (_("修改申请"), ""),
    ]
    return render(request, "catalog/admission_form.html", context)


def _submit(request: HttpRequest, admission: Admission) -> HttpResponse:
    try:
        admission_services.admission_submit(actor=request.user, admission=admission)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("catalog:admission_detail", admission.pk)
    messages.success(request, _("申请已提交，服务商库所属单位审核后会通知您"))
    return redirect("catalog:admission_detail", admission.pk)


@login_required
def admission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    admission = get_visible_or_404(
        Admission.objects.select_related("pool__owner__region", "provider__organization__region", "kind"),
        viewer,
        pk=pk,
    )
    fw = display_compiled()
    scenario_names = {s.code: s.name for s in fw.scenarios}
    own = admission.provider.organization_id == viewer.organization_id
    context = {
        "admission": admission,
        "crumbs": [
            (_("服务商库"), reverse("catalog:pool_list")),
            (str(admission.pool), reverse("catalog:pool_detail", args=[admission.pool_id])),
            (str(admission.provider), ""),
        ],
        "own": own,
        "scenarios": [scenario_names.get(code, code) for code in admission.scenarios],
        "sub_industries": admission.sub_industries.order_by("name"),
        "missing": admission_services.completeness(admission) if own else [],
        "documents": admission.documents.order_by("kind", "created_at"),
        "document_kinds": AdmissionDocument.Kind.choices,
        "opinions": admission.opinions.select_related("expert"),
        "actions": admission.actions.select_related("decided_by"),
        "can_edit": permissions.can_edit_admission(viewer, admission),
        "can_review": permissions.can_review_admission(viewer, admission),
        "can_opine": permissions.can_give_opinion(viewer, admission),
        "can_govern": permissions.can_govern(viewer, admission),
        "decision_form": DecisionForm(),
        "opinion_form": OpinionForm(),
        "governance_form": GovernanceForm(),
        "appeal_decision_form": AppealDecisionForm(),
        "score": ProviderScore.objects.filter(provider=admission.provider).first(),
        "review": governance.annual_review(admission) if admission.state == AdmissionState.ADMITTED else (),
    }
    return render(request, "catalog/admission_detail.html", context)


@login_required
@require_POST
def admission_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """submit, withdraw (the provider), start_review, admit, return, refuse (the pool's owner)."""
    viewer = request_viewer(request)
    admission = get_visible_or_404(Admission.objects.select_related("pool", "provider"), viewer, pk=pk)
    if step == "submit":
        require(permissions.can_edit_admission(viewer, admission))
        return _submit(request, admission)
    if step == "withdraw":
        require(permissions.can_appeal(viewer, admission))
        action = lambda: admission_services.admission_withdraw(actor=request.user, admission=admission)  # noqa: E731
        done: str = str(_("申请已撤回"))
    elif step == "start_review":
        require(permissions.can_review_admission(viewer, admission))
        action = lambda: admission_services.admission_start_review(actor=request.user, admission=admission)  # noqa: E731
        done = _("已开始审核")
    elif step in ("admit", "return", "refuse"):
        require(permissions.can_review_admission(viewer, admission))
        form = DecisionForm(request.POST)
        form.is_valid()
        reason = form.cleaned_data.get("reason", "")
        action = lambda: admission_services.admission_decide(  # noqa: E731
            actor=request.user, admission=admission, decision=step, reason=reason
        )
        done = {"admit": _("服务商已入库"), "return": _("申请已退回补充"), "refuse": _("申请未通过")}[step]
    else:
        require(permissions.can_review_admission(viewer, admission))
        return redirect("catalog:admission_detail", admission.pk)
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("catalog:admission_detail", admission.pk)


@login_required
@require_POST
def admission_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    admission = get_visible_or_404(Admission.objects.select_related("pool"), viewer, pk=pk)
    require(permissions.can_give_opinion(viewer, admission))
    form = OpinionForm(request.POST)
    if form.is_valid():
        try:
            admission_services.admission_opinion(actor=request.user, admission=admission, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("评审意见已提交"))
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect("catalog:admission_detail", admission.pk)


@login_required
@require_POST
def admission_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file; recognised by its content (PDF, image, Office), never by its name."""
    viewer = request_viewer(request)
    admission = get_visible_or_404(Admission.objects.select_related("pool", "provider"), viewer, pk=pk)
    require(permissions.can_appeal(viewer, admission))
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", "")
    if upload is None or kind not in AdmissionDocument.Kind.values:
        messages.error(request, _("请选择材料类型和文件"))
        return redirect("catalog:admission_detail", admission.pk)
    if upload.size is None or upload.size > MAX_UPLOAD:
        messages.error(request, _("文件不能超过 20 MB"))
        return redirect("catalog:admission_detail", admission.pk)
    content = upload.read()
    content_type = sniff_evidence(content[:8192], content)
    if content_type is None:
        messages.error(
            request,
            _("文件“%(name)s”的内容不是 PDF、图片或 Office 文档（按文件内容判断，与扩展名无关）")
            % {"name": upload.name},
        )
        return redirect("catalog:admission_detail", admission.pk)
    upload.seek(0)
    document = AdmissionDocument(
        admission=admission,
        kind=kind,
        file=upload,
        original_name=(upload.name or "")[:255],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=actor_id(request.user),
    )
    document.save()
    record_event(
        actor=request.user,
        verb="admission.document_added",
        target=admission,
        organization_id=admission.provider.organization_id,
        payload={"document": document.pk, "kind": kind, "sha256": document.sha256},
    )
    messages.success(request, _("材料已上传"))
    return redirect("catalog:admission_detail", admission.pk)


# ------------------------------------------------------------------------------------------- governance


@login_required
@require_POST
def governance_act(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    admission = get_visible_or_404(Admission.objects.select_related("pool", "provider"), viewer, pk=pk)
    require(permissions.can_govern(viewer, admission))
    form = GovernanceForm(request.POST)
    if form.is_valid():
        try:
            governance.governance_act(actor=request.user, admission=admission, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("管理措施已记录，服务商会收到通知"))
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect("catalog:admission_detail", admission.pk)


@login_required
@require_POST
def governance_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    action = get_visible_or_404(
        GovernanceAction.objects.select_related("admission__provider", "admission__pool"), viewer, pk=pk
    )
    require(permissions.can_appeal(viewer, action.admission))
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            governance.governance_appeal(
                actor=request.user, action=action, text=form.cleaned_data["appeal_text"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("申诉已提交，服务商库所属单位处理后会通知您"))
    else:
        messages.error(request, _("请写明申诉理由"))
    return redirect("catalog:my_standing")


@login_required
@require_POST
def governance_decide_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    action = get_visible_or_404(GovernanceAction.objects.select_related("admission__pool"), viewer, pk=pk)
    require(permissions.can_review_admission(viewer, action.admission))
    form = AppealDecisionForm(request.POST)
    if form.is_valid():
        try:
            governance.governance_decide_appeal(
                actor=request.user,
                action=action,
                overturn=form.cleaned_data["overturn"],
                reason=form.cleaned_data["appeal_reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("申诉已处理"))
    else:
        messages.error(request, _("请选择处理结果并填写处理意见"))
    return redirect("catalog:admission_detail", action.admission_id)


@login_required
def my_standing(request: HttpRequest) -> HttpResponse:
    """The provider's own page: its applications, standing, measures and appeals, and its star rating."""
    viewer = request_viewer(request)
    require(permissions.can_use_provider_workspace(viewer))
    provider = selectors.own_provider(viewer)
    admissions = (
        Admission.objects.filter(provider=provider)
        .select_related("pool__owner", "kind")
        .order_by("-pool__period")
        if provider
        else Admission.objects.none()
    )
    actions = (
        GovernanceAction.objects.filter(admission__provider=provider)
        .select_related("admission__pool")
        .order_by("-created_at")
        if provider
        else GovernanceAction.objects.none()
    )
    score = ProviderScore.objects.filter(provider=provider).first() if provider else None
    context = {
        "crumbs": [(_("本机构入库与评级"), "")],
        "provider": provider,
        "admissions": admissions,
        "actions": actions,
        "score": score,
        "standing": selectors.listing_standing(provider) if provider else None,
        "appeal_form": AppealForm(),
    }
    return render(request, "catalog/my_standing.html", context)


# ------------------------------------------------------------------------------------------ provider kinds


@login_required
def kind_list(request: HttpRequest) -> HttpResponse:
    """The kinds of provider (data: registry/data/provider-kinds.json), edited by the ministry's staff."""
    viewer = request_viewer(request)
    require(permissions.can_edit_provider_kinds(viewer))
    kinds = ProviderKind.objects.order_by("order", "code")
    forms_by_kind = []
    for kind in kinds:
        bound = request.method == "POST" and request.POST.get("code") == kind.code
        form = ProviderKindForm(
            request.POST if bound else None,
            prefix=kind.code,
            initial={name: getattr(kind, name) for name in admission_services.KIND_FIELDS},
        )
        if bound and form.is_valid():
            try:
                admission_services.provider_kind_update(actor=request.user, kind=kind, **form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("服务商类型已修改"))
                return redirect("catalog:kind_list")
        forms_by_kind.append((kind, form))
    context = {
        "crumbs": [(_("服务商库"), reverse("catalog:pool_list")), (_("服务商类型"), "")],
        "kinds": forms_by_kind,
    }
    return render(request, "catalog/kind_list.html", context)
