"""An application's eligibility and completeness, read from the database and judged by the pure rules
(``eligibility.check``): this module only turns rows into the pure module's inputs.

What the registry and the other apps already know is passed as is: an enterprise's size class and 规上 flag
(the registry classifies every enterprise, DOMAIN.md 4.1), its 专精特新 tier, its latest scored MIIT 2024
assessment (the T0), an active diagnosis invitation (a T0 scheduled), whether it is in the pool of another
approved application whose pilot period is running; a provider's admission and standing in the catalogue's
pools (DOMAIN.md 2.7). Funded projects come with the projects app; until then no enterprise has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.assessment.models import Assessment, DiagnosisInvitation, InvitationState
from dengta.assessment.selectors import DEFAULT_FRAMEWORK
from dengta.catalog.models import Admission, AdmissionState, Standing
from dengta.orgs.models import AuthorityLevel, Organization
from dengta.programmes import eligibility, rules
from dengta.programmes import pool_summary as summaries
from dengta.programmes.models import (
    LIVE_STATES,
    Application,
    ApplicationState,
    ApplicationSubIndustry,
    NominatedProvider,
    PoolEnterprise,
)
from dengta.registry.models import Enterprise, Provider, SizeClass

# The four municipalities (直辖市): their districts and counties apply as "municipal districts / counties"
# (DOMAIN.md 2.1); elsewhere a county is not an eligible city-pilot applicant.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
# Fund-plan codes, left out while the plan is incomplete: the checklist says what is missing instead.
FUND_CODES = frozenset({"award_over_cap", "retrofit_share_below_minimum", "service_share_above_maximum"})
SME_CLASSES = frozenset({SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO})


def applicant_kind(org: Organization) -> str:
    """The rules' applicant kind of an authority (rules.APPLICANT_KINDS).

    A provincial capital is told by its code: GB/T 2260 numbers a province's capital first among its
    prefecture-level cities (xx0100: 石家庄 130100 … 乌鲁木齐 650100)."""
    code = org.region_id or ""
    level = org.authority_level
    if level == AuthorityLevel.PROVINCE:
        return "province"
    if level == AuthorityLevel.XPCC:
        return "bingtuan"
    if level == AuthorityLevel.SEPARATELY_PLANNED:
        return "separately_planned_city"
    if level == AuthorityLevel.CITY:
        return "provincial_capital" if code[2:] == "0100" else "prefecture_city"
    return "municipal_district_county" if code[:2] in MUNICIPALITIES else "county"


def quota_unit_of(applicant: Organization, parsed: rules.BatchRules) -> str:
    """Whose quota an applicant counts on (eligibility.quota_unit): its province, or itself."""
    return eligibility.quota_unit(applicant.region_id or "", applicant_kind(applicant), parsed)


def quota_for(applicant: Organization, parsed: rules.BatchRules) -> int:
    """The places of the applicant's quota unit in the batch (DOMAIN.md 2.2, 8.6)."""
    unit = quota_unit_of(applicant, parsed)
    if unit != eligibility.province_of(applicant.region_id or ""):
        return parsed.quotas.separately_planned
    return parsed.quotas.for_province(unit)


def in_running_pilot(enterprise_ids: set[int], exclude: int, today: date) -> set[int]:
    """Enterprises in the pool of another application whose pilot (set up at approval, with its end date)
    has not ended."""
    rows = PoolEnterprise.objects.filter(
        enterprise_id__in=enterprise_ids, application__pilot__ends_on__gte=today
    ).exclude(application_id=exclude)
    return set(rows.values_list("enterprise_id", flat=True))


def _levels(enterprise_ids: set[int]) -> dict[int, int]:
    """The latest scored MIIT 2024 level of each enterprise (its T0 until a T1 exists)."""
    rows = (
        Assessment.objects.final()
        .filter(enterprise_id__in=enterprise_ids, framework__code=DEFAULT_FRAMEWORK)
        .order_by("enterprise_id", "-assessed_on", "-scored_at", "-pk")
        .values_list("enterprise_id", "level")
    )
    levels: dict[int, int] = {}
    for enterprise_id, level in rows:
        levels.setdefault(enterprise_id, int(level or 0))
    return levels


def _candidates(application: Application, today: date) -> dict[int, list[eligibility.Candidate]]:
    """The pool's enterprises as the pure module's candidates, by sub-industry entry."""
    rows = list(application.pool.select_related("enterprise"))
    ids = {r.enterprise_id for r in rows}
    levels = _levels(ids)
    running = in_running_pilot(ids, application.pk, today)
    invited = set(
        DiagnosisInvitation.objects.filter(enterprise_id__in=ids, state=InvitationState.ACTIVE).values_list(
            "enterprise_id", flat=True
        )
    )
    out: dict[int, list[eligibility.Candidate]] = {}
    for row in rows:
        e: Enterprise = row.enterprise
        out.setdefault(row.entry_id, []).append(
            eligibility.Candidate(
                uscc=e.uscc,
                name=e.name,
                region_code=e.region_id,
                industry_code=e.industry_id,
                is_sme=e.size_class in SME_CLASSES if e.size_class else None,
                is_above_size=e.is_above_designated_size,
                tier=e.tier,
                in_active_pilot=e.pk in running,
                has_funded_project=False,  # the projects app records funding (DOMAIN.md 2.7)
                has_t0_assessment=e.pk in levels,
                t0_scheduled=e.pk in invited,
                current_level=levels.get(e.pk),
            )
        )
    return out


def _provider(provider: Provider, admissions: list[Admission]) -> eligibility.NominatedProvider:
    admitted = [
        a for a in admissions if a.state == AdmissionState.ADMITTED and a.standing != Standing.REMOVED
    ]
    return eligibility.NominatedProvider(
        key=str(provider.pk),
        name=provider.organization.name,
        admitted=bool(admitted),
        suspended=any(a.standing == Standing.SUSPENDED for a in admitted),
        pools=tuple(str(a.pool) for a in admitted),
    )


def _sub_industries(application: Application, today: date) -> tuple[eligibility.SubIndustryChoice, ...]:
    candidates = _candidates(application, today)
    entries = application.sub_industries.select_related("sub_industry").prefetch_related(
        "sub_industry__industries",
        Prefetch(
            "providers",
            queryset=NominatedProvider.objects.select_related("provider__organization").prefetch_related(
                Prefetch("provider__admissions", queryset=Admission.objects.select_related("pool"))
            ),
        ),
    )
    return tuple(
        eligibility.SubIndustryChoice(
            code=entry.sub_industry_id,
            name=entry.local_name or entry.sub_industry.name,
            name_en=entry.sub_industry.name_en,
            industry_prefixes=tuple(i.code for i in entry.sub_industry.industries.all()),
            providers=tuple(
                _provider(n.provider, list(n.provider.admissions.all())) for n in entry.providers.all()
            ),
            candidates=tuple(candidates.get(entry.pk, [])),
        )
        for entry in entries
    )


def _others(application: Application) -> tuple[eligibility.OtherApplication, ...]:
    others = (
        Application.objects.filter(batch_id=application.batch_id, state__in=LIVE_STATES)
        .exclude(pk=application.pk)
        .select_related("applicant")
        .prefetch_related(Prefetch("pool", queryset=PoolEnterprise.objects.select_related("enterprise")))
    )
    return tuple(
        eligibility.OtherApplication(
            reference=str(o.pk),
            applicant_region_code=o.applicant.region_id or "",
            applicant_kind=applicant_kind(o.applicant),
            enterprise_usccs=frozenset(p.enterprise.uscc for p in o.pool.all()),
        )
        for o in others
    )


def _earlier_pilots(application: Application) -> tuple[str, ...]:
    # "Earlier pilot cities may not re-apply" is a rule of the city pilot's batches (DOMAIN.md 2.2): a pilot
    # of the other programme (a province's 2022 platform pilot) is not an earlier pilot of this one.
    rows = Application.objects.filter(
        applicant_id=application.applicant_id,
        state=ApplicationState.APPROVED,
        batch__programme_id=application.batch.programme_id,
    )
    return tuple(rows.exclude(batch_id=application.batch_id).values_list("batch__code", flat=True))


def fund_plan_complete(application: Application) -> bool:
    return None not in (
        application.award_requested_yuan,
        application.retrofit_share,
        application.service_share,
    )


def application_input(application: Application, today: date) -> eligibility.ApplicationInput:
    applicant = application.applicant
    return eligibility.ApplicationInput(
        applicant=eligibility.Applicant(
            name=applicant.name,
            region_code=applicant.region_id or "",
            kind=applicant_kind(applicant),
            earlier_pilot_batches=_earlier_pilots(application),
        ),
        batch_code=application.batch.code,
        sub_industries=_sub_industries(application, today),
        fund_plan=eligibility.FundPlan(
            # An incomplete plan counts as zeros; eligibility_failures drops its fund-plan failures.
            award_requested_yuan=application.award_requested_yuan or Decimal(0),
            retrofit_share=application.retrofit_share or Decimal(0),
            service_share=application.service_share or Decimal(0),
            local_matching_yuan=application.local_matching_yuan,
        ),
        other_applications=_others(application),
    )


def eligibility_failures(application: Application, today: date | None = None) -> list[eligibility.Failure]:
    """The failures of the batch's rules for this application as it stands (fund-plan rules only once the
    plan is complete)."""
    today = today or timezone.localdate()
    failures = eligibility.check(
        application_input(application, today), application.batch.parsed_rules(), today=today
    )
    if not fund_plan_complete(application):
        failures = [f for f in failures if f.code not in FUND_CODES]
    return failures


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    done: bool


def checklist(application: Application) -> list[ChecklistItem]:
    """What an application needs before it can be submitted (the eligibility check comes on top)."""
    entries = list(
        ApplicationSubIndustry.objects.filter(application=application).prefetch_related(
            "providers", "enterprises"
        )
    )
    items: list[tuple[str, Any, bool]] = [
        ("sub_industries", _("选择至少一个细分行业"), bool(entries)),
        (
            "providers",
            _("每个细分行业推荐至少一家服务商"),
            bool(entries) and all(e.providers.all() for e in entries),
        ),
        (
            "enterprises",
            _("每个细分行业的试点企业库至少有一家企业"),
            bool(entries) and all(e.enterprises.all() for e in entries),
        ),
        (
            "fund_plan",
            _("填写资金安排：申请金额、改造比例和服务能力提升比例"),
            fund_plan_complete(application),
        ),
        (
            "targets",
            _("填写目标：规上试点企业达标比例和目标等级"),
            application.target_share is not None and application.target_level is not None,
        ),
        ("plan", _("填写实施方案要点"), bool(application.plan.strip())),
    ]
    return [ChecklistItem(code, str(label), done) for code, label, done in items]


def pool_summary(application: Application) -> tuple[Any, tuple[tuple[str, Any], ...]] | None:
    """Whether the target is realistic: the pool's counts overall and per sub-industry (pool_summary),
    None while the pool is empty."""
    if not application.pool.exists():
        return None
    today = timezone.localdate()
    return summaries.application_summary(
        application_input(application, today), application.batch.parsed_rules()
    )
