"""Reads for the registry (ARCHITECTURE.md convention 2). Every query starts from ``visible_to(viewer)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from dengta.core.access import Viewer, region_q
from dengta.core.language import in_english
from dengta.core.models import Event, Job
from dengta.core.search import name_search_q
from dengta.reference.models import Industry, Region
from dengta.registry.models import (
    ChangeState,
    Enterprise,
    EnterpriseChange,
    ImportBatch,
    Provider,
    SizeClass,
    Tier,
)
from dengta.registry.text import compact_code, to_half_width
from dengta.registry.uscc import could_begin_a_code

IMPORT_JOB_KIND = "registry.import_enterprises"
TIER_NONE = "none"  # the filter value for "no tier" (the stored value is the empty string)


@dataclass(frozen=True)
class EnterpriseFilters:
    q: str = ""
    region: str = ""
    industry: str = ""
    focus: str = ""
    size_class: str = ""
    above: str = ""  # "1" 规上, "0" 规下, "" either
    tier: str = ""

    @classmethod
    def from_params(cls, params: Any) -> EnterpriseFilters:
        def get(key: str) -> str:
            return to_half_width(str(params.get(key, "") or "")).strip()

        return cls(
            q=get("q"),
            region=compact_code(get("region")),
            industry=compact_code(get("industry")),
            focus=get("focus"),
            size_class=get("size_class") if get("size_class") in SizeClass.values else "",
            above=get("above") if get("above") in {"0", "1"} else "",
            tier=get("tier") if get("tier") in {*Tier.values, TIER_NONE} - {""} else "",
        )

    def as_dict(self) -> dict[str, str]:
        return {
            k: getattr(self, k) for k in ("q", "region", "industry", "focus", "size_class", "above", "tier")
        }


def _region_q(code: str, region_field: str = "region", *, coded: bool = True) -> Q:
    """A region code selects its subtree (by the indexed codes, dengta.core.access.region_q); a shorter run
    of digits selects the regions whose codes start with it."""
    if not code.isdigit():
        return Q(pk__in=[])
    region = Region.objects.filter(code=code).only("path").first()
    if region is not None:
        return region_q(region.path, region_field=region_field, coded=coded)
    codes = Region.objects.filter(code__startswith=code).values("code")
    return Q(**{f"{region_field}_id__in": codes})


def _industry_q(prefix: str) -> Q:
    """An industry code prefix (C36, C367, C3670) as the matching codes: an indexed IN, not LIKE on a join."""
    return Q(industry_id__in=Industry.objects.filter(code__startswith=prefix).values("code"))


def _code_prefix_q(term: str, field: str) -> Q:
    """Rows whose credit code begins with the term, or none when the term cannot begin a code."""
    code = compact_code(term)
    return Q(**{f"{field}__startswith": code}) if could_begin_a_code(code) else Q(pk__in=[])


def enterprises_for(viewer: Viewer, filters: EnterpriseFilters | None = None) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.visible_to(viewer).select_related("region", "industry")
    f = filters or EnterpriseFilters()
    if f.q:
        qs = qs.filter(name_search_q(f.q) | _code_prefix_q(f.q, "uscc"))
    if f.region:
        qs = qs.filter(_region_q(f.region))
    if f.industry:
        qs = qs.filter(_industry_q(f.industry))
    if f.focus:
        qs = qs.filter(industry_id__in=Industry.objects.filter(focus_sector=f.focus).values("code"))
    if f.size_class:
        qs = qs.filter(size_class=f.size_class)
    if f.above:
        qs = qs.filter(is_above_designated_size=f.above == "1")
    if f.tier:
        qs = qs.filter(tier="" if f.tier == TIER_NONE else f.tier)
    return qs


def region_choices(viewer: Viewer) -> list[tuple[str, str]]:
    """Provinces and prefectures inside the viewer's jurisdiction, for the list's region filter."""
    qs = Region.objects.filter(level__lte=Region.Level.PREFECTURE).order_by("path")
    if not viewer.sees_all:
        inside = Q(pk__in=[])
        for prefix in viewer.include_paths or ():
            inside |= Q(path__startswith=prefix)
        for prefix in viewer.exclude_paths:
            inside &= ~Q(path__startswith=prefix)
        qs = qs.filter(inside)
    # Prefectures indented under their province: an ideographic space in Chinese, no-break spaces in English.
    indent = "\u00a0\u00a0\u00a0" if in_english() else "\u3000"
    rows = qs.values_list("code", "name", "name_en", "level")
    return [
        (code, f"{indent * (level - 1)}{name_en if in_english() and name_en else name}")
        for code, name, name_en, level in rows
    ]


def class_industries() -> QuerySet[Industry]:
    """Industry codes an enterprise may carry: classes (小类), see services.check_industry."""
    return Industry.objects.filter(level=Industry.Level.CLASS).order_by("code")


def enterprise_events(viewer: Viewer, enterprise: Enterprise) -> QuerySet[Event]:
    """The timeline of one enterprise: events about its profile or its organisation, as far as visible."""
    return (
        Event.objects.visible_to(viewer)
        .filter(
            Q(target_type="registry.enterprise", target_id=str(enterprise.pk))
            | Q(organization_id_ref=enterprise.organization_id)
        )
        .order_by("-seq")
    )


def enterprise_timeline(viewer: Viewer, enterprise: Enterprise) -> QuerySet[Event]:
    """``enterprise_events`` with the people who acted, for showing their names (UI.md: names, not codes)."""
    return enterprise_events(viewer, enterprise).select_related("actor")


def provider_events(viewer: Viewer, provider: Provider) -> QuerySet[Event]:
    return (
        Event.objects.visible_to(viewer)
        .filter(
            Q(target_type="registry.provider", target_id=str(provider.pk))
            | Q(organization_id_ref=provider.organization_id)
        )
        .order_by("-seq")
    )


def own_enterprise(viewer: Viewer) -> Enterprise | None:
    if not viewer.is_authenticated or viewer.organization_id is None:
        return None
    return (
        Enterprise.objects.visible_to(viewer)
        .select_related("region", "industry")
        .filter(organization_id=viewer.organization_id)
        .first()
    )


def own_provider(viewer: Viewer) -> Provider | None:
    if not viewer.is_authenticated or viewer.organization_id is None:
        return None
    return (
        Provider.objects.visible_to(viewer)
        .select_related("organization__region")
        .filter(organization_id=viewer.organization_id)
        .first()
    )


def providers_for(viewer: Viewer, *, q: str = "", kind: str = "", region: str = "") -> QuerySet[Provider]:
    qs = Provider.objects.visible_to(viewer).select_related("organization", "organization__region", "kind")
    q = to_half_width(q).strip()
    if q:
        qs = qs.filter(
            name_search_q(q, name_field="organization__name", grams_field="organization__name_grams")
            | _code_prefix_q(q, "uscc")
        )
    if kind:
        qs = qs.filter(kind_id=kind)
    region = compact_code(region)
    if region.isdigit():
        qs = qs.filter(_region_q(region, "organization__region"))  # organisations store their codes too
    return qs


def import_batches_for(viewer: Viewer) -> QuerySet[ImportBatch]:
    """Imports the viewer's organisation made (national staff see every import)."""
    if not viewer.is_authenticated or viewer.organization_id is None:
        return ImportBatch.objects.none()
    qs = ImportBatch.objects.select_related("created_by", "organization").order_by("-created_at")
    if viewer.sees_all:
        return qs
    return qs.filter(organization_id=viewer.organization_id)


def import_jobs_of(viewer: Viewer) -> QuerySet[Job]:
    """The viewer's own import jobs, newest first (to come back to an import left running)."""
    if not viewer.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(kind=IMPORT_JOB_KIND, created_by=viewer.user).order_by("-created_at")


# ---------------------------------------------------------------- changes an enterprise proposes to itself
# Eligibility reads only the confirmed figures on the enterprise row (size_class, is_above_designated_size):
# nothing below feeds a list filter, a count of 规上 enterprises or the API's enterprise fields.


def pending_change(enterprise: Enterprise) -> EnterpriseChange | None:
    return (
        EnterpriseChange.objects.select_related("industry", "submitted_by")
        .filter(enterprise=enterprise, state=ChangeState.PENDING)
        .first()
    )


def last_decided_change(enterprise: Enterprise) -> EnterpriseChange | None:
    """The latest confirmed or rejected change: the enterprise sees the outcome and a rejection's reason."""
    return (
        EnterpriseChange.objects.select_related("industry", "decided_by")
        .filter(enterprise=enterprise, state__in=[ChangeState.CONFIRMED, ChangeState.REJECTED])
        .order_by("-decided_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ChangeFilters:
    state: str = ChangeState.PENDING  # "" for every state
    q: str = ""
    region: str = ""

    @classmethod
    def from_params(cls, params: Any) -> ChangeFilters:
        def get(key: str, default: str = "") -> str:
            return to_half_width(str(params.get(key, default) or "")).strip()

        state = get("state", ChangeState.PENDING) if "state" in params else ChangeState.PENDING
        return cls(
            state=state if state in ChangeState.values else "",
            q=get("q"),
            region=compact_code(get("region")),
        )

    def as_dict(self) -> dict[str, str]:
        return {"state": self.state, "q": self.q, "region": self.region}


def changes_for(viewer: Viewer, filters: ChangeFilters | None = None) -> QuerySet[EnterpriseChange]:
    """Changes of enterprises the viewer may see, oldest pending first (a queue is worked from its head)."""
    f = filters or ChangeFilters()
    # The people are fetched by a second query for the page's rows rather than joined: the few users of the
    # user table joined into the list's query let PostgreSQL loop over every change once per user (with a
    # stale estimate of one user, 4 × 5,000 rows where one page of rows was asked for; docs/lists.md).
    qs = (
        EnterpriseChange.objects.visible_to(viewer)
        .select_related("enterprise", "enterprise__region", "enterprise__industry", "industry")
        .prefetch_related("submitted_by", "decided_by")
    )
    if f.state:
        qs = qs.filter(state=f.state)
    if f.q:
        qs = qs.filter(
            name_search_q(f.q, name_field="enterprise__name", grams_field="enterprise__name_grams")
            | _code_prefix_q(f.q, "enterprise__uscc")
        )
    if f.region:
        # On the enterprise already joined for the jurisdiction, not ``enterprise__in`` a subquery: that made
        # PostgreSQL read every enterprise of the region (43,000 for 江苏) to hash them against the changes,
        # where this reads the changes in the list's order and checks each one's enterprise (docs/lists.md).
        qs = qs.filter(_region_q(f.region, "enterprise__region"))
    return qs.order_by("submitted_at", "pk") if f.state == ChangeState.PENDING else qs


def proposed_values(change: EnterpriseChange) -> dict[str, Any]:
    """The enterprise's classification-relevant values as they would be if the change were confirmed now:
    its current official values with the proposed ones over them."""
    enterprise = change.enterprise
    values: dict[str, Any] = {
        "industry": enterprise.industry,
        "employees": enterprise.employees,
        "revenue": enterprise.revenue,
        "total_assets": enterprise.total_assets,
        "tier": enterprise.tier,
    }
    values.update(change.proposed())
    return values
