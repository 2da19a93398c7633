"""Pages of retrofit projects: the list (each side sees its own, the staff their jurisdiction's), filing by a
provider, one project's page where every party takes its steps, and a pilot's ledger. Thin: parse →
authorise → call a service → render (ARCHITECTURE.md convention 3)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dengta.assessment.views.exports import content_disposition
from dengta.catalog.models import Category, Product, ProductState
from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.decisions import require
from dengta.core.language import in_english
from dengta.core.listpage import ChoiceFilter, Column, ListPage, SearchFilter, render_list
from dengta.core.spreadsheets import XLSX_CONTENT_TYPE
from dengta.programmes.models import Pilot
from dengta.projects import dossier, dossier_export, exports, gain_views, pages, permissions, selectors
from dengta.projects.forms import (
    DateForm,
    DocumentForm,
    EvaluationForm,
    ExpertForm,
    FilingForm,
    InvoiceForm,
    MilestoneForm,
    PaymentForm,
    RatingForm,
    ReasonForm,
)
from dengta.projects.models import (
    DossierFile,
    EnterprisePayment,
    Invoice,
    LedgerEntry,
    Milestone,
    PaymentBatch,
    Project,
    ProjectState,
)
from dengta.projects.services import filing, ledger, steps
from dengta.registry import uscc as uscc_codes
from dengta.registry.models import Enterprise, Provider

S = ProjectState
# State → the status colour every page uses for that meaning (UI.md; catalog_tags.STATUS_KIND's classes).
STATUS_KINDS = {
    S.DRAFT: "draft",
    S.FILED: "submitted",
    S.APPROVED: "approved",
    S.IN_PROGRESS: "submitted",
    S.COMPLETED: "submitted",
    S.ACCEPTANCE_REQUESTED: "action",
    S.PRE_CHECKED: "action",
    S.ON_SITE: "action",
    S.RECTIFICATION: "action",
    S.ACCEPTED: "approved",
    S.FAILED: "refused",
    S.SUBSIDY_CLAIMED: "action",
    S.PAID: "approved",
    S.ARCHIVED: "draft",
    S.WITHDRAWN: "suspended",
    S.DISQUALIFIED: "refused",
}
# The steps whose button needs a reason (the services refuse without one).
REASON_STEPS = frozenset({"return", "pre_check_return", "rectify", "fail", "withdraw", "disqualify"})
STEP_LABELS = {
    "file": gettext_lazy("提交备案"),
    "return": gettext_lazy("退回修改"),
    "approve": gettext_lazy("批准并承诺补贴"),
    "start": gettext_lazy("开始实施"),
    "complete": gettext_lazy("确认完工"),
    "request_acceptance": gettext_lazy("申请验收"),
    "pre_check": gettext_lazy("预审通过"),
    "pre_check_return": gettext_lazy("预审退回"),
    "accept": gettext_lazy("验收通过"),
    "rectify": gettext_lazy("限期整改"),
    "fail": gettext_lazy("验收不通过"),
    "claim": gettext_lazy("申请奖补资金"),
    "archive": gettext_lazy("归档"),
    "withdraw": gettext_lazy("撤回项目"),
    "disqualify": gettext_lazy("取消资格"),
}
# The order the buttons appear in: the forward step first, the exits last.
STEP_ORDER = (
    "file", "approve", "start", "complete", "request_acceptance", "pre_check", "accept", "claim", "archive",
    "return", "pre_check_return", "rectify", "fail", "withdraw", "disqualify",
)  # fmt: skip


# ------------------------------------------------------------------------------------------------ the list

PROJECTS = ListPage(
    url_name="projects:project_list",
    title=gettext_lazy("改造项目"),
    filter_label=gettext_lazy("筛选改造项目"),
    filters=(
        SearchFilter(label=gettext_lazy("企业、服务商或项目名称"), placeholder=gettext_lazy("例如：精密")),
        ChoiceFilter(
            "state", gettext_lazy("状态"), choices=ProjectState.choices, width="col-6 col-md-3 col-xl-2"
        ),
        ChoiceFilter("pilot", gettext_lazy("试点"), choices=selectors.pilot_choices, width="col-12 col-md-4"),
    ),
    sorts={"updated": "updated_at", "contract": "contract_yuan", "subsidy": "subsidy_yuan"},
    default_sort="-updated",
    columns=(
        Column(gettext_lazy("项目")),
        Column(gettext_lazy("企业")),
        Column(gettext_lazy("服务商")),
        Column(gettext_lazy("状态")),
        Column(gettext_lazy("合同金额（元）"), sort="contract", numeric=True),
        Column(gettext_lazy("补贴（元）"), sort="subsidy", numeric=True),
        Column(gettext_lazy("更新时间"), sort="updated"),
    ),
    no_match=gettext_lazy("没有符合筛选条件的改造项目。"),
    caption=gettext_lazy("改造项目列表"),
    export="projects.projects",
)


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_projects(viewer))
    return render_list(
        request,
        "projects/project_list.html",
        PROJECTS,
        lambda f: selectors.projects_filtered(viewer, f.values),
        viewer,
        {
            "status_kinds": STATUS_KINDS,
            "can_file": bool(permissions.can_file_projects(viewer)),
            "can_ledger": bool(permissions.can_view_ledger(viewer)),
            "can_pay": bool(permissions.can_pay(viewer)),
        },
    )


# ------------------------------------------------------------------------------------------------ filing


def _own_provider(viewer: Viewer) -> Provider:
    provider = Provider.objects.filter(organization_id=int(viewer.organization_id or 0)).first()
    if provider is None:
        raise ValidationError(_("本机构尚未登记为服务商"))
    return provider


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_file_projects(viewer))
    provider = Provider.objects.filter(organization_id=int(viewer.organization_id or 0)).first()
    products = (
        list(Product.objects.filter(provider=provider, state=ProductState.LISTED).order_by("name"))
        if provider
        else []
    )
    pilots = [
        (p.pk, f"{p.authority.name} · {p.batch.display_title}")
        for p in selectors.running_pilots(timezone.localdate())
    ]
    form = FilingForm(request.POST or None, pilots=pilots, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            project = _file(request, form)
        except ValidationError as error:
            pages.errors_to_form(form, error, names={"enterprise": "uscc"})
        else:
            messages.success(request, _("项目草稿已保存：核对投入明细和补贴测算后提交备案"))
            return pages.back(project)
    context = {
        "form": form,
        "provider": provider,
        "crumbs": [(_("改造项目"), reverse("projects:project_list")), (_("备案新项目"), "")],
        "problems": pages.form_problems(form) if form.is_bound else [],
    }
    return render(request, "projects/project_form.html", context)


def _file(request: HttpRequest, form: FilingForm) -> Project:
    viewer = request_viewer(request)
    data = form.cleaned_data
    code = uscc_codes.normalise(data["uscc"])
    enterprise = Enterprise.objects.select_related("region").filter(uscc=code).first()
    if enterprise is None:
        raise ValidationError({"uscc": [_("没有统一社会信用代码为 %(code)s 的企业") % {"code": code}]})
    pilot = get_object_or_404(Pilot, pk=data["pilot"])
    return filing.project_create(
        actor=request.user,
        pilot=pilot,
        enterprise=enterprise,
        provider=_own_provider(viewer),
        title=data["title"],
        lines=[filing.LineInput(product, qty) for product, qty in form.quantities()],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        target_level=data["target_level"],
    )


# ------------------------------------------------------------------------------------------------ one project


def _money_match(project: Project) -> dict[str, Any]:
    invoiced = Invoice.objects.filter(project=project).aggregate(t=Sum("amount_yuan"))["t"] or 0
    paid = EnterprisePayment.objects.filter(project=project).aggregate(t=Sum("amount_yuan"))["t"] or 0
    return {"invoiced": invoiced, "enterprise_paid": paid}


def _grouped(events: list[Any]) -> list[tuple[Any, int]]:
    """The timeline with runs of the same step by the same person in the same minute (ten documents
    uploaded at once) shown once with their number."""
    out: list[tuple[Any, int]] = []
    for event in events:
        if out:
            last, n = out[-1]
            same = (last.verb, last.actor_id, f"{last.created_at:%Y%m%d%H%M}")
            if same == (event.verb, event.actor_id, f"{event.created_at:%Y%m%d%H%M}"):
                out[-1] = (last, n + 1)
                continue
        out.append((event, 1))
    return out


def _step_buttons(viewer: Viewer, project: Project) -> list[dict[str, Any]]:
    out = []
    for name in STEP_ORDER:
        if permissions.can_step(viewer, project, name):
            out.append({"name": name, "label": STEP_LABELS[name], "reason": name in REASON_STEPS})
    return out


def detail_context(viewer: Viewer, project: Project) -> dict[str, Any]:
    english = in_english()
    spec = dossier.load_spec()
    rows = selectors.dossier_rows(project)
    have, need, missing = dossier.completeness(spec, {r.kind.code for r in rows if r.latest})
    evaluation = (
        project.evaluations.select_related("expert", "assessment").order_by("-created_at", "-id").first()
    )
    user = viewer.user
    evaluation_form = None
    t1 = []
    if evaluation is not None and permissions.can_evaluate(viewer, evaluation):
        t1 = selectors.t1_choices(project, user)
        evaluation_form = EvaluationForm(assessments=t1)
    funding = list(project.funding.select_related("envelope").order_by("envelope__kind"))
    return {
        "project": project,
        "status_kinds": STATUS_KINDS,
        "crumbs": [(_("改造项目"), reverse("projects:project_list")), (project.title, "")],
        "english": english,
        "lines": list(project.lines.all()),
        "explanation": [
            {"figure": e["figure"], "amount": e["amount_yuan"], "text": e["en"] if english else e["zh"]}
            for e in project.split_explanation
        ],
        "dossier_rows": rows,
        "dossier_have": have,
        "dossier_need": need,
        "dossier_missing": [k.label(english) for k in missing],
        "dossier_percent": round(100 * have / need) if need else 100,
        "milestones": list(project.milestones.all()),
        "invoices": list(project.invoices.all()),
        "payments": list(project.enterprise_payments.all()),
        "evaluations": list(project.evaluations.select_related("expert").order_by("created_at")),
        "evaluation": evaluation,
        "evaluation_form": evaluation_form,
        "t1_missing": evaluation_form is not None and not t1,
        "categories": dict(Category.choices),
        "funding": funding,
        "events": _grouped(selectors.timeline(project)),
        "before_work": project.state in (S.DRAFT, S.FILED, S.WITHDRAWN) and not project.milestones.exists(),
        "steps": _step_buttons(viewer, project),
        "reason_form": ReasonForm(),
        "can_record": bool(permissions.can_record(viewer, project)),
        "can_record_payment": bool(permissions.can_record_payment(viewer, project)),
        "can_upload": bool(permissions.can_upload(viewer, project)),
        "can_assign": bool(permissions.can_assign_expert(viewer, project)),
        "can_rate": bool(permissions.can_rate(viewer, project)) and project.rated_stars is None,
        "can_pay": bool(permissions.can_pay(viewer, project)),
        "can_ledger": bool(permissions.can_view_ledger(viewer)),
        "pay_key": uuid.uuid4().hex,
        "milestone_form": MilestoneForm(),
        "document_form": DocumentForm(english=english),
        "invoice_form": InvoiceForm(),
        "payment_form": PaymentForm(),
        "date_form": DateForm(initial={"day": timezone.localdate()}),
        "expert_form": ExpertForm(experts=selectors.experts())
        if permissions.can_assign_expert(viewer, project)
        else None,
        "rating_form": RatingForm(),
        "today": timezone.localdate(),
        **_money_match(project),
        **gain_views.gain_context(viewer, project),
    }


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(permissions.can_view_projects(viewer))
    return render(request, "projects/project_detail.html", detail_context(viewer, project))


STEP_SERVICES: dict[str, Callable[..., Any]] = {
    "file": lambda actor, project, reason: filing.project_file(actor=actor, project=project),
    "return": lambda actor, project, reason: steps.project_return(
        actor=actor, project=project, reason=reason
    ),
    "approve": lambda actor, project, reason: steps.project_approve(actor=actor, project=project),
    "start": lambda actor, project, reason: steps.project_start(actor=actor, project=project),
    "complete": lambda actor, project, reason: steps.project_complete(
        actor=actor, project=project, completed_on=timezone.localdate()
    ),
    "request_acceptance": lambda actor, project, reason: steps.project_request_acceptance(
        actor=actor, project=project
    ),
    "pre_check": lambda actor, project, reason: steps.project_pre_check(
        actor=actor, project=project, passed=True, reason=reason
    ),
    "pre_check_return": lambda actor, project, reason: steps.project_pre_check(
        actor=actor, project=project, passed=False, reason=reason
    ),
    "accept": lambda actor, project, reason: steps.project_accept(actor=actor, project=project),
    "rectify": lambda actor, project, reason: steps.project_rectify(
        actor=actor, project=project, reason=reason
    ),
    "fail": lambda actor, project, reason: steps.project_fail(actor=actor, project=project, reason=reason),
    "claim": lambda actor, project, reason: steps.project_claim(actor=actor, project=project),
    "archive": lambda actor, project, reason: steps.project_archive(actor=actor, project=project),
    "withdraw": lambda actor, project, reason: steps.project_withdraw(
        actor=actor, project=project, reason=reason
    ),
    "disqualify": lambda actor, project, reason: steps.project_disqualify(
        actor=actor, project=project, reason=reason
    ),
}


@login_required
@require_POST
def project_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    if step not in STEP_SERVICES:
        require(permissions.can_step(viewer, project, step))  # a 404 for a step that does not exist
    require(permissions.can_step(viewer, project, step))
    reason = str(request.POST.get("reason", ""))
    return pages.act(
        request,
        project,
        lambda: STEP_SERVICES[step](request.user, project, reason),
        _("已办理：%(step)s") % {"step": STEP_LABELS[step]},
    )


@login_required
@require_POST
def project_contract(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(permissions.can_record(viewer, project))
    form = DateForm(request.POST)
    if not pages.valid(request, form):
        return pages.back(project, "p-work")
    return pages.act(
        request,
        project,
        lambda: steps.contract_record(
            actor=request.user, project=project, signed_on=form.cleaned_data["day"]
        ),
        _("已登记合同签订日期"),
        "p-work",
    )


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(permissions.can_record(viewer, project))
    form = MilestoneForm(request.POST)
    if not pages.valid(request, form):
        return pages.back(project, "p-milestones")
    return pages.act(
        request,
        project,
        lambda: steps.milestone_add(actor=request.user, project=project, **form.cleaned_data),
        _("已增加里程碑"),
        "p-milestones",
    )


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    milestone = get_object_or_404(Milestone, pk=pk, project__in=Project.objects.visible_to(viewer))
    project = pages.project_for(viewer, milestone.project_id)
    require(permissions.can_record(viewer, project))
    form = DateForm(request.POST)
    if not pages.valid(request, form):
        return pages.back(project, "p-milestones")
    return pages.act(
        request,
        project,
        lambda: steps.milestone_done(
            actor=request.user, milestone=milestone, done_on=form.cleaned_data["day"]
        ),
        _("里程碑已完成"),
        "p-milestones",
    )


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(permissions.can_upload(viewer, project))
    form = DocumentForm(request.POST, request.FILES, english=in_english())
    if not pages.valid(request, form):
        return pages.back(project, "p-dossier")
    data = form.cleaned_data
    return pages.act(
        request,
        project,
        lambda: steps.dossier_add(
            actor=request.user,
            project=project,
            kind=data["kind"],
            upload=data["file"],
            description=data["description"],
        ),
        _("材料已上传"),
        "p-dossier",
    )


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_projects(viewer))
    row = get_object_or_404(DossierFile, pk=pk, project__in=Project.objects.visible_to(viewer))
    # The stored name is the hash; the download carries the name it was uploaded under, as an attachment.
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.original_name, content_type=row.content_type
    )


@login_required
@require_POST
def invoice_add(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(permissions.can_record(viewer, project))
    form = InvoiceForm(request.POST)
    if not pages.valid(request, form):
        return pages.back(project, "p-money")
    return pages.act(
        request,
        project,
        lambda: steps.invoice_add(actor=request.user, project=project, **form.cleaned_data),
        _("发票已登记"),
        "p-money",
    )


@login_required
@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(permissions.can_record_payment(viewer, project))
    form = PaymentForm(request.POST)
    if not pages.valid(request, form):
        return pages.back(project, "p-money")
    return pages.act(
        request,
        project,
        lambda: steps.enterprise_payment_add(actor=request.user, project=project, **form.cleaned_data),
        _("付款已登记"),
        "p-money",
    )


@login_required
@require_POST
def evaluation_assign(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(permissions.can_assign_expert(viewer, project))
    form = ExpertForm(request.POST, experts=selectors.experts())
    if not pages.valid(request, form):
        return pages.back(project, "p-acceptance")
    expert = get_user_model().objects.get(pk=form.cleaned_data["expert"])
    return pages.act(
        request,
        project,
        lambda: steps.evaluation_assign(actor=request.user, project=project, expert=expert),
        _("已安排现场评定"),
        "p-acceptance",
    )


@login_required
@require_POST
def evaluation_record(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    evaluation = project.evaluations.order_by("-created_at", "-id").first()
    require(permissions.can_evaluate(viewer, evaluation))
    assert evaluation is not None
    form = EvaluationForm(request.POST, assessments=selectors.t1_choices(project, request.user))
    if not pages.valid(request, form):
        return pages.back(project, "p-acceptance")
    data = form.cleaned_data
    from dengta.assessment.models import Assessment

    assessment = Assessment.objects.get(pk=data["assessment"])
    return pages.act(
        request,
        project,
        lambda: steps.evaluation_record(
            actor=request.user,
            evaluation=evaluation,
            assessment=assessment,
            outcome=data["outcome"],
            findings=data["findings"],
            rectify_by=data["rectify_by"],
        ),
        _("现场评定已保存"),
        "p-acceptance",
    )


@login_required
@require_POST
def project_rate(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(permissions.can_rate(viewer, project))
    form = RatingForm(request.POST)
    if not pages.valid(request, form):
        return pages.back(project, "p-acceptance")
    return pages.act(
        request,
        project,
        lambda: steps.project_rate(actor=request.user, project=project, **form.cleaned_data),
        _("感谢评价：评价已记录，将用于服务商星级评定"),
        "p-acceptance",
    )


@login_required
@require_POST
def project_pay(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(permissions.can_pay(viewer))
    key = str(request.POST.get("key", ""))

    def pay() -> None:
        paid = steps.project_pay(actor=request.user, project=project, idempotency_key=key)
        if paid.replayed:
            messages.info(request, _("该拨付请求已经处理过，没有重复拨付"))

    return pages.act(request, project, pay, _("奖补资金已拨付"), "p-funding")


# ------------------------------------------------------------------------------------------------ ledger


@login_required
def pilot_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_ledger(viewer))
    pilot = get_visible_or_404(Pilot.objects.select_related("authority", "batch"), viewer, pk=pk)
    report = ledger.reconcile(pilot)
    entries = list(
        LedgerEntry.objects.filter(envelope__pilot=pilot)
        .select_related("envelope", "project", "actor", "reverses")
        .order_by("-id")[:200]
    )
    projects = Project.objects.filter(pilot=pilot)
    context = {
        "pilot": pilot,
        "report": report,
        "entries": entries,
        "by_state": [
            (S(row["state"]).label, row["n"], row["committed"], row["paid"])
            for row in projects.values("state")
            .annotate(
                n=Count("id", distinct=True),
                committed=Sum("funding__committed_yuan"),
                paid=Sum("funding__paid_yuan"),
            )
            .order_by("state")
        ],
        "crumbs": [(_("改造项目"), reverse("projects:project_list")), (_("资金台账"), "")],
        "status_kinds": STATUS_KINDS,
        "can_reverse": bool(permissions.can_pay(viewer)),
        "reversed_ids": set(
            LedgerEntry.objects.filter(envelope__pilot=pilot, reverses__isnull=False).values_list(
                "reverses_id", flat=True
            )
        ),
    }
    return render(request, "projects/pilot_ledger.html", context)


# ------------------------------------------------------------------------------------------------ finance


@login_required
def payment_queue(request: HttpRequest) -> HttpResponse:
    """Finance's claims: the claimed projects the viewer may pay, ticked and paid together (one batch per
    pilot), and the batches already paid with their Excel."""
    viewer = request_viewer(request)
    require(permissions.can_pay(viewer))
    claimed = list(
        selectors.projects_for(viewer)
        .filter(state=S.SUBSIDY_CLAIMED)
        .order_by("pilot_id", "updated_at", "id")
    )
    batches = list(
        PaymentBatch.objects.visible_to(viewer)
        .select_related("pilot__authority", "created_by")
        .annotate(n=Count("entries__project", distinct=True), total=Sum("entries__amount_yuan"))
        .order_by("-created_at", "-id")[:50]
    )
    context = {
        "claimed": claimed,
        "total": sum((p.subsidy_yuan for p in claimed), Decimal(0)),
        "batches": batches,
        "token": uuid.uuid4().hex,
        "crumbs": [(_("改造项目"), reverse("projects:project_list")), (_("奖补资金拨付"), "")],
    }
    return render(request, "projects/payment_queue.html", context)


@login_required
@require_POST
def payment_batch_pay(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_pay(viewer))
    ids = [int(v) for v in request.POST.getlist("project") if v.isdigit() and len(v) < 12]
    projects = list(selectors.projects_for(viewer).filter(pk__in=ids))
    if not projects:
        messages.error(request, _("请勾选要拨付的项目"))
        return redirect("projects:payment_queue")
    try:
        _batches, outcomes = ledger.pay_batch(
            actor=request.user,
            projects=projects,
            token=str(request.POST.get("token", "")),
            note=str(request.POST.get("note", "")),
        )
    except ValidationError as error:
        pages.say_errors(request, error)
        return redirect("projects:payment_queue")
    paid = [o for o in outcomes if o.paid is not None and not o.paid.replayed]
    if paid:
        total = sum((o.paid.amount_yuan for o in paid if o.paid), Decimal(0))
        messages.success(
            request,
            _("已拨付 %(n)s 个项目，共 %(total)s 元") % {"n": len(paid), "total": f"{total:,.2f}"},
        )
    if any(o.paid is not None and o.paid.replayed for o in outcomes):
        messages.info(request, _("本次提交与之前的拨付相同，已拨付的项目没有重复拨付"))
    for o in outcomes:
        if o.refusal:
            messages.error(
                request, _("%(title)s：%(reason)s") % {"title": o.project.title, "reason": o.refusal}
            )
    return redirect("projects:payment_queue")


@login_required
def payment_batch_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_ledger(viewer))
    batch = get_visible_or_404(
        PaymentBatch.objects.select_related("pilot__authority", "pilot__batch"), viewer, pk=pk
    )
    response = HttpResponse(exports.payment_batch_workbook(batch), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"payment-batch-{batch.pk}.xlsx", f"{batch.pilot.authority.name}-{_('拨付批次')}-{batch.pk}.xlsx"
    )
    return response


@login_required
def dossier_zip(request: HttpRequest, pk: int) -> FileResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(permissions.can_view_projects(viewer))
    archive = dossier_export.write_zip(project)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"{project.number}-{project.enterprise.name}-{_('一企一档')}.zip",
        content_type="application/zip",
    )


@login_required
@require_POST
def ledger_entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Finance corrects an entry by a reversing one, with the reason (the entry itself never changes)."""
    viewer = request_viewer(request)
    require(permissions.can_pay(viewer))
    entry = get_object_or_404(
        LedgerEntry.objects.select_related("envelope__pilot"),
        pk=pk,
        envelope__pilot__in=Pilot.objects.visible_to(viewer).values("pk"),
    )
    url = reverse("projects:pilot_ledger", args=[entry.envelope.pilot_id])
    try:
        ledger.reverse(actor=request.user, entry=entry, reason=str(request.POST.get("reason", "")))
    except ValidationError as error:
        pages.say_errors(request, error)
    else:
        messages.success(request, _("已冲正：原分录保留，冲正分录已记入台账"))
    return redirect(f"{url}#l-entries")
