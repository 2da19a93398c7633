"""Approval: the pilot with its period, targets and award, its allocation into envelopes under the batch's
rules, refused when the rules refuse the split (nothing written), and once only — also when two staff
approve at the same moment."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, close_old_connections, connection, transaction

from dengta.core.models import Event
from dengta.core.workflows import TransitionRefused
from dengta.programmes import services
from dengta.programmes.models import Allocation, Application, ApplicationState, Pilot
from dengta.programmes.services import _add_months
from dengta.programmes.tests.test_reviews import reviewing  # noqa: F401  (the fixture)
from dengta.programmes.tests.test_services import ready, user  # noqa: F401  (the fixture)
from dengta.registry.kinds import load_kinds
from dengta.registry.models import ProviderKind

pytestmark = pytest.mark.django_db


def test_approval_creates_the_pilot_and_its_allocation(world: Any, reviewing: Application) -> None:  # noqa: F811
    pilot = services.application_approve(actor=user(world, "ministry"), application=reviewing)
    reviewing.refresh_from_db()
    assert reviewing.state == ApplicationState.APPROVED and reviewing.decided_at is not None
    assert pilot.central_award_yuan == Decimal("150000000.00") and pilot.rules_version == "2025-v2"
    assert (pilot.target_share, pilot.target_level) == (Decimal("0.9000"), 2)
    assert pilot.ends_on == _add_months(pilot.starts_on, 24)
    money = pilot.allocation
    assert (money.retrofit_yuan, money.service_yuan) == (Decimal("120000000.00"), Decimal("30000000.00"))
    assert money.total_yuan == Decimal("170000000.00") and money.cap_yuan == Decimal("150000000.00")
    assert [line["code"] for line in money.explanation][:3] == ["award", "retrofit", "service"]
    verbs = list(Event.objects.filter(target_id=str(reviewing.pk)).values_list("verb", flat=True))
    assert {"application.approved", "pilot.created", "allocation.recorded"} <= set(verbs)
    with pytest.raises(TransitionRefused):
        services.application_approve(actor=user(world, "ministry"), application=reviewing)
    assert Pilot.objects.count() == 1


def test_an_award_over_the_cap_is_refused_and_nothing_is_written(
    world: Any,
    reviewing: Application,  # noqa: F811
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.application_approve(
            actor=user(world, "ministry"), application=reviewing, award_yuan="150000000.01"
        )
    assert "150,000,000" in str(caught.value)
    reviewing.refresh_from_db()
    assert reviewing.state == ApplicationState.UNDER_REVIEW
    assert not Pilot.objects.exists() and not Allocation.objects.exists()
    assert not Event.objects.filter(verb="application.approved").exists()


def test_a_lower_award_than_requested_is_split_by_the_same_shares(
    world: Any,
    reviewing: Application,  # noqa: F811
) -> None:
    pilot = services.application_approve(
        actor=user(world, "ministry"), application=reviewing, award_yuan="100000000.03"
    )
    money = pilot.allocation
    # Retrofit rounded down to the fen, the service envelope the rest: they add up to the award.
    assert money.retrofit_yuan == Decimal("80000000.02") and money.service_yuan == Decimal("20000000.01")


def test_only_an_application_under_review_is_approved(world: Any, ready: Application) -> None:  # noqa: F811
    with pytest.raises(TransitionRefused, match="不能执行此操作"):
        services.application_approve(actor=user(world, "ministry"), application=ready)
    assert not Pilot.objects.exists()


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 7), 24, date(2028, 12, 7)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_periods_run_whole_months(start: date, months: int, end: date) -> None:
    assert _add_months(start, months) == end


def approve_retrying_while_locked(actor: Any, pk: int) -> str:
    """One approval in its own transaction. The SQLite test database (an in-memory shared cache) answers
    "table is locked" at once where a file database waits: retry as that would."""
    for _attempt in range(2000):
        try:
            with transaction.atomic():
                services.application_approve(actor=actor, application=Application.objects.get(pk=pk))
                return "approved"
        except TransitionRefused:
            return "refused"
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.005)
    raise AssertionError("the application stayed locked")


@pytest.fixture
def provider_kinds(transactional_db: Any) -> None:
    """The provider kinds a data migration loads: a transactional test starts after the previous one's flush,
    which empties every table, so it loads them again (pytest-django runs transactional tests last)."""
    load_kinds(ProviderKind)


@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_at_once_create_one_pilot(
    provider_kinds: None,
    world: Any,
    reviewing: Application,  # noqa: F811
) -> None:
    """Two threads with their own connections approve the same application at the same time: on PostgreSQL
    the transition's row lock makes the second wait and then find it approved."""
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)
    actor = user(world, "ministry")

    def work() -> None:
        try:
            start.wait()
            outcomes.append(approve_retrying_while_locked(actor, reviewing.pk))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["approved", "refused"]
    assert Pilot.objects.filter(application_id=reviewing.pk).count() == 1
    assert Allocation.objects.count() == 1
    assert Event.objects.filter(verb="pilot.created").count() == 1


def test_a_running_pilot_holds_its_enterprises_until_it_ends(
    world: Any,
    reviewing: Application,  # noqa: F811
    sub_industry: Any,
) -> None:
    pilot = services.application_approve(actor=user(world, "ministry"), application=reviewing)
    actor = user(world, "guangdong")
    other = services.application_create(actor=actor, applicant=world.orgs["guangdong"], batch=reviewing.batch)
    entry = services.application_add_sub_industry(actor=actor, application=other, sub_industry=sub_industry)
    services.application_add_enterprise(actor=actor, entry=entry, enterprise=world.registered.own)
    other.refresh_from_db()
    assert "already_in_pilot" in {f["code"] for f in other.eligibility}
    Pilot.objects.filter(pk=pilot.pk).update(ends_on=date(2026, 1, 1), starts_on=date(2024, 1, 1))
    services.application_check(application=other)
    assert "already_in_pilot" not in {f["code"] for f in other.eligibility}
