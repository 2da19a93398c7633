"""The shared spreadsheet import (dengta.core.importing): reading by content, outcome, error report."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from dengta.core.importing.columns import Column, aliases, header_key
from dengta.core.importing.outcome import ImportOutcome, check_size
from dengta.core.importing.reading import FileRefused, open_sheet
from dengta.core.importing.report import error_report
from dengta.core.importing.rows import RowError, first_non_blank, is_blank_row, shown
from dengta.core.spreadsheets import Book


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Book()
    book.sheet("s").rows(rows)
    return book.to_bytes()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"   \n", "file_empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "file_xls"),
        (b"%PDF-1.7", "file_binary_known"),
        (b"\xff\xfea\x00", "file_utf16"),
        (b"PK\x03\x04broken", "file_zip_broken"),
        (b"abc\x00def", "file_binary"),
    ],
)
def test_files_are_refused_by_their_content(data: bytes, code: str) -> None:
    with pytest.raises(FileRefused) as refused:
        open_sheet(data)
    assert refused.value.problem.code == code


def test_the_empty_file_message_names_what_was_expected() -> None:
    with pytest.raises(FileRefused) as refused:
        open_sheet(b"", empty_message="文件是空的，请上传填好的企业名单")
    assert refused.value.problem.render() == "文件是空的，请上传填好的企业名单"


def test_xlsx_and_csv_read_to_numbered_rows() -> None:
    xlsx = open_sheet(_xlsx([["a", "b"], [], ["1", 2]]))
    assert xlsx.kind == "xlsx"
    assert [(n, cells) for n, cells in xlsx.read() if not is_blank_row(cells)] == [
        (1, ["a", "b"]),
        (3, ["1", 2.0]),
    ]
    csv = open_sheet("名称,代码\n天河,440106\n".encode("gb18030"))
    assert csv.kind == "csv" and list(csv.read()) == [(1, ["名称", "代码"]), (2, ["天河", "440106"])]


def test_shown_cells_and_blank_rows() -> None:
    assert shown(440106.0) == "440106" and shown(None) == "" and shown("x" * 300) == "x" * 100
    assert is_blank_row([None, " ", ""]) and not is_blank_row([None, "a"])
    assert first_non_blank(iter([(1, [None]), (2, ["h"])])) == (2, ["h"])


def test_headers_are_matched_by_title_or_key() -> None:
    column = Column("revenue_10k_yuan", "营业收入（万元）", "", "", "")
    found = aliases((column,))
    assert found[header_key(" 营业收入(万元)* ")] == "revenue_10k_yuan"
    assert found[header_key("Revenue_10k_Yuan")] == "revenue_10k_yuan"


@override_settings(DENGTA_IMPORT_MAX_BYTES=10)
def test_a_file_over_the_byte_limit_is_refused() -> None:
    check_size(b"0123456789")
    with pytest.raises(FileRefused) as refused:
        check_size(b"0123456789a")
    assert refused.value.problem.code == "file_too_large"


def test_a_refused_file_has_no_row_counts() -> None:
    outcome = ImportOutcome(file_name="a.xlsx", sha256="0", dry_run=False, rows_valid=3, rows_rejected=1)
    outcome.refuse("文件已损坏")
    summary = outcome.summary()
    assert (summary["valid"], summary["rejected"], summary["imported"], summary["refused"]) == (
        0,
        0,
        0,
        "文件已损坏",
    )


def test_the_error_report_keeps_what_was_typed_as_text() -> None:
    errors = [RowError(2, "企业名称", '=HYPERLINK("http://x")', "原因"), RowError(0, "", "", "缺少列")]
    sheets = load_workbook(io.BytesIO(error_report(errors, file_name="名单.xlsx")))
    rows = list(sheets["errors"].iter_rows())
    assert [c.value for c in rows[0]] == ["行号", "列", "值", "原因"]  # one language: the reader's
    assert rows[1][2].value == '=HYPERLINK("http://x")' and rows[1][2].data_type == "s"
    assert rows[2][0].value is None  # the file itself, not a row
    assert [c.value for c in next(sheets["file"].iter_rows())] == ["导入文件", "名单.xlsx"]
