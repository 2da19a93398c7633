"""Reads and rules the programme API needs beyond dengta.programmes.selectors and permissions.

The review rules here follow the review pages (dengta.programmes.review_views) and the services: the
ministry's programme staff hold ``can_review_applications`` and see every review; an expert (a member of the
expert pool, or holding the reviewer role, as dengta.programmes.reviews assigns them) sees its own
assignments and, to judge it, the application each one is about; an expert's draft is the expert's alone to
change (``reviews.review_save`` refuses anyone else with the same sentence), and a submitted review is final.
Everyone else is refused with the reason (403) or, for one row, not found (404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dengta.accounts.models import User
from dengta.core.access import Viewer
from dengta.core.decisions import Decision
from dengta.programmes import permissions, reviews
from dengta.programmes.models import Application, ReviewAssignment


def is_expert(viewer: Viewer) -> bool:
    """The viewer acts as an expert, as the review pages ask (``permissions.can_review_as_expert``)."""
    return bool(permissions.can_review_as_expert(viewer))


def is_reviewer(user: User) -> bool:
    """Whether a person may be assigned a review at all (the rule dengta.programmes.reviews applies)."""
    return reviews.is_reviewer(user)


def _user_id(viewer: Viewer) -> int | None:
    pk = getattr(viewer.user, "pk", None)
    return pk if isinstance(pk, int) else None


def applications_readable(viewer: Viewer) -> QuerySet[Application]:
    """The applications the viewer may open: those ``Application.objects.visible_to`` shows (its own, its
    jurisdiction's), and for an expert the ones it is assigned to review."""
    visible = Application.objects.visible_to(viewer)
    if not is_expert(viewer):
        return visible
    assigned = Application.objects.filter(reviews__expert_id=_user_id(viewer))
    return Application.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=assigned.values("pk")))


def assigned_to(viewer: Viewer, application: Application) -> bool:
    return is_expert(viewer) and application.reviews.filter(expert_id=_user_id(viewer)).exists()


def can_read_application(viewer: Viewer, application: Application) -> Decision:
    """Reading an application: whoever the application pages admit, and the experts assigned to it."""
    decision = permissions.can_view_applications(viewer)
    if decision or not assigned_to(viewer, application):
        return decision
    return Decision.allow("")


def can_view_reviews(viewer: Viewer) -> Decision:
    return permissions.can_view_reviews(viewer)


def reviews_for(viewer: Viewer) -> QuerySet[ReviewAssignment]:
    """The reviews the viewer sees: programme staff every review of the applications they see, an expert its
    own assignments, anyone else none."""
    rows = ReviewAssignment.objects.select_related("application__batch", "application__applicant", "expert")
    if permissions.can_review_applications(viewer):
        return rows.filter(application__in=Application.objects.visible_to(viewer).values("pk"))
    if is_expert(viewer):
        return rows.filter(expert_id=_user_id(viewer))
    return rows.none()


def can_write_review(viewer: Viewer, assignment: ReviewAssignment) -> Decision:
    """Saving or submitting a review: the assigned expert only, until it is submitted."""
    if assignment.expert_id != _user_id(viewer):
        return Decision.deny(_("只有被分配的专家本人可以填写这份评审"))
    if assignment.submitted:
        return Decision.conflict(_("评审已提交，不能再修改"))
    return Decision.allow("")
