"""An enterprise's product recommendations and the concentration watch over the API.

Recommendations: dengta.catalog.recommendations (bundles verified by the scoring engine) in its ``as_json``
shape. Concentration: dengta.catalog.watch (shares and the Herfindahl–Hirschman index) in its ``as_json``
shape with counts as integers and shares as decimal strings, so no number passes through a float.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dengta.api.assessment.serializers import ErrorSerializer
from dengta.api.base import ViewerMixin, require
from dengta.api.catalog.serializers import sub_industry_missing
from dengta.api.catalog.views import INVALID, REFUSED
from dengta.catalog import permissions, recommendations, watch
from dengta.core.access import get_visible_or_404
from dengta.reference.models import Region, SubIndustry
from dengta.registry.models import Enterprise
from dengta.registry.text import to_half_width

# ------------------------------------------------------------------------------------------ recommendations


class BundleProductSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    provider = serializers.CharField(help_text="the provider's name")
    list_price_yuan = serializers.CharField(help_text="decimal string")
    pilot_price_yuan = serializers.CharField(help_text="decimal string")


class BundleSerializer(serializers.Serializer[Any]):
    products = BundleProductSerializer(many=True)
    reaches_level = serializers.IntegerField(
        allow_null=True, help_text="the target level when the engine says the bundle reaches it, else null"
    )
    level_after = serializers.IntegerField(help_text="the level the engine computes with the bundle")
    list_yuan = serializers.CharField(help_text="list prices added up, decimal string")
    concession_yuan = serializers.CharField(help_text="the providers' concession, decimal string")
    subsidy_yuan = serializers.CharField(help_text="estimated subsidy by the default rule, decimal string")
    enterprise_share_yuan = serializers.CharField(
        help_text="what the enterprise pays: pilot prices less the estimated subsidy, decimal string"
    )
    explanation = serializers.ListField(
        child=serializers.CharField(),
        help_text="why, in the reader's language: changes, then level conditions",
    )
    explanation_data = serializers.JSONField(
        help_text="the same as data: changes (points in 1/10000) and the target level's conditions"
    )


class SubsidyRuleSerializer(serializers.Serializer[Any]):
    rate = serializers.CharField(help_text="decimal string, e.g. 0.5")
    cap_yuan = serializers.CharField(help_text="decimal string")
    min_level = serializers.IntegerField()
    version = serializers.CharField()


class RecommendationsSerializer(serializers.Serializer[Any]):
    """Without a scored MIIT 2024 assessment: assessment null, bundles empty and reason says why."""

    enterprise = serializers.CharField(help_text="the enterprise's credit code")
    assessment = serializers.IntegerField(
        allow_null=True, help_text="the scored assessment the bundles start from; null when there is none"
    )
    reason = serializers.CharField(
        allow_null=True, help_text="why there are no bundles when assessment is null"
    )
    level = serializers.IntegerField(help_text="the enterprise's level now (0–4)")
    target_level = serializers.IntegerField()
    already_there = serializers.BooleanField()
    subsidy_rule = SubsidyRuleSerializer(allow_null=True)
    bundles = BundleSerializer(many=True)


class RecommendationQuerySerializer(serializers.Serializer[Any]):
    target = serializers.ChoiceField(
        choices=[1, 2, 3, 4],
        required=False,
        help_text="target level (default: 二级, or the next level above it)",
    )


class EnterpriseRecommendationsView(ViewerMixin, APIView):
    """GET /api/v1/enterprises/{uscc}/recommendations/: for the enterprise itself (its own recommendations
    page) and the staff whose jurisdiction covers it (the enterprise's page in the register); others 404."""

    @extend_schema(
        summary="Product bundles that take the enterprise to its target level, verified by the engine",
        description="From the enterprise's latest scored MIIT 2024 assessment. Each bundle: products, "
        "reaches_level (null when it does not reach the target), enterprise_share_yuan and explanation. "
        "An enterprise without a scored assessment: 200 with assessment null, bundles [] and a reason.",
        parameters=[
            OpenApiParameter("uscc", str, OpenApiParameter.PATH, description="unified social credit code"),
            RecommendationQuerySerializer,
        ],
        responses={200: RecommendationsSerializer, 400: INVALID, **REFUSED},
    )
    def get(self, request: Request, uscc: str) -> Response:
        viewer = self.viewer
        enterprise = get_visible_or_404(
            Enterprise.objects.select_related("region", "industry"),
            viewer,
            uscc=to_half_width(uscc).strip().upper(),
        )
        if enterprise.organization_id is not None and enterprise.organization_id == viewer.organization_id:
            require(permissions.can_view_recommendations(viewer))
        else:
            require(permissions.can_view_enterprise_recommendations(viewer))
        params = RecommendationQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        view = recommendations.recommendations_for(
            enterprise, viewer, target_level=params.validated_data.get("target")
        )
        body = recommendations.as_json(view)
        body["reason"] = None if view.assessment is not None else _("该企业还没有已计分的评测。")
        return Response(RecommendationsSerializer(body).data)


# --------------------------------------------------------------------------------------------- concentration


class ShareSerializer(serializers.Serializer[Any]):
    provider = serializers.IntegerField(help_text="provider id")
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="quote requests counted for the provider")
    share_pct = serializers.CharField(help_text='share in %, one decimal, as a decimal string ("52.5")')


class MarketSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(help_text="region code of the market's city (or province); may be empty")
    region_name = serializers.CharField(allow_blank=True)
    sub_industry = serializers.CharField(allow_blank=True)
    sub_industry_name = serializers.CharField(allow_blank=True)
    total = serializers.IntegerField(help_text="quote requests counted (withdrawn ones left out)")
    hhi = serializers.IntegerField(
        allow_null=True, help_text="Herfindahl–Hirschman index 0–10,000; null: none"
    )
    top_share_pct = serializers.CharField(allow_null=True, help_text="the largest share, decimal string")
    warnings = serializers.ListField(
        child=serializers.ChoiceField(choices=["hhi_above", "top_share_above"]),
        help_text="the thresholds this market exceeds",
    )
    providers = ShareSerializer(many=True, help_text="largest share first")


class ThresholdsSerializer(serializers.Serializer[Any]):
    hhi_warning = serializers.IntegerField()
    top_share_warning_pct = serializers.CharField(help_text="decimal string")
    version = serializers.CharField()


class ConcentrationSerializer(MarketSerializer):
    """The filtered selection as one market at the top level, then every (city, sub-industry) market in it,
    most concentrated first. Counts are integers; shares and percentages decimal strings."""

    basis = serializers.CharField(help_text="what is counted: quote_requests")
    thresholds = ThresholdsSerializer()
    markets = MarketSerializer(many=True)


class ConcentrationQuerySerializer(serializers.Serializer[Any]):
    region = serializers.CharField(required=False, allow_blank=True, max_length=12, help_text="region code")
    sub_industry = serializers.CharField(required=False, allow_blank=True, max_length=40)

    def validate_region(self, value: str) -> str:
        value = value.strip()
        if value and not Region.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("行政区划代码不存在：%(value)s") % {"value": value})
        return value

    def validate_sub_industry(self, value: str) -> str:
        value = value.strip()
        if value and not SubIndustry.objects.filter(code=value).exists():
            raise serializers.ValidationError(sub_industry_missing(value))
        return value


def _counts(market: dict[str, Any]) -> dict[str, Any]:
    """Counts as integers: the pure calculation keeps amounts as Decimal (they may be yuan one day)."""
    return {
        **market,
        "total": int(market["total"]),
        "providers": [{**p, "count": int(p["count"])} for p in market["providers"]],
    }


class ConcentrationView(ViewerMixin, APIView):
    """GET /api/v1/concentration/: who holds each local market, in the caller's jurisdiction."""

    @extend_schema(
        summary="Provider shares and the HHI of quote requests, in the caller's jurisdiction",
        description="Filters: region (a code; its subtree) and sub_industry (a code). An unknown code: 400. "
        "Top level: the whole selection as one market (providers with share_pct, hhi); markets: each city "
        "and sub-industry.",
        parameters=[ConcentrationQuerySerializer],
        responses={200: ConcentrationSerializer, 400: INVALID, 403: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        viewer = self.viewer
        require(permissions.can_view_concentration(viewer))
        params = ConcentrationQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        chosen = {key: params.validated_data.get(key, "") for key in ("region", "sub_industry")}
        body = watch.as_json(watch.overall(viewer, **chosen), watch.markets(viewer, **chosen))
        body = {**_counts(body), "markets": [_counts(m) for m in body["markets"]]}
        return Response(ConcentrationSerializer(body).data)
