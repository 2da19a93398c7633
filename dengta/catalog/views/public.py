"""The public catalogue (ARCHITECTURE.md convention 18): no login, only listed products of providers that may
be offered now, cached briefly for anonymous visitors. Chinese search finds any substring of two or more
characters in names and descriptions (dengta.core.search)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dengta.catalog import permissions, selectors, watch
from dengta.catalog.exports import CATALOGUE_SORTS, catalogue_workbook
from dengta.catalog.models import Category, Deployment, Product, ProviderScore
from dengta.catalog.selectors import CatalogueFilters
from dengta.catalog.services.products import current_compiled_or_none
from dengta.catalog.views.products import lift_rows
from dengta.core.access import request_viewer
from dengta.core.decisions import require
from dengta.core.lists import apply_sort, paginate
from dengta.reference.models import Region, SubIndustry
from dengta.registry.models import Provider

CACHE_SECONDS = 300
MAX_COMPARE = 4
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRICE_BANDS = [
    ("0-10000", gettext_lazy("1 万元以下")),
    ("10000-50000", gettext_lazy("1–5 万元")),
    ("50000-200000", gettext_lazy("5–20 万元")),
    ("200000-1000000", gettext_lazy("20–100 万元")),
    ("1000000-", gettext_lazy("100 万元以上")),
]


def _cached(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # Anonymous visitors may be served from a shared cache briefly; signed-in people see their own menu.
    visibility = "public" if not request.user.is_authenticated else "private"
    response["Cache-Control"] = f"{visibility}, max-age={CACHE_SECONDS}"
    return response


def _decimal(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() and value >= 0 else None


def _int(raw: str, low: int, high: int) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and low <= int(raw) <= high else None


def filters_from(params: Any) -> tuple[CatalogueFilters, dict[str, str], list[str]]:
    """The catalogue's filters from the query, the values to show back, and messages for values ignored."""
    shown = {
        k: str(params.get(k, "")).strip()[:100]
        for k in (
            "q",
            "sub_industry",
            "scenario",
            "category",
            "deployment",
            "price",
            "days",
            "rating",
            "price_min",
            "price_max",
        )
    }
    problems: list[str] = []
    f = CatalogueFilters(q=shown["q"])
    if shown["sub_industry"] and SubIndustry.objects.filter(pk=shown["sub_industry"]).exists():
        f.sub_industry = shown["sub_industry"]
    fw = current_compiled_or_none()
    if shown["scenario"] and fw is not None and fw.scenario(shown["scenario"]) is not None:
        f.scenario = shown["scenario"]
    if shown["category"] in Category.values:
        f.category = shown["category"]
    if shown["deployment"] in Deployment.values:
        f.deployment = shown["deployment"]
    band = shown["price"]
    if band:
        low, _sep, high = band.partition("-")
        f.price_min, f.price_max = _decimal(low), _decimal(high) if high else None
    for key in ("price_min", "price_max"):
        if shown[key]:
            value = _decimal(shown[key])
            if value is None:
                problems.append(_("价格应为不小于 0 的数字（元），已忽略“%(value)s”") % {"value": shown[key]})
            else:
                setattr(f, key, value)
    if shown["days"]:
        f.days_max = _int(shown["days"], 1, 3650)
        if f.days_max is None:
            problems.append(_("交付周期应为 1 到 3650 天，已忽略“%(value)s”") % {"value": shown["days"]})
    if shown["rating"]:
        f.rating_min = _int(shown["rating"], 1, 5)
        if f.rating_min is None:
            problems.append(_("星级应为 1 到 5，已忽略“%(value)s”") % {"value": shown["rating"]})
    return f, shown, problems


def catalogue(request: HttpRequest) -> HttpResponse:
    filters, shown, problems = filters_from(request.GET)
    qs, sort = apply_sort(
        request, selectors.catalogue(filters).prefetch_related("lifts"), CATALOGUE_SORTS, "name"
    )
    if request.GET.get("export") == "xlsx":
        content, filename = catalogue_workbook(qs)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response
    fw = current_compiled_or_none()
    scenarios = [(s.code, s.name) for s in fw.scenarios] if fw else []
    viewer = request_viewer(request)
    context = {
        "crumbs": [(_("产品目录"), "")],
        "filters": shown,
        "problems": problems,
        "sort": sort,
        "sub_industries": SubIndustry.objects.order_by("-is_focus", "name"),
        "scenarios": scenarios,
        "scenario_names": dict(scenarios),
        "categories": Category.choices,
        "deployments": Deployment.choices,
        "price_bands": PRICE_BANDS,
        "any_filter": any(shown.values()),
        "can_shortlist": bool(permissions.can_request_quote(viewer)),
        **paginate(request, qs),
    }
    context.update(body="catalog/_catalogue.html", page_title=_("小快轻准产品目录"))
    return _cached(request, render(request, "catalog/_public_page.html", context))


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
    return _cached(request, render(request, "catalog/_public_page.html", context))


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
    fw = current_compiled_or_none()
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
    return _cached(request, render(request, "catalog/_public_page.html", context))


def provider_public(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider's public page: its kind, pools, star rating with its inputs and listed products."""
    provider = get_object_or_404(Provider.objects.select_related("organization__region", "kind"), pk=pk)
    products = selectors.catalogue_products().filter(provider=provider).order_by("name", "id")
    if not selectors.listing_standing(provider) and not products.exists():
        viewer = request_viewer(request)
        if not Provider.objects.visible_to(viewer).filter(pk=pk).exists():
            from django.http import Http404

            raise Http404
    context = {
        "crumbs": [(_("产品目录"), reverse("catalog:catalogue")), (str(provider), "")],
        "provider": provider,
        "products": products[:100],
        "score": ProviderScore.objects.filter(provider=provider).first(),
        "pools": provider.admissions.filter(state="admitted").select_related("pool__owner"),
    }
    context.update(body="catalog/_provider_public.html", page_title=str(provider))
    return _cached(request, render(request, "catalog/_public_page.html", context))


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
