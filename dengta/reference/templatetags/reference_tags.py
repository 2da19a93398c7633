from __future__ import annotations

from django import template

from dengta.reference.focus import focus_sector_name

register = template.Library()


@register.filter
def focus_name(label: str) -> str:
    """A focus sector (六大重点行业) by name in the reader's language."""
    return focus_sector_name(str(label or ""))
