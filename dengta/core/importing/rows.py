"""Rows of an import: the error a row gets, and how cells are shown in it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dengta.core.importing.reading import Cell

MAX_VALUE_SHOWN = 100


@dataclass(frozen=True, slots=True)
class RowError:
    """One mistake: the spreadsheet row number (0 for the file), the column's header, the value, why."""

    row: int
    column: str
    value: str
    reason: str


def shown(value: Cell) -> str:
    """A cell as the person typed it: 440106 rather than the 440106.0 a number cell reads as."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)[:MAX_VALUE_SHOWN]


def is_blank_row(cells: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def first_non_blank(rows: Iterator[tuple[int, list[Cell]]]) -> tuple[int, list[Cell]] | None:
    for number, cells in rows:
        if not is_blank_row(cells):
            return number, cells
    return None
