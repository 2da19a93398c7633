"""Rules for the numbers and choices of an enterprise profile, shared by forms, services and the importer.

Pure Python. Amounts are entered in 万元 (10,000 yuan), the unit of the statistics tables local authorities
keep, and stored in yuan with 2 decimals (ARCHITECTURE.md, convention 9): at most 6 decimals in 万元 keeps
the conversion exact. Values come as typed text, or as numbers read from a spreadsheet cell.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from dengta.core.problems import Problem, gettext_noop
from dengta.registry.text import to_half_width

# Plausibility limits. No Chinese legal entity reports more than a few hundred thousand staff, and the
# largest manufacturers' revenue is below 10,000,000 万元 (100 billion yuan); larger figures are typing
# errors (yuan typed into a 万元 column, extra zeros).
MAX_EMPLOYEES = 500_000
MAX_AMOUNT_10K = Decimal("10000000")
MAX_DECIMALS_10K = 6
TEN_THOUSAND = Decimal(10_000)
CENT = Decimal("0.01")

# Thousands separators are accepted only where they group digits in threes ("1,234.5"), never as a
# decimal comma ("1,5" is refused rather than read as 15 or 1.5).
_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d*)?$|^[+-]?\.\d+$")

TIER_ALIASES: dict[str, str] = {
    "": "",
    "无": "",
    "否": "",
    "none": "",
    "创新型": "innovative",
    "创新型中小企业": "innovative",
    "innovative": "innovative",
    "专精特新": "specialised",
    "专精特新中小企业": "specialised",
    "specialised": "specialised",
    "specialized": "specialised",
    "小巨人": "little_giant",
    "专精特新小巨人": "little_giant",
    "专精特新小巨人企业": "little_giant",
    "专精特新“小巨人”企业": "little_giant",
    '专精特新"小巨人"企业': "little_giant",
    "little_giant": "little_giant",
    "little giant": "little_giant",
}


def _as_text(raw: object) -> str:
    if isinstance(raw, float):
        # A spreadsheet stores numbers as binary doubles; repr() gives the shortest decimal that reads back
        # as the same double, which is the number the person typed (Excel keeps 15 significant digits).
        return repr(raw)
    return to_half_width(str(raw)).strip()


def parse_decimal(raw: object) -> Decimal | None:
    """A Decimal from typed text or a cell value, or None when it is not a plain number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    text = _as_text(raw)
    if isinstance(raw, float):
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
        return value if value.is_finite() else None
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not to_half_width(raw).strip())


def parse_employees(raw: object) -> int | Problem:
    if is_blank(raw):
        return Problem("employees_required", gettext_noop("请填写从业人员人数"))
    value = parse_decimal(raw)
    if value is None:
        return Problem(
            "employees_not_number",
            gettext_noop("从业人员应为整数，不能是 %(value)s"),
            {"value": _as_text(raw)},
        )
    if value < 0:
        return Problem(
            "employees_negative",
            gettext_noop("从业人员不能为负数"),
        )
    if value != value.to_integral_value():
        return Problem(
            "employees_fraction",
            gettext_noop("从业人员应为整数，不能有小数"),
        )
    if value > MAX_EMPLOYEES:
        return Problem(
            "employees_absurd",
            gettext_noop("从业人员 %(value)s 人超过上限 %(limit)s 人，请核对"),
            {"value": f"{int(value):,}", "limit": f"{MAX_EMPLOYEES:,}"},
        )
    return int(value)


# One set of messages per amount, so that each is translated whole (no pieces glued into a template).
_AMOUNT_MESSAGES: dict[str, dict[str, str]] = {
    "revenue": {
        "required": gettext_noop("请填写营业收入（万元）"),
        "not_number": gettext_noop("营业收入应为数字（万元），不能是 %(value)s"),
        "negative": gettext_noop("营业收入不能为负数"),
        "decimals": gettext_noop("营业收入以万元为单位最多保留6位小数，即精确到分"),
        "absurd": gettext_noop("营业收入 %(value)s 万元超过上限 10,000,000 万元，请确认单位是万元而不是元"),
    },
    "assets": {
        "required": gettext_noop("请填写资产总额（万元）"),
        "not_number": gettext_noop("资产总额应为数字（万元），不能是 %(value)s"),
        "negative": gettext_noop("资产总额不能为负数"),
        "decimals": gettext_noop("资产总额以万元为单位最多保留6位小数，即精确到分"),
        "absurd": gettext_noop("资产总额 %(value)s 万元超过上限 10,000,000 万元，请确认单位是万元而不是元"),
    },
}


def parse_amount_10k(raw: object, *, kind: str) -> Decimal | Problem:
    """An amount in 万元 (``kind`` is "revenue" or "assets"), exact, 0 ≤ value ≤ 10,000,000."""
    messages = _AMOUNT_MESSAGES[kind]
    if is_blank(raw):
        return Problem(f"{kind}_required", messages["required"])
    value = parse_decimal(raw)
    if value is None:
        return Problem(f"{kind}_not_number", messages["not_number"], {"value": _as_text(raw)})
    if value < 0:
        return Problem(f"{kind}_negative", messages["negative"])
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS_10K:
        # Trailing zeros ("1.50000000") are not extra precision: look again without them.
        exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS_10K:
        return Problem(f"{kind}_decimals", messages["decimals"])
    if value > MAX_AMOUNT_10K:
        return Problem(f"{kind}_absurd", messages["absurd"], {"value": f"{value:,f}"})
    return value


def yuan_from_10k(value: Decimal) -> Decimal:
    """万元 → yuan, exact (at most 6 decimals in 万元 means at most 2 in yuan)."""
    return (value * TEN_THOUSAND).quantize(CENT)


def ten_k_from_yuan(value: Decimal) -> Decimal:
    """yuan → 万元 for display and forms, without trailing zeros beyond what is needed."""
    result = value / TEN_THOUSAND
    normalised = result.normalize()
    exponent = normalised.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return result.quantize(Decimal(1))
    return normalised


def parse_tier(raw: object) -> str | Problem:
    text = "" if raw is None else to_half_width(str(raw)).strip()
    key = text.lower() if text.isascii() else text
    if key in TIER_ALIASES:
        return TIER_ALIASES[key]
    return Problem(
        "tier_unknown",
        gettext_noop("专精特新只能填写 创新型、专精特新、小巨人 或留空，不能是 %(value)s"),
        {"value": text},
    )


# One whole message per level, so each language names the level in its own words (no glued pieces).
INDUSTRY_LEVEL_MESSAGES = {
    1: gettext_noop("行业代码 %(code)s 是门类，请填写到小类（4位数字，如 C3670）"),
    2: gettext_noop("行业代码 %(code)s 是大类，请填写到小类（4位数字，如 C3670）"),
    3: gettext_noop("行业代码 %(code)s 是中类，请填写到小类（4位数字，如 C3670）"),
}
CLASS_LEVEL = 4


def industry_level_problem(code: str, level: int) -> Problem | None:
    """Only class-level codes (小类, e.g. C3670) are accepted: the size standard, the sub-industry catalogue
    and the focus sectors (DOMAIN.md 4.5: 汽车零部件 is class C3670) need the most specific code."""
    if level == CLASS_LEVEL:
        return None
    return Problem(
        "industry_not_class",
        INDUSTRY_LEVEL_MESSAGES.get(level, INDUSTRY_LEVEL_MESSAGES[1]),
        {"code": code},
    )
