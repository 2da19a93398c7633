"""Checks that a message is in one language only (UI.md: never both languages in one string)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext

from dengta.core.problems import Problem

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# An English phrase in brackets after Chinese text: the pattern the product used to show "中文（English）".
BRACKETED_ENGLISH = re.compile(r"[（(]\s*[A-Za-z][A-Za-z ,;'.-]*\s[A-Za-z][^）)]*[）)]")


def english(problem: Problem) -> str:
    """The problem's message as an English-speaking person sees it."""
    with translation.override("en"):
        return problem.render(gettext)


def assert_one_language(text: str, *, language: str = "zh-hans", values: Iterable[object] = ()) -> None:
    """Chinese text carries no bracketed English; English text carries no Chinese.

    ``values``: what the person typed, quoted back in the message (it may be in either language).
    """
    for value in values:
        text = text.replace(str(value), "")
    if language.startswith("en"):
        assert not HAN.search(text), f"Chinese in an English message: {text!r}"
    else:
        assert not BRACKETED_ENGLISH.search(text), f"bracketed English in a Chinese message: {text!r}"
