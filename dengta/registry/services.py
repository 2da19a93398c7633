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
from django.utils.translation import gettext as _

from dengta.core.events import record_event
from dengta.orgs.models import Organization, OrgType
from dengta.orgs.services import organization_create
from dengta.reference.models import Industry, Region, SubIndustry
from dengta.reference.selectors import current_size_rules
from dengta.registry import rules, uscc
from dengta.registry.models import Enterprise, Provider, Tier
from dengta.registry.problems import Problem
from dengta.registry.sizing import size_for
from dengta.registry.text import clean_text


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
    return cleaned


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
    actor: Any,
    uscc: str,
    name: str,
    region: Region,
    industry: Industry,
    employees: Any,
    revenue_10k_yuan: Any,
    assets_10k_yuan: Any,
    tier: str = "",
    address: str = "",
) -> Enterprise:
    """Create the enterprise's organisation (same name and region) and its profile, size computed."""
    code = _check_uscc(uscc)
    existing = _find_duplicate(code)
    if existing is not None:
        raise DuplicateUscc(existing)
    match = check_uscc_region(code, region)
    check_industry(industry)
    staff, revenue, total_assets = _parsed_numbers(employees, revenue_10k_yuan, assets_10k_yuan)
    tier_value = _check_tier(tier)
    display_name = clean_name(name)
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
    payload = {**_snapshot(enterprise), "region_note": match.note.render() if match.note else ""}
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
    actor: Any,
    enterprise: Enterprise,
    name: str = _UNCHANGED,
    address: str = _UNCHANGED,
    region: Region = _UNCHANGED,
    industry: Industry = _UNCHANGED,
    employees: Any = _UNCHANGED,
    revenue_10k_yuan: Any = _UNCHANGED,
    assets_10k_yuan: Any = _UNCHANGED,
    tier: str = _UNCHANGED,
) -> Enterprise:
    """Change a profile and compute the size again. The credit code cannot change (it identifies the
    enterprise; a new code means a new legal entity); arguments left out stay as they are."""
    locked = (
        Enterprise.objects.select_for_update().select_related("organization", "region").get(pk=enterprise.pk)
    )
    before = {f: getattr(locked, f) for f in _TRACKED}
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
    _classify(locked)
    locked.full_clean()
    locked.save()
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
        },
    )
    return locked


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
    actor: Any,
    uscc: str,
    name: str,
    region: Region,
    kind: str = Provider.Kind.SCENARIO,
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
    provider = Provider(organization=org, uscc=code, kind=kind, website=website.strip())
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
