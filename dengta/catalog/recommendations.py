"""Recommendations for one enterprise: its latest scored assessment, its path to the target level and the
catalogue's bundles that close it, each verified by the engine (dengta.catalog.matching) and explained in
the reader's language (docs/catalogue.md, matching)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from dengta.assessment.models import Assessment
from dengta.assessment.report import level_name
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.scoring.framework import format_points
from dengta.assessment.selectors import (
    DEFAULT_FRAMEWORK,
    compiled,
    latest_result,
    stored_answers,
    sub_industry_of,
)
from dengta.assessment.texts import for_display, list_separator
from dengta.catalog import matching
from dengta.catalog.models import Product
from dengta.catalog.selectors import catalogue_products
from dengta.catalog.services.products import offers_of
from dengta.core.access import Viewer
from dengta.reference.models import SubIndustry
from dengta.registry.models import Enterprise

TOP_LEVEL = 4


@dataclass
class BundleView:
    bundle: matching.Bundle
    products: list[Product]
    sentences: list[str]
    reaches_level: int | None  # the target level when the engine says the bundle reaches it, else None

    @property
    def product_ids(self) -> str:
        return ",".join(str(p.pk) for p in self.products)


@dataclass
class RecommendationView:
    enterprise: Enterprise
    assessment: Assessment | None
    sub_industry: SubIndustry | None
    level: int
    target_level: int
    already_there: bool
    bundles: list[BundleView]
    plan_sentences: list[str]
    result: matching.Recommendation | None
    framework: Compiled | None

    @property
    def reaching(self) -> list[BundleView]:
        return [b for b in self.bundles if b.bundle.reaches_target]


def target_for(level: int) -> int:
    """二级 (the pilots' acceptance level, DOMAIN.md 8.11) for an enterprise below it, else the next level."""
    return min(TOP_LEVEL, max(2, level + 1))


def _level(fw: Compiled, level: int) -> str:
    return level_name(fw, level)[0] or str(level)


def _options_text(fw: Compiled, code: str, keys: Any) -> str:
    item = fw.item(code)
    if item is None or not keys:
        return _("未作答")
    texts = []
    for key in keys:
        option = item.option(key)
        texts.append(option.text if option else key)
    return list_separator().join(texts)


def change_sentence(fw: Compiled, change: matching.Change) -> str:
    if change.kind == "scenario":
        scenario = fw.scenario(change.code)
        return _("将“%(name)s”场景从 %(before)s 级提升到 %(after)s 级") % {
            "name": scenario.name if scenario else change.code,
            "before": change.before,
            "after": change.after,
        }
    item = fw.item(change.code)
    return _("“%(name)s”从“%(before)s”提升到“%(after)s”（+%(points)s 分）") % {
        "name": item.name if item else change.code,
        "before": _options_text(fw, change.code, change.before),
        "after": _options_text(fw, change.code, change.after),
        "points": format_points(change.points_gain),
    }


def condition_sentence(fw: Compiled, target: int, condition: matching.Condition) -> str:
    values = {
        "level": _level(fw, target),
        "need": condition.need,
        "have": condition.have,
        "with": condition.with_bundle,
        "scenario_level": condition.scenario_level,
    }
    if condition.kind == "points":
        values.update(
            need=format_points(condition.need),
            have=format_points(condition.have),
            with_=format_points(condition.with_bundle),
        )
        values["with"] = values.pop("with_")
        return _("%(level)s要求总分至少 %(need)s 分：现有 %(have)s 分，采用该组合后 %(with)s 分") % values
    if condition.kind == "constrained":
        return (
            _(
                "%(level)s要求至少 %(need)s 个约束性场景达到 %(scenario_level)s 级："
                "现有 %(have)s 个，采用该组合后 %(with)s 个"
            )
            % values
        )
    return (
        _(
            "%(level)s要求至少 %(need)s 个场景达到 %(scenario_level)s 级："
            "现有 %(have)s 个，采用该组合后 %(with)s 个"
        )
        % values
    )


def bundle_sentences(fw: Compiled, bundle: matching.Bundle) -> list[str]:
    sentences = [change_sentence(fw, c) for c in bundle.explanation.changes]
    sentences += [condition_sentence(fw, bundle.target_level, c) for c in bundle.explanation.conditions]
    return sentences


def plan_sentences(fw: Compiled, plan: Any) -> list[str]:
    """The engine's cheapest path in words (the steps a bundle should cover)."""
    out = []
    for step in plan.steps:
        if step.kind == "scenario":
            scenario = fw.scenario(step.code)
            out.append(
                _("“%(name)s”场景从 %(before)s 级提升到 %(after)s 级")
                % {
                    "name": scenario.name if scenario else step.code,
                    "before": step.current,
                    "after": step.target,
                }
            )
        else:
            item = fw.item(step.code)
            out.append(
                _("“%(name)s”提升到“%(after)s”（+%(points)s 分）")
                % {
                    "name": item.name if item else step.code,
                    "after": _options_text(fw, step.code, step.target),
                    "points": format_points(step.points_gain),
                }
            )
    return out


def recommendations_for(
    enterprise: Enterprise, viewer: Viewer, *, target_level: int | None = None, limit: int = 5
) -> RecommendationView:
    assessment = latest_result(enterprise, viewer, DEFAULT_FRAMEWORK)
    sub_industry = sub_industry_of(enterprise)
    if assessment is None:
        return RecommendationView(enterprise, None, sub_industry, 0, 2, False, [], [], None, None)
    fw = compiled(assessment)
    answers = stored_answers(assessment).answers
    level = int(assessment.level or 0)
    target = target_level if target_level is not None else target_for(level)
    products = list(catalogue_products().prefetch_related("lifts", "sub_industries"))
    offers = offers_of(products, sub_industry.pk if sub_industry else None)
    result = matching.recommend(fw, answers, offers, target_level=target, limit=limit)
    by_id = {p.pk: p for p in products}
    names = for_display(fw)  # the same codes, named in the reader's language
    bundles = [
        BundleView(
            bundle=b,
            products=[by_id[o.id] for o in b.offers],
            sentences=bundle_sentences(names, b),
            reaches_level=b.target_level if b.reaches_target else None,
        )
        for b in result.bundles
    ]
    return RecommendationView(
        enterprise=enterprise,
        assessment=assessment,
        sub_industry=sub_industry,
        level=result.level_before,
        target_level=target,
        already_there=result.already_there,
        bundles=bundles,
        plan_sentences=plan_sentences(names, result.plan),
        result=result,
        framework=fw,
    )


def as_json(view: RecommendationView) -> dict[str, Any]:
    """The API's shape: bundles with products, reaches_level, enterprise_share_yuan and the explanation."""
    return {
        "enterprise": view.enterprise.uscc,
        "assessment": view.assessment.pk if view.assessment else None,
        "level": view.level,
        "target_level": view.target_level,
        "already_there": view.already_there,
        "subsidy_rule": view.result.subsidy.to_json() if view.result else None,
        "bundles": [
            {
                "products": [
                    {
                        "id": p.pk,
                        "name": p.name,
                        "provider": str(p.provider),
                        "list_price_yuan": str(p.list_price),
                        "pilot_price_yuan": str(p.pilot_price),
                    }
                    for p in b.products
                ],
                "reaches_level": b.reaches_level,
                "level_after": b.bundle.level_after,
                "list_yuan": str(b.bundle.list_yuan),
                "concession_yuan": str(b.bundle.concession_yuan),
                "subsidy_yuan": str(b.bundle.subsidy_yuan),
                "enterprise_share_yuan": str(b.bundle.enterprise_share_yuan),
                "explanation": b.sentences,
                "explanation_data": b.bundle.explanation.to_json(),
            }
            for b in view.bundles
        ],
    }


def share_text(value: Decimal) -> str:
    return f"{value:,.2f}"
