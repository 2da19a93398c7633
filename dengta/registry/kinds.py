"""Provider kinds as data (data/provider-kinds.json, with its source): loaded by the migration that created
the table and by ``manage.py load_provider_kinds`` after the file changes. Loading adds and renames kinds but
never deletes one a provider may hold: a kind taken out of the file is marked inactive instead."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "provider-kinds.json"
FIELDS = ("name", "name_en", "description", "description_en", "order")


def read_kinds(path: Path = DATA_FILE) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("kind") != "provider_kinds" or not data.get("rows"):
        raise ValueError(f"{path}: not a provider-kinds file")
    codes = [row["code"] for row in data["rows"]]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{path}: a code appears twice")
    return data


def load_kinds(model: Any, path: Path = DATA_FILE) -> tuple[int, int]:
    """Write the file's kinds into ``model`` (the ProviderKind class, or the migration's historical one).
    Returns (written, deactivated)."""
    data = read_kinds(path)
    codes = set()
    for row in data["rows"]:
        codes.add(row["code"])
        model.objects.update_or_create(
            code=row["code"], defaults={**{f: row.get(f, "") for f in FIELDS}, "is_active": True}
        )
    deactivated = model.objects.exclude(code__in=codes).filter(is_active=True).update(is_active=False)
    return len(codes), deactivated
