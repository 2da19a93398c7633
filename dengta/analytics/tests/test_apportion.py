"""Sharing an allocation out over regions (dengta.analytics.apportion): exact, proportional, order-free."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dengta.analytics.apportion import apportion


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (10, {"a": 1, "b": 1, "c": 1}, {"a": 4, "b": 3, "c": 3}),
        (100, {"a": 3, "b": 1}, {"a": 75, "b": 25}),
        (1, {"b": 1, "a": 1}, {"a": 1, "b": 0}),  # a tie goes to the first key, whatever the order
        (7, {"a": 2, "b": 0, "c": 5}, {"a": 2, "c": 5}),  # a zero weight gets no part
        (0, {"a": 1}, {"a": 0}),
        (5, {}, {}),
        (5, {"a": 0}, {}),
    ],
)
def test_known_shares(total: int, weights: dict[str, int], expected: dict[str, int]) -> None:
    assert apportion(total, weights) == expected


def test_a_negative_total_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        apportion(-1, {"a": 1})


weights = st.dictionaries(
    st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=1000), max_size=8
)


@given(total=st.integers(min_value=0, max_value=10**15), weights=weights)
def test_parts_add_up_and_stay_within_a_unit_of_their_quota(total: int, weights: dict[str, int]) -> None:
    shares = apportion(total, weights)
    positive = {k: w for k, w in weights.items() if w > 0}
    assert set(shares) == set(positive)
    if positive:
        assert sum(shares.values()) == total
        whole = sum(positive.values())
        for key, w in positive.items():
            # quota = total * w / whole; each part is its floor or its ceiling
            assert shares[key] * whole >= total * w - whole
            assert shares[key] * whole <= total * w + whole
    assert apportion(total, dict(reversed(list(weights.items())))) == shares
