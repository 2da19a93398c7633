from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from dengta.accounts.forms import LoginForm, SwitchOrganizationForm
from dengta.accounts.models import User
from dengta.accounts.services import api_token_rotate
from dengta.orgs.viewer import SESSION_KEY


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@require_POST
def switch_org(request: HttpRequest) -> HttpResponse:
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


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    token = Token.objects.filter(user=user).first()
    new_key = None
    if request.method == "POST":
        viewer = request.viewer  # type: ignore[attr-defined]
        token = api_token_rotate(
            user=user, organization_id=viewer.organization_id, scope_path=viewer.region_path
        )
        new_key = token.key
        messages.success(request, _("已生成新的接口令牌；旧令牌已失效。请立即复制保存，离开本页后不再显示。"))
    return render(
        request,
        "accounts/profile.html",
        {
            "token_exists": token is not None,
            "new_key": new_key,
            "token_created": token.created if token else None,
        },
    )
