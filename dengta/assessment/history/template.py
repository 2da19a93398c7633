"""The blank template of a historical-results file: the header row as the importer expects it and a sheet
explaining the columns and the 2022 bands.
"""

from __future__ import annotations

from decimal import Decimal

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

    help_sheet = book.sheet("填写说明")
    help_sheet.widths([22, 22, 14, 60, 60, 22])
    help_sheet.row(
        ["列名", "英文别名 (English key)", "必填 required", "说明", "Notes", "示例 example"], bold=True
    )
    for column in COLUMNS:
        required = "是 yes" if column.key in REQUIRED else "否 no"
        help_sheet.row([column.title, column.key, required, column.help_zh, column.help_en, column.example])
    help_sheet.row([])
    help_sheet.row([f"{fw.title}（{fw.version}）分档 bands", "总分 total", "", "", "Level"])
    below = fw.bands[0].minimum if fw.bands else Decimal(0)
    help_sheet.row(["无等级", f"< {points(below)}", "", "", "no level"])
    for band in fw.bands:
        upper = f"< {points(band.maximum)}" if band is not fw.bands[-1] else f"≤ {points(fw.scored_total)}"
        help_sheet.row([band.name_zh, f"≥ {points(band.minimum)}，{upper}", "", "", band.name_en])
    help_sheet.row([])
    for line in (
        "第一行是列名，从第二行起每行一个历史评测结果；列的顺序可以调整，列名也可以用英文别名。",
        "The first row holds the headers; one result per row from row 2. Headers may be in any order.",
        "等级由总分按上表分档得出（下限含在本档内，如 40 分为二级）。",
        "The level follows from the total by the bands above (a lower bound is in its band: 40 is level 2).",
        "全部行校验通过后才会导入；有任何错误时不写入任何数据，并提供逐行错误报告下载。",
        "Nothing is imported unless every row is valid; a per-row error report can be downloaded.",
        "同一企业同一天只能有一个历史结果；已导入的结果不能再次导入。",
        "One result per enterprise and day; a result already imported cannot be imported again.",
    ):
        help_sheet.row([line])
    return book.to_bytes()
