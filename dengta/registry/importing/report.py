"""The blank enterprise import template (the per-row error report is dengta.core.importing.report's)."""

from __future__ import annotations

from dengta.core.spreadsheets import Book
from dengta.registry.importing.columns import COLUMNS, TIER_EXPLANATIONS

TEXT_COLUMNS = ("uscc", "region_code", "industry_code")


def template_workbook() -> bytes:
    """The header row exactly as the importer expects it, and a sheet explaining each column."""
    book = Book()
    sheet = book.sheet("企业名单")
    sheet.widths([max(14, len(column.title) * 2 + 4) for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        if column.key in TEXT_COLUMNS:
            # Codes are text: an 18-digit credit code typed into a number cell loses its last digits
            # (Excel keeps 15 significant digits). A column style applies to every cell typed later.
            sheet.column_format(index, "@")
    sheet.row([column.title for column in COLUMNS], bold=True)
    sheet.freeze_header()

    help_sheet = book.sheet("填写说明")
    help_sheet.widths([18, 20, 60, 60, 22])
    help_sheet.row(["列名", "英文别名 (English key)", "说明", "Notes", "示例 example"], bold=True)
    help_sheet.rows([c.title, c.key, c.help_zh, c.help_en, c.example] for c in COLUMNS)
    help_sheet.row([])
    help_sheet.row(["专精特新 取值", "含义", "Meaning"])
    help_sheet.rows(TIER_EXPLANATIONS)
    help_sheet.row([])
    help_sheet.rows(
        [line]
        for line in (
            "第一行是列名，从第二行起每行一家企业；列的顺序可以调整，列名也可以用英文别名。",
            "The first row holds the headers; one enterprise per row from row 2."
            " Headers may be in any order.",
            "全部行校验通过后才会导入；有任何错误时不写入任何数据，并提供逐行错误报告下载。",
            "Nothing is imported unless every row is valid; a per-row error report can be downloaded.",
            "金额单位为万元；全角数字和字母会自动转换为半角。",
            "Amounts are in 10,000 yuan; full-width digits and letters are converted automatically.",
        )
    )
    return book.to_bytes()
