"""Bigram tokens of names, for substring search from an index (no Django imports).

A Chinese name has no spaces to split words on, and a trigram index cannot answer a two-character term
such as 轴承. Every substring of two or more characters contains the bigrams of itself, so a name that
contains the term holds all of the term's bigrams: a GIN index over the names' bigram sets finds a
superset of the matches, and re-checking the substring keeps exactly the rows a substring search finds.

Names and terms are folded the same way (full-width letters and digits to half-width, lower case).
Bigrams that contain whitespace are left out of both (tokens are stored separated by spaces); a term of
one character, or one with no bigram left, cannot be served by the index and is searched by substring.
"""

from __future__ import annotations

SEPARATOR = " "

# Full-width ASCII variants (U+FF01–U+FF5E) to their half-width forms, and the ideographic space.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold(text: str) -> str:
    return text.translate(_FOLD).lower()


def bigrams(text: str) -> list[str]:
    """The distinct bigrams of ``text`` after folding, in order of first appearance."""
    folded = fold(text)
    seen: dict[str, None] = {}
    for i in range(len(folded) - 1):
        pair = folded[i : i + 2]
        if not any(ch.isspace() for ch in pair):
            seen.setdefault(pair, None)
    return list(seen)


def name_grams(name: str) -> str:
    """What a row stores for its name: the bigrams joined by spaces."""
    return SEPARATOR.join(bigrams(name))
