"""The per-row error report an import gives back, as .xlsx through the one safe cell writer."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from dengta.core.importing.rows import RowError
from dengta.core.spreadsheets import Book


def error_report(errors: Iterable[RowError], *, file_name: str = "") -> bytes:
    """Every error, one per line, streamed (openpyxl write-only) so 200,000 errors stay cheap."""
    book = Book(write_only=True)
    sheet = book.sheet("errors")
    sheet.widths([8, 20, 30, 80])
    # In the reader's language only (UI.md: one language per message).
    sheet.row([_("行号"), _("列"), _("值"), _("原因")], bold=True)
    # The values are what people typed: "=..." in a cell comes back as text, never as a formula.
    sheet.rows([error.row or None, error.column, error.value, error.reason] for error in errors)
    if file_name:
        book.sheet("file").row([_("导入文件"), file_name])
    return book.to_bytes()
