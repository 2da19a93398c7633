"""The demo's retrofit projects: in each pilot, projects of its pool enterprises by their nominated providers,
replayed through the project services with the clock at each step's moment (as the programmes are, see
dengta/demo/programmes/clock.py), so every state of the workflow is present and every figure — the split,
the commitments, the payments, the events — is what the services would have written. The ledger of every
pilot therefore reconciles.

Who goes how far: an enterprise whose on-site T1 assessment (seeded by dengta/demo/assessments.py, signed off
between March and October 2026) reached the pilot's target is accepted after that assessment and then claimed,
paid or archived; one whose T1 fell short is in rectification or failed; the others stop at one of the
earlier states (draft to on-site evaluation, withdrawn, disqualified), in a pilot that is still running.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from dengta.assessment.models import Assessment, Phase
from dengta.assessment.models import Kind as AssessmentKind
from dengta.assessment.models import State as AssessmentState
from dengta.catalog.models import Product, ProductState, offered_q
from dengta.demo import generate
from dengta.demo.programmes.clock import later, office_hour
from dengta.demo.programmes.steps import Step, replay
from dengta.orgs.models import Membership, Organization, OrgType
from dengta.orgs.services import membership_grant
from dengta.programmes.models import NominatedProvider, Pilot, PoolEnterprise
from dengta.projects import dossier
from dengta.projects.models import Project, ProjectState
from dengta.projects.services import filing, ledger, steps
from dengta.registry.models import Provider

S = ProjectState
PER_PILOT = 8
DEMO_PROVIDER = "demo-provider"
DEMO_PROVIDER_PROJECTS = 3
# A minimal valid PDF: the dossier checks content, not names.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EARLY = (
    S.DRAFT,
    S.FILED,
    S.APPROVED,
    S.IN_PROGRESS,
    S.IN_PROGRESS,
    S.COMPLETED,
    S.ACCEPTANCE_REQUESTED,
    S.PRE_CHECKED,
    S.ON_SITE,
    S.WITHDRAWN,
    S.DISQUALIFIED,
)
PASSED = (S.ACCEPTED, S.SUBSIDY_CLAIMED, S.PAID, S.PAID, S.ARCHIVED)
SHORT = (S.RECTIFICATION, S.FAILED)
# The categories the batch files' default project rules subsidise.
ELIGIBLE = frozenset({"consulting", "diagnosis", "software", "cloud", "hardware"})
MILESTONES = ("需求调研与方案确认", "系统部署与设备联网", "试运行与培训")


@dataclass
class ProjectCounts:
    states: Counter[str] = field(default_factory=Counter)
    pilots: int = 0
    balanced: int = 0
    # Steps the services refused: a project stops where its script failed (the demo's tests expect none).
    refused: list[str] = field(default_factory=list)

    def line(self) -> str:
        spread = " ".join(f"{k}={v}" for k, v in sorted(self.states.items()))
        refused = f"; refused steps: {'; '.join(self.refused)}" if self.refused else ""
        return (
            f"projects: {sum(self.states.values())} in {self.pilots} pilots ({spread}); "
            f"ledgers reconciled: {self.balanced} of {self.pilots}{refused}"
        )

    def payload(self) -> dict[str, Any]:
        return {"states": dict(sorted(self.states.items())), "pilots": self.pilots, "balanced": self.balanced}


@dataclass
class Plan:
    """One project to be: its parties, its lines, how far it goes and (for an evaluated one) the T1."""

    pilot: Pilot
    enterprise: Any
    provider: Any
    products: list[tuple[Product, int]]
    goal: str
    t1: Assessment | None
    people: dict[str, Any]
    project: Project | None = None
    refusals: list[str] = field(default_factory=list)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _member(org: Organization, rng: random.Random) -> Any:
    """The organisation's first member, or its own login made now (unusable password, as the programme
    officers the programmes' seeder adds): an enterprise or provider acts through its people."""
    member = Membership.objects.select_related("user").filter(organization=org).order_by("pk").first()
    if member is not None:
        return member.user
    name = generate.person_name(rng)
    user, created = get_user_model().objects.get_or_create(
        username=f"{org.type}-{org.pk}", defaults={"display_name": name, "first_name": name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership_grant(actor=None, user=user, organization=org, role="admin")
    return user


class ProjectSeeder:
    def __init__(self, seed: int) -> None:
        # Its own random stream: adding projects leaves everything seeded before exactly as it was.
        self.rng = random.Random(seed * 7919 + 97)
        # The goals are dealt in turn from each list, so that every state appears however few projects
        # a small demo has.
        self.goals = {
            name: itertools.cycle(goals)
            for name, goals in (("early", EARLY), ("passed", PASSED), ("short", SHORT))
        }
        self.counts = ProjectCounts()
        self.now = timezone.localtime().replace(microsecond=0)

    def run(self) -> ProjectCounts:
        plans: list[Plan] = []
        for pilot in Pilot.objects.select_related("batch", "authority__region", "application").order_by("pk"):
            plans += self._plans(pilot)
        script: list[Step] = []
        for plan in plans:
            script += self._script(plan)
        replay(script)
        self.counts.refused = [r for plan in plans for r in plan.refusals]
        pilots = {plan.pilot.pk: plan.pilot for plan in plans}
        self.counts.pilots = len(pilots)
        self.counts.balanced = sum(1 for p in pilots.values() if ledger.reconcile(p).balanced)
        self.counts.states = Counter(Project.objects.values_list("state", flat=True))
        return self.counts

    # -- who and what ---------------------------------------------------------------------------------------
    def _plans(self, pilot: Pilot) -> list[Plan]:
        authority_user = _member(pilot.authority, self.rng)
        pool = list(
            PoolEnterprise.objects.filter(application_id=pilot.application_id)
            .select_related("enterprise__organization", "enterprise__region", "entry")
            .order_by("pk")
        )
        self.rng.shuffle(pool)
        # Enterprises with an on-site T1 first: they are the ones that can go through acceptance.
        with_t1 = set(
            Assessment.objects.filter(
                enterprise_id__in=[m.enterprise_id for m in pool],
                kind=AssessmentKind.ONSITE,
                phase=Phase.T1,
                state=AssessmentState.SIGNED_OFF,
            ).values_list("enterprise_id", flat=True)
        )
        pool.sort(key=lambda m: m.enterprise_id not in with_t1)
        running = pilot.ends_on > self.now.date()
        plans: list[Plan] = []
        demo_provider = self._demo_provider(pilot)
        # In demo-provider's (and demo-city's) own pilot the accepted projects go as far as these, in turn, so
        # that demo-city's finance login finds a claim to pay and demo-provider both paid and open work.
        home_goals = [S.SUBSIDY_CLAIMED, S.ACCEPTED, S.PAID]
        for member in pool:
            if len(plans) >= PER_PILOT:
                break
            local = demo_provider if len(plans) < DEMO_PROVIDER_PROJECTS else None
            provider, products = self._offer(member, local)
            if provider is None:
                continue
            t1 = (
                Assessment.objects.filter(
                    enterprise=member.enterprise,
                    kind=AssessmentKind.ONSITE,
                    phase=Phase.T1,
                    state=AssessmentState.SIGNED_OFF,
                    level__isnull=False,
                )
                .order_by("-signed_off_at")
                .first()
            )
            if t1 is not None and t1.assessor_id is not None:
                passed = (t1.level or 0) >= pilot.target_level
                if passed and demo_provider is not None and home_goals:
                    goal = home_goals.pop(0)
                else:
                    goal = next(self.goals["passed" if passed else "short"])
            elif running:
                goal = next(self.goals["early"])
                t1 = None
            else:
                continue
            people = {
                "authority": authority_user,
                "enterprise": _member(member.enterprise.organization, self.rng),
                "provider": _member(provider.organization, self.rng),
                "expert": t1.assessor if t1 is not None else None,
            }
            plans.append(Plan(pilot, member.enterprise, provider, products, goal, t1, people))
        return plans

    def _offer(self, member: PoolEnterprise, local: Any = None) -> tuple[Any, list[tuple[Product, int]]]:
        """A provider for the enterprise with one to three of its products: ``local`` first when given (demo
        login's own provider in its home city, so its workspace has projects), else a nominated provider of
        the enterprise's sub-industry; either may be offered now and lists products."""
        candidates = [local] if local is not None else []
        candidates += [
            row.provider
            for row in NominatedProvider.objects.filter(entry_id=member.entry_id)
            .filter(offered_q())
            .select_related("provider__organization")
            .order_by("pk")
        ]
        for provider in candidates:
            products = list(
                Product.objects.filter(provider=provider, state=ProductState.LISTED).order_by("pk")[:6]
            )
            # At least one product the pilot subsidises, so that the project has money to follow.
            eligible = [p for p in products if p.category in ELIGIBLE]
            if eligible:
                first = self.rng.choice(eligible)
                others = [p for p in products if p != first]
                chosen = [first, *self.rng.sample(others, k=min(len(others), self.rng.randint(0, 2)))]
                return provider, [(p, self.rng.randint(1, 3)) for p in chosen]
        return None, []

    @staticmethod
    def _demo_provider(pilot: Pilot) -> Any:
        """demo-provider, when the pilot is in its city and it may be offered (the first projects there are
        its own)."""
        member = (
            Membership.objects.select_related("organization__region")
            .filter(user__username=DEMO_PROVIDER, organization__type=OrgType.PROVIDER)
            .first()
        )
        city = (member.organization.region_id or "")[:4] + "00" if member is not None else ""
        if member is None or pilot.authority.region_id != city:
            return None
        return Provider.objects.filter(organization=member.organization).filter(offered_q(prefix="")).first()

    # -- when -----------------------------------------------------------------------------------------------
    def _script(self, plan: Plan) -> list[Step]:
        pilot, rng = plan.pilot, self.rng
        if plan.t1 is not None:
            assert plan.t1.signed_off_at is not None
            evaluated = later(rng, plan.t1.signed_off_at, 1, 4)
            completed = evaluated - timedelta(days=rng.randint(25, 45))
            filed = completed - timedelta(days=rng.randint(70, 140))
        else:
            latest = min(pilot.ends_on, self.now.date() - timedelta(days=200))
            earliest = max(pilot.starts_on + timedelta(days=5), date(2025, 10, 1))
            if latest <= earliest:
                return []
            filed = office_hour(rng, earliest + timedelta(days=rng.randint(0, (latest - earliest).days)))
            completed = filed + timedelta(days=rng.randint(80, 130))
            evaluated = completed + timedelta(days=rng.randint(20, 40))
        filed = office_hour(rng, filed.date())
        if not pilot.starts_on < filed.date() < pilot.ends_on:
            return []
        moments = _Moments(rng, filed, completed, evaluated, self.now)
        return _Script(plan, moments).steps()


class _Moments:
    """The moments of one project's steps, in order, none in the future."""

    def __init__(
        self, rng: random.Random, filed: datetime, completed: datetime, evaluated: datetime, now: datetime
    ):
        self.rng = rng
        self.filed = filed
        self.drafted = filed - timedelta(days=rng.randint(1, 6))
        self.approved = later(rng, filed, 2, 8)
        self.started = later(rng, self.approved, 1, 6)
        self.completed = office_hour(rng, max(completed, self.started + timedelta(days=45)).date())
        self.requested = later(rng, self.completed, 3, 20)
        self.pre_checked = later(rng, self.requested, 2, 7)
        self.assigned = later(rng, self.pre_checked, 1, 5)
        self.evaluated = max(evaluated, later(rng, self.assigned, 1, 3))
        self.decided = later(rng, self.evaluated, 1, 4)
        self.claimed = later(rng, self.decided, 2, 10)
        self.paid = later(rng, self.claimed, 7, 25)
        self.archived = later(rng, self.paid, 10, 40)
        self.now = now

    def fits(self, moment: datetime) -> bool:
        return moment < self.now


class _Script:
    def __init__(self, plan: Plan, at: _Moments) -> None:
        self.plan = plan
        self.at = at
        self.out: list[Step] = []

    def add(self, moment: datetime, run: Callable[[], object]) -> bool:
        if not self.at.fits(moment):
            return False
        self.out.append(Step(moment, self._guarded(run)))
        return True

    def _guarded(self, run: Callable[[], object]) -> Callable[[], None]:
        """A step that the services refuse stops its project there (and is reported), not the whole seed."""

        def step() -> None:
            if self.plan.refusals:
                return
            try:
                with transaction.atomic():
                    run()
            except ValidationError as exc:
                name = self.plan.enterprise.name
                self.plan.refusals.append(f"{name}: {' '.join(exc.messages)}")

        return step

    def project(self) -> Project:
        assert self.plan.project is not None
        self.plan.project = Project.objects.get(pk=self.plan.project.pk)
        return self.plan.project

    def steps(self) -> list[Step]:
        plan, at, goal = self.plan, self.at, self.plan.goal
        who = plan.people
        order: list[str] = [
            S.DRAFT, S.FILED, S.APPROVED, S.IN_PROGRESS, S.COMPLETED, S.ACCEPTANCE_REQUESTED, S.PRE_CHECKED,
            S.ON_SITE, S.ACCEPTED, S.SUBSIDY_CLAIMED, S.PAID, S.ARCHIVED,
        ]  # fmt: skip
        exits: dict[str, str] = {
            S.WITHDRAWN: S.IN_PROGRESS,
            S.DISQUALIFIED: S.APPROVED,
            S.RECTIFICATION: S.ON_SITE,
            S.FAILED: S.ON_SITE,
        }
        reach = exits.get(goal, goal)
        upto = order.index(reach)

        def create() -> None:
            plan.project = filing.project_create(
                actor=who["provider"],
                pilot=plan.pilot,
                enterprise=plan.enterprise,
                provider=plan.provider,
                title=f"{plan.enterprise.name[:40]}数字化改造项目",
                lines=[filing.LineInput(p, q) for p, q in plan.products],
                starts_on=at.filed.date() + timedelta(days=7),
                ends_on=at.completed.date(),
                scenarios=[],
            )

        self.add(at.drafted, create)
        if upto >= 1:
            self.add(at.filed, lambda: filing.project_file(actor=who["provider"], project=self.project()))
        if upto >= 2:
            self.add(
                at.approved, lambda: steps.project_approve(actor=who["authority"], project=self.project())
            )
        if upto >= 3:
            self.add(at.started, self._start)
        if upto >= 4:
            self.add(at.completed - timedelta(days=3), self._evidence)
            self.add(
                at.completed,
                lambda: steps.project_complete(
                    actor=who["provider"], project=self.project(), completed_on=at.completed.date()
                ),
            )
        if upto >= 5:
            self.add(
                at.requested,
                lambda: steps.project_request_acceptance(actor=who["enterprise"], project=self.project()),
            )
        if upto >= 6:
            self.add(
                at.pre_checked,
                lambda: steps.project_pre_check(actor=who["authority"], project=self.project(), passed=True),
            )
        if upto >= 7:
            expert = who["expert"] or self._any_expert()
            self.add(
                at.assigned,
                lambda: steps.evaluation_assign(
                    actor=who["authority"], project=self.project(), expert=expert
                ),
            )
        if goal in (S.RECTIFICATION, S.FAILED) or upto >= 8:
            self.add(at.evaluated, self._evaluate)
            self.add(at.decided, self._decide)
        if upto >= 9:
            self.add(at.claimed, lambda: steps.project_claim(actor=who["enterprise"], project=self.project()))
        if upto >= 10:
            self.add(at.paid, self._pay)
        if upto >= 11:
            self.add(
                at.archived, lambda: steps.project_archive(actor=who["authority"], project=self.project())
            )
        if goal == S.WITHDRAWN:
            self.add(
                later(self.at.rng, at.started, 10, 30),
                lambda: steps.project_withdraw(
                    actor=who["provider"], project=self.project(), reason="企业经营调整，双方协商终止改造"
                ),
            )
        if goal == S.DISQUALIFIED:
            self.add(
                later(self.at.rng, at.approved, 5, 20),
                lambda: steps.project_disqualify(
                    actor=who["authority"], project=self.project(), reason="核查发现企业同期已获同类项目补贴"
                ),
            )
        return self.out

    def _any_expert(self) -> Any:
        member = (
            Membership.objects.select_related("user")
            .filter(organization__type=OrgType.EXPERT_POOL)
            .order_by("pk")
            .first()
        )
        return member.user if member is not None else None

    def _start(self) -> None:
        who, at, project = self.plan.people, self.at, self.project()
        steps.contract_record(actor=who["provider"], project=project, signed_on=timezone.localdate())
        project = steps.project_start(actor=who["provider"], project=project)
        span = max((at.completed - at.started).days, 30)
        for index, title in enumerate(MILESTONES, start=1):
            due = at.started.date() + timedelta(days=span * index // len(MILESTONES))
            steps.milestone_add(actor=who["provider"], project=project, title=title, due_on=due)

    def _evidence(self) -> None:
        who, rng, project = self.plan.people, self.at.rng, self.project()
        today = timezone.localdate()
        for milestone in project.milestones.all():
            late = rng.random() < 0.2
            done = min(milestone.due_on + timedelta(days=rng.randint(3, 15) if late else 0), today)
            steps.milestone_done(actor=who["provider"], milestone=milestone, done_on=done)
        for kind in dossier.load_spec().required:
            steps.dossier_add(
                actor=who["provider"], project=project, kind=kind.code, upload=_pdf(f"{kind.code}.pdf")
            )
        contract = project.contract_yuan
        first = (contract * Decimal("0.6")).quantize(Decimal("0.01"))
        steps.invoice_add(
            actor=who["provider"],
            project=project,
            number=f"3302{project.pk:06d}1",
            issued_on=today,
            amount_yuan=first,
        )
        steps.invoice_add(
            actor=who["provider"],
            project=project,
            number=f"3302{project.pk:06d}2",
            issued_on=today,
            amount_yuan=contract - first,
        )
        steps.enterprise_payment_add(
            actor=who["enterprise"],
            project=project,
            paid_on=today,
            amount_yuan=project.enterprise_yuan,
            reference=f"YH{today:%Y%m%d}{project.pk:05d}",
        )

    def _pay(self) -> None:
        """Finance pays the claim as a batch of its own (the batch and its Excel are on the payments page)."""
        project = self.project()
        _batches, outcomes = ledger.pay_batch(
            actor=self.plan.people["authority"], projects=[project], token=f"demo-{project.pk}"
        )
        refused = [o.refusal for o in outcomes if o.refusal]
        if refused:
            raise ValidationError(refused)

    def _evaluate(self) -> None:
        plan, project = self.plan, self.project()
        assert plan.t1 is not None
        evaluation = project.evaluations.order_by("-id").first()
        assert evaluation is not None
        outcomes: dict[str, str] = {S.RECTIFICATION: "rectify", S.FAILED: "failed"}
        outcome = outcomes.get(plan.goal, "passed")
        steps.evaluation_record(
            actor=plan.people["expert"],
            evaluation=evaluation,
            assessment=plan.t1,
            outcome=outcome,
            findings="" if outcome == "passed" else "现场核查：数据采集覆盖不足，部分场景未实际投入使用",
            rectify_by=timezone.localdate() + timedelta(days=60) if outcome == "rectify" else None,
        )

    def _decide(self) -> None:
        plan, project = self.plan, self.project()
        authority = plan.people["authority"]
        if plan.goal == S.RECTIFICATION:
            steps.project_rectify(actor=authority, project=project, reason="按专家意见限期整改后再次评定")
        elif plan.goal == S.FAILED:
            steps.project_fail(
                actor=authority, project=project, reason="改造后现场评定未达到二级，验收不通过"
            )
        else:
            steps.project_accept(actor=authority, project=project)
            steps.project_rate(
                actor=plan.people["enterprise"],
                project=project,
                stars=self.at.rng.choice((3, 4, 4, 5, 5)),
                comment="响应及时，实施规范",
            )


def seed_projects(seed: int) -> ProjectCounts:
    """Seed the retrofit projects after the programmes; the caller prints ``line()``."""
    return ProjectSeeder(seed).run()
