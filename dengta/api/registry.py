"""Enterprises over the API: the registry's services, selectors and permission rules, as the pages use."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dengta.api.base import ViewerMixin, require
from dengta.core.access import get_visible_or_404
from dengta.reference.models import Industry, Region
from dengta.reference.sizing import normalise_industry_code
from dengta.registry import permissions, services
from dengta.registry.models import Enterprise, Tier
from dengta.registry.selectors import EnterpriseFilters, enterprises_for
from dengta.registry.text import to_half_width


class EnterpriseSerializer(serializers.ModelSerializer[Enterprise]):
    region_code = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    industry_code = serializers.CharField(source="industry_id", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    revenue_yuan = serializers.DecimalField(source="revenue", max_digits=16, decimal_places=2, read_only=True)
    assets_yuan = serializers.DecimalField(
        source="total_assets", max_digits=16, decimal_places=2, read_only=True
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "address",
            "region_code",
            "region_name",
            "industry_code",
            "industry_name",
            "employees",
            "revenue_yuan",
            "assets_yuan",
            "tier",
            "size_class",
            "is_above_designated_size",
            "size_sector",
            "size_standard_version",
            "size_explanation",
            "organization",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EnterpriseWriteSerializer(serializers.Serializer[Any]):
    """Input as in the import template: amounts in 万元 (kept as strings so no float ever touches them)."""

    uscc = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    region_code = serializers.CharField(max_length=6)
    industry_code = serializers.CharField(max_length=5)
    employees = serializers.CharField(max_length=20)
    revenue_10k_yuan = serializers.CharField(max_length=30)
    assets_10k_yuan = serializers.CharField(max_length=30)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False, allow_blank=True, default="")

    def validate_region_code(self, value: str) -> Region:
        region = Region.objects.filter(code=value.strip()).first()
        if region is None:
            raise serializers.ValidationError(_("行政区划代码不存在：%(value)s") % {"value": value})
        return region

    def validate_industry_code(self, value: str) -> Industry:
        try:  # "3670" gets its section letter, as in the import (C3670)
            code = normalise_industry_code(to_half_width(value).strip())
        except ValueError:
            code = value.strip().upper()
        industry = Industry.objects.filter(code=code).first()
        if industry is None:
            raise serializers.ValidationError(_("行业代码不存在：%(value)s") % {"value": value})
        return industry


class EnterpriseUpdateSerializer(EnterpriseWriteSerializer):
    uscc = None  # type: ignore[assignment]  # the credit code identifies the enterprise and never changes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


def _raise_drf(exc: DjangoValidationError) -> None:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    rename = {"region": "region_code", "industry": "industry_code"}
    raise ValidationError({rename.get(k, k): v for k, v in detail.items()}) from exc


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="name or credit code contains"),
            OpenApiParameter("region", str, description="region code (its subtree)"),
            OpenApiParameter("industry", str, description="GB/T 4754 code prefix, e.g. C36"),
            OpenApiParameter("size_class", str, enum=["large", "medium", "small", "micro"]),
            OpenApiParameter("focus", str, description="focus sector label"),
            OpenApiParameter(
                "above", str, enum=["0", "1"], description="1 above designated size, 0 below designated size"
            ),
            OpenApiParameter("tier", str, enum=["innovative", "specialised", "little_giant", "none"]),
        ]
    )
)
class EnterpriseViewSet(
    ViewerMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Enterprise],
):
    """Enterprises in the caller's jurisdiction (or their own profile); writes go through the services."""

    serializer_class = EnterpriseSerializer
    queryset = Enterprise.objects.none()  # for the schema's types only; get_queryset scopes every request
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "create":
            return EnterpriseWriteSerializer
        if self.action in ("update", "partial_update"):
            return EnterpriseUpdateSerializer
        return EnterpriseSerializer

    def get_queryset(self) -> QuerySet[Enterprise]:
        filters = EnterpriseFilters.from_params(self.request.query_params)
        return enterprises_for(self.viewer, filters).order_by("pk")

    def get_object(self) -> Enterprise:
        enterprise = get_visible_or_404(
            Enterprise.objects.select_related("region", "industry"), self.viewer, pk=self.kwargs["pk"]
        )
        require(permissions.can_view_enterprise(self.viewer, enterprise))
        return enterprise

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_list_enterprises(self.viewer))
        return super().list(request, *args, **kwargs)

    @extend_schema(request=EnterpriseWriteSerializer, responses={201: EnterpriseSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_register_enterprise(self.viewer))
        data = EnterpriseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        region: Region = values.pop("region_code")
        industry: Industry = values.pop("industry_code")
        if not permissions.can_register_enterprise(self.viewer, region.path):
            raise ValidationError({"region_code": [_("该地区不在本机构辖区范围内")]})
        try:
            enterprise = services.enterprise_register(
                actor=request.user, region=region, industry=industry, **values
            )
        except services.DuplicateUscc as exc:
            body: dict[str, Any] = {"uscc": exc.messages}
            existing = exc.existing
            if isinstance(existing, Enterprise) and permissions.can_view_enterprise(self.viewer, existing):
                body["existing"] = request.build_absolute_uri(f"/api/v1/enterprises/{existing.pk}/")
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response(EnterpriseSerializer(enterprise).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EnterpriseUpdateSerializer, responses={200: EnterpriseSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enterprise = self.get_object()
        require(permissions.can_edit_enterprise(self.viewer, enterprise))
        data = EnterpriseUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        changes: dict[str, Any] = {}
        if "region_code" in values:
            region: Region = values.pop("region_code")
            if region.pk != enterprise.region_id:
                if not permissions.can_change_enterprise_region(self.viewer, enterprise) or not (
                    permissions.can_register_enterprise(self.viewer, region.path)
                ):
                    raise ValidationError({"region_code": [_("不能把企业迁出本机构辖区")]})
                changes["region"] = region
        if "industry_code" in values:
            changes["industry"] = values.pop("industry_code")
        changes.update(values)
        try:
            enterprise = services.enterprise_update(actor=request.user, enterprise=enterprise, **changes)
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response(EnterpriseSerializer(enterprise).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)
