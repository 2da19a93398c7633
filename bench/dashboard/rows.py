"""The dashboard benchmark's pilots, pools, money and projects, written in bulk."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any

from bench.dashboard.common import (
    CITY_BATCHES,
    FIXED_CITIES,
    MUNICIPALITIES,
    POOL_SIZE,
    PROJECTS,
    SEED,
    SEED_MARK,
    SEED_USERNAME,
    Say,
)

# ------------------------------------------------------------------------------------- rows (Django)


def all_batches_loaded() -> bool:
    from dengta.programmes.models import Batch

    return Batch.objects.filter(code__in=CITY_BATCHES).count() == len(CITY_BATCHES)


def seed_user(username: str, display: str) -> Any:
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"display_name": display}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def bench_pilots() -> Any:
    from dengta.programmes.models import Pilot

    return Pilot.objects.filter(application__plan=SEED_MARK)


def pilot_cities(count: int, rng: random.Random, taken: set[str]) -> list[Any]:
    """The next ``count`` pilot cities: the fixed ones the measured filters look at, then prefecture-level
    cities of provinces drawn at random; none of ``taken`` (a city is a pilot once)."""
    from dengta.reference.models import Region

    free = Region.objects.filter(level=2, name__endswith="市").exclude(code__in=taken)
    cities = {r.code: r for r in free.exclude(code__regex=rf"^({'|'.join(MUNICIPALITIES)})")}
    chosen = [cities[code] for code in FIXED_CITIES if code in cities][:count]
    others = sorted(code for code in cities if code not in FIXED_CITIES)
    chosen += [cities[code] for code in rng.sample(others, k=min(len(others), count - len(chosen)))]
    return chosen


@dataclass
class Money:
    """One pilot's envelopes as they are being filled: allocated, committed and paid per envelope kind."""

    allocated: dict[str, Decimal]
    committed: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    paid: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def fits(self, wanted: Mapping[str, Decimal]) -> bool:
        return all(self.committed[kind] + amount <= self.allocated[kind] for kind, amount in wanted.items())


def add_pilots(count: int, say: Say) -> bool:
    """The bench's pilots up to ``count``: those the database holds are reused as they are (their pools
    too), new ones go to cities without one."""
    from django.db import transaction

    have = bench_pilots().count()
    if have >= count:
        return False
    rng = random.Random(SEED + have)
    taken = set(bench_pilots().values_list("authority__region_id", flat=True))
    with transaction.atomic():
        made = _write_pilots(count - have, rng, taken, offset=have)
    say(
        f"pilots: {made['pilots']} pilots in {made['provinces']} provinces, "
        f"{made['pool']:,} pool enterprises, "
        f"{made['opened']} with envelopes, {made['projects']:,} projects ({made['funded']:,} committed, "
        f"{made['paid']:,} paid, {made['released']} released)"
    )
    return True


def _write_pilots(count: int, rng: random.Random, taken: set[str], *, offset: int) -> Counter[str]:
    from bench.lists_data import bench_organization
    from dengta.orgs.models import AuthorityLevel, OrgType
    from dengta.programmes import allocation
    from dengta.programmes.checks import applicant_kind
    from dengta.programmes.models import (
        Allocation,
        Application,
        ApplicationState,
        ApplicationSubIndustry,
        Batch,
        Pilot,
        PoolEnterprise,
    )
    from dengta.reference.models import SubIndustry
    from dengta.registry.models import Enterprise

    batches = [Batch.objects.get(code=code) for code in CITY_BATCHES]
    subs = list(SubIndustry.objects.order_by("code").values_list("code", flat=True))
    product = _bench_product()
    creator = seed_user(SEED_USERNAME, "基准测试数据（看板）")
    made: Counter[str] = Counter()
    provinces: set[str] = set()
    for index, city in enumerate(pilot_cities(count, rng, taken), start=offset):
        batch = batches[index % len(batches)]
        parsed = batch.parsed_rules()
        level = AuthorityLevel.SEPARATELY_PLANNED if city.is_separately_planned else AuthorityLevel.CITY
        authority = bench_organization(OrgType.AUTHORITY, city.code, level)
        cap = parsed.award_caps.for_kind(applicant_kind(authority)) or Decimal(100_000_000)
        # The award at the tier's cap (most pilot cities are granted it), local matching 50–100 % of it.
        local = (cap * Decimal(rng.randint(50, 100)) / 100).quantize(Decimal(10_000))
        split = allocation.split_award(
            cap,
            Decimal("0.8"),
            Decimal("0.2"),
            local,
            allocation.AllocationRules(
                cap_yuan=cap,
                min_retrofit_share=parsed.min_retrofit_share,
                max_service_share=parsed.max_service_share,
            ),
        )
        decided = datetime.combine(batch.review_closes, clock(10), tzinfo=local_zone())
        application = Application.objects.create(
            batch=batch,
            applicant=authority,
            state=ApplicationState.APPROVED,
            award_requested_yuan=split.award_yuan,
            retrofit_share=split.retrofit_share,
            service_share=split.service_share,
            local_matching_yuan=split.local_matching_yuan,
            target_share=Decimal("0.9"),
            target_level=2,
            plan=SEED_MARK,
            declared_at=decided - timedelta(days=60),
            submitted_at=decided - timedelta(days=60),
            decided_at=decided,
            rules_version=batch.rules_version,
        )
        starts = batch.review_closes + timedelta(days=30)
        pilot = Pilot.objects.create(
            application=application,
            batch=batch,
            authority=authority,
            starts_on=starts,
            ends_on=starts + timedelta(days=batch.pilot_period_months * 30),
            target_share=Decimal("0.9"),
            target_level=2,
            central_award_yuan=split.award_yuan,
            rules_version=batch.rules_version,
        )
        Allocation.objects.create(
            pilot=pilot,
            award_yuan=split.award_yuan,
            retrofit_share=split.retrofit_share,
            service_share=split.service_share,
            retrofit_yuan=split.retrofit_yuan,
            service_yuan=split.service_yuan,
            local_matching_yuan=split.local_matching_yuan,
            total_yuan=split.total_yuan,
            cap_yuan=cap,
            rules_version=batch.rules_version,
            explanation=[line.to_json() for line in split.explanation],
        )
        entries = ApplicationSubIndustry.objects.bulk_create(
            ApplicationSubIndustry(application=application, sub_industry_id=code)
            for code in rng.sample(subs, k=min(len(subs), rng.randint(2, 4)))
        )
        ids = sorted(
            Enterprise.objects.filter(region__path__startswith=city.path).values_list("pk", flat=True)
        )
        pool = sorted(rng.sample(ids, k=min(len(ids), rng.randint(*POOL_SIZE))))
        PoolEnterprise.objects.bulk_create(
            [
                PoolEnterprise(application=application, entry=entries[n % len(entries)], enterprise_id=pk)
                for n, pk in enumerate(pool)
            ],
            batch_size=2000,
        )
        made["pilots"] += 1
        made["pool"] += len(pool)
        provinces.add(city.code[:2])
        # The 2023 and 2024 pilots have opened their envelopes and funded projects; half of the 2025 ones
        # have not yet (their allocation counts as allocated until they do).
        if batch.code != CITY_BATCHES[-1] or rng.random() < 0.5:
            made += _fund(pilot, split, pool, product, creator, rng)
    made["provinces"] = len(provinces)
    return made


def local_zone() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def _bench_product() -> Any:
    """The catalogue product the bench's projects buy, of a provider of its own (created once)."""
    from django.utils import timezone

    from dengta.catalog.models import Product, ProductState
    from dengta.orgs.models import OrgType
    from dengta.orgs.services import organization_create
    from dengta.reference.models import Region
    from dengta.registry.models import Provider

    name = "灯塔看板基准测试服务商"
    provider = Provider.objects.filter(organization__name=name).first()
    if provider is None:
        owner = organization_create(
            actor=None, name=name, type=OrgType.PROVIDER, region=Region.objects.filter(code="330100").first()
        )
        provider = Provider.objects.create(organization=owner, uscc="91330100BENCHDASH0")
    product = Product.objects.filter(provider=provider).first()
    if product is None:
        product = Product.objects.create(
            provider=provider,
            state=ProductState.LISTED,
            listed_at=timezone.now(),
            name="生产管理与质量追溯SaaS",
            description="基准测试用产品",
            category="software",
            deployment="saas",
            list_price=Decimal("12500.00"),
            pilot_price=Decimal("10000.00"),
            delivery_days=30,
            framework_code="miit-2024-manufacturing",
            framework_version="2024",
        )
    return product


# Project states after approval, by weight: the money they hold. Paid ones are paid in full; withdrawn ones
# released what they held.
FUNDED_MIX = (
    ("approved", 8),
    ("in_progress", 22),
    ("completed", 8),
    ("acceptance_requested", 6),
    ("accepted", 6),
    ("subsidy_claimed", 10),
    ("paid", 30),
    ("withdrawn", 3),
)


def _fund(
    pilot: Any, split: Any, pool: Sequence[int], product: Any, creator: Any, rng: random.Random
) -> Counter[str]:
    """The pilot's envelopes with their allocation entries, and its projects: filed ones hold nothing; the
    others committed from the retrofit (central part) and local (local part) envelopes as ``ledger.commit``
    writes it, the paid ones paid in full as ``ledger.pay`` does, the withdrawn ones released."""
    from dengta.projects import cost_split
    from dengta.projects.models import (
        EntryKind,
        Envelope,
        EnvelopeKind,
        Funding,
        LedgerEntry,
        Project,
        ProjectLine,
        ProjectState,
    )
    from dengta.projects.services import filing

    made: Counter[str] = Counter()
    allocated = {
        EnvelopeKind.RETROFIT: split.retrofit_yuan,
        EnvelopeKind.SERVICE: split.service_yuan,
        EnvelopeKind.LOCAL: split.local_matching_yuan,
    }
    money = Money({str(kind): amount for kind, amount in allocated.items()})
    envelopes = {
        str(kind): Envelope(pilot=pilot, kind=kind, allocated_yuan=amount)
        for kind, amount in allocated.items()
    }
    Envelope.objects.bulk_create(envelopes.values())
    entries = [
        LedgerEntry(
            envelope=envelope,
            kind=EntryKind.ALLOCATE,
            amount_yuan=envelope.allocated_yuan,
            memo=f"按资金分配下达（规则版本 {pilot.rules_version}）",
        )
        for envelope in envelopes.values()
        if envelope.allocated_yuan > 0
    ]
    made["opened"] += 1
    rules = filing.rules_for(pilot)
    costs = filing.cost_rules(rules)
    chosen = rng.sample(list(pool), k=min(len(pool), rng.randint(*PROJECTS)))
    prices = {"list_price_yuan": product.list_price, "pilot_price_yuan": product.pilot_price}
    states, weights = zip(*FUNDED_MIX, strict=True)
    projects, lines, holds = [], [], []
    for enterprise in chosen:
        quantity = rng.randint(2, 60)
        figures = cost_split.split_cost(
            costs, [cost_split.CostLine(category=product.category, quantity=quantity, **prices)]
        )
        wanted = {
            EnvelopeKind.RETROFIT.value: figures.central_yuan,
            EnvelopeKind.LOCAL.value: figures.local_yuan,
        }
        state = ProjectState.FILED if rng.random() < 0.12 else rng.choices(states, weights)[0]
        if state != ProjectState.FILED and not money.fits(wanted):
            state = ProjectState.FILED  # the envelopes are full: it waits, filed, as it would be refused
        filed = datetime.combine(
            pilot.starts_on + timedelta(days=rng.randint(10, 200)), clock(10), tzinfo=local_zone()
        )
        projects.append(
            Project(
                pilot=pilot,
                programme_id=pilot.batch.programme_id,
                enterprise_id=enterprise,
                provider=product.provider,
                title=f"{product.name}改造",
                state=state,
                scenarios=["quality", "production_control"],
                starts_on=filed.date(),
                ends_on=filed.date() + timedelta(days=180),
                filed_at=filed,
                approved_at=None if state == ProjectState.FILED else filed + timedelta(days=14),
                rules_version=rules.version,
                split_explanation=[item.to_json() for item in figures.explanation],
                **{name: getattr(figures, name) for name in cost_split.FIGURES},
            )
        )
        lines.append(quantity)
        if state != ProjectState.FILED:
            for kind, amount in wanted.items():
                money.committed[kind] += amount
                if state == ProjectState.PAID:
                    money.paid[kind] += amount
                elif state == ProjectState.WITHDRAWN:
                    money.committed[kind] -= amount
        holds.append((state, wanted))
    Project.objects.bulk_create(projects, batch_size=1000)
    ProjectLine.objects.bulk_create(
        [
            ProjectLine(
                project=p, product=product, name=product.name, category=product.category, quantity=q, **prices
            )
            for p, q in zip(projects, lines, strict=True)
        ],
        batch_size=1000,
    )
    funding = []
    for project, (state, wanted) in zip(projects, holds, strict=True):
        made["projects"] += 1
        if state == ProjectState.FILED:
            continue
        made["funded"] += 1
        made["paid"] += state == ProjectState.PAID
        made["released"] += state == ProjectState.WITHDRAWN
        for kind, amount in wanted.items():
            envelope = envelopes[kind]
            held = Decimal(0) if state == ProjectState.WITHDRAWN else amount
            paid = amount if state == ProjectState.PAID else Decimal(0)
            funding.append(Funding(project=project, envelope=envelope, committed_yuan=held, paid_yuan=paid))
            if amount <= 0:
                continue
            entries.append(
                LedgerEntry(
                    envelope=envelope,
                    project=project,
                    kind=EntryKind.COMMIT,
                    amount_yuan=amount,
                    memo="项目批准，承诺补贴",
                )
            )
            if state == ProjectState.PAID:
                entries.append(
                    LedgerEntry(
                        envelope=envelope,
                        project=project,
                        kind=EntryKind.PAY,
                        amount_yuan=amount,
                        idempotency_key=f"{SEED_MARK}-{project.pk}/{envelope.pk}",
                        memo="拨付补贴",
                    )
                )
            elif state == ProjectState.WITHDRAWN:
                entries.append(
                    LedgerEntry(
                        envelope=envelope,
                        project=project,
                        kind=EntryKind.RELEASE,
                        amount_yuan=amount,
                        memo="项目撤回，释放承诺",
                    )
                )
    for entry in entries:
        entry.actor = creator  # the services record who moved the money; here, the bench's seed user
    Funding.objects.bulk_create(funding, batch_size=2000)
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    for kind, envelope in envelopes.items():
        Envelope.objects.filter(pk=envelope.pk).update(
            committed_yuan=money.committed[kind], paid_yuan=money.paid[kind]
        )
    return made
