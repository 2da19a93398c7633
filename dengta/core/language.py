"""The language a request is answered in (the product is Chinese first, English when chosen: UI.md)."""

from __future__ import annotations

from django.utils.translation import get_language


def in_english() -> bool:
    """Whether the active language is English: data rows keep both names and show the one that matches."""
    return (get_language() or "").startswith("en")


def name_separator() -> str:
    """Between names in a run of text: the Chinese enumeration comma 、, or ", " between English names."""
    return ", " if in_english() else "、"
