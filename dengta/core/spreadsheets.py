"""The one spreadsheet writer (ARCHITECTURE.md convention 17): every .xlsx the application gives out is
written through this module, and nothing else touches openpyxl cells.

Text is written as text, never as a formula. Names, answers and file names come from users, and a cell
starting with = + - @ (or a tab or a line break, or their full-width forms ＝＋－＠, which Excel's East Asian
input turns into a formula when the cell is edited) would otherwise run in the spreadsheet — OWASP "CSV
injection". Every string cell is stored as a string (``t="inlineStr"``, never a formula or an error code),
so opening the file shows exactly the text; such cells also get Excel's quote prefix (``quotePrefix``, the
hidden apostrophe), so they stay text when someone edits them. The visible value is unchanged. Numbers stay
numbers, dates are dates shown in Asia/Shanghai (ARCHITECTURE.md convention 10).

Three kinds of workbook: ``Book()`` keeps every cell in memory (column styles, bold headers anywhere),
``Book(write_only=True)`` streams rows through openpyxl's write-only sheets, and ``StreamedBook`` writes
one long table straight into a file, continuing on a further sheet when one is full, for list exports of a
million rows (openpyxl serialises a cell at a time: some 5,400 rows of twelve plain values per second of
CPU, where this writer does about 45,000; docs/benchmarks.md). ``SheetWriter.row`` and
``StreamedBook.table`` are the only ways to put values in a sheet, and both apply the rules above.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
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


# ------------------------------------------------------------------------------------- streamed books

# Excel's rows per sheet, the header row included: a longer table continues on a further sheet.
SHEET_MAX_ROWS = 1_048_576
# A sheet's XML is closed before 2 GiB, the largest zip entry without ZIP64 extensions, which some
# spreadsheet programs do not read: very wide rows continue on a further sheet sooner.
SHEET_MAX_BYTES = 1_500_000_000
# Rows are encoded in batches and written to the zip entry together (one compress call per batch).
_BATCH_ROWS = 500
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Cell styles (indexes into cellXfs of _STYLES): bold for headers, the quote prefix for formula-like text.
_PLAIN, _BOLD, _QUOTED, _DATE, _DATETIME, _BOLD_QUOTED = range(6)
_STYLES = (
    _XML_HEAD + f'<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" quotePrefix="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_ESCAPES = {"\r": "&#13;"}  # a carriage return would read back as a line feed (XML normalises line ends)
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_LETTERS = [get_column_letter(n) for n in range(1, 703)]  # A … ZZ; wider rows look letters up
_OPENINGS = [f'<c r="{letter}' for letter in _LETTERS]
# Text that cannot be written as it is: a formula start (``FORMULA_PREFIXES``, also after spaces), spaces at
# either end (kept only with xml:space="preserve"), or anywhere a character the file cannot hold
# (``ILLEGAL_CHARACTERS_RE``) or XML must escape. A first and last character and one character class:
# a regular expression with anchored alternatives was a third of the writer's time.
_XML_SPACE = " \t\n\r"
_CAREFUL_FIRST = frozenset(FORMULA_PREFIXES) | frozenset(_XML_SPACE)
_CAREFUL_LAST = frozenset(_XML_SPACE)
# One class: openpyxl's ILLEGAL_CHARACTERS_RE (\x00-\x08, \x0b, \x0c, \x0e-\x1f), then & < > and \r.
_CAREFUL_ANYWHERE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f&<>\r]")


@dataclass(frozen=True)
class StreamedTable:
    """What ``StreamedBook.table`` wrote: data rows, the sheets they fill, and whether rows were left out
    because of the ``limit``."""

    rows: int
    sheets: tuple[str, ...]
    more: bool


def _letter(index: int) -> str:
    return _LETTERS[index] if index < len(_LETTERS) else get_column_letter(index + 1)


def _text_xml(ref: str, text: str, style: int) -> str:
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        text = escape(text, _ESCAPES)
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _cell_xml(ref: str, value: Any, bold: bool) -> str:
    """One cell by the rules of the module docstring (the general path; ``_row_xml`` inlines the common
    cases). Empty values give no cell."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{_style(bold)} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        # Excel has no NaN or infinity: such a number is left empty rather than making the file unreadable.
        return f'<c r="{ref}"{_style(bold)}><v>{value}</v></c>' if finite else ""
    if isinstance(value, date):
        style = _DATETIME if isinstance(value, datetime) else _DATE
        return f'<c r="{ref}" s="{style}"><v>{to_excel(_plain(value))}</v></c>'
    text = _text(str(value))  # text, and anything else (lazy translations, UUIDs) as its text
    if not text:
        return ""
    quoted = looks_like_formula(text)
    style = (_BOLD_QUOTED if quoted else _BOLD) if bold else (_QUOTED if quoted else _PLAIN)
    return _text_xml(ref, text, style)


def _style(bold: bool) -> str:
    return f' s="{_BOLD}"' if bold else ""


def _row_xml(number: int, values: Sequence[Any], bold: bool = False) -> str:
    """One ``<row>``. Text that needs no care, whole numbers and finite decimals — nearly every cell of a
    list export — are written inline here; anything else (careful text, see ``_CAREFUL_FIRST``; other
    types; header cells) goes through ``_cell_xml``."""
    row = str(number)
    if bold or len(values) > len(_OPENINGS):
        cells = "".join(_cell_xml(f"{_letter(i)}{row}", v, bold) for i, v in enumerate(values))
        return f'<row r="{row}">{cells}</row>'
    parts = [f'<row r="{row}">']
    append = parts.append
    first, last, anywhere = _CAREFUL_FIRST, _CAREFUL_LAST, _CAREFUL_ANYWHERE.search
    for opening, value in zip(_OPENINGS, values, strict=False):
        kind = type(value)
        if kind is str:
            if not value:
                continue
            if value[0] in first or value[-1] in last or anywhere(value) is not None:
                append(_cell_xml(opening[6:] + row, value, False))
            else:
                append(f'{opening}{row}" t="inlineStr"><is><t>{value}</t></is></c>')
        elif kind is int or (kind is Decimal and value.is_finite()):
            append(f'{opening}{row}"><v>{value}</v></c>')
        elif value is not None:
            append(_cell_xml(opening[6:] + row, value, False))
    append("</row>")
    return "".join(parts)


class StreamedBook:
    """A workbook written into a binary file (a temporary file, say) as its rows come, so memory stays the
    same however long the table: each sheet's XML goes through the zip compressor in batches of rows.

    ``table()`` writes a header and rows, continuing on "title (2)", "title (3)" … when a sheet is full;
    ``notes()`` adds a sheet of sentences; ``close()`` (or leaving the ``with`` block) writes the parts that
    list the sheets. Nothing but this class writes the file, and every value goes through ``_row_xml``.
    """

    def __init__(self, target: IO[bytes]) -> None:
        # Level 1: the whole write a quarter faster than at the default level, the file some 15 % larger.
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[str] = []
        self._closed = False

    def __enter__(self) -> StreamedBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def table(
        self,
        title: str,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        limit: int | None = None,
        progress: Callable[[int], None] | None = None,
        progress_every: int = 1000,
        fit: bool = True,
    ) -> StreamedTable:
        """Up to ``limit`` rows (all when None) under a bold, frozen header, repeated on every sheet;
        ``progress(rows written)`` every ``progress_every`` rows. Column widths are judged on the first
        500 rows unless ``fit`` is off."""
        per_sheet = SHEET_MAX_ROWS - 1
        source = iter(rows)
        first = [row for _n, row in zip(range(500), source, strict=False)] if fit else []
        widths = [_fitted(col, header, first) for col, header in enumerate(headers)] if fit else []
        pending: Iterator[Sequence[Any]] = _chain(first, source)
        written = 0
        titles: list[str] = []
        more = False
        while True:
            name = self._new_sheet_name(title if not titles else f"{title} ({len(titles) + 1})")
            titles.append(name)
            budget = per_sheet if limit is None else min(per_sheet, limit - written)
            count, full = self._sheet(
                name, headers, widths, pending, budget, (written, progress, progress_every)
            )
            written += count
            if not full:
                break
            # The sheet (or the limit) is full: is there another row to write?
            peek = next(pending, None)
            if peek is None:
                break
            if limit is not None and written >= limit:
                more = True
                break
            pending = _chain([peek], pending)
        return StreamedTable(rows=written, sheets=tuple(titles), more=more)

    def notes(self, title: str, lines: Sequence[str]) -> None:
        """A sheet of sentences, one a row (what the export left out, say)."""
        name = self._new_sheet_name(title)
        with self._zip.open(self._path(name), "w") as out:
            body = "".join(_row_xml(n, [line]) for n, line in enumerate(lines, start=1))
            out.write(_sheet_head(frozen=False, widths=[MAX_WIDTH * 2]).encode())
            out.write(body.encode())
            out.write(b"</sheetData></worksheet>")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        z, names = self._zip, self._sheets
        count = len(names)
        z.writestr(
            "[Content_Types].xml",
            _XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument'
            '.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument'
            '.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for n in range(1, count + 1)
            )
            + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            _XML_HEAD + f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            _XML_HEAD + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView/>'
            "</bookViews><sheets>"
            + "".join(
                f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
                for n, name in enumerate(names, start=1)
            )
            + "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            _XML_HEAD
            + f'<Relationships xmlns="{_PKG_REL_NS}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, count + 1)
            )
            + f'<Relationship Id="rId{count + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/styles.xml", _STYLES)
        z.close()

    def _sheet(
        self,
        name: str,
        headers: Sequence[str],
        widths: Sequence[float],
        rows: Iterator[Sequence[Any]],
        budget: int,
        report: tuple[int, Callable[[int], None] | None, int],
    ) -> tuple[int, bool]:
        """Header and up to ``budget`` rows into one sheet: (rows written, whether the sheet is full).
        ``report`` is (rows written before this sheet, the progress callback, how often to call it)."""
        before, progress, every = report
        count = 0
        size = 0
        with self._zip.open(self._path(name), "w") as out:
            head = _sheet_head(frozen=True, widths=widths, selected=len(self._sheets) == 1)
            out.write((head + _row_xml(1, headers, bold=True)).encode())
            batch: list[str] = []
            number = 1
            for row in rows if budget > 0 else ():
                number += 1
                batch.append(_row_xml(number, row))
                count += 1
                if progress is not None and (before + count) % every == 0:
                    progress(before + count)
                if count >= budget:
                    break
                if len(batch) >= _BATCH_ROWS:
                    size += _write(out, batch)
                    if size >= SHEET_MAX_BYTES:
                        break
            _write(out, batch)
            out.write(b"</sheetData></worksheet>")
        return count, count >= budget or size >= SHEET_MAX_BYTES

    def _new_sheet_name(self, wanted: str) -> str:
        # Excel refuses names over 31 characters, with []:*?/\ in them, or repeated in a workbook.
        base = _SHEET_NAME_FORBIDDEN.sub("_", wanted).strip("'")[:31] or "Sheet"
        name, n = base, 1
        while name.lower() in {s.lower() for s in self._sheets}:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        self._sheets.append(name)
        return name

    def _path(self, name: str) -> str:
        return f"xl/worksheets/sheet{self._sheets.index(name) + 1}.xml"


def _write(out: IO[bytes], batch: list[str]) -> int:
    data = "".join(batch).encode()
    batch.clear()
    out.write(data)
    return len(data)


def _chain(first: Iterable[Sequence[Any]], rest: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    yield from first
    yield from rest


def _sheet_head(*, frozen: bool, widths: Sequence[float], selected: bool = False) -> str:
    tab = ' tabSelected="1"' if selected else ""
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        if frozen
        else ""
    )
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(widths, start=1)
    )
    return (
        _XML_HEAD + f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f'<sheetViews><sheetView workbookViewId="0"{tab}>{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
    )
