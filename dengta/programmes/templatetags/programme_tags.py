"""Template filters of the programme pages: shares as percentages, levels and review methods by name, a
sub-industry by the name the application gave it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import gettext

from dengta.programmes.models import ReviewMethod

register = template.Library()


@register.filter
def share(value: Any) -> str:
    """A share stored as a fraction (0.9) as a percentage with one decimal (90.0%, UI.md)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)) * 100
    except InvalidOperation:
        return ""
    return f"{number:.1f}%"


@register.filter
def level_name(value: Any) -> str:
    """The MIIT 2024 level by its name (一级 … 四级; 0 is below the first level)."""
    names = {
        0: gettext("未达等级"),
        1: gettext("一级"),
        2: gettext("二级"),
        3: gettext("三级"),
        4: gettext("四级"),
    }
    try:
        return str(names[int(value)])
    except (KeyError, TypeError, ValueError):
        return ""


@register.filter
def review_method(value: Any) -> str:
    """How the experts' totals are combined, by name."""
    return str(dict(ReviewMethod.choices).get(str(value), value))


@register.filter
def sub_industry_name(code: str, entries: Any) -> str:
    """The application's name for one of its sub-industries (its local name, else the catalogue's)."""
    for entry in entries:
        if entry.sub_industry_id == code:
            return str(entry.local_name or entry.sub_industry.display_name)
    return code


@register.filter
def field(form: Any, name: str) -> Any:
    """A form's bound field by a name held in a variable (the review form's fields are per criterion)."""
    return form[name]
