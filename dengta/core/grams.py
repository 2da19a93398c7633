"""Bigram tokens of names, for substring search from an index (no Django imports).

A Chinese name has no spaces to split words on, and a trigram index cannot answer a two-character term
such as 轴承. Every substring of two or more characters contains the bigrams of itself, so a name that
contains the term holds all of the term's bigrams: a GIN index over the names' bigram sets finds a
superset of the matches, and re-checking the substring keeps exactly the rows a substring search finds
(dengta.core.search).

Names and terms are folded the same way, one character at a time: full-width letters and digits to
half-width, then every character to the lower case of its upper case. The search's re-check is Django's
``icontains``, which PostgreSQL runs as ``UPPER(name) LIKE UPPER(term)``, so the fold must give the same
result for any two characters UPPER makes equal — ſ and s, ı and i, ς and σ, µ and μ — or a name that
the substring search finds could lack one of the term's bigrams. ``str.lower()`` alone is not enough (it
keeps ſ, ı and ς, and turns Σ into ς at the end of a word). Because the fold works per character, a term
contained in a name (after UPPER) folds to a string contained in the folded name; folding more
characters together than UPPER does only adds candidates, which the re-check removes.

Bigrams that contain whitespace are left out of both (tokens are stored separated by spaces); a term of
one character, or one with no bigram left, cannot be served by the index and is searched by substring.
"""

from __future__ import annotations

import unicodedata
from functools import cache

SEPARATOR = " "

# Full-width ASCII variants (U+FF01–U+FF5E) to their half-width forms, and the ideographic space.
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# Every character with a case mapping lies below this (planes 2 and above hold CJK ideographs and tags,
# which have no case); dengta/core/tests/test_search_grams.py checks the whole of Unicode.
CASED_BELOW = 0x20000


def fold_char(ch: str) -> str:
    """One character folded: half-width, then the lower case of each character of its upper case."""
    half = chr(_FULL_WIDTH.get(ord(ch), ord(ch)))
    return "".join(c.lower() for c in half.upper())


@cache
def _fold_table() -> dict[int, str]:
    # Built on first use (about 0.1 s) rather than at import, so commands that never search do not pay.
    table: dict[int, str] = {}
    for cp in range(CASED_BELOW):
        ch = chr(cp)
        if cp in _FULL_WIDTH or ch.upper() != ch or ch.lower() != ch:
            folded = fold_char(ch)
            if folded != ch:
                table[cp] = folded
    return table


def fold(text: str) -> str:
    return text.translate(_fold_table())


@cache
def _fold_outputs() -> frozenset[str]:
    """Every character the fold produces from some other character."""
    return frozenset("".join(_fold_table().values()))


def _stands_for_itself(ch: str) -> bool:
    # A caseless letter (Chinese characters among them) that folds to itself and that nothing else folds
    # to, or upper-cases to (UPPER yields letters with a case): in a folded name it appears exactly where
    # the name has it.
    return unicodedata.category(ch) == "Lo" and ord(ch) not in _fold_table() and ch not in _fold_outputs()


def is_exact_bigram(term: str) -> bool:
    """True when holding the term as a bigram is the same as containing it, case-insensitively: a term of
    two characters that each stand for themselves (轴承, 机械). Then the bigram test alone is the substring
    test, and a search need not repeat it (which would also halve and halve again the planner's estimate
    of the rows, as if the two tests were independent)."""
    return len(term) == 2 and all(_stands_for_itself(ch) for ch in term)


def bigrams(text: str) -> list[str]:
    """The distinct bigrams of ``text`` after folding, in order of first appearance."""
    folded = fold(text)
    seen: dict[str, None] = {}
    for i in range(len(folded) - 1):
        pair = folded[i : i + 2]
        if not (pair[0].isspace() or pair[1].isspace()):
            seen.setdefault(pair, None)
    return list(seen)


def name_grams(*names: str) -> str:
    """What a row stores for its name (and, for an organisation, its short name): the distinct bigrams
    of each, joined by spaces. Bigrams never span two names."""
    seen: dict[str, None] = {}
    for name in names:
        for pair in bigrams(name):
            seen.setdefault(pair, None)
    return SEPARATOR.join(seen)
