"""Writes for enterprise and provider profiles (ARCHITECTURE.md convention 1). Each records an event.

Permission checks belong to the caller (views, API, commands ask dengta.registry.permissions first); these
functions check what the data must satisfy whoever writes it: a valid credit code whose region agrees with
the declared region (GB 32100-2015, DOMAIN.md 4.3), no second profile with the same code, an industry code
at class level, plausible numbers, and the size class computed by the current size standard.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dengta.core import tallies
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.core.language import name_separator
from dengta.core.notifications import notify
from dengta.core.problems import Problem
from dengta.core.workflows import run_transition
from dengta.orgs.models import Organization, OrgType
from dengta.orgs.services import organization_create
from dengta.reference.models import Industry, Region, SubIndustry
from dengta.reference.selectors import current_size_rules
from dengta.registry import plausibility, rules, uscc, workflows
from dengta.registry.models import ChangeState, Enterprise, EnterpriseChange, Provider, Tier
from dengta.registry.sizing import size_for
from dengta.registry.tallies import CHANGES, ENTERPRISE_REGIONS, ENTERPRISES
from dengta.registry.text import clean_text, hidden_characters


class DuplicateUscc(ValidationError):
    """The credit code is already registered; ``existing`` is that profile (shown only if the viewer may)."""

    def __init__(self, existing: Enterprise | Provider) -> None:
        self.existing = existing
        super().__init__(
            {
                "uscc": [
                    _("该统一社会信用代码已登记，不能重复登记"),
                ]
            }
        )


def clean_name(name: str) -> str:
    cleaned = clean_text(name or "")
    if not cleaned:
        raise ValidationError({"name": [_("请填写名称")]})
    hidden = hidden_characters(cleaned)
    if hidden:
        raise ValidationError({"name": [hidden_message(hidden)]})
    return cleaned


def hidden_message(codes: list[str]) -> str:
    return _("名称中有看不见的字符或改变文字方向的控制字符（%(codes)s），请删除后重新填写") % {
        "codes": name_separator().join(codes)
    }


def _render(problem: Problem) -> str:
    return problem.render(_)


def _check_uscc(raw: str) -> str:
    checked = uscc.validate(raw)
    if checked.problem is not None:
        raise ValidationError({"uscc": [_render(checked.problem)]})
    return checked.value


def region_paths_near(code: str) -> dict[str, str]:
    """Codes and paths of the regions sharing the first two digits (enough for ``uscc.match_region``)."""
    return dict(Region.objects.filter(code__startswith=code[:2]).values_list("code", "path"))


def check_uscc_region(value: str, region: Region) -> uscc.RegionMatch:
    """Raise a ValidationError on the region field when the code's region is not on the declared line."""
    match = uscc.match_region(
        value,
        declared_code=region.code,
        declared_path=region.path,
        paths=region_paths_near(uscc.region_code(value)),
    )
    if match.problem is not None:
        raise ValidationError({"region": [_render(match.problem)]})
    return match


def check_industry(industry: Industry) -> None:
    problem = rules.industry_level_problem(industry.code, industry.level)
    if problem is not None:
        raise ValidationError({"industry": [_render(problem)]})


def _parsed_numbers(
    employees: Any, revenue_10k_yuan: Any, assets_10k_yuan: Any
) -> tuple[int, Decimal, Decimal]:
    errors: dict[str, list[str]] = {}
    parsed_employees = rules.parse_employees(employees)
    parsed_revenue = rules.parse_amount_10k(revenue_10k_yuan, kind="revenue")
    parsed_assets = rules.parse_amount_10k(assets_10k_yuan, kind="assets")
    for field, value in (
        ("employees", parsed_employees),
        ("revenue_10k_yuan", parsed_revenue),
        ("assets_10k_yuan", parsed_assets),
    ):
        if isinstance(value, Problem):
            errors[field] = [_render(value)]
    if errors:
        raise ValidationError(errors)
    assert isinstance(parsed_employees, int)
    assert isinstance(parsed_revenue, Decimal) and isinstance(parsed_assets, Decimal)
    return parsed_employees, rules.yuan_from_10k(parsed_revenue), rules.yuan_from_10k(parsed_assets)


def _check_tier(tier: str) -> str:
    if tier in Tier.values:
        return tier
    parsed = rules.parse_tier(tier)
    if isinstance(parsed, Problem):
        raise ValidationError({"tier": [_render(parsed)]})
    return parsed


def _find_duplicate(value: str, exclude_pk: int | None = None) -> Enterprise | None:
    qs = Enterprise.objects.select_related("region").filter(uscc=value)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


@transaction.atomic
def enterprise_register(
    *,
    actor: Actor,
    uscc: str,
    name: str,
    region: Region,
    industry: Industry,
    employees: Any,
    revenue_10k_yuan: Any,
    assets_10k_yuan: Any,
    tier: str = "",
    address: str = "",
    figures_checked: bool = False,
) -> Enterprise:
    """Create the enterprise's organisation (same name and region) and its profile, size computed.
    Figures that raise plausibility warnings need ``figures_checked`` (dengta.registry.plausibility)."""
    code = _check_uscc(uscc)
    existing = _find_duplicate(code)
    if existing is not None:
        raise DuplicateUscc(existing)
    match = check_uscc_region(code, region)
    check_industry(industry)
    staff, revenue, total_assets = _parsed_numbers(employees, revenue_10k_yuan, assets_10k_yuan)
    tier_value = _check_tier(tier)
    display_name = clean_name(name)
    warnings = figures_warnings(
        industry=industry, employees=staff, revenue=revenue, total_assets=total_assets, previous=None
    )
    _require_checked(warnings, figures_checked)
    org = organization_create(actor=actor, name=display_name, type=OrgType.ENTERPRISE, region=region)
    enterprise = Enterprise(
        organization=org,
        uscc=code,
        name=display_name,
        address=address.strip(),
        region=region,
        industry=industry,
        employees=staff,
        revenue=revenue,
        total_assets=total_assets,
        tier=tier_value,
    )
    _classify(enterprise)
    enterprise.full_clean()
    enterprise.save()
    tallies.changed(ENTERPRISES)
    payload = {
        **_snapshot(enterprise),
        "region_note": match.note.render() if match.note else "",
        "warnings": [w.code for w in warnings],
    }
    record_event(
        actor=actor,
        verb="enterprise.registered",
        target=enterprise,
        organization_id=org.pk,
        scope_path=region.path,
        payload=payload,
    )
    return enterprise


def _classify(enterprise: Enterprise) -> None:
    """Size class, 规上, sector and explanation by the current standard (工信部联企业〔2011〕300号)."""
    fields = size_for(
        current_size_rules(),
        industry_code=enterprise.industry_id,
        employees=enterprise.employees,
        revenue=enterprise.revenue,
        total_assets=enterprise.total_assets,
    )
    for field, value in fields.as_model_fields().items():
        setattr(enterprise, field, value)


def _snapshot(enterprise: Enterprise) -> dict[str, Any]:
    """What an event records about a profile: the registered facts and the size computed from them."""
    return {
        "uscc": enterprise.uscc,
        "region": enterprise.region_id,
        "industry": enterprise.industry_id,
        "employees": enterprise.employees,
        "revenue": str(enterprise.revenue),
        "total_assets": str(enterprise.total_assets),
        "tier": enterprise.tier,
        "size_class": enterprise.size_class,
        "above_designated_size": enterprise.is_above_designated_size,
        "size_standard_version": enterprise.size_standard_version,
    }


_UNCHANGED: Any = object()
_TRACKED = ("name", "address", "region_id", "industry_id", "employees", "revenue", "total_assets", "tier")


@transaction.atomic
def enterprise_update(
    *,
    actor: Actor,
    enterprise: Enterprise,
    name: str = _UNCHANGED,
    address: str = _UNCHANGED,
    region: Region = _UNCHANGED,
    industry: Industry = _UNCHANGED,
    employees: Any = _UNCHANGED,
    revenue_10k_yuan: Any = _UNCHANGED,
    assets_10k_yuan: Any = _UNCHANGED,
    tier: str = _UNCHANGED,
    figures_checked: bool = False,
) -> Enterprise:
    """Change a profile and compute the size again. The credit code cannot change (it identifies the
    enterprise; a new code means a new legal entity); arguments left out stay as they are.

    This applies at once: it is the path of the authorities (who are the reviewers) and of the enterprise's
    name and address. An enterprise's own classification-relevant fields go through
    ``enterprise_change_submit``. Changed figures that raise plausibility warnings need ``figures_checked``.
    """
    locked = (
        Enterprise.objects.select_for_update().select_related("organization", "region").get(pk=enterprise.pk)
    )
    before = {f: getattr(locked, f) for f in _TRACKED}
    counted_before = _counted(locked)
    _apply_changes(
        locked,
        name=name,
        address=address,
        region=region,
        industry=industry,
        employees=employees,
        revenue_10k_yuan=revenue_10k_yuan,
        assets_10k_yuan=assets_10k_yuan,
        tier=tier,
    )
    after = {f: getattr(locked, f) for f in _TRACKED}
    changes = {f: [_plain(before[f]), _plain(after[f])] for f in _TRACKED if before[f] != after[f]}
    if not changes:
        return locked
    warnings: list[plausibility.PlausibilityWarning] = []
    if {"industry_id", "employees", "revenue", "total_assets"} & set(changes):
        previous = Enterprise.objects.get(pk=locked.pk)
        warnings = figures_warnings(
            industry=locked.industry,
            employees=locked.employees,
            revenue=locked.revenue,
            total_assets=locked.total_assets,
            previous=previous,
        )
        _require_checked(warnings, figures_checked)
    _classify(locked)
    locked.full_clean()
    locked.save()
    _report_change(counted_before, locked)
    _sync_organization(locked)
    record_event(
        actor=actor,
        verb="enterprise.updated",
        target=locked,
        organization_id=locked.organization_id,
        scope_path=locked.region.path,
        payload={
            "changes": changes,
            "size_class": locked.size_class,
            "above_designated_size": locked.is_above_designated_size,
            "size_standard_version": locked.size_standard_version,
            "warnings": [w.code for w in warnings],
        },
    )
    return locked


def _counted(enterprise: Enterprise) -> tuple[str, str, bool]:
    """What the per-region tallies count an enterprise by (dengta.registry.tallies)."""
    return enterprise.region_id, enterprise.size_class, enterprise.is_above_designated_size


def _report_change(counted_before: tuple[str, str, bool], enterprise: Enterprise) -> None:
    """Mark the tallies for refreshing when the change moves the enterprise to another region or class."""
    after = _counted(enterprise)
    if after == counted_before:
        return
    tallies.changed(ENTERPRISES)
    if after[0] != counted_before[0]:
        tallies.changed(ENTERPRISE_REGIONS)


def _apply_changes(locked: Enterprise, **changes: Any) -> None:
    """Set the given fields (those not ``_UNCHANGED``) after checking them as registration does."""
    if changes["name"] is not _UNCHANGED:
        locked.name = clean_name(changes["name"])
    if changes["address"] is not _UNCHANGED:
        locked.address = changes["address"].strip()
    region = changes["region"]
    if region is not _UNCHANGED and region.pk != locked.region_id:
        check_uscc_region(locked.uscc, region)
        locked.region = region
    if changes["industry"] is not _UNCHANGED:
        check_industry(changes["industry"])
        locked.industry = changes["industry"]

    def current(key: str, value: Any) -> Any:
        return value if changes[key] is _UNCHANGED else changes[key]

    locked.employees, locked.revenue, locked.total_assets = _parsed_numbers(
        current("employees", locked.employees),
        current("revenue_10k_yuan", rules.ten_k_from_yuan(locked.revenue)),
        current("assets_10k_yuan", rules.ten_k_from_yuan(locked.total_assets)),
    )
    if changes["tier"] is not _UNCHANGED:
        locked.tier = _check_tier(changes["tier"])


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _sync_organization(enterprise: Enterprise) -> None:
    """The enterprise's organisation carries the same name and region (jurisdiction follows the region)."""
    org: Organization = enterprise.organization
    if org.name != enterprise.name or org.region_id != enterprise.region_id:
        org.name = enterprise.name
        org.region = enterprise.region
        org.full_clean()
        org.save(update_fields=["name", "region", "updated_at"])


@transaction.atomic
def provider_register(
    *,
    actor: Actor,
    uscc: str,
    name: str,
    region: Region,
    kind: str = "scenario",
    website: str = "",
    sub_industries: Iterable[SubIndustry] = (),
) -> Provider:
    """Create a service provider's organisation and profile (admission to a pool is the catalogue's job)."""
    code = _check_uscc(uscc)
    existing = Provider.objects.select_related("organization__region").filter(uscc=code).first()
    if existing is not None:
        raise DuplicateUscc(existing)
    check_uscc_region(code, region)
    display_name = clean_name(name)
    org = organization_create(actor=actor, name=display_name, type=OrgType.PROVIDER, region=region)
    provider = Provider(organization=org, uscc=code, kind_id=kind, website=website.strip())
    provider.full_clean()
    provider.save()
    chosen = list(sub_industries)
    if chosen:
        provider.sub_industries.set(chosen)
    record_event(
        actor=actor,
        verb="provider.registered",
        target=provider,
        organization_id=org.pk,
        scope_path=region.path,
        payload={
            "uscc": code,
            "region": region.code,
            "kind": kind,
            "sub_industries": sorted(s.pk for s in chosen),
        },
    )
    return provider


# ------------------------------------------------------------------------------------ plausibility warnings


class FiguresUnchecked(ValidationError):
    """The figures raise plausibility warnings the person has not yet said they checked.

    Not a refusal: the same figures go through once ``figures_checked`` is given (the form's box "我已核对
    这些数据", the API's ``figures_checked: true``). ``warnings`` are shown beside the form and kept.
    """

    def __init__(self, warnings: list[plausibility.PlausibilityWarning]) -> None:
        self.warnings = warnings
        super().__init__(
            {
                "figures_checked": [
                    _("这些数据有需要核对的地方：请核对下列提示，确认无误后勾选“我已核对这些数据”再提交")
                ]
            }
        )


def figures_warnings(
    *,
    industry: Industry,
    employees: int,
    revenue: Decimal,
    total_assets: Decimal,
    previous: Enterprise | None,
) -> list[plausibility.PlausibilityWarning]:
    """Plausibility warnings for figures (yuan) in a sector, and against ``previous``'s confirmed figures."""
    sector, _mapping = current_size_rules().sector_for_code(industry.pk)
    before = None
    if previous is not None:
        before = plausibility.Figures(previous.employees, previous.revenue, previous.total_assets, sector.key)
    return plausibility.check(plausibility.Figures(employees, revenue, total_assets, sector.key), before)


def _require_checked(warnings: list[plausibility.PlausibilityWarning], figures_checked: bool) -> None:
    if warnings and not figures_checked:
        raise FiguresUnchecked(warnings)


# ------------------------------------------------------------------ changes an enterprise proposes to itself

# What an enterprise may not change about itself without its authority confirming it (docs/registry.md):
# the figures and codes its size class, 规上 flag and programme priority are computed from. Its name and
# address stay directly editable (the credit code identifies it); its region only the authority changes.
CLASSIFICATION_FIELDS = ("industry", "employees", "revenue", "total_assets", "tier")


def _official(enterprise: Enterprise) -> dict[str, Any]:
    return {
        "industry": enterprise.industry,
        "employees": enterprise.employees,
        "revenue": enterprise.revenue,
        "total_assets": enterprise.total_assets,
        "tier": enterprise.tier,
    }


def _plain_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.pk if isinstance(v, Industry) else _plain(v)) for k, v in values.items()}


def _wanted(locked: Enterprise, pending: EnterpriseChange | None, given: dict[str, Any]) -> dict[str, Any]:
    """What the enterprise wants now: its official values, its pending proposal over them, the new input
    over both (so a partial API PATCH adds to the pending proposal instead of dropping part of it)."""
    wanted = _official(locked)
    if pending is not None:
        wanted.update(pending.proposed())
    if given["industry"] is not _UNCHANGED:
        check_industry(given["industry"])
        wanted["industry"] = given["industry"]
    wanted["employees"], wanted["revenue"], wanted["total_assets"] = _parsed_numbers(
        wanted["employees"] if given["employees"] is _UNCHANGED else given["employees"],
        rules.ten_k_from_yuan(wanted["revenue"])
        if given["revenue_10k_yuan"] is _UNCHANGED
        else given["revenue_10k_yuan"],
        rules.ten_k_from_yuan(wanted["total_assets"])
        if given["assets_10k_yuan"] is _UNCHANGED
        else given["assets_10k_yuan"],
    )
    if given["tier"] is not _UNCHANGED:
        wanted["tier"] = _check_tier(given["tier"])
    return wanted


@transaction.atomic
def enterprise_change_submit(
    *,
    actor: Actor,
    enterprise: Enterprise,
    industry: Industry = _UNCHANGED,
    employees: Any = _UNCHANGED,
    revenue_10k_yuan: Any = _UNCHANGED,
    assets_10k_yuan: Any = _UNCHANGED,
    tier: str = _UNCHANGED,
    figures_checked: bool = False,
) -> EnterpriseChange | None:
    """Propose new classification-relevant values; the official ones stay until the authority decides.

    One pending change per enterprise: a newer submission replaces (supersedes) the pending one, so the
    authority reviews what the enterprise wants now and the enterprise can correct a typo without waiting
    for a rejection. Values equal to the official ones are not part of the change; when nothing differs any
    more, the pending change is superseded and None returned. Returns the pending change.
    """
    locked = (
        Enterprise.objects.select_for_update().select_related("organization", "region").get(pk=enterprise.pk)
    )
    pending = (
        EnterpriseChange.objects.select_for_update()
        .filter(enterprise=locked, state=ChangeState.PENDING)
        .first()
    )
    given = {
        "industry": industry,
        "employees": employees,
        "revenue_10k_yuan": revenue_10k_yuan,
        "assets_10k_yuan": assets_10k_yuan,
        "tier": tier,
    }
    wanted = _wanted(locked, pending, given)
    official = _official(locked)
    proposal = {k: v for k, v in wanted.items() if v != official[k]}
    if pending is not None and proposal == pending.proposed():
        return pending
    if not proposal and pending is None:
        return None
    warnings = figures_warnings(
        industry=wanted["industry"],
        employees=wanted["employees"],
        revenue=wanted["revenue"],
        total_assets=wanted["total_assets"],
        previous=locked,
    )
    _require_checked(warnings, figures_checked)
    where: dict[str, Any] = {"organization_id": locked.organization_id, "scope_path": locked.region.path}
    if (pending is not None) != bool(proposal):
        # The queue grows by a first proposal or shrinks by one withdrawn (dengta.registry.tallies); a
        # proposal replacing the pending one leaves its length as it was.
        tallies.changed(CHANGES)
    if pending is not None:
        run_transition(pending, workflows.SUPERSEDE, actor=actor, payload={"enterprise": locked.pk}, **where)
    if not proposal:
        return None
    change = EnterpriseChange(
        enterprise=locked,
        previous=_snapshot(locked),
        warnings=[w.as_dict() for w in warnings],
        figures_checked=bool(warnings) and figures_checked,
        submitted_by_id=actor_id(actor),
        submitted_at=timezone.now(),
        **proposal,
    )
    change.full_clean()
    change.save()
    record_event(
        actor=actor,
        verb="enterprise_change.submitted",
        target=change,
        payload={
            "enterprise": locked.pk,
            "proposed": _plain_values(proposal),
            "previous": _plain_values({k: official[k] for k in proposal}),
            "warnings": [w.code for w in warnings],
            "replaces": pending.pk if pending is not None else None,
        },
        **where,
    )
    reviewer = reviewing_authority(locked)
    if reviewer is not None:
        notify(
            organization_id=reviewer.pk,
            verb="enterprise_change.submitted",
            message=gettext_noop("%(enterprise)s 提交了企业信息变更，待您确认"),
            params={"enterprise": locked.name},
            url=reverse("registry:change_detail", args=[change.pk]),
        )
    return change


def reviewing_authority(enterprise: Enterprise) -> Organization | None:
    """The authority nearest to the enterprise (district, else city, else province): the one its changes
    reach first. Others in whose jurisdiction it lies see the change in their queue too."""
    parts = enterprise.region.path.strip("/").split("/")
    paths = ["/".join(parts[: n + 1]) + "/" for n in range(len(parts))]
    return (
        Organization.objects.filter(type=OrgType.AUTHORITY, is_active=True, region__path__in=paths)
        .order_by("-region__level", "pk")
        .first()
    )


@transaction.atomic
def enterprise_self_update(
    *,
    actor: Actor,
    enterprise: Enterprise,
    name: str = _UNCHANGED,
    address: str = _UNCHANGED,
    industry: Industry = _UNCHANGED,
    employees: Any = _UNCHANGED,
    revenue_10k_yuan: Any = _UNCHANGED,
    assets_10k_yuan: Any = _UNCHANGED,
    tier: str = _UNCHANGED,
    figures_checked: bool = False,
) -> tuple[Enterprise, EnterpriseChange | None]:
    """An enterprise's own edit of its profile: name and address apply at once, the classification-relevant
    fields become a pending change (``enterprise_change_submit``). Either both happen or neither."""
    change = enterprise_change_submit(
        actor=actor,
        enterprise=enterprise,
        industry=industry,
        employees=employees,
        revenue_10k_yuan=revenue_10k_yuan,
        assets_10k_yuan=assets_10k_yuan,
        tier=tier,
        figures_checked=figures_checked,
    )
    updated = enterprise_update(actor=actor, enterprise=enterprise, name=name, address=address)
    return updated, change


@transaction.atomic
def enterprise_change_confirm(*, actor: Actor, change: EnterpriseChange) -> EnterpriseChange:
    """Apply the proposed values to the enterprise, compute its size class and 规上 again with the current
    standard, and record both the previous and the new values (and the sizes) in the event."""
    locked = (
        Enterprise.objects.select_for_update()
        .select_related("organization", "region")
        .get(pk=change.enterprise_id)
    )
    before = {f: getattr(locked, f) for f in _TRACKED}
    size_before = (locked.size_class, locked.is_above_designated_size, locked.size_standard_version)
    counted_before = _counted(locked)
    current = EnterpriseChange.objects.get(pk=change.pk)
    for name, value in current.proposed().items():
        setattr(locked, name, value)
    after = {f: getattr(locked, f) for f in _TRACKED}
    _classify(locked)
    locked.full_clean()
    decided = run_transition(
        current,
        workflows.CONFIRM,
        actor=actor,
        changes={"decided_by": actor, "decided_at": timezone.now()},
        payload={
            "enterprise": locked.pk,
            "changes": {f: [_plain(before[f]), _plain(after[f])] for f in _TRACKED if before[f] != after[f]},
            "size_class": [size_before[0], locked.size_class],
            "above_designated_size": [size_before[1], locked.is_above_designated_size],
            "size_standard_version": [size_before[2], locked.size_standard_version],
        },
        organization_id=locked.organization_id,
        scope_path=locked.region.path,
    )
    locked.save()
    _report_change(counted_before, locked)
    tallies.changed(CHANGES)  # one change fewer in the queue
    notify(
        organization_id=locked.organization_id,
        verb=workflows.CONFIRM.verb,
        message=gettext_noop("主管部门已确认本企业提交的信息变更，新数据已生效"),
        url=reverse("registry:change_detail", args=[decided.pk]),
    )
    return decided


@transaction.atomic
def enterprise_change_reject(*, actor: Actor, change: EnterpriseChange, reason: str) -> EnterpriseChange:
    """Refuse the proposed values with a reason the enterprise sees; its official figures do not change."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": [_("退回时必须填写理由，企业会看到这段说明")]})
    enterprise = Enterprise.objects.select_related("region").get(pk=change.enterprise_id)
    decided = run_transition(
        change,
        workflows.REJECT,
        actor=actor,
        changes={"decided_by": actor, "decided_at": timezone.now(), "reason": text},
        payload={"enterprise": enterprise.pk, "reason": text},
        organization_id=enterprise.organization_id,
        scope_path=enterprise.region.path,
    )
    tallies.changed(CHANGES)  # one change fewer in the queue
    notify(
        organization_id=enterprise.organization_id,
        verb=workflows.REJECT.verb,
        message=gettext_noop("主管部门退回了本企业提交的信息变更，理由：%(reason)s"),
        params={"reason": text[:200]},
        url=reverse("registry:change_detail", args=[decided.pk]),
    )
    return decided
