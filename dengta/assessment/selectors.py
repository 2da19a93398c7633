"""Reads for assessments (ARCHITECTURE.md convention 2): the current framework, a draft's stored answers and
what is still unanswered, lists, an enterprise's history, T0→T1 deltas and peer medians. Pages, the report
PDF, the API and the write services (dengta.assessment.services) use the same functions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from dengta.assessment.models import (
    Assessment,
    DiagnosisInvitation,
    Evidence,
    Framework,
    InvitationState,
    Kind,
    State,
)
from dengta.assessment.scoring.answers import Parsed, missing_answers, parse_answers
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.core.access import Viewer
from dengta.core.models import Job
from dengta.core.search import name_search_q
from dengta.orgs.models import Organization, OrgType
from dengta.reference.models import SubIndustry
from dengta.registry.models import Enterprise

MIN_PEERS = 5  # a median of fewer enterprises would reveal individual results


DEFAULT_FRAMEWORK = "miit-2024-manufacturing"


def current_framework(code: str = DEFAULT_FRAMEWORK) -> Framework:
    try:
        return Framework.objects.get(code=code, is_current=True)
    except Framework.DoesNotExist as exc:
        raise ValidationError(
            _("评测框架 %(code)s 尚未载入，请运行 manage.py load_frameworks") % {"code": code}
        ) from exc


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


def completeness(assessment: Assessment) -> tuple[list[str], list[str]]:
    return missing_answers(compiled(assessment), stored_answers(assessment).answers)


def dma_completeness(assessment: Assessment) -> list[str]:
    """The DMA answer keys still unanswered (a question code, or ``q1.<row>`` for a table row)."""
    # Imported here: dengta.assessment.dma builds its report on this module's reads at import time.
    from dengta.assessment import dma

    return dma.missing(dma.dma_compiled(assessment), assessment.answers_part("dma"))


def stored_answers_numbers(answers: Mapping[str, Any]) -> dict[str, Decimal]:
    """The stored numbers of a draft as Decimals (they were checked when saved)."""
    return {code: Decimal(str(value)) for code, value in (answers.get("numbers") or {}).items()}


def assessments_for(viewer: Viewer) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(viewer).select_related(
        "enterprise", "enterprise__region", "framework", "assessor", "author_organization"
    )


# Columns the list page and the API listing never show: the answers and the score's detail (JSON, ~1 KB a
# row inline, more in TOAST) and the long texts, and the enterprise's search grams and sizing explanation.
LIST_DEFERRED = (
    "answers",
    "result",
    "pledge_text",
    "coi_statement",
    "enterprise__size_explanation",
    "enterprise__name_grams",
    "author_organization__name_grams",
)


def assessment_list_for(viewer: Viewer) -> QuerySet[Assessment]:
    """The rows of the assessment list page and API listing (docs/lists.md): what a row shows, nothing more.

    The wide columns are deferred (``LIST_DEFERRED``); the frameworks (a handful, each with its whole
    indicator tree, ~30 KB) are read once per page, not joined onto every row, and every row of a framework
    shares its instance (the API compiles a framework once per page). An EU DMA row's band comes from its
    stored result: ``with_bands`` reads it for those rows only."""
    return (
        Assessment.objects.visible_to(viewer)
        .select_related("enterprise", "assessor", "author_organization")
        .prefetch_related("framework")
        .defer(*LIST_DEFERRED)
    )


def with_bands(rows: list[Assessment]) -> list[Assessment]:
    """Rows of ``assessment_list_for`` with the stored result of those that show a band (a scored EU DMA
    assessment, assessment_tags.band_name) loaded, in one query: the list defers the result."""
    wanted = [a.pk for a in rows if a.level is not None and a.framework.kind == Framework.Kind.EU_DMA]
    if wanted:
        results = dict(Assessment.objects.filter(pk__in=wanted).values_list("pk", "result"))
        for row in rows:
            if row.pk in results:
                row.result = results[row.pk]
    return rows


def current_frameworks() -> QuerySet[Framework]:
    return Framework.objects.filter(is_current=True).order_by("code")


def history(enterprise: Enterprise, viewer: Viewer) -> list[Assessment]:
    """The enterprise's assessments with a result, oldest first, as far as the viewer may see them."""
    return list(
        assessments_for(viewer)
        .filter(enterprise=enterprise)
        .filter(state__in=[State.SCORED, State.SIGNED_OFF])
        .order_by("assessed_on", "scored_at")
    )


def latest_result(enterprise: Enterprise, viewer: Viewer, framework_code: str) -> Assessment | None:
    """The enterprise's newest result that counts in one framework, as far as the viewer may see it."""
    return (
        Assessment.objects.visible_to(viewer)
        .final()
        .select_related("framework")
        .filter(enterprise=enterprise, framework__code=framework_code)
        .order_by("-assessed_on", "-scored_at", "-pk")
        .first()
    )


def baseline_for(assessment: Assessment, viewer: Viewer) -> Assessment | None:
    """The assessment to compare with: the latest earlier result of the same framework code, a T0 first."""
    earlier = [
        a
        for a in history(assessment.enterprise, viewer)
        if a.pk != assessment.pk
        and a.framework.code == assessment.framework.code
        and (a.assessed_on, a.scored_at) <= (assessment.assessed_on, assessment.scored_at)
        # Replaced only once its correction has a result: a correction still in draft changes nothing yet.
        and not a.corrections.filter(state__in=[State.SCORED, State.SIGNED_OFF]).exists()
    ]
    t0 = [a for a in earlier if a.phase == "t0"]
    pool = t0 or earlier
    return pool[-1] if pool else None


@dataclass(frozen=True)
class Delta:
    key: str
    label: str
    before: Any
    after: Any

    @property
    def change(self) -> Any:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def deltas(before: Assessment, after: Assessment, labels: dict[str, str]) -> list[Delta]:
    rows = [
        Delta("total", labels["total"], before.total, after.total),
        Delta("level", labels["level"], before.level, after.level),
        Delta("base", labels["base"], before.points_base, after.points_base),
        Delta("mgmt", labels["mgmt"], before.points_mgmt, after.points_mgmt),
        Delta("results", labels["results"], before.points_results, after.points_results),
    ]
    b_levels = (before.result or {}).get("scenario_levels", {})
    a_levels = (after.result or {}).get("scenario_levels", {})
    for code, name in labels.get("_scenarios", {}).items():  # type: ignore[union-attr]
        rows.append(Delta(f"scenario:{code}", name, b_levels.get(code), a_levels.get(code)))
    return rows


def sub_industry_of(enterprise: Enterprise) -> SubIndustry | None:
    code = enterprise.industry_id or ""
    prefixes = [code[:n] for n in range(len(code), 2, -1)]
    return SubIndustry.objects.filter(industries__code__in=prefixes).order_by("-is_focus", "code").first()


@dataclass
class PeerMedian:
    label: str
    count: int
    total: Decimal | None = None
    dimensions: dict[str, Decimal] = field(default_factory=dict)
    level: float | None = None

    @property
    def enough(self) -> bool:
        return self.count >= MIN_PEERS


def _latest_results(enterprises: QuerySet[Enterprise], framework_code: str) -> list[Assessment]:
    rows = (
        Assessment.objects.final()
        .filter(enterprise__in=enterprises, framework__code=framework_code)
        .order_by("enterprise_id", "-assessed_on", "-scored_at")
        .only("enterprise_id", "total", "points_base", "points_mgmt", "points_results", "level")
    )
    latest: dict[int, Assessment] = {}
    for row in rows:
        latest.setdefault(row.enterprise_id, row)
    return list(latest.values())


def _median(label: str, rows: list[Assessment]) -> PeerMedian:
    out = PeerMedian(label=label, count=len(rows))
    if not out.enough:
        return out
    out.total = Decimal(median([r.total for r in rows if r.total is not None]))
    for key, attr in (("base", "points_base"), ("mgmt", "points_mgmt"), ("results", "points_results")):
        values = [getattr(r, attr) for r in rows if getattr(r, attr) is not None]
        if values:
            out.dimensions[key] = Decimal(median(values))
    out.level = float(median([r.level or 0 for r in rows]))
    return out


def peer_medians(assessment: Assessment) -> list[PeerMedian]:
    """Medians of the latest results of peers: the enterprise's sub-industry, and its city (or region).
    Aggregates only — no peer's own result is shown, and groups under MIN_PEERS show no figure."""
    enterprise = assessment.enterprise
    code = assessment.framework.code
    out = []
    sub = sub_industry_of(enterprise)
    if sub is not None:
        codes = list(sub.industries.values_list("code", flat=True))
        q = Q(pk__in=[])
        for c in codes:
            q |= Q(industry__code__startswith=c)
        out.append(_median(sub.display_name, _latest_results(Enterprise.objects.filter(q), code)))
    region = enterprise.region
    parts = region.path.strip("/").split("/")
    city_path = "/".join(parts[:2]) + "/" if len(parts) >= 2 else region.path
    city = region if region.path == city_path else None
    city_name = city.display_name if city else _region_name(parts[1] if len(parts) >= 2 else parts[0])
    out.append(
        _median(
            city_name, _latest_results(Enterprise.objects.filter(region__path__startswith=city_path), code)
        )
    )
    return out


def _region_name(code: str) -> str:
    from dengta.reference.models import Region

    region = Region.objects.filter(code=code).first()
    return region.display_name if region is not None else code


def onsite_queue(viewer: Viewer) -> QuerySet[Assessment]:
    """An expert's open on-site assignments."""
    return assessments_for(viewer).filter(kind=Kind.ONSITE, state__in=[State.DRAFT, State.SCORED])


def person_name(user: Any) -> str:
    """How pages name a person: their name (姓名, else first and last name), the username only when no name
    was recorded (UI.md: users see names, not internal codes)."""
    return "" if user is None else str(user)  # dengta.accounts.models.User.__str__


# -- diagnosis invitations -----------------------------------------------------------------------------------
def invitations_for(viewer: Viewer) -> QuerySet[DiagnosisInvitation]:
    return DiagnosisInvitation.objects.visible_to(viewer).select_related(
        "enterprise", "enterprise__region", "provider", "provider__region", "invited_by", "requested_by"
    )


def invited_enterprises(viewer: Viewer) -> QuerySet[Enterprise]:
    """The enterprises that invited the viewer's provider to diagnose them (and have not withdrawn)."""
    if viewer.org_type != OrgType.PROVIDER or not viewer.is_authenticated:
        return Enterprise.objects.none()
    invited = DiagnosisInvitation.objects.filter(
        provider_id=viewer.organization_id, state=InvitationState.ACTIVE
    ).values("enterprise_id")
    return Enterprise.objects.filter(pk__in=invited).select_related("region").order_by("name")


HISTORY_IMPORT_JOB_KIND = "assessment.import_history"


def history_jobs_of(viewer: Viewer) -> QuerySet[Job]:
    """The viewer's own imports of historical results, newest first (to come back to an import left
    running); the job itself is in dengta.assessment.history.jobs."""
    if not viewer.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(kind=HISTORY_IMPORT_JOB_KIND, created_by=viewer.user).order_by("-created_at")


PROVIDER_SEARCH_LIMIT = 20


def provider_candidates(enterprise: Enterprise, q: str) -> QuerySet[Organization]:
    """Providers an enterprise may invite: active provider organisations of its province (its region's
    top level: pilots and their providers are organised by province, DOMAIN.md 4.4) whose name contains
    ``q``. Nothing without a search term, so the page never lists the whole market."""
    q = q.strip()
    if not q:
        return Organization.objects.none()
    province = enterprise.region.path.strip("/").split("/")[0] + "/"
    return (
        Organization.objects.filter(type=OrgType.PROVIDER, is_active=True, region__path__startswith=province)
        .filter(name_search_q(q, also=("short_name",)))
        .select_related("region")
        .order_by("name")[:PROVIDER_SEARCH_LIMIT]
    )


# -- home-page panels ------------------------------------------------------------------------------------
LEVELS = range(5)  # 0 = no level, 1–4 = 一级–四级
PANEL_FRAMEWORK = "miit-2024-manufacturing"


def latest_final(viewer: Viewer) -> Assessment | None:
    """The newest level that counts among the assessments the viewer sees (for an enterprise: its own). An
    EU DMA result has a band, not a digital level, so it is not one."""
    return (
        Assessment.objects.visible_to(viewer)
        .final()
        .exclude(framework__kind=Framework.Kind.EU_DMA)
        .select_related("enterprise", "framework")
        .order_by("-assessed_on", "-scored_at", "-pk")
        .first()
    )


def open_self_draft(viewer: Viewer) -> Assessment | None:
    """The enterprise's self-assessment draft to continue, the most recently touched first."""
    return (
        assessments_for(viewer)
        .filter(kind=Kind.SELF, state=State.DRAFT)
        .order_by("-updated_at", "-pk")
        .first()
    )


def latest_final_results(viewer: Viewer, framework_code: str = PANEL_FRAMEWORK) -> QuerySet[Assessment]:
    """Per enterprise, its newest result that counts, among those the viewer sees (one row per enterprise).

    A correlated subquery keeps the choice of the newest row in the database, so counting over a province's
    or the nation's enterprises never loads their assessments."""
    scoped = Assessment.objects.visible_to(viewer).final().filter(framework__code=framework_code)
    newest = (
        scoped.filter(enterprise_id=OuterRef("enterprise_id"))
        .order_by("-assessed_on", "-scored_at", "-pk")
        .values("pk")[:1]
    )
    return scoped.filter(pk=Subquery(newest))


@dataclass(frozen=True)
class LevelDistribution:
    counts: dict[int, int]  # level 0–4 → enterprises whose latest result is at that level

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def reaching_two(self) -> int:
        return sum(n for level, n in self.counts.items() if level >= 2)

    def share(self, count: int) -> Decimal | None:
        """A percentage with one decimal (UI.md), or None when nothing is counted."""
        if not self.total:
            return None
        return (Decimal(100) * count / self.total).quantize(Decimal("0.1"))

    @property
    def share_reaching_two(self) -> Decimal | None:
        return self.share(self.reaching_two)


def level_distribution(viewer: Viewer, framework_code: str = PANEL_FRAMEWORK) -> LevelDistribution:
    """How many enterprises in the viewer's jurisdiction stand at each level, by their latest result."""
    rows = latest_final_results(viewer, framework_code).order_by().values("level").annotate(n=Count("pk"))
    counts = dict.fromkeys(LEVELS, 0)
    for row in rows:
        counts[row["level"] or 0] += row["n"]
    return LevelDistribution(counts=counts)


@dataclass(frozen=True)
class DiagnosisCounts:
    total: int
    drafts: int
    scored: int


def diagnosis_counts(viewer: Viewer) -> DiagnosisCounts:
    """A provider's diagnoses (the assessments it wrote), counted by state in one query."""
    figures = (
        assessments_for(viewer)
        .filter(kind=Kind.PROVIDER)
        .aggregate(
            total=Count("pk"),
            drafts=Count("pk", filter=Q(state=State.DRAFT)),
            scored=Count("pk", filter=Q(state__in=[State.SCORED, State.SIGNED_OFF])),
        )
    )
    return DiagnosisCounts(total=figures["total"], drafts=figures["drafts"], scored=figures["scored"])


# ------------------------------------------------------------------------------------------- evidence


def evidence_items(fw: Compiled) -> list[tuple[str, str]]:
    """What evidence can be filed under: every item and scenario (code, name), in the index's order."""
    return [(i.code, i.name) for i in fw.items] + [(s.code, s.name) for s in fw.scenarios]


@dataclass
class EvidenceGroup:
    code: str
    name: str
    files: list[Evidence] = field(default_factory=list)


def evidence_groups(fw: Compiled, assessment: Assessment) -> list[EvidenceGroup]:
    """The assessment's evidence grouped by item, in the index's order, each under the item's name."""
    names = dict(evidence_items(fw))
    order = {code: n for n, code in enumerate(names)}
    groups: dict[str, EvidenceGroup] = {}
    for e in assessment.evidence.select_related("uploaded_by").order_by("created_at", "pk"):
        group = groups.setdefault(
            e.item_code, EvidenceGroup(e.item_code, names.get(e.item_code, e.item_code))
        )
        group.files.append(e)
    return sorted(groups.values(), key=lambda g: order.get(g.code, len(order)))
