"""Display of registry figures: amounts in 万元 or yuan with thousands separators, never rounded (UI.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from dengta.registry.rules import ten_k_from_yuan

register = template.Library()


def _grouped(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    text = format(abs(value), "f")
    whole, _dot, fraction = text.partition(".")
    grouped = f"{int(whole):,}"
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"


@register.filter
def wan(value: Any) -> str:
    """Yuan shown in 万元, exact: two decimals at least so a column lines up, more (up to 6) only when the
    exact amount needs them, e.g. 35005000.00 → "3,500.50", 123.45 → "0.012345"."""
    if value is None or value == "":
        return ""
    amount = ten_k_from_yuan(Decimal(value))
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        amount = amount.quantize(Decimal("0.01"))
    return _grouped(amount)


@register.filter
def yuan(value: Any) -> str:
    """Yuan with 2 decimals and separators, e.g. 35005000 → "35,005,000.00"."""
    if value is None or value == "":
        return ""
    return _grouped(Decimal(value).quantize(Decimal("0.01")))


TIER_SHORT = {"innovative": _("创新型"), "specialised": _("专精特新"), "little_giant": _("小巨人")}


@register.filter
def tier_short(value: str) -> str:
    """The tier's short name for tables (the full name is on the detail page)."""
    return str(TIER_SHORT.get(value, value))


@register.filter
def person(user: Any) -> str:
    """A person by full name (the username only when no name was given); no one is the system."""
    if user is None:
        return str(_("系统"))
    return str(user)  # dengta.accounts.models.User.__str__


CHANGE_FIELD_NAMES = {
    "industry": _("行业"),
    "employees": _("从业人员"),
    "revenue": _("营业收入"),
    "total_assets": _("资产总额"),
    "tier": _("专精特新"),
}


@register.filter
def changed_fields(change: Any) -> str:
    """What a proposed change is about, by name (e.g. "从业人员、营业收入")."""
    return "、".join(
        str(CHANGE_FIELD_NAMES[name]) for name in change.proposed() if name in CHANGE_FIELD_NAMES
    )
