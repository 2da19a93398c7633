"""Pages of the changes enterprises propose to their own figures: the authority's queue, the review page with
confirm and reject (docs/registry.md). Thin like dengta.registry.views: parse → authorise → service → render.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.decisions import Decision, Outcome, require
from dengta.core.listpage import ChoiceFilter, Column, Filtered, ListPage, SearchFilter, render_list
from dengta.core.workflows import TransitionRefused
from dengta.reference.models import Industry
from dengta.reference.selectors import current_size_rules
from dengta.registry import permissions, selectors, services
from dengta.registry.forms import ChangeRejectForm
from dengta.registry.models import ChangeState, EnterpriseChange, SizeClass, Tier
from dengta.registry.plausibility import PlausibilityWarning
from dengta.registry.sizing import size_for
from dengta.registry.templatetags.registry_tags import wan
from dengta.registry.text import compact_code, to_half_width


def warnings_of(change: EnterpriseChange) -> list[str]:
    """The plausibility warnings kept on the change, in the reader's language."""
    return [PlausibilityWarning.from_dict(w).render(_) for w in change.warnings or []]


def _tier_label(value: str) -> str:
    return str(Tier(value).label) if value else _("无")


def _before(change: EnterpriseChange) -> dict[str, Any]:
    """The values the proposal is compared with: the enterprise's confirmed values while the change is
    pending, afterwards the values it had when the change was submitted (kept on the change)."""
    enterprise = change.enterprise
    if change.state == ChangeState.PENDING or not change.previous:
        return {
            "industry": enterprise.industry,
            "employees": enterprise.employees,
            "revenue": enterprise.revenue,
            "total_assets": enterprise.total_assets,
            "tier": enterprise.tier,
            "size_class": enterprise.size_class,
            "above": enterprise.is_above_designated_size,
        }
    previous = change.previous
    return {
        "industry": Industry.objects.filter(pk=previous.get("industry")).first() or enterprise.industry,
        "employees": int(previous.get("employees", enterprise.employees)),
        "revenue": Decimal(str(previous.get("revenue", enterprise.revenue))),
        "total_assets": Decimal(str(previous.get("total_assets", enterprise.total_assets))),
        "tier": previous.get("tier", enterprise.tier) or "",
        "size_class": previous.get("size_class", enterprise.size_class),
        "above": bool(previous.get("above_designated_size", enterprise.is_above_designated_size)),
    }


def comparison_rows(change: EnterpriseChange) -> list[dict[str, Any]]:
    """The values before beside the proposed ones, field by field, then the size class and 规上 each gives
    (the proposed ones by the current standard, as confirming sets them)."""
    before = _before(change)
    proposed = change.proposed()
    wanted = {**before, **proposed}
    size = size_for(
        current_size_rules(),
        industry_code=wanted["industry"].pk,
        employees=wanted["employees"],
        revenue=wanted["revenue"],
        total_assets=wanted["total_assets"],
    )

    def industry(value: Any) -> str:
        return f"{value.pk} {value.name}"

    fields = [
        (_("行业"), industry(before["industry"]), industry(wanted["industry"]), "industry"),
        (_("从业人员（人）"), f"{before['employees']:,}", f"{wanted['employees']:,}", "employees"),
        (_("营业收入（万元）"), wan(before["revenue"]), wan(wanted["revenue"]), "revenue"),
        (_("资产总额（万元）"), wan(before["total_assets"]), wan(wanted["total_assets"]), "total_assets"),
        (_("专精特新"), _tier_label(before["tier"]), _tier_label(wanted["tier"]), "tier"),
    ]
    rows = [
        {"label": label, "current": current, "proposed": new, "changed": key in proposed, "derived": False}
        for label, current, new, key in fields
    ]
    above = {True: _("规上"), False: _("规下")}
    rows.append(
        {
            "label": _("企业规模"),
            "current": str(SizeClass(before["size_class"]).label),
            "proposed": str(SizeClass(size.size_class).label),
            "changed": size.size_class != before["size_class"],
            "derived": True,
        }
    )
    rows.append(
        {
            "label": _("规上企业"),
            "current": above[before["above"]],
            "proposed": above[size.is_above_designated_size],
            "changed": size.is_above_designated_size != before["above"],
            "derived": True,
        }
    )
    return rows


def _visible_change(viewer: Viewer, pk: int) -> EnterpriseChange:
    change = get_visible_or_404(
        EnterpriseChange.objects.select_related(
            "enterprise",
            "enterprise__region",
            "enterprise__industry",
            "industry",
            "submitted_by",
            "decided_by",
        ),
        viewer,
        pk=pk,
    )
    if not permissions.can_view_enterprise_change(viewer, change):
        raise Http404
    return change


def _code(value: str) -> str:
    return compact_code(to_half_width(value))


# The region filter of the registry's lists (also dengta.registry.views). A region code prefix edited into the
# URL (4403) still selects its regions (selectors._region_q), so digits outside the choices are honoured.
REGION_FILTER = ChoiceFilter(
    "region", gettext_lazy("地区"), choices=selectors.region_choices, accept_other=str.isdigit, clean=_code
)

CHANGES = ListPage(
    url_name="registry:change_list",
    title=gettext_lazy("待确认的企业信息变更"),
    filter_label=gettext_lazy("筛选信息变更"),
    filters=(
        SearchFilter(label=gettext_lazy("企业名称或信用代码"), width="col-12 col-md-6 col-xl-4"),
        replace(REGION_FILTER, width="col-6 col-md-3 col-xl-3"),
        # The queue opens on what waits for a decision; "全部" (?state=) lists every state.
        ChoiceFilter(
            "state",
            gettext_lazy("状态"),
            choices=ChangeState.choices,
            default=ChangeState.PENDING,
            width="col-6 col-md-3 col-xl-2",
        ),
    ),
    columns=(
        Column(gettext_lazy("企业")),
        Column(gettext_lazy("地区")),
        Column(gettext_lazy("变更内容")),
        Column(gettext_lazy("合理性提示")),
        Column(gettext_lazy("提交人")),
        Column(gettext_lazy("提交时间")),
        Column(gettext_lazy("状态")),
    ),
    no_match=gettext_lazy("没有符合筛选条件的信息变更。"),
    caption=gettext_lazy("企业信息变更列表"),
    actions_width="col-12 col-xl-3",
)


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_list_enterprise_changes(viewer))

    def rows(f: Filtered) -> QuerySet[EnterpriseChange]:
        return selectors.changes_for(viewer, selectors.ChangeFilters.from_params(f.values))

    return render_list(request, "registry/change_list.html", CHANGES, rows, viewer)


def _context(viewer: Viewer, change: EnterpriseChange, reject_form: ChangeRejectForm) -> dict[str, Any]:
    crumbs: list[tuple[str, str]] = []
    if permissions.can_list_enterprise_changes(viewer):
        crumbs.append((_("待确认的企业信息变更"), reverse("registry:change_list")))
    crumbs.append(
        (change.enterprise.name, reverse("registry:enterprise_detail", args=[change.enterprise_id]))
    )
    crumbs.append((_("信息变更"), ""))
    return {
        "change": change,
        "enterprise": change.enterprise,
        "crumbs": crumbs,
        "rows": comparison_rows(change),
        "warnings": warnings_of(change),
        "can_review": permissions.can_review_enterprise_change(viewer, change),
        "reject_form": reject_form,
    }


@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    change = _visible_change(viewer, pk)
    return render(request, "registry/change_detail.html", _context(viewer, change, ChangeRejectForm()))


def _authorised(request: HttpRequest, pk: int) -> tuple[Viewer, EnterpriseChange, Decision]:
    """The change and the reviewer's Decision: 404 for outsiders, 403 with the reason for insiders a rule
    refuses; a conflict (already decided) is left to the caller, which answers 409 with the page."""
    viewer = request_viewer(request)
    change = _visible_change(viewer, pk)
    decision = permissions.can_review_enterprise_change(viewer, change)
    if not decision and decision.kind == Outcome.NOT_FOUND:
        raise Http404
    if not decision and decision.kind != Outcome.CONFLICT:
        raise PermissionDenied(decision.reason)
    return viewer, change, decision


def _conflict(request: HttpRequest, viewer: Viewer, change: EnterpriseChange, reason: str) -> HttpResponse:
    """Someone decided the change meanwhile: 409, with the page as it is now and the reason."""
    messages.error(request, reason)
    fresh = EnterpriseChange.objects.select_related("enterprise", "submitted_by", "decided_by").get(
        pk=change.pk
    )
    return render(
        request, "registry/change_detail.html", _context(viewer, fresh, ChangeRejectForm()), status=409
    )


@login_required
@require_POST
def change_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, change, decision = _authorised(request, pk)
    if not decision:
        return _conflict(request, viewer, change, decision.reason)
    try:
        services.enterprise_change_confirm(actor=request.user, change=change)
    except TransitionRefused as refused:
        return _conflict(request, viewer, change, " ".join(refused.messages))
    messages.success(request, _("已确认：新数据已生效，企业规模和规上标志已按现行标准重新计算"))
    return redirect("registry:change_detail", pk=change.pk)


@login_required
@require_POST
def change_reject(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, change, decision = _authorised(request, pk)
    if not decision:
        return _conflict(request, viewer, change, decision.reason)
    form = ChangeRejectForm(request.POST)
    if form.is_valid():
        try:
            services.enterprise_change_reject(
                actor=request.user, change=change, reason=form.cleaned_data["reason"]
            )
        except TransitionRefused as refused:
            return _conflict(request, viewer, change, " ".join(refused.messages))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已退回，企业会看到退回理由"))
            return redirect("registry:change_detail", pk=change.pk)
    return render(request, "registry/change_detail.html", _context(viewer, change, form))
