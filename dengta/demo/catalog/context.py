"""What every step of the demo catalogue reads: the demo logins, the registry, the framework."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.selectors import current_framework
from dengta.demo import generate
from dengta.demo.catalog.base import CatalogCounts, Clock, Firm, kind_of, listed_target
from dengta.orgs.models import Membership, Organization, OrgType
from dengta.orgs.services import membership_grant
from dengta.reference.models import SubIndustry
from dengta.registry.models import Enterprise, Provider, ProviderKind


def demo_login(username: str, org_type: str) -> Membership:
    member = (
        Membership.objects.select_related("organization", "organization__region", "user")
        .filter(user__username=username, organization__type=org_type)
        .order_by("pk")
        .first()
    )
    if member is None:
        raise ValueError(f"the demo login {username} is missing: create the demo accounts first")
    return member


def staff_user(rng: random.Random, org: Organization) -> Any:
    """A programme officer of a pilot city's authority (no password: decisions are signed by a person)."""
    user_model = get_user_model()
    name = generate.person_name(rng)
    user, created = user_model.objects.get_or_create(
        username=f"city-staff-{org.region_id}", defaults={"display_name": name, "first_name": name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        membership_grant(
            actor=None, user=user, organization=org, role="staff", platform_roles=["programme_staff"]
        )
    return user


def contacts(rng: random.Random, org_ids: Iterable[int], prefix: str) -> dict[int, Any]:
    """One contact person per organisation: a user without a password, member of the organisation (the
    requester of an enterprise's quote, the provider's sales contact who answers it)."""
    user_model = get_user_model()
    wanted = sorted(set(org_ids))
    users = []
    for org_id in wanted:
        name = generate.person_name(rng)
        username = f"{prefix}-{org_id}"
        users.append(
            user_model(username=username, display_name=name, first_name=name, password=make_password(None))
        )
    user_model.objects.bulk_create(users, batch_size=500, ignore_conflicts=True)
    names = [f"{prefix}-{org_id}" for org_id in wanted]
    made = {u.username: u for u in user_model.objects.filter(username__in=names)}
    out = {org_id: made[f"{prefix}-{org_id}"] for org_id in wanted}
    Membership.objects.bulk_create(
        [Membership(user=user, organization_id=org_id, role="staff") for org_id, user in out.items()],
        batch_size=500,
        ignore_conflicts=True,
    )
    return out


class SeederBase:
    """The state every step shares: one random stream, the clock, the counts, what the registry holds, and the
    draws a provider keeps once made (its sub-industries and scenarios, its product names, the pairs of
    enterprise and provider already asked for a quote). The steps draw from the one stream in a fixed order,
    so a seed gives the same catalogue."""

    def __init__(self, seed: int, providers_in_scale: int, say: Callable[[str], None]) -> None:
        # Its own random stream from the demo seed, as the assessments have: the catalogue leaves the registry
        # and the assessments exactly as they were.
        self.rng = random.Random(seed * 7919 + 29)
        self.clock = Clock(self.rng)
        self.say = say
        self.target = listed_target(providers_in_scale)
        self.counts = CatalogCounts()
        fw = current_framework().compiled()
        assert isinstance(fw, Compiled)
        self.fw = fw
        self.kinds = {k.code: k for k in ProviderKind.objects.all()}
        self.subs = {s.code: s for s in SubIndustry.objects.order_by("code")}
        self.sub_codes = sorted(self.subs)
        self.ministry = demo_login("demo-ministry", OrgType.MINISTRY)
        self.city = demo_login("demo-city", OrgType.AUTHORITY)
        self.expert_member = demo_login("demo-expert", OrgType.EXPERT_POOL)
        self.experts = list(
            get_user_model()
            .objects.filter(
                memberships__organization=self.expert_member.organization,
                username__startswith="pool-expert-",
            )
            .order_by("username")
        ) or [self.expert_member.user]
        demo_org = demo_login("demo-provider", OrgType.PROVIDER).organization
        self.demo_provider = Provider.objects.select_related("organization__region").get(
            organization=demo_org
        )
        self.demo_enterprise_org = demo_login("demo-enterprise", OrgType.ENTERPRISE).organization_id
        self.providers = list(Provider.objects.select_related("organization__region").order_by("pk"))
        self.provider_subs: dict[int, list[str]] = defaultdict(list)
        for provider_id, sub in Provider.sub_industries.through.objects.values_list(
            "provider_id", "subindustry_id"
        ).order_by("provider_id", "subindustry_id"):
            self.provider_subs[provider_id].append(sub)
        self.firms = self._firms()
        self._near: dict[str, list[Firm]] = defaultdict(list)  # by province path, for references
        for firm in self.firms:
            self._near[firm.path[:7]].append(firm)
        self._memo: dict[Any, list[str]] = {}
        self._names: dict[int, set[str]] = {}  # product names per provider
        self._pairs: set[tuple[int, int]] = set()  # (enterprise, provider) pairs with a quote request

    def _firms(self) -> list[Firm]:
        """Every enterprise but demo-enterprise, with the sub-industry it asks as (its own, from its industry
        code, as dengta.assessment.selectors.sub_industry_of finds it)."""
        by_code: dict[str, list[tuple[bool, str]]] = defaultdict(list)
        through = SubIndustry.industries.through
        focus = {code: s.is_focus for code, s in self.subs.items()}
        for sub, industry in through.objects.values_list("subindustry_id", "industry_id"):
            by_code[industry].append((not focus[sub], sub))
        cache: dict[str, str | None] = {}

        def sub_of(code: str) -> str | None:
            if code not in cache:
                found = [m for n in range(len(code), 2, -1) for m in by_code.get(code[:n], [])]
                cache[code] = min(found)[1] if found else None
            return cache[code]

        rows = (
            Enterprise.objects.exclude(organization_id=self.demo_enterprise_org)
            .order_by("pk")
            .values_list(
                "pk",
                "organization_id",
                "name",
                "region__path",
                "prefecture_code",
                "province_code",
                "industry_id",
            )
        )
        return [
            Firm(pk, org, name, path, pref or prov, sub_of(industry))
            for pk, org, name, path, pref, prov, industry in rows
        ]

    def admission_subs(self, provider: Provider) -> list[str]:
        subs = self.provider_subs.get(provider.pk)
        if not subs:
            subs = self.rng.sample(self.sub_codes, k=min(len(self.sub_codes), self.rng.randint(1, 3)))
            self.provider_subs[provider.pk] = subs
        return subs

    def provider_scenarios(self, provider: Provider) -> list[str]:
        """The scenarios a provider serves, drawn once: platforms and integrators many, specialists few."""
        key = ("scenarios", provider.pk)
        if key not in self._memo:
            low, high = {"platform": (6, 12), "integrated": (5, 10)}.get(kind_of(provider), (1, 4))
            codes = [s.code for s in self.fw.scenarios]
            self._memo[key] = sorted(self.rng.sample(codes, k=min(len(codes), self.rng.randint(low, high))))
        return list(self._memo[key])
