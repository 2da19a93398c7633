"""The gain-sharing section of a project's page: its context (``gain_context``, merged into the project
page's) and the four POST routes behind its forms. Thin, as views.py: parse → authorise → call a service →
back to the project's page with a message (ARCHITECTURE.md convention 3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dengta.core.access import Viewer, request_viewer
from dengta.core.decisions import require
from dengta.core.language import in_english
from dengta.projects import gain_permissions, pages
from dengta.projects.gain_forms import GainContractForm, GainDisputeForm, GainSettleForm, GainStatementForm
from dengta.projects.gain_models import KPI_UNITS, GainContract, GainStatement, KpiCode
from dengta.projects.inputs import plain
from dengta.projects.models import Project
from dengta.projects.services import gain

ANCHOR = "p-gain"


def _contract(project: Project) -> GainContract | None:
    return GainContract.objects.filter(project=project).select_related("baseline_assessment").first()


def _next_period(contract: GainContract, done: int) -> dict[str, Any] | None:
    """The period the next statement is for, its dates and whether it is over (the service refuses a
    statement before then)."""
    if done >= contract.term_periods:
        return None
    n = done + 1
    ends = contract.period_ends_on(n)
    return {
        "period": n,
        "starts_on": contract.period_starts_on(n),
        "ends_on": ends - timedelta(days=1),
        "due": timezone.localdate() >= ends,
    }


def _t0_baselines(project: Project) -> list[dict[str, Any]]:
    """The baselines the enterprise's latest T0 assessment gives, for the contract form's hint."""
    assessment = gain.latest_t0(project.enterprise)
    if assessment is None:
        return []
    numbers = assessment.answers_part("numbers")
    out = []
    for code in gain.RATIOS:
        value = gain.derive_baseline(code, numbers)
        if value is not None:
            out.append(
                {
                    "kpi": code,
                    "label": KpiCode(code).label,
                    "value": plain(value),
                    "unit": KPI_UNITS[code],
                    "assessment": assessment,
                }
            )
    return out


def gain_context(viewer: Viewer, project: Project) -> dict[str, Any]:
    """What ``projects/_gain.html`` reads: the contract, its statements with their explanation in the active
    language and what the viewer may do with each, the next period, and the forms."""
    english = in_english()
    contract = _contract(project)
    rows: list[dict[str, Any]] = []
    total = None
    following = None
    if contract is not None:
        contract.project = project
        statements = list(contract.statements.select_related("submitted_by", "disputed_by", "settled_by"))
        for s in statements:
            s.contract = contract  # the permission reads the project through it, without a query per row
            rows.append(
                {
                    "statement": s,
                    "lines": [line["en" if english else "zh"] for line in s.explanation],
                    "can_dispute": bool(gain_permissions.can_gain_dispute(viewer, s)),
                    "can_settle": bool(gain_permissions.can_gain_settle(viewer, s)),
                }
            )
        total = sum((s.fee_yuan for s in statements), Decimal("0.00"))
        following = _next_period(contract, len(statements))
    can_create = bool(gain_permissions.can_gain_create(viewer, project))
    return {
        "gain_contract": contract,
        "gain_statements": rows,
        "gain_total_fee": total,
        "gain_cap_left": contract.cap_total_yuan - total
        if contract is not None and total is not None
        else None,
        "gain_next": following,
        "gain_t0": _t0_baselines(project) if can_create else [],
        "can_gain_create": can_create,
        "can_gain_submit": bool(gain_permissions.can_gain_submit(viewer, project, contract)),
        "gain_contract_form": GainContractForm(
            auto_id="gain-contract-%s", initial={"starts_on": timezone.localdate()}
        ),
        "gain_statement_form": GainStatementForm(
            auto_id="gain-statement-%s", initial={"period": following["period"] if following else None}
        ),
        "gain_dispute_form": GainDisputeForm(),
        "gain_settle_form": GainSettleForm(),
    }


def _statement(viewer: Viewer, pk: int) -> tuple[GainStatement, Project]:
    statement = get_object_or_404(
        GainStatement.objects.select_related("contract"),
        pk=pk,
        contract__project__in=Project.objects.visible_to(viewer),
    )
    project = pages.project_for(viewer, statement.contract.project_id)
    statement.contract.project = project
    return statement, project


@login_required
@require_POST
def gain_contract(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    require(gain_permissions.can_gain_create(viewer, project))
    form = GainContractForm(request.POST)
    if not pages.valid(request, form):
        return pages.back(project, ANCHOR)
    return pages.act(
        request,
        project,
        lambda: gain.contract_create(actor=request.user, project=project, **form.terms()),
        _("收益分享合同已签订"),
        ANCHOR,
    )


@login_required
@require_POST
def gain_statement(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    project = pages.project_for(viewer, pk)
    contract = _contract(project)
    require(gain_permissions.can_gain_submit(viewer, project, contract))
    assert contract is not None
    form = GainStatementForm(request.POST)
    if not pages.valid(request, form):
        return pages.back(project, ANCHOR)
    data = form.cleaned_data
    return pages.act(
        request,
        project,
        lambda: gain.statement_submit(
            actor=request.user, contract=contract, measured=data["measured"], period=data["period"]
        ),
        _("收益报表已提交"),
        ANCHOR,
    )


@login_required
@require_POST
def gain_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    statement, project = _statement(viewer, pk)
    require(gain_permissions.can_gain_dispute(viewer, statement))
    form = GainDisputeForm(request.POST)
    if not pages.valid(request, form):
        return pages.back(project, ANCHOR)
    return pages.act(
        request,
        project,
        lambda: gain.statement_dispute(
            actor=request.user, statement=statement, reason=form.cleaned_data["reason"]
        ),
        _("异议已提出，等待主管部门裁定"),
        ANCHOR,
    )


@login_required
@require_POST
def gain_settle(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    statement, project = _statement(viewer, pk)
    require(gain_permissions.can_gain_settle(viewer, statement))
    form = GainSettleForm(request.POST)
    if not pages.valid(request, form):
        return pages.back(project, ANCHOR)
    data = form.cleaned_data
    return pages.act(
        request,
        project,
        lambda: gain.statement_settle(
            actor=request.user,
            statement=statement,
            reason=data["reason"],
            corrected_measured=data["corrected_measured"],
        ),
        _("异议已裁定"),
        ANCHOR,
    )
