"""The one safe cell writer (ARCHITECTURE.md convention 17), and that nothing else writes cells."""

from __future__ import annotations

import ast
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from dengta.core.spreadsheets import Book, looks_like_formula

FORMULA_LIKE = [
    "=1+2",
    '=HYPERLINK("http://evil.example","x")',
    "+1",
    "-5",
    "@SUM(A1)",
    "\t=1+2",
    "\n=1+2",  # (a carriage return reads back as a line feed: XML normalises line ends)
    "\uff1d1\uff0b2",  # ＝1＋2: full-width, as an East Asian input method types it
    "\uff0b1",
    "\uff0d1",
    "\uff20A1",
    "  =1+2",
]
PLAIN = ["天河精工有限公司", "#N/A", "a=b", "1+1"]


@pytest.mark.parametrize("write_only", [False, True])
def test_text_is_written_as_text_never_as_a_formula(write_only: bool) -> None:
    book = Book(write_only=write_only)
    book.table("t", [f"h{i}" for i in range(len(FORMULA_LIKE + PLAIN))], [FORMULA_LIKE + PLAIN])
    data = book.to_bytes()
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, max_row=2))
    for cell, value in zip(row, FORMULA_LIKE + PLAIN, strict=True):
        assert cell.data_type == "s", value
        assert cell.value == value  # what the person sees is unchanged
        assert bool(cell.quotePrefix) == (value in FORMULA_LIKE), value
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert calamine[1] == FORMULA_LIKE + PLAIN


@pytest.mark.parametrize("write_only", [False, True])
def test_numbers_stay_numbers_and_times_are_shown_in_shanghai(write_only: bool) -> None:
    moment = datetime(2026, 1, 1, 16, 30, tzinfo=UTC)  # 00:30 on 2 January in Shanghai
    book = Book(write_only=write_only)
    book.table(
        "t",
        ["int", "decimal", "float", "date", "datetime", "none"],
        [[-5, Decimal("2.5"), 0.25, date(2026, 3, 1), moment, None]],
    )
    row = next(load_workbook(io.BytesIO(book.to_bytes())).active.iter_rows(min_row=2, max_row=2))
    assert [c.data_type for c in row[:3]] == ["n", "n", "n"]
    assert [c.value for c in row[:3]] == [-5, 2.5, 0.25]
    assert row[3].value == datetime(2026, 3, 1) and row[3].number_format == "yyyy-mm-dd"
    assert row[4].value == datetime(2026, 1, 2, 0, 30)
    assert row[5].value is None


def test_invisible_control_characters_are_dropped_instead_of_failing() -> None:
    book = Book(write_only=True)
    book.table("t", ["name"], [["天河\x01精工"]])
    row = list(load_workbook(io.BytesIO(book.to_bytes())).active.iter_rows(min_row=2, values_only=True))
    assert row == [("天河精工",)]


def test_looks_like_formula() -> None:
    assert all(looks_like_formula(v) for v in [*FORMULA_LIKE, "\r=1+2"])
    assert not any(looks_like_formula(v) for v in PLAIN)


# ------------------------------------------------------------------------ nothing else writes cells

ROOT = Path(__file__).resolve().parents[2]  # dengta/
WRITER = ROOT / "core" / "spreadsheets.py"
CELL_ATTRIBUTES = {"value", "data_type", "quotePrefix"}


def _sheet_like(node: ast.expr) -> bool:
    """A receiver named like a worksheet: ws, sheet, help_sheet, worksheet, wb.active …"""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    lowered = name.lower()
    return lowered in {"ws", "active"} or "sheet" in lowered


def direct_cell_writes(source: str) -> list[str]:
    """What in this source bypasses the writer: importing openpyxl, ``<sheet>.cell(…)``,
    ``<sheet>.append(…)``, or assigning a cell's value, type or quote prefix."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            )
            found += [f"line {node.lineno}: imports {m}" for m in modules if m.split(".")[0] == "openpyxl"]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "cell" or (node.func.attr == "append" and _sheet_like(node.func.value)):
                found.append(f"line {node.lineno}: .{node.func.attr}(")
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not (isinstance(target, ast.Attribute) and target.attr in CELL_ATTRIBUTES):
                    continue
                if target.attr != "value" or _cellish(target.value):
                    found.append(f"line {node.lineno}: sets .{target.attr}")
    return found


def _cellish(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return "cell" in name.lower() or isinstance(node, ast.Subscript)


def test_the_scanner_finds_each_way_of_writing_a_cell_directly() -> None:
    assert direct_cell_writes("from openpyxl import Workbook")
    assert direct_cell_writes("import openpyxl.styles")
    assert direct_cell_writes("ws.cell(row=1, column=1, value='=1+1')")
    assert direct_cell_writes("help_sheet.append(['=1+1'])")
    assert direct_cell_writes("wb.active.append([1])")
    assert direct_cell_writes("cell.value = '=1+1'")
    assert direct_cell_writes("ws['A1'].value = '=1+1'")
    assert direct_cell_writes("c.data_type = 'f'")
    assert not direct_cell_writes("rows.append([1, 2])\nerrors.append(e)\nform.value = 1")


def test_no_module_but_the_writer_touches_openpyxl_cells() -> None:
    offenders = {}
    for path in sorted(ROOT.rglob("*.py")):
        if path == WRITER or "tests" in path.relative_to(ROOT).parts or "migrations" in path.parts:
            continue
        found = direct_cell_writes(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}
