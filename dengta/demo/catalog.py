"""The demo catalogue: provider pools, admissions in every state, governance, products, quotes, ratings.

Pools (服务商库, DOMAIN.md 2.7): the ministry's national pool for 2026 (expert review), one 2026 pool
per pilot city authority (厦门's takes integrated providers and platforms only: its general-contractor
model, DOMAIN.md 2.8), and 宁波's closed 2025 pool. Providers of every kind hold applications in every
state, and admitted ones stand in every standing, with the warnings, suspensions, removals and appeals
that put them there (新乡's sanctions, DOMAIN.md 2.7). Providers that may be offered (admitted in good
standing or under a warning, suspended nowhere) list 小快轻准 products whose lifts are valid for the
current MIIT 2024 framework; quote requests run between enterprises and those providers, a few (city,
sub-industry) markets held mostly by one integrated provider so that the concentration watch warns
(DOMAIN.md 6.1); enterprises rate only providers whose quote they accepted.

Like the demo assessments, rows hold what the services store but are written with bulk_create, without
an event or a notification per row: the demo records its counts once, in the ``demo.seeded`` event.
demo-provider is admitted to the national pool with eight listed products and one open quote request,
and has not applied to 宁波's 2026 pool, so the demo can show applying; demo-enterprise gets no quote
request.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.selectors import current_framework
from dengta.catalog import matching
from dengta.catalog.models import (
    Admission,
    AdmissionOpinion,
    AdmissionState,
    Complaint,
    GovernanceAction,
    Pool,
    Product,
    ProductLift,
    ProductState,
    ProviderRating,
    QuoteRequest,
    QuoteState,
    Standing,
)
from dengta.demo import generate
from dengta.orgs.models import Membership, Organization, OrgType
from dengta.orgs.services import membership_grant
from dengta.reference.models import SubIndustry
from dengta.registry.models import Enterprise, Provider, ProviderKind

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

RETURN_REASONS = (
    "企业案例中有2个缺少合同或验收证明，请补充后重新提交。",
    "请补充上年度审计报告及净资产证明材料。",
    "网络安全认证证书扫描件不清晰，且未注明有效期，请重新上传。",
    "申报的服务场景与所列案例不对应，请按场景补充案例说明。",
)
REFUSAL_REASONS = (
    "近三年中小企业数字化改造案例不足，且无细分行业实施经验，不符合入库条件。",
    "净资产为负，财务状况不满足入库要求。",
    "专家评审认为其产品与所申报场景关联度低，不予入库。",
    "所报企业案例经核实有1家未实际实施，申报材料不真实，不予入库。",
)
WARNING_REASONS = (
    "抽查发现2个改造项目未按合同约定节点交付，且未及时向企业说明原因，请限期整改。",
    "满意度回访中有3家企业反映售后响应超过48小时，未达到入库承诺的服务标准，请限期整改。",
    "年度复核发现所报企业案例中有1家与实际服务内容不符，请补充真实材料并说明情况。",
    "在平台外对试点企业的报价高于公示的试点优惠价，违反试点价格承诺，请限期整改。",
    "网络安全等级保护备案证明已过期，未按要求及时更新，请限期整改。",
)
SUSPENSION_REASONS = (
    "限期整改期满仍未完成整改，暂停其承接新改造项目和产品上架资格。",
    "涉嫌在改造项目中虚报投入金额，暂停资格配合财务核查。",
    "项目验收资料中发票与付款凭证不一致，暂停资格待核查完成。",
)
REMOVAL_REASONS = (
    "经核查存在以关联交易虚增改造投入的情况，依据服务商管理办法移出服务商库。",
    "连续两次年度考核不合格，移出服务商库。",
    "暂停期间仍以试点服务商名义对外承接改造项目，移出服务商库。",
)
REINSTATEMENT_REASON = "已按期完成整改并提交整改报告，经复核恢复正常。"
MEASURE_REASONS: dict[str, tuple[str, ...]] = {
    Act.WARNING: WARNING_REASONS,
    Act.SUSPENSION: SUSPENSION_REASONS,
    Act.REMOVAL: REMOVAL_REASONS,
    Act.REINSTATEMENT: (REINSTATEMENT_REASON,),
}
STANDING_AFTER: dict[str, str] = {  # as dengta.catalog.services.governance moves it
    Act.WARNING: S.WARNED,
    Act.SUSPENSION: S.SUSPENDED,
    Act.REMOVAL: S.REMOVED,
    Act.REINSTATEMENT: S.GOOD,
}
APPEAL_TEXTS = (
    "我公司已在整改期限前提交整改报告及企业确认函，相关项目延期系企业厂房改建所致，请求撤销该措施。",
    "所涉项目的投入金额有合同、发票和银行付款凭证为证，不存在虚报，请求重新核查。",
)
APPEAL_UPHELD = "经复核，项目延期主要原因在服务商一方，整改报告未能说明问题已解决，维持原决定。"
APPEAL_OVERTURNED = "经核实，延期系企业厂房改建所致，企业已出具书面说明，撤销该警告。"
OPINIONS_FOR = (
    "企业案例真实完整，产品与申报场景匹配，交付团队稳定，建议入库。",
    "在本细分行业有多个轻量化改造案例，实施周期短、价格合理，建议入库。",
    "财务状况良好，网络安全认证齐全，建议入库，并关注其同时承接项目的能力。",
)
OPINIONS_AGAINST = (
    "所列案例多为大型企业项目，缺少中小企业轻量化改造经验，不建议入库。",
    "产品功能与申报的场景关联度不足，案例证明材料不充分，不建议入库。",
)
REJECT_REASONS = (
    "申报的场景等级高于产品实际能力：质量管理三级需关键工序自动判定，产品仅支持人工录入。",
    "试点优惠价与市场价相同，未体现试点优惠，请调整后重新提交。",
    "产品介绍缺少部署方式和交付内容说明，请补充后重新提交。",
)
DELIST_REASONS = (
    "产品版本停止维护，由新版本替代。",
    "服务商暂停期间，产品按规定下架。",
    "服务商被移出服务商库，产品下架。",
    "抽查发现实际交付内容与产品介绍不符，予以下架。",
)
DECLINE_ANSWERS = (
    "目前实施团队已满负荷，两个月内无法安排现场交付，抱歉。",
    "贵司需求涉及产线PLC改造，超出本产品适用范围，建议联系设备改造类服务商。",
    "贵司所在地区暂无本地实施团队，无法保证响应时效，暂不报价。",
)
QUOTE_ANSWERS = (
    "报价含软件授权一年、现场实施和培训，首年运维免费；合同签订后按约定周期交付。",
    "报价含硬件、安装调试和数据接入，质保一年，可分两期付款。",
    "报价按试点优惠价计算，含入企诊断、方案和实施，验收通过后支付尾款。",
)
RATING_COMMENTS = {
    5: ("实施团队专业，按期上线，员工培训到位。", "改造后报工和追溯效率明显提升，售后响应快。"),
    4: ("整体满意，个别报表需要二次开发。", "交付基本按期，现场工程师经验丰富。"),
    3: ("功能能用，但上线比约定晚了三周。", "价格合理，培训不够充分。"),
    2: ("多次催促才解决问题，售后响应慢。",),
    1: ("系统上线后频繁出错，至今未解决。",),
}
COMPLAINTS = (
    "改造项目约定60天交付，实际拖延近4个月，期间多次催促无明确答复。",
    "合同约定的数据采集点位只完成一半，剩余部分以需另行付费为由拒绝实施。",
    "上线后系统频繁卡顿，售后响应慢，问题两周未解决。",
    "实际收费高于平台公示的试点优惠价，且未说明原因。",
    "要求企业在验收材料中填写与实际不符的投入金额。",
    "项目经理频繁更换，培训未按合同完成。",
)


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


def _kind(provider: Provider) -> str:
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


def _bulk(
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


# -- people ----------------------------------------------------------------------------------------------
def _login(username: str, org_type: str) -> Membership:
    member = (
        Membership.objects.select_related("organization", "organization__region", "user")
        .filter(user__username=username, organization__type=org_type)
        .order_by("pk")
        .first()
    )
    if member is None:
        raise ValueError(f"the demo login {username} is missing: create the demo accounts first")
    return member


def _staff_user(rng: random.Random, org: Organization) -> Any:
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


def _contacts(rng: random.Random, org_ids: Iterable[int], prefix: str) -> dict[int, Any]:
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


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
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


class CatalogSeeder:
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
        self.ministry = _login("demo-ministry", OrgType.MINISTRY)
        self.city = _login("demo-city", OrgType.AUTHORITY)
        self.expert_member = _login("demo-expert", OrgType.EXPERT_POOL)
        self.experts = list(
            get_user_model()
            .objects.filter(
                memberships__organization=self.expert_member.organization,
                username__startswith="pool-expert-",
            )
            .order_by("username")
        ) or [self.expert_member.user]
        demo_org = _login("demo-provider", OrgType.PROVIDER).organization
        self.demo_provider = Provider.objects.select_related("organization__region").get(
            organization=demo_org
        )
        self.demo_enterprise_org = _login("demo-enterprise", OrgType.ENTERPRISE).organization_id
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

    # -- context ---------------------------------------------------------------------------------------
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

    # -- pools -----------------------------------------------------------------------------------------
    def pools(self, cities: Iterable[tuple[str, str, tuple[str, ...]]]) -> list[PoolInfo]:
        ministry = self.ministry.organization
        infos = [
            self._pool(
                ministry,
                "全国中小企业数字化转型服务商库",
                NATIONAL_PERIOD,
                "面向全国征集数字化转型服务商，入库服务商可在各试点城市提供服务（全国统一大市场），"
                "入库前须经专家评审。",
                decider=self.ministry.user,
                expert_review=True,
            )
        ]
        codes = [code for code, _level, _divisions in cities]
        owners = {
            o.region_id: o
            for o in Organization.objects.select_related("region").filter(
                type=OrgType.AUTHORITY, region_id__in=codes
            )
        }
        for code in codes:
            owner = owners.get(code)
            if owner is None or owner.region is None:
                continue
            place = owner.region.name if owner.region.level == 2 else owner.region.full_name
            decider = (
                self.city.user if code == self.city.organization.region_id else _staff_user(self.rng, owner)
            )
            text = f"面向{place}试点细分行业征集数字化转型服务商，实行动态管理和年度复核。"
            infos.append(
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
            )
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
        self.counts.pools = len(infos)
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

    # -- admissions: who applied where, and how it stands -----------------------------------------------
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

    def may_list(self, plans: Sequence[Plan]) -> set[int]:
        """Providers that may list products: admitted in good standing or warned somewhere, suspended nowhere
        (dengta.catalog.selectors.listing_standing)."""
        good = {p.provider.pk for p in plans if p.state == A.ADMITTED and p.standing in (S.GOOD, S.WARNED)}
        suspended = {p.provider.pk for p in plans if p.state == A.ADMITTED and p.standing == S.SUSPENDED}
        return good - suspended

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

    # -- admissions: rows ------------------------------------------------------------------------------
    def write_admissions(self, plans: list[Plan]) -> None:
        rows, stamps = [], []
        for plan in plans:
            row, stamp = self._admission(plan)
            plan.row = row
            rows.append(row)
            stamps.append(stamp)
        _bulk(rows, stamps)
        for plan in plans:
            self.counts.admissions[plan.state] += 1
            if plan.state == A.ADMITTED:
                self.counts.standings[plan.standing] += 1
        self._opinions(plans)
        self._actions(plans)

    def admission_subs(self, provider: Provider) -> list[str]:
        subs = self.provider_subs.get(provider.pk)
        if not subs:
            subs = self.rng.sample(self.sub_codes, k=min(len(self.sub_codes), self.rng.randint(1, 3)))
            self.provider_subs[provider.pk] = subs
        return subs

    def _admission(self, plan: Plan) -> tuple[Admission, tuple[datetime, datetime]]:
        provider, info, rng, clock = plan.provider, plan.info, self.rng, self.clock
        kind = _kind(provider)
        created = clock.between(info.opens, info.closes - timedelta(days=60))
        submitted = clock.after(created, 1, 20) if plan.state != A.DRAFT else None
        if plan.state == A.WITHDRAWN and rng.random() < 0.4:
            submitted = None  # withdrawn before it was ever submitted
        decided = None
        if plan.state in (A.ADMITTED, A.REFUSED, A.RETURNED) and submitted is not None:
            decided = clock.after(submitted, 10, 45)
        updated = decided or (clock.after(submitted or created, 2, 30) if plan.state == A.WITHDRAWN else None)
        updated = updated or (clock.after(submitted, 1, 8) if submitted else created)
        revenue = Decimal(round(rng.lognormvariate(16.6 if kind == "scenario" else 18.0, 0.7), -4))
        sector = self.subs[self.admission_subs(provider)[0]].name
        certificate = rng.choice(generate.SECURITY_CERTIFICATES) if rng.random() < 0.55 else ""
        reason = ""
        if plan.state == A.RETURNED:
            reason = rng.choice(RETURN_REASONS)
        elif plan.state == A.REFUSED:
            reason = rng.choice(REFUSAL_REASONS)
        elif plan.state == A.ADMITTED:
            reason = rng.choice(("", "材料齐全，符合入库条件。", "经专家评审和集体研究，同意入库。"))
        row = Admission(
            pool=info.pool,
            provider=provider,
            kind_id=kind,
            state=plan.state,
            standing=plan.standing,
            qualifications=generate.qualifications_text(rng, kind, sector, rng.randint(12, 160)),
            scenarios=self.provider_scenarios(provider),
            capacity={"platform": rng.randint(20, 60), "integrated": rng.randint(15, 40)}.get(
                kind, rng.randint(3, 20)
            ),
            references=self._references(provider),
            revenue_yuan=revenue,
            net_assets_yuan=(revenue * Decimal(rng.uniform(0.25, 0.7))).quantize(Decimal("1")),
            security_certification=certificate,
            security_valid_until=self.clock.today + timedelta(days=rng.randint(120, 1000))
            if certificate
            else None,
            submitted_at=submitted,
            decided_at=decided,
            decided_by=info.decider if decided else None,
            reason=reason,
        )
        return row, (created, updated)

    def provider_scenarios(self, provider: Provider) -> list[str]:
        """The scenarios a provider serves, drawn once: platforms and integrators many, specialists few."""
        key = ("scenarios", provider.pk)
        if key not in self._memo:
            low, high = {"platform": (6, 12), "integrated": (5, 10)}.get(_kind(provider), (1, 4))
            codes = [s.code for s in self.fw.scenarios]
            self._memo[key] = sorted(self.rng.sample(codes, k=min(len(codes), self.rng.randint(low, high))))
        return list(self._memo[key])

    def _references(self, provider: Provider) -> list[dict[str, Any]]:
        province = (provider.organization.region.path if provider.organization.region else "")[:7]
        near = self._near.get(province, [])
        near = near if len(near) >= 6 else self.firms  # small scales: few firms in a province
        chosen = self.rng.sample(near, k=min(len(near), self.rng.randint(3, 6)))
        names = sorted(s.name for s in self.fw.scenarios if s.code in self.provider_scenarios(provider))
        stages = ("上线", "实施", "验收")
        return [
            {
                "enterprise": firm.name,
                "project": f"{self.rng.choice(names)}数字化改造（{self.rng.choice(stages)}）",
                "year": self.rng.randint(2023, 2025),
                "contact": generate.contact_line(self.rng),
            }
            for firm in chosen
        ]

    def _opinions(self, plans: list[Plan]) -> None:
        rows, stamps = [], []
        for plan in plans:
            if not plan.info.pool.expert_review or plan.row is None:
                continue
            if plan.state in (A.ADMITTED, A.REFUSED):
                count = 2
            elif plan.state == A.UNDER_REVIEW:
                count = self.rng.randint(0, 1)  # demo-expert still has its own to give
            else:
                continue
            anchor = plan.row.decided_at or plan.row.submitted_at or self.clock.now
            for expert in self.rng.sample(self.experts, k=min(count, len(self.experts))):
                recommend = plan.state != A.REFUSED and self.rng.random() < 0.9
                comment = self.rng.choice(OPINIONS_FOR if recommend else OPINIONS_AGAINST)
                rows.append(
                    AdmissionOpinion(admission=plan.row, expert=expert, recommend=recommend, comment=comment)
                )
                if plan.row.decided_at:
                    moment = anchor - timedelta(days=self.rng.uniform(1, 6))
                else:
                    moment = self.clock.after(anchor, 2, 10)
                stamps.append((moment, moment))
        _bulk(rows, stamps)

    def _actions(self, plans: list[Plan]) -> None:
        rows, stamps, updates = [], [], []
        candidates: list[tuple[str, Plan, GovernanceAction, datetime]] = []
        for plan in plans:
            if not plan.measures or plan.row is None or plan.row.decided_at is None:
                continue
            standing: str = S.GOOD
            made: list[GovernanceAction] = []
            current = [m for m in plan.measures if m != "overturned"]
            times = self._measure_times(plan.row.decided_at, len(current))
            for index, (kind, moment) in enumerate(zip(current, times, strict=True)):
                action = self._action(plan, kind, standing, moment, current_warning=index == len(current) - 1)
                made.append(action)
                rows.append(action)
                stamps.append((moment, moment))
                standing = STANDING_AFTER[kind]
            latest, moment = made[-1], times[-1]
            outcome = ""
            if "overturned" in plan.measures:
                outcome = "overturned"
            elif latest.kind in (Act.SUSPENSION, Act.REMOVAL):
                outcome = "upheld"
            elif latest.kind == Act.WARNING:
                outcome = "pending"
            if outcome:
                candidates.append((outcome, plan, latest, moment))
            plan.row.rectify_by = latest.rectify_by if plan.standing == S.WARNED else None
            updates.append(plan.row)
        self._appeals(candidates)
        stamps = [
            (c, a.appeal_decided_at or a.appealed_at or u) for (c, u), a in zip(stamps, rows, strict=True)
        ]
        _bulk(rows, stamps)
        Admission.objects.bulk_update(updates, ["rectify_by"], batch_size=500)
        for action in rows:
            self.counts.actions[action.kind] += 1
            if action.appeal:
                self.counts.appeals[action.appeal] += 1

    def _appeals(self, candidates: list[tuple[str, Plan, GovernanceAction, datetime]]) -> None:
        """One appeal of each outcome, against the measure in force, by different providers where possible."""
        appellants: set[int] = set()
        for outcome in ("overturned", "upheld", "pending"):
            options = [c for c in candidates if c[0] == outcome]
            fresh = [c for c in options if c[1].provider.pk not in appellants]
            if options:
                _outcome, plan, action, moment = (fresh or options)[0]
                self._appeal(action, outcome, moment)
                appellants.add(plan.provider.pk)

    def _measure_times(self, decided: datetime, count: int) -> list[datetime]:
        """When the measures were taken: after the admission, in order, the one in force recently."""
        last = max(self.clock.days_ago(5, 40), self.clock.after(decided, 1, 3))
        first = min(self.clock.after(decided, 15, 60), last)
        if count == 1:
            return [last]
        step = (last - first) / (count - 1)
        return [first + step * index for index in range(count)]

    def _action(
        self, plan: Plan, kind: str, before: str, moment: datetime, *, current_warning: bool
    ) -> GovernanceAction:
        reasons = MEASURE_REASONS[kind]
        rectify_by = None
        if kind == Act.WARNING:
            # A warning in force has a deadline still ahead; an earlier one's deadline has passed.
            ahead = current_warning and plan.standing == S.WARNED
            rectify_by = (
                self.clock.today + timedelta(days=self.rng.randint(15, 60))
                if ahead
                else moment.date() + timedelta(days=30)
            )
        return GovernanceAction(
            admission=plan.row,
            kind=kind,
            reason=self.rng.choice(reasons),
            rectify_by=rectify_by,
            standing_before=before,
            decided_by=plan.info.decider,
        )

    def _appeal(self, action: GovernanceAction, outcome: str, moment: datetime) -> None:
        action.appeal_text = self.rng.choice(APPEAL_TEXTS)
        action.appealed_at = self.clock.after(moment, 1, 4)
        if outcome == "pending":
            action.appeal = GovernanceAction.Appeal.PENDING
            return
        action.appeal = (
            GovernanceAction.Appeal.UPHELD if outcome == "upheld" else GovernanceAction.Appeal.OVERTURNED
        )
        action.appeal_reason = APPEAL_UPHELD if outcome == "upheld" else APPEAL_OVERTURNED
        action.appeal_decided_by = action.decided_by
        action.appeal_decided_at = self.clock.after(action.appealed_at, 1, 4)

    def write_admission_subs(self, plans: list[Plan]) -> None:
        """The sub-industries each application serves: the provider's, with those its products claim (written
        last, as products and quote requests may add to them)."""
        through = Admission.sub_industries.through
        links = [
            through(admission_id=plan.row.pk, subindustry_id=sub)
            for plan in plans
            if plan.row is not None
            for sub in sorted(set(self.admission_subs(plan.provider)))
        ]
        through.objects.bulk_create(links, batch_size=2000)

    # -- products --------------------------------------------------------------------------------------
    def plan_products(self, plans: list[Plan]) -> list[Item]:
        """Listed products for providers that may list, split by kind (platforms and integrators offer
        more), drafts, pending, rejected and delisted ones; every sub-industry on a listed product."""
        allowed = self.may_list(plans)
        first: dict[int, Plan] = {}
        for plan in sorted(
            plans, key=lambda p: p.row.decided_at if p.row and p.row.decided_at else self.clock.now
        ):
            if plan.state == A.ADMITTED and plan.standing in (S.GOOD, S.WARNED):
                first.setdefault(plan.provider.pk, plan)
        listers = [p for p in self.providers if p.pk in allowed and p.pk != self.demo_provider.pk]
        shares = _allocate(
            self.target - DEMO_PROVIDER_LISTED,
            [{"platform": 1.6, "integrated": 1.4}.get(_kind(p), 1.0) for p in listers],
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
        allowed = self.may_list(plans)
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
        weights = CATEGORY_WEIGHTS[_kind(provider)]
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
        _bulk(products, [i.stamp for i in items])
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

    # -- quote requests --------------------------------------------------------------------------------
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
            kind = {"integrated": 0, "platform": 1}.get(_kind(p), 2)
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
        requesters = _contacts(self.rng, (a.firm.organization_id for a in asks), "enterprise-contact")
        sellers = (a.provider.organization_id for a in asks if a.provider.pk != self.demo_provider.pk)
        answerers = _contacts(self.rng, sellers, "provider-contact")
        answerers[self.demo_provider.organization_id] = _login("demo-provider", OrgType.PROVIDER).user
        rows, stamps = [], []
        for ask in asks:
            row, stamp = self._quote(ask, requesters[ask.firm.organization_id], answerers)
            rows.append(row)
            stamps.append(stamp)
            self.counts.quotes[ask.state] += 1
        _bulk(rows, stamps)
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
        rng, clock = self.rng, self.clock
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
        message = (
            f"我司计划对{scenario}环节进行数字化改造，请就{names}提供试点报价和实施周期。"
            if scenario
            else f"我司计划申报数字化转型试点，请就{names}提供试点报价和服务周期。"
        )
        row = QuoteRequest(
            enterprise_id=ask.firm.pk,
            provider=ask.provider,
            sub_industry_id=ask.firm.sub,
            message=message,
            state=ask.state,
            requested_by=requester,
        )
        created = clock.days_ago(*QUOTE_AGE_DAYS[ask.state])
        updated = created
        answered = ask.state in (Q.ANSWERED, Q.DECLINED, Q.ACCEPTED) or (
            ask.state == Q.WITHDRAWN and rng.random() < 0.5
        )
        if answered:
            row.answered_at = updated = clock.after(created, 1, 5)
            row.answered_by = answerers[ask.provider.organization_id]
            if ask.state == Q.DECLINED:
                row.answer = rng.choice(DECLINE_ANSWERS)
            else:
                pilot = sum((i.product.pilot_price for i in ask.items), Decimal(0))
                row.quote_yuan = (pilot * Decimal(rng.uniform(0.9, 1.0)) / 100).quantize(Decimal("1")) * 100
                row.answer = rng.choice(QUOTE_ANSWERS)
                row.valid_until = max(
                    row.answered_at.date() + timedelta(days=30), clock.today + timedelta(days=7)
                )
                if ask.state == Q.ACCEPTED:
                    row.valid_until = row.answered_at.date() + timedelta(days=30)
        if ask.state in (Q.ACCEPTED, Q.WITHDRAWN):
            updated = clock.after(updated, 2, 15)
        return row, (created, updated)

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
        _bulk(ratings, stamps)
        self.counts.ratings = len(ratings)

    # -- complaints and scores -------------------------------------------------------------------------
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
        _bulk(rows, stamps)
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

    # -- all of it -------------------------------------------------------------------------------------
    def run(self, cities: Iterable[tuple[str, str, tuple[str, ...]]]) -> CatalogCounts:
        self._pairs: set[tuple[int, int]] = set()
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
