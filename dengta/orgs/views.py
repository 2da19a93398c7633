from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dengta.core.access import get_visible_or_404, request_viewer
from dengta.core.decisions import require
from dengta.core.exports import export_response
from dengta.core.lists import paginate
from dengta.core.models import Event
from dengta.orgs.exports import organizations_for
from dengta.orgs.forms import SwitchOrganizationForm
from dengta.orgs.models import AuthorityLevel, Organization, OrgType
from dengta.orgs.permissions import can_list_organizations
from dengta.orgs.viewer import SESSION_KEY


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(can_list_organizations(viewer))
    if request.GET.get("export") == "xlsx":
        return export_response(request, "orgs.organizations")
    qs, filters, sort = organizations_for(viewer, request.GET)
    context = {
        "filters": filters,
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
