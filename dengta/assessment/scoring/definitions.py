"""Framework definitions: read the versioned data files and compile them (pure Python, no Django).

A definition is a rules file (``<code>.rules.json`` or a self-contained file such as ``miit-2022.json``)
that names its version and kind, plus the item file it refers to. The database stores the merged content
and its SHA-256; scoring always compiles from that stored content, so an assessment is scored by exactly
the version it names (ARCHITECTURE.md convention 12).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from dengta.assessment.scoring.bands import BandFramework, compile_bands
from dengta.assessment.scoring.eu_dma import DmaFramework, compile_dma
from dengta.assessment.scoring.framework import Framework, FrameworkDataError, compile_miit

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFINITION_FILES = (
    "miit-2024-manufacturing.rules.json",
    "miit-2022.json",
    "eu-dma-sme.rules.json",
)

Compiled = Framework | BandFramework | DmaFramework


@dataclass(frozen=True)
class Definition:
    code: str
    version: str
    kind: str
    title: str
    document: str
    provisional: bool
    content: dict[str, Any]  # {"rules": …, "items": … or None}
    checksum: str


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def read_definition(name: str, data_dir: Path = DATA_DIR) -> Definition:
    try:
        rules = json.loads((data_dir / name).read_text(encoding="utf-8"))
        items = None
        if rules.get("items_file"):
            items = json.loads((data_dir / rules["items_file"]).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FrameworkDataError(f"{name}: {exc}") from exc
    content = {"rules": rules, "items": items}
    compiled = compile_content(canonical(content))  # refuses a file that does not describe a framework
    head = items or rules
    return Definition(
        code=rules["framework"],
        version=rules["version"],
        kind=rules["kind"],
        title=head.get("title", compiled.title),
        document=head.get("document", ""),
        provisional=bool(rules.get("level_rule", {}).get("provisional")),
        content=content,
        checksum=hashlib.sha256(canonical(content).encode()).hexdigest(),
    )


def read_all(data_dir: Path = DATA_DIR) -> list[Definition]:
    return [read_definition(name, data_dir) for name in DEFINITION_FILES]


@lru_cache(maxsize=32)
def compile_content(text: str) -> Compiled:
    """Compile stored content (its canonical JSON text, so equal content shares one compiled object)."""
    content = json.loads(text)
    rules, items = content["rules"], content.get("items")
    try:
        if rules["kind"] == "miit2024":
            return compile_miit(items, rules)
        if rules["kind"] == "bands":
            return compile_bands(rules)
        if rules["kind"] == "eu_dma":
            return compile_dma(items, rules)
    except (KeyError, TypeError, ValueError) as exc:
        raise FrameworkDataError(f"{rules.get('framework')}: {exc!r}") from exc
    raise FrameworkDataError(f"unknown framework kind {rules['kind']!r}")
