"""A column of an import file: its key (the English alias), its Chinese header and help for the template."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # the Chinese header, as in the template
    help_zh: str
    help_en: str
    example: str


def header_key(text: object) -> str:
    """How a header cell is compared: NFKC (full-width brackets to ASCII), no spaces or "*", lower case."""
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return "".join(ch for ch in folded if not ch.isspace() and ch != "*").lower()


def aliases(columns: tuple[Column, ...]) -> dict[str, str]:
    """Each column recognised by its Chinese title or its English key (with or without unit brackets)."""
    found: dict[str, str] = {}
    for column in columns:
        found[header_key(column.title)] = column.key
        found[header_key(column.key)] = column.key
    return found
