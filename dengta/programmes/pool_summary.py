"""Is an application's target realistic? Counts over its pilot-enterprise pool (pure Python, no Django).

The city pilot's outcome target is counted on the 规上 pilot enterprises of each pilot sub-industry (≥ 90 %
at 二级, DOMAIN.md 2.1), so a page shows, for the whole pool and for each sub-industry: how many are 规上,
SMEs and 专精特新 by tier, the level distribution, how many 规上 are below the target level and by how
many levels, and how many more must reach it for the target share (the ``effort_to_target`` each candidate
carries comes from the assessment's path to the level).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dengta.programmes.eligibility import LEVELS, TIERS, ApplicationInput, Candidate, to_plain
from dengta.programmes.rules import BatchRules, Target

DEFAULT_TARGET = Target(share=Decimal("0.90"), level=2)


@dataclass(frozen=True)
class PoolSummary:
    enterprises: int
    smes: int
    above_size: int  # 规上
    tiers: tuple[tuple[str, int], ...]  # (tier, count) for TIERS
    levels: tuple[int, ...]  # how many at level 0, 1, 2, 3, 4
    unassessed: int
    target: Target
    above_size_at_target: int
    above_size_below_target: int  # assessed, below the target level
    above_size_unassessed: int
    to_lift: int  # 规上 enterprises still to bring to the target level for the target share
    levels_short: tuple[tuple[int, int], ...]  # (levels short, how many 规上), assessed ones below target
    effort_to_target: int  # sum of the path efforts given for the 规上 below target or unassessed
    effort_unknown: int  # of those, how many have no path effort
    share_at_target: Decimal | None  # of the 规上, 4 decimals; None without 规上

    def to_json(self) -> dict[str, Any]:
        data = {f.name: to_plain(getattr(self, f.name)) for f in fields(self)}
        return data | {"tiers": dict(self.tiers), "levels_short": {str(k): n for k, n in self.levels_short}}


def summary(candidates: Iterable[Candidate], target: Target | None = None) -> PoolSummary:
    """Counts over a pool, each enterprise once (by credit code); the target defaults to 90 % at 二级."""
    target = target or DEFAULT_TARGET
    pool = list({c.key: c for c in candidates}.values())
    above = [c for c in pool if c.is_above_size]
    at_target = [c for c in above if c.current_level is not None and c.current_level >= target.level]
    below = [c for c in above if c.current_level is not None and c.current_level < target.level]
    unassessed_above = [c for c in above if c.current_level is None]
    needed = math.ceil(Fraction(target.share) * len(above))
    lagging = below + unassessed_above
    share = None
    if above:
        exact = Fraction(len(at_target), len(above))
        share = Decimal(math.floor(exact * 10_000 + Fraction(1, 2))).scaleb(-4)
    return PoolSummary(
        enterprises=len(pool),
        smes=sum(1 for c in pool if c.is_sme),
        above_size=len(above),
        tiers=tuple((t, sum(1 for c in pool if c.tier == t)) for t in TIERS),
        levels=tuple(sum(1 for c in pool if c.current_level == level) for level in LEVELS),
        unassessed=sum(1 for c in pool if c.current_level is None),
        target=target,
        above_size_at_target=len(at_target),
        above_size_below_target=len(below),
        above_size_unassessed=len(unassessed_above),
        to_lift=max(0, needed - len(at_target)),
        levels_short=tuple(sorted(Counter(target.level - (c.current_level or 0) for c in below).items())),
        effort_to_target=sum(c.effort_to_target or 0 for c in lagging),
        effort_unknown=sum(1 for c in lagging if c.effort_to_target is None),
        share_at_target=share,
    )


def application_summary(
    application: ApplicationInput, rules: BatchRules
) -> tuple[PoolSummary, tuple[tuple[str, PoolSummary], ...]]:
    """The whole pool and each sub-industry's: the target holds in each pilot sub-industry (DOMAIN.md 2.1)."""
    everyone = [c for s in application.sub_industries for c in s.candidates]
    per = tuple((s.code, summary(s.candidates, rules.target)) for s in application.sub_industries)
    return summary(everyone, rules.target), per
