"""Core pages: home, the event log for auditors (scoped to their jurisdiction), job progress, CSRF."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dengta.core.events import record_event
from dengta.core.jobs import job_create, job_progress
from dengta.core.models import Event
from tests.exports import exported
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVENTS = "/events/"


@pytest.fixture
def events(cast: Any) -> dict[str, Event]:
    """One event in each corner: 广州 (in 广东), 深圳 (计划单列市), 浙江, the oversight body, national."""

    def rec(key: str, verb: str, path: str, org_id: int | None = None) -> Event:
        return record_event(
            actor=cast.members["guangdong"].user,
            verb=verb,
            target=("tests.thing", key, f"标签-{key}"),
            scope_path=path,
            organization_id=org_id,
            payload={"k": key},
        )

    return {
        "guangzhou": rec("guangzhou", "enterprise.registered", "440000/440100/"),
        "shenzhen": rec("shenzhen", "enterprise.registered", "440000/440300/440305/"),
        "zhejiang": rec("zhejiang", "enterprise.registered", "330000/330100/"),
        "own": rec("own", "membership.granted", "", cast.orgs["oversight"].pk),
        "national": rec("national", "framework.loaded", ""),
    }


def _labels(response: Any) -> set[str]:
    return {e.target_label for e in response.context["object_list"]}


# --- home ------------------------------------------------------------------------------------------------


def test_home_redirects_anonymous_to_login(db: Any) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "who", ["ministry", "guangdong", "shenzhen", "provider", "enterprise", "expert", "oversight"]
)
def test_home_renders_for_every_role(cast: Any, who: str) -> None:
    response = cast.client(who).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert cast.orgs[who].name in html
    assert '<html lang="zh-hans">' in html


def test_home_navigation_is_role_aware(cast: Any) -> None:
    oversight = cast.client("oversight").get("/").content.decode()
    provider = cast.client("provider").get("/").content.decode()
    assert f'href="{EVENTS}"' in oversight
    assert f'href="{EVENTS}"' not in provider
    assert 'href="/orgs/"' in oversight
    assert 'href="/orgs/"' not in provider


def test_home_for_a_person_without_organisation_is_403(db: Any) -> None:
    client = Client()
    loner: Any = UserFactory.create(username="loner")
    client.force_login(loner)
    response = client.get("/")
    assert response.status_code == 403
    assert "尚未加入任何机构" in response.content.decode()


# --- event log -------------------------------------------------------------------------------------------


def test_event_list_requires_login(events: Any) -> None:
    response = Client().get(EVENTS)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "who", ["ministry", "guangdong", "guangzhou", "shenzhen", "provider", "enterprise", "expert"]
)
def test_event_pages_403_for_non_auditors(cast: Any, events: Any, who: str) -> None:
    # Members whose role may not read the log: 403 with the rule's reason (ARCHITECTURE.md convention 15).
    client = cast.client(who)
    response = client.get(EVENTS)
    assert response.status_code == 403
    assert "只有监督机构或审计监督角色可以查阅事件日志" in response.content.decode()
    assert client.get(EVENTS, {"export": "xlsx"}).status_code == 403
    assert client.get(EVENTS, {"verify": "1"}).status_code == 403
    assert client.get(reverse("core:event_detail", args=[events["guangzhou"].seq])).status_code == 403


def test_event_list_for_oversight_is_scoped_to_its_jurisdiction(cast: Any, events: Any) -> None:
    response = cast.client("oversight").get(EVENTS)
    assert response.status_code == 200
    assert _labels(response) == {"标签-guangzhou", "标签-own"}
    html = response.content.decode()
    assert "标签-guangzhou" in html
    assert "标签-zhejiang" not in html
    assert "标签-shenzhen" not in html
    # Filter choices come from visible events only, each code shown by its label.
    assert response.context["verbs"] == [
        ("enterprise.registered", "企业已登记"),
        ("membership.granted", "成员已加入机构"),
    ]


def test_event_list_for_auditor_role_elsewhere(cast: Any, events: Any) -> None:
    # An auditor in the ministry reads the whole log; an auditor in a provider reads its own events only.
    ministry_auditor: Any = MembershipFactory.create(
        organization=cast.orgs["ministry"], role="viewer", platform_roles=["auditor"]
    )
    client = Client()
    client.force_login(ministry_auditor.user)
    assert _labels(client.get(EVENTS)) == {f"标签-{k}" for k in events}

    provider_auditor: Any = MembershipFactory.create(
        organization=cast.orgs["provider"], role="viewer", platform_roles=["auditor"]
    )
    record_event(
        actor=None,
        verb="x",
        target=("tests.thing", "p", "标签-provider"),
        organization_id=cast.orgs["provider"].pk,
    )
    client = Client()
    client.force_login(provider_auditor.user)
    assert _labels(client.get(EVENTS)) == {"标签-provider"}


def test_national_oversight_sees_every_event(cast: Any, events: Any) -> None:
    org: Any = OrganizationFactory.create(name="国家监督组", type="oversight")
    member: Any = MembershipFactory.create(organization=org, role="viewer")
    client = Client()
    client.force_login(member.user)
    assert _labels(client.get(EVENTS)) == {f"标签-{k}" for k in events}


def test_event_list_filters(cast: Any, events: Any) -> None:
    client = cast.client("oversight")
    assert _labels(client.get(EVENTS, {"verb": "membership.granted"})) == {"标签-own"}
    assert _labels(client.get(EVENTS, {"q": "guangzhou"})) == {"标签-guangzhou"}
    assert _labels(client.get(EVENTS, {"actor": "guangdong"})) == {"标签-guangzhou", "标签-own"}
    assert _labels(client.get(EVENTS, {"actor": "nobody"})) == set()
    assert _labels(client.get(EVENTS, {"target_type": "tests.thing"})) == {"标签-guangzhou", "标签-own"}
    assert _labels(client.get(EVENTS, {"start": "2000-01-01", "end": "2999-12-31"})) == {
        "标签-guangzhou",
        "标签-own",
    }
    assert _labels(client.get(EVENTS, {"end": "2000-01-01"})) == set()
    assert _labels(client.get(EVENTS, {"start": "2999-01-01"})) == set()
    assert client.get(EVENTS, {"start": "昨天", "end": "not-a-date"}).status_code == 200
    # Filtering for an event outside the jurisdiction finds nothing.
    assert _labels(client.get(EVENTS, {"q": "zhejiang"})) == set()


@pytest.mark.parametrize("start, end", [("2024-13-45", ""), ("", "2024-02-30"), ("2024-00-01", "2024-01-00")])
def test_event_list_ignores_well_formed_but_impossible_dates(
    cast: Any, events: Any, start: str, end: str
) -> None:
    # Typed into the date filter or edited in the URL: the list must still render (ignore the bad date).
    response = cast.client("oversight").get(EVENTS, {"start": start, "end": end})
    assert response.status_code == 200
    assert _labels(response) == {"标签-guangzhou", "标签-own"}


def test_event_detail_200_inside_404_outside(cast: Any, events: Any) -> None:
    client = cast.client("oversight")
    inside = client.get(reverse("core:event_detail", args=[events["guangzhou"].seq]))
    assert inside.status_code == 200
    html = inside.content.decode()
    assert events["guangzhou"].hash in html
    assert events["guangzhou"].prev_hash in html
    for key in ("zhejiang", "shenzhen", "national"):
        assert client.get(reverse("core:event_detail", args=[events[key].seq])).status_code == 404
    assert client.get("/events/987654/").status_code == 404
    assert client.get("/events/99999999999999999999999/").status_code == 404


def national_auditor(cast: Any) -> Any:
    """An auditor of a national oversight body: the only kind who may verify the national chain."""
    from django.test import Client

    from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

    org = OrganizationFactory.create(name="国家监督组", type="oversight")
    member = MembershipFactory.create(
        user=UserFactory.create(username="national-auditor"),
        organization=org,
        role="viewer",
        platform_roles=["auditor"],
    )
    client = Client()
    client.force_login(member.user)
    return client


def test_regional_auditor_cannot_verify_the_national_chain(cast: Any, events: Any) -> None:
    response = cast.client("oversight").get(EVENTS, {"verify": "1"})
    assert response.status_code == 200
    assert "chain" not in response.context
    assert "校验哈希链" not in response.content.decode()


def test_verify_shows_intact_message(cast: Any, events: Any) -> None:
    response = national_auditor(cast).get(EVENTS, {"verify": "1"})
    assert response.status_code == 200
    assert response.context["chain"].intact
    assert f"哈希链完整：已校验 {len(events)} 条事件" in response.content.decode()


def test_verify_shows_the_broken_link(cast: Any, events: Any) -> None:
    seq = events["shenzhen"].seq
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE core_event DISABLE TRIGGER core_event_append_only")
    with connection.cursor() as cur:
        cur.execute("UPDATE core_event SET verb = %s WHERE seq = %s", ["tampered", seq])
    response = national_auditor(cast).get(EVENTS, {"verify": "1"})
    assert response.status_code == 200
    assert not response.context["chain"].intact
    assert f"哈希链在第 {seq} 条断开" in response.content.decode()


def test_no_verify_message_without_asking(cast: Any, events: Any) -> None:
    response = cast.client("oversight").get(EVENTS)
    assert "chain" not in response.context
    assert "哈希链完整" not in response.content.decode()


def test_export_xlsx_holds_visible_events_only(cast: Any, events: Any) -> None:
    response = exported(cast.client("oversight"), EVENTS)  # a job, then its download
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "events.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "序号"
    column = {str(title): n for n, title in enumerate(rows[0])}
    assert {row[column["对象"]] for row in rows[1:]} == {"标签-guangzhou", "标签-own"}
    assert {row[column["哈希"]] for row in rows[1:]} == {events["guangzhou"].hash, events["own"].hash}


# --- job progress ----------------------------------------------------------------------------------------


def test_job_status_shown_to_its_creator_only(cast: Any) -> None:
    creator = cast.members["guangdong"].user
    job = job_create(kind="registry.import", actor=creator, params={"file": "企业.xlsx"})
    job_progress(job.pk, done=40, total=100, message="已校验 40 行")
    url = reverse("core:job_status", args=[job.pk])
    response = cast.client("guangdong").get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-valuenow="40"' in html
    assert "已校验 40 行" in html
    assert f'hx-get="{url}"' in html  # still polling while unfinished
    for other in ("zhejiang", "oversight", "ministry"):
        assert cast.client(other).get(url).status_code == 404
    assert cast.client("guangdong").get(reverse("core:job_status", args=[987654])).status_code == 404
    assert Client().get(url).status_code == 302


def test_job_without_creator_is_shown_to_nobody(cast: Any) -> None:
    job = job_create(kind="system.rescore", actor=None, params={"x": 1})
    assert cast.client("ministry").get(reverse("core:job_status", args=[job.pk])).status_code == 404


# --- CSRF ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, data",
    [
        ("/orgs/switch/", {"organization": "1"}),
        ("/accounts/profile/", {}),
        ("/accounts/logout/", {}),
        ("/i18n/setlang/", {"language": "en"}),
    ],
)
def test_csrf_is_enforced_for_logged_in_posts(cast: Any, url: str, data: dict[str, str]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.members["guangdong"].user)
    response = client.post(url, data)
    assert response.status_code == 403


def test_csrf_is_enforced_on_login(cast: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "guangdong", "password": "pw-for-tests-1"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_chinese_first_whatever_the_browser_says(cast: Any) -> None:
    client = cast.client("guangdong")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<html lang="en">' in english.content.decode()
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # unknown: the choice stays English
    assert '<html lang="en">' in client.get("/").content.decode()


def test_import_menu_only_for_those_who_may_import(cast: Any) -> None:
    from tests.factories import MembershipFactory, UserFactory

    assert "/registry/import/" in cast.client("guangzhou").get("/").content.decode()
    reader = MembershipFactory.create(
        user=UserFactory.create(username="gz-reader"), organization=cast.orgs["guangzhou"], role="viewer"
    )
    from django.test import Client

    client = Client()
    client.force_login(reader.user)
    body = client.get("/").content.decode()
    assert 'href="/registry/import/"' not in body
    assert 'href="/registry/enterprises/"' in body


def test_auditor_home_shows_recent_events_in_scope(cast: Any, events: Any) -> None:
    body = cast.client("oversight").get("/").content.decode()
    assert "最近的事件" in body
    assert "标签-guangzhou" in body  # an event inside 广东
    assert "标签-zhejiang" not in body  # outside the auditor's jurisdiction
    assert "最近的事件" not in cast.client("provider").get("/").content.decode()
