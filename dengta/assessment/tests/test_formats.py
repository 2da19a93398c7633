"""One number format per quantity (dengta.assessment.formats), table-driven and as properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dengta.assessment import formats
from dengta.assessment.templatetags import assessment_tags


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("46.9250"), "46.925"),
        (Decimal("52.90"), "52.9"),
        ("52.9", "52.9"),
        (Decimal("50.0000"), "50"),
        (Decimal("0.7000"), "0.7"),
        (Decimal("1.875"), "1.875"),
        (Decimal("0"), "0"),
        (Decimal("-0.0000"), "0"),
        (Decimal("1234.5"), "1,234.5"),
        (Decimal("1234567"), "1,234,567"),
        (Decimal("-2.5"), "-2.5"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_points_text(value: object, text: str) -> None:
    assert formats.points_text(value) == text
    assert assessment_tags.points(value) == text  # the template filter is the same function


def test_signed_counts_and_percentages() -> None:
    assert formats.signed_points_text(Decimal("7.5000")) == "+7.5"
    assert formats.signed_points_text(Decimal("-2")) == "−2"
    assert formats.signed_points_text(0) == "0" and formats.signed_points_text(None) == "—"
    assert formats.count_text(12345) == "12,345" and formats.count_text(None) == "—"
    assert formats.percent_text(Decimal("66.6667")) == "66.7" and formats.percent_text(100) == "100.0"


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_points_in_ten_thousandths_read_back_exactly(units: int) -> None:
    """Every figure the index can produce (ten-thousandths) is written without loss and without zeros."""
    value = Decimal(units) / 10000
    text = formats.points_text(value)
    assert Decimal(text.replace(",", "")) == value
    assert not ("." in text and text.endswith("0"))
