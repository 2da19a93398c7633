"""Catalogue resources as JSON: money in yuan as decimal strings, reference data by code.

Input serializers check what a person typed with the services' own checks (``parse_price``, ``clean_lifts``,
the framework's scenario codes), so one request reports every problem at once; the services check again and
decide (ARCHITECTURE.md conventions 1 and 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dengta.api.assessment.fields import DecimalString
from dengta.api.assessment.serializers import DecisionSerializer
from dengta.catalog import permissions
from dengta.catalog.models import (
    Admission,
    AdmissionOpinion,
    AdmissionState,
    Category,
    Deployment,
    GovernanceAction,
    Pool,
    Product,
    ProductLift,
    ProductState,
    ProviderRating,
    QuoteRequest,
    QuoteState,
    Standing,
)
from dengta.catalog.services import admissions as admission_services
from dengta.catalog.services import products as product_services
from dengta.core.access import Viewer
from dengta.reference.models import SubIndustry
from dengta.registry.models import ProviderKind


def money(**kwargs: Any) -> serializers.DecimalField:
    """A read-only amount in yuan (convention 9's DecimalField), shown as a decimal string."""
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


def messages_of(error: DjangoValidationError, field: str) -> list[str]:
    """A service's messages for one field (or all of them, when it named none)."""
    if hasattr(error, "error_dict"):
        return list(error.message_dict.get(field, error.messages))
    return list(error.messages)


def price(raw: Any, field: str) -> Any:
    """A price in yuan by the services' rule (dengta.catalog.services.products.parse_price)."""
    try:
        return product_services.parse_price(raw, field)
    except DjangoValidationError as error:
        raise serializers.ValidationError(messages_of(error, field)) from None


def unknown_scenario(code: str) -> str:
    return _(product_services.LIFT_PROBLEMS["unknown_scenario"]) % {"code": code}


def sub_industry_missing(code: str) -> str:
    return _("细分行业代码不存在：%(value)s") % {"value": code}


@extend_schema_field(OpenApiTypes.STR)
class Plain(serializers.ChoiceField):
    """A choice shown in the schema as a plain string, its values in the help text: enums named state, kind
    or decision belong to other resources (as in dengta.api.registry)."""

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        values = (
            [value for value, _label in choices] if choices and isinstance(choices[0], tuple) else choices
        )
        kwargs.setdefault("help_text", ", ".join(str(v) for v in values))
        super().__init__(choices=choices, **kwargs)


def shown(choices: Any, note: str = "") -> Plain:
    """A read-only choice field of a model, as a plain string."""
    values = ", ".join(value for value, _label in choices)
    return Plain(choices, read_only=True, help_text=f"{note}{values}")


class SubIndustryCodes(serializers.SlugRelatedField[SubIndustry]):
    """细分行业 by code (GET /api/v1/sub-industries/ lists them)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", SubIndustry.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> SubIndustry:
        found = SubIndustry.objects.filter(code=str(data).strip()).first()
        if found is None:
            raise serializers.ValidationError(sub_industry_missing(str(data)))
        return found


class ProviderKindCode(serializers.SlugRelatedField[ProviderKind]):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", ProviderKind.objects.filter(is_active=True))
        super().__init__(**kwargs)


# ------------------------------------------------------------------------------------------------ pools


class PoolSerializer(serializers.ModelSerializer[Pool]):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    kinds: serializers.SlugRelatedField[ProviderKind] = serializers.SlugRelatedField(
        many=True, slug_field="code", read_only=True, help_text="provider kinds accepted (none: every kind)"
    )

    class Meta:
        model = Pool
        fields = [
            "id",
            "owner",
            "owner_name",
            "name",
            "period",
            "description",
            "kinds",
            "min_references",
            "expert_review",
            "is_open",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PoolWriteSerializer(serializers.Serializer[Any]):
    """A pool of the caller's own organisation; PATCH takes any of the fields."""

    name = serializers.CharField(max_length=200)
    period = serializers.IntegerField(min_value=2022, max_value=2100, help_text="the year the pool is for")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kinds = ProviderKindCode(many=True, required=False, default=list, help_text="provider kind codes")
    min_references = serializers.IntegerField(min_value=0, max_value=20, required=False, default=3)
    expert_review = serializers.BooleanField(required=False, default=False)
    is_open = serializers.BooleanField(required=False, default=True)


# ------------------------------------------------------------------------------------------- admissions


class ReferenceSerializer(serializers.Serializer[Any]):
    """One enterprise the provider served (the service checks the rows and numbers its problems)."""

    enterprise = serializers.CharField(max_length=200, allow_blank=True, default="")
    project = serializers.CharField(max_length=500, allow_blank=True, default="")
    year = serializers.CharField(max_length=4, allow_blank=True, required=False, default="")
    contact = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")


class OpinionSerializer(serializers.ModelSerializer[AdmissionOpinion]):
    expert_name = serializers.SerializerMethodField()

    class Meta:
        model = AdmissionOpinion
        fields = ["id", "expert", "expert_name", "recommend", "comment", "created_at"]
        read_only_fields = fields

    def get_expert_name(self, obj: AdmissionOpinion) -> str:
        return obj.expert.get_full_name() or obj.expert.get_username()


class MeasureSerializer(serializers.ModelSerializer[GovernanceAction]):
    kind = shown(GovernanceAction.Kind.choices)
    standing_before = shown(Standing.choices)
    appeal = shown(GovernanceAction.Appeal.choices, "empty: no appeal; ")

    class Meta:
        model = GovernanceAction
        fields = [
            "id",
            "kind",
            "reason",
            "rectify_by",
            "standing_before",
            "appeal",
            "appeal_text",
            "appeal_reason",
            "created_at",
        ]
        read_only_fields = fields


class AdmissionSerializer(serializers.ModelSerializer[Admission]):
    pool_name = serializers.CharField(source="pool.name", read_only=True)
    period = serializers.IntegerField(source="pool.period", read_only=True)
    provider_name = serializers.CharField(source="provider.organization.name", read_only=True)
    kind = serializers.CharField(source="kind_id", read_only=True, help_text="provider kind code")
    state = shown(AdmissionState.choices)
    standing = shown(Standing.choices, "once admitted: ")

    class Meta:
        model = Admission
        fields = [
            "id",
            "pool",
            "pool_name",
            "period",
            "provider",
            "provider_name",
            "kind",
            "state",
            "standing",
            "rectify_by",
            "submitted_at",
            "decided_at",
            "reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


ADMISSION_ACTIONS = {
    "edit": permissions.can_edit_admission,
    "withdraw": permissions.can_appeal,
    "review": permissions.can_review_admission,
    "opinion": permissions.can_give_opinion,
    "govern": permissions.can_govern,
}


class AdmissionDetailSerializer(AdmissionSerializer):
    sub_industries: serializers.SlugRelatedField[SubIndustry] = serializers.SlugRelatedField(
        many=True, slug_field="code", read_only=True
    )
    references = serializers.ListField(child=ReferenceSerializer(), read_only=True)
    scenarios = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="MIIT 2024 scenario codes served"
    )
    revenue_yuan = money(allow_null=True)
    net_assets_yuan = money(allow_null=True)
    missing = serializers.SerializerMethodField(
        help_text="what a submission still lacks (the applying provider only; empty for others)"
    )
    opinions = OpinionSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True, source="actions")
    actions = serializers.SerializerMethodField(
        help_text="what the caller may do now, each with the permission rule's reason"
    )

    class Meta(AdmissionSerializer.Meta):
        fields = [
            *AdmissionSerializer.Meta.fields,
            "qualifications",
            "sub_industries",
            "scenarios",
            "capacity",
            "references",
            "revenue_yuan",
            "net_assets_yuan",
            "security_certification",
            "security_valid_until",
            "missing",
            "opinions",
            "measures",
            "actions",
        ]
        read_only_fields = fields

    def get_missing(self, obj: Admission) -> list[str]:
        viewer: Viewer = self.context["viewer"]
        if obj.provider.organization_id != viewer.organization_id:
            return []
        return admission_services.completeness(obj)

    @extend_schema_field(serializers.DictField(child=DecisionSerializer()))
    def get_actions(self, obj: Admission) -> dict[str, dict[str, Any]]:
        viewer: Viewer = self.context["viewer"]
        out = {}
        for name, rule in ADMISSION_ACTIONS.items():
            decision = rule(viewer, obj)
            out[name] = {"allowed": decision.allowed, "reason": str(decision.reason)}
        return out


@extend_schema_field(OpenApiTypes.INT)
class VisiblePoolField(serializers.PrimaryKeyRelatedField[Pool]):
    """A pool id among those the caller sees (another: "does not exist", as for a missing id)."""

    def get_queryset(self) -> QuerySet[Pool]:
        viewer: Viewer = self.context["viewer"]
        # distinct: a provider's visible pools join its applications (Pool.objects.visible_to).
        return Pool.objects.visible_to(viewer).select_related("owner__region").distinct()


class AdmissionUpdateSerializer(serializers.Serializer[Any]):
    """The application's fields; amounts in yuan as strings or numbers."""

    kind = ProviderKindCode(required=False, help_text="provider kind code (default: the provider's own)")
    qualifications = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    sub_industries = SubIndustryCodes(many=True, required=False)
    scenarios = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        max_length=50,
        help_text="MIIT 2024 scenario codes (GET /api/v1/frameworks/{code}/ lists them)",
    )
    capacity = serializers.IntegerField(min_value=0, max_value=10000, required=False)
    references = serializers.ListField(child=ReferenceSerializer(), required=False, max_length=200)
    revenue_yuan = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    net_assets_yuan = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    security_certification = serializers.CharField(required=False, allow_blank=True, max_length=200)
    security_valid_until = serializers.DateField(required=False, allow_null=True)

    def validate_scenarios(self, value: list[str]) -> list[str]:
        fw = product_services.current_compiled()
        unknown = [code for code in value if fw.scenario(code) is None]
        if unknown:
            raise serializers.ValidationError([unknown_scenario(code) for code in unknown])
        return value

    def _money(self, value: Any, field: str) -> Any:
        # The amounts follow the prices' rule, worded as amounts (as on the page's form).
        if value in ("", None):
            return None
        try:
            return product_services.parse_price(value, field)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                [m.replace(_("价格"), _("金额")) for m in messages_of(error, field)]
            ) from None

    def validate_revenue_yuan(self, value: Any) -> Any:
        return self._money(value, "revenue_yuan")

    def validate_net_assets_yuan(self, value: Any) -> Any:
        return self._money(value, "net_assets_yuan")


class AdmissionCreateSerializer(AdmissionUpdateSerializer):
    pool = VisiblePoolField(help_text="id of the pool applied to (GET /api/v1/pools/)")


class DecideSerializer(serializers.Serializer[Any]):
    decision = Plain(["admit", "return", "refuse"])
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="needed to return or refuse"
    )


class OpinionInputSerializer(serializers.Serializer[Any]):
    recommend = serializers.BooleanField(help_text="true: recommend admission")
    comment = serializers.CharField(allow_blank=True, max_length=2000)


class GovernSerializer(serializers.Serializer[Any]):
    kind = Plain(GovernanceAction.Kind.choices)
    reason = serializers.CharField(allow_blank=True, max_length=2000)
    rectify_by = serializers.DateField(
        required=False, allow_null=True, help_text="the rectification deadline (a warning needs one)"
    )


# --------------------------------------------------------------------------------------------- products


class LiftSerializer(serializers.ModelSerializer[ProductLift]):
    kind = shown(ProductLift.Kind.choices)

    class Meta:
        model = ProductLift
        fields = ["kind", "code", "level", "options"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer[Product]):
    provider_name = serializers.CharField(source="provider.organization.name", read_only=True)
    sub_industries: serializers.SlugRelatedField[SubIndustry] = serializers.SlugRelatedField(
        many=True, slug_field="code", read_only=True
    )
    list_price_yuan = money(source="list_price")
    pilot_price_yuan = money(source="pilot_price")
    concession_yuan = money()
    concession_pct = DecimalString(help_text="the concession as % of the list price (null when free)")
    lifts = LiftSerializer(many=True, read_only=True)
    rating = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="the provider's stars when last computed"
    )
    state = shown(ProductState.choices)
    in_catalogue = serializers.SerializerMethodField(
        help_text="listed and its provider may be offered now (admitted, suspended nowhere)"
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "provider",
            "provider_name",
            "name",
            "description",
            "category",
            "deployment",
            "sub_industries",
            "list_price_yuan",
            "pilot_price_yuan",
            "concession_yuan",
            "concession_pct",
            "price_unit",
            "delivery_days",
            "references",
            "version",
            "lifts",
            "framework_code",
            "framework_version",
            "state",
            "reason",
            "rating",
            "in_catalogue",
            "submitted_at",
            "decided_at",
            "listed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_in_catalogue(self, obj: Product) -> bool:
        # ``provider_offered`` is annotated by the views (one query for a page, not one per row).
        return obj.state == ProductState.LISTED and bool(getattr(obj, "provider_offered", False))


class LiftInputSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(max_length=10, help_text="scenario or item")
    code = serializers.CharField(max_length=80, help_text="a scenario or item code of the MIIT 2024 index")
    level = serializers.IntegerField(required=False, default=0, help_text="scenario: the level reached, 1–4")
    options = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        default=list,
        help_text="item: the option keys the product reaches",
    )


class ProductWriteSerializer(serializers.Serializer[Any]):
    """A product and what it lifts; prices in yuan (strings or numbers, at most two decimals)."""

    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=4000)
    category = serializers.ChoiceField(choices=Category.choices)
    deployment = serializers.ChoiceField(choices=Deployment.choices)
    sub_industries = SubIndustryCodes(many=True, required=False)
    list_price_yuan = serializers.CharField(max_length=40)
    pilot_price_yuan = serializers.CharField(max_length=40, help_text="not above the list price")
    price_unit = serializers.CharField(max_length=20, required=False)
    delivery_days = serializers.IntegerField(min_value=1, max_value=730)
    references = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    version = serializers.CharField(required=False, allow_blank=True, max_length=40)
    lifts = LiftInputSerializer(many=True, help_text="at least one scenario or item the product lifts")

    def validate_list_price_yuan(self, value: Any) -> Any:
        return price(value, "list_price")

    def validate_pilot_price_yuan(self, value: Any) -> Any:
        return price(value, "pilot_price")

    def validate_lifts(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        try:
            product_services.clean_lifts(product_services.current_compiled(), rows)
        except DjangoValidationError as error:
            raise serializers.ValidationError(messages_of(error, "lifts")) from None
        return rows

    def validate(self, attrs: Mapping[str, Any]) -> Mapping[str, Any]:
        listed, pilot = attrs.get("list_price_yuan"), attrs.get("pilot_price_yuan")
        if listed is not None and pilot is not None and pilot > listed:
            raise serializers.ValidationError({"pilot_price_yuan": [_("试点优惠价不能高于市场价")]})
        return attrs

    def service_data(self) -> dict[str, Any]:
        """The validated fields under the services' names (prices as list_price and pilot_price)."""
        data: dict[str, Any] = dict(self.validated_data)
        names = {"list_price_yuan": "list_price", "pilot_price_yuan": "pilot_price"}
        return {names.get(k, k): v for k, v in data.items()}


class ReviewSerializer(serializers.Serializer[Any]):
    decision = Plain(["list", "reject"])
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="needed to reject"
    )


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


# ---------------------------------------------------------------------------------------------- quotes


class ProductRefSerializer(serializers.ModelSerializer[Product]):
    class Meta:
        model = Product
        fields = ["id", "name"]
        read_only_fields = fields


class QuoteSerializer(serializers.ModelSerializer[QuoteRequest]):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    provider_name = serializers.CharField(source="provider.organization.name", read_only=True)
    products = ProductRefSerializer(many=True, read_only=True)
    sub_industry = serializers.CharField(source="sub_industry_id", read_only=True, allow_null=True)
    quote_yuan = money(allow_null=True)
    state = shown(QuoteState.choices)

    class Meta:
        model = QuoteRequest
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "enterprise_uscc",
            "provider",
            "provider_name",
            "products",
            "sub_industry",
            "message",
            "state",
            "quote_yuan",
            "answer",
            "valid_until",
            "answered_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisibleProductField(serializers.PrimaryKeyRelatedField[Product]):
    """A product id among those the caller sees, or a listed one whose provider is suspended now: the
    service then refuses it with the reason (409), as the page does, rather than "no such product"."""

    def get_queryset(self) -> QuerySet[Product]:
        viewer: Viewer = self.context["viewer"]
        listed = Product.objects.filter(state=ProductState.LISTED).values("pk")
        return (Product.objects.visible_to(viewer) | Product.objects.filter(pk__in=listed)).select_related(
            "provider__organization"
        )


class QuoteCreateSerializer(serializers.Serializer[Any]):
    products = VisibleProductField(many=True, help_text="ids of listed products of one provider")
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class QuoteAnswerSerializer(serializers.Serializer[Any]):
    decline = serializers.BooleanField(required=False, default=False, help_text="true: decline, with answer")
    quote_yuan = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=40, help_text="the price quoted"
    )
    answer = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    valid_until = serializers.DateField(required=False, allow_null=True)


# ------------------------------------------------------------------------------------------- providers


class ComponentSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="satisfaction, on_time_milestones, acceptance_pass_rate, …")
    status = serializers.CharField(help_text="used, no_data or too_few")
    raw = serializers.CharField(allow_null=True, help_text="the input as a decimal string")
    normalised = serializers.CharField(allow_null=True, help_text="0–1, four decimals")
    weight = serializers.CharField()
    effective_weight = serializers.CharField(help_text="after leaving out the inputs without data")


class ProviderScoreSerializer(serializers.Serializer[Any]):
    """The star rating as last computed; before any computation, stars, score and formula_version are null."""

    provider = serializers.IntegerField()
    provider_name = serializers.CharField()
    stars = serializers.IntegerField(allow_null=True, help_text="1–5; null without enough data")
    score = serializers.CharField(allow_null=True, help_text="0–1 as a decimal string, four decimals")
    components = ComponentSerializer(many=True)
    formula_version = serializers.CharField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)


class RatingInputSerializer(serializers.Serializer[Any]):
    stars = serializers.IntegerField(help_text="satisfaction, 1–5")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class ProviderRatingSerializer(serializers.ModelSerializer[ProviderRating]):
    class Meta:
        model = ProviderRating
        fields = ["id", "provider", "enterprise", "stars", "comment", "created_at", "updated_at"]
        read_only_fields = fields


class RatedSerializer(serializers.Serializer[Any]):
    rating = ProviderRatingSerializer()
    score = ProviderScoreSerializer(help_text="the provider's rating, computed again with this one")
