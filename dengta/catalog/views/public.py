"""The public catalogue (ARCHITECTURE.md convention 18): no login, only listed products of providers that may
be offered now, cached briefly for anonymous visitors. Chinese search finds any substring of two or more
characters in names and descriptions (dengta.core.search)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dengta.catalog import permissions, selectors, watch
from dengta.catalog.exports import CATALOGUE_SORTS, catalogue_workbook
from dengta.catalog.models import Category, Deployment, Product, ProviderScore
from dengta.catalog.selectors import CatalogueFilters
from dengta.catalog.services.products import display_compiled_or_none
from dengta.catalog.views.products import lift_rows
from dengta.core.access import request_viewer
from dengta.core.decisions import require
from dengta.core.listpage import (
    ChoiceFilter,
    Column,
    ListPage,
    NumberFilter,
    SearchFilter,
    list_context,
    wants_export,
)
from dengta.core.middleware import cache_publicly
from dengta.reference.models import Region, SubIndustry

MAX_COMPARE = 4
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WIDE = "col-6 col-md-4 col-xl-2"
_MID = "col-6 col-md-3 col-xl-1"
PRICE_BANDS = [
    ("0-10000", gettext_lazy("1 万元以下")),
    ("10000-50000", gettext_lazy("1–5 万元")),
    ("50000-200000", gettext_lazy("5–20 万元")),
    ("200000-1000000", gettext_lazy("20–100 万元")),
    ("1000000-", gettext_lazy("100 万元以上")),
]


def _sub_industry_choices(viewer: Any) -> list[tuple[str, str]]:
    return [(s.pk, s.display_name) for s in SubIndustry.objects.order_by("-is_focus", "name")]


def _scenario_choices(viewer: Any) -> list[tuple[str, str]]:
    fw = display_compiled_or_none()
    return [(s.code, s.name) for s in fw.scenarios] if fw else []


def _band(value: str) -> tuple[Decimal | None, Decimal | None]:
    low, _sep, high = value.partition("-")
    return (Decimal(low) if low else None), (Decimal(high) if high else None)


CATALOGUE = ListPage(
    url_name="catalog:catalogue",
    title=gettext_lazy("小快轻准产品目录"),
    filter_label=gettext_lazy("筛选产品"),
    filters=(
        SearchFilter(
            label=gettext_lazy("搜索名称或介绍"),
            placeholder=gettext_lazy("例如：追溯、设备联网"),
            width="col-12 col-md-6 col-xl-3",
        ),
        ChoiceFilter("sub_industry", gettext_lazy("细分行业"), choices=_sub_industry_choices, width=_WIDE),
        ChoiceFilter("scenario", gettext_lazy("提升场景"), choices=_scenario_choices, width=_WIDE),
        ChoiceFilter("category", gettext_lazy("类别"), choices=Category.choices, width=_MID),
        ChoiceFilter("price", gettext_lazy("价格"), choices=PRICE_BANDS, width=_MID),
        NumberFilter("days", gettext_lazy("交付天数上限"), integer=True, minimum=1, maximum=3650, width=_MID),
        ChoiceFilter("deployment", gettext_lazy("部署方式"), choices=Deployment.choices, width=_MID),
        ChoiceFilter(
            "rating",
            gettext_lazy("星级不低于"),
            choices=[(str(n), str(n)) for n in range(5, 0, -1)],
            width=_MID,
        ),
    ),
    sorts=CATALOGUE_SORTS,
    default_sort="name",
    columns=(
        Column(gettext_lazy("对比"), hidden_label=True),
        Column(gettext_lazy("产品 / 服务商"), sort="name"),
        Column(gettext_lazy("类别")),
        Column(gettext_lazy("提升场景")),
        Column(gettext_lazy("试点优惠价（元）"), sort="price", numeric=True),
        Column(gettext_lazy("让利"), numeric=True),
        Column(gettext_lazy("交付（天）"), sort="days", numeric=True),
        Column(gettext_lazy("星级"), sort="rating"),
    ),
    no_match=gettext_lazy("没有符合筛选条件的产品。"),
    caption=gettext_lazy("产品列表，可按列排序；勾选最多 4 个产品进行对比"),
    actions_width="col-12 col-xl-2",
)


def catalogue_filters(values: Mapping[str, Any]) -> CatalogueFilters:
    """The page's clean filter values (core.listpage) → the selector's filters."""
    low, high = _band(values["price"]) if values.get("price") else (None, None)
    return CatalogueFilters(
        q=values.get("q", ""),
        sub_industry=values.get("sub_industry", ""),
        scenario=values.get("scenario", ""),
        category=values.get("category", ""),
        deployment=values.get("deployment", ""),
        price_min=low,
        price_max=high,
        days_max=values.get("days"),
        rating_min=int(values["rating"]) if values.get("rating") else None,
    )


def _rows(filtered: Any) -> Any:
    return selectors.catalogue(catalogue_filters(filtered.values)).prefetch_related("lifts")


def catalogue(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if wants_export(request):
        # Public and a few thousand rows: the workbook is written in the request (dengta.catalog.exports).
        qs, _sort, _filtered = CATALOGUE.queryset(viewer, request.GET, _rows)
        content, filename = catalogue_workbook(qs)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response
    context = list_context(request, CATALOGUE, _rows, viewer)
    assert isinstance(context, dict)
    context.update(
        crumbs=[(_("产品目录"), "")],
        scenario_names=dict(_scenario_choices(viewer)),
        can_shortlist=bool(permissions.can_request_quote(viewer)),
        body="catalog/_catalogue.html",
        page_title=_("小快轻准产品目录"),
    )
    return cache_publicly(request, render(request, "catalog/_public_page.html", context))


def _public_product(pk: int) -> Product:
    return get_object_or_404(
        selectors.catalogue_products().select_related("provider__organization__region"), pk=pk
    )


def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = _public_product(pk)
    viewer = request_viewer(request)
    context = {
        "crumbs": [(_("产品目录"), reverse("catalog:catalogue")), (product.name, "")],
        "product": product,
        "lifts": lift_rows(product),
        "sub_industries": product.sub_industries.order_by("name"),
        "score": ProviderScore.objects.filter(provider=product.provider).first(),
        "can_shortlist": bool(permissions.can_request_quote(viewer)),
    }
    context.update(body="catalog/_product_detail.html", page_title=product.name)
    return cache_publicly(request, render(request, "catalog/_public_page.html", context))


def compare(request: HttpRequest) -> HttpResponse:
    """Up to four products side by side (``?ids=1,2,3``): prices, concession, delivery, what each lifts."""
    raw = [part for value in request.GET.getlist("ids") for part in value.split(",")]
    ids = list(dict.fromkeys(int(p) for p in raw if p.strip().isdigit()))[: MAX_COMPARE + 1]
    too_many = len(ids) > MAX_COMPARE
    products = list(
        selectors.catalogue_products()
        .filter(pk__in=ids[:MAX_COMPARE])
        .select_related("provider__organization")
    )
    products.sort(key=lambda p: ids.index(p.pk))
    fw = display_compiled_or_none()
    order = [s.code for s in fw.scenarios] if fw else []
    scenario_codes = sorted(
        {lift.code for p in products for lift in p.lifts.all() if lift.kind == "scenario"},
        key=lambda code: (order.index(code) if code in order else len(order), code),
    )
    rows = []
    for code in scenario_codes:
        scenario = fw.scenario(code) if fw else None
        levels = []
        for p in products:
            level = next(
                (lift.level for lift in p.lifts.all() if lift.kind == "scenario" and lift.code == code), None
            )
            levels.append(level)
        rows.append({"name": scenario.name if scenario else code, "levels": levels})
    viewer = request_viewer(request)
    context = {
        "crumbs": [(_("产品目录"), reverse("catalog:catalogue")), (_("产品对比"), "")],
        "products": products,
        "scenario_rows": rows,
        "too_many": too_many,
        "missing": len(products) < len(ids[:MAX_COMPARE]),
        "can_request": bool(permissions.can_request_quote(viewer)),
        "providers": {p.provider_id for p in products},
        "ids": ",".join(str(p.pk) for p in products),
    }
    context.update(body="catalog/_compare.html", page_title=_("产品对比"))
    return cache_publicly(request, render(request, "catalog/_public_page.html", context))


def provider_public(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider's public page: its kind, pools, star rating with its inputs and listed products."""
    provider = selectors.public_provider(request_viewer(request), pk)
    if provider is None:
        raise Http404
    products = selectors.catalogue_products().filter(provider=provider).order_by("name", "id")
    context = {
        "crumbs": [(_("产品目录"), reverse("catalog:catalogue")), (str(provider), "")],
        "provider": provider,
        "products": products[:100],
        "score": ProviderScore.objects.filter(provider=provider).first(),
        "pools": provider.admissions.filter(state="admitted").select_related("pool__owner"),
    }
    context.update(body="catalog/_provider_public.html", page_title=str(provider))
    return cache_publicly(request, render(request, "catalog/_public_page.html", context))


@login_required
def concentration_page(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_concentration(viewer))
    region = request.GET.get("region", "").strip()[:12]
    sub_industry = request.GET.get("sub_industry", "").strip()[:40]
    region = region if region.isdigit() and Region.objects.filter(code=region).exists() else ""
    sub_industry = sub_industry if SubIndustry.objects.filter(pk=sub_industry).exists() else ""
    from dengta.registry.selectors import region_choices

    context = {
        "crumbs": [(_("市场集中度"), "")],
        "filters": {"region": region, "sub_industry": sub_industry},
        "region_choices": region_choices(viewer),
        "sub_industries": SubIndustry.objects.order_by("-is_focus", "name"),
        "top": watch.overall(viewer, region=region, sub_industry=sub_industry),
        "markets": watch.markets(viewer, region=region, sub_industry=sub_industry),
        "thresholds": watch.concentration.load_thresholds(),
    }
    return render(request, "catalog/concentration.html", context)
