"""Writes for assessments (ARCHITECTURE.md convention 1): each checks the data, changes state only through
the workflow table, and records an event. Permission checks belong to the caller (``permissions``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from dengta.assessment import dma, issuing, workflows
from dengta.assessment.models import (
    Assessment,
    DiagnosisInvitation,
    Evidence,
    Framework,
    InvitationState,
    Kind,
    Phase,
    State,
)
from dengta.assessment.scoring.answers import Answers, Parsed, missing_answers, parse_answers
from dengta.assessment.scoring.bands import BandFramework, level_for_total
from dengta.assessment.scoring.engine import ENGINE_VERSION, score
from dengta.assessment.scoring.eu_dma import parse_dma, rounded, score_dma
from dengta.assessment.scoring.framework import UNIT
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.scoring.path import plan_to_level
from dengta.assessment.uploads import sniff_evidence
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.core.notifications import notify
from dengta.core.workflows import run_transition
from dengta.orgs.models import Organization, OrgType
from dengta.registry.models import Enterprise
from dengta.registry.problems import Problem

DEFAULT_FRAMEWORK = "miit-2024-manufacturing"
TARGET_LEVEL = 2  # pilot acceptance: 二级 or above (DOMAIN.md 2.6)

PLEDGE_TEXT = gettext_lazy("本单位承诺所填报的信息和佐证材料真实、准确、完整，如有虚假，愿承担相应责任。")
DMA_ANSWERS_ONLY = gettext_lazy("此评测按欧盟数字成熟度评估填报，答案请放在 dma 下")
MIIT_ANSWERS_ONLY = gettext_lazy("此评测不是欧盟数字成熟度评估，不接受 dma 答案")
COI_TEXT = gettext_lazy("本人与被评定企业及其服务商不存在利益关系，将独立、客观、公正地开展现场评定。")


def current_framework(code: str = DEFAULT_FRAMEWORK) -> Framework:
    try:
        return Framework.objects.get(code=code, is_current=True)
    except Framework.DoesNotExist as exc:
        raise ValidationError(
            _("评测框架 %(code)s 尚未载入，请运行 manage.py load_frameworks") % {"code": code}
        ) from exc


def _scope(enterprise: Enterprise) -> dict[str, Any]:
    return {"organization_id": enterprise.organization_id, "scope_path": enterprise.region.path}


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
        **_scope(enterprise),
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
        **_scope(enterprise),
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
    record_event(actor=actor, verb="assessment.coi_declared", target=locked, **_scope(locked.enterprise))
    return locked


def compiled(assessment: Assessment) -> Compiled:
    fw = assessment.framework.compiled()
    assert isinstance(fw, Compiled)
    return fw


def stored_answers(assessment: Assessment) -> Parsed:
    data = assessment.answers or {}
    return parse_answers(
        compiled(assessment),
        choices=data.get("choices"),
        scenarios=data.get("scenarios"),
        numbers=data.get("numbers"),
    )


@transaction.atomic
def assessment_save_answers(
    *,
    actor: Actor,
    assessment: Assessment,
    choices: Mapping[str, Any] | None = None,
    scenarios: Mapping[str, Any] | None = None,
    numbers: Mapping[str, Any] | None = None,
    step: int | None = None,
) -> Parsed:
    """Merge answers into the draft. Valid values are saved; each invalid one is reported and the value
    stored before it is kept (a draft never holds an invalid answer). Blank values clear an answer."""
    locked = _lock_draft(assessment)
    if dma.is_dma(locked):
        raise ValidationError(DMA_ANSWERS_ONLY)
    fw = compiled(locked)
    parsed = parse_answers(fw, choices=choices, scenarios=scenarios, numbers=numbers)
    bad = {str(p.params.get(k, "")) for p in parsed.problems for k in ("item", "scenario", "label", "part")}
    data = {part: locked.answers_part(part) for part in ("choices", "scenarios", "numbers")}
    fresh = parsed.answers.to_json()
    for part, given in (("choices", choices), ("scenarios", scenarios), ("numbers", numbers)):
        for code in given or {}:
            if code in fresh[part]:
                data[part][code] = fresh[part][code]
            elif not _has_problem(fw, part, code, bad):
                data[part].pop(code, None)  # left blank: the answer is cleared
    cross = _revert_impossible_numbers(fw, data["numbers"], locked.answers_part("numbers"))
    if cross:
        known = {(p.code, str(p.params)) for p in parsed.problems}
        extra = tuple(p for p in cross if (p.code, str(p.params)) not in known)
        parsed = Parsed(answers=parsed.answers, problems=parsed.problems + extra)
    locked.answers = data
    if step is not None:
        locked.current_step = max(0, step)
    locked.save(update_fields=["answers", "current_step", "updated_at"])
    assessment.answers, assessment.current_step = locked.answers, locked.current_step
    return parsed


def _lock_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)
    if locked.state != State.DRAFT:
        raise ValidationError(_("评测已提交，不能再修改；如需更正，请新建更正评测"))
    _require_declaration(locked)
    _require_consent(locked)
    return locked


def _require_consent(assessment: Assessment) -> None:
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


@dataclass(frozen=True)
class DmaSaved:
    answers: dict[str, Any]  # all DMA answers stored in the draft after the save
    problems: tuple[Problem, ...]


@transaction.atomic
def assessment_save_dma_answers(
    *, actor: Actor, assessment: Assessment, answers: Mapping[str, Any], step: int | None = None
) -> DmaSaved:
    """Merge EU DMA answers (parse_dma's format, see dengta.assessment.dma) into the draft. Valid values are
    saved; each invalid one is reported with parse_dma's bilingual Problem and the value stored before it is
    kept. null clears an answer, as "" does for a scale row; for a checkbox question or an invested/planned
    row, "" or [] records "nothing ticked"."""
    locked = _lock_draft(assessment)
    if not dma.is_dma(locked):
        raise ValidationError(MIIT_ANSWERS_ONLY)
    fw = dma.dma_compiled(locked)
    stored = locked.answers_part("dma")
    given = {str(key): value for key, value in answers.items()}
    blank = {key for key, value in given.items() if dma.is_blank(fw, key, value)}
    clean, problems = parse_dma(fw, {k: v for k, v in given.items() if k not in blank})
    for key in blank:
        stored.pop(key, None)
    stored.update({key: dma.to_stored(value) for key, value in clean.items()})
    locked.answers = {**(locked.answers or {}), "dma": dict(sorted(stored.items()))}
    if step is not None:
        locked.current_step = max(0, step)
    locked.save(update_fields=["answers", "current_step", "updated_at"])
    assessment.answers, assessment.current_step = locked.answers, locked.current_step
    return DmaSaved(answers=locked.answers["dma"], problems=tuple(problems))


def dma_completeness(assessment: Assessment) -> list[str]:
    """The DMA answer keys still unanswered (a question code, or ``q1.<row>`` for a table row)."""
    return dma.missing(dma.dma_compiled(assessment), assessment.answers_part("dma"))


_CROSS = {"number_exceeds_total", "number_zero_total", "number_zero_denominator"}


def _revert_impossible_numbers(
    fw: Compiled, numbers: dict[str, Any], before: dict[str, Any]
) -> list[Problem]:
    """Numbers valid alone but impossible together (more networked devices than devices) are checked on the
    merged draft, since the two may arrive in different saves. Only the numbers of the rule they break go
    back to their earlier values; other numbers of the same save are kept. Repeats while a reverted value
    breaks another rule that shares it (revenue serves three)."""
    problems: list[Problem] = []
    for _attempt in range(len(fw.derived) + 1):
        broken = False
        for rule in fw.derived:
            subset = {k: numbers[k] for k in rule.inputs if k in numbers}
            bad = [p for p in parse_answers(fw, numbers=subset).problems if p.code in _CROSS]
            if not bad:
                continue
            broken = True
            problems.extend(p for p in bad if p not in problems)
            for key in rule.inputs:
                if key in before and before[key] != numbers.get(key):
                    numbers[key] = before[key]
                elif key not in before:
                    numbers.pop(key, None)
            if all(numbers.get(k) == before.get(k) for k in rule.inputs):
                # Already the earlier values and still impossible: drop the rule's numbers altogether.
                still = parse_answers(fw, numbers={k: numbers[k] for k in rule.inputs if k in numbers})
                if any(p.code in _CROSS for p in still.problems):
                    for key in rule.inputs:
                        numbers.pop(key, None)
        if not broken:
            break
    return problems


def _require_declaration(assessment: Assessment) -> None:
    """An on-site assessment takes answers and evidence only after its expert declared no conflict of
    interest — the guard the workflow applies to submission, here for every write path (API, commands)."""
    decision = workflows.SUBMIT.guard(assessment)
    if not decision:
        raise ValidationError(decision.reason)


def _has_problem(fw: Compiled, part: str, code: str, bad: set[str]) -> bool:
    if part == "choices":
        item = fw.item(code)
        return (item is not None and item.name in bad) or code in bad
    if part == "scenarios":
        scenario = fw.scenario(code)
        return (scenario is not None and scenario.name in bad) or code in bad
    spec = fw.collected_number(code)
    return (spec is not None and spec.label_zh in bad) or code in bad


def completeness(assessment: Assessment) -> tuple[list[str], list[str]]:
    return missing_answers(compiled(assessment), stored_answers(assessment).answers)


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
    _require_consent(assessment)
    if dma.is_dma(assessment):
        return _submit_dma(actor=actor, assessment=assessment)
    parsed = stored_answers(assessment)
    if parsed.problems:
        raise ValidationError([p.render(_) for p in parsed.problems])
    items, scenarios = missing_answers(compiled(assessment), parsed.answers)
    if items or scenarios:
        fw = compiled(assessment)
        names = [i.name for i in fw.items if i.code in items] + [
            s.name for s in fw.scenarios if s.code in scenarios
        ]
        raise ValidationError(
            _("还有 %(n)s 题未作答：%(names)s") % {"n": len(names), "names": "、".join(names)}
        )
    return _score(actor=actor, assessment=_pledge(actor, assessment), answers=parsed.answers)


def _pledge(actor: Actor, assessment: Assessment) -> Assessment:
    now = timezone.now()
    return run_transition(
        assessment,
        workflows.SUBMIT,
        actor=actor,
        changes={"pledged_at": now, "pledge_text": str(PLEDGE_TEXT), "submitted_at": now},
        **_scope(assessment.enterprise),
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
        **_scope(submitted.enterprise),
    )
    # A scored self-assessment or diagnosis is final: its report is issued now (dengta.assessment.issuing).
    issuing.issue_if_final(actor=actor, assessment=scored)
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
        **_scope(assessment.enterprise),
    )
    # Final unless on-site (issued at sign-off instead): see dengta.assessment.issuing.
    issuing.issue_if_final(actor=actor, assessment=scored)
    return scored


@transaction.atomic
def assessment_sign_off(*, actor: Actor, assessment: Assessment) -> Assessment:
    signed = run_transition(
        assessment,
        workflows.SIGN_OFF,
        actor=actor,
        changes={"signed_off_at": timezone.now(), "signed_off_by": actor},
        payload={"level": assessment.level},
        **_scope(assessment.enterprise),
    )
    issuing.issue_if_final(actor=actor, assessment=signed)
    return signed


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


MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


@transaction.atomic
def evidence_add(
    *, actor: Actor, assessment: Assessment, item_code: str, upload: UploadedFile, description: str = ""
) -> Evidence:
    if dma.is_dma(assessment):  # evidence is filed per MIIT item; the DMA has none
        raise ValidationError({"item_code": [_("未知的评测项")]})
    fw = compiled(assessment)
    if fw.item(item_code) is None and fw.scenario(item_code) is None:
        raise ValidationError({"item_code": [_("未知的评测项")]})
    if assessment.state != State.DRAFT:
        raise ValidationError(_("评测已提交，不能再上传佐证材料"))
    _require_declaration(assessment)
    if upload.size is None or upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": [_("文件不能超过 20 MB")]})
    head = upload.read(8192)
    upload.seek(0)
    content_type = sniff_evidence(head)
    if content_type is None:
        raise ValidationError({"file": [_("只接受 PDF、JPEG、PNG、Excel 或 Word 文件（按内容识别）")]})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        assessment=assessment,
        item_code=item_code,
        original_name=(upload.name or "file")[-200:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=description[:200],
        uploaded_by_id=actor_id(actor),
    )
    evidence.file.save(_safe_name(upload.name or "file"), upload, save=False)
    evidence.full_clean()
    evidence.save()
    record_event(
        actor=actor,
        verb="assessment.evidence_added",
        target=assessment,
        payload={"item": item_code, "sha256": evidence.sha256, "size": evidence.size},
        **_scope(assessment.enterprise),
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Actor, evidence: Evidence) -> None:
    """Remove a piece of evidence from a draft. Once submitted the evidence is part of the record the score
    and the sign-off rest on, so it can no longer be removed (DOMAIN.md 16: evidence versioned draft vs
    final). The file is deleted after the commit, so a rolled-back removal keeps it."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("enterprise__region")
        .get(pk=evidence.assessment_id)
    )
    if assessment.state != State.DRAFT:
        raise ValidationError(_("评测已提交，佐证材料不能再删除"))
    locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
    name, storage = locked.file.name, locked.file.storage
    record_event(
        actor=actor,
        verb="assessment.evidence_removed",
        target=assessment,
        payload={
            "item": locked.item_code,
            "name": locked.original_name,
            "sha256": locked.sha256,
            "size": locked.size,
        },
        **_scope(assessment.enterprise),
    )
    locked.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _safe_name(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name.rsplit("/", 1)[-1])
    return keep[-80:] or "file"


@transaction.atomic
def historical_record(
    *,
    actor: Actor,
    enterprise: Enterprise,
    framework: Framework,
    total: Decimal,
    assessed_on: date,
    note: str = "",
) -> Assessment:
    """Record a historical result of a score-band framework (the 2022 edition) as a scored assessment."""
    fw = framework.compiled()
    if not isinstance(fw, BandFramework):
        raise ValidationError(_("历史结果只能按分档框架导入"))
    level = level_for_total(fw, total)
    assessment = Assessment(
        enterprise=enterprise,
        framework=framework,
        kind=Kind.HISTORICAL,
        phase=Phase.OTHER,
        state=State.SCORED,
        author_organization=enterprise.organization,
        created_by_id=actor_id(actor),
        total=total,
        level=level,
        result={"framework": fw.code, "version": fw.version, "total_text": str(total), "level": level},
        engine_version=ENGINE_VERSION,
        assessed_on=assessed_on,
        scored_at=timezone.now(),
        note=note,
    )
    assessment.full_clean()
    assessment.save()
    record_event(
        actor=actor,
        verb="assessment.imported",
        target=assessment,
        payload={"framework": framework.label, "total": str(total), "level": level},
        **_scope(enterprise),
    )
    return assessment


def stored_answers_numbers(answers: Mapping[str, Any]) -> dict[str, Decimal]:
    """The stored numbers of a draft as Decimals (they were checked when saved)."""
    return {code: Decimal(str(value)) for code, value in (answers.get("numbers") or {}).items()}


LEVEL_RULE_FIELDS = ("min_points", "scenario_level", "min_scenarios", "min_constrained")


def _next_version(framework: Framework) -> str:
    base = framework.version.split("-r")[0]
    taken = set(Framework.objects.filter(code=framework.code).values_list("version", flat=True))
    n = 2
    while f"{base}-r{n}" in taken:
        n += 1
    return f"{base}-r{n}"


@transaction.atomic
def framework_revise_level_rule(
    *, actor: Actor, framework: Framework, levels: list[dict[str, Any]], note: str, provisional: bool
) -> Framework:
    """A corrected level rule becomes a new framework version (the old one stays as it was for the
    assessments scored with it) and the current one for new assessments."""
    from dengta.assessment.scoring.definitions import canonical, compile_content
    from dengta.assessment.scoring.framework import FrameworkDataError

    if framework.kind != Framework.Kind.MIIT2024:
        raise ValidationError(_("只有评分加场景的框架有等级判定规则"))
    if not note.strip():
        raise ValidationError({"note": [_("请说明更正的依据（例如官方文件页码）")]})
    content = json.loads(json.dumps(framework.content))
    rule = content["rules"]["level_rule"]
    rule["levels"] = [{k: level[k] for k in ("level", *LEVEL_RULE_FIELDS)} for level in levels]
    rule["provisional"] = provisional
    rule["revision_note"] = note.strip()
    rule["revised_from"] = framework.version
    content["rules"]["version"] = _next_version(framework)
    text = canonical(content)
    try:
        compile_content(text)
    except FrameworkDataError as exc:
        raise ValidationError(str(exc)) from exc
    Framework.objects.filter(code=framework.code, is_current=True).update(is_current=False)
    revised = Framework.objects.create(
        code=framework.code,
        version=content["rules"]["version"],
        kind=framework.kind,
        title=framework.title,
        document=framework.document,
        provisional=provisional,
        content=content,
        checksum=hashlib.sha256(text.encode()).hexdigest(),
        is_current=True,
    )
    record_event(
        actor=actor,
        verb="framework.level_rule_revised",
        target=revised,
        payload={
            "from": framework.version,
            "to": revised.version,
            "levels": rule["levels"],
            "note": note.strip(),
        },
    )
    return revised
