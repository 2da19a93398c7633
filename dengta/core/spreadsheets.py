"""The one spreadsheet writer (ARCHITECTURE.md convention 17): every .xlsx the application gives out is
written through this module, and nothing else touches openpyxl cells.

Text is written as text, never as a formula. Names, answers and file names come from users, and a cell
starting with = + - @ (or a tab or a line break, or their full-width forms ＝＋－＠, which Excel's East Asian
input turns into a formula when the cell is edited) would otherwise run in the spreadsheet — OWASP "CSV
injection". Every string cell is stored as a string (``t="inlineStr"``, never a formula or an error code),
so opening the file shows exactly the text; such cells also get Excel's quote prefix (``quotePrefix``, the
hidden apostrophe), so they stay text when someone edits them. The visible value is unchanged. Numbers stay
numbers, dates are dates shown in Asia/Shanghai (ARCHITECTURE.md convention 10).

Two kinds of workbook: ``Book()`` keeps every cell in memory (column styles, bold headers anywhere) and
``Book(write_only=True)`` streams rows to disk as they come (a list export of 100,000 rows stays small in
memory). ``SheetWriter.row`` is the one way to put values in a sheet in both.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What makes Excel or LibreOffice read a typed cell as a formula (OWASP CSV injection), with the full-width
# forms an East Asian input method types.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BOLD = Font(bold=True)
MAX_WIDTH = 60


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula (leading spaces do not hide it)."""
    return text.lstrip(" ").startswith(FORMULA_PREFIXES)


def _text(value: str) -> str:
    # Control characters other than tab and line breaks cannot be stored in the file format (openpyxl
    # refuses them); they are invisible, so dropping them keeps what the person sees.
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _plain(value: Any) -> Any:
    """A value as the cell stores it: aware datetimes in Asia/Shanghai without the zone (Excel has none)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _format_of(value: Any) -> str | None:
    if isinstance(value, datetime):
        return "yyyy-mm-dd hh:mm"
    if isinstance(value, date):
        return "yyyy-mm-dd"
    return None


def _fill(cell: Cell | WriteOnlyCell, value: Any, *, bold: bool = False) -> None:
    """Put ``value`` in ``cell`` the safe way: text as text, with the quote prefix when it looks like a
    formula; numbers as numbers; dates with a date format."""
    if isinstance(value, str):
        text = _text(value)
        cell.value = text
        cell.data_type = "s"  # never "f" (formula) or "e" (error code), whatever the text looks like
        if looks_like_formula(text):
            cell.quotePrefix = True
    else:
        cell.value = _plain(value)
        number_format = _format_of(value)
        if number_format is not None:
            cell.number_format = number_format
    if bold:
        cell.font = BOLD


# One pass over a string for what needs a cell of its own: a formula start (after any spaces) or a
# character the file format cannot hold (this runs for every text cell of a 100,000-row export).
_SPECIAL = re.compile("^ *[" + re.escape("".join(FORMULA_PREFIXES)) + "]|" + ILLEGAL_CHARACTERS_RE.pattern)


def _needs_own_cell(value: Any) -> bool:
    """Whether a write-only row needs a styled cell for this value instead of the plain value."""
    if isinstance(value, str):
        # openpyxl turns "=..." into a formula and "#N/A" into an error code; formula-like text also gets
        # the quote prefix, and illegal characters must go.
        return value in ERROR_CODES or _SPECIAL.search(value) is not None
    return isinstance(value, date)


class SheetWriter:
    """Rows into one worksheet, in order, from row 1."""

    def __init__(self, ws: Worksheet | WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.write_only = isinstance(ws, WriteOnlyWorksheet)
        self.rows_written = 0

    def row(self, values: Iterable[Any] = (), *, bold: bool = False) -> None:
        """Append one row; ``bold`` for a header."""
        self.rows_written += 1
        if self.write_only:
            self.ws.append([self._write_only_value(v, bold) for v in values])
            return
        for column, value in enumerate(values, start=1):
            if value is None and not bold:
                continue
            _fill(self.ws.cell(row=self.rows_written, column=column), value, bold=bold)

    def rows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.row(values)

    def _write_only_value(self, value: Any, bold: bool) -> Any:
        if value is None or not (bold or _needs_own_cell(value)):
            return value
        cell = WriteOnlyCell(self.ws)
        _fill(cell, value, bold=bold)
        return cell

    def widths(self, widths: Sequence[float]) -> None:
        """Column widths in characters, from column A (before the first row of a write-only sheet)."""
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def column_format(self, index: int, number_format: str) -> None:
        """A column's format for the cells people type later, e.g. "@" (text) so that an 18-digit code
        typed into it keeps its last digits (Excel keeps 15 significant digits of a number)."""
        self.ws.column_dimensions[get_column_letter(index)].number_format = number_format

    def freeze_header(self) -> None:
        self.ws.freeze_panes = "A2"


class Book:
    """A workbook without openpyxl's default empty sheet; ``sheet()`` adds one, ``to_bytes()`` saves."""

    def __init__(self, *, write_only: bool = False) -> None:
        self.workbook = Workbook(write_only=write_only)
        if not write_only:
            default = self.workbook.active
            if default is not None:
                self.workbook.remove(default)

    def sheet(self, title: str) -> SheetWriter:
        # Excel refuses sheet names over 31 characters.
        return SheetWriter(self.workbook.create_sheet(title=title[:31]))

    def table(
        self, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, fit: bool = True
    ) -> SheetWriter:
        """A sheet with a bold, frozen header row and the rows; columns as wide as their content (up to a
        limit, judged on the first 500 rows) unless ``fit`` is off."""
        sheet = self.sheet(title)
        if fit and not sheet.write_only:
            sheet.widths([_fitted(col, header, rows) for col, header in enumerate(headers)])
        sheet.freeze_header()
        sheet.row(headers, bold=True)
        sheet.rows(rows)
        return sheet

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _fitted(col: int, header: str, rows: Sequence[Sequence[Any]]) -> int:
    longest = max([_width(header)] + [_width(row[col]) for row in rows[:500] if len(row) > col])
    return min(max(8, longest + 2), MAX_WIDTH)
