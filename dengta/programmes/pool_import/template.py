"""The blank pool template of one application: the header row and a notes sheet explaining the columns and
listing the application's sub-industries, all in the reader's language (UI.md: one language per page). The
importer reads the header in either language, so a template downloaded in English imports as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dengta.core.language import in_english
from dengta.core.spreadsheets import Book
from dengta.programmes.models import Application
from dengta.programmes.pool_import.columns import COLUMNS, REQUIRED
from dengta.programmes.pool_import.validation import MAX_ROWS


def template_workbook(application: Application) -> bytes:
    english = in_english()
    book = Book()
    sheet = book.sheet(_("试点企业库"))
    sheet.widths([24, 36, 24])
    for index in range(1, len(COLUMNS) + 1):
        # Every column is text: an 18-character credit code typed into a number cell loses its last digits
        # (Excel keeps 15 significant digits). A column style applies to every cell typed later.
        sheet.column_format(index, "@")
    sheet.row([column.key if english else column.title for column in COLUMNS], bold=True)
    sheet.freeze_header()

    notes = book.sheet(_("填写说明"))
    notes.widths([22, 18, 10, 70, 24])
    notes.row([_("列名"), _("英文别名"), _("必填"), _("说明"), _("示例")], bold=True)
    for column in COLUMNS:
        required = _("是") if column.key in REQUIRED else _("否")
        help_text = column.help_en if english else column.help_zh
        notes.row([column.title, column.key, required, help_text, column.example])
    notes.row([])
    notes.row([_("本申报的细分行业（细分行业列可填写其中任一名称）")], bold=True)
    notes.row([_("本地名称"), _("标准名称"), _("英文名称")], bold=True)
    entries = application.sub_industries.select_related("sub_industry").order_by("pk")
    listed = False
    for entry in entries:
        notes.row([entry.local_name, entry.sub_industry.name, entry.sub_industry.name_en])
        listed = True
    if not listed:
        notes.row([_("本申报还没有选择细分行业：请先在申报页面添加细分行业，再填写本表")])
    notes.row([])
    for line in (
        _("第一行是列名，从第二行起每行一家企业；列的顺序可以调整，列名可以用中文或英文别名。"),
        _("企业须已在企业库中登记，且在本单位辖区内；同一家企业在文件中只能出现一次。"),
        _("已在本申报或本批次其他申报的试点企业库中的企业不能再导入。"),
        _("全部行校验通过后才会导入；有任何错误时不写入任何数据，并提供逐行错误报告下载。"),
        _("每个文件最多 %(n)s 行。") % {"n": f"{MAX_ROWS:,}"},
    ):
        notes.row([line])
    return book.to_bytes()
