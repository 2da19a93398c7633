from __future__ import annotations

from typing import TypeVar

from django.db.models import QuerySet
from rest_framework import viewsets

from dengta.api.base import ViewerMixin, require
from dengta.api.serializers import (
    IndustrySerializer,
    OrganizationSerializer,
    RegionSerializer,
    SubIndustrySerializer,
)
from dengta.core.search import name_search_q
from dengta.orgs.models import Organization
from dengta.orgs.permissions import can_list_organizations
from dengta.reference.models import Industry, Region, SubIndustry
from dengta.reference.selectors import industry_search, region_search, sub_industry_search


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
            qs = qs.filter(name_search_q(params["q"]))
        return qs

    def list(self, request, *args, **kwargs):
        require(can_list_organizations(self.viewer))
        return super().list(request, *args, **kwargs)


M = TypeVar("M", Region, Industry)


def _children_of(qs: QuerySet[M], parent: str) -> QuerySet[M]:
    """The API's one filter the pages do not have: the direct children of a code (cascading pickers)."""
    return qs.filter(parent_id=parent.strip().upper()) if parent.strip() else qs


class RegionViewSet(ViewerMixin, viewsets.ReadOnlyModelViewSet[Region]):
    """GB/T 2260 divisions (and 兵团 as a reporting unit). Filters as the page (q, level, flag), parent."""

    serializer_class = RegionSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Region]:
        params = self.request.query_params
        qs = region_search(q=params.get("q", ""), level=params.get("level", ""), flag=params.get("flag", ""))
        return _children_of(qs, params.get("parent", ""))


class IndustryViewSet(ViewerMixin, viewsets.ReadOnlyModelViewSet[Industry]):
    """GB/T 4754-2017 codes. Filters as the page (q, level, focus: 1/true or a sector label), and parent."""

    serializer_class = IndustrySerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Industry]:
        params = self.request.query_params
        focus = "1" if params.get("focus") == "true" else params.get("focus", "")
        qs = industry_search(q=params.get("q", ""), level=params.get("level", ""), focus=focus)
        return _children_of(qs, params.get("parent", ""))


class SubIndustryViewSet(ViewerMixin, viewsets.ReadOnlyModelViewSet[SubIndustry]):
    """The 细分行业 catalogue, each bound to GB/T 4754 codes."""

    serializer_class = SubIndustrySerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[SubIndustry]:
        params = self.request.query_params
        return sub_industry_search(q=params.get("q", ""), focus=params.get("focus", ""))
