"""Filters of the case pages: levels by name, amounts and bands as UI.md writes them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from dengta.cases.selectors import band_text
from dengta.programmes.documents import level_name as _level_name
from dengta.programmes.documents import yuan_text

register = template.Library()


@register.filter
def level_name(level: int | None) -> str:
    return _level_name(level)


@register.filter
def band(text: str) -> str:
    return band_text(str(text))


@register.filter
def yuan(value: Any) -> str:
    return yuan_text(value)


@register.filter
def plain(value: Any) -> str:
    """A median without trailing zeros ("2", "1.5", "65.25"), or "—" when there is none."""
    if value is None or value == "":
        return "—"
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
