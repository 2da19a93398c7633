"""Template helpers shared by every app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def localised(data: Mapping[str, Any] | None, key: str) -> Any:
    """Pick ``key_en`` in English and ``key_zh`` otherwise from bilingual data (rules files, explanations),
    falling back to the Chinese text when no English is given."""
    if not data:
        return ""
    language = translation.get_language() or "zh-hans"
    if language.startswith("en") and data.get(f"{key}_en"):
        return data[f"{key}_en"]
    return data.get(f"{key}_zh", data.get(key, ""))
