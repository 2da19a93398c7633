from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dengta.core.access import get_visible_or_404, request_viewer
from dengta.core.lists import apply_sort, paginate, xlsx_response
from dengta.core.models import Event
from dengta.orgs.forms import SwitchOrganizationForm
from dengta.orgs.models import AuthorityLevel, Organization, OrgType
from dengta.orgs.permissions import can_list_organizations
from dengta.orgs.viewer import SESSION_KEY

SORTS = {"name": "name", "type": "type", "region": "region__code", "created": "created_at"}


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not can_list_organizations(viewer):
        raise Http404
    qs: QuerySet[Organization] = Organization.objects.visible_to(viewer).select_related("region")
    q = request.GET.get("q", "").strip()
    org_type = request.GET.get("type", "")
    level = request.GET.get("level", "")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(region__name__icontains=q))
    if org_type in OrgType.values:
        qs = qs.filter(type=org_type)
    if level in AuthorityLevel.values:
        qs = qs.filter(authority_level=level)
    qs, sort = apply_sort(request, qs, SORTS, "type")
    if request.GET.get("export") == "xlsx":
        rows = (
            (o.name, o.get_type_display(), o.get_authority_level_display(), str(o.region or "")) for o in qs
        )
        return xlsx_response("organizations.xlsx", [_("名称"), _("类型"), _("层级"), _("地区")], rows)
    context = {
        "filters": {"q": q, "type": org_type, "level": level},
        "sort": sort,
        "types": OrgType.choices,
        "levels": AuthorityLevel.choices,
        **paginate(request, qs),
    }
    return render(request, "orgs/organization_list.html", context)


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    org = get_visible_or_404(Organization.objects.select_related("region"), viewer, pk=pk)
    members = org.memberships.select_related("user").order_by("role", "user__username")
    events = Event.objects.visible_to(viewer).filter(organization_id_ref=org.pk).order_by("-seq")[:20]
    return render(
        request, "orgs/organization_detail.html", {"org": org, "members": members, "events": events}
    )


@login_required
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    form = SwitchOrganizationForm(request.POST)
    memberships = {m.organization_id: m for m in request.memberships}  # type: ignore[attr-defined]
    if not form.is_valid() or form.cleaned_data["organization"] not in memberships:
        # Not one of the person's organisations: same answer as a missing one.
        raise Http404
    org_id = form.cleaned_data["organization"]
    request.session[SESSION_KEY] = org_id
    messages.info(request, _("已切换到 %(org)s") % {"org": memberships[org_id].organization.name})
    # The page being viewed may belong to the old organisation; the home page always exists.
    return HttpResponseRedirect(reverse("core:home"))
