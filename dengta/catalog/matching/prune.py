"""Dominance pruning of candidate offers before the search (the argument is in the package docstring, step 3).

An offer A is dropped when at least ``keep`` offers that are kept dominate it. B dominates A when B's
effect is at least A's everywhere (``vec``: every scenario and item feature of the model, element-wise)
and either

- B is cheaper by enough that any bundle's enterprise share drops by at least a fen when A is replaced by B
  (``share_drops``), and their effects are identical or no bundle can go past the target level (``cross``);
- or the effects are identical, B costs no more and is no worse on the ranking's tie-breakers (rated as
  A is and at least as high, delivered no later, fitting the sub-industry when A does) and better on one
  of them that a bundle keeps (a higher rating, fit, or, when everything else ties, a smaller id).

The relation is transitive and a dominator always comes earlier in ``order`` (price, rating, delivery, fit,
id), so an offer with ``keep`` dominators has ``keep`` kept ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

import numpy as np

from dengta.catalog.matching.core import Offer


@dataclass(frozen=True)
class Pruned:
    kept: tuple[int, ...]  # indices into the offers, in the order given
    classes: tuple[int, ...]  # per offer: its identical-effect class


def share_drops(cheaper_by_fen: int, rate: Decimal) -> bool:
    """Whether pilot prices ``cheaper_by_fen`` apart always give shares at least a fen apart.

    The subsidy min(pilot × rate, cap) rounded down to the fen grows by at most ⌊d × rate⌋ + 1 fen when the
    pilot price grows by d fen (rate ≤ 1), so the share grows by at least d − ⌊d × rate⌋ − 1 fen."""
    if cheaper_by_fen <= 0:
        return False
    subsidy = int((Decimal(cheaper_by_fen) * rate).to_integral_value(rounding=ROUND_FLOOR))
    return cheaper_by_fen - subsidy >= 2


def _ties_better(b: Offer, a: Offer) -> bool:
    """B no worse than A on rating, delivery and fit, and better on one that a bundle keeps (or a smaller
    id)."""
    if (b.rating is None) != (a.rating is None):
        return False  # a rating where A has none can lower a bundle's mean rating
    if b.rating is not None and a.rating is not None and b.rating < a.rating:
        return False
    if b.delivery_days > a.delivery_days or (a.sub_industry_fit and not b.sub_industry_fit):
        return False
    higher = b.rating is not None and a.rating is not None and b.rating > a.rating
    return higher or (b.sub_industry_fit and not a.sub_industry_fit) or b.id < a.id


def order_key(offer: Offer, price_fen: int) -> tuple[object, ...]:
    rating = offer.rating
    return (
        price_fen,
        rating is None,
        -(rating or 0),
        offer.delivery_days,
        not offer.sub_industry_fit,
        offer.id,
    )


def prune(
    offers: Sequence[Offer],
    price_fen: Sequence[int],
    vec: np.ndarray,
    *,
    keep: int,
    rate: Decimal,
    cross: bool,
) -> Pruned:
    """The offers to search (module docstring). ``vec`` has one row per offer; ``cross`` allows dominance
    between different effects (only when no bundle can go past the target level)."""
    n = len(offers)
    class_of: dict[bytes, int] = {}
    classes = [class_of.setdefault(np.ascontiguousarray(vec[i]).tobytes(), len(class_of)) for i in range(n)]
    first = {c: i for i, c in reversed(list(enumerate(classes)))}
    rows = np.array([vec[first[c]] for c in range(len(class_of))]) if n else np.zeros((0, 0), dtype=np.int64)
    above: list[list[int]] = []  # per class: the classes whose effect is at least its own, itself first
    for c in range(len(class_of)):
        others = np.flatnonzero((rows >= rows[c]).all(axis=1)) if cross else np.array([], dtype=np.int64)
        above.append([c, *(int(d) for d in others if d != c)])
    kept_in: dict[int, list[int]] = {}
    kept: list[int] = []
    for i in sorted(range(n), key=lambda i: order_key(offers[i], price_fen[i])):
        a, count = offers[i], 0
        for c in above[classes[i]]:
            for j in kept_in.get(c, ()):
                cheaper = share_drops(price_fen[i] - price_fen[j], rate)
                if cheaper or (
                    c == classes[i] and price_fen[j] <= price_fen[i] and _ties_better(offers[j], a)
                ):
                    count += 1
                    if count >= keep:
                        break
            if count >= keep:
                break
        if count < keep:
            kept.append(i)
            kept_in.setdefault(classes[i], []).append(i)
    return Pruned(tuple(sorted(kept)), tuple(classes))
