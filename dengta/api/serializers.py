from __future__ import annotations

from rest_framework import serializers

from dengta.orgs.models import Organization
from dengta.reference.models import Industry, Region, SubIndustry


class RegionSerializer(serializers.ModelSerializer[Region]):
    parent_code = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "full_name",
            "level",
            "parent_code",
            "path",
            "is_separately_planned",
            "is_reporting_unit",
            "is_custom",
            "dataset_version",
        ]


class IndustrySerializer(serializers.ModelSerializer[Industry]):
    parent_code = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Industry
        fields = ["code", "name", "level", "parent_code", "focus_sector", "dataset_version"]


class SubIndustrySerializer(serializers.ModelSerializer[SubIndustry]):
    industries: serializers.SlugRelatedField[Industry] = serializers.SlugRelatedField(
        many=True, slug_field="code", read_only=True
    )

    class Meta:
        model = SubIndustry
        fields = [
            "code",
            "name",
            "name_en",
            "industries",
            "is_focus",
            "focus_sector",
            "used_by",
            "source",
            "dataset_version",
        ]


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    region = serializers.CharField(source="region_id", allow_null=True, read_only=True)
    region_name = serializers.CharField(source="region.full_name", default=None, read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_name",
            "type",
            "authority_level",
            "region",
            "region_name",
            "includes_separately_planned",
            "is_active",
            "created_at",
        ]
