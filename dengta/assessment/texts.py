"""A framework's texts in the page's language: the index's own Chinese, or our unofficial English.

Pages and exports show what ``for_display`` returns: in Chinese the compiled framework itself, in English a
copy whose dimension, indicator, item, option, scenario and unit texts come from the translation file
(``<code>.en.json``, scoring/texts.py). Scoring, parsing and stored results keep using the compiled version
itself: the codes are the same, only the words differ. The printed report is an official document, so it
asks for ``official=True`` and keeps the index's Chinese wording in every language.

The EU DMA and the 2022 bands carry their English in their own data files (``text``/``text_zh``,
``name_en``), so they are returned unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, TypeVar

from django.utils.translation import get_language

from dengta.assessment.scoring.definitions import TEXT_LANGUAGES, read_texts
from dengta.assessment.scoring.framework import Framework
from dengta.assessment.scoring.texts import FrameworkTexts, localized

C = TypeVar("C")


def page_language() -> str:
    """The active language as the translation files name it ("en"), or "zh-hans" for the index's own."""
    return "en" if (get_language() or "zh-hans").startswith("en") else "zh-hans"


@lru_cache(maxsize=16)
def framework_texts(code: str, language: str) -> FrameworkTexts | None:
    """The translation of a framework, read once per process (the file ships with the code)."""
    if language not in TEXT_LANGUAGES:
        return None
    return read_texts(code, language)


def for_display(fw: C, *, official: bool = False) -> C:
    """The compiled framework with its texts in the active language (unchanged in Chinese, for official
    documents, for frameworks without a translation file and for non-MIIT frameworks)."""
    if official or not isinstance(fw, Framework):
        return fw
    texts = framework_texts(fw.code, page_language())
    if texts is None:
        return fw
    result: Any = localized(fw, texts)
    return result  # a Framework, as given


def list_separator() -> str:
    """Between the option texts of one answer: the Chinese list mark, or "; " between English texts."""
    return "; " if page_language() == "en" else "；"


def translation_note(fw: Any) -> str:
    """The note shown beside the English texts: a translation the index does not make official."""
    if not isinstance(fw, Framework):
        return ""
    texts = framework_texts(fw.code, page_language())
    if texts is None or texts.official:
        return ""
    from django.utils.translation import gettext

    return gettext("指标、选项和场景的英文为本平台的非官方翻译，以工信部发布的中文原文为准。")


def display_names(official: Framework) -> Mapping[str, str]:
    """The index's own item, scenario and collected-number names → their names in the active language, for
    messages written with the official names (parse problems name the item as the index does)."""
    shown = for_display(official)
    if shown is official:
        return {}
    names: dict[str, str] = {}
    for ours, theirs in zip(official.items, shown.items, strict=True):
        names[ours.name] = theirs.name
    for s_ours, s_theirs in zip(official.scenarios, shown.scenarios, strict=True):
        names[s_ours.name] = s_theirs.name
    for number in official.collected:
        names[number.label_zh] = number.label_en
    return names
