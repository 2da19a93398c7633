"""Template filters for assessment figures. Points are shown exactly (46.925, not 46.93): the index's
points have up to four decimals and rounding them would hide why a level was or was not reached."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """A Decimal (or number) of points without trailing zeros; "—" when absent."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.quantize(Decimal("0.0001")).normalize(), "f")
    return "0" if text in ("-0", "") else text


@register.filter
def signed_points(value: Any) -> str:
    """A change in points with its sign (+7.5, −2, 0)."""
    if value is None:
        return "—"
    text = points(value)
    if text.startswith("-"):
        return "−" + text[1:]
    return text if text == "0" else "+" + text


@register.filter
def level_label(value: Any) -> str:
    """An overall digital level by its name (一级 … 四级, 未达等级), as the index names them."""
    from django.utils.translation import gettext

    names = {
        0: gettext("未达等级"),
        1: gettext("一级"),
        2: gettext("二级"),
        3: gettext("三级"),
        4: gettext("四级"),
    }
    try:
        return names.get(int(value), str(value))
    except (TypeError, ValueError):
        return "—"


@register.filter
def band_name(assessment: Any) -> str:
    """An EU DMA result's band (Basic … Advanced) in the page's language, from its stored result."""
    from django.utils.translation import get_language

    result = getattr(assessment, "result", None) or {}
    if (get_language() or "").startswith("en"):
        return str(result.get("band") or "—")
    return str(result.get("band_zh") or result.get("band") or "—")
