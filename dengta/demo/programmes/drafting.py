"""What each application of the cast will hold: its sub-industries, nominated providers, pilot-enterprise
pool, fund plan and plan, drawn from what the registry, the assessments and the catalogue hold.

- Sub-industries (2–4) from the reference catalogue that match the applicant's industries: a pilot city's own
  (the catalogue names them after the city, DOMAIN.md 5.1) first, then the GB/T 4754 groups of the divisions
  it chose (``PILOT_CITIES``) that hold most of its enterprises; other applicants the focus sectors'.
- The pool: SMEs of the applicant's jurisdiction whose industry code the sub-industry covers, those with a
  scored T0 first (the batches require one, DOMAIN.md 2.6); tens per application at the demo scale. An
  enterprise sits in one application of a batch, never in two pilots running at once (DOMAIN.md 6.5, 8.15).
  An enterprise without a T0 has its diagnosis scheduled with a nominated provider before it is added (an
  active diagnosis invitation, which the eligibility check counts as a T0 scheduled).
- Providers admitted in good standing, suspended nowhere (DOMAIN.md 2.7): those admitted to serve the
  sub-industry first, from the applicant's own pool first; service platforms in the 2022 platform pilot.
- The fund plan within the batch's rules: the award at most the cap for the applicant's kind (per nominated
  platform in 2022, though approval caps the award at one platform's), at least 80 % for retrofits and the
  shares adding up to 1, local matching funds, the 90 %-at-二级 target.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dengta.assessment.models import Assessment
from dengta.assessment.selectors import DEFAULT_FRAMEWORK
from dengta.catalog.models import Admission, AdmissionState, Standing
from dengta.core.places import place_of
from dengta.demo.programmes.cast import Part
from dengta.demo.programmes.texts import CITY_PLAN, DRAFT_PLAN, PLATFORM_PLAN
from dengta.orgs.models import Organization
from dengta.programmes import checks, rules
from dengta.programmes.eligibility import within_jurisdiction
from dengta.programmes.models import ApplicationState, Batch
from dengta.reference.models import SubIndustry
from dengta.registry.models import Enterprise, Provider, SizeClass

SME = (SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO)
PER_SUB = (6, 12)  # pool enterprises per sub-industry at the demo scale
PROVIDERS_PER_SUB = {rules.CITY: (1, 2), rules.PLATFORM: (1, 1)}
RETROFIT_SHARES = (Decimal("0.8000"), Decimal("0.8500"), Decimal("0.9000"))
TARGET_SHARES = (Decimal("0.9000"), Decimal("0.9000"), Decimal("0.9200"), Decimal("0.9500"))
MATCHING_SHARES = (Decimal("0.3"), Decimal("0.5"), Decimal("0.6"), Decimal("1.0"))
TEN_THOUSAND = Decimal(10000)
UNSUBMITTED = frozenset({ApplicationState.DRAFT, ApplicationState.WITHDRAWN})


@dataclass(frozen=True)
class Firm:
    pk: int
    organization_id: int
    industry: str
    above_size: bool
    has_t0: bool


@dataclass
class Entry:
    """One chosen sub-industry with its nominated providers and its pool."""

    sub: SubIndustry
    providers: list[Provider]
    firms: list[Firm]


@dataclass
class Draft:
    """One application as it will be built through the services."""

    part: Part
    batch: Batch
    applicant: Organization
    entries: list[Entry]
    award: Decimal
    retrofit_share: Decimal
    matching: Decimal
    target_share: Decimal
    plan: str
    quality: float  # how the experts will judge it, 0–5
    row: Any = None  # the Application once created
    invited: int = 0  # diagnoses scheduled for enterprises without a T0


@dataclass
class Busy:
    """Enterprises already taken: by batch (one application each), and by a pilot until its end."""

    in_batch: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    until: dict[int, date] = field(default_factory=dict)

    def free(self, firm: Firm, batch: str, day: date) -> bool:
        ends = self.until.get(firm.pk)
        return firm.pk not in self.in_batch[batch] and (ends is None or ends < day)


class Drafter:
    """Draws every application's content from one random stream, in the cast's order."""

    def __init__(
        self, rng: random.Random, cities: dict[str, tuple[str, ...]], excluded_orgs: set[int]
    ) -> None:
        self.rng = rng
        self.divisions = cities  # pilot city code → GB/T 4754 divisions
        self.excluded_orgs = excluded_orgs  # demo-enterprise: its journey starts outside any pool
        self.busy = Busy()
        self.t0 = set(
            Assessment.objects.final()
            .filter(framework__code=DEFAULT_FRAMEWORK)
            .values_list("enterprise_id", flat=True)
        )
        self.subs = list(SubIndustry.objects.order_by("code"))
        self.prefixes: dict[str, list[str]] = defaultdict(list)
        for sub_id, code in SubIndustry.industries.through.objects.order_by(
            "subindustry_id", "industry_id"
        ).values_list("subindustry_id", "industry_id"):
            self.prefixes[sub_id].append(code)
        self._providers = self._admitted()

    # -- providers --------------------------------------------------------------------------------------
    def _admitted(self) -> list[tuple[Provider, set[str], set[str]]]:
        """(provider, the pools' owner regions it is admitted to, the sub-industries it serves there) for each
        provider admitted somewhere in good standing and suspended nowhere (checks._provider)."""
        suspended = set(
            Admission.objects.filter(state=AdmissionState.ADMITTED, standing=Standing.SUSPENDED).values_list(
                "provider_id", flat=True
            )
        )
        rows = (
            Admission.objects.filter(state=AdmissionState.ADMITTED, standing=Standing.GOOD)
            .exclude(provider_id__in=suspended)
            .values_list("provider_id", "pool__owner__region_id", "sub_industries")
            .order_by("provider_id")
        )
        regions: dict[int, set[str]] = defaultdict(set)
        serves: dict[int, set[str]] = defaultdict(set)
        for provider_id, region, sub in rows:
            regions[provider_id].add(region or "")
            if sub:
                serves[provider_id].add(sub)
        providers = Provider.objects.select_related("organization").filter(pk__in=regions).order_by("pk")
        return [(p, regions[p.pk], serves[p.pk]) for p in providers]

    def _pick_providers(self, sub: str, applicant_region: str, model: str, taken: set[int]) -> list[Provider]:
        def rank(item: tuple[Provider, set[str], set[str]]) -> tuple[int, int, int, int]:
            provider, regions, serves = item
            platform = model == rules.PLATFORM and provider.kind_id == "platform"
            return (-int(platform), -int(sub in serves), -int(applicant_region in regions), provider.pk)

        pool = sorted((i for i in self._providers if i[0].pk not in taken), key=rank)
        pool = pool or sorted(self._providers, key=rank)
        low, high = PROVIDERS_PER_SUB[model]
        best = [i[0] for i in pool[: max(high * 3, 4)]]
        count = min(len(best), self.rng.randint(low, high))
        return sorted(self.rng.sample(best, k=count), key=lambda p: p.pk)

    # -- enterprises and sub-industries -------------------------------------------------------------------
    def _firms(self, applicant: Organization) -> list[Firm]:
        """The SMEs of the applicant's jurisdiction (eligibility.within_jurisdiction, as the check reads it),
        read through the province's index."""
        if applicant.region is None:
            return []
        code = applicant.region_id or ""
        rows = (
            Enterprise.objects.filter(
                province_code=place_of(applicant.region.path).province_code, size_class__in=SME
            )
            .exclude(organization_id__in=self.excluded_orgs)
            .order_by("pk")
            .values_list("pk", "organization_id", "industry_id", "is_above_designated_size", "region_id")
        )
        return [
            Firm(pk, org, industry, above, pk in self.t0)
            for pk, org, industry, above, region in rows
            if within_jurisdiction(code, region)
        ]

    def _eligible_subs(self, applicant: Organization) -> list[SubIndustry]:
        """The catalogue's GB/T 4754 groups and the applicant's own named sub-industries (another city's local
        names are its own): of the divisions a pilot city chose, else of the focus sectors (DOMAIN.md 1.3,
        2.1)."""
        own = _short_name(applicant)
        subs = [s for s in self.subs if not s.used_by or (own and own in s.used_by)]
        divisions = self.divisions.get(applicant.region_id or "")
        if divisions is None:
            return [s for s in subs if s.is_focus]
        return [s for s in subs if any(p[:3] in divisions for p in self.prefixes[s.code])]

    def _choose_subs(
        self, applicant: Organization, firms: list[Firm], want: int
    ) -> list[tuple[SubIndustry, list[Firm]]]:
        """Greedily the sub-industries covering most of the firms not yet covered (T0 ones count double);
        the city's own named sub-industries first."""
        short = _short_name(applicant)
        by_industry: dict[str, list[Firm]] = defaultdict(list)
        for firm in firms:
            by_industry[firm.industry].append(firm)
        matched: dict[str, list[Firm]] = {}
        for sub in self._eligible_subs(applicant):
            prefixes = tuple(self.prefixes[sub.code])
            codes = sorted(c for c in by_industry if c.startswith(prefixes))
            if codes:
                matched[sub.code] = sorted((f for c in codes for f in by_industry[c]), key=lambda f: f.pk)
        subs = {s.code: s for s in self.subs}
        chosen: list[tuple[SubIndustry, list[Firm]]] = []
        covered: set[int] = set()
        while len(chosen) < want:
            best: tuple[tuple[int, int], str, list[Firm]] | None = None
            for code, candidates in matched.items():
                mine = [f for f in candidates if f.pk not in covered]
                if not mine:
                    continue
                own = bool(short) and short in subs[code].used_by
                key = (int(own), sum(2 if f.has_t0 else 1 for f in mine))
                if best is None or key > best[0]:
                    best = (key, code, mine)
            if best is None:
                break
            chosen.append((subs[best[1]], best[2]))
            covered |= {f.pk for f in best[2]}
            del matched[best[1]]
        return chosen

    def _pool(self, firms: list[Firm], size: int) -> list[Firm]:
        with_t0 = [f for f in firms if f.has_t0]
        without = [f for f in firms if not f.has_t0]
        picked = self.rng.sample(with_t0, k=min(size, len(with_t0)))
        if len(picked) < min(size, 3):  # few assessed firms here: diagnoses are arranged for some others
            picked += self.rng.sample(without, k=min(min(size, 3) - len(picked), len(without)))
        return sorted(picked, key=lambda f: f.pk)

    # -- the draft ----------------------------------------------------------------------------------------
    def draft(
        self, part: Part, batch: Batch, applicant: Organization, created: date, ends: date | None
    ) -> Draft | None:
        """The application's content, or None when the applicant's jurisdiction holds no enterprise for it (a
        small scale). ``ends``: the end of the pilot it will become, to keep its enterprises out of others."""
        parsed = batch.parsed_rules()
        model = parsed.programme
        free = [f for f in self._firms(applicant) if self.busy.free(f, batch.code, created)]
        chosen = self._choose_subs(applicant, free, self.rng.randint(2, 3 if model == rules.PLATFORM else 4))
        if (
            not chosen
            and part.outcome in UNSUBMITTED
            and not (part.outcome == ApplicationState.WITHDRAWN and part.submitted)
        ):
            # Never submitted: sub-industries chosen before the pool was drawn up (small scales).
            eligible = self._eligible_subs(applicant)
            chosen = [(s, []) for s in self.rng.sample(eligible, k=min(2, len(eligible)))]
        if not chosen:
            return None
        entries: list[Entry] = []
        taken: set[int] = set()
        region = applicant.region_id or ""
        for sub, firms in chosen:
            pool = self._pool(firms, self.rng.randint(*PER_SUB))
            providers = self._pick_providers(sub.code, region, model, taken)
            taken |= {p.pk for p in providers}
            entries.append(Entry(sub, providers, pool))
        for entry in entries:
            for firm in entry.firms:
                self.busy.in_batch[batch.code].add(firm.pk)
                if ends is not None:
                    self.busy.until[firm.pk] = ends
        return self._with_money(part, batch, applicant, entries, parsed)

    def _with_money(
        self,
        part: Part,
        batch: Batch,
        applicant: Organization,
        entries: list[Entry],
        parsed: rules.BatchRules,
    ) -> Draft:
        rng = self.rng
        cap = parsed.award_caps.for_kind(checks.applicant_kind(applicant)) or Decimal(0)
        if parsed.programme == rules.PLATFORM:
            # A platform's subsidy: most of the per-platform cap, in hundreds of thousands of yuan.
            award = (cap * Decimal(rng.choice((80, 90, 100))) / 100).quantize(Decimal("1"))
        else:
            award = cap  # the fixed award (定额奖励) the city asks for
        retrofit = rng.choice(RETROFIT_SHARES)
        matching = (award * rng.choice(MATCHING_SHARES) / TEN_THOUSAND).quantize(Decimal("1")) * TEN_THOUSAND
        target = rng.choice(TARGET_SHARES)
        if part.outcome == ApplicationState.APPROVED:
            quality = rng.uniform(3.7, 4.6)
        elif part.outcome == ApplicationState.REJECTED:
            quality = rng.uniform(2.0, 2.9)
        else:
            quality = rng.uniform(2.9, 4.2)
        draft = Draft(part, batch, applicant, entries, award, retrofit, matching, target, "", quality)
        draft.plan = self._plan(draft, parsed.programme)
        return draft

    @staticmethod
    def _plan(draft: Draft, model: str) -> str:
        names = "、".join(e.sub.name for e in draft.entries)
        firms = [f for e in draft.entries for f in e.firms]
        providers = {p.pk for e in draft.entries for p in e.providers}
        if draft.part.outcome == ApplicationState.DRAFT:
            return DRAFT_PLAN.format(subs=names)
        if model == rules.PLATFORM:
            return PLATFORM_PLAN.format(subs=names, providers=len(providers), firms=len(firms))
        return CITY_PLAN.format(
            subs=names,
            firms=len(firms),
            above=sum(f.above_size for f in firms),
            providers=len(providers),
            retrofit=f"{int(draft.retrofit_share * 100)}%",
            matching=f"{int(draft.matching / TEN_THOUSAND):,}",
            target=f"{int(draft.target_share * 100)}%",
        )


def _short_name(applicant: Organization) -> str:
    """The place name the catalogue's ``used_by`` uses: 新乡 for 新乡市, 涪陵 for 涪陵区."""
    return applicant.region.name.rstrip("市区县") if applicant.region else ""
