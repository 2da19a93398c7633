"""The demo catalogue's settings, counts, clock, bulk writes and the plans its steps pass on."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

from dengta.catalog import matching
from dengta.catalog.models import (
    Admission,
    AdmissionState,
    GovernanceAction,
    Pool,
    Product,
    ProductState,
    QuoteState,
    Standing,
)
from dengta.registry.models import Provider

TZ = ZoneInfo("Asia/Shanghai")
KINDS = ("platform", "integrated", "scenario")
A, S, P, Q = AdmissionState, Standing, ProductState, QuoteState
Act = GovernanceAction.Kind
NATIONAL_PERIOD = 2026
CLOSED_CITY = "330200"  # 宁波: demo-city sees its previous, closed period too
CLOSED_PERIOD = 2025
XIAMEN = "350200"  # 厦门 appointed integrated providers (DOMAIN.md 2.8)
EXPERT_REVIEW_CITIES = {"320500", "441900", XIAMEN}
TWO_REFERENCES_CITIES = {"350600", "370500", "411000"}
# How a 2026 application stands now; admitted ones then draw a standing.
STATE_WEIGHTS = {
    A.ADMITTED: 58,
    A.UNDER_REVIEW: 9,
    A.SUBMITTED: 8,
    A.DRAFT: 7,
    A.RETURNED: 6,
    A.REFUSED: 7,
    A.WITHDRAWN: 5,
}
STANDING_WEIGHTS = {S.GOOD: 86, S.WARNED: 7, S.SUSPENDED: 4, S.REMOVED: 3}
# How long ago a request in each state was made (days): open ones are recent, accepted ones older.
QUOTE_AGE_DAYS: dict[str, tuple[int, int]] = {
    Q.OPEN: (1, 20),
    Q.ANSWERED: (5, 25),
    Q.DECLINED: (10, 200),
    Q.ACCEPTED: (40, 240),
    Q.WITHDRAWN: (10, 220),
}
QUOTE_WEIGHTS = {Q.OPEN: 22, Q.ANSWERED: 18, Q.DECLINED: 10, Q.ACCEPTED: 35, Q.WITHDRAWN: 15}
CATEGORY_WEIGHTS = {
    "platform": {"diagnosis": 4, "consulting": 3, "cloud": 4, "software": 4, "hardware": 1, "integration": 1},
    "integrated": {
        "integration": 4,
        "equipment": 3,
        "software": 3,
        "hardware": 2,
        "diagnosis": 2,
        "consulting": 1,
    },
    "scenario": {"software": 6, "cloud": 3, "hardware": 3, "equipment": 2, "consulting": 1, "diagnosis": 1},
}
LISTED_PER_PROVIDER = 4  # listed products per provider of the scale (1,200 at the demo scale)
DEMO_PROVIDER_LISTED = 8


@dataclass
class CatalogCounts:
    pools: int = 0
    admissions: Counter[str] = field(default_factory=Counter)
    standings: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    appeals: Counter[str] = field(default_factory=Counter)
    products: Counter[str] = field(default_factory=Counter)
    lifts: int = 0
    quotes: Counter[str] = field(default_factory=Counter)
    ratings: int = 0
    complaints: int = 0
    scores: int | None = None

    def line(self) -> str:
        def spread(c: Counter[str]) -> str:
            return " ".join(f"{k}={v}" for k, v in sorted(c.items()))

        scores = "not computed (dengta.catalog.rating missing)" if self.scores is None else self.scores
        return (
            f"catalogue: {self.pools} pools; {sum(self.admissions.values())} admissions "
            f"({spread(self.admissions)}), admitted standing ({spread(self.standings)}); "
            f"{sum(self.actions.values())} governance actions ({spread(self.actions)}; appeals "
            f"{spread(self.appeals)}); {sum(self.products.values())} products ({spread(self.products)}) "
            f"with {self.lifts} lifts; {sum(self.quotes.values())} quote requests ({spread(self.quotes)}); "
            f"{self.ratings} ratings, {self.complaints} complaints; provider scores: {scores}"
        )

    def payload(self) -> dict[str, Any]:
        return {
            "pools": self.pools,
            "admissions": dict(sorted(self.admissions.items())),
            "standings": dict(sorted(self.standings.items())),
            "products": dict(sorted(self.products.items())),
            "quotes": dict(sorted(self.quotes.items())),
            "ratings": self.ratings,
            "complaints": self.complaints,
        }


def kind_of(provider: Provider) -> str:
    return provider.kind_id or "scenario"


def listed_target(providers: int) -> int:
    """How many listed products the demo builds for a scale with this many providers."""
    return max(60, providers * LISTED_PER_PROVIDER)


# -- time ------------------------------------------------------------------------------------------------
class Clock:
    """Moments in Beijing time, never later than an hour ago (the demo may be built on any day)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.now() - timedelta(hours=1)
        self.today = timezone.localdate()

    def at(self, day: date, start_hour: int = 9) -> datetime:
        moment = datetime.combine(day, time(self.rng.randint(start_hour, 17), self.rng.randint(0, 59)), TZ)
        return min(moment, self.now)

    def between(self, first: date, last: date) -> datetime:
        last = min(last, self.today - timedelta(days=1))
        span = max(0, (last - first).days)
        return self.at(first + timedelta(days=self.rng.randint(0, span)))

    def after(self, moment: datetime, low: float, high: float) -> datetime:
        return min(moment + timedelta(days=self.rng.uniform(low, high)), self.now)

    def days_ago(self, low: float, high: float) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(low, high))


@contextmanager
def _dated(model: type[models.Model]) -> Iterator[None]:
    """Writes rows with the dates they carry: created_at/updated_at are auto_now_add/auto_now, which would
    stamp every bulk-created row with the present. Lifted only while the demo seeds (one thread); updating
    the dates afterwards, as the assessments do, costs seconds at the demo scale."""
    fields = [model._meta.get_field("created_at"), model._meta.get_field("updated_at")]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]  # type: ignore[union-attr]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False  # type: ignore[union-attr]
        yield
    finally:
        for f, (now, add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = now, add  # type: ignore[union-attr]


def bulk_dated(
    rows: Sequence[models.Model], stamps: Sequence[tuple[datetime, datetime]], batch: int = 500
) -> None:
    """bulk_create with each row's (created, updated) dates."""
    if not rows:
        return
    for row, (created, updated) in zip(rows, stamps, strict=True):
        row.created_at, row.updated_at = created, updated  # type: ignore[attr-defined]
    model = type(rows[0])
    with _dated(model):
        model._default_manager.bulk_create(rows, batch_size=batch)


@dataclass
class Firm:
    pk: int
    organization_id: int
    name: str
    path: str
    place: str
    sub: str | None


@dataclass
class PoolInfo:
    pool: Pool
    decider: Any
    opens: date
    closes: date
    kinds: tuple[str, ...]
    closed: bool = False


@dataclass
class Item:
    """A product as it will be stored, with its sub-industries and lifts."""

    product: Product
    subs: list[str]
    lifts: list[matching.Lift]
    stamp: tuple[datetime, datetime]


@dataclass
class Ask:
    """A quote request as it will be stored."""

    firm: Firm
    provider: Provider
    items: list[Item]
    state: str


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), at least one each while it lasts."""
    if not weights:
        return []
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [max(1, int(x)) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    index = 0
    while sum(shares) < total:
        shares[order[index % len(order)]] += 1
        index += 1
    return shares


@dataclass
class Plan:
    """One application as it will be stored, with the governance measures that led to its standing."""

    provider: Provider
    info: PoolInfo
    state: str
    standing: str = S.GOOD
    measures: list[str] = field(default_factory=list)
    row: Admission | None = None


def may_list(plans: Sequence[Plan]) -> set[int]:
    """Providers that may list products: admitted in good standing or warned somewhere, suspended nowhere
    (dengta.catalog.selectors.listing_standing)."""
    good = {p.provider.pk for p in plans if p.state == A.ADMITTED and p.standing in (S.GOOD, S.WARNED)}
    suspended = {p.provider.pk for p in plans if p.state == A.ADMITTED and p.standing == S.SUSPENDED}
    return good - suspended
