"""The demo catalogue's steps, in the order they run."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dengta.demo.catalog.admissions import AdmissionSteps
from dengta.demo.catalog.base import CatalogCounts
from dengta.demo.catalog.pools import PoolSteps
from dengta.demo.catalog.products import ProductSteps
from dengta.demo.catalog.quotes import QuoteSteps


class CatalogSeeder(PoolSteps, AdmissionSteps, ProductSteps, QuoteSteps):
    def run(self, cities: Iterable[tuple[str, str, tuple[str, ...]]]) -> CatalogCounts:
        """The steps in the order they draw from the random stream: changing the order changes the catalogue
        a seed gives."""
        infos = self.pools(cities)
        self.balance_kinds()
        plans = self.plan_admissions(infos)
        self.measures(plans)
        self.write_admissions(plans)
        items = self.plan_products(plans)
        asks = self.plan_quotes(items)
        self.write_admission_subs(plans)
        self.write_products(items)
        self.write_quotes(asks)
        self.write_complaints(plans, asks)
        self.scores(plans)
        return self.counts


def seed_catalog(
    seed: int,
    providers_in_scale: int,
    cities: Iterable[tuple[str, str, tuple[str, ...]]],
    say: Callable[[str], None],
) -> CatalogCounts:
    """Seed the catalogue after the registry, the demo logins and the assessments."""
    return CatalogSeeder(seed, providers_in_scale, say).run(cities)
