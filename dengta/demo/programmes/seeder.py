"""The demo programmes' run: the cast's applications drafted, their steps merged in time order and run through
the services with the clock at each step's moment."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model

from dengta.demo import generate
from dengta.demo.programmes.cast import CAST, CONFLICTED_EXPERT, CONFLICTED_WITH, EXTRA_CITIES, Part
from dengta.demo.programmes.clock import TZ, closing, later, office_hour
from dengta.demo.programmes.drafting import Draft, Drafter
from dengta.demo.programmes.steps import BatchDays, People, Script, Step, replay
from dengta.demo.programmes.texts import CONFLICT_REASON
from dengta.orgs.models import AuthorityLevel, Membership, Organization, OrgType, PlatformRole
from dengta.orgs.services import membership_grant, organization_create
from dengta.programmes import reviews
from dengta.programmes.models import Application, ApplicationState, Batch, Pilot, ReviewAssignment
from dengta.reference.models import Region

S = ApplicationState
NEEDS_SUBMISSION = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.APPROVED, S.REJECTED})


@dataclass
class ProgrammeCounts:
    batches: int = 0
    states: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    pilots: int = 0
    city_pilots: int = 0
    reviews: int = 0
    reviews_submitted: int = 0
    pool: int = 0
    invited: int = 0

    def line(self) -> str:
        if not self.batches:
            return "programmes: none (the batches are not loaded: run manage.py load_batches first)"
        spread = " ".join(f"{k}={v}" for k, v in sorted(self.states.items()))
        skipped = (
            f"; skipped (no enterprises at this scale): {', '.join(self.skipped)}" if self.skipped else ""
        )
        return (
            f"programmes: {self.batches} batches; {sum(self.states.values())} applications ({spread}); "
            f"{self.pilots} pilots with allocations ({self.city_pilots} pilot cities); {self.reviews} expert "
            f"reviews ({self.reviews_submitted} submitted); {self.pool} pool enterprises, {self.invited} "
            f"diagnoses scheduled{skipped}"
        )

    def payload(self) -> dict[str, Any]:
        return {
            "batches": self.batches,
            "applications": dict(sorted(self.states.items())),
            "pilots": self.pilots,
            "reviews": self.reviews,
            "pool": self.pool,
        }


def _user(username: str, org_type: str) -> Any:
    member = (
        Membership.objects.select_related("user")
        .filter(user__username=username, organization__type=org_type)
        .order_by("pk")
        .first()
    )
    if member is None:
        raise ValueError(f"the demo login {username} is missing: create the demo accounts first")
    return member.user


class ProgrammeSeeder:
    def __init__(self, seed: int, cities: Iterable[tuple[str, str, tuple[str, ...]]]) -> None:
        # Its own random stream from the demo seed, as the assessments and the catalogue have: the programmes
        # leave everything seeded before them exactly as it was.
        self.rng = random.Random(seed * 7919 + 41)
        self.cities = {code: divisions for code, _level, divisions in cities}
        self.counts = ProgrammeCounts()
        self.drafts: list[Draft] = []

    def run(self) -> ProgrammeCounts:
        batches = {b.code: b for b in Batch.objects.select_related("programme")}
        wanted = sorted({p.batch for p in CAST})
        if any(code not in batches for code in wanted):
            return self.counts  # line() says so
        self.counts.batches = len(wanted)
        authorities = self._authorities()
        demo_enterprise = _user("demo-enterprise", OrgType.ENTERPRISE)
        excluded = set(
            Membership.objects.filter(
                user=demo_enterprise, organization__type=OrgType.ENTERPRISE
            ).values_list("organization_id", flat=True)
        )
        drafter = Drafter(self.rng, self.cities, excluded)
        demo_expert = _user("demo-expert", OrgType.EXPERT_POOL)
        # The applicant's officer is filled in per application (``_script``).
        cast = People(None, _user("demo-ministry", OrgType.MINISTRY), self._experts(demo_expert), demo_expert)
        days = {code: self._batch_days(batches[code]) for code in wanted}
        steps: list[Step] = [self._conflict(cast.experts, authorities, batches)]
        for part in CAST:
            applicant = authorities.get(part.region)
            if applicant is None:
                self.counts.skipped.append(f"{part.batch}/{part.region}")
                continue
            steps += self._script(part, batches[part.batch], applicant, drafter, days[part.batch], cast)
        replay(steps)
        self._count()
        return self.counts

    # -- who ----------------------------------------------------------------------------------------------
    def _authorities(self) -> dict[str, Organization]:
        """The cast's applicants by region code; the two capitals the demo lacks are added (as authorities()
        names a city's bureau)."""
        codes = {p.region for p in CAST}
        found = {
            o.region_id or "": o
            for o in Organization.objects.select_related("region")
            .filter(type=OrgType.AUTHORITY, region_id__in=codes)
            .order_by("pk")
        }
        for code in EXTRA_CITIES:
            if code not in found:
                region = Region.objects.get(code=code)
                found[code] = organization_create(
                    actor=None,
                    name=f"{region.full_name}工业和信息化局",
                    type=OrgType.AUTHORITY,
                    authority_level=AuthorityLevel.CITY,
                    region=region,
                )
        return found

    def _officer(self, org: Organization) -> Any:
        """The authority's programme officer: its first member with the programme-staff role (demo-city in
        宁波, the catalogue's officer in the other pilot cities), or one made now. The name is drawn either
        way, so that a second run on the same data draws the same stream."""
        name = generate.person_name(self.rng)
        for member in (
            Membership.objects.select_related("user")
            .filter(organization=org, role__in=("admin", "staff"))
            .order_by("pk")
        ):
            if member.has_platform_role(PlatformRole.PROGRAMME_STAFF):
                return member.user
        user, created = get_user_model().objects.get_or_create(
            username=f"authority-staff-{org.region_id}", defaults={"display_name": name, "first_name": name}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        membership_grant(
            actor=None,
            user=user,
            organization=org,
            role="staff",
            platform_roles=[PlatformRole.PROGRAMME_STAFF],
        )
        return user

    @staticmethod
    def _experts(demo_expert: Any) -> list[Any]:
        pool = Membership.objects.filter(user=demo_expert, organization__type=OrgType.EXPERT_POOL).values(
            "organization_id"
        )
        members = (
            Membership.objects.select_related("user")
            .filter(organization_id__in=pool)
            .order_by("user__username")
        )
        return [m.user for m in members if m.has_platform_role(PlatformRole.REVIEWER)]

    def _conflict(
        self, experts: list[Any], authorities: dict[str, Organization], batches: dict[str, Batch]
    ) -> Step:
        """One expert declared a conflict with an applicant before the first batch: the assignments pass over
        the pair."""
        expert = next((e for e in experts if e.get_username() == CONFLICTED_EXPERT), None)
        org = authorities.get(CONFLICTED_WITH)
        first = min(b.application_opens for b in batches.values())

        def declare() -> None:
            if expert is not None and org is not None:
                reviews.conflict_declare(
                    actor=expert, expert=expert, organization=org, reason=CONFLICT_REASON
                )

        return Step(office_hour(self.rng, first - timedelta(days=20)), declare)

    # -- when ---------------------------------------------------------------------------------------------
    def _batch_days(self, batch: Batch) -> BatchDays:
        """The review starts a few days after the window closes; experts have until five days before the
        review closes; the decisions come the day before it closes."""
        starts = later(self.rng, closing(batch.application_closes), 1, 4)
        deadline = datetime.combine(batch.review_closes - timedelta(days=5), time(18), TZ)
        day = batch.review_closes - timedelta(days=1)
        while day.weekday() >= 5:  # the ministry decides on a working day
            day -= timedelta(days=1)
        decided = datetime.combine(day, time(10), TZ)
        return BatchDays(starts, deadline, decided)

    def _script(
        self,
        part: Part,
        batch: Batch,
        applicant: Organization,
        drafter: Drafter,
        days: BatchDays,
        cast: People,
    ) -> list[Step]:
        created = office_hour(self.rng, batch.application_opens + timedelta(days=self.rng.randint(0, 5)))
        ends = _pilot_end(days.decided.date(), batch) if part.outcome == S.APPROVED else None
        draft = drafter.draft(part, batch, applicant, created.date(), ends)
        if draft is None or (part.outcome in NEEDS_SUBMISSION and not _complete(draft)):
            self.counts.skipped.append(f"{part.batch}/{part.region}")
            return []
        self.drafts.append(draft)
        people = People(self._officer(applicant), cast.ministry, cast.experts, cast.demo_expert)
        return Script(self.rng, draft, people, days).build(created)

    # -- the summary --------------------------------------------------------------------------------------
    def _count(self) -> None:
        apps = Application.objects.filter(batch__code__in={p.batch for p in CAST})
        self.counts.states = Counter(apps.values_list("state", flat=True))
        pilots = Pilot.objects.filter(application__in=apps)
        self.counts.pilots = pilots.count()
        self.counts.city_pilots = pilots.filter(batch__programme__model="city").count()
        assignments = ReviewAssignment.objects.filter(application__in=apps)
        self.counts.reviews = assignments.count()
        self.counts.reviews_submitted = assignments.exclude(submitted_at=None).count()
        self.counts.pool = sum(a.pool.count() for a in apps)
        self.counts.invited = sum(d.invited for d in self.drafts)


def _complete(draft: Draft) -> bool:
    return bool(draft.entries) and all(e.providers and e.firms for e in draft.entries)


def _pilot_end(decided: date, batch: Batch) -> date:
    """When the pilot approved on ``decided`` ends (a month is at most 31 days: never earlier than
    services._add_months says)."""
    return decided + timedelta(days=31 * batch.pilot_period_months)


def seed_programmes(seed: int, cities: Iterable[tuple[str, str, tuple[str, ...]]]) -> ProgrammeCounts:
    """Seed the programmes after the registry, the logins, the assessments and the catalogue; the caller
    prints ``line()``."""
    return ProgrammeSeeder(seed, cities).run()
