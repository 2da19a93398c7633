"""Name search answered from an index on PostgreSQL, with exactly the results of a substring search.

The search is Django's ``icontains`` (PostgreSQL: ``UPPER(name) LIKE UPPER('%term%')``), and on PostgreSQL
one of two GIN indexes answers it:

- A term of two characters — the common Chinese search, 轴承 — cannot be served by a trigram index. Rows
  carry ``name_grams``, the distinct bigrams of the folded name (dengta.core.grams), indexed as
  ``string_to_array(name_grams, ' ')`` (registry migration 0005, orgs migration 0002). The rows holding
  the term's bigram are a superset of the rows whose name contains it; the ``icontains`` test that
  accompanies the bigram test keeps exactly the substring matches. For two characters that each stand for
  themselves (Chinese characters: dengta.core.grams.is_exact_bigram) the bigram test is itself the
  substring test and is used alone.
- A longer term is the plain ``icontains``, served by a trigram index (pg_trgm) over ``UPPER(name)`` from
  the same migrations. Not the bigram index: the planner would multiply the estimates of the bigram test
  and the substring test as if they were independent, and then, with a frequent term such as 科技有限 in a
  province, fetch and sort a hundred thousand rows (measured: 2–4 s) where walking the sort index takes
  20 ms. The trigram index serves the LIKE itself, and its expression's statistics estimate it.

Where PostgreSQL can use neither (one character, or a term without three letters in a row) and on every
other database, the substring test runs alone: SQLite has no such indexes, and its ``LIKE`` scan is fast
enough at the embedded default's size.

The backend is decided by the connection that compiles the query, not when the filter is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import FullResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Func, Q
from django.db.models.sql.compiler import SQLCompiler

from dengta.core.grams import SEPARATOR, bigrams, is_exact_bigram

# The indexed expression. A query must spell it as the index does, or PostgreSQL does not use the index
# (registry migration 0005 and orgs migration 0002 create the indexes; the tests read the plans).
GRAMS_ARRAY_SQL = f"string_to_array({{column}}, '{SEPARATOR}')"


class GramsContain(Func):
    """``string_to_array(<grams>, ' ') @> ARRAY[<bigrams>]::text[]`` on PostgreSQL.

    ``substring`` is the substring test on the ``searched`` fields that the bigram test stands for (an
    exact bigram, dengta.core.grams.is_exact_bigram). Other databases compile it in the bigram test's
    place; PostgreSQL adds it after the bigram test only where the grams column holds the bigrams of more
    fields than those searched (the model's ``NAME_GRAMS_OF``, by default its name alone: an organisation's
    grams hold its short name too, so a search of its name alone must re-check). Without ``substring`` the
    bigram test is no condition at all on other databases (FullResultSet: the WHERE clause leaves it out),
    for when the substring test accompanying it decides alone there.
    """

    output_field = BooleanField()

    def __init__(
        self,
        grams_field: str,
        grams: Sequence[str],
        *,
        substring: Q | None = None,
        searched: Sequence[str] = (),
    ) -> None:
        if not grams:
            raise ValueError("GramsContain needs at least one bigram")
        super().__init__(F(grams_field), *([] if substring is None else [substring]))
        self.grams = tuple(grams)
        self.searched = frozenset(path.rsplit("__", 1)[-1] for path in searched)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        if len(self.source_expressions) < 2:
            raise FullResultSet
        sql, params = compiler.compile(self.source_expressions[1])
        return sql, tuple(params)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        grams_column = self.source_expressions[0]
        column, params = compiler.compile(grams_column)
        markers = ", ".join(["%s"] * len(self.grams))
        sql = f"{GRAMS_ARRAY_SQL.format(column=column)} @> ARRAY[{markers}]::text[]"
        params = (*params, *self.grams)
        if len(self.source_expressions) < 2 or self._holds_only_searched(grams_column):
            return sql, params
        recheck, recheck_params = compiler.compile(self.source_expressions[1])
        return f"({recheck} AND {sql})", (*recheck_params, *params)

    def _holds_only_searched(self, grams_column: Any) -> bool:
        model = getattr(getattr(grams_column, "target", None), "model", None)
        if model is None:
            return False  # not a plain column: re-check, to be safe
        return frozenset(getattr(model, "NAME_GRAMS_OF", ("name",))) == self.searched


def name_search_q(
    term: str, *, name_field: str = "name", grams_field: str = "name_grams", also: Sequence[str] = ()
) -> Q:
    """Rows whose ``name_field`` (or one of ``also``) contains ``term``, case-insensitively — exactly the
    rows of ``icontains`` on those fields; on PostgreSQL from the bigram index (two characters) or the
    trigram indexes over the fields (longer terms).

    ``also``: further fields to search, whose bigrams ``grams_field`` holds too (an organisation's short
    name). Searching fewer fields than the grams hold stays exact: the substring test re-checks then.
    Combine the result with other conditions as usual (``name_search_q(q) | Q(uscc__startswith=code)``).
    """
    fields = (name_field, *also)
    substring = Q()
    for field in fields:
        substring |= Q(**{f"{field}__icontains": term})
    grams = bigrams(term)
    if not grams or len(term) > 2:
        return substring
    if is_exact_bigram(term):
        return Q(GramsContain(grams_field, grams, substring=substring, searched=fields))
    # Two characters with a case or a width (ab, 1２): the bigram narrows, the substring test decides. It
    # comes first, so that where PostgreSQL filters row by row it rejects most rows before the costlier
    # bigram array is built.
    return substring & Q(GramsContain(grams_field, grams))
