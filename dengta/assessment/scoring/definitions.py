"""Framework definitions: read the versioned data files and compile them (pure Python, no Django).

A definition is a rules file (``<code>.rules.json`` or a self-contained file such as ``miit-2022.json``)
that names its version and kind, plus the item file it refers to. The database stores the merged content
and its SHA-256; scoring always compiles from that stored content, so an assessment is scored by exactly
the version it names (ARCHITECTURE.md convention 12).

A framework's texts in another language (``<code>.<language>.json``, scoring/texts.py) are read beside the
definition but are not part of its content or checksum: a translation is not part of the scored standard,
so changing one never makes a new version (docs/assessment.md).
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
from dengta.assessment.scoring.texts import FrameworkTexts, check_texts, parse_texts

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFINITION_FILES = (
    "miit-2024-manufacturing.rules.json",
    "miit-2022.json",
    "eu-dma-sme.rules.json",
)

# Languages besides the index's own Chinese. The MIIT index needs a translation file for each; the 2022
# bands and the EU DMA carry their English (name_en, text) in their own data files.
TEXT_LANGUAGES = ("en",)

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


def texts_name(code: str, language: str) -> str:
    return f"{code}.{language}.json"


def read_texts(code: str, language: str, data_dir: Path = DATA_DIR) -> FrameworkTexts | None:
    """The framework's texts in ``language`` from its translation file, or None when there is no such file."""
    name = texts_name(code, language)
    path = data_dir / name
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FrameworkDataError(f"{name}: {exc}") from exc
    texts = parse_texts(data, name=name)
    if texts.language != language:
        raise FrameworkDataError(f"{name}: it says its language is {texts.language!r}, not {language!r}")
    return texts


def check_translations(definition: Definition, data_dir: Path = DATA_DIR) -> None:
    """Refuse a MIIT-shaped definition whose translation file is missing or does not cover exactly its codes
    (the loader runs this for every file before it writes anything)."""
    compiled = compile_content(canonical(definition.content))
    if not isinstance(compiled, Framework):
        return
    for language in TEXT_LANGUAGES:
        texts = read_texts(definition.code, language, data_dir)
        if texts is None:
            raise FrameworkDataError(
                f"{definition.code}: no {language} text file {texts_name(definition.code, language)}; "
                "every dimension, indicator, item, option and scenario needs its translation"
            )
        check_texts(compiled, texts, name=texts_name(definition.code, language))
