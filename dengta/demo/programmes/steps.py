"""The steps of one application, each a call of a programme service at its moment.

Each step is the service an authority's officer, the ministry's programme staff or an expert would have called
(dengta.programmes.services and .reviews), run with the clock at the step's moment (clock.py): the window
checks, the eligibility check stored after every change, the transitions' events, the pilot's period and the
allocation are the services' own.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from dengta.assessment.invitations import invitation_create
from dengta.core.events import record_event
from dengta.demo.programmes.clock import TZ, ServiceClock, closing, later
from dengta.demo.programmes.drafting import Draft, Entry
from dengta.demo.programmes.texts import (
    COMMENTS,
    PLATFORM_REJECTION,
    REJECTION_REASONS,
    RETURN_REASONS,
    TOP_COMMENT,
    ZERO_COMMENT,
)
from dengta.programmes import reviews, rules, services
from dengta.programmes.models import (
    ApplicationState,
    ApplicationSubIndustry,
    NominatedProvider,
    PoolEnterprise,
    ReviewAssignment,
)
from dengta.registry.models import Enterprise

S = ApplicationState
REVIEWED = frozenset({S.UNDER_REVIEW, S.APPROVED, S.REJECTED})
MINUTE = timedelta(minutes=1)


@dataclass
class Step:
    """A service call and the moment it happened (steps of one moment run in the order they were made)."""

    moment: datetime
    run: Callable[[], None]


def replay(steps: Iterable[Step]) -> None:
    """Run the steps in time order (ties in the order they were made), each with the services' clock at its
    moment."""
    ordered = sorted(enumerate(steps), key=lambda item: (item[1].moment, item[0]))
    clock = ServiceClock()
    with clock.running():
        for _index, step in ordered:
            clock.set(step.moment)
            step.run()


@dataclass(frozen=True)
class People:
    officer: Any  # the applicant authority's programme officer
    ministry: Any  # the ministry's programme staff who review and decide
    experts: list[Any]  # the national pool's reviewers, demo-expert among them
    demo_expert: Any


@dataclass(frozen=True)
class BatchDays:
    """The batch-wide moments: the review starts, the experts' deadline, the decisions."""

    review_starts: datetime
    deadline: datetime
    decided: datetime


class Script:
    """The timed steps of one draft. Moments only move forward, so the draft's steps run in order."""

    def __init__(self, rng: random.Random, draft: Draft, people: People, days: BatchDays) -> None:
        self.rng = rng
        self.draft = draft
        self.people = people
        self.days = days
        self.steps: list[Step] = []
        self.t = datetime.min.replace(tzinfo=TZ)
        self.rows: dict[int, ApplicationSubIndustry] = {}  # entry index → its row once added

    def at(self, moment: datetime, run: Callable[[], None]) -> None:
        self.t = max(moment, self.t + MINUTE)
        self.steps.append(Step(self.t, run))

    # -- the authority ------------------------------------------------------------------------------------
    def build(self, created: datetime) -> list[Step]:
        draft, part, rng = self.draft, self.draft.part, self.rng
        self.at(created, self._create)
        # The plan and the fund plan first, then the content: the eligibility check the services store is the
        # last one, which the submission runs (or ``_check`` for an application never submitted).
        if part.outcome == S.DRAFT:
            self.at(later(rng, self.t, 0.2, 1), lambda: self._update({"plan": draft.plan}))
        else:
            self.at(later(rng, self.t, 0.2, 1), self._fund_plan)
        for index, entry in enumerate(draft.entries):
            self.at(later(rng, self.t, 0.05, 1.0), partial(self._add_sub, index, entry))
            for provider in entry.providers:
                self.at(later(rng, self.t, 0.01, 0.2), partial(self._add_provider, index, provider))
        for index, entry in enumerate(draft.entries):
            if entry.firms:
                self.at(later(rng, self.t, 0.5, 2.0), partial(self._add_pool, index, entry))
        if part.outcome == S.DRAFT or (part.outcome == S.WITHDRAWN and not part.submitted):
            self.at(self.t + timedelta(minutes=3), self._check)
            if part.outcome == S.WITHDRAWN:
                self.at(later(rng, self.t, 2, 6), self._withdraw)
            return self.steps
        self._submission()
        return self.steps

    def _submission(self) -> None:
        part, rng, closes = self.draft.part, self.rng, closing(self.draft.batch.application_closes)
        if part.returned_first:
            self.at(later(rng, self.t, 0.5, 2), self._submit)
            self.at(later(rng, self.t, 2, 4), lambda: self._return(rng.choice(RETURN_REASONS)))
            self.at(min(later(rng, self.t, 2, 5), closes - timedelta(hours=2)), self._submit)
        else:
            self.at(min(later(rng, self.t, 1, 8), closes - timedelta(hours=1)), self._submit)
        if part.outcome == S.WITHDRAWN:
            self.at(later(rng, self.t, 2, 6), self._withdraw)
        elif part.outcome == S.RETURNED:
            self.at(later(rng, self.t, 3, 6), lambda: self._return(rng.choice(RETURN_REASONS)))
        elif part.outcome in REVIEWED:
            self._review()

    def _create(self) -> None:
        officer = self.people.officer
        self.draft.row = services.application_create(
            actor=officer, applicant=self.draft.applicant, batch=self.draft.batch
        )

    # The application's content: the rows and events of services.application_add_sub_industry,
    # application_add_provider and application_add_enterprise. Those services re-run the whole eligibility
    # check after every row, which for tens of enterprises per application would multiply the seeding's time;
    # the check they store is only ever the last one, and the submission (or ``_check``) runs and stores it.
    def _record(self, verb: str, payload: dict[str, Any]) -> None:
        row = self.draft.row
        region = self.draft.applicant.region
        record_event(
            actor=self.people.officer,
            verb=verb,
            target=row,
            payload=payload,
            organization_id=row.applicant_id,
            scope_path=region.path if region is not None else "",
        )

    def _add_sub(self, index: int, entry: Entry) -> None:
        row = ApplicationSubIndustry(application=self.draft.row, sub_industry=entry.sub)
        row.full_clean()
        row.save()
        self.rows[index] = row
        self._record("application.sub_industry_added", {"sub_industry": entry.sub.code})

    def _add_provider(self, index: int, provider: Any) -> None:
        row = self.rows[index]
        nomination = NominatedProvider(entry=row, provider=provider)
        nomination.full_clean()
        nomination.save()
        self._record(
            "application.provider_added", {"sub_industry": row.sub_industry_id, "provider": provider.pk}
        )

    def _add_pool(self, index: int, entry: Entry) -> None:
        """The sub-industry's pool. An enterprise without a T0 first has its diagnosis scheduled with the
        sub-industry's first nominated provider (the enterprise's invitation; checks.py counts an active one
        as a T0 scheduled)."""
        row = self.rows[index]
        firms = {e.pk: e for e in Enterprise.objects.filter(pk__in=[f.pk for f in entry.firms])}
        for firm in entry.firms:
            enterprise = firms[firm.pk]
            if not firm.has_t0 and entry.providers:
                invitation_create(actor=None, enterprise=enterprise, provider=entry.providers[0].organization)
                self.draft.invited += 1
            member = PoolEnterprise(application=self.draft.row, entry=row, enterprise=enterprise)
            member.clean()
            member.save()
            self._record(
                "application.enterprise_added",
                {"sub_industry": row.sub_industry_id, "enterprise": enterprise.uscc},
            )

    def _check(self) -> None:
        services.application_check(application=self.draft.row)

    def _update(self, data: dict[str, Any]) -> None:
        self.draft.row = services.application_update(
            actor=self.people.officer, application=self.draft.row, data=data
        )

    def _fund_plan(self) -> None:
        d = self.draft
        self._update(
            {
                "award_requested_yuan": d.award,
                "retrofit_share": d.retrofit_share,
                "service_share": 1 - d.retrofit_share,
                "local_matching_yuan": d.matching,
                "target_share": d.target_share,
                "target_level": d.batch.parsed_rules().target.level,
                "plan": d.plan,
            }
        )

    def _submit(self) -> None:
        self.draft.row = services.application_submit(
            actor=self.people.officer, application=self.draft.row, declared=True
        )

    def _withdraw(self) -> None:
        self.draft.row = services.application_withdraw(actor=self.people.officer, application=self.draft.row)

    # -- the ministry and the experts --------------------------------------------------------------------
    def _return(self, reason: str) -> None:
        self.draft.row = services.application_return(
            actor=self.people.ministry, application=self.draft.row, reason=reason
        )

    def _review(self) -> None:
        rng, days, outcome = self.rng, self.days, self.draft.part.outcome
        self.at(later(rng, days.review_starts, 0, 0.05), self._start_review)
        low, high = (3, 5) if outcome != S.UNDER_REVIEW else (3, 4)
        count = rng.randint(low, high)
        experts = self._experts()
        assigned = self.t + timedelta(minutes=rng.randint(20, 90))
        self.at(assigned, lambda: self._assign(experts, count))
        span = (days.deadline - assigned).total_seconds() / 86400
        done = count if outcome != S.UNDER_REVIEW else rng.randint(1, count - 2)
        last = days.deadline - timedelta(hours=1)
        moments = sorted(min(later(rng, assigned, 1, span - 2), last) for _ in range(count))
        for index, moment in enumerate(moments):
            if index < done:
                self.steps.append(Step(moment, partial(self._score, index, submit=True)))
            elif index == done:  # one expert has saved a draft of the review
                self.steps.append(Step(moment, partial(self._score, index, submit=False)))
        self.t = max(moments)
        if outcome == S.APPROVED:
            self.at(later(rng, days.decided, 0, 0.02), self._approve)
        elif outcome == S.REJECTED:
            self.at(later(rng, days.decided, 0, 0.02), self._reject)

    def _experts(self) -> list[Any]:
        """The experts in the order they are asked: demo-expert in about half of the reviews (always in the
        one still under way, as one who has submitted), the pool's others shuffled."""
        others = [e for e in self.people.experts if e.pk != self.people.demo_expert.pk]
        self.rng.shuffle(others)
        if self.draft.part.outcome == S.UNDER_REVIEW or self.rng.random() < 0.5:
            return [self.people.demo_expert, *others]
        return others

    def _start_review(self) -> None:
        self.draft.row = services.application_start_review(
            actor=self.people.ministry, application=self.draft.row
        )

    def _assign(self, experts: list[Any], count: int) -> None:
        """The first ``count`` experts with no conflict of interest (reviews.conflicts_of, which review_assign
        checks again)."""
        free: list[Any] = []
        for expert in experts:
            if len(free) < count and not reviews.conflicts_of(expert, self.draft.row):
                free.append(expert)
        for expert in free:
            reviews.review_assign(
                actor=self.people.ministry,
                application=self.draft.row,
                expert=expert,
                deadline=self.days.deadline,
            )

    def _score(self, index: int, *, submit: bool) -> None:
        rows = list(ReviewAssignment.objects.filter(application=self.draft.row).order_by("pk"))
        if index >= len(rows):
            return
        assignment = rows[index]
        rubric = reviews.rubric_for(self.draft.row)
        scores: dict[str, Any] = {}
        comments: dict[str, str] = {}
        for criterion in rubric.criteria:
            if criterion.na_allowed and self.rng.random() < 0.25:
                scores[criterion.code] = "n/a"
                continue
            score = max(0, min(5, round(self.draft.quality + self.rng.gauss(0, 0.7))))
            scores[criterion.code] = score
            comments[criterion.code] = _comment(criterion.code, score)
        expert = assignment.expert
        saved = reviews.review_save(actor=expert, assignment=assignment, scores=scores, comments=comments)
        if submit:
            reviews.review_submit(actor=expert, assignment=saved)

    def _approve(self) -> None:
        services.application_approve(actor=self.people.ministry, application=self.draft.row)

    def _reject(self) -> None:
        platform = self.draft.batch.parsed_rules().programme == rules.PLATFORM
        reason = PLATFORM_REJECTION if platform else self.rng.choice(REJECTION_REASONS)
        self.draft.row = services.application_reject(
            actor=self.people.ministry, application=self.draft.row, reason=reason
        )


def _comment(code: str, score: int) -> str:
    high, middle, low = COMMENTS.get(code, ("", "", ""))
    text = high if score >= 4 else middle if score == 3 else low
    if score == 5:
        text += TOP_COMMENT
    elif score == 0:
        text += ZERO_COMMENT
    return text
