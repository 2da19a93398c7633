"""The 一企一档 dossier's documents as data (``data/dossier.json``, with its source): which kinds a project
holds, which are needed before acceptance is requested, and which file types each accepts (recognised by
content, dengta.assessment.uploads). Pure Python, no Django."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DOSSIER_FILE = Path(__file__).resolve().parent / "data" / "dossier.json"
TYPES = {
    "pdf": ("application/pdf",),
    "image": ("image/jpeg", "image/png"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
}
NEEDED_FOR = ("acceptance", "none")


class DossierSpecError(ValueError):
    """The dossier file is not valid (raised when loading)."""


@dataclass(frozen=True)
class Kind:
    code: str
    zh: str
    en: str
    needed_for: str
    types: tuple[str, ...]

    def label(self, english: bool) -> str:
        return self.en if english else self.zh

    @property
    def content_types(self) -> frozenset[str]:
        return frozenset(t for name in self.types for t in TYPES[name])

    @property
    def required(self) -> bool:
        return self.needed_for == "acceptance"


@dataclass(frozen=True)
class DossierSpec:
    version: str
    source: str
    max_bytes: int
    kinds: tuple[Kind, ...]

    def kind(self, code: str) -> Kind | None:
        return next((k for k in self.kinds if k.code == code), None)

    @property
    def required(self) -> tuple[Kind, ...]:
        return tuple(k for k in self.kinds if k.required)


def parse_spec(data: object) -> DossierSpec:
    if not isinstance(data, dict) or not {"version", "source", "max_bytes", "kinds"} <= set(data):
        raise DossierSpecError("dossier: version, source, max_bytes and kinds are required")
    kinds = []
    for index, raw in enumerate(data["kinds"]):
        if not isinstance(raw, dict) or set(raw) != {"code", "zh", "en", "needed_for", "types"}:
            raise DossierSpecError(f"dossier kinds[{index}]: code, zh, en, needed_for and types are required")
        if (
            raw["needed_for"] not in NEEDED_FOR
            or not raw["types"]
            or any(t not in TYPES for t in raw["types"])
        ):
            raise DossierSpecError(f"dossier kinds[{index}]: unknown needed_for or type")
        kinds.append(Kind(raw["code"], raw["zh"], raw["en"], raw["needed_for"], tuple(raw["types"])))
    codes = [k.code for k in kinds]
    if len(set(codes)) != len(codes):
        raise DossierSpecError("dossier: a kind's code appears twice")
    max_bytes = data["max_bytes"]
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise DossierSpecError("dossier: max_bytes must be a positive whole number")
    return DossierSpec(str(data["version"]), str(data["source"]), max_bytes, tuple(kinds))


@lru_cache(maxsize=1)
def load_spec(path: Path = DOSSIER_FILE) -> DossierSpec:
    return parse_spec(json.loads(path.read_text(encoding="utf-8")))


def completeness(spec: DossierSpec, present: set[str]) -> tuple[int, int, tuple[Kind, ...]]:
    """(documents present, documents required, the missing kinds) over the required kinds."""
    required = spec.required
    missing = tuple(k for k in required if k.code not in present)
    return len(required) - len(missing), len(required), missing
