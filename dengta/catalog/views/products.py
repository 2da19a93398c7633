"""A provider's products and their listing review. Thin views over dengta.catalog.services.products."""

from __future__ import annotations

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

from dengta.assessment.texts import list_separator
from dengta.catalog import permissions, selectors, workflows
from dengta.catalog.forms import DecisionForm, ProductForm, item_choices, scenario_rows
from dengta.catalog.models import Category, Product, ProductState
from dengta.catalog.services import products as product_services
from dengta.catalog.views.pools import _errors_to_form
from dengta.core.access import get_visible_or_404, request_viewer
from dengta.core.decisions import Conflict, require
from dengta.core.listpage import ChoiceFilter, Column, ListPage, SearchFilter, render_list

MY_PRODUCTS = ListPage(
    url_name="catalog:my_products",
    title=gettext_lazy("本机构产品"),
    filter_label=gettext_lazy("筛选本机构产品"),
    filters=(
        SearchFilter(label=gettext_lazy("产品名称"), placeholder=gettext_lazy("例如：追溯")),
        ChoiceFilter("state", gettext_lazy("状态"), choices=ProductState.choices),
    ),
    # Within the provider's own products; each sort has a (provider, column, id) index (Product.Meta).
    sorts={"updated": "updated_at", "name": "name"},
    default_sort="-updated",
    columns=(
        Column(gettext_lazy("产品"), sort="name"),
        Column(gettext_lazy("类别")),
        Column(gettext_lazy("市场价（元）"), numeric=True),
        Column(gettext_lazy("试点优惠价（元）"), numeric=True),
        Column(gettext_lazy("状态")),
        Column(gettext_lazy("更新时间"), sort="updated"),
    ),
    no_match=gettext_lazy("没有符合筛选条件的产品。"),
    caption=gettext_lazy("本机构产品列表"),
)


@login_required
def my_products(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_use_provider_workspace(viewer))
    provider = selectors.own_provider(viewer)
    extra = {
        "provider": provider,
        "standing": selectors.listing_standing(provider) if provider else None,
        "can_manage": permissions.can_manage_products(viewer),
    }
    return render_list(
        request,
        "catalog/my_products.html",
        MY_PRODUCTS,
        lambda f: selectors.own_products(viewer, f.values),
        viewer,
        extra,
    )


def _lift_context(form: ProductForm, product: Product | None) -> dict[str, Any]:
    fw = product_services.display_compiled()
    if form.is_bound:
        chosen = {
            row["code"]: int(row["level"])
            for row in form.lifts()
            if row["kind"] == "scenario" and str(row["level"]).isdigit()
        }
        items = [
            f"{row['code']}:{option}"
            for row in form.lifts()
            if row["kind"] == "item"
            for option in row["options"]
        ]
    elif product is not None:
        chosen = {lift.code: lift.level for lift in product.lifts.all() if lift.kind == "scenario"}
        items = [
            f"{lift.code}:{o}" for lift in product.lifts.all() if lift.kind == "item" for o in lift.options
        ]
    else:
        chosen, items = {}, []
    while len(items) < 3:
        items.append("")
    return {
        "scenario_rows": scenario_rows(fw, chosen),
        "item_choices": item_choices(fw),
        "item_values": items,
    }


def _save(request: HttpRequest, form: ProductForm, product: Product | None) -> Product | None:
    viewer = request_viewer(request)
    data = dict(form.cleaned_data)
    data["lifts"] = form.lifts()
    subs = data.pop("sub_industries")
    try:
        if product is None:
            provider = selectors.own_provider(viewer)
            if provider is None:
                raise ValidationError(_("本机构还没有服务商档案"))
            return product_services.product_create(
                actor=request.user, provider=provider, sub_industries=subs, **data
            )
        return product_services.product_update(
            actor=request.user, product=product, sub_industries=subs, **data
        )
    except ValidationError as error:
        _errors_to_form(form, error)
        return None


@login_required
def product_create(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_manage_products(viewer))
    form = ProductForm(request.POST or None, initial={"price_unit": _("套")})
    if request.method == "POST" and form.is_valid():
        product = _save(request, form, None)
        if product is not None:
            messages.success(request, _("产品已保存为草稿；提交上架审核后，审核通过即在目录中公开"))
            return redirect("catalog:product_manage", product.pk)
    context = {
        "form": form,
        "product": None,
        "crumbs": [(_("本机构产品"), reverse("catalog:my_products")), (_("新增产品"), "")],
        **_lift_context(form, None),
    }
    return render(request, "catalog/product_form.html", context)


@login_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    product = get_visible_or_404(Product.objects.select_related("provider__organization"), viewer, pk=pk)
    require(permissions.can_edit_product(viewer, product))
    if product.state not in workflows.PRODUCT_EDITABLE:
        messages.error(request, _("上架审核中或已上架的产品不能修改；请先下架再修改"))
        return redirect("catalog:product_manage", product.pk)
    initial = {
        name: getattr(product, name)
        for name in (
            "name",
            "description",
            "category",
            "deployment",
            "list_price",
            "pilot_price",
            "price_unit",
            "delivery_days",
            "references",
            "version",
        )
    }
    initial["sub_industries"] = list(product.sub_industries.all())
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, product)
        if saved is not None:
            messages.success(request, _("产品已保存"))
            return redirect("catalog:product_manage", saved.pk)
    context = {
        "form": form,
        "product": product,
        "crumbs": [
            (_("本机构产品"), reverse("catalog:my_products")),
            (product.name, reverse("catalog:product_manage", args=[product.pk])),
            (_("修改"), ""),
        ],
        **_lift_context(form, product),
    }
    return render(request, "catalog/product_form.html", context)


def lift_rows(product: Product) -> list[dict[str, Any]]:
    """The product's lifts in words: scenario names and levels, item names and answers (codes when the
    framework is not loaded)."""
    fw = product_services.display_compiled_or_none()
    rows = []
    for lift in product.lifts.all():
        if lift.kind == "scenario":
            scenario = fw.scenario(lift.code) if fw else None
            levels = scenario.levels if scenario else ()
            rows.append(
                {
                    "kind": _("场景"),
                    "name": scenario.name if scenario else lift.code,
                    "target": _("%(level)s 级") % {"level": lift.level},
                    "description": levels[lift.level - 1] if 0 < lift.level <= len(levels) else "",
                }
            )
            continue
        item = fw.item(lift.code) if fw else None
        texts = [f"{key}. {option.text}" for key in lift.options if item and (option := item.option(key))]
        rows.append(
            {
                "kind": _("评测项"),
                "name": item.name if item else lift.code,
                "target": list_separator().join(texts) or ", ".join(lift.options),
                "description": "",
            }
        )
    return rows


@login_required
def product_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The provider's (and the reviewing staff's) page of one product in any state, with its actions."""
    viewer = request_viewer(request)
    product = get_visible_or_404(
        Product.objects.select_related("provider__organization__region", "provider__kind", "decided_by"),
        viewer,
        pk=pk,
    )
    own = product.provider.organization_id == viewer.organization_id
    crumbs = (
        [(_("本机构产品"), reverse("catalog:my_products"))]
        if own
        else [(_("产品上架审核"), reverse("catalog:listing_queue"))]
    )
    context = {
        "product": product,
        "crumbs": [*crumbs, (product.name, "")],
        "own": own,
        "lifts": lift_rows(product),
        "sub_industries": product.sub_industries.order_by("name"),
        "editable": own and product.state in workflows.PRODUCT_EDITABLE,
        "can_submit": own and product.state in workflows.PRODUCT_SUBMIT.sources,
        "standing": selectors.listing_standing(product.provider) if own else None,
        "can_review": permissions.can_review_listing(viewer, product)
        and product.state == ProductState.PENDING,
        "can_delist": permissions.can_delist(viewer, product) and product.state == ProductState.LISTED,
        "decision_form": DecisionForm(),
    }
    return render(request, "catalog/product_manage.html", context)


@login_required
@require_POST
def product_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """submit (the provider), list / reject (the reviewing staff), delist (either)."""
    viewer = request_viewer(request)
    product = get_visible_or_404(
        Product.objects.select_related("provider__organization__region"), viewer, pk=pk
    )
    reason = request.POST.get("reason", "")
    try:
        if step == "submit":
            require(permissions.can_edit_product(viewer, product))
            product_services.product_submit(actor=request.user, product=product)
            messages.success(request, _("已提交上架审核"))
        elif step in ("list", "reject"):
            require(permissions.can_review_listing(viewer, product))
            product_services.product_review(actor=request.user, product=product, decision=step, reason=reason)
            messages.success(request, _("产品已上架") if step == "list" else _("已退回，服务商会看到理由"))
        elif step == "delist":
            require(permissions.can_delist(viewer, product))
            product_services.product_delist(actor=request.user, product=product, reason=reason)
            messages.success(request, _("产品已下架"))
        else:
            require(permissions.can_review_listing(viewer, product))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except Conflict as conflict:  # the provider's standing does not allow listing now
        messages.error(request, conflict.reason)
    return redirect("catalog:product_manage", product.pk)


LISTINGS = ListPage(
    url_name="catalog:listing_queue",
    title=gettext_lazy("产品上架审核"),
    filter_label=gettext_lazy("筛选待审核产品"),
    filters=(
        SearchFilter(label=gettext_lazy("产品或服务商名称"), placeholder=gettext_lazy("例如：追溯")),
        ChoiceFilter("category", gettext_lazy("类别"), choices=Category.choices),
    ),
    # Oldest first: a queue (state, submitted_at, id index); by name (state, name, id index).
    sorts={"submitted": "submitted_at", "name": "name"},
    default_sort="submitted",
    columns=(
        Column(gettext_lazy("产品"), sort="name"),
        Column(gettext_lazy("服务商")),
        Column(gettext_lazy("类别")),
        Column(gettext_lazy("试点优惠价（元）"), numeric=True),
        Column(gettext_lazy("提交时间"), sort="submitted"),
    ),
    no_match=gettext_lazy("没有符合筛选条件的待审核产品。"),
    caption=gettext_lazy("待审核产品"),
)


@login_required
def listing_queue(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_review_listings(viewer))
    return render_list(
        request,
        "catalog/listing_queue.html",
        LISTINGS,
        lambda f: selectors.listing_queue_list(viewer, f.values),
        viewer,
    )
