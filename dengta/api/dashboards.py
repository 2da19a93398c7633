"""The dashboards' figures over the API: ``GET /api/v1/dashboards/summary/`` (docs/dashboards.md).

Read from the per-region tallies (dengta.analytics.summary), never from the raw tables; the figures of
sibling regions add up to their parent's. Money is a decimal string with two places, like the rest of the
API; counts are integers.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dengta.analytics import permissions, selectors
from dengta.analytics.summary import summary_for
from dengta.api.assessment.serializers import ErrorSerializer
from dengta.api.base import MAX_ID, ViewerMixin, require
from dengta.api.catalog.views import INVALID


def money(help_text: str) -> serializers.DecimalField:
    """Yuan as a decimal string with two places, like every amount of the API."""
    return serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=True, help_text=help_text
    )


class SummaryQuerySerializer(serializers.Serializer[Any]):
    region = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text="region code (GB/T 2260); omitted: the caller's whole jurisdiction, the country for "
        "national staff. Unknown or outside the caller's jurisdiction: 404",
    )
    batch = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="only this batch's pilots (id); unknown: 404"
    )
    programme = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="only the pilots of this programme's batches (id); unknown: 404",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("batch") is not None and attrs.get("programme") is not None:
            raise serializers.ValidationError({"batch": [_("批次和试点计划只能选择一个")]})
        return attrs


class RegionRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class SummarySerializer(serializers.Serializer[Any]):
    region = RegionRefSerializer(
        allow_null=True, help_text="the region counted; null: the whole country (or jurisdiction)"
    )
    batch = serializers.IntegerField(allow_null=True)
    programme = serializers.IntegerField(allow_null=True)
    enterprises = serializers.IntegerField(help_text="enterprises registered in the region")
    pilot_enterprises = serializers.IntegerField(help_text="enterprises in the pool of a pilot")
    pilot_gs = serializers.IntegerField(help_text="pilot enterprises above designated size")
    pilot_gs_at_level2_plus = serializers.IntegerField(
        help_text="pilot enterprises above designated size whose newest final MIIT 2024 result is level 2 "
        "or above"
    )
    pilot_gs_share_level2_plus = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        coerce_to_string=True,
        allow_null=True,
        help_text="pilot_gs_at_level2_plus / pilot_gs (the target is 0.90); null when pilot_gs is 0",
    )
    allocated_yuan = money(
        "the pilots' funds allocated (central award and local matching); below a pilot's region, "
        "the part of its allocation that falls to the region's pilot enterprises",
    )
    committed_yuan = money("subsidies committed to approved projects")
    paid_yuan = money("subsidies paid")
    refreshed_at = serializers.DateTimeField(allow_null=True, help_text="when the figures were counted")
    stale = serializers.BooleanField(help_text="data changed since: a newer count is on its way")


class SummaryView(ViewerMixin, APIView):
    """GET /api/v1/dashboards/summary/: a region's headline figures, in the caller's jurisdiction."""

    @extend_schema(
        summary="A region's enterprises, pilot enterprises at level 2 or above, and the pilots' money",
        description="Counts are read from per-region tallies refreshed by jobs after each change; for any "
        "set of sibling regions the figures add up to their parent's. Filters: region, batch or programme "
        "(one of the two). An unknown region, batch or programme, or a region outside the caller's "
        "jurisdiction: 404.",
        parameters=[SummaryQuerySerializer],
        responses={200: SummarySerializer, 400: INVALID, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        viewer = self.viewer
        require(permissions.can_view_dashboards(viewer))
        params = SummaryQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        scope = selectors.scope_of(
            viewer,
            region=data.get("region", "").strip(),
            batch=data.get("batch"),
            programme=data.get("programme"),
        )
        figures = summary_for(scope.parts, suffix=scope.suffix)
        body = {
            "region": None
            if scope.region is None
            else {"code": scope.region.code, "name": scope.region.name},
            "batch": scope.batch.pk if scope.batch is not None else None,
            "programme": scope.programme.pk if scope.programme is not None else None,
            "enterprises": figures.enterprises,
            "pilot_enterprises": figures.pilot_enterprises,
            "pilot_gs": figures.pilot_gs,
            "pilot_gs_at_level2_plus": figures.pilot_gs_at_level2_plus,
            "pilot_gs_share_level2_plus": figures.pilot_gs_share,
            "allocated_yuan": figures.allocated_yuan,
            "committed_yuan": figures.committed_yuan,
            "paid_yuan": figures.paid_yuan,
            "refreshed_at": figures.refreshed_at,
            "stale": figures.stale,
        }
        return Response(SummarySerializer(body).data)
