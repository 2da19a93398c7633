"""The organisation list's export, and how a job finds the Viewer of the person who started it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.decisions import require
from dengta.core.exports import Export, register_export
from dengta.core.lists import Sorts, sort_by
from dengta.core.models import Job
from dengta.core.search import name_search_q
from dengta.orgs.models import AuthorityLevel, Membership, Organization, OrgType
from dengta.orgs.permissions import can_list_organizations
from dengta.orgs.viewer import viewer_for_membership
from dengta.reference.models import Region

# By type, then by name within a type: a type alone would leave a million enterprises in id order.
SORTS: Sorts = {"name": "name", "type": ("type", "name"), "region": "region__code", "created": "created_at"}


def viewer_for_job(job: Job) -> Viewer:
    """The creator's Viewer in the organisation the job was started from, as the membership is now (rights
    may change between asking and running; a person who left the organisation gets nothing)."""
    if job.created_by_id is None or job.organization_id_ref is None:
        raise PermissionDenied("a job run for a person names the person and the organisation")
    membership = (
        Membership.objects.active()
        .select_related("organization", "organization__region", "user")
        .filter(user_id=job.created_by_id, organization_id=job.organization_id_ref)
        .first()
    )
    if membership is None:
        raise PermissionDenied("the person who started the job is no longer a member of the organisation")
    return viewer_for_membership(membership)


def _in_regions_named(q: str) -> Q:
    """Organisations in a region whose name contains ``q``. The region ids are read first (a few
    thousand regions at most), so that on PostgreSQL the condition is an index lookup that can be OR-ed
    with the name index, where a join on the region's name would make the planner read every row."""
    return Q(region_id__in=list(Region.objects.filter(name__icontains=q).values_list("pk", flat=True)))


def organizations_for(
    viewer: Viewer, params: QueryDict
) -> tuple[QuerySet[Organization], dict[str, str], str]:
    """The organisation list as the page shows it: (rows, filters, sort)."""
    qs: QuerySet[Organization] = Organization.objects.visible_to(viewer).select_related("region")
    q = params.get("q", "").strip()
    org_type = params.get("type", "")
    level = params.get("level", "")
    if q:
        qs = qs.filter(name_search_q(q, also=("short_name",)) | _in_regions_named(q))
    if org_type in OrgType.values:
        qs = qs.filter(type=org_type)
    if level in AuthorityLevel.values:
        qs = qs.filter(authority_level=level)
    qs, sort = sort_by(params, qs, SORTS, "type")
    return qs, {"q": q, "type": org_type, "level": level}, sort


class _Row:
    """One organisation's values (name, type, level, region code) → its row. Every enterprise is an
    organisation, so the national list is a million rows: region names from a map read once (as
    ``str(region)``: the full name), the choice labels once in the export's language."""

    def __init__(self) -> None:
        self._maps: tuple[dict[str, str], dict[str, str], dict[str, str]] | None = None

    def __call__(self, values: tuple[Any, ...]) -> tuple[str, ...]:
        if self._maps is None:
            regions = {
                code: full or name
                for code, full, name in Region.objects.values_list("code", "full_name", "name")
            }
            types = {str(v): str(label) for v, label in OrgType.choices}
            levels = {str(v): str(label) for v, label in AuthorityLevel.choices}
            self._maps = (regions, types, levels)
        regions, types, levels = self._maps
        name, org_type, level, region = values
        return (name, types.get(org_type, org_type), levels.get(level, level), regions.get(region, ""))


@register_export("orgs.organizations")
def organizations_export(viewer: Viewer, params: QueryDict) -> Export:
    require(can_list_organizations(viewer))
    qs, _filters, _sort = organizations_for(viewer, params)
    headers = [_("名称"), _("类型"), _("层级"), _("地区")]
    fields = ("name", "type", "authority_level", "region_id")
    return Export("organizations.xlsx", "organizations", headers, qs, _Row(), fields)
