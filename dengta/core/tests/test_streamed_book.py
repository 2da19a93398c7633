"""StreamedBook, the list exports' writer (dengta/core/spreadsheets.py): the safe-cell rules of the module
hold on its fast path too, and a long table continues on further sheets without losing or repeating rows."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils.functional import lazy
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from dengta.core import spreadsheets
from dengta.core.spreadsheets import StreamedBook, StreamedTable
from dengta.core.tests.test_spreadsheets import FORMULA_LIKE, PLAIN


def _book(headers: list[str], rows: list[list[Any]], **options: Any) -> tuple[bytes, StreamedTable]:
    target = io.BytesIO()
    with StreamedBook(target) as book:
        table = book.table("t", headers, rows, **options)
    return target.getvalue(), table


def test_text_is_written_as_text_never_as_a_formula() -> None:
    values = FORMULA_LIKE + PLAIN
    data, _table = _book([f"h{i}" for i in range(len(values))], [values])
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, max_row=2))
    for cell, value in zip(row, values, strict=True):
        assert cell.data_type == "s", value
        assert cell.value == value  # what the person sees is unchanged
        assert bool(cell.quotePrefix) == (value in FORMULA_LIKE), value
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert calamine[1] == values


def test_a_header_that_looks_like_a_formula_is_bold_text_too() -> None:
    data, _table = _book(["=1+2", "名称"], [])
    header = next(load_workbook(io.BytesIO(data)).active.iter_rows())
    assert [c.value for c in header] == ["=1+2", "名称"]
    assert all(c.data_type == "s" and c.font.b for c in header)
    assert header[0].quotePrefix and not header[1].quotePrefix


def test_types_numbers_dates_and_empty_cells() -> None:
    moment = datetime(2026, 1, 1, 16, 30, tzinfo=UTC)  # 00:30 on 2 January in Shanghai
    label = lazy(lambda: "小型", str)()
    values = [7, Decimal("3500.5"), Decimal("1E+3"), 0.25, True, date(2026, 3, 1), moment, None, "", label]
    values += [float("nan"), Decimal("Infinity"), 12]  # no NaN or infinity in Excel: left empty
    data, _table = _book([f"h{i}" for i in range(len(values))], [values])
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, max_row=2))
    assert [c.value for c in row] == [
        7,
        3500.5,
        1000,
        0.25,
        True,
        datetime(2026, 3, 1),
        datetime(2026, 1, 2, 0, 30),
        None,
        None,
        "小型",
        None,
        None,
        12,
    ]
    assert [c.data_type for c in row[:5]] == ["n", "n", "n", "n", "b"]
    assert row[5].number_format == "yyyy-mm-dd" and row[6].number_format == "yyyy-mm-dd hh:mm"


def test_characters_xml_treats_specially_come_back_unchanged() -> None:
    values = ["A & B <有限公司>", "一行\r\n二行", "  前后空格  ", "天河\x01精工"]
    data, _table = _book(["a", "b", "c", "d"], [values])
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))
    # The control character cannot be stored and is invisible: dropped (as in Book).
    assert list(row) == ["A & B <有限公司>", "一行\r\n二行", "  前后空格  ", "天河精工"]


def test_a_long_table_continues_on_further_sheets_with_every_row_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spreadsheets, "SHEET_MAX_ROWS", 5)  # four rows under each header
    seen: list[int] = []
    rows = [[n, f"企业{n}"] for n in range(1, 11)]
    data, table = _book(["序号", "名称"], rows, progress=seen.append, progress_every=3)
    assert table == StreamedTable(rows=10, sheets=("t", "t (2)", "t (3)"), more=False)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["t", "t (2)", "t (3)"]
    read = [list(r) for ws in book.worksheets for r in ws.iter_rows(values_only=True)]
    assert read == [
        ["序号", "名称"],
        *rows[0:4],
        ["序号", "名称"],
        *rows[4:8],
        ["序号", "名称"],
        *rows[8:10],
    ]
    assert seen == [3, 6, 9]


def test_a_table_that_fills_its_last_sheet_exactly_adds_no_empty_sheet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spreadsheets, "SHEET_MAX_ROWS", 5)
    _data, table = _book(["n"], [[n] for n in range(8)])
    assert table == StreamedTable(rows=8, sheets=("t", "t (2)"), more=False)
    _data, empty = _book(["n"], [])
    assert empty == StreamedTable(rows=0, sheets=("t",), more=False)


@pytest.mark.parametrize(("limit", "rows", "more"), [(6, 6, True), (6, 6, False), (4, 4, True), (0, 0, True)])
def test_a_limit_stops_the_table_and_says_whether_rows_were_left_out(
    monkeypatch: pytest.MonkeyPatch, limit: int, rows: int, more: bool
) -> None:
    monkeypatch.setattr(spreadsheets, "SHEET_MAX_ROWS", 5)
    source = [[n] for n in range(limit + (1 if more else 0))]
    data, table = _book(["n"], source, limit=limit)
    assert (table.rows, table.more) == (rows, more)
    read = [r[0] for ws in load_workbook(io.BytesIO(data)).worksheets for r in ws.iter_rows(values_only=True)]
    assert [v for v in read if v != "n"] == list(range(rows))


def test_a_sheet_also_ends_before_its_xml_grows_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheets, "SHEET_MAX_BYTES", 1)  # checked after each batch of rows
    monkeypatch.setattr(spreadsheets, "_BATCH_ROWS", 3)
    data, table = _book(["n"], [[n] for n in range(7)])
    assert table.sheets == ("t", "t (2)", "t (3)") and table.rows == 7
    book = load_workbook(io.BytesIO(data))
    assert [ws.max_row - 1 for ws in book.worksheets] == [3, 3, 1]


def test_sheet_names_are_ones_excel_accepts() -> None:
    target = io.BytesIO()
    with StreamedBook(target) as book:
        book.table("a/b:c", ["x"], [])
        book.table("A/B:C", ["x"], [])
        book.table("x" * 40, ["x"], [])
        book.notes("说明", ["只导出了前 3 行"])
    book_read = load_workbook(io.BytesIO(target.getvalue()))
    assert book_read.sheetnames == ["a_b_c", "A_B_C (2)", "x" * 31, "说明"]
    assert book_read["说明"]["A1"].value == "只导出了前 3 行"
