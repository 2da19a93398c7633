from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from dengta.accounts.forms import LoginForm
from dengta.accounts.models import User
from dengta.accounts.services import api_token_rotate


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


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
