"""The navigation reads the role table (ARCHITECTURE.md convention 16): each member sees exactly the pages
their capabilities open, every link they see opens, and the staff tools sit in the main navigation of the
staff only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from dengta.core.navigation import NAVIGATION, help_links_for, navigation_for
from dengta.registry.tests.conftest import sized  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def urls(links: Any) -> set[str]:
    return {link.url for link in links}


@pytest.mark.parametrize(
    "who", ["ministry", "guangzhou", "zhejiang", "provider", "enterprise", "expert", "oversight"]
)
def test_every_link_a_member_sees_opens_for_them(cast: Any, who: str) -> None:
    viewer = cast.viewer(who)
    client = cast.client(who)
    links = navigation_for(viewer, "/") + help_links_for(viewer, "/")
    assert links
    for link in links:
        assert client.get(link.url).status_code == 200, (who, link.url)
    # And nothing a capability would open is missing from the navigation.
    held = {item.url_name for item in NAVIGATION if viewer.can(item.capability)}
    assert len(held) == len(links)


def test_reference_and_api_docs_are_staff_tools_in_the_main_navigation(cast: Any) -> None:
    for who in ("enterprise", "expert", "provider"):
        viewer = cast.viewer(who)
        assert not urls(navigation_for(viewer, "/")) & {"/reference/", "/api/docs/"}, who
        assert urls(help_links_for(viewer, "/")) == {"/reference/", "/api/docs/"}, who
    for who in ("ministry", "guangzhou", "oversight"):
        viewer = cast.viewer(who)
        assert {"/reference/", "/api/docs/"} <= urls(navigation_for(viewer, "/")), who
        assert help_links_for(viewer, "/") == [], who


def test_the_help_links_are_on_the_page_for_an_enterprise(cast: Any) -> None:
    html = cast.client("enterprise").get("/").content.decode()
    help_block = html[html.index('data-testid="help-links"') :]
    assert 'href="/reference/"' in help_block and 'href="/api/docs/"' in help_block
    main_nav = html[html.index('aria-label="主导航"') : html.index('data-testid="help-links"')]
    assert 'href="/reference/"' not in main_nav


def test_ministry_finance_person_sees_no_import_and_no_edit_button(sized: Any) -> None:  # noqa: F811
    from dengta.registry.tests.conftest import member, register

    cast = sized  # the cast with the size standard loaded (registering classifies the enterprise)
    finance = member(cast.orgs["ministry"], "finance", "staff")
    finance.platform_roles = ["finance"]
    finance.save()
    from dengta.orgs.viewer import viewer_for_membership

    viewer = viewer_for_membership(finance)
    assert "/registry/import/" not in urls(navigation_for(viewer, "/"))
    assert "/registry/import/" in urls(navigation_for(cast.viewer("ministry"), "/"))
    from django.test import Client

    enterprise = register(cast, "440106", 41, "天河测试有限公司")
    client = Client()
    client.force_login(finance.user)
    detail = client.get(f"/registry/enterprises/{enterprise.pk}/").content.decode()
    assert f"/registry/enterprises/{enterprise.pk}/edit/" not in detail
    staff_detail = cast.client("ministry").get(f"/registry/enterprises/{enterprise.pk}/").content.decode()
    assert f"/registry/enterprises/{enterprise.pk}/edit/" in staff_detail


def test_make_demo_serves_with_debug_off_and_a_key_from_var() -> None:
    """`make demo` runs as an office would: DEBUG off, gunicorn (not runserver --insecure), WhiteNoise serving
    the collected manifest, and a SECRET_KEY from var/ passed in the environment."""
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    recipe = makefile[makefile.index("\ndemo:") : makefile.index("\ntest:")]
    assert "DEBUG=false" in makefile and "var/secret_key" in makefile
    assert "gunicorn config.wsgi" in recipe and "runserver" not in recipe and "--insecure" not in recipe
    assert re.search(r"echo .*[Cc]ollecting static files", recipe)
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    base = (Path(settings.BASE_DIR) / "config" / "settings" / "base.py").read_text()
    assert "CompressedManifestStaticFilesStorage" in base
    assert not re.search(r"SECRET_KEY\s*=\s*env_str\(\"SECRET_KEY\",\s*\"[^\"]", base)  # no key in the repo
