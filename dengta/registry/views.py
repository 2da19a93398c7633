"""Pages of the registry. Thin: parse → authorise (permissions) → call a service or selector → render."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.decisions import require
from dengta.core.listpage import (
    ChoiceFilter,
    Column,
    Filtered,
    ListPage,
    SearchFilter,
    TextFilter,
    render_list,
)
from dengta.core.models import Job
from dengta.reference.focus import focus_sector_name
from dengta.reference.selectors import focus_sectors
from dengta.registry import permissions, selectors, services, sizing
from dengta.registry.change_views import REGION_FILTER, comparison_rows, warnings_of
from dengta.registry.exports import ENTERPRISE_SORTS, PROVIDER_SORTS
from dengta.registry.forms import (
    EnterpriseEditForm,
    EnterpriseRegisterForm,
    ImportUploadForm,
    ProviderRegisterForm,
)
from dengta.registry.importing.jobs import start_import
from dengta.registry.importing.report import template_workbook
from dengta.registry.models import Enterprise, Provider, ProviderKind, SizeClass, Tier
from dengta.registry.plausibility import PlausibilityWarning
from dengta.registry.text import compact_code, to_half_width

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ------------------------------------------------------------------------------------------ enterprises


def _code(value: str) -> str:
    return compact_code(to_half_width(value))


def _focus_choices(viewer: Viewer) -> list[tuple[str, str]]:
    return [(label, focus_sector_name(label)) for label in focus_sectors()]


def _tier_choices(viewer: Viewer) -> list[tuple[str, str]]:
    return [(v, str(label)) for v, label in Tier.choices if v] + [(selectors.TIER_NONE, _("无"))]


_NARROW = "col-6 col-md-3 col-xl-1"

ENTERPRISES = ListPage(
    url_name="registry:enterprise_list",
    title=gettext_lazy("企业库"),
    filter_label=gettext_lazy("筛选企业"),
    filters=(
        SearchFilter(
            label=gettext_lazy("企业名称或信用代码"), placeholder=gettext_lazy("例如：精密 或 9144")
        ),
        REGION_FILTER,
        ChoiceFilter("focus", gettext_lazy("重点行业"), choices=_focus_choices),
        TextFilter("industry", gettext_lazy("行业代码"), placeholder="C36", width=_NARROW, clean=_code),
        ChoiceFilter("size_class", gettext_lazy("规模"), choices=SizeClass.choices, width=_NARROW),
        ChoiceFilter(
            "above",
            gettext_lazy("规上"),
            choices=(("1", gettext_lazy("规上")), ("0", gettext_lazy("规下"))),
            width=_NARROW,
        ),
        ChoiceFilter("tier", gettext_lazy("专精特新"), choices=_tier_choices, width=_NARROW),
    ),
    sorts=ENTERPRISE_SORTS,
    default_sort="name",
    columns=(
        Column(gettext_lazy("企业名称 / 统一社会信用代码"), sort="name"),
        Column(gettext_lazy("地区"), sort="region"),
        Column(gettext_lazy("行业"), sort="industry"),
        Column(gettext_lazy("从业人员（人）"), sort="employees", numeric=True),
        Column(gettext_lazy("营业收入（万元）"), sort="revenue", numeric=True),
        Column(gettext_lazy("资产总额（万元）"), sort="assets", numeric=True),
        Column(gettext_lazy("规模")),
        Column(gettext_lazy("专精特新")),
    ),
    export="registry.enterprises",
    no_match=gettext_lazy("没有符合筛选条件的企业。"),
    caption=gettext_lazy("企业列表，可按列排序"),
)


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_list_enterprises(viewer))

    def rows(f: Filtered) -> QuerySet[Enterprise]:
        return selectors.enterprises_for(viewer, selectors.EnterpriseFilters.from_params(f.values))

    extra = {
        "can_register": permissions.can_register_enterprise(viewer),
        "can_import": permissions.can_import_enterprises(viewer),
    }
    return render_list(request, "registry/enterprise_list.html", ENTERPRISES, rows, viewer, extra)


SIZE_TESTS = {
    "sme": gettext_lazy("是否属于中小微企业"),
    "medium": gettext_lazy("中型"),
    "small": gettext_lazy("小型"),
}
SIZE_COMBINE = {"any": gettext_lazy("任一条件满足即可"), "all": gettext_lazy("须同时满足")}
SIZE_INDICATORS = {
    "employees": gettext_lazy("从业人员"),
    "revenue": gettext_lazy("营业收入"),
    "assets": gettext_lazy("资产总额"),
}
SIZE_UNITS = {"人": gettext_lazy("人"), "万元": gettext_lazy("万元")}
SIZE_OPS = {"lt": "<", "gte": "≥"}


def size_rows(explanation: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One table row per condition of the classifier's tests, grouped by test (for the detail page)."""
    rows: list[dict[str, Any]] = []
    for test in (explanation or {}).get("tests", []):
        conditions = test.get("conditions", [])
        for index, condition in enumerate(conditions):
            rows.append(
                {
                    "first": index == 0,
                    "span": len(conditions),
                    "test": SIZE_TESTS.get(test.get("tier"), test.get("tier")),
                    "combine": SIZE_COMBINE.get(test.get("combine"), ""),
                    "applied": test.get("applied", True),
                    "indicator": SIZE_INDICATORS.get(condition.get("indicator"), condition.get("indicator")),
                    "op": SIZE_OPS.get(condition.get("op"), condition.get("op")),
                    "threshold": condition.get("threshold"),
                    "value": condition.get("value"),
                    "unit": SIZE_UNITS.get(condition.get("unit"), condition.get("unit")),
                    "holds": condition.get("holds"),
                }
            )
    return rows


def _detail_context(viewer: Viewer, enterprise: Enterprise) -> dict[str, Any]:
    explanation = sizing.explain(
        enterprise.size_standard_version,
        industry_code=enterprise.industry_id,
        employees=enterprise.employees,
        revenue=enterprise.revenue,
        total_assets=enterprise.total_assets,
    )
    summary_key = "summary_en" if (get_language() or "").startswith("en") else "summary_zh"
    crumbs: list[tuple[str, str]] = []
    if permissions.can_list_enterprises(viewer):
        crumbs.append((_("企业库"), reverse("registry:enterprise_list")))
    crumbs.append((enterprise.name, ""))
    return {
        "enterprise": enterprise,
        "crumbs": crumbs,
        "size_summary": (enterprise.size_explanation or {}).get(summary_key, ""),
        "explanation": explanation,
        "size_rows": size_rows(explanation),
        "events": selectors.enterprise_timeline(viewer, enterprise)[:50],
        "can_edit": permissions.can_edit_enterprise(viewer, enterprise),
        "is_own": enterprise.organization_id == viewer.organization_id,
        **_changes_context(viewer, enterprise),
    }


def _changes_context(viewer: Viewer, enterprise: Enterprise) -> dict[str, Any]:
    """The pending change beside the confirmed figures, and the last decision (with a rejection's reason)."""
    pending = selectors.pending_change(enterprise)
    return {
        "pending": pending,
        "pending_rows": comparison_rows(pending) if pending is not None else [],
        "pending_warnings": warnings_of(pending) if pending is not None else [],
        "can_review": bool(pending and permissions.can_review_enterprise_change(viewer, pending)),
        "last_decided": selectors.last_decided_change(enterprise),
    }


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    enterprise = get_visible_or_404(
        Enterprise.objects.select_related("region", "industry", "import_batch"), viewer, pk=pk
    )
    require(permissions.can_view_enterprise(viewer, enterprise))
    return render(request, "registry/enterprise_detail.html", _detail_context(viewer, enterprise))


@login_required
def my_enterprise(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_own_enterprise(viewer))
    enterprise = selectors.own_enterprise(viewer)
    if enterprise is None:
        return render(request, "registry/my_enterprise_empty.html")
    return render(request, "registry/enterprise_detail.html", _detail_context(viewer, enterprise))


def _duplicate_context(viewer: Viewer, error: services.DuplicateUscc) -> dict[str, Any]:
    existing = error.existing
    if isinstance(existing, Enterprise):
        visible = bool(permissions.can_view_enterprise(viewer, existing))
        url = reverse("registry:enterprise_detail", args=[existing.pk]) if visible else ""
        name = existing.name
    else:
        visible = bool(permissions.can_view_provider(viewer, existing))
        url = reverse("registry:provider_detail", args=[existing.pk]) if visible else ""
        name = existing.organization.name
    return {"duplicate": {"visible": visible, "url": url, "name": name if visible else ""}}


@login_required
def enterprise_register(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_register_enterprise(viewer))
    form = EnterpriseRegisterForm(request.POST or None, viewer=viewer)
    context: dict[str, Any] = {}
    warnings: list[PlausibilityWarning] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = services.enterprise_register(
                actor=request.user,
                uscc=data["uscc"],
                name=data["name"],
                region=data["region"],
                industry=data["industry"],
                employees=data["employees"],
                revenue_10k_yuan=data["revenue_10k_yuan"],
                assets_10k_yuan=data["assets_10k_yuan"],
                tier=data["tier"],
                address=data["address"],
                figures_checked=data["figures_checked"],
            )
        except services.DuplicateUscc as duplicate:
            form.add_error(None, duplicate)
            context.update(_duplicate_context(viewer, duplicate))
        except services.FiguresUnchecked as unchecked:
            warnings = unchecked.warnings
            form.add_error(None, unchecked)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": enterprise.name})
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    context["warnings"] = [w.render(_) for w in warnings]
    return render(request, "registry/enterprise_form.html", {"form": form, "mode": "register", **context})


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    enterprise = get_visible_or_404(Enterprise.objects.select_related("region", "industry"), viewer, pk=pk)
    require(permissions.can_view_enterprise(viewer, enterprise))
    require(permissions.can_edit_enterprise(viewer, enterprise))
    region_editable = bool(permissions.can_change_enterprise_region(viewer, enterprise))
    # The enterprise's own figures wait for its authority (docs/registry.md); an authority's edits apply.
    needs_review = permissions.edits_need_review(viewer, enterprise)
    pending = selectors.pending_change(enterprise) if needs_review else None
    form = EnterpriseEditForm(
        request.POST or None,
        enterprise=enterprise,
        viewer=viewer,
        region_editable=region_editable,
        pending=pending,
    )
    warnings: list[PlausibilityWarning] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("name", "address", "industry", "employees", "tier")}
        changes["revenue_10k_yuan"] = data["revenue_10k_yuan"]
        changes["assets_10k_yuan"] = data["assets_10k_yuan"]
        if region_editable:
            changes["region"] = data["region"]
        checked = data["figures_checked"]
        change = None
        try:
            if needs_review:
                _updated, change = services.enterprise_self_update(
                    actor=request.user, enterprise=enterprise, figures_checked=checked, **changes
                )
            else:
                services.enterprise_update(
                    actor=request.user, enterprise=enterprise, figures_checked=checked, **changes
                )
        except services.FiguresUnchecked as unchecked:
            warnings = unchecked.warnings
            form.add_error(None, unchecked)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if change is not None and (pending is None or change.pk != pending.pk):
                messages.success(
                    request, _("已提交信息变更，主管部门确认后生效；在此之前企业规模和规上标志保持不变")
                )
            elif change is not None:
                messages.success(request, _("已保存；信息变更仍待主管部门确认"))
            else:
                messages.success(request, _("已保存"))
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    context = {
        "form": form,
        "mode": "edit",
        "enterprise": enterprise,
        "needs_review": needs_review,
        "pending": pending,
        "warnings": [w.render(_) for w in warnings],
    }
    return render(request, "registry/enterprise_form.html", context)


# -------------------------------------------------------------------------------------------- providers


def _provider_kinds(viewer: Viewer) -> list[tuple[str, str]]:
    return [(k.code, k.display_name) for k in ProviderKind.objects.filter(is_active=True)]


PROVIDERS = ListPage(
    url_name="registry:provider_list",
    title=gettext_lazy("服务商"),
    filter_label=gettext_lazy("筛选服务商"),
    filters=(
        SearchFilter(label=gettext_lazy("名称或信用代码"), width="col-12 col-md-6 col-xl-4"),
        ChoiceFilter(
            "kind", gettext_lazy("服务商类型"), choices=_provider_kinds, width="col-6 col-md-3 col-xl-3"
        ),
        replace(REGION_FILTER, width="col-6 col-md-3 col-xl-3"),
    ),
    sorts=PROVIDER_SORTS,
    default_sort="name",
    columns=(
        Column(gettext_lazy("服务商名称"), sort="name"),
        Column(gettext_lazy("统一社会信用代码")),
        Column(gettext_lazy("服务商类型"), sort="kind"),
        Column(gettext_lazy("地区"), sort="region"),
    ),
    export="registry.providers",
    no_match=gettext_lazy("没有符合筛选条件的服务商。"),
    actions_width="col-12 col-xl-2",
)


@login_required
def provider_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_list_providers(viewer))

    def rows(f: Filtered) -> QuerySet[Provider]:
        values = f.values
        return selectors.providers_for(viewer, q=values["q"], kind=values["kind"], region=values["region"])

    extra = {"can_register": permissions.can_register_provider(viewer)}
    return render_list(request, "registry/provider_list.html", PROVIDERS, rows, viewer, extra)


@login_required
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    provider = get_visible_or_404(
        Provider.objects.select_related("organization", "organization__region", "kind"), viewer, pk=pk
    )
    require(permissions.can_view_provider(viewer, provider))
    events = selectors.provider_events(viewer, provider)[:50]
    context = {
        "provider": provider,
        "sub_industries": provider.sub_industries.order_by("name"),
        "events": events,
    }
    return render(request, "registry/provider_detail.html", context)


@login_required
def provider_register(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_register_provider(viewer))
    form = ProviderRegisterForm(request.POST or None, viewer=viewer)
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            provider = services.provider_register(
                actor=request.user,
                uscc=data["uscc"],
                name=data["name"],
                region=data["region"],
                kind=data["kind"].code,
                website=data["website"],
                sub_industries=data["sub_industries"],
            )
        except services.DuplicateUscc as duplicate:
            form.add_error(None, duplicate)
            context.update(_duplicate_context(viewer, duplicate))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": provider.organization.name})
            return redirect("registry:provider_detail", pk=provider.pk)
    return render(request, "registry/provider_form.html", {"form": form, **context})


# ---------------------------------------------------------------------------------------------- imports


def _own_import_job(viewer: Viewer, pk: int) -> Job:
    """An import job of the viewer's own; anyone else's is "not found" (like core:job_status)."""
    job = selectors.import_jobs_of(viewer).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_import_enterprises(viewer))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_import(
            viewer=viewer, upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
        )
        return redirect("registry:import_result", pk=job.pk)
    context = {
        "form": form,
        "jobs": selectors.import_jobs_of(viewer)[:10],
        "batches": selectors.import_batches_for(viewer)[:10],
    }
    return render(request, "registry/import_start.html", context)


@login_required
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    job = _own_import_job(viewer, pk)
    return render(request, "registry/import_result.html", {"job": job, "result": job.result or {}})


@login_required
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    viewer = request_viewer(request)
    job = _own_import_job(viewer, pk)
    if not job.output_file:
        raise Http404
    return FileResponse(
        job.output_file.open("rb"),
        as_attachment=True,
        filename=f"import-errors-{job.pk}.xlsx",
        content_type=XLSX,
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_import_enterprises(viewer))
    return _attachment(template_workbook(), _("企业导入模板") + ".xlsx")
