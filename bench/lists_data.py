"""The rows, logins and lists of the list benchmark (bench/lists_bench.py).

Rows: enterprises as a national registry holds them, generated with the demo's helpers (dengta.demo):
spread over every province by the demo's weights (广东, 江苏 and 浙江 hold 40 %), over every county of
a province, in real GB/T 4754 manufacturing classes, with the demo's size distribution (so some are 规上)
and 专精特新 tiers, named with the usual trade words (轴承, 机械, 电子, 科技 …, now and then with 精密 or
智能 before them, so that both bench searches find rows). They are written by the bulk import writer
(dengta.registry.importing.writing.write_rows) in batches of 50,000, each an import batch named
``bench-lists-…``, which is how the bench recognises its own rows. Where it seeded enterprises it also
tops up, in proportion to the registry: providers (1 per 120 enterprises, as the demo), scored
self-assessments (1 per 20), each with its ``assessment.scored`` event, pending changes of figures
(1 per 200) sent through the service, and a catalogue (``add_catalogue``): the ministry's national pool
admitting every provider, two listed products each from the demo's product templates, and open quote
requests (1 per 100 enterprises). A database it did not seed (the 36k demo, whose own catalogue has 1,200
listed products) is measured as it is.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.import_bench import Say, ensure_reference
from bench.lists_bench import ListSpec
from dengta.assessment.exports import SORTS as ASSESSMENT_SORTS
from dengta.assessment.models import Assessment, Kind, Phase
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.catalog.exports import CATALOGUE_SORTS
from dengta.catalog.models import (
    Admission,
    AdmissionState,
    Pool,
    Product,
    ProductLift,
    ProductState,
    QuoteRequest,
    QuoteState,
    Standing,
)
from dengta.core import tallies
from dengta.core.events import record_event
from dengta.core.importing.scope import ImportScope
from dengta.demo import generate
from dengta.demo.assessments import Firm, baseline, framework_row, t0_row
from dengta.demo.services import Scale, Seeder, _authority_name
from dengta.orgs.exports import SORTS as ORGANIZATION_SORTS
from dengta.orgs.models import AuthorityLevel, Membership, Organization, OrgType, PlatformRole, Role
from dengta.orgs.services import membership_grant, organization_create
from dengta.reference.models import Region
from dengta.reference.selectors import current_size_rules, focus_sectors
from dengta.registry.exports import ENTERPRISE_SORTS, PROVIDER_SORTS
from dengta.registry.importing.validation import ValidRow
from dengta.registry.importing.writing import RowInserter, write_rows
from dengta.registry.models import ChangeState, Enterprise, EnterpriseChange, Provider
from dengta.registry.services import enterprise_change_submit

SEED = 20261206
BATCH_PREFIX = "bench-lists-"
BATCH_ROWS = 50_000
SEED_USERNAME = "bench-lists-seed"  # no password, no membership: the creator of the generated rows
PROVIDERS_PER = 120
ASSESSMENTS_PER = 20
CHANGES_PER = 200
CANDIDATE_SHARE = 1 / 6  # pilot candidates: larger, more often 规上 and 专精特新 (as the demo)
DESCRIBED_SHARE = 0.12
DESCRIPTORS = ("精密", "智能", "新型", "绿色")
DRAWN_POOL = 400  # distinct answer sets, reused: the lists show scores, not answers
PRODUCTS_PER_PROVIDER = 2
QUOTES_PER = 100  # one quote request per this many enterprises
BENCH_POOL = "基准测试全国服务商库"
BENCH_PERIOD = 2026


def bench_batches() -> Any:
    return Enterprise.objects.filter(import_batch__file_name__startswith=BATCH_PREFIX)


def ensure_rows(target: int, say: Say) -> None:
    """At least ``target`` enterprises, and where the bench seeded them, the rows that go with them."""
    ensure_reference(say)
    framework_row()  # loads the assessment frameworks when this database has none
    have = Enterprise.objects.count()
    touched = False
    if have < target:
        add_enterprises(target - have, seed=SEED + have, say=say)
        touched = True
    if bench_batches().exists():
        total = Enterprise.objects.count()
        touched |= add_providers(total // PROVIDERS_PER - Provider.objects.count(), say)
        touched |= add_assessments(total // ASSESSMENTS_PER - Assessment.objects.count(), say)
        pending = EnterpriseChange.objects.filter(state=ChangeState.PENDING).count()
        touched |= add_changes(total // CHANGES_PER - pending, say)
        touched |= add_catalogue(total, say)
    if touched:
        # Home panels read tallies (dengta.core.tallies); rows written in bulk bypass the services that
        # mark them, so they are recomputed here, as an operator does after a bulk load.
        say(f"tallies refreshed: {', '.join(tallies.refresh_all()) or 'none'}")
        analyze(say)


def _seeder(seed: int, providers: int = 0) -> Seeder:
    """The demo's seeder for its weights, regions and industries (its own scale is not used here)."""
    return Seeder(Scale("bench-lists", 0, 0, providers), seed, lambda _line: None)


def generated_rows(seeder: Seeder, count: int, start: int) -> Iterator[ValidRow]:
    rng = seeder.rng
    for number in range(start, start + count):
        county = seeder._county_in(seeder._random_province())
        industry = seeder._industry(None)
        candidate = rng.random() < CANDIDATE_SHARE
        words = generate.industry_word(industry.name, industry.code[:3])
        if rng.random() < DESCRIBED_SHARE:
            words = tuple(rng.choice(DESCRIPTORS) + w for w in words)
        name = generate.company_name(rng, seeder._place(county), words, seeder.used_names)
        size = generate.company_size(rng, *((70, 45) if candidate else (22, 35)))
        registered_at = county if rng.random() < 0.7 else (county.parent or county)
        yield ValidRow(
            row=number,
            uscc=generate.make_uscc(rng, registered_at.code, seeder.used_codes),
            name=name,
            region_code=county.code,
            industry_code=industry.code,
            employees=size.employees,
            revenue=(size.revenue_10k * 10000).quantize(Decimal("0.01")),
            total_assets=(size.assets_10k * 10000).quantize(Decimal("0.01")),
            tier=generate.tier(rng, candidate),
        )


def add_enterprises(count: int, *, seed: int, say: Say) -> None:
    say(f"database: {connection.vendor}; adding {count:,} generated enterprises")
    seeder = _seeder(seed)
    rules = current_size_rules()
    done = 0
    number = bench_batches().values("import_batch").distinct().count()
    while done < count:
        rows = list(generated_rows(seeder, min(BATCH_ROWS, count - done), done + 2))
        number += 1
        digest = hashlib.sha256("\n".join(r.uscc for r in rows).encode()).hexdigest()
        name = f"{BATCH_PREFIX}{seed}-{number:03d}.xlsx"
        write_rows(rows, scope=ImportScope.national_system(), file_name=name, sha256=digest, size_rules=rules)
        done += len(rows)
        say(f"  {done:,} of {count:,} enterprises written")


def add_providers(count: int, say: Say) -> bool:
    if count <= 0:
        return False
    with transaction.atomic():
        _seeder(SEED + Provider.objects.count(), providers=count).providers()
    say(f"added {count:,} providers")
    return True


def _creator() -> Any:
    user, created = get_user_model().objects.get_or_create(
        username=SEED_USERNAME, defaults={"display_name": "基准测试数据"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# The columns that differ between generated assessments; the others come from one template row.
ASSESSMENT_COLUMNS = (
    "enterprise_id",
    "kind",
    "phase",
    "state",
    "author_organization_id",
    "answers",
    "result",
    "engine_version",
    "total",
    "points_base",
    "points_mgmt",
    "points_results",
    "level",
    "pledged_at",
    "pledge_text",
    "submitted_at",
    "scored_at",
    "assessed_on",
    "created_at",
    "updated_at",
)


def _assessment_values(row: Assessment) -> tuple[Any, ...]:
    fields = {f.attname: f for f in Assessment._meta.concrete_fields}
    return tuple(fields[c].get_db_prep_save(getattr(row, c), connection) for c in ASSESSMENT_COLUMNS)


def add_assessments(count: int, say: Say) -> bool:
    """Scored T0 self-assessments of bench enterprises that have none, drawn as the demo draws its own
    (dengta.demo.assessments.t0_row), written through the import writer's bulk inserter (COPY on
    PostgreSQL), each with the ``assessment.scored`` event the scoring service records. Their reports are
    not issued: no list shows them, and issuing costs about 20 ms a row."""
    if count <= 0:
        return False
    rng = random.Random(SEED + Assessment.objects.count())
    framework = framework_row()
    compiled = framework.compiled()
    assert isinstance(compiled, Compiled)  # the MIIT 2024 framework scores by items and scenarios
    sample = Firm(0, 0, "", 40, Decimal("1500"))
    pool = [baseline(compiled, rng, sample) for _ in range(DRAWN_POOL)]
    candidates = list(
        bench_batches()
        .filter(assessments__isnull=True)
        .values_list("pk", "organization_id", "region__path", "employees", "revenue", "name")
    )
    chosen = sorted(rng.sample(candidates, k=min(count, len(candidates))))
    creator = _creator()
    inserter = RowInserter(
        Assessment, ASSESSMENT_COLUMNS, Assessment(framework=framework, kind=Kind.SELF, created_by=creator)
    )
    label_tail = f" · {Kind.SELF.label} · {Phase.T0.label}"
    for start in range(0, len(chosen), 5000):
        part = chosen[start : start + 5000]
        rows = [
            t0_row(framework, Firm(pk, org, path, emp, rev / 10000), rng.choice(pool), creator, rng)
            for pk, org, path, emp, rev, _name in part
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            inserter.insert(cursor, (_assessment_values(row) for row in rows))
            written = Assessment.objects.filter(enterprise_id__in=[p[0] for p in part]).values_list(
                "enterprise_id", "pk", "total", "level"
            )
            for (_pk, org, path, _e, _r, name), (_ent, pk, total, level) in zip(
                part, sorted(written), strict=True
            ):
                record_event(
                    actor=creator,
                    verb="assessment.scored",
                    target=("assessment.assessment", str(pk), f"{name}{label_tail}"[:300]),
                    payload={"total": str(total), "level": level},
                    organization_id=org,
                    scope_path=path,
                )
        say(f"  {start + len(part):,} of {len(chosen):,} assessments written")
    return True


def add_changes(count: int, say: Say) -> bool:
    """Pending changes of figures, sent through the service as an enterprise sends them."""
    if count <= 0:
        return False
    rng = random.Random(SEED + EnterpriseChange.objects.count())
    ids = list(bench_batches().exclude(changes__state=ChangeState.PENDING).values_list("pk", flat=True))
    creator = _creator()
    for pk in sorted(rng.sample(ids, k=min(count, len(ids)))):
        enterprise = Enterprise.objects.select_related("region").get(pk=pk)
        with transaction.atomic():
            enterprise_change_submit(
                actor=creator,
                enterprise=enterprise,
                employees=enterprise.employees + rng.randint(1, 40),
                revenue_10k_yuan=(enterprise.revenue / 10000 * Decimal(rng.uniform(1.02, 1.4))).quantize(
                    Decimal("0.01")
                ),
                figures_checked=True,
            )
    say(f"added {count:,} pending changes")
    return True


def add_catalogue(enterprises: int, say: Say) -> bool:
    """The catalogue in proportion to the registry: the ministry's national pool admitting every provider
    (in good standing, so all may be offered), ``PRODUCTS_PER_PROVIDER`` listed products each drawn from
    the demo's product templates (dengta.demo.generate) with their lifts, and open quote requests from
    bench enterprises to those providers. Bulk-written without events, as the demo's catalogue is: no
    list shows them."""
    rng = random.Random(SEED + Product.objects.count())
    ministry = bench_organization(OrgType.MINISTRY, None, "")
    pool, _created = Pool.objects.get_or_create(
        owner=ministry,
        period=BENCH_PERIOD,
        name=BENCH_POOL,
        defaults={"description": "基准测试生成", "min_references": 3, "is_open": True},
    )
    touched = _admit_all(pool, rng) | _list_products(pool, rng)
    touched |= _request_quotes(enterprises // QUOTES_PER - QuoteRequest.objects.count(), rng)
    if touched:
        say(
            f"catalogue: {Admission.objects.filter(pool=pool).count():,} admitted, "
            f"{Product.objects.filter(state=ProductState.LISTED).count():,} listed products, "
            f"{QuoteRequest.objects.count():,} quote requests"
        )
    return touched


def _admit_all(pool: Pool, rng: random.Random) -> bool:
    waiting = list(Provider.objects.exclude(admissions__pool=pool).values_list("pk", "kind_id"))
    moment = timezone.now()
    rows = [
        Admission(
            pool=pool,
            provider_id=pk,
            kind_id=kind,
            state=AdmissionState.ADMITTED,
            standing=Standing.GOOD,
            capacity=rng.randint(2, 20),
            submitted_at=moment,
            decided_at=moment,
        )
        for pk, kind in waiting
    ]
    Admission.objects.bulk_create(rows, batch_size=2000)
    return bool(rows)


def _list_products(pool: Pool, rng: random.Random) -> bool:
    framework = framework_row()
    sellers = list(
        Provider.objects.filter(admissions__pool=pool, products__isnull=True).values_list(
            "pk", "organization__name"
        )
    )
    moment = timezone.now()
    for start in range(0, len(sellers), 2000):
        products, claims = [], []
        for pk, org_name in sellers[start : start + 2000]:
            brand = generate.trade_name_of(org_name)
            for template in rng.sample(generate.PRODUCT_TEMPLATES, k=PRODUCTS_PER_PROVIDER):
                listed, pilot = generate.product_prices(rng, template.category)
                deployment = rng.choice(template.deployments)
                product = Product(
                    provider_id=pk,
                    name=f"{brand}{template.stem}" if brand else template.stem,
                    description=template.text.replace("{who}", "面向制造业中小企业"),
                    category=template.category,
                    deployment=deployment,
                    list_price=listed,
                    pilot_price=pilot,
                    price_unit=generate.price_unit(rng, template.category, deployment),
                    delivery_days=rng.randint(*generate.DELIVERY_DAYS[template.category]),
                    framework_code=framework.code,
                    framework_version=framework.version,
                    state=ProductState.LISTED,
                    submitted_at=moment,
                    decided_at=moment,
                    listed_at=moment,
                    rating=rng.choice((None, 3, 4, 5)),
                )
                product.derive()  # name_grams: bulk_create does not call save()
                products.append(product)
                claims.append(template)
        with transaction.atomic():
            Product.objects.bulk_create(products)
            lifts = [
                lift
                for product, template in zip(products, claims, strict=True)
                for lift in _lifts(product, template, rng)
            ]
            ProductLift.objects.bulk_create(lifts, batch_size=5000)
    return bool(sellers)


def _lifts(product: Product, template: Any, rng: random.Random) -> list[ProductLift]:
    """What the product claims, as the demo's products claim it: its scenarios at one of their levels,
    then its items' options."""
    scenarios = [
        ProductLift(product=product, kind=ProductLift.Kind.SCENARIO, code=code, level=rng.choice(levels))
        for code, levels in template.scenarios
    ]
    items = [
        ProductLift(product=product, kind=ProductLift.Kind.ITEM, code=code, options=list(options))
        for code, options in template.items
    ]
    return scenarios + items


def _request_quotes(count: int, rng: random.Random) -> bool:
    if count <= 0:
        return False
    offered = list(Product.objects.filter(state=ProductState.LISTED).values_list("pk", "provider_id"))
    askers = list(bench_batches().values_list("pk", flat=True)[: count * 4])
    if not offered or not askers:
        return False
    creator = _creator()
    chosen = [(rng.choice(askers), rng.choice(offered)) for _ in range(count)]
    with transaction.atomic():
        quotes = QuoteRequest.objects.bulk_create(
            [
                QuoteRequest(
                    enterprise_id=enterprise,
                    provider_id=provider,
                    state=QuoteState.OPEN,
                    requested_by=creator,
                )
                for enterprise, (_product, provider) in chosen
            ],
            batch_size=2000,
        )
        through = QuoteRequest.products.through
        through.objects.bulk_create(
            [
                through(quoterequest_id=quote.pk, product_id=product)
                for quote, (_enterprise, (product, _provider)) in zip(quotes, chosen, strict=True)
            ],
            batch_size=5000,
        )
    return True


def analyze(say: Say) -> None:
    """Fresh statistics for the planner (and on PostgreSQL the visibility map that index-only scans need,
    which autovacuum would build in production over time)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    say("statistics refreshed (VACUUM ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE done")


# ---------------------------------------------------------------------------------------- the logins

# (username, organisation type, region, authority level, role). The province's jurisdiction leaves out
# 宁波 (计划单列市, DOMAIN.md 4.4); the city is a prefecture of another large province. All hold the
# auditor platform role besides programme staff so that the event log is among their lists.
VIEWERS: dict[str, tuple[str, str, str | None, str]] = {
    "ministry": ("bench-ministry", OrgType.MINISTRY, None, ""),
    "province": ("bench-province", OrgType.AUTHORITY, "330000", AuthorityLevel.PROVINCE),
    "city": ("bench-city", OrgType.AUTHORITY, "320500", AuthorityLevel.CITY),
}
PLATFORM_ROLES: list[str] = sorted([PlatformRole.PROGRAMME_STAFF.value, PlatformRole.AUDITOR.value])

# Region filters inside each viewer's jurisdiction: a province or prefecture, and a smaller unit.
REGION_FILTERS = {"ministry": ("320000", "320500"), "province": ("330100", "330106"), "city": ("320506",)}


def bench_organization(org_type: str, region_code: str | None, level: str) -> Organization:
    """The organisation a bench login belongs to: an existing one of that kind (the demo's), else new."""
    if region_code is None:
        found = Organization.objects.filter(type=org_type, region=None).order_by("pk").first()
        return found or organization_create(actor=None, name="工业和信息化部中小企业局", type=org_type)
    region = Region.objects.get(code=region_code)
    found = (
        Organization.objects.filter(
            type=org_type, region=region, authority_level=level, includes_separately_planned=False
        )
        .order_by("pk")
        .first()
    )
    return found or organization_create(
        actor=None, name=_authority_name(region, level), type=org_type, authority_level=level, region=region
    )


def bench_user(username: str, organization: Organization) -> Any:
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"display_name": f"基准测试（{organization.name}）"}
    )
    current = Membership.objects.filter(user=user, organization=organization, is_active=True).first()
    if current is None or current.role != Role.STAFF or sorted(current.platform_roles) != PLATFORM_ROLES:
        membership_grant(
            actor=None, user=user, organization=organization, role=Role.STAFF, platform_roles=PLATFORM_ROLES
        )
    return user


def bench_clients(say: Say) -> dict[str, Client]:
    clients = {}
    for key, (username, org_type, region_code, level) in VIEWERS.items():
        with transaction.atomic():
            organization = bench_organization(org_type, region_code, level)
            user = bench_user(username, organization)
        client = Client()
        client.force_login(user)
        clients[key] = client
        say(f"viewer {key}: {username} at {organization.name}")
    return clients


# ----------------------------------------------------------------------------------------- the lists


def _regions(viewer: str) -> tuple[tuple[str, str], ...]:
    return tuple(("region", code) for code in REGION_FILTERS[viewer])


def enterprise_filters(viewer: str) -> tuple[tuple[str, str], ...]:
    sectors = focus_sectors()
    return (
        *_regions(viewer),
        ("industry", "C34"),  # a division (通用设备制造业) ...
        ("industry", "C3451"),  # ... and a class in it (滚动轴承制造)
        *((("focus", sectors[0]),) if sectors else ()),
        ("size_class", "small"),
        ("size_class", "medium"),
        ("above", "1"),
        ("above", "0"),
        ("tier", "specialised"),
        ("tier", "none"),
    )


def list_specs(viewer: str) -> Sequence[ListSpec]:
    """Every list page and API listing a ministry or authority member has, with its filters and sorts."""
    assessment_filters = (("state", "scored"), ("kind", "self"), ("phase", "t0"), ("level", "1"))
    change_filters = (("state", ""), ("state", "confirmed"), *_regions(viewer))
    events = (
        ("verb", "assessment.scored"),
        ("target_type", "assessment.assessment"),
        ("actor", "bench"),
        ("start", "2025-06-01"),
        ("end", "2025-06-30"),
    )
    return (
        ListSpec(reverse("core:home"), paginated=False),
        ListSpec(
            reverse("registry:enterprise_list"), enterprise_filters(viewer), tuple(ENTERPRISE_SORTS), True
        ),
        ListSpec(reverse("api:enterprise-list"), enterprise_filters(viewer), searches=True, api=True),
        ListSpec(
            reverse("registry:provider_list"),
            (("kind", "scenario"), *_regions(viewer)),
            tuple(PROVIDER_SORTS),
            True,
        ),
        ListSpec(reverse("registry:change_list"), change_filters, searches=True),
        ListSpec(reverse("api:enterprise-change-list"), change_filters, searches=True, api=True),
        ListSpec(reverse("registry:import_start"), paginated=False),
        ListSpec(reverse("assessment:list"), assessment_filters, tuple(ASSESSMENT_SORTS), True),
        ListSpec(reverse("api:assessment-list"), assessment_filters, api=True),
        ListSpec(reverse("assessment:framework_list"), paginated=False),
        ListSpec(reverse("api:framework-list"), api=True),
        ListSpec(
            reverse("orgs:organization_list"),
            (("type", "enterprise"), ("type", "authority"), ("level", "province")),
            tuple(ORGANIZATION_SORTS),
            True,
        ),
        ListSpec(
            reverse("api:organization-list"),
            (("type", "enterprise"), ("type", "authority")),
            searches=True,
            api=True,
        ),
        ListSpec(reverse("core:event_list"), events, searches=True),
        ListSpec(reverse("core:inbox")),
        ListSpec(reverse("reference:index"), paginated=False),
        ListSpec(reverse("reference:region_list"), (("level", "3"), ("q", "苏州"))),
        ListSpec(reverse("reference:industry_list"), (("level", "4"), ("q", "轴承"))),
        ListSpec(reverse("reference:sub_industry_list"), (("q", "机械"),)),
        ListSpec(reverse("api:region-list"), (("parent", "320000"), ("level", "3")), api=True),
        ListSpec(reverse("api:industry-list"), (("parent", "C34"), ("level", "4")), api=True),
        ListSpec(reverse("api:subindustry-list"), api=True),
        ListSpec(
            reverse("catalog:catalogue"),
            (("category", "software"), ("deployment", "saas"), ("days", "30"), ("price", "10000-50000")),
            tuple(CATALOGUE_SORTS),
            True,
        ),
        ListSpec(
            reverse("catalog:quote_list"), (("state", "open"), ("state", "answered")), ("created",), True
        ),
    )
