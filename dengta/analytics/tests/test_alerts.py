"""Alerts: the four rules on hand-made facts (pure), and the check that raises each once with an inbox
message (and an e-mail where a server is configured), resolves it when it no longer holds, and shows it on
the dashboards inside the jurisdiction only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from dengta.analytics import alerts
from dengta.analytics.alerts import PilotFacts, ProjectFacts, Rules, pilot_alerts, project_alerts
from dengta.analytics.models import Alert
from dengta.analytics.services import alerts_check
from dengta.core.models import Event, Notification
from dengta.projects.models import Project
from dengta.projects.tests.conftest import Cast

RULES = Rules("test", 60, Decimal("0.75"), Decimal("0.50"), Decimal("0.25"))
TODAY = date(2026, 12, 7)


def test_the_rules_file_loads_with_its_version_and_source() -> None:
    rules = Rules.load()
    assert rules.version and rules.stalled_days > 0 and 0 < rules.underspent_committed_share < 1


@pytest.mark.parametrize(
    ("state", "last", "due", "kinds"),
    [
        ("in_progress", TODAY - timedelta(days=60), None, [alerts.STALLED]),
        ("in_progress", TODAY - timedelta(days=59), None, []),
        ("approved", TODAY - timedelta(days=200), None, [alerts.STALLED]),
        ("completed", TODAY - timedelta(days=200), TODAY - timedelta(days=1), [alerts.ACCEPTANCE_OVERDUE]),
        ("completed", TODAY, TODAY, []),  # due today: not late yet
        ("accepted", TODAY - timedelta(days=500), TODAY - timedelta(days=100), []),
    ],
)
def test_project_rules(state: str, last: date, due: date | None, kinds: list[str]) -> None:
    found = project_alerts([ProjectFacts(1, 9, state, last, due)], RULES, TODAY)
    assert [f.kind for f in found] == kinds


def facts(**changes: Any) -> PilotFacts:
    values: dict[str, Any] = {
        "id": 9,
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2027, 1, 1),
        "retrofit_allocated": Decimal("1000000"),
        "retrofit_committed": Decimal("400000"),
        "target_share": Decimal("0.9"),
        "gs_enterprises": 10,
        "gs_at_target": 5,
        "gs_lifting": 4,
    }
    values.update(changes)
    return PilotFacts(**values)


def test_pilot_rules() -> None:
    found = {f.kind: f for f in pilot_alerts([facts()], RULES, TODAY)}
    # 93 % of the year gone, 40 % committed; 9 of 10 projected: exactly the 90 % target, not at risk.
    assert set(found) == {alerts.UNDERSPENT}
    assert found[alerts.UNDERSPENT].params == {"elapsed": "93.2", "committed": "40.0", "limit": "50.0"}
    risky = {f.kind: f for f in pilot_alerts([facts(gs_lifting=3)], RULES, TODAY)}
    assert risky[alerts.TARGET_AT_RISK].params["projected"] == "80.0"
    assert pilot_alerts([facts(retrofit_committed=Decimal("500000"), gs_lifting=4)], RULES, TODAY) == []
    # Early in the period nothing is judged; after it ends neither (that is the evaluation's).
    assert pilot_alerts([facts(gs_lifting=0)], RULES, date(2026, 2, 1)) == []
    assert pilot_alerts([facts(gs_lifting=0)], RULES, date(2027, 1, 2)) == []


@pytest.mark.django_db
def test_the_check_raises_once_notifies_and_resolves(
    retrofit: Cast,
    settings: Any,
) -> None:
    settings.EMAIL_HOST = "mail.example.invalid"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    city = retrofit.user("guangzhou")
    city.email = "city@example.invalid"
    city.save(update_fields=["email"])
    project = retrofit.approved()
    assert project.approved_at is not None
    long_ago = project.approved_at - timedelta(days=90)
    Project.objects.filter(pk=project.pk).update(approved_at=long_ago)
    first = alerts_check()
    stalled = Alert.objects.get(kind=alerts.STALLED, resolved_at__isnull=True)
    assert stalled.project_id == project.pk and stalled.organization_id_ref == retrofit.pilot.authority_id
    assert first.raised >= 1
    note = Notification.objects.get(verb="alert.raised", organization_id_ref=retrofit.pilot.authority_id)
    assert note.params["title"] == project.title and int(note.params["days"]) >= 90
    assert Event.objects.filter(verb="alert.raised", target_id=str(stalled.pk)).exists()
    # The second check raises nothing new.
    again = alerts_check()
    assert again.raised == 0 and Alert.objects.filter(kind=alerts.STALLED).count() == 1
    # Progress resolves it.
    Project.objects.filter(pk=project.pk).update(approved_at=project.approved_at)
    resolved = alerts_check()
    assert resolved.resolved >= 1
    assert Alert.objects.get(pk=stalled.pk).resolved_at is not None
    assert Event.objects.filter(verb="alert.resolved", target_id=str(stalled.pk)).exists()


@pytest.mark.django_db
def test_e_mail_goes_out_after_the_commit_when_a_server_is_configured(
    retrofit: Cast,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EMAIL_HOST = "mail.example.invalid"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    city = retrofit.user("guangzhou")
    city.email = "city@example.invalid"
    city.save(update_fields=["email"])
    project = retrofit.approved()
    assert project.approved_at is not None
    Project.objects.filter(pk=project.pk).update(approved_at=project.approved_at - timedelta(days=90))
    with django_capture_on_commit_callbacks(execute=True):
        alerts_check()
    assert [m.to for m in mail.outbox] == [["city@example.invalid"]]
    assert project.title in mail.outbox[0].body


@pytest.mark.django_db
def test_the_dashboard_lists_alerts_inside_the_jurisdiction_only(retrofit: Cast) -> None:
    project = retrofit.approved()
    assert project.approved_at is not None
    Project.objects.filter(pk=project.pk).update(approved_at=project.approved_at - timedelta(days=90))
    alerts_check()
    for who, sees in (("ministry", True), ("guangzhou", True), ("zhejiang", False)):
        c = Client()
        c.force_login(retrofit.user(who))
        page = c.get("/dashboards/")
        assert page.status_code == 200, who
        titles = [shown.alert.project_id for shown in page.context["board"].alerts]
        assert (project.pk in titles) is sees, who
