"""The ledger under concurrent requests (services/ledger.py): approvals that together pass an envelope's last
yuan commit one of them, and two payments of one project pay it once — on PostgreSQL, whose row locks and
check constraints make it so. Each request runs in a thread with its own connection; the test's connection
holds the contended rows until every request waits for a lock, so that all of them are in flight before
any commits. The figures under load are bench_ledger's (docs/benchmarks.md)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction

from dengta.programmes import services as programme_services
from dengta.programmes.models import Pilot
from dengta.programmes.tests.test_approval import provider_kinds  # noqa: F401  (the fixture)
from dengta.projects.models import (
    EntryKind,
    Envelope,
    EnvelopeKind,
    Funding,
    LedgerEntry,
    Project,
    ProjectState,
)
from dengta.projects.services import filing, ledger, steps
from dengta.projects.tests.conftest import Cast, user

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting(pids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = ANY(%s)", [pids])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def while_held(hold: Callable[[], object], *calls: Callable[[], object]) -> list[object]:
    """Each call in its own thread and connection, started while this connection holds the rows ``hold``
    locks and released once every call waits for a lock. Returns each call's result or exception.

    The embedded database (SQLite) writes one transaction at a time and has no row locks: there the calls
    run one after the other, and the test asserts the same outcome; the concurrency is PostgreSQL's to
    prove (CI runs this file on both)."""
    results: list[object] = [None] * len(calls)
    if connection.vendor != "postgresql":
        for index, call in enumerate(calls):
            try:
                results[index] = call()
            except Exception as exc:  # returned to the test, which says what it expected
                results[index] = exc
        return results
    pids: list[int] = []

    def work(index: int, call: Callable[[], object]) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids.append(cursor.fetchone()[0])
            results[index] = call()
        except BaseException as exc:  # returned to the test, which says what it expected
            results[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(calls)]
    with transaction.atomic():
        hold()
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (len(pids) < len(calls) or _waiting(pids) < len(calls)):
            time.sleep(0.01)
        waited = len(pids) == len(calls) and _waiting(pids) == len(calls)
    for thread in threads:
        thread.join()
    assert waited, f"the requests did not all wait for a lock: {results}"
    return results


@pytest.fixture
def pilot(world: Any, reviewing: Any, request: pytest.FixtureRequest) -> Pilot:
    """广州's pilot (the Cast's), with the central award a test asks for (indirect parametrisation) or the
    amount requested."""
    award = getattr(request, "param", None)
    return programme_services.application_approve(
        actor=user(world, "ministry"), application=reviewing, award_yuan=award
    )


# A central award of 59,999.99 yuan: a retrofit envelope of 47,999.99 (80 %, rounded down), one fen short of
# two projects' 24,000 each.
@pytest.mark.parametrize("pilot", ["59999.99"], indirect=True)
def test_two_approvals_past_the_last_yuan_commit_one(provider_kinds: None, cast: Cast) -> None:  # noqa: F811
    # The pilot's own rules: the whole subsidy from the retrofit envelope, more than one project per
    # enterprise (so that the Cast's enterprise can file the two).
    filing.rules_update(
        actor=cast.user("guangzhou"),
        rules=filing.rules_for(cast.pilot),
        central_share=Decimal(1),
        one_project_per_enterprise=False,
    )
    first, second = cast.filed(), cast.filed()
    assert first.subsidy_yuan == second.subsidy_yuan == Decimal("24000.00") == first.central_yuan
    ledger.envelopes_open(actor=None, pilot=cast.pilot)
    staff = cast.user("guangzhou")
    outcomes = while_held(
        lambda: list(Envelope.objects.select_for_update().filter(pilot=cast.pilot).order_by("id")),
        lambda: steps.project_approve(actor=staff, project=first),
        lambda: steps.project_approve(actor=staff, project=second),
    )
    approved = [o for o in outcomes if isinstance(o, Project)]
    refused = [o for o in outcomes if isinstance(o, ledger.LedgerRefused)]
    assert (len(approved), len(refused)) == (1, 1), outcomes
    assert "23,999.99" in refused[0].messages[0]  # what was left after the other's commitment
    retrofit = Envelope.objects.get(pilot=cast.pilot, kind=EnvelopeKind.RETROFIT)
    assert (retrofit.allocated_yuan, retrofit.committed_yuan) == (Decimal("47999.99"), Decimal("24000.00"))
    loser = second if approved[0].pk == first.pk else first
    assert Project.objects.get(pk=loser.pk).state == ProjectState.FILED
    assert not Funding.objects.filter(project=loser).exists()
    assert not LedgerEntry.objects.filter(project=loser).exists()
    report = ledger.reconcile(cast.pilot)
    balance = report.balance(EnvelopeKind.RETROFIT)
    assert report.balanced and balance is not None and balance.remaining_yuan == Decimal("23999.99")


def _outcome(result: object) -> str:
    if isinstance(result, ledger.Paid):
        return "replayed" if result.replayed else "paid"
    if isinstance(result, ledger.LedgerRefused) and "已经拨付" in result.messages[0]:
        return "refused"
    return repr(result)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [(("pay-1", "pay-2"), ["paid", "refused"]), (("pay-1", "pay-1"), ["paid", "replayed"])],
    ids=["different keys", "same key"],
)
def test_two_payments_of_one_project_pay_it_once(
    provider_kinds: None,  # noqa: F811
    cast: Cast,
    keys: tuple[str, str],
    expected: list[str],
) -> None:
    project = cast.claimed()
    staff = cast.user("guangzhou")
    outcomes = while_held(
        lambda: Project.objects.select_for_update().get(pk=project.pk),
        lambda: steps.project_pay(actor=staff, project=project, idempotency_key=keys[0]),
        lambda: steps.project_pay(actor=staff, project=project, idempotency_key=keys[1]),
    )
    assert sorted(_outcome(o) for o in outcomes) == expected
    assert {o.amount_yuan for o in outcomes if isinstance(o, ledger.Paid)} == {project.subsidy_yuan}
    pays = list(LedgerEntry.objects.filter(project=project, kind=EntryKind.PAY))
    assert len(pays) == len({e.envelope_id for e in pays}) == 2  # one set: the central and the local part
    assert sum(e.amount_yuan for e in pays) == project.subsidy_yuan
    assert Project.objects.get(pk=project.pk).state == ProjectState.PAID
    report = ledger.reconcile(cast.pilot)
    assert report.balanced and report.projects_paid_twice == 0
