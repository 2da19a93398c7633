"""Login, language switch, organisation switcher and profile."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from dengta.core.events import verify_chain
from dengta.core.models import Event
from dengta.orgs.viewer import SESSION_KEY
from tests.factories import MembershipFactory, UserFactory

LOGIN = "/accounts/login/"
SWITCH = "/orgs/switch/"
PROFILE = "/accounts/profile/"
PASSWORD = "pw-for-tests-1"  # tests/factories.py


# --- login and language ----------------------------------------------------------------------------------


def test_login_page_is_chinese_by_default(db: Any) -> None:
    response = Client().get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "用户名" in html
    assert "登录" in html
    # The switch offers English.
    assert 'name="language" value="en"' in html


def test_language_switch_to_english(db: Any) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert response.cookies["django_language"].value == "en"
    html = client.get(LOGIN).content.decode()
    assert '<html lang="en">' in html
    # Now the switch offers Chinese back.
    assert 'name="language" value="zh-hans"' in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": LOGIN})
    assert '<html lang="zh-hans">' in client.get(LOGIN).content.decode()


def test_unknown_language_is_ignored(db: Any) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "xx", "next": LOGIN})
    assert '<html lang="zh-hans">' in client.get(LOGIN).content.decode()


def test_wrong_password_keeps_username_and_shows_the_error_in_one_language(cast: Any) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "guangdong", "password": "wrong-password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="guangdong"' in html
    assert "用户名或密码不正确" in html
    assert "Incorrect username or password" not in html
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    english = client.post(LOGIN, {"username": "guangdong", "password": "wrong-password"}).content.decode()
    assert "Incorrect username or password" in english and "用户名或密码不正确" not in english
    assert "wrong-password" not in html  # the password is not echoed back
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_error(cast: Any) -> None:
    response = Client().post(LOGIN, {"username": "nobody", "password": "x"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_login_succeeds_and_redirects_home(cast: Any) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "guangdong", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(cast.members["guangdong"].user.pk)


def test_login_refuses_an_offsite_next(cast: Any) -> None:
    response = Client().post(
        LOGIN, {"username": "guangdong", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_logged_in_user_is_sent_from_login_to_home(cast: Any) -> None:
    response = cast.client("guangdong").get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_logout_is_post_only_and_logs_out(cast: Any) -> None:
    client = cast.client("guangdong")
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


# --- organisation switcher -------------------------------------------------------------------------------


@pytest.fixture
def two_hats(cast: Any) -> Any:
    """The 广东 staff member also sits in 广东's oversight body."""
    user = cast.members["guangdong"].user
    MembershipFactory.create(
        user=user, organization=cast.orgs["oversight"], role="viewer", platform_roles=["auditor"]
    )
    return user


def _viewer_now(client: Client) -> Any:
    # The login page redirects a logged-in person without rendering; the middleware has built the Viewer.
    return client.get(LOGIN).wsgi_request.viewer  # type: ignore[attr-defined]


def test_switch_organisation_changes_the_viewer(cast: Any, two_hats: Any) -> None:
    client = Client()
    client.force_login(two_hats)
    before = _viewer_now(client)
    assert before.organization_id == cast.orgs["guangdong"].pk
    assert before.org_type == "authority"

    response = client.post(SWITCH, {"organization": cast.orgs["oversight"].pk, "next": "/orgs/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session[SESSION_KEY] == cast.orgs["oversight"].pk

    after = _viewer_now(client)
    assert after.organization_id == cast.orgs["oversight"].pk
    assert after.org_type == "oversight"
    assert after.has_platform_role("auditor")

    client.post(SWITCH, {"organization": cast.orgs["guangdong"].pk})
    assert _viewer_now(client).organization_id == cast.orgs["guangdong"].pk


def test_switch_changes_what_the_pages_allow(cast: Any, two_hats: Any) -> None:
    client = Client()
    client.force_login(two_hats)
    assert client.get("/events/").status_code == 403  # refused by the role, with the reason
    client.post(SWITCH, {"organization": cast.orgs["oversight"].pk})
    assert client.get("/events/").status_code == 200


@pytest.mark.parametrize("target", ["zhejiang", "ministry", "shenzhen"])
def test_switch_to_an_organisation_one_does_not_belong_to_is_404(
    cast: Any, two_hats: Any, target: str
) -> None:
    client = Client()
    client.force_login(two_hats)
    response = client.post(SWITCH, {"organization": cast.orgs[target].pk})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session
    assert _viewer_now(client).organization_id == cast.orgs["guangdong"].pk


@pytest.mark.parametrize("value", ["", "abc", "987654321", "1.5"])
def test_switch_with_garbage_is_404(cast: Any, two_hats: Any, value: str) -> None:
    client = Client()
    client.force_login(two_hats)
    assert client.post(SWITCH, {"organization": value}).status_code == 404
    assert SESSION_KEY not in client.session


def test_switch_to_an_inactive_membership_is_404(cast: Any, two_hats: Any) -> None:
    two_hats.memberships.filter(organization=cast.orgs["oversight"]).update(is_active=False)
    client = Client()
    client.force_login(two_hats)
    assert client.post(SWITCH, {"organization": cast.orgs["oversight"].pk}).status_code == 404


def test_switch_requires_post_and_login(cast: Any, two_hats: Any) -> None:
    client = Client()
    client.force_login(two_hats)
    assert client.get(SWITCH).status_code == 405
    anonymous = Client().post(SWITCH, {"organization": cast.orgs["oversight"].pk})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(LOGIN)


def test_stale_session_org_falls_back_to_a_real_membership(cast: Any, two_hats: Any) -> None:
    client = Client()
    client.force_login(two_hats)
    client.post(SWITCH, {"organization": cast.orgs["oversight"].pk})
    two_hats.memberships.filter(organization=cast.orgs["oversight"]).delete()
    viewer = _viewer_now(client)
    assert viewer.organization_id == cast.orgs["guangdong"].pk


def test_switcher_is_shown_only_to_people_with_several_organisations(cast: Any, two_hats: Any) -> None:
    several = Client()
    several.force_login(two_hats)
    assert 'id="dt-org-switch"' in several.get(PROFILE).content.decode()
    assert 'id="dt-org-switch"' not in cast.client("zhejiang").get(PROFILE).content.decode()


# --- profile and API token -------------------------------------------------------------------------------


def test_profile_shows_memberships(cast: Any) -> None:
    response = cast.client("guangzhou").get(PROFILE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "广州市工业和信息化局" in html
    assert "项目管理" in html
    assert "财务" in html
    assert 'id="new-token"' not in html


def test_profile_generates_and_rotates_api_token_with_events(cast: Any) -> None:
    user = cast.members["guangdong"].user
    client = cast.client("guangdong")
    assert not Token.objects.filter(user=user).exists()

    first = client.post(PROFILE)
    assert first.status_code == 200
    token = Token.objects.get(user=user)
    assert token.key in first.content.decode()
    event = Event.objects.filter(verb="api_token.rotated").get()
    assert event.actor_id == user.pk
    assert event.target_type == "accounts.user"
    assert event.target_id == str(user.pk)
    assert token.key not in str(event.payload)  # the secret is never logged

    second = client.post(PROFILE)
    new = Token.objects.get(user=user)
    assert new.key != token.key
    assert new.key in second.content.decode()
    assert token.key not in second.content.decode()
    assert Event.objects.filter(verb="api_token.rotated", actor=user).count() == 2
    assert verify_chain().intact

    # Afterwards the page says a token exists but no longer shows it.
    later = client.get(PROFILE).content.decode()
    assert new.key not in later
    assert "当前令牌生成于" in later


def test_profile_requires_login(db: Any) -> None:
    response = Client().get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert Client().post(PROFILE).status_code == 302
    assert not Token.objects.exists()


def test_token_rotation_is_per_user(cast: Any) -> None:
    other: Any = UserFactory.create(username="bystander")
    other_token = Token.objects.create(user=other)
    cast.client("guangdong").post(PROFILE)
    assert Token.objects.get(user=other).key == other_token.key
