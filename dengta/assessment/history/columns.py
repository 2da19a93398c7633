"""The columns of a historical-results file (统一社会信用代码, 评测日期, 总分, 备注): their titles, English
keys, help and examples as the blank template shows them, and the header row mapped to column positions.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from dengta.core.importing import header
from dengta.core.importing.columns import Column
from dengta.core.importing.reading import Cell
from dengta.core.importing.rows import RowError
from dengta.core.problems import gettext_noop

FRAMEWORK_CODE = "miit-2022"
COLUMNS: tuple[Column, ...] = (
    Column(
        "uscc",
        "统一社会信用代码",
        "18位；企业须已在企业库中登记，且在本机构辖区内；请把本列设为文本，以免 Excel 丢失末尾数字",
        "18 characters; the enterprise must be registered and within your jurisdiction;"
        " keep the column as text",
        "91440106MA5ABCDE1X",
    ),
    Column(
        "assessed_on",
        "评测日期",
        "评测（评定）完成的日期，写作 YYYY-MM-DD 或设为 Excel 日期单元格；不能晚于今天",
        "The day of the assessment, as YYYY-MM-DD or an Excel date cell; not in the future",
        "2023-06-30",
    ),
    Column(
        "total",
        "总分",
        "2022年版评测的总分，0–100，最多4位小数；等级按分档自动得出，不必填写",
        "Total score of the 2022 edition, 0-100, at most 4 decimals; the level follows from the bands",
        "52.5",
    ),
    Column("note", "备注", "可选，最多500字", "Optional, at most 500 characters", "2023年度评测结果"),
)
REQUIRED = ("uscc", "assessed_on", "total")
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADER_UNKNOWN = gettext_noop(
    "无法识别的列名 %(value)s；只能使用 统一社会信用代码、评测日期、总分、备注 四列"
)


def map_header(number: int, cells: Sequence[Cell]) -> tuple[dict[str, int], list[RowError]]:
    """Column positions by key; unknown, repeated and missing required columns are errors."""
    return header.map_header(
        number, cells, columns=COLUMNS, required=REQUIRED, unknown_message=HEADER_UNKNOWN
    )


def points(value: Decimal) -> str:
    """52.5000 → 52.5, 60.0000 → 60."""
    return format(value.normalize(), "f")
