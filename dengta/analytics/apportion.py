"""Share an amount out over parts in proportion to their weights, to the unit, adding up exactly.

Pure (no Django): the summary tallies give each region the part of a pilot's allocation that falls to its
pilot enterprises (dengta.analytics.summary), and the parts must add up to the whole so that sibling regions
sum to their parent. The largest-remainder method (Hamilton) does that: each part gets the integer part of
its quota, and the units left over go to the largest remainders, ties broken by the key, so the result does
not depend on the order of the input.
"""

from __future__ import annotations

from collections.abc import Mapping


def apportion(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """``total`` units over the keys with a positive weight, in proportion to it; empty when none has one.

    >>> apportion(10, {"a": 1, "b": 1, "c": 1})
    {'a': 4, 'b': 3, 'c': 3}
    """
    if total < 0:
        raise ValueError("the total to share out is negative")
    positive = {key: w for key, w in weights.items() if w > 0}
    if not positive:
        return {}
    whole = sum(positive.values())
    shares = {key: total * w // whole for key, w in positive.items()}
    left = total - sum(shares.values())
    # The remainders compared exactly: (total * w) mod whole, larger first; then the key.
    order = sorted(positive, key=lambda key: (-(total * positive[key] % whole), key))
    for key in order[:left]:
        shares[key] += 1
    return shares
