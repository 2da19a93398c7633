"""Admission rows, expert opinions, governance actions with their appeals, admission sub-industries."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from dengta.catalog.models import Admission, AdmissionOpinion, GovernanceAction
from dengta.demo import generate
from dengta.demo.catalog.base import A, Act, Plan, S, bulk_dated, kind_of
from dengta.demo.catalog.context import SeederBase
from dengta.demo.catalog.texts import (
    APPEAL_OVERTURNED,
    APPEAL_TEXTS,
    APPEAL_UPHELD,
    MEASURE_REASONS,
    OPINIONS_AGAINST,
    OPINIONS_FOR,
    REFUSAL_REASONS,
    RETURN_REASONS,
)
from dengta.registry.models import Provider

STANDING_AFTER: dict[str, str] = {  # as dengta.catalog.services.governance moves it
    Act.WARNING: S.WARNED,
    Act.SUSPENSION: S.SUSPENDED,
    Act.REMOVAL: S.REMOVED,
    Act.REINSTATEMENT: S.GOOD,
}


class AdmissionSteps(SeederBase):
    """The applications as rows, the expert opinions on them, the governance actions behind each standing with
    one appeal of each outcome, and the sub-industries each application serves."""

    def write_admissions(self, plans: list[Plan]) -> None:
        rows, stamps = [], []
        for plan in plans:
            row, stamp = self._admission(plan)
            plan.row = row
            rows.append(row)
            stamps.append(stamp)
        bulk_dated(rows, stamps)
        for plan in plans:
            self.counts.admissions[plan.state] += 1
            if plan.state == A.ADMITTED:
                self.counts.standings[plan.standing] += 1
        self._opinions(plans)
        self._actions(plans)

    def _admission(self, plan: Plan) -> tuple[Admission, tuple[datetime, datetime]]:
        provider, info, rng = plan.provider, plan.info, self.rng
        kind = kind_of(provider)
        created, submitted, decided, updated = self._admission_times(plan)
        revenue = Decimal(round(rng.lognormvariate(16.6 if kind == "scenario" else 18.0, 0.7), -4))
        sector = self.subs[self.admission_subs(provider)[0]].name
        certificate = rng.choice(generate.SECURITY_CERTIFICATES) if rng.random() < 0.55 else ""
        reason = self._admission_reason(plan.state)
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

    def _admission_times(self, plan: Plan) -> tuple[datetime, datetime | None, datetime | None, datetime]:
        """created → submitted → decided (or withdrawn), within the pool's period, before now."""
        info, clock = plan.info, self.clock
        created = clock.between(info.opens, info.closes - timedelta(days=60))
        submitted = clock.after(created, 1, 20) if plan.state != A.DRAFT else None
        if plan.state == A.WITHDRAWN and self.rng.random() < 0.4:
            submitted = None  # withdrawn before it was ever submitted
        decided = None
        if plan.state in (A.ADMITTED, A.REFUSED, A.RETURNED) and submitted is not None:
            decided = clock.after(submitted, 10, 45)
        updated = decided or (clock.after(submitted or created, 2, 30) if plan.state == A.WITHDRAWN else None)
        updated = updated or (clock.after(submitted, 1, 8) if submitted else created)
        return created, submitted, decided, updated

    def _admission_reason(self, state: str) -> str:
        if state == A.RETURNED:
            return self.rng.choice(RETURN_REASONS)
        if state == A.REFUSED:
            return self.rng.choice(REFUSAL_REASONS)
        if state == A.ADMITTED:
            return self.rng.choice(("", "材料齐全，符合入库条件。", "经专家评审和集体研究，同意入库。"))
        return ""

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
        bulk_dated(rows, stamps)

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
        bulk_dated(rows, stamps)
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
