"""A project's life after filing: approval (which commits the subsidy), the work with its milestones, dossier,
invoices and payments, the acceptance (pre-check, on-site evaluation, decision), the claim and the payment,
and the exits (withdrawal, disqualification, failure, which release the commitment). DOMAIN.md 2.6, 2.7, 8.10,
8.11; every step is a transition of ``workflows.py`` with its event."""

from __future__ import annotations

import hashlib
import unicodedata
from calendar import monthrange
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.assessment.models import Assessment, Phase
from dengta.assessment.models import Kind as AssessmentKind
from dengta.assessment.models import State as AssessmentState
from dengta.assessment.uploads import sniff_evidence
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.core.language import in_english
from dengta.core.workflows import Transition, TransitionRefused, run_transition
from dengta.orgs.models import Membership, OrgType
from dengta.projects import dossier, workflows
from dengta.projects.models import (
    DossierFile,
    EnterprisePayment,
    Evaluation,
    EvaluationOutcome,
    Invoice,
    Milestone,
    Project,
    ProjectState,
)
from dengta.projects.services import ledger
from dengta.projects.services.filing import prior_subsidy, rules_of

ZERO = Decimal("0.00")


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _lock(project: Project) -> Project:
    """The project's row, locked (and only it: ``of=("self",)``; locking the joined pilot, enterprise and
    provider rows too would make every request of one pilot or one provider wait for the previous one).
    With its pilot, which most steps read the rules of, and what its events record (with_place()); the
    enterprise and provider, which only some refusals and the rating name, are read when asked for."""
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("pilot")
        .with_place()
        .get(pk=project.pk)
    )


def _step(
    project: Project,
    transition: Transition,
    *,
    actor: Actor,
    changes: dict[str, object] | None = None,
    payload: dict[str, object] | None = None,
) -> Project:
    return run_transition(
        project,
        transition,
        actor=actor,
        changes=changes,
        payload=payload,
        **project.event_place(),
        locked=True,  # every step reads its project through _lock() first
    )


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": [_("请填写理由")]})
    return text[:2000]


def _require_state(project: Project, states: frozenset[str], message: str) -> None:
    if project.state not in states:
        raise TransitionRefused(message)


# ------------------------------------------------------------------------------------------------ approval


@transaction.atomic
def project_return(*, actor: Actor, project: Project, reason: str) -> Project:
    locked = _lock(project)
    return _step(locked, workflows.RETURN, actor=actor, changes={"reason": _reason(reason)})


@transaction.atomic
def project_approve(*, actor: Actor, project: Project) -> Project:
    """Approve a filed project and commit its subsidy (refused, nothing written, when the money does not fit
    or the enterprise's cap would be passed)."""
    locked = _lock(project)
    _require_state(locked, frozenset({ProjectState.FILED}), _("只有已备案待审核的项目可以批准"))
    rules = rules_of(locked, actor=actor)
    held = prior_subsidy(locked)
    if held + locked.subsidy_yuan > rules.cap_per_enterprise_yuan:
        raise ledger.LedgerRefused(
            _(
                "%(enterprise)s 已获补贴 %(held)s 元，加上本项目的 %(this)s 元超过单户上限 %(cap)s 元，"
                "请退回重新备案"
            )
            % {
                "enterprise": locked.enterprise.name,
                "held": f"{held:,.2f}",
                "this": f"{locked.subsidy_yuan:,.2f}",
                "cap": f"{rules.cap_per_enterprise_yuan:,.2f}",
            }
        )
    # The money first, then the step: every transaction takes its locks in the ledger's one order (the
    # project, the envelopes, the funding rows, then the event chain's head), so approvals and payments
    # running at once never wait for each other in a cycle (services/ledger.py).
    ledger.commit(actor=actor, project=locked)
    return _step(
        locked,
        workflows.APPROVE,
        actor=actor,
        changes={"approved_at": timezone.now(), "reason": ""},
        payload={
            "subsidy_yuan": str(locked.subsidy_yuan),
            "committed": {"retrofit": str(locked.central_yuan), "local": str(locked.local_yuan)},
        },
    )


# ------------------------------------------------------------------------------------------------ the work


def _filed_on(project: Project) -> date:
    return timezone.localtime(project.filed_at).date() if project.filed_at else timezone.localdate()


@transaction.atomic
def contract_record(*, actor: Actor, project: Project, signed_on: date) -> Project:
    """The day the retrofit contract was signed: not before filing where the pilot's rules say so."""
    locked = _lock(project)
    _require_state(locked, workflows.RECORDING, _("项目当前状态不能登记合同"))
    rules = rules_of(locked)
    if rules.filing_before_contract and signed_on < _filed_on(locked):
        raise ValidationError(
            {
                "signed_on": [
                    _("合同签订日期 %(day)s 早于备案日期 %(filed)s：本试点要求先备案、后签约")
                    % {"day": signed_on, "filed": _filed_on(locked)}
                ]
            }
        )
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": [_("合同签订日期不能晚于今天")]})
    locked.contract_signed_on = signed_on
    locked.save(update_fields=["contract_signed_on", "updated_at"])
    record_event(
        actor=actor,
        verb="project.contract_recorded",
        target=locked,
        **locked.event_place(),
        payload={"signed_on": signed_on.isoformat()},
    )
    return locked


@transaction.atomic
def project_start(*, actor: Actor, project: Project) -> Project:
    locked = _lock(project)
    if locked.contract_signed_on is None:
        raise TransitionRefused(_("请先登记合同签订日期再开始实施"))
    return _step(locked, workflows.START, actor=actor)


@transaction.atomic
def milestone_add(*, actor: Actor, project: Project, title: str, due_on: date) -> Milestone:
    locked = _lock(project)
    _require_state(locked, workflows.RECORDING, _("项目当前状态不能增加里程碑"))
    text = (title or "").strip()
    if not text or len(text) > 120:
        raise ValidationError({"title": [_("请填写里程碑名称（最多 120 个字）")]})
    milestone = Milestone.objects.create(project=locked, title=text, due_on=due_on)
    record_event(
        actor=actor,
        verb="project.milestone_added",
        target=locked,
        **locked.event_place(),
        payload={"milestone": milestone.pk, "title": text, "due_on": due_on.isoformat()},
    )
    return milestone


@transaction.atomic
def milestone_done(*, actor: Actor, milestone: Milestone, done_on: date, note: str = "") -> Milestone:
    locked = _lock(milestone.project)
    _require_state(locked, workflows.RECORDING, _("项目当前状态不能更新里程碑"))
    row = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": [_("完成日期不能晚于今天")]})
    row.done_on = done_on
    row.note = (note or "").strip()[:2000]
    row.save(update_fields=["done_on", "note", "updated_at"])
    record_event(
        actor=actor,
        verb="project.milestone_done",
        target=locked,
        **locked.event_place(),
        payload={"milestone": row.pk, "done_on": done_on.isoformat(), "on_time": row.on_time},
    )
    return row


def _safe_name(name: str) -> str:
    return "".join(ch for ch in name if ch.isprintable() and ch not in "/\\")[-200:] or "file"


@transaction.atomic
def dossier_add(
    *,
    actor: Actor,
    project: Project,
    kind: str,
    upload: UploadedFile,
    milestone: Milestone | None = None,
    description: str = "",
) -> DossierFile:
    """A new version of one of the dossier's documents, checked by content (never by name) and size."""
    spec = dossier.load_spec()
    locked = _lock(project)
    _require_state(locked, workflows.RECORDING, _("项目当前状态不能上传档案材料"))
    entry = spec.kind(kind)
    if entry is None:
        raise ValidationError({"kind": [_("未知的材料类型")]})
    if milestone is not None and milestone.project_id != locked.pk:
        raise ValidationError({"milestone": [_("该里程碑不属于本项目")]})
    if upload.size is None or upload.size > spec.max_bytes:
        raise ValidationError(
            {"file": [_("文件不能超过 %(mb)s MB") % {"mb": spec.max_bytes // (1024 * 1024)}]}
        )
    head = upload.read(8192)
    upload.seek(0)
    whole = upload.read() if head.startswith(b"PK") else None
    upload.seek(0)
    content_type = sniff_evidence(head, whole)
    if content_type is None or content_type not in entry.content_types:
        raise ValidationError(
            {
                "file": [
                    _("%(kind)s只接受 %(types)s 文件（按文件内容识别，不看文件名）")
                    % {"kind": entry.label(in_english()), "types": "、".join(t.upper() for t in entry.types)}
                ]
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    version = (
        DossierFile.objects.filter(project=locked, kind=kind).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    row = DossierFile(
        project=locked,
        kind=kind,
        version=version,
        milestone=milestone,
        original_name=_safe_name(upload.name or "file"),
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=(description or "").strip()[:200],
        uploaded_by_id=actor_id(actor),
    )
    row.file.save(row.sha256, upload, save=False)
    row.full_clean()
    row.save()
    record_event(
        actor=actor,
        verb="project.document_added",
        target=locked,
        **locked.event_place(),
        payload={"kind": kind, "version": version, "sha256": row.sha256, "size": row.size},
    )
    return row


def present_kinds(project: Project) -> set[str]:
    return set(DossierFile.objects.filter(project=project).values_list("kind", flat=True))


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _is_money(amount: object) -> bool:
    """A positive, finite Decimal of whole fen below a trillion yuan (the ledger's 16 digits)."""
    return (
        isinstance(amount, Decimal)
        and amount.is_finite()
        and Decimal(0) < amount < Decimal("1e12")
        and amount == amount.quantize(ZERO)
    )


@transaction.atomic
def invoice_add(
    *, actor: Actor, project: Project, number: str, issued_on: date, amount_yuan: Decimal
) -> Invoice:
    """An invoice of the project: its number unique across all projects, the invoices together within the
    contract (and the pilot's tolerance)."""
    locked = _lock(project)
    _require_state(locked, workflows.RECORDING, _("项目当前状态不能登记发票"))
    # Full-width digits and letters are the same invoice number as their ASCII forms (NFKC).
    code = "".join(unicodedata.normalize("NFKC", number or "").split()).upper()
    if not code or len(code) > 40 or not (code.isascii() and code.isalnum()):
        raise ValidationError({"number": [_("发票号码须为 1–40 位字母或数字")]})
    if not _is_money(amount_yuan):
        raise ValidationError({"amount_yuan": [_("金额须大于 0，最多两位小数")]})
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": [_("开票日期不能晚于今天")]})
    taken = Invoice.objects.filter(number=code).select_related("project").first()
    if taken is not None:
        raise ValidationError(
            {
                "number": [
                    _("发票号码 %(number)s 已登记在其他项目或本项目中，同一张发票不能重复使用")
                    % {"number": code}
                ]
            }
        )
    rules = rules_of(locked)
    before = Invoice.objects.filter(project=locked).aggregate(total=Sum("amount_yuan"))["total"] or ZERO
    if before + amount_yuan > locked.contract_yuan + rules.tolerance_yuan:
        raise ValidationError(
            {
                "amount_yuan": [
                    _("已登记发票 %(before)s 元，加上本张 %(amount)s 元超过合同金额 %(contract)s 元")
                    % {
                        "before": _money(before),
                        "amount": _money(amount_yuan),
                        "contract": _money(locked.contract_yuan),
                    }
                ]
            }
        )
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                project=locked,
                number=code,
                issued_on=issued_on,
                amount_yuan=amount_yuan,
                recorded_by_id=actor_id(actor),
            )
    except IntegrityError as exc:  # the same number recorded at the same moment elsewhere
        raise ValidationError(
            {
                "number": [
                    _("发票号码 %(number)s 已登记在其他项目或本项目中，同一张发票不能重复使用")
                    % {"number": code}
                ]
            }
        ) from exc
    record_event(
        actor=actor,
        verb="project.invoice_recorded",
        target=locked,
        **locked.event_place(),
        payload={"number": code, "amount_yuan": str(amount_yuan)},
    )
    return invoice


@transaction.atomic
def enterprise_payment_add(
    *, actor: Actor, project: Project, paid_on: date, amount_yuan: Decimal, reference: str
) -> EnterprisePayment:
    """A payment by the enterprise to the provider: not before filing where the rules say so, together within
    the enterprise's share (and the tolerance)."""
    locked = _lock(project)
    _require_state(locked, workflows.RECORDING, _("项目当前状态不能登记付款"))
    ref = (reference or "").strip()
    if not ref or len(ref) > 60:
        raise ValidationError({"reference": [_("请填写付款凭证号（最多 60 个字符）")]})
    if not _is_money(amount_yuan):
        raise ValidationError({"amount_yuan": [_("金额须大于 0，最多两位小数")]})
    rules = rules_of(locked)
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("付款日期不能晚于今天")]})
    if rules.filing_before_contract and paid_on < _filed_on(locked):
        raise ValidationError(
            {
                "paid_on": [
                    _("付款日期 %(day)s 早于备案日期 %(filed)s：本试点要求先备案、后付款")
                    % {"day": paid_on, "filed": _filed_on(locked)}
                ]
            }
        )
    if EnterprisePayment.objects.filter(project=locked, reference=ref).exists():
        raise ValidationError({"reference": [_("付款凭证号 %(ref)s 已登记") % {"ref": ref}]})
    before = EnterprisePayment.objects.filter(project=locked).aggregate(t=Sum("amount_yuan"))["t"] or ZERO
    if before + amount_yuan > locked.enterprise_yuan + rules.tolerance_yuan:
        raise ValidationError(
            {
                "amount_yuan": [
                    _("已登记付款 %(before)s 元，加上本笔 %(amount)s 元超过企业应付 %(share)s 元")
                    % {
                        "before": _money(before),
                        "amount": _money(amount_yuan),
                        "share": _money(locked.enterprise_yuan),
                    }
                ]
            }
        )
    payment = EnterprisePayment.objects.create(
        project=locked,
        paid_on=paid_on,
        amount_yuan=amount_yuan,
        reference=ref,
        recorded_by_id=actor_id(actor),
    )
    if locked.first_payment_on is None or paid_on < locked.first_payment_on:
        locked.first_payment_on = paid_on
        locked.save(update_fields=["first_payment_on", "updated_at"])
    record_event(
        actor=actor,
        verb="project.payment_recorded",
        target=locked,
        **locked.event_place(),
        payload={"reference": ref, "amount_yuan": str(amount_yuan)},
    )
    return payment


@transaction.atomic
def project_complete(*, actor: Actor, project: Project, completed_on: date) -> Project:
    locked = _lock(project)
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": [_("完工日期不能晚于今天")]})
    if locked.filed_at and completed_on < _filed_on(locked):
        raise ValidationError({"completed_on": [_("完工日期不能早于备案日期")]})
    rules = rules_of(locked)
    due = _add_months(completed_on, rules.acceptance_deadline_months)
    return _step(
        locked,
        workflows.COMPLETE,
        actor=actor,
        changes={"completed_on": completed_on, "acceptance_due_on": due},
        payload={"completed_on": completed_on.isoformat(), "acceptance_due_on": due.isoformat()},
    )


# ------------------------------------------------------------------------------------------------ acceptance


def evidence_problems(project: Project) -> list[str]:
    """What keeps the evidence from matching the contract (DOMAIN.md 2.7, 6.4, 8.11): the required documents,
    the invoices against the contract, the enterprise's payments against its share, within the tolerance."""
    rules = rules_of(project)
    spec = dossier.load_spec()
    english = in_english()
    problems = []
    _have, _need, missing = dossier.completeness(spec, present_kinds(project))
    if missing:
        problems.append(_("档案缺少：%(kinds)s") % {"kinds": "、".join(k.label(english) for k in missing)})
    invoiced = Invoice.objects.filter(project=project).aggregate(t=Sum("amount_yuan"))["t"] or ZERO
    if abs(invoiced - project.contract_yuan) > rules.tolerance_yuan:
        problems.append(
            _("发票合计 %(invoiced)s 元与合同金额 %(contract)s 元不符（容差 %(tol)s 元）")
            % {
                "invoiced": _money(invoiced),
                "contract": _money(project.contract_yuan),
                "tol": _money(rules.tolerance_yuan),
            }
        )
    paid = EnterprisePayment.objects.filter(project=project).aggregate(t=Sum("amount_yuan"))["t"] or ZERO
    if abs(paid - project.enterprise_yuan) > rules.tolerance_yuan:
        problems.append(
            _("企业付款合计 %(paid)s 元与企业应付 %(share)s 元不符（容差 %(tol)s 元）")
            % {
                "paid": _money(paid),
                "share": _money(project.enterprise_yuan),
                "tol": _money(rules.tolerance_yuan),
            }
        )
    return problems


@transaction.atomic
def project_request_acceptance(*, actor: Actor, project: Project) -> Project:
    """The enterprise asks for acceptance: within the deadline after completion, with a complete dossier whose
    invoices and payments match the contract."""
    locked = _lock(project)
    _require_state(locked, frozenset({ProjectState.COMPLETED}), _("只有已完工的项目可以申请验收"))
    today = timezone.localdate()
    if locked.acceptance_due_on and today > locked.acceptance_due_on:
        raise TransitionRefused(
            _("申请验收的期限是 %(due)s，已经超过；请联系试点主管部门") % {"due": locked.acceptance_due_on}
        )
    problems = evidence_problems(locked)
    if problems:
        raise TransitionRefused("；".join(problems))
    return _step(locked, workflows.REQUEST_ACCEPTANCE, actor=actor)


@transaction.atomic
def project_pre_check(*, actor: Actor, project: Project, passed: bool, reason: str = "") -> Project:
    """The district or city checks the request (预审): on to the on-site evaluation, or back to the enterprise
    with what is missing."""
    locked = _lock(project)
    if passed:
        return _step(
            locked, workflows.PRE_CHECK, actor=actor, changes={"reason": (reason or "").strip()[:2000]}
        )
    return _step(locked, workflows.PRE_CHECK_RETURN, actor=actor, changes={"reason": _reason(reason)})


def _is_expert(user: Any) -> bool:
    return Membership.objects.filter(user=user, organization__type=OrgType.EXPERT_POOL).exists()


@transaction.atomic
def evaluation_assign(*, actor: Actor, project: Project, expert: Any) -> Evaluation:
    """Send an expert for the on-site evaluation (现场评定), first or after a rectification."""
    locked = _lock(project)
    if not _is_expert(expert):
        raise ValidationError({"expert": [_("该用户不是专家库成员")]})
    _step(locked, workflows.START_EVALUATION, actor=actor, payload={"expert": getattr(expert, "pk", None)})
    return Evaluation.objects.create(project=locked, expert=expert)


@transaction.atomic
def evaluation_record(
    *,
    actor: Actor,
    evaluation: Evaluation,
    assessment: Assessment,
    outcome: str,
    findings: str = "",
    rectify_by: date | None = None,
) -> Evaluation:
    """The expert's record: the signed-off on-site T1 assessment of the enterprise (its level is the level
    evaluated) and the recommended outcome."""
    project = _lock(evaluation.project)
    row = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if actor is None or row.expert_id != actor.pk:
        raise ValidationError(_("只有被指派的专家可以填写现场评定"))
    if project.state != ProjectState.ON_SITE or row.decided_at is not None:
        raise ValidationError(_("该现场评定已经结束"))
    if outcome not in EvaluationOutcome.values:
        raise ValidationError({"outcome": [_("请选择评定结论")]})
    if (
        assessment.enterprise_id != project.enterprise_id
        or assessment.kind != AssessmentKind.ONSITE
        or assessment.phase != Phase.T1
        or assessment.state != AssessmentState.SIGNED_OFF
        or assessment.level is None
    ):
        raise ValidationError({"assessment": [_("请选择本企业已签署的改造后（T1）现场评定")]})
    if outcome == EvaluationOutcome.PASSED and assessment.level < project.target_level:
        raise ValidationError(
            {
                "outcome": [
                    _("现场评定为 %(level)s 级，未达到目标 %(target)s 级，不能评为通过")
                    % {"level": assessment.level, "target": project.target_level}
                ]
            }
        )
    if outcome == EvaluationOutcome.RECTIFY and rectify_by is None:
        raise ValidationError({"rectify_by": [_("限期整改须填写整改期限")]})
    if outcome != EvaluationOutcome.PASSED and not (findings or "").strip():
        raise ValidationError({"findings": [_("请填写评定意见")]})
    row.assessment = assessment
    row.level = assessment.level
    row.outcome = outcome
    row.findings = (findings or "").strip()[:4000]
    row.rectify_by = rectify_by
    row.decided_at = timezone.now()
    row.save()
    record_event(
        actor=actor,
        verb="project.evaluated",
        target=project,
        **project.event_place(),
        payload={"evaluation": row.pk, "level": row.level, "outcome": outcome, "assessment": assessment.pk},
    )
    return row


def latest_evaluation(project: Project) -> Evaluation | None:
    return Evaluation.objects.filter(project=project).order_by("-created_at", "-id").first()


@transaction.atomic
def project_accept(*, actor: Actor, project: Project) -> Project:
    """Accept (验收通过): the expert found the target level reached on site and the evidence matches."""
    locked = _lock(project)
    _require_state(locked, frozenset({ProjectState.ON_SITE}), _("只有现场评定中的项目可以验收"))
    evaluation = latest_evaluation(locked)
    if evaluation is None or evaluation.outcome != EvaluationOutcome.PASSED:
        raise TransitionRefused(_("专家尚未给出通过的现场评定结论"))
    if evaluation.level is None or evaluation.level < locked.target_level:
        raise TransitionRefused(
            _("现场评定为 %(level)s 级，未达到目标 %(target)s 级")
            % {"level": evaluation.level, "target": locked.target_level}
        )
    problems = evidence_problems(locked)
    if problems:
        raise TransitionRefused("；".join(problems))
    return _step(
        locked,
        workflows.ACCEPT,
        actor=actor,
        changes={"accepted_at": timezone.now()},
        payload={"level": evaluation.level, "evaluation": evaluation.pk},
    )


@transaction.atomic
def project_rectify(*, actor: Actor, project: Project, reason: str) -> Project:
    locked = _lock(project)
    return _step(locked, workflows.RECTIFY, actor=actor, changes={"reason": _reason(reason)})


@transaction.atomic
def project_fail(*, actor: Actor, project: Project, reason: str) -> Project:
    locked = _lock(project)
    failed = _step(locked, workflows.FAIL, actor=actor, changes={"reason": _reason(reason)})
    ledger.release(actor=actor, project=failed, memo=_("验收未通过，释放承诺"))
    return failed


@transaction.atomic
def project_rate(*, actor: Actor, project: Project, stars: int, comment: str = "") -> Project:
    """The enterprise rates its provider once the project is accepted (厦门's acceptance records it, DOMAIN.md
    2.7); the rating feeds the provider's star rating."""
    from dengta.catalog.services.governance import provider_rate

    locked = _lock(project)
    accepted = frozenset(
        {ProjectState.ACCEPTED, ProjectState.SUBSIDY_CLAIMED, ProjectState.PAID, ProjectState.ARCHIVED}
    )
    _require_state(locked, accepted, _("验收通过后才能评价服务商"))
    provider_rate(
        actor=actor, provider=locked.provider, enterprise=locked.enterprise, stars=stars, comment=comment
    )
    locked.rated_stars = stars
    locked.save(update_fields=["rated_stars", "updated_at"])
    return locked


# ------------------------------------------------------------------------------------------------ money


@transaction.atomic
def project_claim(*, actor: Actor, project: Project) -> Project:
    locked = _lock(project)
    _require_state(locked, frozenset({ProjectState.ACCEPTED}), _("只有验收通过的项目可以申请奖补资金"))
    if locked.subsidy_yuan <= 0:
        raise TransitionRefused(_("本项目没有补贴，无需申请奖补资金，验收通过后可直接归档"))
    return _step(locked, workflows.CLAIM, actor=actor, payload={"subsidy_yuan": str(locked.subsidy_yuan)})


@transaction.atomic
def project_pay(
    *, actor: Actor, project: Project, idempotency_key: str, batch: object | None = None
) -> ledger.Paid:
    """Pay a claimed project's subsidy once: a repeated request with the same key replays the payment."""
    locked = _lock(project)
    key = ledger.check_key(idempotency_key)
    if locked.state in (ProjectState.PAID, ProjectState.ARCHIVED):
        paid = ledger.pay(actor=actor, project=locked, idempotency_key=key)  # replays or refuses
        return paid
    _require_state(
        locked, frozenset({ProjectState.SUBSIDY_CLAIMED}), _("只有已申请奖补且验收通过的项目可以拨付")
    )
    paid = ledger.pay(actor=actor, project=locked, idempotency_key=key, batch=batch)  # type: ignore[arg-type]
    if paid.replayed:
        return paid
    done = _step(locked, workflows.PAY, actor=actor, payload={"amount": str(paid.amount_yuan), "key": key})
    return ledger.Paid(done, paid.amount_yuan, replayed=False)


@transaction.atomic
def project_archive(*, actor: Actor, project: Project) -> Project:
    locked = _lock(project)
    if locked.state == ProjectState.ACCEPTED and locked.subsidy_yuan > 0:
        raise TransitionRefused(_("本项目有补贴，须拨付后才能归档"))
    return _step(locked, workflows.ARCHIVE, actor=actor)


@transaction.atomic
def project_withdraw(*, actor: Actor, project: Project, reason: str) -> Project:
    locked = _lock(project)
    done = _step(locked, workflows.WITHDRAW, actor=actor, changes={"reason": _reason(reason)})
    ledger.release(actor=actor, project=done, memo=_("项目撤回，释放承诺"))
    return done


@transaction.atomic
def project_disqualify(*, actor: Actor, project: Project, reason: str) -> Project:
    locked = _lock(project)
    done = _step(locked, workflows.DISQUALIFY, actor=actor, changes={"reason": _reason(reason)})
    ledger.release(actor=actor, project=done, memo=_("项目被取消资格，释放承诺"))
    return done
