"""Enterprises over the API: the registry's services, selectors and permission rules, as the pages use."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dengta.api.base import ViewerMixin, require
from dengta.core.access import get_visible_or_404
from dengta.core.workflows import TransitionRefused
from dengta.reference.models import Industry, Region
from dengta.reference.selectors import current_size_rules
from dengta.reference.sizing import SizeRules, normalise_industry_code
from dengta.registry import permissions, services
from dengta.registry.models import Enterprise, EnterpriseChange, Tier
from dengta.registry.plausibility import PlausibilityWarning
from dengta.registry.selectors import (
    ChangeFilters,
    EnterpriseFilters,
    changes_for,
    enterprises_for,
    proposed_values,
)
from dengta.registry.sizing import SizeFields, size_for
from dengta.registry.templatetags.registry_tags import person
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
    figures_checked = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true after checking figures that raised plausibility warnings (the 400 answer lists them)",
    )

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


class EnterpriseChangeSerializer(serializers.ModelSerializer[EnterpriseChange]):
    """A change an enterprise proposed to its own figures; amounts in yuan like the enterprise's fields."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    # Plain strings in the schema: the enums of the same names (state, size_class) belong to other resources.
    state = serializers.CharField(read_only=True, help_text="pending, confirmed, rejected or superseded")
    proposed = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    submitted_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    proposed_size_class = serializers.SerializerMethodField()
    proposed_is_above_designated_size = serializers.SerializerMethodField()

    class Meta:
        model = EnterpriseChange
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "state",
            "proposed",
            "previous",
            "warnings",
            "figures_checked",
            "proposed_size_class",
            "proposed_is_above_designated_size",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "reason",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "description": "proposed fields only: industry_code, employees, revenue_yuan, assets_yuan, tier",
            "additionalProperties": True,
        }
    )
    def get_proposed(self, change: EnterpriseChange) -> dict[str, Any]:
        names = {"industry": "industry_code", "revenue": "revenue_yuan", "total_assets": "assets_yuan"}
        return {
            names.get(k, k): (v.pk if isinstance(v, Industry) else str(v) if isinstance(v, Decimal) else v)
            for k, v in change.proposed().items()
        }

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        }
    )
    def get_warnings(self, change: EnterpriseChange) -> list[dict[str, str]]:
        return _warning_rows(PlausibilityWarning.from_dict(w) for w in change.warnings or [])

    def get_submitted_by(self, change: EnterpriseChange) -> str:
        return person(change.submitted_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decided_by(self, change: EnterpriseChange) -> str | None:
        return person(change.decided_by) if change.decided_by_id else None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A listing serialises every row with one child serializer: the size standard is read once for the
        # response and each change's proposed size worked out once, not twice a row (docs/lists.md: a list's
        # query count does not grow with its rows; it was two queries a row, 100 for a page of 50).
        self._size_rules: SizeRules | None = None
        self._proposed_sizes: dict[int, SizeFields] = {}

    def _proposed_size(self, change: EnterpriseChange) -> SizeFields:
        """The size class and 规上 flag the change would give by the current standard."""
        if change.pk not in self._proposed_sizes:
            if self._size_rules is None:
                self._size_rules = current_size_rules()
            values = proposed_values(change)
            self._proposed_sizes[change.pk] = size_for(
                self._size_rules,
                industry_code=values["industry"].pk,
                employees=values["employees"],
                revenue=values["revenue"],
                total_assets=values["total_assets"],
            )
        return self._proposed_sizes[change.pk]

    @extend_schema_field(
        serializers.CharField(help_text="large, medium, small or micro, by the current size standard")
    )
    def get_proposed_size_class(self, change: EnterpriseChange) -> str:
        return self._proposed_size(change).size_class

    def get_proposed_is_above_designated_size(self, change: EnterpriseChange) -> bool:
        return self._proposed_size(change).is_above_designated_size


def _warning_rows(warnings: Iterable[PlausibilityWarning]) -> list[dict[str, str]]:
    return [{"code": w.code, "field": w.field, "message": w.render(_)} for w in warnings]


class PendingChangeResponseSerializer(serializers.Serializer[Any]):
    """202: the enterprise's own change waits for its authority; ``enterprise`` still shows the confirmed
    figures, size class and 规上 flag."""

    detail = serializers.CharField()
    enterprise = EnterpriseSerializer()
    pending_change = EnterpriseChangeSerializer()


class RejectSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)


PATCH_DESCRIPTION = (
    "An authority (or ministry programme staff) changes the enterprise at once: 200 with the enterprise.\n\n"
    "The enterprise's own members: name and address change at once; industry_code, employees, "
    "revenue_10k_yuan, assets_10k_yuan and tier become a pending change that the enterprise's authority "
    "confirms or rejects (/api/v1/enterprise-changes/): 202 with the pending change, while the enterprise's "
    "confirmed figures, size class and is_above_designated_size stay as they were. A newer PATCH replaces "
    "the pending change (its values are added to it).\n\n"
    "Figures that raise plausibility warnings answer 400 with `warnings` until resent with "
    "figures_checked=true."
)


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
        except services.FiguresUnchecked as exc:
            raise ValidationError(
                {"figures_checked": exc.messages, "warnings": _warning_rows(exc.warnings)}
            ) from exc
        except services.DuplicateUscc as exc:
            body: dict[str, Any] = {"uscc": exc.messages}
            existing = exc.existing
            if isinstance(existing, Enterprise) and permissions.can_view_enterprise(self.viewer, existing):
                body["existing"] = request.build_absolute_uri(f"/api/v1/enterprises/{existing.pk}/")
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response(EnterpriseSerializer(enterprise).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=EnterpriseUpdateSerializer,
        responses={200: EnterpriseSerializer, 202: PendingChangeResponseSerializer},
        description=PATCH_DESCRIPTION,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enterprise = self.get_object()
        require(permissions.can_edit_enterprise(self.viewer, enterprise))
        data = EnterpriseUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        checked = bool(values.pop("figures_checked", False))
        changes: dict[str, Any] = {}
        needs_review = permissions.edits_need_review(self.viewer, enterprise)
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
        change: EnterpriseChange | None = None
        try:
            if needs_review:
                enterprise, change = services.enterprise_self_update(
                    actor=request.user, enterprise=enterprise, figures_checked=checked, **changes
                )
            else:
                enterprise = services.enterprise_update(
                    actor=request.user, enterprise=enterprise, figures_checked=checked, **changes
                )
        except services.FiguresUnchecked as exc:
            raise ValidationError(
                {"figures_checked": exc.messages, "warnings": _warning_rows(exc.warnings)}
            ) from exc
        except DjangoValidationError as exc:
            _raise_drf(exc)
        touched = {"industry", "employees", "revenue_10k_yuan", "assets_10k_yuan", "tier"} & set(changes)
        if change is not None and touched:
            body = {
                "detail": _("已提交信息变更，主管部门确认后生效；在此之前企业规模和规上标志保持不变"),
                "enterprise": EnterpriseSerializer(enterprise).data,
                "pending_change": EnterpriseChangeSerializer(change).data,
            }
            return Response(body, status=status.HTTP_202_ACCEPTED)
        return Response(EnterpriseSerializer(enterprise).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=["pending", "confirmed", "rejected", "superseded"],
                description="default pending; empty for every state",
            ),
            OpenApiParameter("q", str, description="enterprise name or credit code contains"),
            OpenApiParameter("region", str, description="region code (its subtree)"),
        ]
    )
)
class EnterpriseChangeViewSet(
    ViewerMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[EnterpriseChange],
):
    """Changes enterprises proposed to their own figures, in the caller's jurisdiction (or their own), with
    confirm and reject for the authority covering the enterprise and ministry programme staff."""

    serializer_class = EnterpriseChangeSerializer
    queryset = EnterpriseChange.objects.none()  # for the schema's types only; get_queryset scopes requests

    def get_queryset(self) -> QuerySet[EnterpriseChange]:
        filters = ChangeFilters.from_params(self.request.query_params)
        return changes_for(self.viewer, filters).order_by("pk")

    def get_object(self) -> EnterpriseChange:
        change = get_visible_or_404(
            EnterpriseChange.objects.select_related("enterprise", "enterprise__region", "industry"),
            self.viewer,
            pk=self.kwargs["pk"],
        )
        require(permissions.can_view_enterprise_change(self.viewer, change))
        return change

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_list_enterprise_changes(self.viewer))
        return super().list(request, *args, **kwargs)

    def _decide(self, change: EnterpriseChange) -> None:
        # The Decision says 404, 403 or 409; dengta.api.base maps it as the pages do (convention 15).
        require(permissions.can_review_enterprise_change(self.viewer, change))

    @extend_schema(request=None, responses={200: EnterpriseChangeSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        change = self.get_object()
        self._decide(change)
        try:
            change = services.enterprise_change_confirm(actor=request.user, change=change)
        except TransitionRefused as exc:
            raise ChangeConflict(" ".join(exc.messages)) from exc
        return Response(EnterpriseChangeSerializer(change).data)

    @extend_schema(request=RejectSerializer, responses={200: EnterpriseChangeSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        change = self.get_object()
        self._decide(change)
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            change = services.enterprise_change_reject(
                actor=request.user, change=change, reason=data.validated_data["reason"]
            )
        except TransitionRefused as exc:
            raise ChangeConflict(" ".join(exc.messages)) from exc
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response(EnterpriseChangeSerializer(change).data)


class ChangeConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "conflict"
    default_code = "conflict"
