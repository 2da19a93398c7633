"""The header row of an import file: which column is where, and what is wrong with the headers.

Every import (enterprises, historical results, and the pools, products and payments to come) reads its header
row the same way: a column is found by its Chinese title or its English key (NFKC-folded, see
``header_key``), blank header cells are ignored, and an unknown, repeated or missing required column is a
row-1 error in the person's language that names the column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from dengta.core.importing.columns import Column, aliases, header_key
from dengta.core.importing.reading import Cell
from dengta.core.importing.rows import RowError, shown
from dengta.core.problems import Problem, gettext_noop

HEADER_DUPLICATE = gettext_noop("列 %(value)s 出现了两次")
HEADER_MISSING = gettext_noop("缺少列：%(columns)s")


def map_header(
    number: int,
    cells: Sequence[Cell],
    *,
    columns: Sequence[Column],
    required: Iterable[str],
    unknown_message: str,
) -> tuple[dict[str, int], list[RowError]]:
    """Column positions by key, and the header errors (``unknown_message`` takes ``%(value)s``)."""
    known = aliases(tuple(columns))
    by_key = {column.key: column for column in columns}
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        text = shown(cell).strip()
        if not text:
            continue
        key = known.get(header_key(text))
        if key is None:
            problem = Problem("header_unknown", unknown_message, {"value": text})
            errors.append(RowError(number, text, text, problem.render(_)))
        elif key in positions:
            problem = Problem("header_duplicate", HEADER_DUPLICATE, {"value": text})
            errors.append(RowError(number, by_key[key].title, text, problem.render(_)))
        else:
            positions[key] = index
    missing = [by_key[key] for key in required if key not in positions]
    if missing:
        titles = "、".join(f"{c.title}（{c.key}）" for c in missing)
        problem = Problem("header_missing", HEADER_MISSING, {"columns": titles})
        errors.append(RowError(number, "", "", problem.render(_)))
    return positions, errors
