"""Products and their listing (DOMAIN.md 8.14; docs/catalogue.md): writes, each with an event.

A product's claimed lifts are checked against the current MIIT 2024 framework: a scenario the framework
lacks, a level above 4 or above the scenario's levels, an item or answer it does not have is refused with a
sentence naming the scenario. Prices are yuan with two decimals; the pilot price is never above the list
price. Only a provider admitted to a pool and not suspended anywhere may submit a product for listing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.selectors import DEFAULT_FRAMEWORK, current_framework
from dengta.assessment.texts import for_display
from dengta.catalog import matching, workflows
from dengta.catalog.models import Product, ProductLift
from dengta.catalog.selectors import listing_standing
from dengta.core.actors import Actor, actor_id
from dengta.core.decisions import require
from dengta.core.events import record_event
from dengta.core.notifications import notify
from dengta.core.workflows import run_transition
from dengta.reference.models import SubIndustry
from dengta.registry.models import Provider
from dengta.registry.services import hidden_message
from dengta.registry.text import clean_text, hidden_characters

MAX_PRICE = Decimal("100000000")  # 1 亿元: above it a 小快轻准 product is a typing error
FIELDS = (
    "name",
    "description",
    "category",
    "deployment",
    "price_unit",
    "delivery_days",
    "references",
    "version",
)


def parse_price(raw: Any, field: str) -> Decimal:
    """A price in yuan: a number ≥ 0 with at most two decimals (fen), below MAX_PRICE."""
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        raise ValidationError({field: [_("请填写价格（元）")]})
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: [_("价格应为数字（元），例如 12800 或 12800.50")]}) from None
    if not value.is_finite():
        raise ValidationError({field: [_("价格应为数字（元），例如 12800 或 12800.50")]})
    if value < 0:
        raise ValidationError({field: [_("价格不能为负数")]})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("价格最多两位小数（到分）")]})
    if value >= MAX_PRICE:
        raise ValidationError({field: [_("价格应小于 1 亿元，请检查单位是否为元")]})
    return value.quantize(Decimal("0.01"))


LIFT_PROBLEMS = {
    "unknown_kind": gettext_noop("提升项类型应为场景或评测项"),
    "unknown_scenario": gettext_noop("评测框架中没有场景“%(code)s”"),
    "level_out_of_range": gettext_noop("场景“%(name)s”只有 1 到 %(levels)s 级，不能提升到 %(level)s 级"),
    "unknown_item": gettext_noop("评测框架中没有评测项“%(code)s”"),
    "no_options": gettext_noop("评测项“%(name)s”：请选择产品能达到的选项"),
    "unknown_option": gettext_noop("评测项“%(name)s”没有所选的选项"),
    "exclusive_option": gettext_noop("评测项“%(name)s”：“无”不是提升"),
    "single_choice": gettext_noop("评测项“%(name)s”是单选题，只能选一个选项"),
}


def lift_problem(fw: Compiled, lift: matching.Lift) -> str | None:
    """The sentence for a lift the framework refuses, or None."""
    code = matching.validate_lift(fw, lift)
    if code is None:
        return None
    scenario = fw.scenario(lift.code) if lift.kind == "scenario" else None
    item = fw.item(lift.code) if lift.kind == "item" else None
    name = scenario.name if scenario else item.name if item else lift.code
    levels = min(4, len(scenario.levels)) if scenario else 4
    return _(LIFT_PROBLEMS.get(code, LIFT_PROBLEMS["unknown_kind"])) % {
        "code": lift.code,
        "name": name,
        "levels": levels,
        "level": lift.level,
    }


def clean_lifts(fw: Compiled, rows: Sequence[dict[str, Any]]) -> list[matching.Lift]:
    lifts: list[matching.Lift] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        kind = str(row.get("kind", "")).strip()
        code = str(row.get("code", "")).strip()
        if not code:
            continue
        raw_level = row.get("level", 0)
        try:
            level = int(raw_level or 0)
        except (TypeError, ValueError):
            problems.append(_("场景等级应为 1 到 4 的整数"))
            continue
        options = tuple(str(o) for o in (row.get("options") or ()))
        lift = matching.Lift(kind=kind, code=code, level=level if kind == "scenario" else 0, options=options)
        problem = lift_problem(fw, lift)
        if problem:
            problems.append(problem)
            continue
        if (kind, code) in seen:
            problems.append(_("同一场景或评测项只能填写一次：%(code)s") % {"code": code})
            continue
        seen.add((kind, code))
        lifts.append(lift)
    if problems:
        raise ValidationError({"lifts": problems})
    if not lifts:
        raise ValidationError({"lifts": [_("请至少填写一个产品能提升的场景或评测项")]})
    return lifts


def _scope(product: Product) -> str:
    region = product.provider.organization.region
    return region.path if region else ""


def _write(product: Product, data: dict[str, Any], fw: Compiled) -> list[matching.Lift]:
    for name in FIELDS:
        if name in data:
            value = data[name]
            setattr(product, name, clean_text(value) if name == "name" else value)
    hidden = hidden_characters(product.name or "")
    if hidden:  # a product name that displays as another (Unicode TR 36), as for enterprise names
        raise ValidationError({"name": [hidden_message(hidden)]})
    if "list_price" in data:
        product.list_price = parse_price(data["list_price"], "list_price")
    if "pilot_price" in data:
        product.pilot_price = parse_price(data["pilot_price"], "pilot_price")
    if (
        product.pilot_price is not None
        and product.list_price is not None
        and product.pilot_price > product.list_price
    ):
        raise ValidationError({"pilot_price": [_("试点优惠价不能高于市场价")]})
    lifts = clean_lifts(fw, data.get("lifts", []))
    product.framework_code, product.framework_version = fw.code, fw.version
    product.full_clean()
    return lifts


def _save_lifts(product: Product, lifts: Iterable[matching.Lift]) -> None:
    product.lifts.all().delete()
    ProductLift.objects.bulk_create(
        ProductLift(
            product=product, kind=lift.kind, code=lift.code, level=lift.level, options=list(lift.options)
        )
        for lift in lifts
    )


def current_compiled() -> Compiled:
    fw = current_framework(DEFAULT_FRAMEWORK).compiled()
    assert isinstance(fw, Compiled)
    return fw


def display_compiled() -> Compiled:
    """The framework with its names in the reader's language (dengta.assessment.texts.for_display), for
    pages: the codes are the same, so what a page shows and what a service checks agree."""
    return for_display(current_compiled())


def display_compiled_or_none() -> Compiled | None:
    fw = current_compiled_or_none()
    return None if fw is None else for_display(fw)


def current_compiled_or_none() -> Compiled | None:
    """The framework for pages that only show names (the catalogue): without it they show codes, not an
    error (a database whose frameworks are not loaded yet: manage.py load_frameworks)."""
    try:
        return current_compiled()
    except ValidationError:
        return None


@transaction.atomic
def product_create(
    *, actor: Actor, provider: Provider, sub_industries: Iterable[SubIndustry] = (), **data: Any
) -> Product:
    fw = current_compiled()
    product = Product(provider=provider, list_price=Decimal("0"), pilot_price=Decimal("0"))
    lifts = _write(product, {**data, "lifts": data.get("lifts", [])}, fw)
    product.save()
    _save_lifts(product, lifts)
    product.sub_industries.set(list(sub_industries))
    record_event(
        actor=actor,
        verb="product.created",
        target=product,
        organization_id=provider.organization_id,
        scope_path=_scope(product),
        payload={"list_price": str(product.list_price), "pilot_price": str(product.pilot_price)},
    )
    return product


@transaction.atomic
def product_update(
    *, actor: Actor, product: Product, sub_industries: Iterable[SubIndustry] | None = None, **data: Any
) -> Product:
    locked = (
        Product.objects.select_for_update(of=("self",))
        .select_related("provider__organization__region")
        .get(pk=product.pk)
    )
    if locked.state not in workflows.PRODUCT_EDITABLE:
        raise ValidationError(_("上架审核中或已上架的产品不能修改；请先下架再修改"))
    fw = current_compiled()
    if "lifts" not in data:
        data["lifts"] = [
            {"kind": lift.kind, "code": lift.code, "level": lift.level, "options": lift.options}
            for lift in locked.lifts.all()
        ]
    lifts = _write(locked, data, fw)
    locked.save()
    _save_lifts(locked, lifts)
    if sub_industries is not None:
        locked.sub_industries.set(list(sub_industries))
    record_event(
        actor=actor,
        verb="product.updated",
        target=locked,
        organization_id=locked.provider.organization_id,
        scope_path=_scope(locked),
        payload={"fields": sorted(k for k in data if k != "lifts"), "lifts": len(lifts)},
    )
    return locked


@transaction.atomic
def product_submit(*, actor: Actor, product: Product) -> Product:
    require(listing_standing(product.provider))
    return run_transition(
        product,
        workflows.PRODUCT_SUBMIT,
        actor=actor,
        changes={"submitted_at": timezone.now(), "reason": ""},
        organization_id=product.provider.organization_id,
        scope_path=_scope(product),
    )


@transaction.atomic
def product_review(*, actor: Actor, product: Product, decision: str, reason: str = "") -> Product:
    """list or reject a pending product; a rejection needs a reason the provider sees."""
    if decision not in ("list", "reject"):
        raise ValidationError(_("未知的审核决定"))
    text = (reason or "").strip()
    if decision == "reject" and not text:
        raise ValidationError({"reason": [_("请填写不予上架的理由，服务商会看到这段说明")]})
    if decision == "list":
        require(listing_standing(product.provider))
    now = timezone.now()
    changes: dict[str, Any] = {"reason": text, "decided_at": now, "decided_by_id": actor_id(actor)}
    if decision == "list":
        changes["listed_at"] = now
    done = run_transition(
        product,
        workflows.PRODUCT_LIST if decision == "list" else workflows.PRODUCT_REJECT,
        actor=actor,
        changes=changes,
        payload={"reason": text},
        organization_id=product.provider.organization_id,
        scope_path=_scope(product),
    )
    notify(
        organization_id=done.provider.organization_id,
        verb=f"product.{done.state}",
        message=gettext_noop("产品“%(product)s”已上架")
        if decision == "list"
        else gettext_noop("产品“%(product)s”未通过上架审核，理由：%(reason)s"),
        params={"product": done.name, "reason": text},
        url=reverse("catalog:product_manage", args=[done.pk]),
    )
    return done


@transaction.atomic
def product_delist(*, actor: Actor, product: Product, reason: str) -> Product:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": [_("请填写下架理由")]})
    return run_transition(
        product,
        workflows.PRODUCT_DELIST,
        actor=actor,
        changes={"reason": text, "decided_at": timezone.now(), "decided_by_id": actor_id(actor)},
        payload={"reason": text},
        organization_id=product.provider.organization_id,
        scope_path=_scope(product),
    )


def offers_of(products: Iterable[Product], sub_industry_id: str | None) -> list[matching.Offer]:
    """The pure matching's view of products (their lifts and sub-industries prefetched)."""
    offers = []
    for product in products:
        subs = {s.pk for s in product.sub_industries.all()}
        offers.append(
            matching.Offer(
                id=product.pk,
                provider_id=product.provider_id,
                name=product.name,
                list_price=product.list_price,
                pilot_price=product.pilot_price,
                delivery_days=product.delivery_days,
                rating=None if product.rating is None else Decimal(product.rating),
                sub_industry_fit=sub_industry_id is not None and sub_industry_id in subs,
                lifts=tuple(
                    matching.Lift(
                        kind=lift.kind, code=lift.code, level=lift.level, options=tuple(lift.options)
                    )
                    for lift in product.lifts.all()
                ),
            )
        )
    return offers
