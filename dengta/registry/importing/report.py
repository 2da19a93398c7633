"""Spreadsheets the import gives back: the per-row error report and the blank template."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dengta.registry.importing.columns import COLUMNS, TIER_EXPLANATIONS
from dengta.registry.importing.validation import RowError

ERROR_HEADERS = ("行号 row", "列 column", "值 value", "原因 reason")
TEXT_COLUMNS = ("uscc", "region_code", "industry_code")


def error_report(errors: Iterable[RowError], *, file_name: str = "") -> bytes:
    """Every error, one per line, streamed (openpyxl write-only) so 200,000 errors stay cheap."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="errors")
    ws.append(list(ERROR_HEADERS))
    for error in errors:
        ws.append([error.row or None, error.column, error.value, error.reason])
    if file_name:
        info = wb.create_sheet(title="file")
        info.append([_("导入文件"), file_name])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_workbook() -> bytes:
    """The header row exactly as the importer expects it, and a sheet explaining each column."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "企业名单"
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=column.title)
        cell.font = bold
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = max(14, len(column.title) * 2 + 4)
        if column.key in TEXT_COLUMNS:
            # Codes are text: an 18-digit credit code typed into a number cell loses its last digits
            # (Excel keeps 15 significant digits). A column style applies to every cell typed later.
            dimension.number_format = "@"
    ws.freeze_panes = "A2"

    help_sheet = wb.create_sheet("填写说明")
    help_sheet.append(["列名", "英文别名 (English key)", "说明", "Notes", "示例 example"])
    for column in COLUMNS:
        help_sheet.append([column.title, column.key, column.help_zh, column.help_en, column.example])
    help_sheet.append([])
    help_sheet.append(["专精特新 取值", "含义", "Meaning"])
    for value, meaning_zh, meaning_en in TIER_EXPLANATIONS:
        help_sheet.append([value, meaning_zh, meaning_en])
    help_sheet.append([])
    for line in (
        "第一行是列名，从第二行起每行一家企业；列的顺序可以调整，列名也可以用英文别名。",
        "The first row holds the headers; one enterprise per row from row 2. Headers may be in any order.",
        "全部行校验通过后才会导入；有任何错误时不写入任何数据，并提供逐行错误报告下载。",
        "Nothing is imported unless every row is valid; a per-row error report can be downloaded.",
        "金额单位为万元；全角数字和字母会自动转换为半角。",
        "Amounts are in 10,000 yuan; full-width digits and letters are converted automatically.",
    ):
        help_sheet.append([line])
    for letter, width in zip("ABCDE", (18, 20, 60, 60, 22), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for cell in help_sheet[1]:
        cell.font = bold
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
