"""Reading lighthouse cases: what the public sees of one (its figures, anonymised without consent), the
public list, a viewer's workbench, and the rows the pages and the PDF print (names in the reader's
language, amounts and bands as UI.md writes them)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dengta.assessment.selectors import compiled
from dengta.assessment.texts import for_display
from dengta.cases import figures as pure
from dengta.cases.figures import CaseFigures
from dengta.cases.models import Case, CaseQuerySet, CaseState
from dengta.cases.sources import ACCEPTED_STATES
from dengta.cases.typical import TypicalModel, typical_model
from dengta.core.access import Viewer
from dengta.programmes.documents import level_name, yuan_text
from dengta.projects.models import Project
from dengta.reference.models import Region, SubIndustry

KPI_NAMES = {
    "equipment_digital_rate": gettext_lazy("设备数字化率"),
    "equipment_networked_rate": gettext_lazy("设备联网率"),
    "revenue_per_employee": gettext_lazy("人均营业收入"),
    "energy_per_10k_yuan": gettext_lazy("万元营业收入综合能耗"),
    "cost_per_100_yuan": gettext_lazy("每百元营业收入成本"),
    "pass_rate": gettext_lazy("产品合格率"),
}
KPI_UNITS = {
    "%": "%",
    "万元/人": gettext_lazy("万元/人"),
    "吨标准煤/万元": gettext_lazy("吨标准煤/万元"),
    "元": gettext_lazy("元"),
}
DIMENSION_NAMES = {
    "base": gettext_lazy("数字化基础"),
    "mgmt": gettext_lazy("数字化经营"),
    "results": gettext_lazy("数字化成效"),
}


def stored_figures(case: Case) -> CaseFigures:
    return CaseFigures.from_json(case.figures)


def anonymous_name(case: Case) -> str:
    """How an anonymised case names its enterprise: its province and sub-industry, nothing more."""
    province = case.province.display_name if case.province is not None else ""
    sub_industry = case.sub_industry.display_name if case.sub_industry is not None else ""
    return _("%(province)s某%(sub_industry)s企业") % {"province": province, "sub_industry": sub_industry}


def public_figures(case: Case) -> CaseFigures:
    """What the public pages, the PDF and "enterprises like you" show: the figures as derived, or, for an
    anonymised case, with the name, the region and every amount and KPI value cut to bands."""
    figures = stored_figures(case)
    if not case.anonymised:
        return figures
    province = case.province.display_name if case.province is not None else ""
    return pure.anonymised(figures, description=anonymous_name(case), province=province)


def published_cases() -> CaseQuerySet:
    return Case.objects.published().select_related("sub_industry", "province")


def workbench(viewer: Viewer) -> CaseQuerySet:
    return (
        Case.objects.visible_to(viewer)
        .select_related("sub_industry", "province", "project__enterprise", "project__pilot__authority")
        .order_by("-updated_at", "-pk")
    )


def candidates(viewer: Viewer) -> list[Project]:
    """Accepted projects without a case whose narrative the viewer's organisation writes (the pilot's
    authority or the project's provider), newest acceptance first."""
    if viewer.organization_id is None:
        return []
    mine = Q(pilot__authority_id=viewer.organization_id) | Q(provider__organization_id=viewer.organization_id)
    return list(
        Project.objects.filter(mine, state__in=ACCEPTED_STATES)
        .exclude(Exists(Case.objects.filter(project=OuterRef("pk"))))
        .select_related("enterprise", "pilot__authority")
        .order_by("-accepted_at", "-pk")[:50]
    )


# ------------------------------------------------------------------------------------------ display rows


@dataclass(frozen=True)
class Row:
    label: str
    value: str


def _money(text: str, anonymised: bool) -> str:
    if not anonymised:
        return yuan_text(Decimal(text))
    return band_text(text)


def band_text(text: str) -> str:
    """A money band ("100000–200000") as UI.md writes amounts: "100,000–200,000 元"."""
    if text == "0":
        return "0"
    if text.startswith(">"):
        return _("%(amount)s 元以上") % {"amount": f"{Decimal(text[1:]):,.0f}"}
    low, _sep, high = text.partition("–")
    return _("%(low)s–%(high)s 元") % {"low": f"{Decimal(low):,.0f}", "high": f"{Decimal(high):,.0f}"}


def money_rows(f: CaseFigures) -> list[Row]:
    a = f.anonymised
    rows = [
        Row(_("合同金额"), _money(f.contract_yuan, a)),
        Row(_("服务商让利"), _money(f.concession_yuan, a)),
        Row(_("政府补贴"), _money(f.subsidy_yuan, a)),
        Row(_("其中中央资金"), _money(f.central_yuan, a)),
        Row(_("其中地方资金"), _money(f.local_yuan, a)),
        Row(_("企业自筹"), _money(f.enterprise_yuan, a)),
    ]
    if f.enterprise_share_pct:
        rows.append(Row(_("企业承担比例"), f"{f.enterprise_share_pct}%"))
    return rows


def facts_rows(f: CaseFigures, case: Case) -> list[Row]:
    sub_industry = case.sub_industry.display_name if case.sub_industry is not None else f.sub_industry
    region = f.region
    code = next(reversed([p for p in f.region_path.split("/") if p]), "")
    found = Region.objects.filter(code=code).first() if code else None
    if found is not None:
        region = found.display_full_name
    uplift = f.uplift
    return [
        Row(_("细分行业"), sub_industry or "—"),
        Row(_("地区"), region or "—"),
        Row(_("企业规模"), f.size + ("" if not f.above_designated_size else _("（规上）"))),
        Row(_("改造前等级"), level_name(f.level_before)),
        Row(_("改造后等级"), level_name(f.level_after)),
        Row(_("等级提升"), "—" if uplift is None else _("%(n)s 级") % {"n": uplift}),
        Row(_("服务商"), f.provider),
        Row(
            _("从签订合同到验收通过"),
            "—" if f.duration_days is None else _("%(n)s 天") % {"n": f.duration_days},
        ),
    ]


def scenario_rows(f: CaseFigures, case: Case) -> list[dict[str, Any]]:
    names = _scenario_names(case)
    return [{"name": names.get(s.code, s.name), "before": s.before, "after": s.after} for s in f.scenarios]


def _scenario_names(case: Case) -> dict[str, str]:
    evaluation = (
        case.project.evaluations.filter(assessment__isnull=False)
        .select_related("assessment__framework")
        .first()
    )
    if evaluation is None or evaluation.assessment is None:
        return {}
    fw = for_display(compiled(evaluation.assessment))
    return {s.code: s.name for s in fw.scenarios}


def kpi_rows(f: CaseFigures) -> list[dict[str, Any]]:
    rows = []
    for k in f.kpis:
        unit = str(KPI_UNITS.get(k.unit, k.unit))
        if f.anonymised:
            before, after = k.before, k.after
        else:
            before, after = f"{Decimal(k.before):,}", f"{Decimal(k.after):,}"
        rows.append(
            {
                "name": str(KPI_NAMES.get(k.code, k.name)),
                "unit": unit,
                "before": before,
                "after": after,
                "change": f"{k.change_pct}%" if k.change_pct else "—",
                # Coloured only when it moved: green when better, red when worse (for energy and cost per
                # revenue, lower is better).
                "tone": ""
                if not k.change_pct or Decimal(k.change_pct) == 0
                else ("good" if k.improved else "bad"),
            }
        )
    return rows


def points_rows(f: CaseFigures) -> list[dict[str, str]]:
    return [
        {
            "name": str(DIMENSION_NAMES[d]),
            "before": f.points_before.get(d, "—"),
            "after": f.points_after.get(d, "—"),
        }
        for d in pure.DIMENSIONS
    ]


def product_rows(f: CaseFigures) -> list[dict[str, str]]:
    return [
        {
            "product": p["product"],
            "provider": p["provider"],
            "quantity": p["quantity"],
            "amount": _money(p["amount_yuan"], f.anonymised),
        }
        for p in f.products
    ]


def case_context(case: Case, f: CaseFigures) -> dict[str, Any]:
    """What the case page and the PDF print of one case (its figures as given: public or as derived)."""
    return {
        "case": case,
        "f": f,
        "facts": facts_rows(f, case),
        "money": money_rows(f),
        "scenarios": scenario_rows(f, case),
        "kpis": kpi_rows(f),
        "points": points_rows(f),
        "products": product_rows(f),
        "narrative": [
            (_("面临的问题"), case.problem),
            (_("解决方案"), case.solution),
            (_("取得的成效"), case.results),
            (_("经验与启示"), case.lessons),
        ],
        "published": case.state == CaseState.PUBLISHED,
    }


# ------------------------------------------------------------------------------------------ typical models


def typical_model_of(sub_industry: SubIndustry) -> tuple[TypicalModel, list[Case]]:
    """The sub-industry's typical model from its published cases, and the cases (newest first)."""
    cases = list(published_cases().filter(sub_industry=sub_industry).order_by("-published_at", "-pk"))
    return typical_model([stored_figures(case) for case in cases]), cases


def typical_models() -> list[tuple[SubIndustry, TypicalModel]]:
    """Every sub-industry with a published case and its model, those with most cases first."""
    by_sub_industry: dict[str, list[CaseFigures]] = {}
    for case in published_cases().exclude(sub_industry=None):
        by_sub_industry.setdefault(str(case.sub_industry_id), []).append(stored_figures(case))
    found = SubIndustry.objects.in_bulk(list(by_sub_industry))
    rows = [
        (found[code], typical_model(figures)) for code, figures in by_sub_industry.items() if code in found
    ]
    rows.sort(key=lambda row: (-row[1].cases, row[0].name))
    return rows
