"""Demo assessments: the pilot baseline and the acceptance assessments of the pilots that finished.

About a third of the pilot candidates (enterprises of a pilot city in one of the sub-industries it chose) have
a scored T0 self-assessment dated 2025, with answers drawn from a latent digital maturity so that the levels
look like a pilot baseline (many 一级 and no level, some 二级, few 三级, rare 四级). About 15 % of those had
their retrofit and a signed-off on-site T1 assessment (现场评定) by an expert of the national pool dated 2026,
with the T0 answers improved along the engine's own path to 二级 (most reach it, as pilots aim to).

Rows hold exactly what the services store (answers as ``Answers.to_json()``, the engine's score plus the path
to 二级, points as Decimals, engine version, timestamps), but are written with bulk_create: the services work
one row at a time and write an event per state change, far too slow for thousands of demo rows, so the
demo writes ONE summary event ``demo.assessments_seeded`` instead. The demo enterprise gets no assessment
(its journey starts empty); the demo expert gets one open on-site assignment through the service.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from dengta.assessment import issuing, selectors, services
from dengta.assessment.invitations import invitation_create
from dengta.assessment.loaders import load_all
from dengta.assessment.models import Assessment, Framework, Kind, Phase, State
from dengta.assessment.scoring.answers import Answers
from dengta.assessment.scoring.engine import ENGINE_VERSION, Score, derive_option, score
from dengta.assessment.scoring.framework import UNIT, RatioBands, RatioChange
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.scoring.path import Step, plan_to_level
from dengta.core.events import record_event
from dengta.orgs.models import Membership, Organization, OrgType
from dengta.orgs.services import membership_grant
from dengta.registry.models import Enterprise

T0_SHARE = 1 / 3
T1_SHARE = 0.15
TZ = ZoneInfo("Asia/Shanghai")
T0_PERIOD = (date(2025, 3, 1), date(2025, 12, 19))
T1_PERIOD = (date(2026, 3, 2), date(2026, 10, 30))
SEED_USERNAME = "seed-demo-data"  # no password, no membership: the creator of rows nobody typed in

# Experts of the national pool besides demo-expert (who assesses the pilots of 宁波, demo-city's city).
POOL_EXPERTS = (
    "王建平",
    "李晓梅",
    "张志强",
    "刘海燕",
    "陈国栋",
    "杨帆",
    "赵立新",
    "黄文静",
    "周宏伟",
    "吴敏",
)

# How readily SMEs digitise each business scenario (1 = average): finance, HR and sales systems come first,
# integrated design, collaboration and decision support last (DOMAIN.md 3; the pilots' baseline reports).
SCENARIO_EASE = {
    "product_design": 0.75,
    "process_design": 0.7,
    "marketing": 1.05,
    "after_sales": 0.9,
    "planning_scheduling": 0.9,
    "production_control": 0.95,
    "quality": 1.0,
    "equipment": 0.9,
    "safety": 1.0,
    "energy": 0.85,
    "procurement": 1.05,
    "warehousing_logistics": 1.0,
    "finance": 1.25,
    "hr": 1.15,
    "collaboration": 0.6,
    "decision_support": 0.55,
}


@dataclass(frozen=True)
class Firm:
    pk: int
    organization_id: int
    path: str
    employees: int
    revenue_10k: Decimal


@dataclass
class Drawn:
    """One assessment's answers, its score and the path to 二级."""

    answers: Answers
    result: Score
    plan: dict[str, Any]


@dataclass
class Counts:
    t0: Counter[int] = field(default_factory=Counter)
    t1: Counter[int] = field(default_factory=Counter)
    assigned: int = 0

    def line(self) -> str:
        def levels(c: Counter[int]) -> str:
            return " ".join(f"L{k}={c[k]}" for k in range(5))

        return (
            f"assessments: {sum(self.t0.values())} T0 self-assessments ({levels(self.t0)}), "
            f"{sum(self.t1.values())} signed-off on-site T1 ({levels(self.t1)}), "
            f"{self.assigned} open on-site assignment for demo-expert"
        )


def framework_row() -> Framework:
    """The current MIIT 2024 framework, loading the framework files first when they are not loaded."""
    row = Framework.objects.filter(code=selectors.DEFAULT_FRAMEWORK, is_current=True).first()
    if row is None:
        load_all()
        row = Framework.objects.get(code=selectors.DEFAULT_FRAMEWORK, is_current=True)
    return row


# -- answers ---------------------------------------------------------------------------------------------
def _clip(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def maturity(rng: random.Random) -> float:
    """A firm's latent digital maturity in [0, 1], tuned so that the T0 levels look like a pilot baseline
    (about 30 % no level, 48 % 一级, 20 % 二级, 2 % 三级, a few 四级): a skewed bulk and a few leaders."""
    if rng.random() < 0.012:
        return rng.uniform(0.9, 1.0)
    return _clip(rng.betavariate(2.0, 4.2) * 0.87 + rng.gauss(0, 0.03))


def draw_choices(fw: Compiled, rng: random.Random, m: float) -> dict[str, frozenset[str]]:
    choices: dict[str, frozenset[str]] = {}
    for item in fw.items:
        if item.multi:
            keys = [o.key for o in item.options if o.key != item.exclusive]
            p = _clip(m * 1.05 + rng.gauss(0, 0.08), 0.0, 0.98)
            chosen = frozenset(k for k in keys if rng.random() < p)
            choices[item.code] = chosen or frozenset({item.exclusive or keys[0]})
        else:
            top = len(item.options) - 1
            index = round(_clip(m * top + rng.gauss(0, 0.75), 0, top))
            choices[item.code] = frozenset({item.options[index].key})
    return choices


def draw_scenarios(fw: Compiled, rng: random.Random, m: float) -> dict[str, int]:
    out = {}
    for s in fw.scenarios:
        raw = 4 * m * SCENARIO_EASE.get(s.code, 1.0) + rng.gauss(0, 0.55)
        out[s.code] = round(_clip(raw, 0, len(s.levels)))
    return out


def _band_numbers(rule: RatioBands, option: str, total: int) -> int | None:
    """A numerator that puts numerator/total × 100 % in the band of ``option``, or None if none does."""
    index = rule.options.index(option)
    low = Decimal(0) if index == 0 else rule.upper_bounds_pct[index - 1]
    high = rule.upper_bounds_pct[index]
    smallest = 0 if index == 0 else int(low * total / 100) + 1
    largest = int(high * total / 100)
    if smallest > largest:
        return None
    return (smallest + largest) // 2


def equipment_numbers(
    fw: Compiled, rng: random.Random, firm: Firm, choices: dict[str, frozenset[str]], total: int | None
) -> dict[str, Decimal]:
    """Device counts that give the chosen 设备数字化率 and 设备联网率 bands (so nothing contradicts)."""
    total = total or max(4, min(3000, round(firm.employees * rng.uniform(0.15, 0.6))))
    numbers = {"equipment_total": Decimal(total)}
    for rule in fw.derived:
        if not isinstance(rule, RatioBands):
            continue
        (option,) = choices[rule.item]
        count = _band_numbers(rule, option, total)
        if count is None:
            return {}
        numbers[rule.numerator] = Decimal(count)
    return numbers


def performance_numbers(
    rng: random.Random,
    option: str,
    rule: RatioChange,
    *,
    last: tuple[int, Decimal] | None = None,
    prior: tuple[int, Decimal] | None = None,
) -> dict[str, Decimal]:
    """Employees and revenue (万元) of the last two years giving the chosen change of revenue per employee:
    the prior year's figures made up from the last year's, or (at T1) the last year's from the prior's."""
    direction = {rule.up: 1, rule.flat: 0, rule.down: -1}[option]
    change = 1 + Decimal(str(round(rng.uniform(0.03, 0.18), 3))) * direction
    headcount = 1 if direction == 0 else Decimal(str(round(rng.uniform(0.93, 1.07), 3)))
    if prior is not None:
        employees, revenue = prior
        other = max(1, round(employees * headcount))
        made = revenue * other / employees * change if employees > 0 else Decimal(0)
        (e_last, r_last), (e_prior, r_prior) = (other, made.quantize(Decimal("0.01"))), prior
    elif last is not None:
        employees, revenue = last
        other = max(1, round(employees * headcount))
        made = revenue * other / employees / change if employees > 0 else Decimal(0)
        (e_last, r_last), (e_prior, r_prior) = last, (other, made.quantize(Decimal("0.01")))
    else:
        return {}
    if min(e_last, e_prior) <= 0 or min(r_last, r_prior) <= 0:
        return {}
    return {
        rule.numerator_last: r_last,
        rule.denominator_last: Decimal(e_last),
        rule.numerator_prior: r_prior,
        rule.denominator_prior: Decimal(e_prior),
    }


def collected_numbers(
    fw: Compiled,
    rng: random.Random,
    firm: Firm,
    choices: dict[str, frozenset[str]],
    *,
    equipment_total: int | None = None,
    prior: tuple[int, Decimal] | None = None,
) -> dict[str, Decimal]:
    """The numbers the index collects, consistent with the chosen options; any that the engine would read
    differently are left out (the chosen option then counts, as when a firm leaves the numbers blank)."""
    numbers = equipment_numbers(fw, rng, firm, choices, equipment_total)
    for rule in fw.derived:
        if isinstance(rule, RatioChange) and rule.item == "results.market.performance":
            (option,) = choices[rule.item]
            last = None if prior else (firm.employees, firm.revenue_10k)
            numbers |= performance_numbers(rng, option, rule, last=last, prior=prior)
    for rule in fw.derived:
        got = derive_option(fw, rule.item, numbers)
        if got is not None and frozenset({got}) != choices[rule.item]:
            for code in rule.inputs:
                numbers.pop(code, None)
    return numbers


def scored(fw: Compiled, answers: Answers) -> Drawn:
    result = score(fw, answers)
    plan = plan_to_level(fw, result, services.TARGET_LEVEL)
    return Drawn(answers=answers, result=result, plan=plan.to_json())


def baseline(fw: Compiled, rng: random.Random, firm: Firm) -> Drawn:
    m = maturity(rng)
    choices = draw_choices(fw, rng, m)
    numbers = collected_numbers(fw, rng, firm, choices)
    return scored(fw, Answers(choices=choices, scenarios=draw_scenarios(fw, rng, m), numbers=numbers))


def _apply(steps: Iterable[Step], choices: dict[str, frozenset[str]], scen: dict[str, int]) -> None:
    for step in steps:
        if isinstance(step.target, int):
            scen[step.code] = max(scen.get(step.code, 0), step.target)
        else:
            choices[step.code] = frozenset(step.target)


def improved(fw: Compiled, rng: random.Random, firm: Firm, before: Drawn) -> Drawn:
    """The T1 answers after a retrofit: the engine's path to 二级 taken (in full by most pilots), a higher
    level's path for some that were already there, and a few further improvements besides."""
    choices = dict(before.answers.choices)
    scen = dict(before.answers.scenarios)
    target = 3 if before.result.level >= 2 and rng.random() < 0.45 else services.TARGET_LEVEL
    steps = list(plan_to_level(fw, before.result, target).steps)
    if rng.random() < 0.2:  # some retrofits fall short of the plan
        steps = [s for s in steps if rng.random() < 0.5]
    _apply(steps, choices, scen)
    for s in rng.sample(list(fw.scenarios), k=rng.randint(0, 3)):
        scen[s.code] = min(len(s.levels), scen.get(s.code, 0) + 1)
    for item in rng.sample(list(fw.items), k=rng.randint(0, 3)):
        if not item.multi:
            now = item.keys.index(min(choices[item.code]))
            choices[item.code] = frozenset({item.keys[min(len(item.keys) - 1, now + 1)]})
    # A year on: the T0's "last year" is the T1's "year before"; the plant has a few more devices.
    had = before.answers.numbers
    prior = (int(had["employees_last"]), had["revenue_last"]) if "revenue_last" in had else None
    equipment = had.get("equipment_total")
    total = round(int(equipment) * rng.uniform(1.0, 1.12)) if equipment is not None else None
    numbers = collected_numbers(
        fw, rng, firm, choices, equipment_total=total, prior=prior or (firm.employees, firm.revenue_10k)
    )
    return scored(fw, Answers(choices=choices, scenarios=scen, numbers=numbers))


# -- rows ------------------------------------------------------------------------------------------------
def _moment(day: date, rng: random.Random, start_hour: int = 9) -> datetime:
    return datetime.combine(day, time(rng.randint(start_hour, 17), rng.randint(0, 59)), tzinfo=TZ)


def _day(rng: random.Random, period: tuple[date, date]) -> date:
    first, last = period
    last = min(last, timezone.localdate() - timedelta(days=7))
    day = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
    return day + timedelta(days=2) if day.weekday() == 5 else day + timedelta(days=int(day.weekday() == 6))


def score_fields(drawn: Drawn) -> dict[str, Any]:
    """The fields ``services.submitting._score`` sets (minus state and timestamps)."""
    data = drawn.result.to_json()
    data["plan"] = drawn.plan
    dims = drawn.result.dimension_points
    return {
        "answers": drawn.answers.to_json(),
        "result": data,
        "engine_version": ENGINE_VERSION,
        "total": Decimal(drawn.result.total) / UNIT,
        "points_base": Decimal(dims.get("base", 0)) / UNIT,
        "points_mgmt": Decimal(dims.get("mgmt", 0)) / UNIT,
        "points_results": Decimal(dims.get("results", 0)) / UNIT,
        "level": drawn.result.level,
    }


def t0_row(framework: Framework, firm: Firm, drawn: Drawn, creator: Any, rng: random.Random) -> Assessment:
    day = _day(rng, T0_PERIOD)
    submitted = _moment(day, rng)
    row = Assessment(
        enterprise_id=firm.pk,
        framework=framework,
        kind=Kind.SELF,
        phase=Phase.T0,
        state=State.SCORED,
        author_organization_id=firm.organization_id,
        created_by=creator,
        pledged_at=submitted,
        pledge_text=str(services.PLEDGE_TEXT),
        submitted_at=submitted,
        scored_at=submitted + timedelta(seconds=1),
        assessed_on=day,
        **score_fields(drawn),
    )
    row.created_at = submitted - timedelta(days=rng.randint(0, 12), hours=rng.randint(0, 6))
    row.updated_at = submitted + timedelta(seconds=1)
    return row


def t1_row(
    framework: Framework, firm: Firm, drawn: Drawn, people: tuple[Any, Any, Organization], rng: random.Random
) -> Assessment:
    arranged_by, expert, pool = people
    day = _day(rng, T1_PERIOD)
    submitted = _moment(day, rng, start_hour=13)
    signed = submitted + timedelta(days=rng.choice((0, 0, 1, 2, 3)), minutes=rng.randint(10, 200))
    row = Assessment(
        enterprise_id=firm.pk,
        framework=framework,
        kind=Kind.ONSITE,
        phase=Phase.T1,
        state=State.SIGNED_OFF,
        author_organization=pool,
        created_by=arranged_by,
        assessor=expert,
        coi_declared_at=datetime.combine(day, time(9, rng.randint(0, 50)), tzinfo=TZ),
        coi_statement=str(services.COI_TEXT),
        pledged_at=submitted,
        pledge_text=str(services.PLEDGE_TEXT),
        submitted_at=submitted,
        scored_at=submitted + timedelta(seconds=1),
        signed_off_at=signed,
        signed_off_by=expert,
        assessed_on=day,
        **score_fields(drawn),
    )
    row.created_at = datetime.combine(day - timedelta(days=rng.randint(10, 30)), time(10), tzinfo=TZ)
    row.updated_at = signed
    return row


# -- the seeding -----------------------------------------------------------------------------------------
def pilot_candidates(cities: Iterable[tuple[str, str, tuple[str, ...]]]) -> dict[str, list[Firm]]:
    """Per pilot city, its enterprises in the sub-industries (GB/T 4754 divisions) the city chose."""
    from dengta.reference.models import Region

    out: dict[str, list[Firm]] = {}
    for code, _level, divisions in cities:
        path = Region.objects.get(code=code).path
        industry = Q(pk__in=[])
        for division in divisions:
            industry |= Q(industry__code__startswith=division)
        rows = (
            Enterprise.objects.filter(industry, region__path__startswith=path)
            .order_by("pk")
            .values_list("pk", "organization_id", "region__path", "employees", "revenue")
        )
        out[code] = [
            Firm(pk, org, rpath, employees, (revenue / 10000).quantize(Decimal("0.01")))
            for pk, org, rpath, employees, revenue in rows
        ]
    return out


def _user(username: str, display_name: str) -> Any:
    user_model = get_user_model()
    # first_name too: the expert picker and the assessment list show get_full_name().
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"display_name": display_name, "first_name": display_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def expert_pool() -> tuple[Organization, Any, list[Any]]:
    """The national expert pool, demo-expert, and the pool's other experts (members without a login)."""
    member = _login_org("demo-expert", OrgType.EXPERT_POOL)
    others = []
    for index, name in enumerate(POOL_EXPERTS, start=1):
        user = _user(f"pool-expert-{index:02d}", name)
        if not Membership.objects.filter(user=user, organization=member.organization).exists():
            membership_grant(
                actor=None,
                user=user,
                organization=member.organization,
                role="staff",
                platform_roles=["reviewer"],
            )
        others.append(user)
    return member.organization, member.user, others


def _login_org(username: str, org_type: str) -> Membership:
    """A demo login's first membership of that type (demo-city is also a viewer at the province)."""
    member = (
        Membership.objects.select_related("organization", "organization__region", "user")
        .filter(user__username=username, organization__type=org_type)
        .order_by("pk")
        .first()
    )
    if member is None:
        raise ValueError(f"the demo login {username} is missing: create the demo accounts first")
    return member


class AssessmentSeeder:
    def __init__(self, seed: int, say: Callable[[str], None]) -> None:
        # Its own random stream: adding assessments leaves the registry's demo data exactly as it was.
        self.rng = random.Random(seed * 7919 + 3)
        self.say = say
        self.row = framework_row()
        fw = self.row.compiled()
        assert isinstance(fw, Compiled)
        self.fw = fw
        self.counts = Counts()

    def run(self, cities: Iterable[tuple[str, str, tuple[str, ...]]]) -> Counts:
        pool, demo_expert, experts = expert_pool()
        city_member = _login_org("demo-city", OrgType.AUTHORITY)
        own = _login_org("demo-enterprise", OrgType.ENTERPRISE).organization_id
        creator = _user(SEED_USERNAME, "演示数据")
        city_path = city_member.organization.region.path if city_member.organization.region else "-"
        t0_rows, t1_rows, open_candidates = [], [], []
        for _code, firms in pilot_candidates(cities).items():
            eligible = [f for f in firms if f.organization_id != own]
            chosen = self.rng.sample(eligible, k=round(len(eligible) * T0_SHARE))
            for firm in sorted(chosen, key=lambda f: f.pk):
                before = baseline(self.fw, self.rng, firm)
                t0_rows.append(t0_row(self.row, firm, before, creator, self.rng))
                self.counts.t0[before.result.level] += 1
                local = firm.path.startswith(city_path)
                if self.rng.random() >= T1_SHARE:
                    if local:
                        open_candidates.append(firm)
                    continue
                after = improved(self.fw, self.rng, firm, before)
                expert = demo_expert if local else self.rng.choice(experts)
                arranged_by = city_member.user if local else creator
                t1_rows.append(t1_row(self.row, firm, after, (arranged_by, expert, pool), self.rng))
                self.counts.t1[after.result.level] += 1
        self._write(t0_rows + t1_rows)
        if open_candidates:
            # A visit next week at 09:30 Beijing time, to be signed off within three weeks of it, so the
            # expert's assignment page shows a full arrangement (and the calendar file has a time).
            visit_day = timezone.localdate() + timedelta(days=7)
            visit_at = datetime.combine(visit_day, time(9, 30), tzinfo=timezone.get_current_timezone())
            services.assessment_assign_onsite(
                actor=city_member.user,
                enterprise=Enterprise.objects.select_related("region").get(pk=open_candidates[0].pk),
                expert=demo_expert,
                expert_organization=pool,
                phase=Phase.T1,
                arrangement=services.Arrangement(
                    visit_at=visit_at,
                    due_on=visit_day + timedelta(days=21),
                    contact_name="王经理（生产部）",
                    contact_phone="0574-87000000",
                    note="请提前一天与企业联系人确认到访时间。",
                    organization=city_member.organization,
                ),
            )
            self.counts.assigned = 1
        self._invite_demo_provider()
        record_event(
            actor=None,
            verb="demo.assessments_seeded",
            target=self.row,
            payload={
                "t0": sum(self.counts.t0.values()),
                "t1": sum(self.counts.t1.values()),
                "t0_levels": {str(k): v for k, v in sorted(self.counts.t0.items())},
                "t1_levels": {str(k): v for k, v in sorted(self.counts.t1.items())},
            },
        )
        self.say(self.counts.line())
        return self.counts

    @staticmethod
    def _invite_demo_provider() -> None:
        """demo-enterprise invites demo-provider, so the provider's diagnosis journey can start (a provider
        diagnoses only enterprises that invited it)."""
        enterprise_member = _login_org("demo-enterprise", OrgType.ENTERPRISE)
        provider = _login_org("demo-provider", OrgType.PROVIDER).organization
        enterprise = Enterprise.objects.select_related("region").get(
            organization=enterprise_member.organization
        )
        invitation_create(actor=enterprise_member.user, enterprise=enterprise, provider=provider)

    @staticmethod
    def _write(rows: list[Assessment]) -> None:
        stamps = [(r.created_at, r.updated_at) for r in rows]
        Assessment.objects.bulk_create(rows, batch_size=500)
        # bulk_create stamps created_at/updated_at with the present (auto_now_add); put back the dates the
        # assessments were made on, as the services would have written them at the time.
        for row, (created, updated) in zip(rows, stamps, strict=True):
            row.created_at, row.updated_at = created, updated
        Assessment.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=500)
        # Final results carry their issued report (number, issuer, digest) as the services would have issued
        # them, dated when each became final (dengta.assessment.issuing).
        issuing.issue_in_bulk(rows)


def seed_assessments(
    seed: int, cities: Iterable[tuple[str, str, tuple[str, ...]]], say: Callable[[str], None]
) -> Counts:
    return AssessmentSeeder(seed, say).run(cities)
