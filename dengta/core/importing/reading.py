"""Reading an uploaded file into rows, deciding its type by its content, never by its name.

.xlsx is a zip holding ``[Content_Types].xml`` and ``xl/workbook.xml`` and is read with python-calamine
(fast; openpyxl is for writing). Anything else that is text is read as CSV: UTF-8 with or without a BOM,
else GB18030 (a superset of GBK, what Excel on Chinese Windows writes). Old .xls, PDF, other zips and binary
files are refused with a message saying what to do.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from dengta.core.problems import Problem, gettext_noop

Cell = Any  # str | float | int | bool | date | datetime | time | timedelta
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"\x1f\x8b", "gzip"),
)


class FileRefused(Exception):
    """The file as a whole cannot be imported (unreadable, empty, too large, no data rows…)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


Rows = Iterator[tuple[int, list[Cell]]]


@dataclass(frozen=True)
class Sheet:
    """The first worksheet (or the CSV text), readable more than once: the importer reads it twice."""

    kind: str  # "xlsx" | "csv"
    # A fresh iterator of (spreadsheet row number, cells) over every row, blank ones included, from row 1.
    read: Callable[[], Rows]


def _refuse(code: str, template: str, **params: object) -> FileRefused:
    return FileRefused(Problem(code, template, dict(params)))


FILE_EMPTY = gettext_noop("文件是空的，请上传填好的表格")


def open_sheet(data: bytes, *, empty_message: str = FILE_EMPTY) -> Sheet:
    """The file's first sheet; ``empty_message`` names what the importer expected (an enterprise list…)."""
    if not data.strip():
        raise _refuse("file_empty", empty_message)
    if data.startswith(ZIP_MAGICS):
        return _xlsx_sheet(data)
    if data.startswith(OLE2_MAGIC):
        raise _refuse(
            "file_xls",
            gettext_noop("不支持旧版 Excel 97-2003（.xls）格式，请在 Excel 中“另存为” .xlsx 后再上传"),
        )
    for magic, label in _BINARY_MAGICS:
        if data.startswith(magic):
            raise _refuse(
                "file_binary_known",
                gettext_noop("这是 %(kind)s 文件，不是 Excel 表格；请上传 .xlsx 或 .csv 文件"),
                kind=label,
            )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(
            "file_utf16",
            gettext_noop("文件是 UTF-16（“Unicode 文本”）编码，请另存为“CSV UTF-8”或 .xlsx"),
        )
    if b"\x00" in data[:8192]:
        raise _refuse(
            "file_binary",
            gettext_noop("无法识别的文件：内容既不是 .xlsx 表格也不是 CSV 文本，请上传 .xlsx 或 .csv 文件"),
        )
    text = _decode(data)
    return Sheet("csv", lambda: _csv_rows(text))


def _xlsx_sheet(data: bytes) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise _refuse(
            "file_zip_broken",
            gettext_noop("文件已损坏，无法作为 .xlsx 打开，请重新保存后上传"),
        ) from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(
            "file_zip_not_xlsx",
            gettext_noop("这是压缩文件或其他 Office 文档，不是 Excel 工作簿；请上传 .xlsx 或 .csv 文件"),
        )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except CalamineError as exc:
        raise _refuse(
            "file_xlsx_unreadable",
            gettext_noop("无法读取该 Excel 文件，请在 Excel 中重新保存为 .xlsx 后上传"),
        ) from exc

    def read() -> Rows:
        # iter_rows() starts at the sheet's first row (row 1), so positions are spreadsheet row numbers; the
        # sheet stays parsed in memory, so reading it again is cheap.
        return ((number, list(cells)) for number, cells in enumerate(sheet.iter_rows(), start=1))

    return Sheet("xlsx", read)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _refuse(
            "file_encoding",
            gettext_noop("无法识别 CSV 文件的文字编码，请另存为“CSV UTF-8”或 .xlsx"),
        ) from exc


def _csv_rows(text: str) -> Rows:
    first_line = text.split("\n", 1)[0]
    # Excel writes commas; its tab-separated text export has tabs and no commas in the header.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Records, not physical lines, are numbered: opened in Excel, a quoted cell spanning lines is one row.
    return enumerate(reader, start=1)
