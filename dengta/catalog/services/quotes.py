"""Shortlists and quote requests between an enterprise and a provider (docs/catalogue.md).

A request goes to one provider for one or more of its listed products; a provider that may not be offered
now (suspended, removed, not admitted) receives none (DOMAIN.md 2.7). The provider answers with a price in
yuan or declines with a reason; the enterprise accepts an answer or withdraws its request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dengta.catalog import workflows
from dengta.catalog.models import Product, ProductState, QuoteRequest, QuoteState, Shortlist
from dengta.catalog.selectors import listing_standing
from dengta.catalog.services.products import parse_price
from dengta.core.actors import Actor, actor_id
from dengta.core.decisions import require
from dengta.core.events import record_event
from dengta.core.notifications import notify
from dengta.core.workflows import run_transition
from dengta.reference.models import SubIndustry
from dengta.registry.models import Enterprise

MAX_SHORTLIST = 20
MAX_OPEN_REQUESTS = 30  # per enterprise: a request is work for a provider, not a mass mailing


def _scope(enterprise: Enterprise) -> str:
    return enterprise.region.path if enterprise.region_id else ""


@transaction.atomic
def shortlist_add(*, actor: Actor, enterprise: Enterprise, product: Product) -> Shortlist:
    if product.state != ProductState.LISTED:
        raise ValidationError(_("只能收藏已上架的产品"))
    if Shortlist.objects.filter(enterprise=enterprise).count() >= MAX_SHORTLIST:
        raise ValidationError(_("备选产品最多 %(n)s 个，请先移除一些") % {"n": MAX_SHORTLIST})
    item, _created = Shortlist.objects.get_or_create(enterprise=enterprise, product=product)
    return item


@transaction.atomic
def shortlist_remove(*, actor: Actor, enterprise: Enterprise, product: Product) -> None:
    Shortlist.objects.filter(enterprise=enterprise, product=product).delete()


@transaction.atomic
def quote_request(
    *,
    actor: Actor,
    enterprise: Enterprise,
    products: Iterable[Product],
    message: str = "",
    sub_industry: SubIndustry | None = None,
    bundle: dict[str, Any] | None = None,
) -> QuoteRequest:
    chosen = list(products)
    if not chosen:
        raise ValidationError({"products": [_("请至少选择一个产品")]})
    providers = {p.provider_id for p in chosen}
    if len(providers) != 1:
        raise ValidationError(
            {"products": [_("一份报价请求只能发给一家服务商；不同服务商的产品请分别请求报价")]}
        )
    if any(p.state != ProductState.LISTED for p in chosen):
        raise ValidationError({"products": [_("只能对已上架的产品请求报价")]})
    provider = chosen[0].provider
    require(listing_standing(provider))
    if QuoteRequest.objects.filter(enterprise=enterprise, state=QuoteState.OPEN).count() >= MAX_OPEN_REQUESTS:
        raise ValidationError(
            _("待报价的请求已有 %(n)s 份，请等服务商答复或撤回一些") % {"n": MAX_OPEN_REQUESTS}
        )
    ids = sorted(p.pk for p in chosen)
    for open_request in QuoteRequest.objects.filter(
        enterprise=enterprise, provider=provider, state=QuoteState.OPEN
    ):
        if sorted(open_request.products.values_list("pk", flat=True)) == ids:
            raise ValidationError(_("已经向该服务商请求过这些产品的报价，请等待答复"))
    quote = QuoteRequest(
        enterprise=enterprise,
        provider=provider,
        sub_industry=sub_industry,
        message=(message or "").strip(),
        bundle=bundle or {},
        requested_by_id=actor_id(actor),
    )
    quote.full_clean()
    quote.save()
    quote.products.set(chosen)
    record_event(
        actor=actor,
        verb="quote.requested",
        target=quote,
        organization_id=enterprise.organization_id,
        scope_path=_scope(enterprise),
        payload={"provider": provider.pk, "products": ids},
    )
    notify(
        organization_id=provider.organization_id,
        verb="quote.requested",
        message=gettext_noop("%(enterprise)s 请求报价：%(products)s"),
        params={"enterprise": enterprise.name, "products": "、".join(p.name for p in chosen)},
        url=reverse("catalog:quote_detail", args=[quote.pk]),
    )
    return quote


@transaction.atomic
def quote_answer(
    *,
    actor: Actor,
    quote: QuoteRequest,
    decline: bool = False,
    quote_yuan: Any = None,
    answer: str = "",
    valid_until: dt.date | None = None,
) -> QuoteRequest:
    text = (answer or "").strip()
    if decline:
        if not text:
            raise ValidationError({"answer": [_("谢绝报价时请说明原因，企业会看到这段说明")]})
        done = run_transition(
            quote,
            workflows.QUOTE_DECLINE,
            actor=actor,
            changes={"answer": text, "answered_by_id": actor_id(actor), "answered_at": timezone.now()},
            organization_id=quote.provider.organization_id,
            scope_path=_scope(quote.enterprise),
        )
        message = gettext_noop("%(provider)s 谢绝了报价请求：%(answer)s")
    else:
        amount = parse_price(quote_yuan, "quote_yuan")
        if valid_until is not None and valid_until < timezone.localdate():
            raise ValidationError({"valid_until": [_("报价有效期不能早于今天")]})
        done = run_transition(
            quote,
            workflows.QUOTE_ANSWER,
            actor=actor,
            changes={
                "quote_yuan": amount,
                "answer": text,
                "valid_until": valid_until,
                "answered_by_id": actor_id(actor),
                "answered_at": timezone.now(),
            },
            payload={"quote_yuan": str(amount)},
            organization_id=quote.provider.organization_id,
            scope_path=_scope(quote.enterprise),
        )
        message = gettext_noop("%(provider)s 已报价：%(amount)s 元")
    notify(
        organization_id=done.enterprise.organization_id,
        verb=f"quote.{done.state}",
        message=message,
        params={"provider": str(done.provider), "answer": text, "amount": str(done.quote_yuan or "")},
        url=reverse("catalog:quote_detail", args=[done.pk]),
    )
    return done


@transaction.atomic
def quote_decide(*, actor: Actor, quote: QuoteRequest, accept: bool) -> QuoteRequest:
    """The enterprise accepts an answered quote, or withdraws an open or answered request."""
    if accept and quote.valid_until is not None and quote.valid_until < timezone.localdate():
        raise ValidationError(_("报价已过有效期，请重新请求报价"))
    done = run_transition(
        quote,
        workflows.QUOTE_ACCEPT if accept else workflows.QUOTE_WITHDRAW,
        actor=actor,
        organization_id=quote.enterprise.organization_id,
        scope_path=_scope(quote.enterprise),
    )
    notify(
        organization_id=done.provider.organization_id,
        verb=f"quote.{done.state}",
        message=gettext_noop("%(enterprise)s 接受了您的报价")
        if accept
        else gettext_noop("%(enterprise)s 撤回了报价请求"),
        params={"enterprise": done.enterprise.name},
        url=reverse("catalog:quote_detail", args=[done.pk]),
    )
    return done
