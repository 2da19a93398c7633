"""Writes that begin an assessment: a draft of any kind, an on-site assessment arranged for an expert, and
the expert's declaration of no conflict of interest that the on-site draft needs before it takes answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from dengta.assessment.models import (
    Assessment,
    DiagnosisInvitation,
    Framework,
    InvitationState,
    Kind,
    Phase,
    State,
)
from dengta.assessment.selectors import current_framework
from dengta.assessment.services.guards import event_scope
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.core.notifications import notify
from dengta.orgs.models import Organization, OrgType
from dengta.registry.models import Enterprise

COI_TEXT = gettext_lazy("本人与被评定企业及其服务商不存在利益关系，将独立、客观、公正地开展现场评定。")


@transaction.atomic
def assessment_start(
    *,
    actor: Actor,
    enterprise: Enterprise,
    kind: str,
    author_organization: Organization,
    phase: str = Phase.T0,
    framework: Framework | None = None,
    assessor: Any = None,
    corrects: Assessment | None = None,
    answers: Mapping[str, Any] | None = None,
    assessed_on: date | None = None,
) -> Assessment:
    framework = framework or current_framework()
    _check_online(framework, kind)
    if kind == Kind.PROVIDER:
        _require_invitation(enterprise, author_organization)
    assessment = Assessment(
        enterprise=enterprise,
        framework=framework,
        kind=kind,
        phase=phase,
        author_organization=author_organization,
        created_by_id=actor_id(actor),
        assessor=assessor,
        corrects=corrects,
        answers=dict(answers or {}),
        assessed_on=assessed_on,
    )
    assessment.full_clean()
    assessment.save()
    record_event(
        actor=actor,
        verb="assessment.created",
        target=assessment,
        payload={
            "kind": kind,
            "phase": phase,
            "framework": framework.label,
            "assessor": getattr(assessor, "pk", None),
            "corrects": getattr(corrects, "pk", None),
        },
        **event_scope(enterprise),
    )
    if kind == Kind.PROVIDER:
        # The enterprise hears of every diagnosis about it (its consent is not a blank cheque).
        notify(
            organization_id=enterprise.organization_id,
            verb="assessment.diagnosis_started",
            message=gettext_noop("服务商 %(provider)s 开始为贵企业开展数字化诊断"),
            params={"provider": author_organization.name},
            url=reverse("assessment:detail", args=[assessment.pk]),
        )
    return assessment


def _require_invitation(enterprise: Enterprise, provider: Organization) -> None:
    """A provider diagnoses only an enterprise that invited it; the invitation row is locked so a
    withdrawal at the same moment either comes first (refused here) or after (the draft exists)."""
    invited = (
        DiagnosisInvitation.objects.select_for_update()
        .filter(enterprise=enterprise, provider=provider, state=InvitationState.ACTIVE)
        .exists()
    )
    if not invited:
        raise ValidationError(_("该企业没有邀请本服务商开展诊断"))


def _check_online(framework: Framework, kind: str) -> None:
    """MIIT 2024 is answered online by every kind; the EU DMA by an enterprise or a provider (it is a
    self-assessment for international comparison, never an on-site assessment); 2022 bands only import."""
    if framework.kind == Framework.Kind.BANDS:
        raise ValidationError(_("此框架只能导入历史结果，不能在线填报"))
    if framework.kind == Framework.Kind.EU_DMA and kind not in (Kind.SELF, Kind.PROVIDER):
        raise ValidationError(_("欧盟数字成熟度评估只用于企业自评和服务商诊断"))


@dataclass(frozen=True)
class Arrangement:
    """What the arranging authority tells the expert: when to visit, the deadline, whom to ask for."""

    visit_at: datetime | None = None
    due_on: date | None = None
    contact_name: str = ""
    contact_phone: str = ""
    note: str = ""
    organization: Organization | None = None  # the arranging authority


def _check_arrangement(arrangement: Arrangement) -> None:
    visit, due = arrangement.visit_at, arrangement.due_on
    if visit is not None and due is not None and due < timezone.localtime(visit).date():
        raise ValidationError({"due_on": [_("完成期限不能早于现场评定时间")]})


@transaction.atomic
def assessment_assign_onsite(
    *,
    actor: Actor,
    enterprise: Enterprise,
    expert: Any,
    expert_organization: Organization,
    phase: str,
    arrangement: Arrangement | None = None,
) -> Assessment:
    """Arrange an on-site assessment (现场评定) of ``enterprise`` by an expert of an expert pool, with the
    visit time, deadline, contact and notes the expert needs (DOMAIN.md 2.6: a per-enterprise visit)."""
    if (
        expert_organization.type != OrgType.EXPERT_POOL
        or not expert.memberships.filter(organization=expert_organization).exists()
    ):
        raise ValidationError({"expert": [_("请选择专家库中的专家")]})
    arrangement = arrangement or Arrangement()
    _check_arrangement(arrangement)
    assessment = assessment_start(
        actor=actor,
        enterprise=enterprise,
        kind=Kind.ONSITE,
        phase=phase,
        author_organization=expert_organization,
        assessor=expert,
    )
    assessment.arranged_by_organization = arrangement.organization
    assessment.visit_at = arrangement.visit_at
    assessment.due_on = arrangement.due_on
    assessment.contact_name = arrangement.contact_name.strip()
    assessment.contact_phone = arrangement.contact_phone.strip()
    assessment.arrangement_note = arrangement.note.strip()
    assessment.full_clean()
    assessment.save()
    record_event(
        actor=actor,
        verb="assessment.onsite_arranged",
        target=assessment,
        payload={
            "expert": expert.pk,
            "visit_at": arrangement.visit_at.isoformat() if arrangement.visit_at else None,
            "due_on": arrangement.due_on.isoformat() if arrangement.due_on else None,
            "by": getattr(arrangement.organization, "pk", None),
        },
        **event_scope(enterprise),
    )
    notify(
        organization_id=expert_organization.pk,
        user=expert,
        verb="assessment.onsite_arranged",
        message=gettext_noop("已安排您到 %(enterprise)s 开展现场评定"),
        params={"enterprise": enterprise.name},
        url=reverse("assessment:detail", args=[assessment.pk]),
    )
    return assessment


@transaction.atomic
def assessment_declare_coi(*, actor: Actor, assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.coi_declared_at is not None:
        return locked
    if locked.kind != Kind.ONSITE or locked.state != State.DRAFT:
        # The declaration is written to the row: only an on-site draft takes one (a scored row never changes).
        raise ValidationError(_("只有草稿状态的现场评定需要声明无利益冲突"))
    locked.coi_declared_at = timezone.now()
    locked.coi_statement = str(COI_TEXT)
    locked.save(update_fields=["coi_declared_at", "coi_statement", "updated_at"])
    record_event(actor=actor, verb="assessment.coi_declared", target=locked, **event_scope(locked.enterprise))
    return locked
