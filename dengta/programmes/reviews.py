"""Expert review of applications: assignment under the conflict rule, scoring, submission before the
deadline, what an expert may see, and the batch's aggregate (the pure rules in ``review.py``).

Services (writes) and the selectors they need live together here because they share the translation from
rows to the pure module's inputs. Competitive expert review of city applications: DOMAIN.md 2.1.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.assessment.texts import list_separator
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.core.language import in_english
from dengta.orgs.models import Membership, Organization, OrgType
from dengta.programmes import review, selectors
from dengta.programmes.models import (
    Application,
    ApplicationState,
    ConflictDeclaration,
    NominatedProvider,
    ReviewAssignment,
)
from dengta.programmes.rules import PLATFORM


class ReviewRefused(ValidationError):
    """The assignment or the review is refused; the message says why."""


def rubric_for(application: Application) -> review.Rubric:
    """The rubric of the application's programme model (data/rubric-*.json)."""
    model = application.batch.programme.model
    return review.load_rubric(review.PLATFORM_PILOT_RUBRIC if model == PLATFORM else review.CITY_PILOT_RUBRIC)


def _sentence(item: Any) -> str:
    return str(item.sentence_en if in_english() else item.sentence_zh)


def _memberships(expert: Any) -> list[Membership]:
    return list(Membership.objects.active().filter(user=expert).select_related("organization"))


def expert_profiles(expert: Any) -> list[review.ExpertProfile]:
    """The expert as the conflict rule sees it, once per organisation it belongs to outside the expert pool
    (each is checked against the applicant and the nominated providers); the regions of all its
    organisations and its declared conflicts count every time."""
    memberships = _memberships(expert)
    regions = frozenset(m.organization.region_id for m in memberships if m.organization.region_id)
    declared = frozenset(
        ConflictDeclaration.objects.filter(expert=expert).values_list("organization_id", flat=True)
    )
    own: list[int | None] = [
        m.organization_id for m in memberships if m.organization.type != OrgType.EXPERT_POOL
    ]
    return [
        review.ExpertProfile(
            expert_id=expert.pk,
            organisation_id=org_id,
            organisation_region_codes=regions,
            declared_organisation_ids=declared,
        )
        for org_id in own or [None]
    ]


def application_parties(application: Application) -> review.ApplicationParties:
    providers = NominatedProvider.objects.filter(entry__application=application).values_list(
        "provider__organization_id", flat=True
    )
    return review.ApplicationParties(
        application_id=application.pk,
        applicant_region_code=application.applicant.region_id or "",
        organisation_ids=frozenset({application.applicant_id}),
        provider_organisation_ids=frozenset(providers),
    )


def conflicts_of(expert: Any, application: Application) -> list[review.Conflict]:
    parties = application_parties(application)
    found: dict[tuple[str, str], review.Conflict] = {}
    for profile in expert_profiles(expert):
        for conflict in review.conflicts(profile, parties):
            found.setdefault((conflict.code, conflict.sentence_zh), conflict)
    return list(found.values())


def is_reviewer(expert: Any) -> bool:
    """Whether the person may be assigned a review at all (selectors.is_reviewer_membership)."""
    return any(selectors.is_reviewer_membership(m) for m in _memberships(expert))


def _record(actor: Actor, verb: str, assignment: ReviewAssignment, payload: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        verb=verb,
        target=assignment.application,
        payload={"expert": assignment.expert_id, **payload},
        organization_id=assignment.application.applicant_id,
    )


@transaction.atomic
def review_assign(
    *, actor: Actor, application: Application, expert: Any, deadline: datetime
) -> ReviewAssignment:
    """Assign an expert to an application under review, unless a conflict of interest forbids it."""
    locked = (
        Application.objects.select_for_update()
        .select_related("batch__programme", "applicant")
        .get(pk=application.pk)
    )
    if locked.state != ApplicationState.UNDER_REVIEW:
        raise ReviewRefused(_("只有评审中的申报可以分配专家"))
    if not is_reviewer(expert):
        raise ReviewRefused(
            _("%(name)s 不是评审专家") % {"name": expert.get_full_name() or expert.get_username()}
        )
    if timezone.is_naive(deadline) or deadline <= timezone.now():
        raise ValidationError({"deadline": [_("评审截止时间应晚于现在")]})
    found = conflicts_of(expert, locked)
    if found:
        raise ReviewRefused(
            _("该专家与这份申报存在利益冲突：%(reasons)s")
            % {"reasons": list_separator().join(_sentence(c) for c in found)}
        )
    assignment = ReviewAssignment(
        application=locked, expert=expert, deadline=deadline, rubric_version=rubric_for(locked).version
    )
    assignment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        raise ReviewRefused(_("该专家已被分配评审这份申报")) from exc
    _record(actor, "review.assigned", assignment, {"deadline": deadline.isoformat()})
    return assignment


def _pure(assignment: ReviewAssignment, *, submitted: bool) -> review.Review:
    return review.Review(
        expert_id=assignment.expert_id,
        scores=dict(assignment.scores),
        comments=dict(assignment.comments),
        submitted=submitted,
    )


def _problems(rubric: review.Rubric, pure: review.Review) -> None:
    problems = review.validate_review(rubric, pure)
    if problems:
        raise ValidationError({"scores": [_sentence(p) for p in problems]})


def _own_open(actor: Actor, assignment: ReviewAssignment) -> ReviewAssignment:
    locked = (
        ReviewAssignment.objects.select_for_update()
        .select_related("application__batch__programme")
        .get(pk=assignment.pk)
    )
    if locked.expert_id != actor_id(actor):
        raise ReviewRefused(_("只有被分配的专家本人可以填写这份评审"))
    if locked.submitted:
        raise ReviewRefused(_("评审已提交，不能再修改"))
    if locked.application.state != ApplicationState.UNDER_REVIEW:
        # A review after the decision (or after a return) would change a combined score already acted on.
        raise ReviewRefused(_("这份申报已不在评审中，不能再填写评审"))
    return locked


def _parse_scores(raw: dict[str, Any]) -> dict[str, int | None]:
    """Scores as the form or the API sends them: whole numbers, "" or "n/a" for not applicable."""
    out: dict[str, int | None] = {}
    for code, value in raw.items():
        if value is None or str(value).strip().lower() in ("n/a", "na"):
            out[code] = None
        elif str(value).strip() == "":
            continue  # not scored yet
        else:
            try:
                number = Decimal(str(value).strip())
            except ArithmeticError as exc:
                raise ValidationError({"scores": [_("评分必须是 0 到 5 的整数")]}) from exc
            if number != number.to_integral_value():
                raise ValidationError({"scores": [_("评分必须是 0 到 5 的整数")]})
            out[code] = int(number)
    return out


@transaction.atomic
def review_save(
    *, actor: Actor, assignment: ReviewAssignment, scores: dict[str, Any], comments: dict[str, str]
) -> ReviewAssignment:
    """Save a draft: what it holds must be valid (scale, n/a where allowed, known criteria)."""
    locked = _own_open(actor, assignment)
    locked.scores = _parse_scores(scores)
    locked.comments = {code: text.strip() for code, text in comments.items() if text and text.strip()}
    _problems(rubric_for(locked.application), _pure(locked, submitted=False))
    locked.full_clean(validate_constraints=False)
    locked.save()
    return locked


@transaction.atomic
def review_submit(*, actor: Actor, assignment: ReviewAssignment) -> ReviewAssignment:
    """Submit once, complete (every criterion scored or n/a, comments where the rubric asks) and on time."""
    locked = _own_open(actor, assignment)
    now = timezone.now()
    if review.is_late(now, locked.deadline):
        raise ReviewRefused(
            _("评审截止时间 %(deadline)s 已过，不能再提交")
            % {"deadline": timezone.localtime(locked.deadline).strftime("%Y-%m-%d %H:%M")}
        )
    rubric = rubric_for(locked.application)
    pure = _pure(locked, submitted=True)
    _problems(rubric, pure)
    locked.total = review.review_total(rubric, pure)
    locked.submitted_at = now
    locked.rubric_version = rubric.version
    locked.full_clean(validate_constraints=False)
    locked.save()
    _record(actor, "review.submitted", locked, {"total": str(locked.total), "rubric_version": rubric.version})
    return locked


@transaction.atomic
def conflict_declare(
    *, actor: Actor, expert: Any, organization: Organization, reason: str
) -> ConflictDeclaration:
    if actor_id(actor) != expert.pk:
        raise ReviewRefused(_("利益冲突只能由专家本人声明"))
    if not reason.strip():
        raise ValidationError({"reason": [_("请写明理由")]})
    declaration, created = ConflictDeclaration.objects.get_or_create(
        expert=expert, organization=organization, defaults={"reason": reason.strip()[:300]}
    )
    if created:
        record_event(
            actor=actor, verb="expert.conflict_declared", target=organization, payload={"expert": expert.pk}
        )
    return declaration


# ------------------------------------------------------------------------------------------------ reads


def reviews_for_expert(expert: Any, application: Application) -> list[ReviewAssignment]:
    """What an expert sees of an application's reviews: its own always, the others only after submitting
    its own, so that each judgement is independent (review.may_see_others)."""
    rows = list(application.reviews.select_related("expert"))
    pure = [review.Review(expert_id=r.expert_id, scores={}, submitted=r.submitted) for r in rows]
    if review.may_see_others(expert.pk, pure):
        return rows
    return [r for r in rows if r.expert_id == expert.pk]


def application_aggregate(application: Application) -> review.Aggregate:
    """The submitted reviews combined by the batch's method (mean, trimmed mean or median)."""
    rubric = rubric_for(application)
    reviews = [_pure(r, submitted=r.submitted) for r in application.reviews.all()]
    return review.aggregate(rubric, reviews, application.batch.review_method)
