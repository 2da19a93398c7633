"""The six focus sectors (六大重点行业) by name in the reader's language.

The sectors are stored on industry codes and sub-industries by their Chinese names (the notices' wording);
their English names are data (data/industries/focus-sectors.json, an unofficial translation).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

NAMES_FILE = Path(__file__).resolve().parent / "data" / "industries" / "focus-sectors.json"


@lru_cache(maxsize=1)
def english_names() -> dict[str, str]:
    data = json.loads(NAMES_FILE.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data["names_en"].items()}


def focus_sector_name(label: str) -> str:
    """The sector's name on the reader's page: its English name on English pages, else the Chinese one."""
    if label and (get_language() or "").startswith("en"):
        return english_names().get(label, label)
    return label
