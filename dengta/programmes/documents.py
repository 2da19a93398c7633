"""What the printable application (申报书) and the pools workbook show of one application, read once.

An application as a ministry receives it (DOMAIN.md 2.1, 2.7, 8): its sub-industries with their local names
and GB/T 4754 industry codes, the nominated providers, and the pilot-enterprise pool with each enterprise's
规上 flag, 专精特新 tier and current digital level. The level is the one the eligibility check reads (the
latest scored MIIT 2024 assessment, ``checks.application_input``), and the pool counts are
``pool_summary.application_summary``'s against the batch's target, so the document says what the
application's page and the rules say.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dengta.core.language import in_english
from dengta.programmes import checks, pool_summary, selectors
from dengta.programmes.models import Application, ApplicationSubIndustry, NominatedProvider, PoolEnterprise
from dengta.programmes.rules import BatchRules
from dengta.registry.models import Tier

# The MIIT index's names of the overall levels (0: none reached), as the assessment pages name them.
LEVEL_NAMES = {
    0: gettext_lazy("未达等级"),
    1: gettext_lazy("一级"),
    2: gettext_lazy("二级"),
    3: gettext_lazy("三级"),
    4: gettext_lazy("四级"),
}
# What a group of eligibility failures is about, as the application's page says it.
SUBJECT_KINDS = {
    "application": gettext_lazy("本申报"),
    "sub_industry": gettext_lazy("细分行业"),
    "enterprise": gettext_lazy("企业"),
    "provider": gettext_lazy("服务商"),
}


def level_name(level: int | None) -> str:
    """The level's name, or "未评测" for an enterprise without a scored assessment."""
    if level is None:
        return _("未评测")
    return str(LEVEL_NAMES.get(level, level))


def yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def tier_name(tier: str) -> str:
    """The 专精特新 tier's name; "" for an enterprise without one."""
    return str(Tier(tier).label) if tier else ""


def yuan_text(value: Decimal | None) -> str:
    """Yuan with thousands separators and the two decimals of the fen, never rounded further (UI.md)."""
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.01')):,.2f}"


def percent_text(share: Decimal | None) -> str:
    """A share (0–1) as a percentage with one decimal (UI.md): 0.8 → 80.0%."""
    if share is None:
        return "—"
    return f"{Decimal(share) * 100:,.1f}%"


@dataclass(frozen=True)
class PoolRow:
    """One enterprise of the pool as the document lists it."""

    sub_industry: str
    uscc: str
    name: str
    county: str
    above_size: bool
    tier: str  # the tier's name, "" for none
    level: int | None

    @property
    def level_name(self) -> str:
        return level_name(self.level)

    @property
    def above_size_text(self) -> str:
        return yes_no(self.above_size)


@dataclass(frozen=True)
class ProviderRow:
    name: str
    uscc: str


@dataclass(frozen=True)
class EntryDocument:
    """One chosen sub-industry: its names, industry codes, providers, pool and the pool's counts."""

    name: str  # the local name, or the catalogue's
    catalogue_name: str
    industries: tuple[tuple[str, str], ...]  # (GB/T 4754 code, name)
    providers: tuple[ProviderRow, ...]
    rows: tuple[PoolRow, ...]
    summary: pool_summary.PoolSummary


@dataclass(frozen=True)
class ApplicationDocument:
    application: Application
    rules: BatchRules
    entries: tuple[EntryDocument, ...]
    summary: pool_summary.PoolSummary
    cap_yuan: Decimal | None  # the cap for this applicant (per platform × platforms in the platform model)
    cap_per_provider_yuan: Decimal | None  # the platform model's cap per nominated platform, else None
    provider_count: int


def _entries(application: Application) -> list[ApplicationSubIndustry]:
    return list(
        application.sub_industries.select_related("sub_industry")
        .prefetch_related(
            "sub_industry__industries",
            Prefetch(
                "providers",
                queryset=NominatedProvider.objects.select_related("provider__organization").order_by("id"),
            ),
            Prefetch(
                "enterprises",
                queryset=PoolEnterprise.objects.select_related("enterprise__region").order_by("id"),
            ),
        )
        .order_by("id")
    )


def _caps(
    application: Application, rules: BatchRules, providers: int
) -> tuple[Decimal | None, Decimal | None]:
    per = rules.award_caps.for_kind(checks.applicant_kind(application.applicant))
    if per is None:
        return None, None
    if rules.award_caps.basis == "provider":
        return per * providers, per
    return per, None


def application_document(application: Application) -> ApplicationDocument:
    """Everything the printable application and the pools workbook show, in the reader's language."""
    rules = application.batch.parsed_rules()
    pure = checks.application_input(application, timezone.localdate())
    whole, per_code = pool_summary.application_summary(pure, rules)
    summaries = dict(per_code)
    levels = {c.key: c.current_level for s in pure.sub_industries for c in s.candidates}
    entries = []
    provider_keys: set[int] = set()
    for entry in _entries(application):
        sub = entry.sub_industry
        name = entry.local_name or sub.display_name
        providers = tuple(
            ProviderRow(n.provider.organization.name, n.provider.uscc) for n in entry.providers.all()
        )
        provider_keys.update(n.provider_id for n in entry.providers.all())
        rows = tuple(
            PoolRow(
                sub_industry=name,
                uscc=row.enterprise.uscc,
                name=row.enterprise.name,
                county=row.enterprise.region.display_full_name if row.enterprise.region_id else "",
                above_size=row.enterprise.is_above_designated_size,
                tier=tier_name(row.enterprise.tier),
                level=levels.get(row.enterprise.uscc),
            )
            for row in entry.enterprises.all()
        )
        industries = tuple(
            (i.code, i.display_name) for i in sorted(sub.industries.all(), key=lambda i: i.code)
        )
        entries.append(
            EntryDocument(
                name=name,
                catalogue_name=sub.display_name,
                industries=industries,
                providers=providers,
                rows=rows,
                summary=summaries.get(sub.pk, pool_summary.summary((), rules.target)),
            )
        )
    cap, per = _caps(application, rules, len(provider_keys))
    return ApplicationDocument(
        application=application,
        rules=rules,
        entries=tuple(entries),
        summary=whole,
        cap_yuan=cap,
        cap_per_provider_yuan=per,
        provider_count=len(provider_keys),
    )


def failure_groups(application: Application) -> list[dict[str, Any]]:
    """The stored eligibility failures grouped by subject, as sentences in the reader's language (people
    read sentences, never the codes)."""
    groups = selectors.failures_by_subject(application.eligibility, in_english())
    for group in groups:
        group["kind_label"] = str(SUBJECT_KINDS.get(group["kind"], ""))
    return groups
