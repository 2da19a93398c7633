"""The blank template of a historical-results file: the header row as the importer expects it and a sheet
explaining the columns and the 2022 bands.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dengta.assessment.history.columns import COLUMNS, REQUIRED, points
from dengta.assessment.scoring.bands import BandFramework
from dengta.core.spreadsheets import Book


def template_workbook(fw: BandFramework) -> bytes:
    """The header row as the importer expects it, and a sheet explaining the columns and the 2022 bands."""
    book = Book()
    sheet = book.sheet("历史评测结果")
    formats = {"uscc": "@", "assessed_on": "yyyy-mm-dd", "total": "0.####", "note": "@"}
    sheet.widths([24 if column.key != "note" else 40 for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        # A column style applies to the cells typed later: codes stay text (Excel keeps only 15 digits of a
        # number), dates stay dates.
        sheet.column_format(index, formats[column.key])
    sheet.row([column.title for column in COLUMNS], bold=True)
    sheet.freeze_header()

    # The help sheet is read by the person who downloaded the template: in their language only (UI.md). The
    # header row above keeps the official Chinese titles, which the importer reads (English keys also work).
    english = (get_language() or "").startswith("en")
    help_sheet = book.sheet("填写说明")
    help_sheet.widths([22, 22, 14, 70, 22])
    help_sheet.row([_("列名"), _("英文别名"), _("必填"), _("说明"), _("示例")], bold=True)
    for column in COLUMNS:
        required = _("是") if column.key in REQUIRED else _("否")
        notes = column.help_en if english else column.help_zh
        help_sheet.row([column.title, column.key, required, notes, column.example])
    help_sheet.row([])
    help_sheet.row([_("等级"), _("总分")], bold=True)
    below = fw.bands[0].minimum if fw.bands else Decimal(0)
    help_sheet.row([_("无等级"), f"< {points(below)}"])
    separator = ", " if english else "，"
    for band in fw.bands:
        upper = f"< {points(band.maximum)}" if band is not fw.bands[-1] else f"≤ {points(fw.scored_total)}"
        name = band.name_en if english else band.name_zh
        help_sheet.row([name, f"≥ {points(band.minimum)}{separator}{upper}"])
    help_sheet.row([])
    for line in (
        _("第一行是列名，从第二行起每行一个历史评测结果；列的顺序可以调整，列名也可以用英文别名。"),
        _("等级由总分按上表分档得出（下限含在本档内，如 40 分为二级）。"),
        _("全部行校验通过后才会导入；有任何错误时不写入任何数据，并提供逐行错误报告下载。"),
        _("同一企业同一天只能有一个历史结果；已导入的结果不能再次导入。"),
    ):
        help_sheet.row([line])
    return book.to_bytes()
