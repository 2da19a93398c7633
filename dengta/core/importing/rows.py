"""Rows of an import: the error a row gets, and how cells are shown in it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dengta.core.importing.reading import Cell, FileRefused
from dengta.core.problems import Problem

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


def header_and_body(
    rows: Iterator[tuple[int, list[Cell]]], *, max_rows: int, no_rows: str, too_many: str
) -> tuple[tuple[int, list[Cell]], list[tuple[int, list[Cell]]]]:
    """The header row and the data rows (blank rows left out), with their spreadsheet row numbers; a file
    with no data row, or more than ``max_rows``, is refused with the importer's own words."""
    header: tuple[int, list[Cell]] | None = None
    body: list[tuple[int, list[Cell]]] = []
    for number, cells in rows:
        if is_blank_row(cells):
            continue
        if header is None:
            header = (number, cells)
            continue
        body.append((number, cells))
        if len(body) > max_rows:
            raise FileRefused(Problem("file_too_many_rows", too_many, {"limit": f"{max_rows:,}"}))
    if header is None or not body:
        raise FileRefused(Problem("file_no_rows", no_rows))
    return header, body
