"""One way to write each kind of number on every page, PDF, spreadsheet text and panel (UI.md "Language and
numbers").

Points are written as the index defines them: it gives points in ten-thousandths (0.7, 1.875, 46.925), so a
figure shows up to four decimals with the trailing zeros dropped — never rounded, because a level hangs on
the exact total (a 39.995 must not read as 40). EU DMA scores are stored to two decimals and follow the same
rule (52.90 → 52.9). Counts get thousands separators; percentages one decimal.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

DASH = "—"
FOUR_PLACES = Decimal("0.0001")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def points_text(value: Any) -> str:
    """46.9250 → 46.925, 52.90 → 52.9, 50.0000 → 50, 1234.5 → 1,234.5; "—" when absent."""
    number = _decimal(value)
    if number is None:
        return DASH if value in (None, "") else str(value)
    trimmed = number.quantize(FOUR_PLACES).normalize()
    if trimmed == 0:
        return "0"
    whole, _dot, fraction = format(abs(trimmed), "f").partition(".")
    text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    return ("-" if trimmed < 0 else "") + text


def signed_points_text(value: Any) -> str:
    """A change in points with its sign: +7.5, −2 (a true minus sign), 0."""
    number = _decimal(value)
    if number is None:
        return DASH
    text = points_text(number)
    if text.startswith("-"):
        return "−" + text[1:]
    return text if text == "0" else "+" + text


def count_text(value: Any) -> str:
    """A whole count with thousands separators (12,345)."""
    number = _decimal(value)
    if number is None:
        return DASH
    return f"{int(number):,}"


def percent_text(value: Any) -> str:
    """A percentage with one decimal (UI.md): 66.6667 → 66.7."""
    number = _decimal(value)
    if number is None:
        return DASH
    return f"{number:,.1f}"
