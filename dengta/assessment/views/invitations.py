"""Diagnosis invitations: an enterprise finds providers of its province by name and invites them, answers
their requests and withdraws; a provider sees who invited it and asks an enterprise to invite it. Thin views:
parse → authorise (permissions) → call a service (dengta.assessment.invitations) → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dengta.assessment import invitations, permissions, selectors
from dengta.assessment.forms import InvitationRequestForm, ProviderSearchForm
from dengta.assessment.models import DiagnosisInvitation, InvitationState
from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.decisions import require
from dengta.orgs.models import Organization, OrgType
from dengta.registry.selectors import own_enterprise


def _enterprise_page(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    enterprise = own_enterprise(viewer)
    if enterprise is None:
        raise Http404
    search = ProviderSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    rows = list(selectors.invitations_for(viewer).filter(enterprise=enterprise))
    open_by_provider = {
        i.provider_id: i for i in rows if i.state in (InvitationState.REQUESTED, InvitationState.ACTIVE)
    }
    candidates = [
        {"org": org, "open": open_by_provider.get(org.pk)}
        for org in selectors.provider_candidates(enterprise, q)
    ]
    context: dict[str, Any] = {
        "side": "enterprise",
        "enterprise": enterprise,
        "search": search,
        "q": q,
        "candidates": candidates,
        "requests": [i for i in rows if i.state == InvitationState.REQUESTED],
        "active": [i for i in rows if i.state == InvitationState.ACTIVE],
        "ended": [i for i in rows if i.state in (InvitationState.DECLINED, InvitationState.WITHDRAWN)],
        "can_invite": permissions.can_invite_provider(viewer, enterprise),
    }
    return _render(request, context)


def _provider_page(
    request: HttpRequest, viewer: Viewer, form: InvitationRequestForm | None = None
) -> HttpResponse:
    rows = list(selectors.invitations_for(viewer))
    context: dict[str, Any] = {
        "side": "provider",
        "form": form or InvitationRequestForm(),
        "requests": [i for i in rows if i.state == InvitationState.REQUESTED],
        "active": [i for i in rows if i.state == InvitationState.ACTIVE],
        "ended": [i for i in rows if i.state in (InvitationState.DECLINED, InvitationState.WITHDRAWN)],
        "can_request": permissions.can_request_invitation(viewer),
        "can_diagnose": permissions.can_start_diagnosis(viewer),
    }
    return _render(request, context, status=400 if form is not None and form.errors else 200)


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context["crumbs"] = [(_("数字化评测"), reverse("assessment:list")), (_("诊断邀请"), "")]
    return render(request, "assessment/invitations.html", context, status=status)


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if viewer.org_type == OrgType.ENTERPRISE:
        return _enterprise_page(request, viewer)
    if viewer.org_type == OrgType.PROVIDER:
        return _provider_page(request, viewer)
    require(permissions.can_view_invitations(viewer))
    raise Http404  # a member the role table lets in, of neither side: nothing of theirs to show


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    enterprise = own_enterprise(viewer)
    if enterprise is None:
        require(permissions.can_invite_provider(viewer, None))
        raise Http404
    decision = permissions.can_invite_provider(viewer, enterprise)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("assessment:invitations")
    # Only providers the search offers may be invited: an active provider of the enterprise's province.
    raw = str(request.POST.get("provider", ""))
    provider = Organization.objects.filter(
        pk=int(raw) if raw.isdigit() else 0,
        type=OrgType.PROVIDER,
        is_active=True,
        region__path__startswith=enterprise.region.path.strip("/").split("/")[0] + "/",
    ).first()
    if provider is None:
        raise Http404
    try:
        invitations.invitation_create(actor=request.user, enterprise=enterprise, provider=provider)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("已邀请 %(provider)s，对方会在收件箱中收到通知。") % {"provider": provider.name}
        )
    return redirect("assessment:invitations")


@login_required
@require_POST
def request_invitation(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_request_invitation(viewer))
    form = InvitationRequestForm(request.POST)
    if not form.is_valid():
        return _provider_page(request, viewer, form)
    provider = Organization.objects.get(pk=viewer.organization_id or 0)
    invitations.invitation_request(actor=request.user, provider=provider, uscc=form.cleaned_data["uscc"])
    # The same answer whether or not the code belongs to a registered enterprise (nothing is revealed).
    messages.info(
        request, _("如该企业已在平台登记，它会在收件箱中收到本机构的申请；企业邀请后，可以在这里开始诊断。")
    )
    return redirect("assessment:invitations")


def _invitation(request: HttpRequest, pk: int) -> tuple[Viewer, DiagnosisInvitation]:
    viewer = request_viewer(request)
    invitation = get_visible_or_404(
        DiagnosisInvitation.objects.select_related("enterprise", "enterprise__region", "provider"),
        viewer,
        pk=pk,
    )
    return viewer, invitation


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, invitation = _invitation(request, pk)
    decision = permissions.can_answer_request(viewer, invitation)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("assessment:invitations")
    if request.POST.get("answer") == "accept":
        invitations.invitation_accept(actor=request.user, invitation=invitation)
        messages.success(
            request,
            _("已接受申请，%(provider)s 现在可以为本企业开展诊断。") % {"provider": invitation.provider.name},
        )
    else:
        invitations.invitation_decline(actor=request.user, invitation=invitation)
        messages.info(request, _("已拒绝 %(provider)s 的申请。") % {"provider": invitation.provider.name})
    return redirect("assessment:invitations")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, invitation = _invitation(request, pk)
    decision = permissions.can_withdraw_invitation(viewer, invitation)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("assessment:invitations")
    invitations.invitation_withdraw(
        actor=request.user, invitation=invitation, by_provider=viewer.org_type == OrgType.PROVIDER
    )
    messages.info(request, _("已撤回。"))
    return redirect("assessment:invitations")


urlpatterns = [
    path("invitations/", invitation_list, name="invitations"),
    path("invitations/invite/", invite, name="invite_provider"),
    path("invitations/request/", request_invitation, name="request_invitation"),
    path("invitations/<int:pk>/answer/", answer, name="answer_invitation"),
    path("invitations/<int:pk>/withdraw/", withdraw, name="withdraw_invitation"),
]
