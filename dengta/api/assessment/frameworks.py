"""Frameworks over the API: the stored data files as a documented structure, decimals as strings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound

from dengta.api.assessment.fields import DecimalString
from dengta.api.base import ViewerMixin
from dengta.assessment import selectors
from dengta.assessment.models import Framework
from dengta.assessment.scoring.bands import BandFramework
from dengta.assessment.scoring.definitions import Compiled
from dengta.assessment.scoring.eu_dma import DmaFramework
from dengta.assessment.scoring.framework import Framework as MiitFramework
from dengta.assessment.scoring.framework import format_points


class OptionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="option key as answered: A, B, …")
    text = serializers.CharField()
    points = DecimalString(help_text="points of this option (a multiple-choice item adds its options)")


class ItemSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="answer key, e.g. base.equipment.network")
    name = serializers.CharField()
    question = serializers.CharField()
    description = serializers.CharField(help_text="definition from the index (may be empty)")
    type = serializers.ChoiceField(choices=["single", "multi"])
    points = DecimalString(help_text="maximum points of the item")
    exclusive_option = serializers.CharField(
        allow_null=True, help_text="the 无 option of a multiple-choice item; it cannot be combined"
    )
    options = OptionSerializer(many=True)
    collected_numbers = serializers.ListField(
        child=serializers.CharField(), help_text="codes of the numbers collected for this item"
    )
    derived_from_numbers = serializers.BooleanField(
        help_text="the option is computed from the collected numbers when they are given (they win)"
    )


class IndicatorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    points = DecimalString()
    items = ItemSerializer(many=True)


class DimensionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="base, mgmt or results")
    name = serializers.CharField()
    points = DecimalString()
    indicators = IndicatorSerializer(many=True)


class ScenarioLevelSerializer(serializers.Serializer[Any]):
    level = serializers.IntegerField(min_value=1, max_value=4)
    text = serializers.CharField()


class ScenarioSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="answer key, e.g. product_design")
    name = serializers.CharField()
    group_code = serializers.CharField()
    group = serializers.CharField()
    constrained = serializers.BooleanField(
        help_text="a constrained (约束性) scenario, counted by the level rule"
    )
    levels = ScenarioLevelSerializer(many=True)


class CollectedNumberSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="answer key under numbers")
    item = serializers.CharField(help_text="the item it belongs to")
    label_zh = serializers.CharField()
    label_en = serializers.CharField()
    unit = serializers.CharField()
    integer = serializers.BooleanField()
    max = DecimalString(help_text="largest allowed value (null: no bound but 10^12)")


class LevelConditionSerializer(serializers.Serializer[Any]):
    level = serializers.IntegerField()
    min_points = DecimalString()
    scenario_level = serializers.IntegerField(help_text="scenarios count when at this level or above")
    min_scenarios = serializers.IntegerField()
    min_constrained = serializers.IntegerField()


class LevelRuleSerializer(serializers.Serializer[Any]):
    provisional = serializers.BooleanField(help_text="the thresholds await confirmation against the source")
    note = serializers.CharField()
    combine = serializers.CharField()
    levels = LevelConditionSerializer(many=True)


class LevelNameSerializer(serializers.Serializer[Any]):
    level = serializers.IntegerField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    meaning_zh = serializers.CharField()
    meaning_en = serializers.CharField()


class MiitStructureSerializer(serializers.Serializer[Any]):
    """Structure of a kind=miit2024 framework (the MIIT 2024 index)."""

    scored_total = DecimalString()
    dimensions = DimensionSerializer(many=True)
    scenarios = ScenarioSerializer(many=True)
    collected_numbers = CollectedNumberSerializer(many=True)
    level_rule = LevelRuleSerializer()
    level_names = LevelNameSerializer(many=True)


class BandSerializer(serializers.Serializer[Any]):
    level = serializers.IntegerField()
    min = DecimalString(help_text="lower bound, inclusive")
    max = DecimalString()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    meaning_zh = serializers.CharField()
    meaning_en = serializers.CharField()


class BandsStructureSerializer(serializers.Serializer[Any]):
    """Structure of a kind=bands framework (the 2022 edition: a level from the total alone)."""

    scored_total = DecimalString()
    boundary_rule = serializers.CharField()
    bands = BandSerializer(many=True)


class DmaChoiceSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(required=False, help_text="column code (invested/planned tables)")
    value = DecimalString(required=False, help_text="scale value (scale and no/partly/yes tables)")
    text = serializers.CharField()
    text_zh = serializers.CharField()
    points = DecimalString(required=False)


class DmaRowSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    text = serializers.CharField()
    text_zh = serializers.CharField()
    negative = serializers.BooleanField(help_text="the exclusive 'none of these' row of a checkbox question")


class DmaQuestionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    type = serializers.CharField(
        help_text="checkbox, invested_planned_table, scale_0_5_table, no_partly_yes…"
    )
    text = serializers.CharField()
    text_zh = serializers.CharField()
    rows = DmaRowSerializer(many=True)
    columns = DmaChoiceSerializer(many=True)
    scale = DmaChoiceSerializer(many=True)


class DmaDimensionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_zh = serializers.CharField()
    questions = DmaQuestionSerializer(many=True)


class DmaBandSerializer(serializers.Serializer[Any]):
    min = DecimalString()
    max = DecimalString()
    name = serializers.CharField()
    name_zh = serializers.CharField()


class DmaStructureSerializer(serializers.Serializer[Any]):
    """Structure of a kind=eu_dma framework (EU Digital Maturity Assessment, SME module)."""

    scale = serializers.CharField()
    band_rule = serializers.CharField()
    normalisation_by_type = serializers.DictField(child=serializers.CharField())
    dimensions = DmaDimensionSerializer(many=True)
    bands = DmaBandSerializer(many=True)


def _item(
    fw: MiitFramework, code: str, numbers: Mapping[str, list[str]], derived: set[str]
) -> dict[str, Any]:
    item = fw.item(code)
    assert item is not None  # the compiled framework checked every indicator's items
    return {
        "code": item.code,
        "name": item.name,
        "question": item.question,
        "description": item.description,
        "type": "multi" if item.multi else "single",
        "points": Decimal(format_points(item.points)),
        "exclusive_option": item.exclusive if item.multi else None,
        "options": [
            {"key": o.key, "text": o.text, "points": Decimal(format_points(o.points))} for o in item.options
        ],
        "collected_numbers": numbers.get(item.code, []),
        "derived_from_numbers": item.code in derived,
    }


def miit_structure(fw: MiitFramework) -> dict[str, Any]:
    numbers: dict[str, list[str]] = defaultdict(list)
    for n in fw.collected:
        numbers[n.item].append(n.code)
    derived = {rule.item for rule in fw.derived}
    rule = fw.raw["rules"].get("level_rule", {})
    names = fw.raw["rules"].get("level_names", {})

    def pts(units: int) -> Decimal:
        return Decimal(format_points(units))

    return {
        "scored_total": pts(fw.total_points),
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "points": pts(d.points),
                "indicators": [
                    {
                        "code": ind.code,
                        "name": ind.name,
                        "points": pts(ind.points),
                        "items": [_item(fw, c, numbers, derived) for c in ind.items],
                    }
                    for ind in (fw.indicators[c] for c in d.indicators)
                ],
            }
            for d in fw.dimensions
        ],
        "scenarios": [
            {
                "code": s.code,
                "name": s.name,
                "group_code": s.group_code,
                "group": s.group,
                "constrained": s.constrained,
                "levels": [{"level": i, "text": text} for i, text in enumerate(s.levels, start=1)],
            }
            for s in fw.scenarios
        ],
        "collected_numbers": [n.__dict__ | {"max": n.maximum} for n in fw.collected],
        "level_rule": {
            "provisional": fw.level_rule_provisional,
            "note": rule.get("status_note", ""),
            "combine": rule.get("combine", ""),
            "levels": [
                {
                    "level": c.level,
                    "min_points": pts(c.min_points),
                    "scenario_level": c.scenario_level,
                    "min_scenarios": c.min_scenarios,
                    "min_constrained": c.min_constrained,
                }
                for c in sorted(fw.levels, key=lambda c: c.level)
            ],
        },
        "level_names": [
            {
                "level": int(level),
                "name_zh": n.get("zh", ""),
                "name_en": n.get("en", ""),
                "meaning_zh": n.get("meaning_zh", ""),
                "meaning_en": n.get("meaning_en", ""),
            }
            for level, n in sorted(names.items(), key=lambda kv: int(kv[0]))
        ],
    }


def bands_structure(fw: BandFramework, rules: Mapping[str, Any]) -> dict[str, Any]:
    meanings = {int(b["level"]): b for b in rules.get("bands", [])}
    return {
        "scored_total": fw.scored_total,
        "boundary_rule": rules.get("boundary_rule", ""),
        "bands": [
            {
                "level": b.level,
                "min": b.minimum,
                "max": b.maximum,
                "name_zh": b.name_zh,
                "name_en": b.name_en,
                "meaning_zh": meanings.get(b.level, {}).get("meaning_zh", ""),
                "meaning_en": meanings.get(b.level, {}).get("meaning_en", ""),
            }
            for b in fw.bands
        ],
    }


def dma_structure(items: Mapping[str, Any]) -> dict[str, Any]:
    """From the stored data file (the compiled form drops the texts of scale values)."""

    def choice(raw: Mapping[str, Any]) -> dict[str, Any]:
        out = {"text": raw.get("text", ""), "text_zh": raw.get("text_zh", "")}
        for key in ("code", "value", "points"):
            if key in raw:
                out[key] = raw[key]
        return out

    return {
        "scale": str(items.get("scale", "")),
        "band_rule": str(items.get("band_rule", "")),
        "normalisation_by_type": {str(k): str(v) for k, v in items.get("normalisation_by_type", {}).items()},
        "dimensions": [
            {
                "code": d["code"],
                "name": d["name"],
                "name_zh": d.get("name_zh", ""),
                "questions": [
                    {
                        "code": q["code"],
                        "type": q["type"],
                        "text": q["text"],
                        "text_zh": q.get("text_zh", ""),
                        "rows": [
                            {
                                "code": r["code"],
                                "text": r["text"],
                                "text_zh": r.get("text_zh", ""),
                                "negative": bool(r.get("negative")),
                            }
                            for r in q["items"]
                        ],
                        "columns": [choice(c) for c in q.get("columns", [])],
                        "scale": [choice(s) for s in q.get("scale", [])],
                    }
                    for q in d["questions"]
                ],
            }
            for d in items["dimensions"]
        ],
        "bands": [
            {"min": b["min"], "max": b["max"], "name": b["name"], "name_zh": b.get("name_zh", "")}
            for b in items["bands"]
        ],
    }


def framework_structure(framework: Framework) -> dict[str, Any]:
    compiled: Compiled = framework.compiled()
    if isinstance(compiled, MiitFramework):
        return dict(MiitStructureSerializer(miit_structure(compiled)).data)
    if isinstance(compiled, BandFramework):
        return dict(BandsStructureSerializer(bands_structure(compiled, framework.content["rules"])).data)
    assert isinstance(compiled, DmaFramework)
    return dict(DmaStructureSerializer(dma_structure(framework.content["items"])).data)


FRAMEWORK_FIELDS = ["code", "version", "kind", "title", "document", "provisional", "checksum", "is_current"]


class FrameworkSerializer(serializers.ModelSerializer[Framework]):
    # A plain string in the schema: "kind" names the assessment kinds' enum there.
    kind = serializers.CharField(
        read_only=True, help_text="miit2024: items and scenarios; bands: total only (2022); eu_dma: EU DMA"
    )

    class Meta:
        model = Framework
        fields = FRAMEWORK_FIELDS
        read_only_fields = fields
        extra_kwargs = {
            "code": {"help_text": "framework code, e.g. miit-2024-manufacturing"},
            "version": {
                "help_text": "version of the data files; a version used by an assessment never changes"
            },
            "provisional": {"help_text": "the level rule awaits confirmation against the official text"},
            "checksum": {"help_text": "SHA-256 of the stored content"},
        }


class FrameworkVersionSerializer(serializers.ModelSerializer[Framework]):
    class Meta:
        model = Framework
        fields = ["version", "is_current", "checksum", "provisional"]
        read_only_fields = fields


STRUCTURE = PolymorphicProxySerializer(
    component_name="FrameworkStructure",
    serializers=[MiitStructureSerializer, BandsStructureSerializer, DmaStructureSerializer],
    resource_type_field_name=None,
)


class FrameworkDetailSerializer(FrameworkSerializer):
    versions = serializers.SerializerMethodField(help_text="every stored version of this framework code")
    structure = serializers.SerializerMethodField(
        help_text="dimensions, indicators, items, scenarios, numbers and level rule (miit2024); "
        "bands (bands); dimensions and questions (eu_dma). Points and bounds are decimal strings."
    )

    class Meta(FrameworkSerializer.Meta):
        fields = [*FRAMEWORK_FIELDS, "versions", "structure"]
        read_only_fields = fields

    @extend_schema_field(FrameworkVersionSerializer(many=True))
    def get_versions(self, obj: Framework) -> list[dict[str, Any]]:
        rows = Framework.objects.filter(code=obj.code).order_by("-version")
        return list(FrameworkVersionSerializer(rows, many=True).data)

    @extend_schema_field(STRUCTURE)
    def get_structure(self, obj: Framework) -> dict[str, Any]:
        return framework_structure(obj)


@extend_schema_view(
    list=extend_schema(summary="Current version of every framework (without the structure)"),
    retrieve=extend_schema(
        summary="One framework with its full structure",
        parameters=[
            OpenApiParameter("version", str, description="another stored version (default: current)")
        ],
    ),
)
class FrameworkViewSet(ViewerMixin, viewsets.ReadOnlyModelViewSet[Framework]):
    """Assessment frameworks as loaded from the data files; readable by every signed-in member."""

    serializer_class = FrameworkSerializer
    queryset = Framework.objects.none()  # for the schema's types only
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_.\-]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return FrameworkDetailSerializer if self.action == "retrieve" else FrameworkSerializer

    def get_queryset(self) -> QuerySet[Framework]:
        return selectors.current_frameworks()

    def get_object(self) -> Framework:
        version = self.request.query_params.get("version", "").strip()
        lookup = {"version": version} if version else {"is_current": True}
        framework = Framework.objects.filter(code=self.kwargs["code"], **lookup).first()
        if framework is None:
            raise NotFound()
        return framework
