"""The columns of an enterprise import file: Chinese headers, English aliases, in order."""

from __future__ import annotations

from dengta.core.importing.columns import Column, aliases, header_key

__all__ = ["ALIASES", "COLUMNS", "COLUMN_BY_KEY", "TIER_EXPLANATIONS", "Column", "header_key"]

COLUMNS: tuple[Column, ...] = (
    Column(
        "uscc",
        "统一社会信用代码",
        "18位，数字和大写字母（不含 I、O、Z、S、V）；请把本列设为文本，以免 Excel 丢失末尾数字",
        "18 characters, digits and upper-case letters without I, O, Z, S, V; keep the column as text",
        "91110108551385082Q",
    ),
    Column("name", "企业名称", "营业执照上的全称", "Full registered name", "小米科技有限责任公司"),
    Column(
        "region_code",
        "行政区划代码",
        "企业所在地的6位 GB/T 2260 代码（区县、地市或省级），须与信用代码第3–8位同属一条上下级线",
        "6-digit GB/T 2260 code of the enterprise's county, city or province,"
        " on one line with positions 3-8 of the credit code",
        "110108",
    ),
    Column(
        "industry_code",
        "行业代码",
        "GB/T 4754-2017 小类代码，如 C3670；也可只写数字 3670",
        "GB/T 4754-2017 class code such as C3670 (or just 3670)",
        "C3670",
    ),
    Column(
        "employees", "从业人员", "年末从业人员数，整数（人）", "Employees at year end, whole number", "120"
    ),
    Column(
        "revenue_10k_yuan",
        "营业收入（万元）",
        "上年营业收入，单位万元，最多6位小数",
        "Last year's revenue in 10,000 yuan, at most 6 decimals",
        "3500.5",
    ),
    Column(
        "assets_10k_yuan",
        "资产总额（万元）",
        "年末资产总额，单位万元，最多6位小数",
        "Total assets at year end in 10,000 yuan, at most 6 decimals",
        "2000",
    ),
    Column(
        "tier",
        "专精特新",
        "留空，或填 创新型、专精特新、小巨人（工信部企业〔2022〕63号的三个梯度）",
        "Blank, or 创新型 (innovative), 专精特新 (specialised), 小巨人 (little giant)",
        "专精特新",
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
TIER_EXPLANATIONS: tuple[tuple[str, str, str], ...] = (
    ("（留空）", "无", "not in any tier"),
    ("创新型", "创新型中小企业", "innovative SME"),
    ("专精特新", "专精特新中小企业", "specialised, refined, distinctive and innovative SME"),
    ("小巨人", "专精特新“小巨人”企业", "'little giant' enterprise (recognised by MIIT)"),
)


# Each column is recognised by its Chinese title or its English key (with or without the unit brackets).
ALIASES: dict[str, str] = aliases(COLUMNS)
