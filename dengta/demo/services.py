"""Builds the demo data set: the ministry, every province-level authority, a dozen pilot cities, providers,
pilot-candidate enterprises and other SMEs, and one login per role. Reproducible for a given seed."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from dengta.core.events import record_event
from dengta.demo import generate
from dengta.demo.assessments import seed_assessments
from dengta.demo.cases import seed_cases
from dengta.demo.catalog import seed_catalog
from dengta.demo.models import DemoRun
from dengta.demo.programmes import seed_programmes
from dengta.demo.projects import seed_projects
from dengta.orgs.models import AuthorityLevel, Membership, Organization, OrgType
from dengta.orgs.services import membership_grant, organization_create
from dengta.reference.models import Industry, Region, SubIndustry
from dengta.reference.selectors import current_size_rules
from dengta.reference.sizing import classify
from dengta.registry.kinds import load_kinds
from dengta.registry.models import Enterprise, Provider, ProviderKind

DEMO_PASSWORD = "dengta-demo-2026"  # noqa: S105 - printed for the demo; demo data only
DEFAULT_SEED = 20221017

# The pilot cities of the demo: real pilot cities (DOMAIN.md 5.1) and the GB/T 4754 divisions of the
# sub-industries they chose, so that candidates look like each city's pilot pool.
PILOT_CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("150100", AuthorityLevel.CITY, ("C13", "C14", "C17", "C18", "C27", "C35", "C33")),
    ("350100", AuthorityLevel.CITY, ("C17", "C39", "C36")),
    ("350200", AuthorityLevel.SEPARATELY_PLANNED, ("C39", "C38", "C35")),
    ("350600", AuthorityLevel.CITY, ("C14", "C26", "C39")),
    ("410700", AuthorityLevel.CITY, ("C34", "C35", "C27", "C36", "C26")),
    ("370300", AuthorityLevel.CITY, ("C26", "C29", "C34", "C30")),
    ("370500", AuthorityLevel.CITY, ("C26", "C34", "C35")),
    ("500102", AuthorityLevel.DISTRICT, ("C26", "C13", "C14", "C36", "C31", "C32")),
    ("411000", AuthorityLevel.CITY, ("C38", "C34", "C35", "C27")),
    ("330200", AuthorityLevel.SEPARATELY_PLANNED, ("C34", "C38", "C29", "C36")),
    ("320500", AuthorityLevel.CITY, ("C39", "C34", "C35", "C38")),
    ("441900", AuthorityLevel.CITY, ("C39", "C38", "C33", "C29")),
)

# Rough weights of manufacturing SMEs by province (share of the national count, in per cent).
PROVINCE_WEIGHTS = {
    "440000": 14,
    "320000": 13,
    "330000": 13,
    "370000": 9,
    "410000": 5,
    "350000": 5,
    "130000": 4,
    "420000": 4,
    "340000": 4,
    "430000": 3.5,
    "510000": 3.5,
    "310000": 3,
    "360000": 2.5,
    "500000": 2,
    "210000": 2,
    "110000": 2,
    "120000": 1.5,
    "610000": 1.5,
    "450000": 1.3,
    "140000": 1,
    "530000": 1,
    "520000": 0.9,
    "230000": 0.8,
    "220000": 0.7,
    "150000": 0.7,
    "650000": 0.6,
    "620000": 0.5,
    "640000": 0.3,
    "460000": 0.3,
    "630000": 0.2,
    "540000": 0.1,
    "660000": 0.1,
}
DIVISION_WEIGHTS = {
    "C33": 10,
    "C34": 10,
    "C35": 7,
    "C38": 8,
    "C39": 8,
    "C29": 7,
    "C26": 6,
    "C13": 5,
    "C14": 4,
    "C17": 5,
    "C18": 5,
    "C30": 6,
    "C36": 5,
    "C27": 3,
    "C21": 3,
    "C22": 2,
    "C23": 2,
    "C24": 2,
    "C19": 2,
    "C32": 2,
    "C40": 2,
    "C37": 1,
    "C20": 1,
    "C15": 1,
    "C31": 1,
    "C41": 1,
}


@dataclass(frozen=True)
class Scale:
    label: str
    candidates: int
    others: int
    providers: int


def parse_scale(raw: str) -> Scale:
    if raw == "demo":
        return Scale("demo", 6000, 30000, 300)
    total = int(raw)
    if total < 12:
        raise ValueError("--scale needs at least 12 enterprises (one per pilot city)")
    candidates = max(12, total // 6)
    return Scale(str(total), candidates, total - candidates, max(10, total // 120))


@dataclass
class DemoAccount:
    username: str
    label: str
    organization: str


def _authority_name(region: Region, level: str) -> str:
    if level == AuthorityLevel.XPCC:
        return "新疆生产建设兵团工业和信息化局"
    if region.level == 1:
        suffix = "经济和信息化局" if region.name in {"北京市", "上海市"} else "工业和信息化厅"
        if region.name in {"天津市", "重庆市"}:
            suffix = "工业和信息化局"
        return f"{region.name}{suffix}"
    return f"{region.full_name}工业和信息化局"


class Seeder:
    def __init__(self, scale: Scale, seed: int, say: Callable[[str], None]) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.seed = seed
        self.say = say
        self.used_codes: set[str] = set(Enterprise.objects.values_list("uscc", flat=True))
        self.used_codes |= set(Provider.objects.values_list("uscc", flat=True))
        self.used_names: set[str] = set()
        self.rules = current_size_rules()
        # Enterprises sit in leaf regions (counties, or prefecture-level cities without counties such as
        # 东莞), indexed by every ancestor code on their path so that 兵团 cities stay out of 新疆.
        self.leaves_under: dict[str, list[Region]] = {}
        parents = set(Region.objects.exclude(parent=None).values_list("parent_id", flat=True))
        for leaf in Region.objects.exclude(code__in=parents).exclude(level=1).order_by("code"):
            for ancestor in leaf.path.strip("/").split("/"):
                self.leaves_under.setdefault(ancestor, []).append(leaf)
        self.provinces = {r.code: r for r in Region.objects.filter(level=1)}
        self.classes_by_division: dict[str, list[Industry]] = {}
        for ind in Industry.objects.filter(level=4, code__startswith="C").order_by("code"):
            self.classes_by_division.setdefault(ind.code[:3], []).append(ind)

    # -- organisations ---------------------------------------------------------------------------
    def national_orgs(self) -> dict[str, Organization]:
        make = organization_create
        return {
            "ministry": make(actor=None, name="工业和信息化部中小企业局", type=OrgType.MINISTRY),
            "mof": make(actor=None, name="财政部经济建设司", type=OrgType.MINISTRY),
            "oversight": make(actor=None, name="财政部监督评价局", type=OrgType.OVERSIGHT),
            "experts": make(actor=None, name="国家中小企业数字化转型专家库", type=OrgType.EXPERT_POOL),
        }

    def authorities(self) -> dict[str, Organization]:
        result: dict[str, Organization] = {}
        for region in Region.objects.filter(level=1).order_by("code"):
            level: str = AuthorityLevel.XPCC if region.code == "660000" else AuthorityLevel.PROVINCE
            result[region.code] = organization_create(
                actor=None,
                name=_authority_name(region, level),
                type=OrgType.AUTHORITY,
                authority_level=level,
                region=region,
            )
        for region in Region.objects.filter(is_separately_planned=True).order_by("code"):
            result[region.code] = organization_create(
                actor=None,
                name=_authority_name(region, AuthorityLevel.SEPARATELY_PLANNED),
                type=OrgType.AUTHORITY,
                authority_level=AuthorityLevel.SEPARATELY_PLANNED,
                region=region,
            )
        for code, level, _divisions in PILOT_CITIES:
            if code in result:
                continue
            region = Region.objects.get(code=code)
            result[code] = organization_create(
                actor=None,
                name=_authority_name(region, level),
                type=OrgType.AUTHORITY,
                authority_level=level,
                region=region,
            )
        return result

    # -- registry --------------------------------------------------------------------------------
    def _county_in(self, code: str) -> Region:
        return self.rng.choice(self.leaves_under[code])

    def _random_province(self) -> str:
        codes = [c for c in PROVINCE_WEIGHTS if c in self.provinces]
        return self.rng.choices(codes, weights=[PROVINCE_WEIGHTS[c] for c in codes])[0]

    def _industry(self, divisions: tuple[str, ...] | None) -> Industry:
        pool = [d for d in (divisions or tuple(DIVISION_WEIGHTS)) if d in self.classes_by_division]
        weights = [DIVISION_WEIGHTS.get(d, 1) for d in pool]
        division = self.rng.choices(pool, weights=weights)[0]
        return self.rng.choice(self.classes_by_division[division])

    def _place(self, county: Region) -> str:
        """The short place name a company carries: its city, or the county where the city level is a
        grouping such as 省直辖县级行政区划 or 市辖区."""
        parent = county.parent
        pseudo = (
            parent is None or parent.level == 1 or "直辖" in parent.name or parent.name in {"市辖区", "县"}
        )
        name = county.name if pseudo else parent.name  # type: ignore[union-attr]
        for tail in ("市", "区", "县", "地区", "自治州", "盟"):
            if name.endswith(tail) and len(name) > len(tail) + 1:
                return name[: -len(tail)]
        return name

    def enterprises(self) -> int:
        specs: list[tuple[Region, Industry, bool]] = []
        per_city = self.scale.candidates // len(PILOT_CITIES)
        extra = self.scale.candidates - per_city * len(PILOT_CITIES)
        for index, (code, _level, divisions) in enumerate(PILOT_CITIES):
            for _ in range(per_city + (1 if index < extra else 0)):
                specs.append((self._county_in(code), self._industry(divisions), True))
        for _ in range(self.scale.others):
            specs.append((self._county_in(self._random_province()), self._industry(None), False))
        orgs: list[Organization] = []
        rows: list[dict[str, Any]] = []
        for county, industry, candidate in specs:
            words = generate.industry_word(industry.name, industry.code[:3])
            name = generate.company_name(self.rng, self._place(county), words, self.used_names)
            # Pilot candidates are mostly 规上 firms; the wider SME population mostly is not.
            size = generate.company_size(self.rng, *((70, 45) if candidate else (22, 35)))
            registered_at = county if self.rng.random() < 0.7 else (county.parent or county)
            rows.append(
                {
                    "uscc": generate.make_uscc(self.rng, registered_at.code, self.used_codes),
                    "name": name,
                    "region": county,
                    "industry": industry,
                    "size": size,
                    "tier": generate.tier(self.rng, candidate),
                }
            )
            orgs.append(Organization(name=name, type=OrgType.ENTERPRISE, region=county))
        for org in orgs:
            org.derive()  # bulk_create does not call save(), which derives name_grams and the place codes
        Organization.objects.bulk_create(orgs, batch_size=2000)
        objs = []
        for org, row in zip(orgs, rows, strict=True):
            size = row["size"]
            revenue = size.revenue_10k * 10000
            assets = size.assets_10k * 10000
            result = classify(
                self.rules,
                industry_code=row["industry"].code,
                employees=size.employees,
                revenue_yuan=revenue,
                assets_yuan=assets,
            )
            objs.append(
                Enterprise(
                    organization=org,
                    uscc=row["uscc"],
                    name=row["name"],
                    region=row["region"],
                    industry=row["industry"],
                    employees=size.employees,
                    revenue=revenue.quantize(Decimal("0.01")),
                    total_assets=assets.quantize(Decimal("0.01")),
                    tier=row["tier"],
                    size_class=result.size_class,
                    is_above_designated_size=result.above_designated_size,
                    size_sector=result.sector_key,
                    size_standard_version=result.version,
                    size_explanation=result.explanation,
                    address=f"{row['region'].full_name}{self.rng.randint(1, 999)}号",
                )
            )
        for obj in objs:
            obj.derive()
        Enterprise.objects.bulk_create(objs, batch_size=2000)
        return len(objs)

    def providers(self) -> int:
        sub_industries = list(SubIndustry.objects.order_by("code"))
        pilot_codes = [c for c, _l, _d in PILOT_CITIES]
        orgs, profiles, picks = [], [], []
        for _ in range(self.scale.providers):
            code = self.rng.choice(pilot_codes) if self.rng.random() < 0.6 else self._random_province()
            county = self._county_in(code)
            name = generate.provider_name(self.rng, self._place(county), self.used_names)
            orgs.append(Organization(name=name, type=OrgType.PROVIDER, region=county))
            kind = self.rng.choices(["scenario", "integrated", "platform"], weights=[70, 15, 15])[0]
            profiles.append((generate.make_uscc(self.rng, county.code, self.used_codes), kind))
            picks.append(self.rng.sample(sub_industries, k=min(len(sub_industries), self.rng.randint(1, 4))))
        for org in orgs:
            org.derive()  # bulk_create does not call save(), which derives name_grams and the place codes
        Organization.objects.bulk_create(orgs, batch_size=1000)
        providers = [
            Provider(organization=o, uscc=code, kind_id=kind)
            for o, (code, kind) in zip(orgs, profiles, strict=True)
        ]
        Provider.objects.bulk_create(providers, batch_size=1000)
        through = Provider.sub_industries.through
        links = [
            through(provider_id=p.pk, subindustry_id=s.pk)
            for p, chosen in zip(providers, picks, strict=True)
            for s in chosen
        ]
        through.objects.bulk_create(links, batch_size=2000)
        return len(providers)

    # -- logins ----------------------------------------------------------------------------------
    def accounts(self, national: dict[str, Organization], authorities: dict[str, Organization]) -> None:
        user_model = get_user_model()
        provider_org = (
            Organization.objects.filter(type=OrgType.PROVIDER, region__path__startswith="330000/330200/")
            .order_by("pk")
            .first()
            or Organization.objects.filter(type=OrgType.PROVIDER).order_by("pk").first()
        )
        enterprise_org = (
            Organization.objects.filter(
                type=OrgType.ENTERPRISE,
                region__path__startswith="330000/330200/",
                enterprise__tier="specialised",
            )
            .order_by("pk")
            .first()
            # Small scales may have no 专精特新 firm in 宁波; the demo enterprise must still be in demo-city's
            # jurisdiction so the city can arrange its on-site assessment.
            or Organization.objects.filter(type=OrgType.ENTERPRISE, region__path__startswith="330000/330200/")
            .order_by("pk")
            .first()
            or Organization.objects.filter(type=OrgType.ENTERPRISE).order_by("pk").first()
        )
        plan: list[tuple[str, Organization, str, list[str]]] = [
            ("demo-ministry", national["ministry"], "admin", ["programme_staff"]),
            ("demo-finance", national["mof"], "staff", ["finance"]),
            ("demo-province", authorities["440000"], "staff", ["programme_staff"]),
            ("demo-city", authorities["330200"], "admin", ["programme_staff", "finance"]),
            ("demo-provider", provider_org, "admin", []),  # type: ignore[list-item]
            ("demo-enterprise", enterprise_org, "admin", []),  # type: ignore[list-item]
            ("demo-expert", national["experts"], "staff", ["reviewer"]),
            ("demo-auditor", national["oversight"], "viewer", ["auditor"]),
        ]
        for username, org, role, platform_roles in plan:
            # People are shown by name everywhere (assigner, expert, author), so each demo login is a person.
            user, _created = user_model.objects.get_or_create(
                username=username, defaults={"display_name": DEMO_PEOPLE[username]}
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            membership_grant(
                actor=None, user=user, organization=org, role=role, platform_roles=platform_roles
            )
        # A person in two organisations, to show the organisation switcher.
        city_user = user_model.objects.get(username="demo-city")
        membership_grant(actor=None, user=city_user, organization=authorities["330000"], role="viewer")


# The demo logins: the person each one is, and the role it shows (printed by ``manage.py demo_accounts``).
DEMO_PEOPLE = {
    "demo-ministry": "张立新",
    "demo-finance": "李文华",
    "demo-province": "陈志强",
    "demo-city": "王海燕",
    "demo-provider": "刘建军",
    "demo-enterprise": "赵晓明",
    "demo-expert": "孙国栋",
    "demo-auditor": "周敏",
}
DEMO_ROLES = {
    "demo-ministry": "部委项目管理",
    "demo-finance": "部委财务",
    "demo-province": "省级主管部门",
    "demo-city": "试点城市主管部门",
    "demo-provider": "服务商",
    "demo-enterprise": "企业",
    "demo-expert": "评审专家",
    "demo-auditor": "审计监督",
}


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role label and person, organisation) of the demo logins that exist."""
    from dengta.orgs.models import Membership

    rows = []
    for m in (
        Membership.objects.filter(user__username__startswith="demo-")
        .select_related("user", "organization")
        .order_by("user__username", "organization__type")
    ):
        role = DEMO_ROLES.get(m.user.username, "")
        rows.append((m.user.username, f"{role}（{m.user.display_name}）", m.organization.name))
    return rows


def pending_change_of_demo_enterprise(say: Callable[[str], None]) -> None:
    """demo-enterprise has sent new size figures for confirmation (a revenue 25 times last year's, so the
    reviewer sees a plausibility warning): demo-city's queue is not empty and the enterprise's page shows a
    change awaiting its authority."""
    from dengta.registry.models import Enterprise
    from dengta.registry.services import enterprise_change_submit

    member = (
        Membership.objects.filter(user__username="demo-enterprise", organization__type=OrgType.ENTERPRISE)
        .select_related("user", "organization")
        .first()
    )
    enterprise = Enterprise.objects.filter(organization=member.organization).first() if member else None
    if member is None or enterprise is None:
        return
    change = enterprise_change_submit(
        actor=member.user,
        enterprise=enterprise,
        employees=enterprise.employees + 12,
        revenue_10k_yuan=(enterprise.revenue / 10000 * 25).quantize(Decimal("0.01")),
        figures_checked=True,
    )
    if change is not None:
        say(f"enterprise changes: 1 pending ({len(change.warnings or [])} plausibility warnings)")


def seed(scale_raw: str, seed: int, say: Callable[[str], None]) -> DemoRun:
    scale = parse_scale(scale_raw)
    existing = DemoRun.objects.filter(scale=scale.label, seed=seed).first()
    if existing is not None:
        say(f"demo data (scale {scale.label}, seed {seed}) already present: nothing to do")
        return existing
    other = DemoRun.objects.exclude(scale=scale.label, seed=seed).first()
    if other is not None:
        raise ValueError(
            f"this database already holds demo data of scale {other.scale} (seed {other.seed}); "
            "use a fresh database (delete var/dengta.sqlite3) to build another"
        )
    if not Region.objects.exists() or not Industry.objects.exists():
        raise ValueError("reference data is not loaded: run `manage.py load_reference` first")
    seeder = Seeder(scale, seed, say)
    with transaction.atomic():
        # The kinds are loaded by their migration; a database flushed since (a browser test's teardown)
        # has lost them, so load them again — idempotent (dengta/registry/data/provider-kinds.json).
        load_kinds(ProviderKind)
        national = seeder.national_orgs()
        authorities = seeder.authorities()
        say(f"organisations: {len(national)} national, {len(authorities)} authorities")
        providers = seeder.providers()
        say(f"providers: {providers}")
        enterprises = seeder.enterprises()
        say(f"enterprises: {enterprises} ({scale.candidates} pilot candidates, {scale.others} other SMEs)")
        seeder.accounts(national, authorities)
        # After the logins: the demo enterprise is left without assessments and demo-expert gets work.
        seed_assessments(seed, PILOT_CITIES, say)
        pending_change_of_demo_enterprise(say)
        # After the assessments and the logins: demo-provider's place in the pools depends on its login.
        catalogue = seed_catalog(seed, scale.providers, PILOT_CITIES, say)
        say(catalogue.line())
        programmes = seed_programmes(seed, PILOT_CITIES)
        say(programmes.line())
        projects = seed_projects(seed)
        say(projects.line())
        say(seed_cases(seed).line())
        run = DemoRun.objects.create(
            scale=scale.label, seed=seed, enterprises=enterprises, providers=providers
        )
        record_event(
            actor=None,
            verb="demo.seeded",
            target=run,
            payload={
                "scale": scale.label,
                "seed": seed,
                "enterprises": enterprises,
                "providers": providers,
                "catalogue": catalogue.payload(),
                "programmes": programmes.payload(),
                "projects": projects.payload(),
            },
        )
    return run
