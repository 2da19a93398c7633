from __future__ import annotations

from django.db.models import Q, QuerySet
from rest_framework import viewsets

from dengta.api.base import ViewerMixin, require
from dengta.api.serializers import (
    IndustrySerializer,
    OrganizationSerializer,
    RegionSerializer,
    SubIndustrySerializer,
)
from dengta.orgs.models import Organization
from dengta.orgs.permissions import can_list_organizations
from dengta.reference.models import Industry, Region, SubIndustry


class OrganizationViewSet(ViewerMixin, viewsets.ReadOnlyModelViewSet[Organization]):
    """Organisations the caller may see: their own, and those in their jurisdiction (as the pages)."""

    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()  # for the schema's types only; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[Organization]:
        qs = (
            Organization.objects.visible_to(self.viewer)
            .select_related("region")
            .order_by("type", "name", "pk")
        )
        params = self.request.query_params
        if params.get("type"):
            qs = qs.filter(type=params["type"])
        if params.get("q"):
            qs = qs.filter(name__icontains=params["q"])
        return qs

    def list(self, request, *args, **kwargs):
        require(can_list_organizations(self.viewer))
        return super().list(request, *args, **kwargs)


class RegionViewSet(ViewerMixin, viewsets.ReadOnlyModelViewSet[Region]):
    """GB/T 2260 divisions (plus 兵团 as a reporting unit). Filters: level, parent, q."""

    serializer_class = RegionSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Region]:
        qs = Region.objects.order_by("code")
        params = self.request.query_params
        if params.get("level", "").isdigit():
            qs = qs.filter(level=int(params["level"]))
        if params.get("parent"):
            qs = qs.filter(parent_id=params["parent"])
        if params.get("q"):
            qs = qs.filter(Q(name__icontains=params["q"]) | Q(code__startswith=params["q"]))
        return qs


class IndustryViewSet(ViewerMixin, viewsets.ReadOnlyModelViewSet[Industry]):
    """GB/T 4754-2017 codes. Filters: level, parent, focus (true), q."""

    serializer_class = IndustrySerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Industry]:
        qs = Industry.objects.order_by("code")
        params = self.request.query_params
        if params.get("level", "").isdigit():
            qs = qs.filter(level=int(params["level"]))
        if params.get("parent"):
            qs = qs.filter(parent_id=params["parent"])
        if params.get("focus") in ("1", "true"):
            qs = qs.exclude(focus_sector="")
        if params.get("q"):
            qs = qs.filter(Q(name__icontains=params["q"]) | Q(code__istartswith=params["q"]))
        return qs


class SubIndustryViewSet(ViewerMixin, viewsets.ReadOnlyModelViewSet[SubIndustry]):
    """The 细分行业 catalogue, each bound to GB/T 4754 codes."""

    serializer_class = SubIndustrySerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[SubIndustry]:
        qs = SubIndustry.objects.prefetch_related("industries").order_by("code")
        if self.request.query_params.get("q"):
            qs = qs.filter(name__icontains=self.request.query_params["q"])
        return qs
