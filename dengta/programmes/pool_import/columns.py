"""The columns of a pilot-enterprise pool file (统一社会信用代码, 企业名称, 细分行业): their Chinese
titles, English keys (the registry's enterprise import's aliases, so a list prepared for one reads in the
other), help and examples as the template shows them, and the header row mapped to column positions.
"""

from __future__ import annotations

from collections.abc import Sequence

from dengta.core.importing import header
from dengta.core.importing.columns import Column
from dengta.core.importing.reading import Cell
from dengta.core.importing.rows import RowError
from dengta.core.problems import gettext_noop

COLUMNS: tuple[Column, ...] = (
    Column(
        "uscc",
        "统一社会信用代码",
        "18位；企业须已在企业库中登记，且在本单位辖区内；请把本列设为文本，以免 Excel 丢失末尾数字",
        "18 characters; the enterprise must be registered and within your jurisdiction;"
        " keep the column as text so Excel keeps every digit",
        "91440106MA5ABCDE1X",
    ),
    Column(
        "name",
        "企业名称",
        "与企业库中登记的名称一致（全角、半角括号视为相同）",
        "As registered in the enterprise registry (full-width and half-width brackets count as the same)",
        "天河精密零部件有限公司",
    ),
    Column(
        "sub_industry",
        "细分行业",
        "本申报已选择的细分行业之一：填写本地名称或标准名称（见下表）",
        "One of the sub-industries this application has chosen: its local name or its catalogue name"
        " (listed below)",
        "汽车零部件",
    ),
)
REQUIRED = tuple(column.key for column in COLUMNS)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADER_UNKNOWN = gettext_noop(
    "无法识别的列名 %(value)s；只能使用 统一社会信用代码、企业名称、细分行业 三列（或其英文别名）"
)


def map_header(number: int, cells: Sequence[Cell]) -> tuple[dict[str, int], list[RowError]]:
    """Column positions by key; unknown, repeated and missing columns are row errors naming the column."""
    return header.map_header(
        number, cells, columns=COLUMNS, required=REQUIRED, unknown_message=HEADER_UNKNOWN
    )
