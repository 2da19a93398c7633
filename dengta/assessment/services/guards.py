"""Checks and the event scope shared by the assessment write services (ARCHITECTURE.md convention 1):
a draft is written only while its workflow guard, its declaration and the enterprise's consent allow it.
For the services of this package; callers outside it check permissions (``permissions``) and call a service.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dengta.assessment import workflows
from dengta.assessment.models import Assessment, DiagnosisInvitation, InvitationState, Kind, State
from dengta.registry.models import Enterprise


def event_scope(enterprise: Enterprise) -> dict[str, Any]:
    return {"organization_id": enterprise.organization_id, "scope_path": enterprise.region.path}


def lock_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)
    if locked.state != State.DRAFT:
        raise ValidationError(_("评测已提交，不能再修改；如需更正，请新建更正评测"))
    require_declaration(locked)
    require_consent(locked)
    return locked


def require_declaration(assessment: Assessment) -> None:
    """An on-site assessment takes answers and evidence only after its expert declared no conflict of
    interest — the guard the workflow applies to submission, here for every write path (API, commands)."""
    decision = workflows.SUBMIT.guard(assessment)
    if not decision:
        raise ValidationError(decision.reason)


def require_consent(assessment: Assessment) -> None:
    """A provider's draft takes answers and is submitted only while the enterprise still invites the
    provider (every write path: pages, API, commands)."""
    if assessment.kind != Kind.PROVIDER:
        return
    invited = (
        DiagnosisInvitation.objects.select_for_update()
        .filter(
            enterprise_id=assessment.enterprise_id,
            provider_id=assessment.author_organization_id,
            state=InvitationState.ACTIVE,
        )
        .exists()
    )
    if not invited:
        raise ValidationError(_("企业已撤回诊断邀请，不能继续填写此诊断"))
