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
    """``string_to_array(<grams>, ' ') @> ARRAY[<bigrams>]::text[]`` on PostgreSQL. Any other database
    compiles ``otherwise`` in its place, or no condition at all when there is none (FullResultSet: the WHERE
    clause leaves it out) — for when the substring test accompanying it decides alone there."""

    output_field = BooleanField()

    def __init__(self, grams_field: str, grams: Sequence[str], *, otherwise: Q | None = None) -> None:
        if not grams:
            raise ValueError("GramsContain needs at least one bigram")
        super().__init__(F(grams_field), *([] if otherwise is None else [otherwise]))
        self.grams = tuple(grams)

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
        column, params = compiler.compile(self.source_expressions[0])
        placeholders = ", ".join(["%s"] * len(self.grams))
        sql = f"{GRAMS_ARRAY_SQL.format(column=column)} @> ARRAY[{placeholders}]::text[]"
        return sql, (*params, *self.grams)


def name_search_q(
    term: str, *, name_field: str = "name", grams_field: str = "name_grams", also: Sequence[str] = ()
) -> Q:
    """Rows whose ``name_field`` (or one of ``also``) contains ``term``, case-insensitively — exactly the
    rows of ``icontains`` on those fields; on PostgreSQL from the bigram index (two characters) or the
    trigram indexes over the fields (longer terms).

    ``also`` names further fields whose bigrams ``grams_field`` holds too (an organisation's short name).
    Combine the result with other conditions as usual (``name_search_q(q) | Q(uscc__startswith=code)``).
    """
    substring = Q()
    for field in (name_field, *also):
        substring |= Q(**{f"{field}__icontains": term})
    grams = bigrams(term)
    if not grams or len(term) > 2:
        return substring
    if is_exact_bigram(term):
        return Q(GramsContain(grams_field, grams, otherwise=substring))
    # Two characters with a case or a width (ab, 1２): the bigram narrows, the substring test decides. It
    # comes first, so that where PostgreSQL filters row by row it rejects most rows before the costlier
    # bigram array is built.
    return substring & Q(GramsContain(grams_field, grams))
