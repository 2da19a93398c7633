"""Enterprises like you (看样学样): the published lighthouse cases nearest to an enterprise, each with why it
is near and what that enterprise did and paid.

The distance is defined in one place, dengta.cases.similarity (its module docstring); this module only
reads the profiles it compares from the database and words its reasons in the reader's language. An
enterprise is profiled by its newest final MIIT 2024 result; a case by its figures before the retrofit as
the public sees them (dengta.cases.selectors.public_figures: an anonymised case's region is its province
only, so it is never "in your city"). A case without a T0 result has no "before" and is not offered.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from dengta.assessment.models import Assessment
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.selectors import PANEL_FRAMEWORK, compiled, sub_industry_of
from dengta.assessment.texts import for_display
from dengta.cases import similarity
from dengta.cases.figures import CaseFigures
from dengta.cases.models import Case
from dengta.cases.selectors import band_text, public_figures
from dengta.cases.similarity import Metric, Profile, Reason, Why, hundredths
from dengta.core.language import name_separator
from dengta.core.places import place_of
from dengta.programmes.documents import level_name, yuan_text
from dengta.programmes.models import PoolEnterprise
from dengta.reference.loaders import PSEUDO_REGION_NAMES
from dengta.reference.models import Region, SubIndustry
from dengta.registry.models import Enterprise, SizeClass

K = 5
NAMED_SCENARIOS = 3  # scenarios named in a reason; more are counted


# ------------------------------------------------------------------------------------------- profiles


def newest_result(enterprise: Enterprise) -> Assessment | None:
    """The enterprise's newest final MIIT 2024 result (what it is now), or None."""
    return (
        Assessment.objects.final()
        .filter(enterprise=enterprise, framework__code=PANEL_FRAMEWORK)
        .select_related("framework")
        .order_by(F("assessed_on").desc(nulls_last=True), F("scored_at").desc(nulls_last=True), "-pk")
        .first()
    )


def sub_industry_code(enterprise: Enterprise) -> str:
    """The sub-industry the enterprise is in a pilot's pool under, the newest entry first (what a case of
    its retrofit would carry: dengta.cases.sources.sub_industry_of); else the one its GB/T 4754 industry
    is bound to (dengta.assessment.selectors.sub_industry_of, as the catalogue's recommendations use)."""
    pooled = (
        PoolEnterprise.objects.filter(enterprise=enterprise)
        .order_by("-added_at", "-pk")
        .values_list("entry__sub_industry_id", flat=True)
        .first()
    )
    if pooled:
        return str(pooled)
    found = sub_industry_of(enterprise)
    return found.code if found is not None else ""


_METRICS: dict[str, Metric] = {}


def metric_of(assessment: Assessment) -> Metric:
    """The metric of the framework version the result was scored with (compiled once per version)."""
    key = assessment.framework.checksum
    if key not in _METRICS:
        _METRICS[key] = similarity.metric_of(compiled(assessment))
    return _METRICS[key]


def _profile(
    *,
    sub_industry: str,
    levels: Mapping[str, Any] | None,
    points: tuple[Any, Any, Any],
    size_class: str,
    province: str,
    prefecture: str,
    level: int | None,
    metric: Metric,
) -> Profile:
    return Profile(
        sub_industry=sub_industry or "",
        scenario_levels=metric.vector(levels or {}),
        points=(hundredths(points[0]), hundredths(points[1]), hundredths(points[2])),
        size_rank=similarity.SIZE_RANKS[size_class],
        province=province or "",
        prefecture=prefecture or "",
        level=int(level or 0),
    )


def result_profile(
    assessment: Assessment, enterprise: Enterprise, sub_industry: str, metric: Metric
) -> Profile:
    return _profile(
        sub_industry=sub_industry,
        levels=(assessment.result or {}).get("scenario_levels"),
        points=(assessment.points_base, assessment.points_mgmt, assessment.points_results),
        size_class=enterprise.size_class,
        province=enterprise.province_code,
        prefecture=enterprise.prefecture_code,
        level=assessment.level,
        metric=metric,
    )


def profile_of_enterprise(enterprise: Enterprise, metric: Metric | None = None) -> Profile | None:
    """The enterprise as it is now (its newest final MIIT 2024 result); None without one."""
    assessment = newest_result(enterprise)
    if assessment is None:
        return None
    m = metric or metric_of(assessment)
    return result_profile(assessment, enterprise, sub_industry_code(enterprise), m)


def _case_profile(
    *,
    sub_industry: str | None,
    levels: Mapping[str, Any] | None,
    points: Mapping[str, Any] | None,
    size_class: str | None,
    region_path: str | None,
    level_before: int | None,
    metric: Metric,
) -> Profile | None:
    """A case BEFORE its retrofit, from its public figures; None without a T0 result (no "before")."""
    if level_before is None or not levels or not points or size_class not in similarity.SIZE_RANKS:
        return None
    province, prefecture = place_of(region_path) if region_path else ("", "")
    return _profile(
        sub_industry=sub_industry or "",
        levels=levels,
        points=(points.get("base"), points.get("mgmt"), points.get("results")),
        size_class=str(size_class),
        province=province,
        prefecture=prefecture,
        level=level_before,
        metric=metric,
    )


def profile_of_case(case: Case, metric: Metric | None = None) -> Profile | None:
    """One case's profile from its public figures (``case_profiles`` reads the same for many at once)."""
    f = public_figures(case)
    return _case_profile(
        sub_industry=case.sub_industry_id,
        levels=f.scenario_levels_before,
        points=f.points_before,
        size_class=f.size_class,
        region_path=f.region_path,
        level_before=f.level_before,
        metric=metric or similarity.miit_2024(),
    )


def case_profiles(
    metric: Metric | None = None, *, exclude_enterprise: Enterprise | None = None
) -> list[tuple[int, Profile]]:
    """(case id, profile) of every published case with a "before", read from the figures' columns only
    (not the whole JSON of each case). What the public sees: an anonymised case's figures keep only the
    province of its region (figures.anonymised), so its prefecture is dropped here likewise."""
    m = metric or similarity.miit_2024()
    rows: QuerySet[Case, tuple[Any, ...]] = (
        Case.objects.published()
        .filter(level_before__isnull=False)
        .values_list(
            "pk",
            "anonymised",
            "sub_industry_id",
            "level_before",
            "figures__scenario_levels_before",
            "figures__points_before",
            "figures__size_class",
            "figures__region_path",
        )
        .order_by("pk")
    )
    if exclude_enterprise is not None:
        rows = rows.exclude(project__enterprise=exclude_enterprise)
    out = []
    for pk, anonymised, sub, level_before, levels, points, size_class, path in rows:
        if anonymised and path:
            path = f"{place_of(path).province_code}/"
        profile = _case_profile(
            sub_industry=sub,
            levels=levels,
            points=points,
            size_class=size_class,
            region_path=path,
            level_before=level_before,
            metric=m,
        )
        if profile is not None:
            out.append((pk, profile))
    return out


def enterprise_profiles(limit: int, metric: Metric | None = None) -> Iterator[tuple[int, Profile]]:
    """(enterprise id, profile) of up to ``limit`` enterprises with a final MIIT 2024 result, by id: each
    by its newest result, as ``profile_of_enterprise`` reads one (for bench/similar_bench.py)."""
    m = metric or similarity.miit_2024()
    pooled = dict(
        PoolEnterprise.objects.order_by("added_at", "pk").values_list(
            "enterprise_id", "entry__sub_industry_id"
        )
    )  # the newest entry wins
    by_industry: dict[str, str] = {}
    rows = (
        Assessment.objects.final()
        .filter(framework__code=PANEL_FRAMEWORK)
        .order_by(
            "enterprise_id",
            F("assessed_on").desc(nulls_last=True),
            F("scored_at").desc(nulls_last=True),
            "-pk",
        )
        .values_list(
            "enterprise_id",
            "level",
            "points_base",
            "points_mgmt",
            "points_results",
            "result__scenario_levels",
            "enterprise__size_class",
            "enterprise__province_code",
            "enterprise__prefecture_code",
            "enterprise__industry_id",
        )
    )
    last, found = None, 0
    for eid, level, base, mgmt, results, levels, size, province, prefecture, industry in rows.iterator(
        20_000
    ):
        if eid == last:
            continue
        last = eid
        sub = pooled.get(eid)
        if not sub:
            if industry not in by_industry:
                match = sub_industry_of(Enterprise(industry_id=industry))
                by_industry[industry] = match.code if match is not None else ""
            sub = by_industry[industry]
        yield (
            eid,
            _profile(
                sub_industry=sub,
                levels=levels,
                points=(base, mgmt, results),
                size_class=size,
                province=province,
                prefecture=prefecture,
                level=level,
                metric=m,
            ),
        )
        found += 1
        if found >= limit:
            return


# ------------------------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Similar:
    """A published case near the enterprise, as its "enterprises like you" panel shows it."""

    case: Case
    figures: CaseFigures  # what the public sees (anonymised when the case is)
    distance: float  # 0 alike … 1 far (dengta.cases.similarity)
    same_sub_industry: bool
    reasons: list[str]  # why it is near, in the reader's language
    products: list[str]  # what that enterprise did: the products of its retrofit
    provider: str
    contract: str  # what it cost: yuan, or the band of an anonymised case
    enterprise_paid: str  # the enterprise's own part of it
    enterprise_share_pct: str  # that part in % of the contract ("" when the contract is 0)

    @property
    def similarity_pct(self) -> int:
        return round((1 - self.distance) * 100)


def similar_cases(enterprise: Enterprise, k: int = K) -> list[Similar]:
    """The ``k`` published cases nearest to the enterprise (similarity.top_k), its own cases excluded;
    empty when the enterprise has no final MIIT 2024 result."""
    assessment = newest_result(enterprise)
    if assessment is None:
        return []
    metric = metric_of(assessment)
    me = result_profile(assessment, enterprise, sub_industry_code(enterprise), metric)
    profiles = dict(case_profiles(metric, exclude_enterprise=enterprise))
    found = similarity.top_k(me, profiles.items(), k, metric)
    cases = Case.objects.select_related("sub_industry", "province").in_bulk([m.case_id for m in found])
    words = _Words(for_display(compiled(assessment)), me)
    out = []
    for match in found:
        case = cases[match.case_id]
        f = public_figures(case)
        out.append(
            Similar(
                case=case,
                figures=f,
                distance=match.distance,
                same_sub_industry=match.tier == 0,
                reasons=words.sentences(similarity.reasons(me, profiles[match.case_id], metric), case),
                products=[p["product"] for p in f.products],
                provider=f.provider,
                contract=_money(f.contract_yuan, f.anonymised),
                enterprise_paid=_money(f.enterprise_yuan, f.anonymised),
                enterprise_share_pct=f.enterprise_share_pct,
            )
        )
    return out


def _money(text: str, anonymised: bool) -> str:
    return band_text(text) if anonymised else yuan_text(Decimal(text))


class _Words:
    """Reasons as sentences in the reader's language (msgids in Chinese, UI.md), with the names of the
    places, sizes, levels and scenarios they mention (the places read in one query)."""

    def __init__(self, fw: Compiled, me: Profile) -> None:
        # A reason names a place only when the case shares it, so the enterprise's own places suffice.
        codes = {me.province, me.prefecture} - {""}
        self.regions = {r.code: r for r in Region.objects.filter(code__in=codes).select_related("parent")}
        self.scenarios = {s.code: s.name for s in fw.scenarios}

    def place(self, code: str) -> str:
        region = self.regions.get(code)
        if region is None:
            return code
        if region.name in PSEUDO_REGION_NAMES and region.parent is not None:
            return region.parent.display_name  # 北京's 市辖区 is 北京
        return region.display_name

    def sentences(self, reasons: list[Reason], case: Case) -> list[str]:
        return [self.sentence(r, case) for r in reasons]

    def sentence(self, reason: Reason, case: Case) -> str:
        p = reason.params
        if reason.code == Why.SAME_SUB_INDUSTRY:
            sub: SubIndustry | None = case.sub_industry
            name = sub.display_name if sub is not None else p["sub_industry"]
            return _("同属%(sub_industry)s行业") % {"sub_industry": name}
        if reason.code == Why.SAME_PREFECTURE:
            return _("同在%(place)s") % {"place": self.place(p["prefecture"])}
        if reason.code == Why.SAME_PROVINCE:
            return _("同在%(place)s") % {"place": self.place(p["province"])}
        if reason.code == Why.SAME_SIZE:
            code = next(c for c, rank in similarity.SIZE_RANKS.items() if rank == p["size_rank"])
            return _("同为%(size)s企业") % {"size": SizeClass(code).label}
        if reason.code == Why.SAME_LEVEL:
            return _("改造前与您同为%(level)s") % {"level": level_name(p["level"])}
        if reason.code == Why.SCENARIOS_SAME_LEVEL:
            return self.scenario_sentence(p["codes"])
        if reason.code == Why.POINTS_CLOSE:
            if p["difference"] == 0:
                return _("改造前总分与您相同")
            points = (Decimal(p["difference"]) / 100).quantize(Decimal("0.01"))
            return _("改造前总分与您相差%(points)s分") % {"points": points}
        raise ValueError(f"no sentence for {reason.code}")

    def scenario_sentence(self, codes: tuple[str, ...]) -> str:
        names = name_separator().join(self.scenarios.get(c, c) for c in codes[:NAMED_SCENARIOS])
        if len(codes) <= NAMED_SCENARIOS:
            return _("改造前%(scenarios)s场景与您水平相同") % {"scenarios": names}
        return _("改造前%(scenarios)s等%(count)s个场景与您水平相同") % {
            "scenarios": names,
            "count": len(codes),
        }
