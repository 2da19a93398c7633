"""Typical models (典型模式) of a sub-industry, computed from its published cases (pure: no Django).

DOMAIN.md 2.2 asks the pilots for replicable typical models per sub-industry; a model is what the
sub-industry's published cases have in common: the product bundles that recur, the median cost and the
enterprise's median share of it, the median level and scenario uplift, and the median time from contract
to acceptance. It is shown only from ``MIN_CASES`` cases on: a median of one or two cases would be their
exact figures, which an anonymised case must not give away.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from dengta.cases.figures import CaseFigures

MIN_CASES = 3
TOP_BUNDLES = 5
TOP_PRODUCTS = 8


@dataclass(frozen=True)
class Bundle:
    products: tuple[str, ...]  # sorted product names
    cases: int


@dataclass(frozen=True)
class ScenarioUplift:
    code: str
    name: str
    cases: int  # cases that include the scenario with a level before
    median_uplift: Decimal


@dataclass(frozen=True)
class TypicalModel:
    cases: int
    bundles: list[Bundle] = field(default_factory=list)  # those in two cases or more, most frequent first
    products: list[tuple[str, int]] = field(default_factory=list)  # product and the cases using it
    median_contract_yuan: Decimal | None = None
    median_enterprise_share_pct: Decimal | None = None
    median_level_before: Decimal | None = None
    median_level_after: Decimal | None = None
    median_uplift: Decimal | None = None
    scenarios: list[ScenarioUplift] = field(default_factory=list)
    median_days: Decimal | None = None

    @property
    def shown(self) -> bool:
        return self.cases >= MIN_CASES


def _median(values: Iterable[Decimal | int]) -> Decimal | None:
    found = [Decimal(v) for v in values]
    if not found:
        return None
    return Decimal(median(found)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def typical_model(cases: Sequence[CaseFigures]) -> TypicalModel:
    """The model of a sub-industry's published cases (their figures as derived, not anonymised: only
    counts and medians of at least MIN_CASES cases leave this function)."""
    if len(cases) < MIN_CASES:
        return TypicalModel(cases=len(cases))
    bundles = Counter(tuple(sorted({p["product"] for p in f.products})) for f in cases if f.products)
    products = Counter(name for f in cases for name in {p["product"] for p in f.products})
    uplifts: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for f in cases:
        for s in f.scenarios:
            if s.before is not None:
                uplifts.setdefault(s.code, []).append(s.after - s.before)
                names[s.code] = s.name
    scenarios = [
        ScenarioUplift(code, names[code], len(values), _median(values) or Decimal(0))
        for code, values in uplifts.items()
        if len(values) >= MIN_CASES
    ]
    scenarios.sort(key=lambda s: (-s.cases, -s.median_uplift, s.code))
    shares = [Decimal(f.enterprise_share_pct) for f in cases if f.enterprise_share_pct]
    return TypicalModel(
        cases=len(cases),
        bundles=[
            Bundle(bundle, n)
            for bundle, n in sorted(bundles.items(), key=lambda item: (-item[1], item[0]))
            if n >= 2
        ][:TOP_BUNDLES],
        products=sorted(products.items(), key=lambda item: (-item[1], item[0]))[:TOP_PRODUCTS],
        median_contract_yuan=_median(Decimal(f.contract_yuan) for f in cases),
        median_enterprise_share_pct=_median(shares),
        median_level_before=_median(f.level_before for f in cases if f.level_before is not None),
        median_level_after=_median(f.level_after for f in cases),
        median_uplift=_median(f.uplift for f in cases if f.uplift is not None),
        scenarios=scenarios,
        median_days=_median(f.duration_days for f in cases if f.duration_days is not None),
    )
