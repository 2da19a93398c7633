"""Template helpers shared by every app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils import translation

register = template.Library()


def _get(data: Any, name: str) -> Any:
    if isinstance(data, Mapping):
        return data.get(name, "")
    return getattr(data, name, "")


@register.filter
def localised(data: Any, key: str) -> Any:
    """Pick ``key_en`` in English and ``key_zh`` otherwise from bilingual data — dicts (explanations) or
    objects (parsed rules) — falling back to the Chinese text when no English is given."""
    if not data:
        return ""
    language = translation.get_language() or "zh-hans"
    if language.startswith("en") and _get(data, f"{key}_en"):
        return _get(data, f"{key}_en")
    return _get(data, f"{key}_zh") or _get(data, key)


@register.filter
def thousands(value: Any) -> str:
    """A count with thousands separators in every language (UI.md); Django's zh-hans format has none."""
    if value is None or value == "":
        return ""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def event_action(verb: str) -> str:
    """An event's verb by its label (dengta.core.verbs), never its code (ARCHITECTURE.md)."""
    from dengta.core.verbs import verb_label

    return verb_label(str(verb))


@register.filter
def event_actor(event: Any) -> str:
    """Who wrote an event: the person's full name (their username when no name is recorded), or the system."""
    if getattr(event, "actor_id", None) is None:
        return translation.gettext("系统")
    return str(event.actor)


# Chinese punctuation between translated pieces and data, and its English counterpart (UI.md: one language
# per page; full-width marks do not belong in English text).
_PUNCTUATION_EN = {"：": ": ", "。": ". ", "、": ", ", "；": "; ", "，": ", "}


@register.simple_tag
def punct(mark: str) -> str:
    """``{% punct "：" %}``: the mark in Chinese, its English counterpart with a space in English."""
    if (translation.get_language() or "").startswith("en"):
        return _PUNCTUATION_EN.get(mark, mark)
    return mark
