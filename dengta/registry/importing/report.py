"""The blank enterprise import template (the per-row error report is dengta.core.importing.report's)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

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

    # The help sheet is read by the person who downloaded the template: in their language only (UI.md). The
    # header row above stays the official Chinese titles, which the importer reads (English keys also work).
    english = (get_language() or "").startswith("en")
    help_sheet = book.sheet("填写说明")
    help_sheet.widths([18, 20, 70, 22])
    help_sheet.row([_("列名"), _("英文别名"), _("说明"), _("示例")], bold=True)
    help_sheet.rows([c.title, c.key, c.help_en if english else c.help_zh, c.example] for c in COLUMNS)
    help_sheet.row([])
    help_sheet.row([_("专精特新取值"), _("含义")], bold=True)
    help_sheet.rows(
        [value, meaning_en if english else meaning_zh] for value, meaning_zh, meaning_en in TIER_EXPLANATIONS
    )
    help_sheet.row([])
    help_sheet.rows(
        [line]
        for line in (
            _("第一行是列名，从第二行起每行一家企业；列的顺序可以调整，列名也可以用英文别名。"),
            _("全部行校验通过后才会导入；有任何错误时不写入任何数据，并提供逐行错误报告下载。"),
            _("金额单位为万元；全角数字和字母会自动转换为半角。"),
        )
    )
    return book.to_bytes()
