"""Products over the API: the public catalogue (no login, as the catalogue page), a provider's own products
and their listing review; providers' star ratings and enterprises' ratings of them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from dengta.api.assessment.serializers import ErrorSerializer
from dengta.api.base import MAX_ID, require
from dengta.api.catalog.serializers import (
    ProductSerializer,
    ProductWriteSerializer,
    ProviderScoreSerializer,
    RatedSerializer,
    RatingInputSerializer,
    ReasonSerializer,
    ReviewSerializer,
    sub_industry_missing,
    unknown_scenario,
)
from dengta.api.catalog.views import INVALID, REFUSED, STEP, CatalogViewerMixin, no_profile, service_errors
from dengta.catalog import permissions, selectors, workflows
from dengta.catalog.exports import CATALOGUE_SORTS
from dengta.catalog.models import Category, Deployment, Product, ProviderRating, ProviderScore
from dengta.catalog.selectors import CatalogueFilters
from dengta.catalog.services import governance
from dengta.catalog.services import products as product_services
from dengta.core.access import Viewer, get_visible_or_404
from dengta.core.decisions import Conflict
from dengta.core.lists import sort_by
from dengta.reference.models import SubIndustry
from dengta.registry.models import Provider
from dengta.registry.selectors import own_enterprise

CACHE_SECONDS = 300  # as the catalogue page (dengta.catalog.views.public)
PRICE_FIELDS = {"list_price": "list_price_yuan", "pilot_price": "pilot_price_yuan"}


class CatalogueQuerySerializer(serializers.Serializer[Any]):
    """The catalogue page's filters; a value that means nothing is 400 with the reason (the page ignores it
    and says so)."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="name or description"
    )
    sub_industry = serializers.CharField(required=False, allow_blank=True, max_length=40)
    scenario = serializers.CharField(
        required=False, allow_blank=True, max_length=80, help_text="a MIIT 2024 scenario the product lifts"
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    deployment = serializers.ChoiceField(choices=Deployment.choices, required=False, allow_blank=True)
    price_min = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=Decimal(0), required=False, help_text="pilot price, yuan"
    )
    price_max = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=Decimal(0), required=False, help_text="pilot price, yuan"
    )
    days_max = serializers.IntegerField(min_value=1, max_value=3650, required=False, help_text="delivery")
    rating_min = serializers.IntegerField(
        min_value=1, max_value=5, required=False, help_text="provider stars"
    )
    provider = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="provider id"
    )
    mine = serializers.BooleanField(
        required=False, default=False, help_text="a provider's own products in every state (signed in)"
    )
    sort = serializers.ChoiceField(
        choices=[key for name in CATALOGUE_SORTS for key in (name, f"-{name}")], required=False
    )

    def validate_sub_industry(self, value: str) -> str:
        if value and not SubIndustry.objects.filter(code=value).exists():
            raise serializers.ValidationError(sub_industry_missing(value))
        return value

    def validate_scenario(self, value: str) -> str:
        if value and product_services.current_compiled().scenario(value) is None:
            raise serializers.ValidationError(unknown_scenario(value))
        return value

    def filters(self) -> CatalogueFilters:
        values = self.validated_data
        return CatalogueFilters(
            **{
                name: values[name]
                for name in (
                    "q",
                    "sub_industry",
                    "scenario",
                    "category",
                    "deployment",
                    "price_min",
                    "price_max",
                    "days_max",
                    "rating_min",
                    "provider",
                )
                if name in values
            }
        )


def offered(qs: QuerySet[Product]) -> QuerySet[Product]:
    """Products with ``provider_offered``: whether their provider may be offered now (a subquery, not a
    query per row)."""
    return qs.annotate(
        provider_offered=ExpressionWrapper(selectors.in_good_standing_q(), output_field=BooleanField())
    ).select_related("provider__organization")


@extend_schema_view(
    list=extend_schema(
        summary="The public catalogue (no login), or a provider's own products with mine=1",
        description="Listed products of providers that may be offered now, with the catalogue page's filters "
        "and sorts. Signed-in providers see their own products in every state with mine=1.",
        parameters=[CatalogueQuerySerializer],
        responses={200: ProductSerializer(many=True), 400: INVALID, 403: ErrorSerializer},
    ),
    retrieve=extend_schema(
        summary="One product (listed ones for everyone; the provider's own and, for reviewing staff, those "
        "of their jurisdiction in any state)",
        responses={200: ProductSerializer, 404: ErrorSerializer},
    ),
)
class ProductViewSet(
    CatalogViewerMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Product]
):
    """小快轻准 products: read by everyone, written by their provider, listed by the programme staff."""

    public_actions = frozenset({"list", "retrieve"})
    serializer_class = ProductSerializer
    queryset = Product.objects.none()  # for the schema's types only; get_queryset scopes every request
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Product]:
        params = CatalogueQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        if params.validated_data.get("mine"):
            require(permissions.can_use_provider_workspace(self.viewer))
            qs = selectors.narrow(selectors.products_of(self.viewer), params.filters())
        else:
            qs = selectors.catalogue(params.filters())
        qs = offered(qs).prefetch_related("lifts", "sub_industries")
        ordered, _sort = sort_by(self.request.query_params, qs, CATALOGUE_SORTS, "name")
        return ordered

    def get_object(self) -> Product:
        return get_visible_or_404(
            offered(Product.objects.prefetch_related("lifts", "sub_industries")),
            self.viewer,
            pk=self.kwargs["pk"],
        )

    def _public(self, response: Response) -> Response:
        # As the catalogue page: anonymous answers may be cached briefly by shared caches; others privately.
        visibility = "public" if not self.viewer.is_authenticated else "private"
        response["Cache-Control"] = f"{visibility}, max-age={CACHE_SECONDS}"
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._public(super().list(request, *args, **kwargs))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._public(super().retrieve(request, *args, **kwargs))

    def _detail(self, product: Product, code: int = status.HTTP_200_OK) -> Response:
        fresh = get_visible_or_404(
            offered(Product.objects.prefetch_related("lifts", "sub_industries")), self.viewer, pk=product.pk
        )
        return Response(ProductSerializer(fresh).data, status=code)

    @extend_schema(
        summary="Add a product of the caller's provider (a draft, to submit for listing)",
        description="Lifts are checked against the current MIIT 2024 framework; prices are yuan with at most "
        "two decimals and the pilot price is not above the list price. Every problem is 400 with its reason.",
        request=ProductWriteSerializer,
        responses={201: ProductSerializer, 400: INVALID, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_manage_products(self.viewer))
        data = ProductWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        provider = selectors.own_provider(self.viewer)
        if provider is None:
            raise no_profile("provider")
        values = data.service_data()
        with service_errors(PRICE_FIELDS):
            product = product_services.product_create(
                actor=request.user,
                provider=provider,
                sub_industries=values.pop("sub_industries", []),
                **values,
            )
        return self._detail(product, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft, rejected or delisted product (its provider)",
        description="A pending or listed product: 409 (delist it first).",
        request=ProductWriteSerializer,
        responses={200: ProductSerializer, **STEP},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        product = self.get_object()
        require(permissions.can_edit_product(self.viewer, product))
        if product.state not in workflows.PRODUCT_EDITABLE:
            raise Conflict(_("上架审核中或已上架的产品不能修改；请先下架再修改"))
        data = ProductWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.service_data()
        with service_errors(PRICE_FIELDS):
            product_services.product_update(
                actor=request.user,
                product=product,
                sub_industries=values.pop("sub_industries", None),
                **values,
            )
        return self._detail(product)

    @extend_schema(
        summary="Submit for listing (its provider)",
        description="A provider not admitted to a pool, or suspended in one: 409 with the reason.",
        request=None,
        responses={200: ProductSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        product = self.get_object()
        require(permissions.can_edit_product(self.viewer, product))
        with service_errors(PRICE_FIELDS):
            product_services.product_submit(actor=request.user, product=product)
        return self._detail(product)

    @extend_schema(
        summary="List or reject a pending product (programme staff of the provider's jurisdiction)",
        request=ReviewSerializer,
        responses={200: ProductSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        product = self.get_object()
        require(permissions.can_review_listing(self.viewer, product))
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            product_services.product_review(actor=request.user, product=product, **data.validated_data)
        return self._detail(product)

    @extend_schema(
        summary="Take a listed product off the catalogue (its provider, or programme staff), with a reason",
        request=ReasonSerializer,
        responses={200: ProductSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def delist(self, request: Request, pk: str | None = None) -> Response:
        product = self.get_object()
        require(permissions.can_delist(self.viewer, product))
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            product_services.product_delist(
                actor=request.user, product=product, reason=data.validated_data["reason"]
            )
        return self._detail(product)


# ------------------------------------------------------------------------------------------- providers


def public_provider(viewer: Viewer, pk: Any) -> Provider:
    """The provider as its public page finds it (dengta.catalog.selectors.public_provider), or 404."""
    provider = selectors.public_provider(viewer, int(pk)) if str(pk).isdigit() else None
    if provider is None:
        raise NotFound()
    return provider


def score_data(provider: Provider) -> dict[str, Any]:
    score = ProviderScore.objects.filter(provider=provider).first()
    return {
        "provider": provider.pk,
        "provider_name": provider.organization.name,
        "stars": score.stars if score else None,
        "score": None if score is None or score.score is None else str(score.score),
        "components": list(score.components) if score else [],
        "formula_version": score.formula_version if score else None,
        "computed_at": score.updated_at if score else None,
    }


class ProviderRatingViewSet(CatalogViewerMixin, viewsets.GenericViewSet[Provider]):
    """A provider's star rating (public, like its page) and enterprises' satisfaction ratings of it."""

    public_actions = frozenset({"rating"})
    serializer_class = ProviderScoreSerializer
    queryset = Provider.objects.none()  # for the schema's types only

    @extend_schema(
        summary="The provider's star rating with its formula version and every input (no login)",
        description="stars, score, components and formula_version as last computed "
        "(data/rating-formula.json); before the first computation they are null and components is empty.",
        responses={200: ProviderScoreSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"])
    def rating(self, request: Request, pk: str | None = None) -> Response:
        provider = public_provider(self.viewer, pk)
        response = Response(ProviderScoreSerializer(score_data(provider)).data)
        visibility = "public" if not self.viewer.is_authenticated else "private"
        response["Cache-Control"] = f"{visibility}, max-age={CACHE_SECONDS}"
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response

    @extend_schema(
        summary="Rate the provider as the caller's enterprise (1–5 stars); the rating is computed again",
        description="Only an enterprise that worked with the provider (accepted its quote, or was diagnosed "
        "by it) may rate it: otherwise 400 with the reason. Rating again replaces the earlier rating (200).",
        request=RatingInputSerializer,
        responses={
            201: RatedSerializer,
            200: OpenApiResponse(RatedSerializer, description="an earlier rating replaced"),
            400: INVALID,
            **REFUSED,
            409: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def ratings(self, request: Request, pk: str | None = None) -> Response:
        require(permissions.can_rate_providers(self.viewer))
        enterprise = own_enterprise(self.viewer)
        if enterprise is None:
            raise no_profile("enterprise")
        provider = public_provider(self.viewer, pk)
        data = RatingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        existed = ProviderRating.objects.filter(provider=provider, enterprise=enterprise).exists()
        with service_errors():
            rating = governance.provider_rate(
                actor=request.user, provider=provider, enterprise=enterprise, **data.validated_data
            )
        body = {"rating": rating, "score": score_data(provider)}
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(RatedSerializer(body).data, status=code)
