"""Governance of admitted providers (DOMAIN.md 2.7 新乡: star rating, warning, rectification deadline,
disqualification, appeal; 9.2 IMDA: annual review, suspension, termination). Every measure has a reason and
an event; the provider sees all of it on its own page and may appeal, and programme staff decide the appeal.

Measures change the admission's standing: a warning → warned (with a rectification deadline), suspension →
suspended, removal → removed, reinstatement → good. An appeal that overturns a measure restores the standing
the provider had before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dengta.catalog import rating as rating_formula
from dengta.catalog import review
from dengta.catalog.models import (
    Admission,
    AdmissionState,
    Complaint,
    GovernanceAction,
    Product,
    ProviderRating,
    ProviderScore,
    QuoteRequest,
    QuoteState,
    Standing,
)
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.core.notifications import notify
from dengta.registry.models import Enterprise, Provider

Kind = GovernanceAction.Kind
STANDING_AFTER = {
    Kind.WARNING: Standing.WARNED,
    Kind.SUSPENSION: Standing.SUSPENDED,
    Kind.REMOVAL: Standing.REMOVED,
    Kind.REINSTATEMENT: Standing.GOOD,
}
# What each measure may follow: a removed provider is not warned; only a measure in force is lifted.
ALLOWED_FROM = {
    Kind.WARNING: {Standing.GOOD, Standing.WARNED},
    Kind.SUSPENSION: {Standing.GOOD, Standing.WARNED},
    Kind.REMOVAL: {Standing.GOOD, Standing.WARNED, Standing.SUSPENDED},
    Kind.REINSTATEMENT: {Standing.WARNED, Standing.SUSPENDED},
}
VERBS = {
    Kind.WARNING: "provider.warned",
    Kind.SUSPENSION: "provider.suspended",
    Kind.REMOVAL: "provider.removed",
    Kind.REINSTATEMENT: "provider.reinstated",
}
MESSAGES = {
    Kind.WARNING: gettext_noop("%(pool)s 对本机构发出警告，请在 %(deadline)s 前完成整改。理由：%(reason)s"),
    Kind.SUSPENSION: gettext_noop("本机构在 %(pool)s 被暂停。理由：%(reason)s"),
    Kind.REMOVAL: gettext_noop("本机构被移出 %(pool)s。理由：%(reason)s"),
    Kind.REINSTATEMENT: gettext_noop("本机构在 %(pool)s 恢复正常。说明：%(reason)s"),
}


def _scope(admission: Admission) -> str:
    region = admission.pool.owner.region
    return region.path if region is not None else ""


@transaction.atomic
def governance_act(
    *, actor: Actor, admission: Admission, kind: str, reason: str, rectify_by: dt.date | None = None
) -> GovernanceAction:
    locked = (
        Admission.objects.select_for_update(of=("self",))
        .select_related("pool__owner__region")
        .get(pk=admission.pk)
    )
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("未知的管理措施")]})
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": [_("请填写理由，服务商会看到这段说明")]})
    if locked.state != AdmissionState.ADMITTED:
        raise ValidationError(_("只能对已入库的服务商采取管理措施"))
    if locked.standing not in ALLOWED_FROM[Kind(kind)]:
        raise ValidationError(
            _("服务商目前为“%(standing)s”，不能采取“%(kind)s”")
            % {"standing": locked.get_standing_display(), "kind": Kind(kind).label}
        )
    if kind == Kind.WARNING:
        if rectify_by is None:
            raise ValidationError({"rectify_by": [_("警告须给出整改期限")]})
        if rectify_by <= timezone.localdate():
            raise ValidationError({"rectify_by": [_("整改期限应晚于今天")]})
    action = GovernanceAction(
        admission=locked,
        kind=kind,
        reason=text,
        rectify_by=rectify_by if kind == Kind.WARNING else None,
        standing_before=locked.standing,
        decided_by_id=actor_id(actor),
    )
    action.full_clean()
    action.save()
    locked.standing = STANDING_AFTER[Kind(kind)]
    locked.rectify_by = action.rectify_by
    locked.full_clean()
    locked.save(update_fields=["standing", "rectify_by", "updated_at"])
    record_event(
        actor=actor,
        verb=VERBS[Kind(kind)],
        target=locked,
        organization_id=locked.pool.owner_id,
        scope_path=_scope(locked),
        payload={
            "action": action.pk,
            "reason": text,
            "from": action.standing_before,
            "to": locked.standing,
            "rectify_by": rectify_by.isoformat() if rectify_by else None,
        },
    )
    notify(
        organization_id=locked.provider.organization_id,
        verb=VERBS[Kind(kind)],
        message=MESSAGES[Kind(kind)],
        params={
            "pool": str(locked.pool),
            "reason": text,
            "deadline": rectify_by.isoformat() if rectify_by else "",
        },
        url=reverse("catalog:my_standing"),
    )
    return action


@transaction.atomic
def governance_appeal(*, actor: Actor, action: GovernanceAction, text: str) -> GovernanceAction:
    locked = (
        GovernanceAction.objects.select_for_update(of=("self",))
        .select_related("admission__pool")
        .get(pk=action.pk)
    )
    body = (text or "").strip()
    if not body:
        raise ValidationError({"appeal_text": [_("请写明申诉理由")]})
    if locked.kind == Kind.REINSTATEMENT:
        raise ValidationError(_("恢复正常不需要申诉"))
    if locked.appeal:
        raise ValidationError(_("这项措施已经申诉过（%(state)s）") % {"state": locked.get_appeal_display()})
    latest = locked.admission.actions.order_by("-created_at", "-id").first()
    if latest is None or latest.pk != locked.pk:
        raise ValidationError(_("只能对目前有效的最近一项措施申诉"))
    locked.appeal = GovernanceAction.Appeal.PENDING
    locked.appeal_text = body
    locked.appealed_at = timezone.now()
    locked.save(update_fields=["appeal", "appeal_text", "appealed_at", "updated_at"])
    record_event(
        actor=actor,
        verb="provider.appealed",
        target=locked.admission,
        organization_id=locked.admission.provider.organization_id,
        scope_path=_scope(locked.admission),
        payload={"action": locked.pk},
    )
    notify(
        organization_id=locked.admission.pool.owner_id,
        verb="provider.appealed",
        message=gettext_noop("服务商 %(provider)s 对 %(pool)s 的管理措施提出申诉"),
        params={"provider": str(locked.admission.provider), "pool": str(locked.admission.pool)},
        url=reverse("catalog:admission_detail", args=[locked.admission_id]),
    )
    return locked


@transaction.atomic
def governance_decide_appeal(
    *, actor: Actor, action: GovernanceAction, overturn: bool, reason: str
) -> GovernanceAction:
    locked = GovernanceAction.objects.select_for_update().get(pk=action.pk)
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"appeal_reason": [_("请填写申诉处理意见，服务商会看到这段说明")]})
    if locked.appeal != GovernanceAction.Appeal.PENDING:
        raise ValidationError(_("这项申诉已经处理过或没有申诉"))
    admission = (
        Admission.objects.select_for_update(of=("self",))
        .select_related("pool__owner__region")
        .get(pk=locked.admission_id)
    )
    locked.appeal = GovernanceAction.Appeal.OVERTURNED if overturn else GovernanceAction.Appeal.UPHELD
    locked.appeal_reason = text
    locked.appeal_decided_by_id = actor_id(actor)
    locked.appeal_decided_at = timezone.now()
    locked.save()
    if overturn:
        admission.standing = locked.standing_before
        admission.rectify_by = None
        admission.save(update_fields=["standing", "rectify_by", "updated_at"])
    record_event(
        actor=actor,
        verb="provider.appeal_decided",
        target=admission,
        organization_id=admission.pool.owner_id,
        scope_path=_scope(admission),
        payload={"action": locked.pk, "overturned": overturn, "reason": text, "standing": admission.standing},
    )
    notify(
        organization_id=admission.provider.organization_id,
        verb="provider.appeal_decided",
        message=gettext_noop("您对 %(pool)s 管理措施的申诉已处理：%(outcome)s。意见：%(reason)s"),
        params={"pool": str(admission.pool), "outcome": str(locked.get_appeal_display()), "reason": text},
        url=reverse("catalog:my_standing"),
    )
    return locked


# ---------------------------------------------------------------------------------------------- ratings


def worked_with(provider: Provider, enterprise: Enterprise) -> bool:
    """Whether the enterprise has worked with the provider: a retrofit project of theirs was approved, it
    accepted a quote from it, or the provider diagnosed it (a submitted provider assessment)."""
    from dengta.assessment.models import Assessment
    from dengta.assessment.models import Kind as AssessmentKind
    from dengta.projects.models import FUNDED_STATES, Project

    if Project.objects.filter(provider=provider, enterprise=enterprise, state__in=FUNDED_STATES).exists():
        return True
    if QuoteRequest.objects.filter(
        provider=provider, enterprise=enterprise, state=QuoteState.ACCEPTED
    ).exists():
        return True
    return (
        Assessment.objects.final()
        .filter(
            enterprise=enterprise,
            kind=AssessmentKind.PROVIDER,
            author_organization_id=provider.organization_id,
        )
        .exists()
    )


@transaction.atomic
def provider_rate(
    *, actor: Actor, provider: Provider, enterprise: Enterprise, stars: int, comment: str = ""
) -> ProviderRating:
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValidationError({"stars": [_("满意度为 1 到 5 星")]})
    if not worked_with(provider, enterprise):
        raise ValidationError(_("只有与该服务商合作过的企业（接受过其报价或由其诊断）可以评价"))
    rating, _created = ProviderRating.objects.update_or_create(
        provider=provider,
        enterprise=enterprise,
        defaults={"stars": stars, "comment": (comment or "").strip(), "rated_by_id": actor_id(actor)},
    )
    record_event(
        actor=actor,
        verb="provider.rated",
        target=provider,
        organization_id=enterprise.organization_id,
        scope_path=enterprise.region.path if enterprise.region_id else "",
        payload={"stars": stars},
    )
    provider_score_refresh(actor=actor, provider=provider)
    return rating


@transaction.atomic
def complaint_record(
    *,
    actor: Actor,
    provider: Provider,
    summary: str,
    enterprise: Enterprise | None = None,
    upheld: bool = True,
) -> Complaint:
    text = (summary or "").strip()
    if not text:
        raise ValidationError({"summary": [_("请填写投诉内容")]})
    complaint = Complaint.objects.create(
        provider=provider, enterprise=enterprise, summary=text, upheld=upheld, recorded_by_id=actor_id(actor)
    )
    record_event(
        actor=actor,
        verb="provider.complaint_recorded",
        target=provider,
        organization_id=provider.organization_id,
        payload={"complaint": complaint.pk, "upheld": upheld},
    )
    provider_score_refresh(actor=actor, provider=provider)
    return complaint


def rating_inputs(provider: Provider) -> list[rating_formula.RatingInput]:
    """The formula's inputs from what Dengta holds: the enterprises' ratings, and from the provider's
    retrofit projects its milestones on time, its acceptance at the first on-site evaluation and the levels
    its enterprises gained (dengta.projects.selectors.track_record)."""
    from dengta.projects.selectors import track_record

    satisfaction = ProviderRating.objects.filter(provider=provider).aggregate(
        mean=Avg("stars"), n=Count("id")
    )
    record = track_record(provider)
    projects = record.projects
    complaints = Complaint.objects.filter(provider=provider, upheld=True).count()
    mean = satisfaction["mean"]
    return [
        rating_formula.RatingInput(
            "satisfaction", None if mean is None else Decimal(str(mean)), satisfaction["n"] or 0
        ),
        rating_formula.RatingInput("on_time_milestones", record.on_time_share, record.milestones_done),
        rating_formula.RatingInput("acceptance_pass_rate", record.pass_rate, record.evaluated),
        rating_formula.RatingInput("uplift", record.mean_uplift, record.uplift_projects),
        rating_formula.RatingInput(
            "complaints", None if not projects else Decimal(complaints) / Decimal(projects), projects
        ),
    ]


@transaction.atomic
def provider_score_refresh(*, actor: Actor, provider: Provider) -> ProviderScore:
    formula = rating_formula.load_formula()
    result = rating_formula.compute_rating(formula, rating_inputs(provider))
    score, _created = ProviderScore.objects.update_or_create(
        provider=provider,
        defaults={
            "stars": result.stars,
            "score": result.score,
            "components": [c.to_json() for c in result.components],
            "formula_version": result.formula_version,
        },
    )
    Product.objects.filter(provider=provider).update(rating=result.stars)
    record_event(
        actor=actor,
        verb="provider.score_computed",
        target=provider,
        organization_id=provider.organization_id,
        payload={"stars": result.stars, "formula": result.formula_version},
    )
    return score


def refresh_scores(*, actor: Actor, providers: Iterable[Provider]) -> int:
    count = 0
    for provider in providers:
        provider_score_refresh(actor=actor, provider=provider)
        count += 1
    return count


# --------------------------------------------------------------------------------------- annual review


def review_facts(admission: Admission, today: dt.date) -> review.ReviewFacts:
    """What the annual review checks: the data Dengta holds and the evidence uploaded in the past year."""
    from dengta.catalog.models import AdmissionDocument

    rules = review.default_rules()
    year_ago = today - dt.timedelta(days=365)
    ratings = ProviderRating.objects.filter(provider=admission.provider)
    score = ProviderScore.objects.filter(provider=admission.provider).first()
    return review.ReviewFacts(
        references=len(admission.references or []),
        min_references=admission.pool.min_references,
        satisfied_customers=ratings.filter(stars__gte=rules.satisfied_stars).count(),
        ratings=ratings.count(),
        upheld_complaints=Complaint.objects.filter(
            provider=admission.provider, upheld=True, created_at__date__gte=year_ago
        ).count(),
        net_assets_yuan=admission.net_assets_yuan,
        security_certification=admission.security_certification,
        security_valid_until=admission.security_valid_until,
        annual_review_documents=AdmissionDocument.objects.filter(
            admission=admission, kind=AdmissionDocument.Kind.ANNUAL_REVIEW, created_at__date__gte=year_ago
        ).count(),
        stars=score.stars if score else None,
        projects=0,
    )


def annual_review(admission: Admission) -> tuple[review.Check, ...]:
    today = timezone.localdate()
    return review.checklist(review_facts(admission, today), today)
