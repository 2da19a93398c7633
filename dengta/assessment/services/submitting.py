"""Writes that give a result: submission with the authenticity pledge and immediate scoring (MIIT or EU DMA),
the sign-off of an on-site assessment, and a correction (a new draft linked to the scored one it corrects).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from dengta.assessment import dma, issuing, tallies, texts, workflows
from dengta.assessment.models import Assessment, Kind
from dengta.assessment.scoring.answers import Answers, missing_answers
from dengta.assessment.scoring.engine import ENGINE_VERSION, score
from dengta.assessment.scoring.eu_dma import parse_dma, rounded, score_dma
from dengta.assessment.scoring.framework import UNIT
from dengta.assessment.scoring.path import plan_to_level
from dengta.assessment.selectors import compiled, current_framework, stored_answers
from dengta.assessment.services.guards import event_scope, require_consent
from dengta.assessment.services.starting import assessment_start
from dengta.core import tallies as region_tallies
from dengta.core.actors import Actor
from dengta.core.notifications import notify
from dengta.core.workflows import run_transition

PLEDGE_TEXT = gettext_lazy("本单位承诺所填报的信息和佐证材料真实、准确、完整，如有虚假，愿承担相应责任。")


TARGET_LEVEL = 2  # pilot acceptance: 二级 or above (DOMAIN.md 2.6)


@transaction.atomic
def assessment_submit(*, actor: Actor, assessment: Assessment, pledge: bool) -> Assessment:
    """Submit with the authenticity pledge, then score at once (the engine is pure and fast). The
    enterprise is told when a provider submits a diagnosis about it."""
    scored = _submit(actor=actor, assessment=assessment, pledge=pledge)
    if scored.kind == Kind.PROVIDER:
        notify(
            organization_id=scored.enterprise.organization_id,
            verb="assessment.diagnosis_submitted",
            message=gettext_noop("服务商 %(provider)s 提交了对贵企业的数字化诊断"),
            params={"provider": scored.author_organization.name},
            url=reverse("assessment:detail", args=[scored.pk]),
        )
    return scored


def _submit(*, actor: Actor, assessment: Assessment, pledge: bool) -> Assessment:
    if not pledge:
        raise ValidationError({"pledge": [_("提交前须勾选真实性承诺")]})
    # Lock first so the answers scored are the answers submitted (a concurrent autosave waits).
    assessment = (
        Assessment.objects.select_for_update().select_related("framework", "enterprise").get(pk=assessment.pk)
    )
    require_consent(assessment)
    if dma.is_dma(assessment):
        return _submit_dma(actor=actor, assessment=assessment)
    parsed = stored_answers(assessment)
    if parsed.problems:
        raise ValidationError([p.render(_) for p in parsed.problems])
    items, scenarios = missing_answers(compiled(assessment), parsed.answers)
    if items or scenarios:
        fw = texts.for_display(compiled(assessment))  # the names in the reader's language
        names = [i.name for i in fw.items if i.code in items] + [
            s.name for s in fw.scenarios if s.code in scenarios
        ]
        raise ValidationError(
            _("还有 %(n)s 题未作答：%(names)s")
            % {"n": len(names), "names": texts.list_separator().join(names)}
        )
    return _score(actor=actor, assessment=_pledge(actor, assessment), answers=parsed.answers)


def _pledge(actor: Actor, assessment: Assessment) -> Assessment:
    now = timezone.now()
    return run_transition(
        assessment,
        workflows.SUBMIT,
        actor=actor,
        changes={"pledged_at": now, "pledge_text": str(PLEDGE_TEXT), "submitted_at": now},
        **event_scope(assessment.enterprise),
    )


def _submit_dma(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Submit and score an EU DMA draft: every question answered (every row of a table), scored exactly by
    score_dma; total is the overall score to two decimals, level the band's place (Basic 1 … Advanced 4)."""
    fw = dma.dma_compiled(assessment)
    answers, problems = parse_dma(fw, assessment.answers_part("dma"))
    if problems:
        raise ValidationError([p.render(_) for p in problems])
    unanswered = dma.missing_questions(fw, assessment.answers_part("dma"))
    if unanswered:
        raise ValidationError(
            _("还有 %(n)s 题未作答：%(names)s")
            % {"n": len(unanswered), "names": "、".join(q.code.upper() for q in unanswered)}
        )
    submitted = _pledge(actor, assessment)
    result = score_dma(fw, answers)
    data = {**result.to_json(), "framework": fw.code, "version": fw.version}
    level = fw.bands.index(result.band) + 1
    scored = run_transition(
        submitted,
        workflows.SCORE,
        actor=actor,
        changes={
            "result": data,
            "engine_version": ENGINE_VERSION,
            "total": rounded(result.overall),
            "level": level,
            "scored_at": timezone.now(),
            "assessed_on": submitted.assessed_on or timezone.localdate(),
        },
        payload={"total": data["overall"], "level": level, "framework": submitted.framework.label},
        **event_scope(submitted.enterprise),
    )
    # A scored self-assessment or diagnosis is final: its report is issued now (dengta.assessment.issuing).
    issuing.issue_if_final(actor=actor, assessment=scored)
    _report_result(scored)
    return scored


def _score(*, actor: Actor, assessment: Assessment, answers: Answers) -> Assessment:
    fw = compiled(assessment)
    result = score(fw, answers)
    plan = plan_to_level(fw, result, TARGET_LEVEL)
    data = result.to_json()
    data["plan"] = plan.to_json()
    dims = result.dimension_points
    scored = run_transition(
        assessment,
        workflows.SCORE,
        actor=actor,
        changes={
            "result": data,
            "engine_version": ENGINE_VERSION,
            "total": Decimal(result.total) / UNIT,
            "points_base": Decimal(dims.get("base", 0)) / UNIT,
            "points_mgmt": Decimal(dims.get("mgmt", 0)) / UNIT,
            "points_results": Decimal(dims.get("results", 0)) / UNIT,
            "level": result.level,
            "scored_at": timezone.now(),
            "assessed_on": assessment.assessed_on or timezone.localdate(),
        },
        payload={"total": data["total_text"], "level": result.level, "framework": assessment.framework.label},
        **event_scope(assessment.enterprise),
    )
    # Final unless on-site (issued at sign-off instead): see dengta.assessment.issuing.
    issuing.issue_if_final(actor=actor, assessment=scored)
    _report_result(scored)
    return scored


@transaction.atomic
def assessment_sign_off(*, actor: Actor, assessment: Assessment) -> Assessment:
    signed = run_transition(
        assessment,
        workflows.SIGN_OFF,
        actor=actor,
        changes={"signed_off_at": timezone.now(), "signed_off_by": actor},
        payload={"level": assessment.level},
        **event_scope(assessment.enterprise),
    )
    issuing.issue_if_final(actor=actor, assessment=signed)
    _report_result(signed)
    return signed


def _report_result(assessment: Assessment) -> None:
    """A final result changes the jurisdictions' level distributions: their tally is refreshed after the
    commit (dengta.assessment.tallies)."""
    if assessment.is_final:
        region_tallies.changed(tallies.RESULTS)


@transaction.atomic
def assessment_correct(*, actor: Actor, assessment: Assessment, assessor: Any = None) -> Assessment:
    """A correction: a new draft with the same answers, linked to the scored assessment it corrects."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.has_score or locked.corrections.exists():
        raise ValidationError(_("只有已评分且未更正过的评测可以更正"))
    return assessment_start(
        actor=actor,
        enterprise=locked.enterprise,
        kind=locked.kind,
        phase=locked.phase,
        framework=locked.framework
        if locked.framework.is_current
        else current_framework(locked.framework.code),
        author_organization=locked.author_organization,
        assessor=assessor or locked.assessor,
        corrects=locked,
        answers=locked.answers,
        # The correction describes the enterprise as it was when the corrected assessment was made: it keeps
        # that date, so a T0 corrected after the T1 is still compared as the T0 and is not the latest result.
        assessed_on=locked.assessed_on,
    )
