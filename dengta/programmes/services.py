"""Writes of programme administration (ARCHITECTURE.md convention 1): batches loaded from their rules files,
and an authority's application from draft to submission, return, withdrawal or rejection.

Every change of an application re-runs its eligibility check and stores the failures with the rules version
they used (the issue's "checked on every change"); submission refuses while any check fails, the checklist is
incomplete, the declaration is missing or the window is closed.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.assessment.texts import list_separator
from dengta.core import tallies
from dengta.core.actors import Actor
from dengta.core.events import record_event
from dengta.core.language import in_english
from dengta.core.workflows import TransitionRefused, run_transition
from dengta.orgs.models import Organization, OrgType
from dengta.programmes import allocation, checks, rules, workflows
from dengta.programmes.models import (
    Allocation,
    Application,
    ApplicationSubIndustry,
    Batch,
    NominatedProvider,
    Pilot,
    PoolEnterprise,
    Programme,
    ReviewMethod,
)
from dengta.programmes.tallies import PILOTS
from dengta.reference.models import SubIndustry
from dengta.registry.models import Enterprise, Provider

# The two programmes (DOMAIN.md 1, 2): their codes and names; a batch file names its model.
PROGRAMMES = {
    rules.PLATFORM: (
        "platform-pilot",
        "中小企业数字化转型试点（服务平台）",
        "SME digital transformation pilot (platforms)",
    ),
    rules.CITY: ("city-pilot", "中小企业数字化转型城市试点", "SME digital transformation city pilot"),
}


# ------------------------------------------------------------------------------------------------ batches


@transaction.atomic
def batches_load(*, actor: Actor = None, directory: Path | None = None) -> list[tuple[Batch, str]]:
    """Create or update each batch from its rules file; an event for each new batch and each new version
    (a file whose version did not change leaves its batch alone). Returns (batch, "created" | "updated" |
    "unchanged")."""
    out = []
    folder = directory or rules.BATCHES_DIR
    for code, parsed in sorted(rules.load_all_batches(folder).items()):
        text = (folder / f"{code}.json").read_text(encoding="utf-8")
        out.append(_batch_load(actor, code, parsed, text))
    return out


def _batch_load(actor: Actor, code: str, parsed: rules.BatchRules, raw: str) -> tuple[Batch, str]:
    programme_code, name, name_en = PROGRAMMES[parsed.programme]
    programme, _created = Programme.objects.get_or_create(
        code=programme_code, defaults={"model": parsed.programme, "name": name, "name_en": name_en}
    )
    fields = {
        "programme": programme,
        "year": parsed.year,
        "title": parsed.title_zh,
        "title_en": parsed.title_en,
        "notice": parsed.notice,
        "application_opens": parsed.windows.application_opens,
        "application_closes": parsed.windows.application_closes,
        "review_closes": parsed.windows.review_closes,
        "pilot_period_months": parsed.pilot_period_months,
        "rules": raw,
        "rules_version": parsed.version,
    }
    batch = Batch.objects.select_for_update().filter(code=code).first()
    if batch is None:
        batch = Batch(code=code, **fields)
        batch.full_clean()
        batch.save()
        record_event(actor=actor, verb="batch.loaded", target=batch, payload={"version": parsed.version})
        return batch, "created"
    if batch.rules_version == parsed.version and batch.rules == raw:
        return batch, "unchanged"
    before = batch.rules_version
    for name_, value in fields.items():
        setattr(batch, name_, value)
    batch.full_clean()
    batch.save()
    record_event(
        actor=actor, verb="batch.rules_changed", target=batch, payload={"from": before, "to": parsed.version}
    )
    return batch, "updated"


# ----------------------------------------------------------------------------------------------- applications


def _record(actor: Actor, application: Application, verb: str, payload: dict[str, Any] | None = None) -> None:
    record_event(
        actor=actor,
        verb=verb,
        target=application,
        payload=payload or {},
        organization_id=application.applicant_id,
        scope_path=region.path if (region := application.applicant.region) is not None else "",
    )


def _editable(application: Application) -> None:
    if application.state not in workflows.APPLICATION_EDITABLE:
        raise TransitionRefused(
            _("申报处于“%(state)s”状态，不能修改") % {"state": application.get_state_display()}
        )


def _in_window(batch: Batch) -> None:
    today = timezone.localdate()  # Asia/Shanghai (TIME_ZONE): the windows are days there
    if not batch.application_opens <= today <= batch.application_closes:
        raise ValidationError(
            _("%(batch)s的申报时间为 %(opens)s 至 %(closes)s，现在不在申报时间内")
            % {"batch": batch.title, "opens": batch.application_opens, "closes": batch.application_closes}
        )


def application_check(*, application: Application) -> list[dict[str, Any]]:
    """Run the eligibility check and store its failures with the rules version (no event: a check is not a
    change of the application)."""
    failures = [f.to_json() for f in checks.eligibility_failures(application)]
    Application.objects.filter(pk=application.pk).update(
        eligibility=failures, checked_at=timezone.now(), rules_version=application.batch.rules_version
    )
    application.eligibility = failures
    application.rules_version = application.batch.rules_version
    return failures


@transaction.atomic
def application_create(*, actor: Actor, applicant: Organization, batch: Batch) -> Application:
    if applicant.type != OrgType.AUTHORITY:
        raise ValidationError(_("只有地方主管部门可以申报试点"))
    _in_window(batch)
    application = Application(batch=batch, applicant=applicant, rules_version=batch.rules_version)
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # two clicks at once: the database's unique constraint decides
        raise ValidationError(_("本单位已有该批次的申报，不能重复申报")) from exc
    _record(actor, application, "application.created", {"batch": batch.code})
    application_check(application=application)
    return application


_SHARES = frozenset({"retrofit_share", "service_share", "target_share"})
_DECIMAL_FIELDS = {
    "award_requested_yuan": 2,
    "retrofit_share": 4,
    "service_share": 4,
    "local_matching_yuan": 2,
    "target_share": 4,
}


def _decimal(field: str, value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise ValidationError({field: [_("请输入数字")]}) from exc
    if not number.is_finite() or number < 0:
        raise ValidationError({field: [_("请输入不小于 0 的数字")]})
    if -number.as_tuple().exponent > _DECIMAL_FIELDS[field]:  # type: ignore[operator]
        raise ValidationError({field: [_("最多保留 %(n)s 位小数") % {"n": _DECIMAL_FIELDS[field]}]})
    if field in _SHARES and number > 1:
        raise ValidationError({field: [_("比例应在 0 到 1 之间，例如 0.8 表示八成")]})
    return number


@transaction.atomic
def application_update(*, actor: Actor, application: Application, data: dict[str, Any]) -> Application:
    """Change the fund plan, the targets and the plan's summary (the fields given)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _editable(locked)
    changed = {}
    for field, value in data.items():
        if field in _DECIMAL_FIELDS:
            parsed: Any = _decimal(field, value)
            if field == "local_matching_yuan" and parsed is None:
                parsed = Decimal(0)
        elif field == "target_level":
            parsed = None if value in (None, "") else int(value)
        elif field == "plan":
            parsed = str(value).strip()
        else:
            raise ValueError(f"application_update cannot change {field!r}")
        if getattr(locked, field) != parsed:
            changed[field] = parsed
    for field, value in changed.items():
        setattr(locked, field, value)
    shares = (locked.retrofit_share, locked.service_share)
    if shares[0] is not None and shares[1] is not None and shares[0] + shares[1] > 1:
        raise ValidationError({"service_share": [_("改造比例与服务能力提升比例之和不能超过 1")]})
    locked.full_clean()
    locked.save()
    if changed:
        _record(actor, locked, "application.updated", {"fields": sorted(changed)})
    application_check(application=locked)
    return locked


@transaction.atomic
def application_add_sub_industry(
    *, actor: Actor, application: Application, sub_industry: SubIndustry, local_name: str = ""
) -> ApplicationSubIndustry:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _editable(locked)
    if locked.sub_industries.filter(sub_industry=sub_industry).exists():
        raise ValidationError(
            {"sub_industry": [_("细分行业“%(name)s”已经选过，不能重复选择") % {"name": sub_industry.name}]}
        )
    entry = ApplicationSubIndustry(
        application=locked, sub_industry=sub_industry, local_name=local_name.strip()
    )
    entry.full_clean()
    entry.save()
    _record(actor, locked, "application.sub_industry_added", {"sub_industry": sub_industry.code})
    application_check(application=locked)
    return entry


@transaction.atomic
def application_add_provider(
    *, actor: Actor, entry: ApplicationSubIndustry, provider: Provider
) -> NominatedProvider:
    locked = Application.objects.select_for_update().get(pk=entry.application_id)
    _editable(locked)
    if entry.providers.filter(provider=provider).exists():
        raise ValidationError({"provider": [_("该服务商已在这个细分行业中推荐过")]})
    nomination = NominatedProvider(entry=entry, provider=provider)
    nomination.full_clean()
    nomination.save()
    _record(
        actor,
        locked,
        "application.provider_added",
        {"sub_industry": entry.sub_industry_id, "provider": provider.pk},
    )
    application_check(application=locked)
    return nomination


@transaction.atomic
def application_add_enterprise(
    *, actor: Actor, entry: ApplicationSubIndustry, enterprise: Enterprise
) -> PoolEnterprise:
    """Add an enterprise to the pool under one sub-industry. An enterprise that fails a rule (outside the
    jurisdiction, not an SME, …) is added and named in the eligibility check, so the authority sees why;
    one already in this application is refused."""
    locked = Application.objects.select_for_update().get(pk=entry.application_id)
    _editable(locked)
    existing = locked.pool.filter(enterprise=enterprise).select_related("entry__sub_industry").first()
    if existing is not None:
        raise ValidationError(
            {
                "enterprise": [
                    _("%(name)s 已在本申报的“%(sub)s”试点企业库中")
                    % {"name": enterprise.name, "sub": existing.entry}
                ]
            }
        )
    row = PoolEnterprise(application=locked, entry=entry, enterprise=enterprise)
    row.full_clean(validate_constraints=False)
    row.save()
    _record(
        actor,
        locked,
        "application.enterprise_added",
        {"sub_industry": entry.sub_industry_id, "enterprise": enterprise.uscc},
    )
    application_check(application=locked)
    return row


@transaction.atomic
def application_remove_enterprise(*, actor: Actor, row: PoolEnterprise) -> None:
    locked = Application.objects.select_for_update().get(pk=row.application_id)
    _editable(locked)
    uscc = row.enterprise.uscc
    row.delete()
    _record(actor, locked, "application.enterprise_removed", {"enterprise": uscc})
    application_check(application=locked)


@transaction.atomic
def application_submit(*, actor: Actor, application: Application, declared: bool) -> Application:
    """Submit (or resubmit after a return) with the declaration, once the checklist is complete and no
    eligibility check fails; the rules version is recorded with the submission."""
    if not declared:
        raise ValidationError({"declared": [_("提交前请确认申报承诺声明")]})
    application = Application.objects.select_for_update().select_related("batch").get(pk=application.pk)
    _in_window(application.batch)
    missing = [item.label for item in checks.checklist(application) if not item.done]
    if missing:
        raise ValidationError(_("申报还不完整：%(items)s") % {"items": list_separator().join(missing)})
    failures = application_check(application=application)
    if failures:
        first = failures[0]["sentence_en" if in_english() else "sentence_zh"]
        raise ValidationError(
            _("还有 %(n)s 项资格检查未通过，请先处理：%(first)s") % {"n": len(failures), "first": first}
        )
    now = timezone.now()
    done = run_transition(
        application,
        workflows.APPLICATION_SUBMIT,
        actor=actor,
        changes={"submitted_at": now, "declared_at": now, "rules_version": application.batch.rules_version},
        payload={"rules_version": application.batch.rules_version},
        organization_id=application.applicant_id,
    )
    return done


def _move(actor: Actor, application: Application, transition: Any, changes: dict[str, Any]) -> Application:
    return run_transition(
        application,
        transition,
        actor=actor,
        changes=changes,
        payload={"reason": changes["reason"]} if changes.get("reason") else {},
        organization_id=application.applicant_id,
    )


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": [_("请写明理由")]})
    return reason.strip()


@transaction.atomic
def application_withdraw(*, actor: Actor, application: Application) -> Application:
    return _move(actor, application, workflows.APPLICATION_WITHDRAW, {})


@transaction.atomic
def application_start_review(*, actor: Actor, application: Application) -> Application:
    return _move(actor, application, workflows.APPLICATION_START_REVIEW, {})


@transaction.atomic
def application_return(*, actor: Actor, application: Application, reason: str) -> Application:
    """Back to the authority for information (DOMAIN.md 2.7: returned, completed, submitted again)."""
    return _move(actor, application, workflows.APPLICATION_RETURN, {"reason": _reason(reason)})


@transaction.atomic
def application_reject(*, actor: Actor, application: Application, reason: str) -> Application:
    changes = {"reason": _reason(reason), "decided_at": timezone.now()}
    return _move(actor, application, workflows.APPLICATION_REJECT, changes)


# ------------------------------------------------------------------------------------------ approval


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the last day of the month when that month is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _split(application: Application, parsed: rules.BatchRules, award: Decimal) -> allocation.Allocation:
    cap = parsed.award_caps.for_kind(checks.applicant_kind(application.applicant))
    if cap is None:
        raise ValidationError(_("该申报单位类型在本批次没有奖补上限，不能批准"))
    if parsed.award_caps.basis == "provider":
        # The 2022 platform pilot caps the award per nominated platform (DOMAIN.md 1), as eligibility does.
        platforms = (
            NominatedProvider.objects.filter(entry__application=application).values("provider").distinct()
        )
        cap *= max(1, platforms.count())
    try:
        return allocation.split_award(
            award,
            application.retrofit_share if application.retrofit_share is not None else Decimal(0),
            application.service_share if application.service_share is not None else Decimal(0),
            application.local_matching_yuan,
            allocation.AllocationRules(
                cap_yuan=cap,
                min_retrofit_share=parsed.min_retrofit_share,
                max_service_share=parsed.max_service_share,
            ),
        )
    except allocation.AllocationError as exc:
        raise ValidationError(exc.sentence_en if in_english() else exc.sentence_zh) from exc


def _approvable(application: Application) -> None:
    """Refuse an approval the batch's rules forbid: an application failing eligibility as it stands now, or
    one whose province (or 计划单列市 on its own quota) already holds its quota of pilots (DOMAIN.md 2.2)."""
    current = Application.objects.select_related("batch__programme", "applicant").get(pk=application.pk)
    # The window bounds applying and submitting; the ministry decides after it has closed (review_closes).
    # The quota of recommendations counts every live application, drafts included: at approval the quota of
    # pilots below is the rule (another city's draft does not block a decision).
    failures = [
        f
        for f in checks.eligibility_failures(current)
        if f.code not in ("outside_application_window", "quota_exceeded")
    ]
    if failures:
        sentences = [f.sentence_en if in_english() else f.sentence_zh for f in failures]
        raise ValidationError(
            _("未通过资格审查，不能批准：%(reasons)s") % {"reasons": list_separator().join(sentences)}
        )
    parsed = current.batch.parsed_rules()
    unit = checks.quota_unit_of(current.applicant, parsed)
    held = [
        pilot.authority.name
        for pilot in Pilot.objects.filter(batch_id=current.batch_id).select_related("authority")
        if checks.quota_unit_of(pilot.authority, parsed) == unit
    ]
    quota = checks.quota_for(current.applicant, parsed)
    if len(held) >= quota:
        raise ValidationError(
            _("所在省份本批次的 %(quota)s 个名额已由%(holders)s占用，不能再批准")
            % {"quota": quota, "holders": list_separator().join(held)}
        )


@transaction.atomic
def application_approve(*, actor: Actor, application: Application, award_yuan: Any = None) -> Pilot:
    """Approve an application under review: the pilot with its period (from today, Asia/Shanghai), targets
    and central award (the amount requested unless staff set another), and its allocation into the
    retrofit and service-capacity envelopes under the batch's rules. The row lock of the transition makes a
    second approval, even at the same moment, find the application approved and refuse."""
    award = _decimal("award_requested_yuan", award_yuan) if award_yuan not in (None, "") else None
    # The transition first: it locks the application's row and refuses one that is not under review (a
    # second approval says so, not something about the quota); whatever is refused below rolls it back.
    done = run_transition(
        application,
        workflows.APPLICATION_APPROVE,
        actor=actor,
        changes={"decided_at": timezone.now()},
        payload={"rules_version": application.batch.rules_version},
        organization_id=application.applicant_id,
    )
    # The batch's row lock serialises the approvals of one batch, so that the quota count sees every pilot
    # already approved, even one approved at the same moment by another member of staff.
    Batch.objects.select_for_update().filter(pk=application.batch_id).first()
    _approvable(done)
    parsed = done.batch.parsed_rules()
    award = award if award is not None else done.award_requested_yuan
    if award is None or done.target_share is None or done.target_level is None:
        raise ValidationError(_("申报缺少资金安排或目标，不能批准"))
    split = _split(done, parsed, award)
    starts = timezone.localdate()
    pilot = Pilot(
        application=done,
        batch=done.batch,
        authority=done.applicant,
        starts_on=starts,
        ends_on=_add_months(starts, done.batch.pilot_period_months),
        target_share=done.target_share,
        target_level=done.target_level,
        central_award_yuan=split.award_yuan,
        rules_version=parsed.version,
    )
    pilot.full_clean()
    pilot.save()
    money = Allocation(
        pilot=pilot,
        award_yuan=split.award_yuan,
        retrofit_share=split.retrofit_share,
        service_share=split.service_share,
        retrofit_yuan=split.retrofit_yuan,
        service_yuan=split.service_yuan,
        local_matching_yuan=split.local_matching_yuan,
        total_yuan=split.total_yuan,
        cap_yuan=split.rules.cap_yuan,
        rules_version=parsed.version,
        explanation=[line.to_json() for line in split.explanation],
    )
    money.full_clean()
    money.save()
    _record(actor, done, "pilot.created", {"pilot": pilot.pk, "award_yuan": str(split.award_yuan)})
    _record(
        actor,
        done,
        "allocation.recorded",
        {
            "retrofit_yuan": str(split.retrofit_yuan),
            "service_yuan": str(split.service_yuan),
            "local_matching_yuan": str(split.local_matching_yuan),
            "rules_version": parsed.version,
        },
    )
    tallies.changed(PILOTS)
    return pilot


# ------------------------------------------------------------------------------------------ batch decisions

DECISIONS = ("approve", "return", "reject")


@dataclass(frozen=True)
class ItemResult:
    """What one batch decision did to one application: done, or refused with the reason."""

    application: Application
    done: bool
    message: str


def applications_decide(
    *, actor: Actor, batch: Batch, application_ids: list[int], decision: str, reason: str = ""
) -> list[ItemResult]:
    """The same decision for several applications of a batch, each on its own (one refusal does not undo
    the others): approval with the amount each requested, return and rejection with the one reason given.
    The result says per application what happened."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": [_("请选择批准、退回补充或不予批准")]})
    if decision != "approve":
        reason = _reason(reason)
    if not application_ids:
        raise ValidationError({"applications": [_("请至少选择一份申报")]})
    rows = (
        Application.objects.filter(batch=batch, pk__in=application_ids)
        .select_related("applicant", "batch__programme")
        .order_by("applicant__name", "pk")
    )
    results: list[ItemResult] = []
    for application in rows:
        try:
            with transaction.atomic():
                if decision == "approve":
                    application_approve(actor=actor, application=application)
                    done = _("已批准，试点已设立")
                elif decision == "return":
                    application_return(actor=actor, application=application, reason=reason)
                    done = _("已退回补充")
                else:
                    application_reject(actor=actor, application=application, reason=reason)
                    done = _("已决定不予批准")
        except ValidationError as error:
            results.append(ItemResult(application, False, list_separator().join(error.messages)))
        else:
            results.append(ItemResult(application, True, str(done)))
    return results


@transaction.atomic
def batch_set_review_method(*, actor: Actor, batch: Batch, method: str) -> Batch:
    """How the batch combines its experts' totals (mean, trimmed mean or median): the programme staff's
    choice, recorded with the values before and after. Rankings read it at once; reviews keep their totals."""
    if method not in ReviewMethod.values:
        raise ValidationError({"method": [_("请选择评审汇总方式")]})
    locked = Batch.objects.select_for_update().get(pk=batch.pk)
    before = locked.review_method
    if before == method:
        return locked
    locked.review_method = method
    locked.save(update_fields=["review_method", "updated_at"])
    record_event(
        actor=actor,
        verb="batch.review_method_changed",
        target=locked,
        payload={"before": before, "after": method},
    )
    return locked
