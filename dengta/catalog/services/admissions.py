"""Pools and admission to them (服务商入库, DOMAIN.md 2.7, 9.2): writes, each with an event.

Permission checks belong to the caller (dengta.catalog.permissions); these functions check what the data
must satisfy whoever writes it: one application per provider per pool (a pool is one period), the pool's
accepted kinds, enough enterprise references, a reason for every refusal or return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dengta.catalog import workflows
from dengta.catalog.models import Admission, AdmissionOpinion, AdmissionState, Pool
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.core.language import name_separator
from dengta.core.notifications import notify
from dengta.core.workflows import run_transition
from dengta.orgs.models import Organization
from dengta.reference.models import SubIndustry
from dengta.registry.models import Provider, ProviderKind
from dengta.registry.text import clean_text

MAX_REFERENCES = 50


def _scope(pool: Pool) -> str:
    region = pool.owner.region
    return region.path if region is not None else ""


KIND_FIELDS = ("name", "name_en", "description", "description_en", "order", "is_active")


@transaction.atomic
def provider_kind_update(*, actor: Actor, kind: ProviderKind, **changes: Any) -> ProviderKind:
    """Edit a kind's names, description, order or whether new applications may choose it (the codes stay:
    providers and pools refer to them)."""
    locked = ProviderKind.objects.select_for_update().get(pk=kind.pk)
    before = {name: getattr(locked, name) for name in KIND_FIELDS}
    for name, value in changes.items():
        if name in KIND_FIELDS:
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
    if not locked.name:
        raise ValidationError({"name": [_("请填写名称")]})
    locked.full_clean()
    locked.save()
    after = {name: getattr(locked, name) for name in KIND_FIELDS}
    record_event(
        actor=actor,
        verb="provider_kind.updated",
        target=locked,
        payload={
            "before": {k: str(v) for k, v in before.items()},
            "after": {k: str(v) for k, v in after.items()},
        },
    )
    return locked


@transaction.atomic
def pool_create(
    *,
    actor: Actor,
    owner: Organization,
    name: str,
    period: int,
    description: str = "",
    kinds: Iterable[ProviderKind] = (),
    min_references: int = 3,
    expert_review: bool = False,
    is_open: bool = True,
) -> Pool:
    pool = Pool(
        owner=owner,
        name=clean_text(name),
        period=period,
        description=description.strip(),
        min_references=min_references,
        expert_review=expert_review,
        is_open=is_open,
    )
    if Pool.objects.filter(owner=owner, period=period, name=pool.name).exists():
        raise ValidationError({"name": [_("本单位同一年度已有同名的服务商库")]})
    pool.full_clean()
    pool.save()
    chosen = list(kinds)
    pool.kinds.set(chosen)
    record_event(
        actor=actor,
        verb="pool.created",
        target=pool,
        organization_id=owner.pk,
        scope_path=_scope(pool),
        payload={"period": period, "kinds": sorted(k.code for k in chosen), "min_references": min_references},
    )
    return pool


@transaction.atomic
def pool_update(*, actor: Actor, pool: Pool, **changes: Any) -> Pool:
    locked = Pool.objects.select_for_update().get(pk=pool.pk)
    kinds = changes.pop("kinds", None)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if kinds is not None:
        locked.kinds.set(list(kinds))
    record_event(
        actor=actor,
        verb="pool.updated",
        target=locked,
        organization_id=locked.owner_id,
        scope_path=_scope(locked),
        payload={k: str(v) for k, v in changes.items()},
    )
    return locked


# ------------------------------------------------------------------------------------------ references


def clean_references(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """References as entered: each needs an enterprise name and what was delivered; a year, if given, is a
    plausible one; the same enterprise twice counts once (and is refused, so the count is honest)."""
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    errors: list[str] = []
    this_year = timezone.localdate().year
    for number, row in enumerate(rows, start=1):
        enterprise = clean_text(str(row.get("enterprise", "")))
        project = clean_text(str(row.get("project", "")))
        if not enterprise and not project:
            continue
        if not enterprise or not project:
            errors.append(_("第 %(n)s 个案例：请同时填写企业名称和服务内容") % {"n": number})
            continue
        year_raw = str(row.get("year", "")).strip()
        year: int | None = None
        if year_raw:
            if not year_raw.isdigit() or not 2000 <= int(year_raw) <= this_year:
                errors.append(
                    _("第 %(n)s 个案例：年份应为 2000 到 %(year)s 之间的四位数字")
                    % {"n": number, "year": this_year}
                )
                continue
            year = int(year_raw)
        key = enterprise.casefold()
        if key in seen:
            errors.append(
                _("第 %(n)s 个案例：企业“%(name)s”重复，同一企业只算一个案例")
                % {"n": number, "name": enterprise}
            )
            continue
        seen.add(key)
        cleaned.append(
            {
                "enterprise": enterprise,
                "project": project,
                "year": year,
                "contact": clean_text(str(row.get("contact", ""))),
            }
        )
    if len(cleaned) > MAX_REFERENCES:
        errors.append(_("企业案例最多填写 %(n)s 个") % {"n": MAX_REFERENCES})
    if errors:
        raise ValidationError({"references": errors})
    return cleaned


# ------------------------------------------------------------------------------------------ applications


APPLICATION_FIELDS = (
    "qualifications",
    "capacity",
    "revenue_yuan",
    "net_assets_yuan",
    "security_certification",
    "security_valid_until",
)


def _apply_fields(admission: Admission, data: dict[str, Any]) -> None:
    for name in APPLICATION_FIELDS:
        if name in data:
            value = data[name]
            setattr(admission, name, value.strip() if isinstance(value, str) else value)
    if "kind" in data:
        admission.kind = data["kind"]
    if "references" in data:
        admission.references = clean_references(data["references"])
    if "scenarios" in data:
        admission.scenarios = sorted(set(data["scenarios"]))


def _check_kind(pool: Pool, kind: ProviderKind) -> None:
    accepted = list(pool.kinds.all())
    if accepted and kind not in accepted:
        names = name_separator().join(k.display_name for k in accepted)
        raise ValidationError({"kind": [_("该服务商库只接受以下类型：%(kinds)s") % {"kinds": names}]})


@transaction.atomic
def admission_create(
    *,
    actor: Actor,
    pool: Pool,
    provider: Provider,
    kind: ProviderKind,
    sub_industries: Iterable[SubIndustry] = (),
    **data: Any,
) -> Admission:
    """A draft application. The provider completes it and submits it; a second one to the same pool is
    refused with a reason (the pool is one period)."""
    if not pool.is_open:
        raise ValidationError(_("该服务商库目前不接受申请"))
    previous = Admission.objects.filter(pool=pool, provider=provider).first()
    if previous is not None:
        raise ValidationError(
            _("本机构已向该服务商库（%(period)s 年度）提交过申请（%(state)s），同一年度不能重复申请")
            % {"period": pool.period, "state": previous.get_state_display()}
        )
    _check_kind(pool, kind)
    admission = Admission(pool=pool, provider=provider, kind=kind)
    _apply_fields(admission, data)
    admission.full_clean()
    try:
        with transaction.atomic():
            admission.save()
    except IntegrityError as exc:  # a second request racing the first
        raise ValidationError(_("本机构已向该服务商库提交过申请，同一年度不能重复申请")) from exc
    admission.sub_industries.set(list(sub_industries))
    record_event(
        actor=actor,
        verb="admission.created",
        target=admission,
        organization_id=provider.organization_id,
        scope_path=_scope(pool),
        payload={"pool": pool.pk, "kind": kind.code},
    )
    return admission


@transaction.atomic
def admission_update(
    *, actor: Actor, admission: Admission, sub_industries: Iterable[SubIndustry] | None = None, **data: Any
) -> Admission:
    locked = Admission.objects.select_for_update(of=("self",)).select_related("pool").get(pk=admission.pk)
    if locked.state not in (AdmissionState.DRAFT, AdmissionState.RETURNED):
        raise ValidationError(_("申请已提交，审核结束前不能修改"))
    _apply_fields(locked, data)
    _check_kind(locked.pool, locked.kind)
    locked.full_clean()
    locked.save()
    if sub_industries is not None:
        locked.sub_industries.set(list(sub_industries))
    record_event(
        actor=actor,
        verb="admission.updated",
        target=locked,
        organization_id=locked.provider.organization_id,
        scope_path=_scope(locked.pool),
        payload={"fields": sorted(data)},
    )
    return locked


def completeness(admission: Admission) -> list[str]:
    """What an application still lacks before it can be submitted, as sentences for the checklist."""
    missing: list[str] = []
    if not admission.qualifications.strip():
        missing.append(_("请填写资质情况"))
    if not admission.sub_industries.exists():
        missing.append(_("请选择至少一个服务细分行业"))
    if not admission.scenarios:
        missing.append(_("请选择至少一个服务场景"))
    if admission.capacity < 1:
        missing.append(_("请填写可同时承接的项目数（至少 1 个）"))
    need = admission.pool.min_references
    have = len(admission.references or [])
    if have < need:
        missing.append(
            _("该服务商库要求至少 %(need)s 个企业案例，目前填写了 %(have)s 个") % {"need": need, "have": have}
        )
    if admission.revenue_yuan is None or admission.net_assets_yuan is None:
        missing.append(_("请填写上年营业收入和净资产"))
    if admission.security_certification and admission.security_valid_until is None:
        missing.append(_("请填写网络安全认证的有效期"))
    if admission.security_valid_until is not None and admission.security_valid_until < timezone.localdate():
        missing.append(_("网络安全认证已过有效期"))
    return missing


def _notify_owner(admission: Admission, verb: str, message: str) -> None:
    notify(
        organization_id=admission.pool.owner_id,
        verb=verb,
        message=message,
        params={"provider": str(admission.provider), "pool": str(admission.pool)},
        url=reverse("catalog:admission_detail", args=[admission.pk]),
    )


def _notify_provider(admission: Admission, verb: str, message: str) -> None:
    notify(
        organization_id=admission.provider.organization_id,
        verb=verb,
        message=message,
        params={"pool": str(admission.pool)},
        url=reverse("catalog:admission_detail", args=[admission.pk]),
    )


@transaction.atomic
def admission_submit(*, actor: Actor, admission: Admission) -> Admission:
    missing = completeness(admission)
    if missing:
        raise ValidationError(missing)
    if not admission.pool.is_open:
        raise ValidationError(_("该服务商库目前不接受申请"))
    done = run_transition(
        admission,
        workflows.ADMISSION_SUBMIT,
        actor=actor,
        changes={"submitted_at": timezone.now()},
        organization_id=admission.provider.organization_id,
        scope_path=_scope(admission.pool),
    )
    _notify_owner(done, "admission.submitted", gettext_noop("服务商 %(provider)s 向 %(pool)s 提交了入库申请"))
    return done


@transaction.atomic
def admission_start_review(*, actor: Actor, admission: Admission) -> Admission:
    return run_transition(
        admission,
        workflows.ADMISSION_START_REVIEW,
        actor=actor,
        organization_id=admission.pool.owner_id,
        scope_path=_scope(admission.pool),
    )


def _reason(reason: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationError({"reason": [_("请填写理由，服务商会看到这段说明")]})
    return cleaned


@transaction.atomic
def admission_decide(*, actor: Actor, admission: Admission, decision: str, reason: str = "") -> Admission:
    """admit, return (for information) or refuse; return and refuse need a reason the provider sees."""
    transitions = {
        "admit": workflows.ADMISSION_ADMIT,
        "return": workflows.ADMISSION_RETURN,
        "refuse": workflows.ADMISSION_REFUSE,
    }
    if decision not in transitions:
        raise ValidationError(_("未知的审核决定"))
    text = reason.strip() if decision == "admit" else _reason(reason)
    if decision == "admit" and admission.state == AdmissionState.SUBMITTED:
        admission = admission_start_review(actor=actor, admission=admission)
    done = run_transition(
        admission,
        transitions[decision],
        actor=actor,
        changes={"reason": text, "decided_at": timezone.now(), "decided_by_id": actor_id(actor)},
        payload={"reason": text},
        organization_id=admission.pool.owner_id,
        scope_path=_scope(admission.pool),
    )
    messages = {
        "admit": gettext_noop("您向 %(pool)s 提交的入库申请已通过"),
        "return": gettext_noop("您向 %(pool)s 提交的入库申请被退回补充，请查看意见"),
        "refuse": gettext_noop("您向 %(pool)s 提交的入库申请未通过，请查看意见"),
    }
    _notify_provider(done, f"admission.{done.state}", messages[decision])
    return done


@transaction.atomic
def admission_withdraw(*, actor: Actor, admission: Admission) -> Admission:
    return run_transition(
        admission,
        workflows.ADMISSION_WITHDRAW,
        actor=actor,
        organization_id=admission.provider.organization_id,
        scope_path=_scope(admission.pool),
    )


@transaction.atomic
def admission_opinion(
    *, actor: Actor, admission: Admission, recommend: bool, comment: str
) -> AdmissionOpinion:
    text = (comment or "").strip()
    if not text:
        raise ValidationError({"comment": [_("请填写评审意见")]})
    if AdmissionOpinion.objects.filter(admission=admission, expert_id=actor_id(actor)).exists():
        raise ValidationError(_("您已对这份申请提交过评审意见"))
    opinion = AdmissionOpinion(
        admission=admission, expert_id=actor_id(actor), recommend=recommend, comment=text
    )
    opinion.full_clean()
    opinion.save()
    record_event(
        actor=actor,
        verb="admission.opinion_given",
        target=admission,
        organization_id=admission.pool.owner_id,
        scope_path=_scope(admission.pool),
        payload={"recommend": recommend},
    )
    return opinion


def admitted_capacity(provider: Provider) -> int:
    """The largest capacity the provider declared in a pool it is admitted to (projects at once)."""
    values = Admission.objects.filter(provider=provider, state=AdmissionState.ADMITTED).values_list(
        "capacity", flat=True
    )
    return max(values, default=0)


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def today() -> dt.date:
    return timezone.localdate()
