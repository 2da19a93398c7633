"""Decimal helpers shared by the pure calculations (no Django imports here)."""

from __future__ import annotations

from decimal import Decimal


def decimal_places(number: Decimal) -> int:
    """Decimal places that carry a digit (1.500 has 1), read from the digits, never rounded by a context."""
    if number == 0:
        return 0
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    kept = list(digits)
    while exponent < 0 and kept and kept[-1] == 0:
        kept.pop()
        exponent += 1
    return max(0, -exponent)
