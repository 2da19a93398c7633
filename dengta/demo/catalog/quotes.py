"""Quote requests in a few markets, ratings after accepted quotes, complaints and provider scores."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from dengta.catalog.models import Complaint, ProviderRating, QuoteRequest
from dengta.demo.catalog.base import (
    QUOTE_AGE_DAYS,
    QUOTE_WEIGHTS,
    A,
    Ask,
    Firm,
    Item,
    P,
    Plan,
    Q,
    S,
    bulk_dated,
    kind_of,
)
from dengta.demo.catalog.context import SeederBase, contacts, demo_login
from dengta.demo.catalog.texts import COMPLAINTS, DECLINE_ANSWERS, QUOTE_ANSWERS, RATING_COMMENTS
from dengta.orgs.models import OrgType
from dengta.registry.models import Provider


class QuoteSteps(SeederBase):
    """Quote requests between enterprises and providers that may be offered, in a few (city, sub-industry)
    markets (DOMAIN.md 6.1); ratings only after an accepted quote; complaints; the providers' scores."""

    def plan_quotes(self, items: list[Item]) -> list[Ask]:
        """Requests in a few (city, sub-industry) markets: some spread over five to seven providers, some
        held mostly by one integrated provider (the lock-in DOMAIN.md 6.1 warns of), and demo-provider's one
        open request."""
        listed: dict[int, list[Item]] = defaultdict(list)
        for item in items:
            if item.product.state == P.LISTED:
                listed[item.product.provider_id].append(item)
        active = [p for p in self.providers if p.pk in listed and p.pk != self.demo_provider.pk]
        if not active:
            return []
        dominated, spread = self._markets(normal=max(3, min(30, len(active) // 6)))
        asks: list[Ask] = []
        leaders: set[int] = set()
        for sub, firms in dominated:
            leader = self._leader(active, sub, leaders)
            leaders.add(leader.pk)
            others = self._pick(active, sub, 2, exclude={leader.pk})
            n = self.rng.randint(10, 16)
            lead_n = max(2, round(n * 0.65))
            asks += self._asks(sub, firms, [leader], lead_n, listed, no_withdrawn=True)
            asks += self._asks(sub, firms, others, n - lead_n, listed)
        for sub, firms in spread:
            chosen = self._pick(active, sub, self.rng.randint(5, 7), exclude=set())
            asks += self._asks(sub, firms, chosen, self.rng.randint(9, 16), listed)
        self._enough_accepted(asks)
        self._every_state(asks, leaders)
        asks += self._demo_provider_ask(listed, spread + dominated)
        return asks

    def _every_state(self, asks: list[Ask], leaders: set[int]) -> None:
        """Requests in every state (small scales may draw none declined): one of the most common state
        changes, never an accepted one (ratings rest on those), preferably not one to a market's leader
        and never a leader's to withdrawn (the watch leaves withdrawn requests out)."""
        for state in QUOTE_WEIGHTS:
            counts = Counter(a.state for a in asks)
            if counts[state]:
                continue
            movable = [a for a in asks if a.state != Q.ACCEPTED and counts[a.state] > 1]
            others = [a for a in movable if a.provider.pk not in leaders]
            if state == Q.WITHDRAWN:
                movable = others
            if others or movable:
                max(others or movable, key=lambda a: counts[a.state]).state = state

    def _markets(self, normal: int) -> tuple[list[tuple[str, list[Firm]]], list[tuple[str, list[Firm]]]]:
        grouped: dict[tuple[str, str], list[Firm]] = defaultdict(list)
        for firm in self.firms:
            if firm.sub and firm.place:
                grouped[(firm.place, firm.sub)].append(firm)
        ranked = sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        home = self.city.organization.region_id
        dominated = [kv for kv in ranked if kv[0][0] == home][:1]
        dominated += [kv for kv in ranked if kv[0][0] != home][:2]
        rest = [kv for kv in ranked if kv not in dominated]
        spread: list[tuple[tuple[str, str], list[Firm]]] = []
        per_place: Counter[str] = Counter()
        for key, firms in rest:
            if len(spread) >= normal:
                break
            if per_place[key[0]] < 3:
                spread.append((key, firms))
                per_place[key[0]] += 1
        return [(k[1], f) for k, f in dominated], [(k[1], f) for k, f in spread]

    def _leader(self, active: list[Provider], sub: str, taken: set[int]) -> Provider:
        def rank(p: Provider) -> tuple[int, int, int]:
            kind = {"integrated": 0, "platform": 1}.get(kind_of(p), 2)
            return (kind, 0 if sub in self.provider_subs.get(p.pk, []) else 1, p.pk)

        free = [p for p in active if p.pk not in taken] or active
        best = sorted(free, key=rank)[: max(1, len(free) // 10)]
        return self.rng.choice(best)

    def _pick(self, active: list[Provider], sub: str, k: int, exclude: set[int]) -> list[Provider]:
        pool = [p for p in active if p.pk not in exclude]
        weights = [5 if sub in self.provider_subs.get(p.pk, []) else 1 for p in pool]
        chosen: list[Provider] = []
        while pool and len(chosen) < k:
            index = self.rng.choices(range(len(pool)), weights=weights)[0]
            chosen.append(pool.pop(index))
            weights.pop(index)
        return chosen

    def _asks(
        self,
        sub: str,
        firms: list[Firm],
        providers: list[Provider],
        n: int,
        listed: dict[int, list[Item]],
        *,
        no_withdrawn: bool = False,
    ) -> list[Ask]:
        """n requests in one market, providers in turn, each pair of enterprise and provider once."""
        weights = dict(QUOTE_WEIGHTS)
        if no_withdrawn:
            weights.pop(Q.WITHDRAWN)
        asks, used = [], set()
        for index in range(n):
            if not providers:
                break
            provider = providers[index % len(providers)]
            free = [
                f for f in firms if (f.pk, provider.pk) not in used and (f.pk, provider.pk) not in self._pairs
            ]
            if not free:
                continue
            firm = self.rng.choice(free)
            used.add((firm.pk, provider.pk))
            self._pairs.add((firm.pk, provider.pk))
            state = self.rng.choices(list(weights), weights=list(weights.values()))[0]
            asks.append(Ask(firm, provider, self._ask_items(provider, sub, listed), state))
        return asks

    def _ask_items(self, provider: Provider, sub: str, listed: dict[int, list[Item]]) -> list[Item]:
        own = listed[provider.pk]
        fitting = [i for i in own if sub in i.subs]
        if not fitting:
            # The provider claims the market's sub-industry for one of its products (and serves it).
            fitting = [self.rng.choice(own)]
            fitting[0].subs.append(sub)
            self.provider_subs[provider.pk].append(sub)
        chosen = self.rng.sample(fitting, k=min(len(fitting), self.rng.choice((1, 1, 2))))
        return chosen

    def _enough_accepted(self, asks: list[Ask]) -> None:
        """The rating formula needs three ratings: a provider with one or two accepted quotes and other
        requests answered or declined has some of those accepted too."""
        by_provider: dict[int, list[Ask]] = defaultdict(list)
        for ask in asks:
            by_provider[ask.provider.pk].append(ask)
        for group in by_provider.values():
            accepted = sum(a.state == Q.ACCEPTED for a in group)
            for ask in group:
                if accepted == 0 or accepted >= 3:
                    break
                if ask.state in (Q.ANSWERED, Q.DECLINED):
                    ask.state = Q.ACCEPTED
                    accepted += 1

    def _demo_provider_ask(
        self, listed: dict[int, list[Item]], markets: list[tuple[str, list[Firm]]]
    ) -> list[Ask]:
        """An enterprise of 宁波 asks demo-provider, in one of the markets above (a market of one request
        would look held by demo-provider alone), a market with competition first."""
        own = listed.get(self.demo_provider.pk)
        if not own:
            return []
        home = self.city.organization.region_id
        firms = [f for _sub, group in markets for f in group if f.place == home]
        firms = (
            firms or [f for f in self.firms if f.place == home and f.sub] or [f for f in self.firms if f.sub]
        )
        if not firms:
            return []
        firm = firms[0] if firms[0].place == home else self.rng.choice(firms)
        sub = firm.sub or ""
        fitting = [i for i in own if sub in i.subs] or own
        items = self.rng.sample(fitting, k=min(len(fitting), 2))
        return [Ask(firm, self.demo_provider, items, Q.OPEN)]

    def write_quotes(self, asks: list[Ask]) -> list[QuoteRequest]:
        requesters = contacts(self.rng, (a.firm.organization_id for a in asks), "enterprise-contact")
        sellers = (a.provider.organization_id for a in asks if a.provider.pk != self.demo_provider.pk)
        answerers = contacts(self.rng, sellers, "provider-contact")
        answerers[self.demo_provider.organization_id] = demo_login("demo-provider", OrgType.PROVIDER).user
        rows, stamps = [], []
        for ask in asks:
            row, stamp = self._quote(ask, requesters[ask.firm.organization_id], answerers)
            rows.append(row)
            stamps.append(stamp)
            self.counts.quotes[ask.state] += 1
        bulk_dated(rows, stamps)
        through = QuoteRequest.products.through
        through.objects.bulk_create(
            [
                through(quoterequest_id=row.pk, product_id=item.product.pk)
                for row, ask in zip(rows, asks, strict=True)
                for item in ask.items
            ],
            batch_size=2000,
        )
        self._ratings(asks, rows, requesters)
        return rows

    def _quote(self, ask: Ask, requester: Any, answerers: dict[int, Any]) -> tuple[QuoteRequest, Any]:
        row = QuoteRequest(
            enterprise_id=ask.firm.pk,
            provider=ask.provider,
            sub_industry_id=ask.firm.sub,
            message=self._message(ask),
            state=ask.state,
            requested_by=requester,
        )
        created = self.clock.days_ago(*QUOTE_AGE_DAYS[ask.state])
        updated = created
        answered = ask.state in (Q.ANSWERED, Q.DECLINED, Q.ACCEPTED) or (
            ask.state == Q.WITHDRAWN and self.rng.random() < 0.5
        )
        if answered:
            updated = self._answer(row, ask, created, answerers[ask.provider.organization_id])
        if ask.state in (Q.ACCEPTED, Q.WITHDRAWN):
            updated = self.clock.after(updated, 2, 15)
        return row, (created, updated)

    def _message(self, ask: Ask) -> str:
        """The enterprise's request, naming the products and the scenario the first of them lifts."""
        names = "、".join(f"“{i.product.name}”" for i in ask.items)
        scenario = next(
            (
                s.name
                for i in ask.items
                for x in i.lifts
                if x.kind == "scenario" and (s := self.fw.scenario(x.code))
            ),
            "",
        )
        return (
            f"我司计划对{scenario}环节进行数字化改造，请就{names}提供试点报价和实施周期。"
            if scenario
            else f"我司计划申报数字化转型试点，请就{names}提供试点报价和服务周期。"
        )

    def _answer(self, row: QuoteRequest, ask: Ask, created: datetime, answerer: Any) -> datetime:
        """The provider's answer: a decline, or a quote a little under the products' pilot prices, valid for a
        month (an accepted one's validity may have lapsed since). Returns when it was answered."""
        rng, clock = self.rng, self.clock
        row.answered_at = answered = clock.after(created, 1, 5)
        row.answered_by = answerer
        if ask.state == Q.DECLINED:
            row.answer = rng.choice(DECLINE_ANSWERS)
            return answered
        pilot = sum((i.product.pilot_price for i in ask.items), Decimal(0))
        row.quote_yuan = (pilot * Decimal(rng.uniform(0.9, 1.0)) / 100).quantize(Decimal("1")) * 100
        row.answer = rng.choice(QUOTE_ANSWERS)
        row.valid_until = max(answered.date() + timedelta(days=30), clock.today + timedelta(days=7))
        if ask.state == Q.ACCEPTED:
            row.valid_until = answered.date() + timedelta(days=30)
        return answered

    def _ratings(self, asks: list[Ask], rows: list[QuoteRequest], requesters: dict[int, Any]) -> None:
        """Enterprises rate providers whose quote they accepted (worked_with, dengta.catalog.services)."""
        accepted = Counter(a.provider.pk for a in asks if a.state == Q.ACCEPTED)
        ratings, stamps, seen = [], [], set()
        for ask, row in zip(asks, rows, strict=True):
            key = (ask.provider.pk, ask.firm.pk)
            if ask.state != Q.ACCEPTED or key in seen:
                continue
            if accepted[ask.provider.pk] < 3 and self.rng.random() < 0.2:
                continue
            seen.add(key)
            stars = self.rng.choices((5, 4, 3, 2, 1), weights=(45, 35, 12, 5, 3))[0]
            ratings.append(
                ProviderRating(
                    provider=ask.provider,
                    enterprise_id=ask.firm.pk,
                    stars=stars,
                    comment=self.rng.choice(RATING_COMMENTS[stars]),
                    rated_by=requesters[ask.firm.organization_id],
                )
            )
            moment = self.clock.after(row.answered_at or self.clock.now, 20, 90)
            stamps.append((moment, moment))
        bulk_dated(ratings, stamps)
        self.counts.ratings = len(ratings)

    def write_complaints(self, plans: list[Plan], asks: list[Ask]) -> None:
        """Upheld complaints behind the measures, and a few others (some not upheld)."""
        clients: dict[int, list[Firm]] = defaultdict(list)
        for ask in asks:
            if ask.state == Q.ACCEPTED:
                clients[ask.provider.pk].append(ask.firm)
        targets = [(p, True) for p in plans if p.state == A.ADMITTED and p.standing != S.GOOD]
        admitted = [p for p in plans if p.state == A.ADMITTED and p.standing == S.GOOD]
        targets += [(p, self.rng.random() < 0.6) for p in self.rng.sample(admitted, k=min(len(admitted), 6))]
        rows, stamps = [], []
        for plan, upheld in targets:
            firm = self.rng.choice(clients[plan.provider.pk]) if clients.get(plan.provider.pk) else None
            rows.append(
                Complaint(
                    provider=plan.provider,
                    enterprise_id=firm.pk if firm else None,
                    summary=self.rng.choice(COMPLAINTS),
                    upheld=upheld,
                    recorded_by=plan.info.decider,
                )
            )
            moment = self.clock.days_ago(20, 150)
            stamps.append((moment, moment))
        bulk_dated(rows, stamps)
        self.counts.complaints = len(rows)

    def scores(self, plans: list[Plan]) -> None:
        """Star ratings of the admitted providers, computed as the service computes them (it copies the stars
        onto the products too). It needs dengta.catalog.rating; without it the demo goes on unrated."""
        try:
            from dengta.catalog.services.governance import provider_score_refresh
        except ImportError:
            return
        providers = {p.provider.pk: p.provider for p in plans if p.state == A.ADMITTED}
        for pk in sorted(providers):
            provider_score_refresh(actor=None, provider=providers[pk])
        self.counts.scores = len(providers)
