from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dengta.core.access import get_visible_or_404, request_viewer
from dengta.core.decisions import require
from dengta.core.listpage import ChoiceFilter, Column, Filtered, ListPage, SearchFilter, render_list
from dengta.core.models import Event
from dengta.orgs.exports import SORTS, organizations_for
from dengta.orgs.forms import SwitchOrganizationForm
from dengta.orgs.models import AuthorityLevel, Organization, OrgType
from dengta.orgs.permissions import can_list_organizations
from dengta.orgs.viewer import SESSION_KEY

_THIRD = "col-6 col-md-3 col-xl-3"

ORGANIZATIONS = ListPage(
    url_name="orgs:organization_list",
    title=gettext_lazy("机构"),
    filter_label=gettext_lazy("筛选机构"),
    filters=(
        SearchFilter(
            label=gettext_lazy("名称或地区"),
            placeholder=gettext_lazy("例如：宁波"),
            width="col-12 col-md-6 col-xl-4",
        ),
        ChoiceFilter("type", gettext_lazy("机构类型"), choices=OrgType.choices, width=_THIRD),
        ChoiceFilter("level", gettext_lazy("行政层级"), choices=AuthorityLevel.choices, width=_THIRD),
    ),
    sorts=SORTS,
    default_sort="type",
    columns=(
        Column(gettext_lazy("名称"), sort="name"),
        Column(gettext_lazy("类型"), sort="type"),
        Column(gettext_lazy("层级")),
        Column(gettext_lazy("地区"), sort="region"),
    ),
    export="orgs.organizations",
    no_match=gettext_lazy("没有符合筛选条件的机构。"),
    actions_width="col-12 col-xl-2",
)


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(can_list_organizations(viewer))

    def rows(f: Filtered) -> QuerySet[Organization]:
        return organizations_for(viewer, f.params)[0]  # sorted again, the same way, by the page

    return render_list(request, "orgs/organization_list.html", ORGANIZATIONS, rows, viewer)


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
