"""Products in every state with their lifts and sub-industries."""

from __future__ import annotations

from datetime import datetime, timedelta

from dengta.catalog import matching
from dengta.catalog.models import Product, ProductLift
from dengta.demo import generate
from dengta.demo.catalog.base import (
    CATEGORY_WEIGHTS,
    DEMO_PROVIDER_LISTED,
    A,
    Item,
    P,
    Plan,
    S,
    allocate,
    bulk_dated,
    kind_of,
    may_list,
)
from dengta.demo.catalog.context import SeederBase
from dengta.demo.catalog.texts import DELIST_REASONS, REJECT_REASONS
from dengta.registry.models import Provider


class ProductSteps(SeederBase):
    """小快轻准 products in every state, their lifts valid for the current framework, their sub-industries."""

    def plan_products(self, plans: list[Plan]) -> list[Item]:
        """Listed products for providers that may list, split by kind (platforms and integrators offer
        more), drafts, pending, rejected and delisted ones; every sub-industry on a listed product."""
        allowed = may_list(plans)
        first: dict[int, Plan] = {}
        for plan in sorted(
            plans, key=lambda p: p.row.decided_at if p.row and p.row.decided_at else self.clock.now
        ):
            if plan.state == A.ADMITTED and plan.standing in (S.GOOD, S.WARNED):
                first.setdefault(plan.provider.pk, plan)
        listers = [p for p in self.providers if p.pk in allowed and p.pk != self.demo_provider.pk]
        shares = allocate(
            self.target - DEMO_PROVIDER_LISTED,
            [{"platform": 1.6, "integrated": 1.4}.get(kind_of(p), 1.0) for p in listers],
        )
        items: list[Item] = []
        for provider, n in zip(listers, shares, strict=True):
            items += [self._product(provider, P.LISTED, first[provider.pk]) for _ in range(n)]
        if self.demo_provider.pk in allowed:
            demo = first[self.demo_provider.pk]
            items += [self._product(self.demo_provider, P.LISTED, demo) for _ in range(DEMO_PROVIDER_LISTED)]
            items += [self._product(self.demo_provider, state, demo) for state in (P.DRAFT, P.PENDING)]
        items += self._other_states(plans, listers, first)
        self._cover_sub_industries([i for i in items if i.product.state == P.LISTED])
        return items

    def _other_states(self, plans: list[Plan], listers: list[Provider], first: dict[int, Plan]) -> list[Item]:
        rng, items = self.rng, []
        share = {P.DRAFT: 0.04, P.PENDING: 0.05, P.REJECTED: 0.03, P.DELISTED: 0.02}
        ningbo = self.city.organization.region.path if self.city.organization.region else "-"
        local = [
            p for p in listers if p.organization.region and p.organization.region.path.startswith(ningbo)
        ]
        for state, part in share.items():
            for index in range(max(3, round(self.target * part))):
                # demo-city reviews listings of 宁波's providers: a few pending ones wait in its queue.
                pool = local if state == P.PENDING and index < 3 and local else listers
                if pool:
                    provider = rng.choice(pool)
                    items.append(self._product(provider, state, first[provider.pk]))
        # A provider suspended, or removed without another pool, had its products taken down with the measure.
        allowed = may_list(plans)
        for plan in plans:
            taken_down = plan.standing in (S.SUSPENDED, S.REMOVED) and plan.provider.pk not in allowed
            if plan.state == A.ADMITTED and taken_down and plan.row is not None:
                why = DELIST_REASONS[1] if plan.standing == S.SUSPENDED else DELIST_REASONS[2]
                for _ in range(rng.randint(1, 2)):
                    items.append(self._product(plan.provider, P.DELISTED, plan, because=why))
        # Applicants prepare products before they are admitted.
        waiting = [
            p for p in plans if p.state in (A.SUBMITTED, A.UNDER_REVIEW) and p.provider.pk not in first
        ]
        for plan in rng.sample(waiting, k=min(len(waiting), max(2, round(self.target * 0.01)))):
            items.append(self._product(plan.provider, P.DRAFT, plan))
        return items

    def _product(self, provider: Provider, state: str, plan: Plan, *, because: str = "") -> Item:
        rng = self.rng
        taken = self._names.setdefault(provider.pk, set())
        for _attempt in range(8):  # a provider does not sell two products of the same name
            template, subs, name = self._named(provider)
            if name not in taken:
                break
        else:
            name = f"{name}（{rng.choice(('标准版', '专业版', '旗舰版'))}）"
        taken.add(name)
        audience = self.subs[subs[0]].name if template.industry_prefix else "制造业"
        who = f"面向{audience}中小企业" if template.text.startswith("{who}") else f"适用于{audience}中小企业"
        deployment = rng.choice(template.deployments)
        listed, pilot = generate.product_prices(rng, template.category)
        cases = rng.sample(self.firms, k=min(len(self.firms), 2))
        product = Product(
            provider=provider,
            name=name,
            description=template.text.replace("{who}", who),
            category=template.category,
            deployment=deployment,
            list_price=listed,
            pilot_price=pilot,
            price_unit=generate.price_unit(rng, template.category, deployment),
            delivery_days=rng.randint(*generate.DELIVERY_DAYS[template.category]),
            references=f"已在{rng.randint(3, 60)}家企业应用，如{'、'.join(c.name for c in cases)}。",
            version=generate.version_label(rng, template.category),
            framework_code=self.fw.code,
            framework_version=self.fw.version,
            state=state,
        )
        stamp = self._product_times(product, plan, because=because)
        product.derive()  # bulk_create does not call save(), which derives name_grams
        self.counts.products[state] += 1
        return Item(product, list(subs), self._lifts(template), stamp)

    def _named(self, provider: Provider) -> tuple[generate.ProductTemplate, list[str], str]:
        """A template, the product's sub-industries and its name: the sub-industry's short name or the
        provider's trade name before the template's, or the template's alone."""
        rng = self.rng
        template = self._template(provider)
        own = self.admission_subs(provider)
        subs = rng.sample(own, k=min(len(own), rng.randint(1, 3)))
        short = generate.short_industry_name(self.subs[subs[0]].name) if template.industry_prefix else ""
        brand = generate.trade_name_of(provider.organization.name)
        roll = rng.random()
        if short and roll < 0.45:
            return template, subs, f"{short}{template.stem}"
        if brand and roll < 0.7 and template.category in ("software", "cloud", "hardware"):
            return template, subs, f"{brand}{template.stem}"
        return template, subs, template.stem

    def _template(self, provider: Provider) -> generate.ProductTemplate:
        weights = CATEGORY_WEIGHTS[kind_of(provider)]
        category = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        serves = set(self.provider_scenarios(provider))
        same = [t for t in generate.PRODUCT_TEMPLATES if t.category == category]
        fitting = [t for t in same if not t.scenarios or t.scenarios[0][0] in serves]
        return self.rng.choice(fitting or same)

    def _lifts(self, template: generate.ProductTemplate) -> list[matching.Lift]:
        """What the product claims, 1–3 lifts: its scenarios at level 2 or 3, then its items' options."""
        lifts = [
            matching.Lift("scenario", code, self.rng.choice(levels)) for code, levels in template.scenarios
        ]
        items = [matching.Lift("item", code, 0, options) for code, options in template.items]
        if lifts and items and self.rng.random() < 0.3:
            items = []  # not every seller claims the data-collection answer its scenario brings
        return (lifts + items)[:3]

    def _product_times(self, product: Product, plan: Plan, *, because: str) -> tuple[datetime, datetime]:
        """submitted → decided/listed → (delisted), after the provider's admission, before now."""
        rng, clock = self.rng, self.clock
        admitted = plan.row.decided_at if plan.row and plan.row.decided_at else clock.days_ago(30, 90)
        decider = plan.info.decider
        if product.state == P.DRAFT:
            created = clock.days_ago(2, 40)
            return created, clock.after(created, 0, 3)
        if product.state == P.PENDING:
            product.submitted_at = clock.days_ago(1, 15)
            created = product.submitted_at - timedelta(days=rng.uniform(1, 20))
            return created, product.submitted_at
        product.submitted_at = clock.after(admitted, 2, 40)
        product.decided_at = clock.after(product.submitted_at, 1, 10)
        product.decided_by = decider
        created = product.submitted_at - timedelta(days=rng.uniform(0.5, 20))
        if product.state == P.REJECTED:
            product.reason = rng.choice(REJECT_REASONS)
        elif product.state in (P.LISTED, P.DELISTED):
            product.listed_at = product.decided_at
        if product.state == P.DELISTED:
            product.decided_at = clock.after(product.listed_at or product.decided_at, 20, 120)
            product.reason = because or rng.choice(DELIST_REASONS[::3])
        return created, product.decided_at

    def _cover_sub_industries(self, listed: list[Item]) -> None:
        """Every sub-industry on at least one listed product (the provider then serves it too)."""
        if not listed:
            return
        covered = {sub for item in listed for sub in item.subs}
        order = self.rng.sample(listed, k=len(listed))
        for index, sub in enumerate(code for code in self.sub_codes if code not in covered):
            item = order[index % len(order)]
            item.subs.append(sub)
            self.provider_subs[item.product.provider_id].append(sub)

    def write_products(self, items: list[Item]) -> None:
        products = [i.product for i in items]
        bulk_dated(products, [i.stamp for i in items])
        lifts = [
            ProductLift(product=i.product, kind=x.kind, code=x.code, level=x.level, options=list(x.options))
            for i in items
            for x in i.lifts
        ]
        ProductLift.objects.bulk_create(lifts, batch_size=1000)
        self.counts.lifts = len(lifts)
        through = Product.sub_industries.through
        through.objects.bulk_create(
            [
                through(product_id=i.product.pk, subindustry_id=sub)
                for i in items
                for sub in sorted(set(i.subs))
            ],
            batch_size=2000,
        )
