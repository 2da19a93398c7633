"""Pools, who applies to which, how each application stands and the measures behind it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from dengta.catalog.models import Pool
from dengta.demo.catalog.base import (
    CLOSED_CITY,
    CLOSED_PERIOD,
    EXPERT_REVIEW_CITIES,
    KINDS,
    NATIONAL_PERIOD,
    STANDING_WEIGHTS,
    STATE_WEIGHTS,
    TWO_REFERENCES_CITIES,
    TZ,
    XIAMEN,
    A,
    Act,
    Plan,
    PoolInfo,
    S,
)
from dengta.demo.catalog.context import SeederBase, staff_user
from dengta.orgs.models import Organization, OrgType
from dengta.registry.models import Provider


class PoolSteps(SeederBase):
    """The pools (DOMAIN.md 2.7, 2.8), who applies to which, how each application stands, and the governance
    measures that put it there."""

    def pools(self, cities: Iterable[tuple[str, str, tuple[str, ...]]]) -> list[PoolInfo]:
        """The ministry's national pool, then each pilot city's 2026 pool (and 宁波's closed 2025 one)."""
        infos = [self._national_pool()]
        codes = [code for code, _level, _divisions in cities]
        owners = {
            o.region_id: o
            for o in Organization.objects.select_related("region").filter(
                type=OrgType.AUTHORITY, region_id__in=codes
            )
        }
        for code in codes:
            infos += self._city_pools(code, owners.get(code))
        self.counts.pools = len(infos)
        return infos

    def _national_pool(self) -> PoolInfo:
        return self._pool(
            self.ministry.organization,
            "全国中小企业数字化转型服务商库",
            NATIONAL_PERIOD,
            "面向全国征集数字化转型服务商，入库服务商可在各试点城市提供服务（全国统一大市场），"
            "入库前须经专家评审。",
            decider=self.ministry.user,
            expert_review=True,
        )

    def _city_pools(self, code: str, owner: Organization | None) -> list[PoolInfo]:
        """A pilot city's 2026 pool, decided by demo-city in 宁波 and by a programme officer elsewhere; 宁波
        keeps its closed 2025 pool too."""
        if owner is None or owner.region is None:
            return []
        place = owner.region.name if owner.region.level == 2 else owner.region.full_name
        decider = self.city.user if code == self.city.organization.region_id else staff_user(self.rng, owner)
        text = f"面向{place}试点细分行业征集数字化转型服务商，实行动态管理和年度复核。"
        infos = [
            self._pool(
                owner,
                f"{place}中小企业数字化转型服务商库",
                NATIONAL_PERIOD,
                text,
                decider=decider,
                expert_review=code in EXPERT_REVIEW_CITIES,
                min_references=2 if code in TWO_REFERENCES_CITIES else 3,
                kinds=("platform", "integrated") if code == XIAMEN else KINDS,
            )
        ]
        if code == CLOSED_CITY:
            infos.append(
                self._pool(
                    owner,
                    f"{place}中小企业数字化转型服务商库",
                    CLOSED_PERIOD,
                    f"{place}第一批试点服务商库（{CLOSED_PERIOD}年度），已停止受理申请。",
                    decider=decider,
                    is_open=False,
                )
            )
        return infos

    def _pool(
        self,
        owner: Organization,
        name: str,
        period: int,
        description: str,
        *,
        decider: Any,
        expert_review: bool = False,
        min_references: int = 3,
        kinds: Sequence[str] = KINDS,
        is_open: bool = True,
    ) -> PoolInfo:
        pool = Pool.objects.create(
            owner=owner,
            name=name,
            period=period,
            description=description,
            min_references=min_references,
            expert_review=expert_review,
            is_open=is_open,
        )
        pool.kinds.set([self.kinds[k] for k in kinds if k in self.kinds])
        opens = date(period, 2, 16)
        created = datetime.combine(opens - timedelta(days=10), time(10), TZ)
        Pool.objects.filter(pk=pool.pk).update(created_at=created, updated_at=created)
        return PoolInfo(pool, decider, opens, date(period, 11, 30), tuple(kinds), closed=not is_open)

    def balance_kinds(self) -> None:
        """Small scales may draw too few providers of a kind to show every state: a couple of providers of the
        most common kind change kind (at the demo scale every kind has dozens and nothing changes)."""
        others = [p for p in self.providers if p.pk != self.demo_provider.pk]
        for kind in KINDS:
            have = [p for p in others if p.kind_id == kind]
            while len(have) < 2:
                counts = Counter(p.kind_id for p in others)
                donor_kind = max(KINDS, key=lambda k: (counts[k], k))
                donor = max((p for p in others if p.kind_id == donor_kind), key=lambda p: p.pk)
                donor.kind_id = kind
                Provider.objects.filter(pk=donor.pk).update(kind_id=kind)
                have.append(donor)

    def plan_admissions(self, infos: list[PoolInfo]) -> list[Plan]:
        national, closed = infos[0], next((i for i in infos if i.closed), None)
        open_cities = [i for i in infos[1:] if not i.closed]
        city_paths = {i.pool.owner.region.path: i for i in open_cities if i.pool.owner.region}
        plans: list[Plan] = []
        for provider in self.providers:
            if provider.pk == self.demo_provider.pk:
                continue
            path = provider.organization.region.path if provider.organization.region else ""
            home = next((i for p, i in city_paths.items() if path.startswith(p)), None)
            chosen: list[PoolInfo] = []
            if self.rng.random() < 0.75:
                chosen.append(national)
            if home is not None and self.rng.random() < 0.85:
                chosen.append(home)
            extra = [i for i in open_cities if i is not home]
            chosen += self.rng.sample(extra, k=self.rng.choices((0, 1, 2), weights=(50, 35, 15))[0])
            for info in chosen or [national]:
                if self._accepts(info, provider):
                    plans.append(self._drawn(provider, info))
            earlier = closed is not None and home is not None and home.pool.owner_id == closed.pool.owner_id
            if closed is not None and earlier and self.rng.random() < 0.7:
                state = self.rng.choices([A.ADMITTED, A.REFUSED, A.WITHDRAWN], weights=(80, 15, 5))[0]
                plans.append(Plan(provider, closed, state))
        plans.append(Plan(self.demo_provider, national, A.ADMITTED))
        suzhou = next((i for i in open_cities if i.pool.owner.region_id == "320500"), None)
        if suzhou is not None and self._accepts(suzhou, self.demo_provider):
            plans.append(Plan(self.demo_provider, suzhou, A.SUBMITTED))
        self._cover(plans, [national, *open_cities])
        return plans

    @staticmethod
    def _accepts(info: PoolInfo, provider: Provider) -> bool:
        return provider.kind_id in info.kinds

    def _drawn(self, provider: Provider, info: PoolInfo) -> Plan:
        state = self.rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()))[0]
        plan = Plan(provider, info, state)
        if state == A.ADMITTED:
            plan.standing = self.rng.choices(list(STANDING_WEIGHTS), weights=list(STANDING_WEIGHTS.values()))[
                0
            ]
        return plan

    def _cover(self, plans: list[Plan], infos: list[PoolInfo]) -> None:
        """Every kind in every state, and admitted ones of every kind in every standing: where the draw left a
        gap (small scales), a provider of that kind applies to one more pool."""
        wanted = [(k, s, S.GOOD) for k in KINDS for s in A.values]
        wanted += [(k, A.ADMITTED, st) for k in KINDS for st in (S.WARNED, S.SUSPENDED, S.REMOVED)]
        for kind, state, standing in wanted:
            if any(p.provider.kind_id == kind and p.state == state and p.standing == standing for p in plans):
                continue
            held = Counter(p.provider.pk for p in plans)
            candidates = sorted(
                (p for p in self.providers if p.kind_id == kind and p.pk != self.demo_provider.pk),
                key=lambda p: (held[p.pk], p.pk),
            )
            for provider in candidates:
                used = {id(p.info) for p in plans if p.provider.pk == provider.pk}
                free = [i for i in infos if id(i) not in used and self._accepts(i, provider)]
                if free:
                    plans.append(Plan(provider, free[0], state, standing))
                    break

    def measures(self, plans: list[Plan]) -> None:
        """The governance history behind each standing, and the appeals: one pending, one upheld, one
        overturned (a warning lifted, so the admission is in good standing again)."""
        for plan in plans:
            if plan.state != A.ADMITTED:
                continue
            if plan.standing == S.WARNED:
                plan.measures = [Act.WARNING]
            elif plan.standing == S.SUSPENDED:
                plan.measures = self.rng.choice([[Act.WARNING, Act.SUSPENSION], [Act.SUSPENSION]])
            elif plan.standing == S.REMOVED:
                plan.measures = self.rng.choice(
                    [[Act.WARNING, Act.SUSPENSION, Act.REMOVAL], [Act.SUSPENSION, Act.REMOVAL], [Act.REMOVAL]]
                )
            elif self.rng.random() < 0.06 and plan.provider.pk != self.demo_provider.pk:
                plan.measures = [Act.WARNING, Act.REINSTATEMENT]
        good = [
            p
            for p in plans
            if p.state == A.ADMITTED
            and p.standing == S.GOOD
            and not p.measures
            and p.provider.pk != self.demo_provider.pk
        ]
        if good:
            self.rng.choice(good).measures = [Act.WARNING, "overturned"]
