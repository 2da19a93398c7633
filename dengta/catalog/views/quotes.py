"""Recommendations, shortlists, comparison, quote requests and ratings: the enterprise's side of the
catalogue and the provider's inbox. Thin views over dengta.catalog.services.quotes and .recommendations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dengta.catalog import permissions, selectors
from dengta.catalog.forms import QuoteAnswerForm, QuoteRequestForm, RatingForm
from dengta.catalog.models import Product, ProductState, QuoteRequest, QuoteState, Shortlist
from dengta.catalog.recommendations import recommendations_for
from dengta.catalog.services import governance, quotes
from dengta.core.access import get_visible_or_404, request_viewer
from dengta.core.decisions import Conflict, require
from dengta.core.listpage import ChoiceFilter, Column, ListPage, SearchFilter, render_list
from dengta.registry import selectors as registry_selectors
from dengta.registry.models import Enterprise, Provider

MAX_COMPARE = 4


def _own_enterprise(request: HttpRequest) -> Enterprise:
    viewer = request_viewer(request)
    enterprise = registry_selectors.own_enterprise(viewer)
    if enterprise is None:
        require(permissions.can_request_quote(viewer))
        raise Conflict(_("本机构还没有企业档案"))
    return enterprise


@login_required
def my_recommendations(request: HttpRequest) -> HttpResponse:
    """The enterprise's own recommendations (its latest scored assessment)."""
    viewer = request_viewer(request)
    require(permissions.can_view_recommendations(viewer))
    enterprise = registry_selectors.own_enterprise(viewer)
    if enterprise is None:  # an enterprise organisation not yet registered: say what to do first
        return render(request, "catalog/recommendations_no_profile.html", {"crumbs": [(_("产品推荐"), "")]})
    return _recommendations_page(request, enterprise)


@login_required
def enterprise_recommendations(request: HttpRequest, pk: int) -> HttpResponse:
    """The same page for the staff of the enterprise's jurisdiction, planning a pool."""
    viewer = request_viewer(request)
    enterprise = get_visible_or_404(Enterprise.objects.select_related("region"), viewer, pk=pk)
    require(permissions.can_view_enterprise_recommendations(viewer))
    return _recommendations_page(request, enterprise)


def _recommendations_page(request: HttpRequest, enterprise: Enterprise) -> HttpResponse:
    viewer = request_viewer(request)
    raw_target = request.GET.get("target", "")
    # Any level above the current one; 一级 too, the first step for an enterprise at 零级 when no bundle of
    # the catalogue reaches 二级 at once.
    target = int(raw_target) if raw_target in ("1", "2", "3", "4") else None
    view = recommendations_for(enterprise, viewer, target_level=target)
    own = enterprise.organization_id == viewer.organization_id
    shortlisted = (
        set(Shortlist.objects.filter(enterprise=enterprise).values_list("product_id", flat=True))
        if own
        else set()
    )
    context = {
        "crumbs": [(_("产品推荐"), "")],
        "view": view,
        "own": own,
        "shortlisted": shortlisted,
        "can_request": own and permissions.can_request_quote(viewer),
        "targets": [t for t in (1, 2, 3, 4) if t > view.level],
        "next_level": view.level + 1 if view.target_level > view.level + 1 else None,
    }
    return render(request, "catalog/recommendations.html", context)


@login_required
def shortlist(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_request_quote(viewer))
    enterprise = _own_enterprise(request)
    items = (
        Shortlist.objects.filter(enterprise=enterprise)
        .select_related("product__provider__organization")
        .order_by("-created_at")
    )
    context = {"crumbs": [(_("备选产品"), "")], "items": items, "max_compare": MAX_COMPARE}
    return render(request, "catalog/shortlist.html", context)


@login_required
@require_POST
def shortlist_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_request_quote(viewer))
    enterprise = _own_enterprise(request)
    product = get_visible_or_404(Product.objects.all(), viewer, pk=pk)
    try:
        if request.POST.get("remove"):
            quotes.shortlist_remove(actor=request.user, enterprise=enterprise, product=product)
            messages.success(request, _("已从备选产品中移除"))
        else:
            quotes.shortlist_add(actor=request.user, enterprise=enterprise, product=product)
            messages.success(request, _("已加入备选产品"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    back = request.POST.get("next", "")
    return redirect(
        back if back.startswith("/") and not back.startswith("//") else reverse("catalog:shortlist")
    )


@login_required
def quote_new(request: HttpRequest) -> HttpResponse:
    """Request a quote for ``?products=1,2`` (one provider's listed products)."""
    viewer = request_viewer(request)
    require(permissions.can_request_quote(viewer))
    enterprise = _own_enterprise(request)
    ids = [
        int(p)
        for p in request.GET.get("products", request.POST.get("products", "")).split(",")
        if p.isdigit()
    ]
    # Listed products, whoever offers them: a provider suspended since is refused by the service with the
    # reason, rather than its product vanishing from the request.
    products = list(
        Product.objects.filter(state=ProductState.LISTED, pk__in=ids[: MAX_COMPARE * 3]).select_related(
            "provider__organization"
        )
    )
    form = QuoteRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            quote = quotes.quote_request(
                actor=request.user,
                enterprise=enterprise,
                products=products,
                message=form.cleaned_data["message"],
                sub_industry=registry_selectors_sub_industry(enterprise),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        except Conflict as conflict:
            form.add_error(None, conflict.reason)
        else:
            messages.success(request, _("报价请求已发给服务商，答复后会通知您"))
            return redirect("catalog:quote_detail", quote.pk)
    context = {
        "crumbs": [(_("报价请求"), reverse("catalog:quote_list")), (_("请求报价"), "")],
        "form": form,
        "products": products,
        "product_ids": ",".join(str(p.pk) for p in products),
        "providers": {p.provider_id for p in products},
    }
    return render(request, "catalog/quote_form.html", context)


def registry_selectors_sub_industry(enterprise: Enterprise) -> Any:
    from dengta.assessment.selectors import sub_industry_of

    return sub_industry_of(enterprise)


QUOTES = ListPage(
    url_name="catalog:quote_list",
    title=gettext_lazy("报价请求"),
    filter_label=gettext_lazy("筛选报价请求"),
    filters=(
        SearchFilter(label=gettext_lazy("企业或服务商名称"), placeholder=gettext_lazy("例如：精密")),
        ChoiceFilter("state", gettext_lazy("状态"), choices=QuoteState.choices),
    ),
    # Newest first; (provider, created_at, id) serves the provider's inbox, (created_at, id) the staff's
    # list (QuoteRequest.Meta.indexes).
    sorts={"created": "created_at"},
    default_sort="-created",
    columns=(
        Column(gettext_lazy("企业")),
        Column(gettext_lazy("服务商")),
        Column(gettext_lazy("细分行业")),
        Column(gettext_lazy("状态")),
        Column(gettext_lazy("报价（元）"), numeric=True),
        Column(gettext_lazy("提出时间"), sort="created"),
    ),
    no_match=gettext_lazy("没有符合筛选条件的报价请求。"),
    caption=gettext_lazy("报价请求列表"),
)


@login_required
def quote_list(request: HttpRequest) -> HttpResponse:
    """The provider's inbox, the enterprise's requests, the staff's view of their jurisdiction."""
    viewer = request_viewer(request)
    require(permissions.can_view_quotes(viewer))
    return render_list(
        request,
        "catalog/quote_list.html",
        QUOTES,
        lambda f: selectors.quote_list(viewer, f.values),
        viewer,
        {"is_provider": permissions.is_provider(viewer)},
    )


def _quote_page(
    request: HttpRequest, quote: QuoteRequest, form: QuoteAnswerForm, status: int = 200
) -> HttpResponse:
    viewer = request_viewer(request)
    own_enterprise = quote.enterprise.organization_id == viewer.organization_id
    context = {
        "crumbs": [(_("报价请求"), reverse("catalog:quote_list")), (str(quote), "")],
        "quote": quote,
        "products": quote.products.select_related("provider__organization"),
        "form": form,
        "can_answer": permissions.can_answer_quote(viewer, quote) and quote.state == QuoteState.OPEN,
        "can_decide": own_enterprise and permissions.can_decide_quote(viewer, quote),
        "can_rate": own_enterprise
        and quote.state == QuoteState.ACCEPTED
        and permissions.can_rate_providers(viewer),
    }
    return render(request, "catalog/quote_detail.html", context, status=status)


def _quote(request: HttpRequest, pk: int) -> QuoteRequest:
    return get_visible_or_404(
        QuoteRequest.objects.select_related(
            "enterprise", "provider__organization", "sub_industry", "requested_by"
        ),
        request_viewer(request),
        pk=pk,
    )


@login_required
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _quote_page(request, _quote(request, pk), QuoteAnswerForm())


@login_required
@require_POST
def quote_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The provider quotes a price, or declines with a reason; errors come back on the request's page."""
    viewer = request_viewer(request)
    quote = _quote(request, pk)
    require(permissions.can_answer_quote(viewer, quote))
    form = QuoteAnswerForm(request.POST)
    if form.is_valid():
        try:
            quotes.quote_answer(
                actor=request.user,
                quote=quote,
                decline=bool(request.POST.get("decline")),
                quote_yuan=form.cleaned_data["quote_yuan"],
                answer=form.cleaned_data["answer"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("已答复报价请求"))
            return redirect("catalog:quote_detail", quote.pk)
    return _quote_page(request, quote, form, status=400)


@login_required
@require_POST
def quote_decide(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    quote = get_visible_or_404(QuoteRequest.objects.select_related("enterprise", "provider"), viewer, pk=pk)
    require(permissions.can_decide_quote(viewer, quote))
    accept = request.POST.get("decision") == "accept"
    try:
        quotes.quote_decide(actor=request.user, quote=quote, accept=accept)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已接受报价") if accept else _("报价请求已撤回"))
    return redirect("catalog:quote_detail", quote.pk)


@login_required
def rate_provider(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_rate_providers(viewer))
    enterprise = _own_enterprise(request)
    provider = get_visible_or_404_provider(viewer, pk)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            governance.provider_rate(
                actor=request.user,
                provider=provider,
                enterprise=enterprise,
                stars=form.cleaned_data["stars"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("感谢评价，服务商的星级已重新计算"))
            return redirect("catalog:provider_public", provider.pk)
    context = {
        "crumbs": [(_("评价服务商"), "")],
        "provider": provider,
        "form": form,
        "worked_with": governance.worked_with(provider, enterprise),
    }
    return render(request, "catalog/rate_provider.html", context)


def get_visible_or_404_provider(viewer: Any, pk: int) -> Provider:
    provider = selectors.public_provider(viewer, pk)
    if provider is None:
        raise Http404
    return provider
