"""The app's own error pages (dengta.core.errors): in the layout, in the person's language, with a way back;
the 500 page renders with the database down. Test settings run with DEBUG off, as `make demo` does."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from dengta.core.decisions import Conflict

pytestmark = pytest.mark.django_db


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something broke")


def _conflict(request: HttpRequest) -> HttpResponse:
    raise Conflict("此操作已经完成")


# This module doubles as a URLconf (pytest.mark.urls) with two views that fail on purpose.
urlpatterns = [
    path("boom/", _boom),
    path("conflict/", _conflict),
    path("", include("config.urls")),
]
handler400 = "dengta.core.errors.bad_request"
handler403 = "dengta.core.errors.permission_denied"
handler404 = "dengta.core.errors.page_not_found"
handler500 = "dengta.core.errors.server_error"


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_debug_is_off_in_tests_like_the_demo() -> None:
    assert settings.DEBUG is False


def test_unknown_page_is_the_in_app_404_with_the_navigation(cast: Any) -> None:
    response = cast.client("guangzhou").get("/no/such/page/", HTTP_REFERER="http://testserver/registry/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-status="404"' in html and "页面不存在" in html
    assert 'aria-label="主导航"' in html and "企业库" in html  # the left navigation of a logged-in person
    assert 'href="http://testserver/registry/"' in html and "返回上一页" in html  # a way back
    assert "回到工作台" in html
    assert "Traceback" not in html and "URLconf" not in html  # not Django's debug page


def test_unknown_page_in_english_after_switching_language(cast: Any) -> None:
    client = cast.client("guangzhou")
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    html = client.get("/no/such/page/").content.decode()
    assert "Page not found" in html and "页面不存在" not in html
    assert "Enterprise registry" in html or "Enterprises" in html  # the navigation, in English
    assert "Go to the workbench" in html


def test_unknown_page_for_someone_not_logged_in_is_in_app_too() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404 and 'data-status="404"' in response.content.decode()
    assert 'aria-label="主导航"' not in response.content.decode()


def test_403_shows_the_decisions_reason_in_both_languages(cast: Any) -> None:
    response = cast.client("provider").get("/registry/enterprises/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "没有权限" in html and "企业库只对部委、主管部门和监督机构开放" in html
    assert 'aria-label="主导航"' in html
    english_html = english(cast.client("provider")).get("/registry/enterprises/").content.decode()
    assert "Not permitted" in english_html and "没有权限" not in english_html


@pytest.mark.urls(__name__)
def test_conflict_answers_409_in_app(cast: Any) -> None:
    response = cast.client("enterprise").get("/conflict/")
    assert response.status_code == 409
    html = response.content.decode()
    assert "此操作已经完成" in html and "当前状态不允许此操作" in html and 'aria-label="主导航"' in html


@pytest.mark.urls(__name__)
def test_500_page_renders_with_the_database_down() -> None:
    client = Client(raise_request_exception=False)
    down = OperationalError("the database is not answering")
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", side_effect=down
    ) as ensure:
        response = client.get("/boom/")
        english_response = english(Client(raise_request_exception=False)).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-status="500"' in html and "服务器出错" in html and "回到工作台" in html
    assert "something broke" not in html  # nothing of the error leaks to the page
    assert english_response.status_code == 500 and "Server error" in english_response.content.decode()
    assert ensure.call_count == 0  # the page needed no database at all


def test_csrf_failure_is_an_in_app_page(cast: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.members["guangzhou"].user)
    response = client.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html and 'aria-label="主导航"' in html


def test_favicon_answers_and_the_layout_links_it(cast: Any) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("dengta/favicon.ico")
    icon = Path(settings.BASE_DIR) / "dengta" / "static" / "dengta" / "favicon.ico"
    assert icon.read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = cast.client("guangzhou").get("/").content.decode()
    assert 'rel="icon" href="/static/dengta/favicon.ico"' in html


def test_a_request_in_english_leaves_no_language_behind(cast: Any) -> None:
    from django.utils import translation

    english(cast.client("guangzhou")).get("/no/such/page/")
    # The next code on this thread (another request, another test) speaks the default language again.
    assert translation.get_language() == settings.LANGUAGE_CODE


def test_a_bad_request_is_the_in_app_400_page() -> None:
    # A Host header outside ALLOWED_HOSTS is a SuspiciousOperation: Django answers with handler400.
    response = Client().get("/", HTTP_HOST="intruder.example", HTTP_REFERER="http://intruder.example/x")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-status="400"' in html and "请求无法处理" in html
