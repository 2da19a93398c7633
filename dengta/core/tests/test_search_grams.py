"""The bigrams behind name search (dengta.core.grams): the properties that make the index exact.

The search is exact when every name the substring test finds holds every bigram of the term. These tests
check that property directly (hypothesis), and the per-character fold it rests on, with a model of the
re-check PostgreSQL runs (``UPPER(name) LIKE UPPER(term)``, one character at a time). That the model's
UPPER is the server's is checked against PostgreSQL itself in dengta/core/tests/test_search.py.
"""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from dengta.core.grams import CASED_BELOW, SEPARATOR, bigrams, fold, fold_char, is_exact_bigram, name_grams

# Characters whose case behaves unusually (ſ/s, ı/i, final ς, µ/μ, ß, İ, title-case ǅ, the Kelvin sign),
# full-width forms, the ideographic space, and ordinary Chinese and Latin text.
TRICKY = "ſsSıiIςσΣµμßẞİǅǄǆKkａＡａｂＢ１1　 \t轴承精密机械有限公司ABCabc-_%"
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=12)
any_text = st.text(max_size=12)


def simple_upper(text: str) -> str:
    """UPPER as PostgreSQL runs it with a libc locale: each character on its own, never longer."""
    return "".join(u if len(u := ch.upper()) == 1 else ch for ch in text)


def grams_of(name: str) -> set[str]:
    stored = name_grams(name)
    return set(stored.split(SEPARATOR)) if stored else set()


@given(any_text, any_text)
def test_fold_works_character_by_character(a: str, b: str) -> None:
    # What makes containment survive the fold: fold(x + y) = fold(x) + fold(y).
    assert fold(a + b) == fold(a) + fold(b)
    assert fold(a) == "".join(fold_char(ch) for ch in a)


@given(texts | any_text, st.data())
def test_every_substring_holds_only_bigrams_of_the_name(name: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(name)))
    end = data.draw(st.integers(start, len(name)))
    assert set(bigrams(name[start:end])) <= grams_of(name)


@given(texts, st.data())
def test_a_term_found_by_upper_like_holds_only_bigrams_of_the_name(name: str, data: st.DataObject) -> None:
    # A term written in other cases or widths than the name: whenever UPPER finds it, the index does too.
    start = data.draw(st.integers(0, len(name)))
    end = data.draw(st.integers(start, len(name)))
    term = data.draw(st.sampled_from([name[start:end], name[start:end].upper(), name[start:end].lower()]))
    if simple_upper(term) in simple_upper(name):
        assert set(bigrams(term)) <= grams_of(name)


def test_the_cases_str_lower_got_wrong() -> None:
    # PostgreSQL: UPPER('ΑΣΑ') LIKE '%' || UPPER('ας') || '%', UPPER('ſtar') = 'STAR', UPPER('ıx') = 'IX'.
    assert set(bigrams("ας")) <= grams_of("ΑΣΑ")
    assert set(bigrams("ST")) <= grams_of("ſtar")
    assert set(bigrams("ix")) <= grams_of("ıx公司")
    assert set(bigrams("µm")) <= grams_of("5μm 精度")
    assert set(bigrams("ＡＢＣ")) <= grams_of("abc科技")


@given(texts | any_text)
def test_stored_grams_are_distinct_and_free_of_whitespace(name: str) -> None:
    tokens = name_grams(name).split(SEPARATOR) if name_grams(name) else []
    assert len(tokens) == len(set(tokens))
    assert all(len(t) >= 2 and not any(ch.isspace() for ch in t) for t in tokens)


@given(texts, texts)
def test_grams_of_two_names_are_the_union_and_never_span_them(name: str, short: str) -> None:
    stored = set(name_grams(name, short).split(SEPARATOR)) - {""}
    assert stored == grams_of(name) | grams_of(short)


CJK = "轴承精密机械有限公司"


@given(st.text(alphabet=st.sampled_from(TRICKY + CJK * 3), max_size=12), st.data())
def test_an_exact_bigram_is_held_exactly_when_the_name_contains_it(name: str, data: st.DataObject) -> None:
    # The search drops the substring re-check for such terms: holding the bigram must be containment.
    term = data.draw(st.sampled_from(["轴承", "承轴", "有限", "限公", "机械", "精密"]))
    assert is_exact_bigram(term)
    assert (term in grams_of(name)) == (simple_upper(term) in simple_upper(name))


def test_only_two_caseless_letters_that_stand_for_themselves_are_exact() -> None:
    assert is_exact_bigram("轴承") and is_exact_bigram("ヤマ")
    for term in ("轴", "精密轴承", "ab", "AB", "12", "１２", "轴 ", " 轴", "ſt", "轴a", "a轴", "µ轴", "　轴"):
        assert not is_exact_bigram(term), term


def test_one_character_and_spaced_terms_have_no_bigram() -> None:
    assert bigrams("轴") == []
    assert bigrams("轴 承") == []
    assert bigrams("　轴") == []  # the ideographic space folds to a space
    assert bigrams("轴承") == ["轴承"]
    assert bigrams("精密轴承") == ["精密", "密轴", "轴承"]
    assert bigrams("ＡＢ") == ["ab"]


def test_nothing_above_the_table_has_a_case_or_a_width_to_fold() -> None:
    # The fold table covers code points below CASED_BELOW only; everything above must fold to itself.
    above = "".join(map(chr, range(CASED_BELOW, sys.maxunicode + 1)))
    assert above.upper() == above and above.lower() == above
    assert fold(above) == above
