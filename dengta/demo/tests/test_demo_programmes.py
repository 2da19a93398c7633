"""The demo programmes: four batches, the twelve pilot cities approved within the rules, applications in every
state built through the services, conflict-free expert reviews, and pilots whose allocations add up."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from dengta.cases.models import Case
from dengta.core.events import verify_chain
from dengta.core.models import Event
from dengta.demo.programmes import seed_programmes
from dengta.demo.programmes import seeder as programme_seeder
from dengta.demo.programmes.cast import CAST, CONFLICTED_EXPERT, CONFLICTED_WITH, Part
from dengta.demo.programmes.clock import ServiceClock
from dengta.demo.services import DEFAULT_SEED, PILOT_CITIES, seed
from dengta.programmes import checks, reviews
from dengta.programmes.eligibility import within_jurisdiction
from dengta.programmes.models import (
    LIVE_STATES,
    Allocation,
    Application,
    ApplicationState,
    ApplicationSubIndustry,
    Batch,
    ConflictDeclaration,
    NominatedProvider,
    Pilot,
    PoolEnterprise,
    ReviewAssignment,
)
from dengta.programmes.services import batches_load
from dengta.projects.models import (
    DossierFile,
    EnterprisePayment,
    Envelope,
    Evaluation,
    Funding,
    Invoice,
    LedgerEntry,
    Milestone,
    PaymentBatch,
    Project,
    ProjectLine,
    ProjectRules,
    ProjectState,
)
from dengta.projects.services import ledger
from dengta.reference.loaders import load_all
from dengta.registry.models import SizeClass

pytestmark = pytest.mark.django_db
SCALE = "600"  # small, yet every applicant of the cast finds SMEs for its pool with this seed
SEED = DEFAULT_SEED
S = ApplicationState
BATCHES = {"platform-2022", "city-2023", "city-2024", "city-2025"}


@pytest.fixture(scope="module")
def _programmes_module(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[str]]:
    # One seed for the module (it takes a while): each test's transaction nests inside this one as a
    # savepoint, so what a test changes is undone after it, and the seed is undone after the module.
    out: list[str] = []
    with django_db_blocker.unblock(), transaction.atomic():
        load_all()
        batches_load(actor=None)  # as make demo runs load_batches before seed_demo
        seed(SCALE, SEED, out.append)
        yield out
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_programmes_module: list[str], db: Any) -> list[str]:
    return _programmes_module


def test_batches_and_the_twelve_pilot_cities(seeded: list[str]):
    assert set(Batch.objects.values_list("code", flat=True)) >= BATCHES
    city_pilots = Pilot.objects.filter(batch__programme__model="city").select_related("authority", "batch")
    assert sorted(p.authority.region_id or "" for p in city_pilots) == sorted(c for c, _l, _d in PILOT_CITIES)
    assert Counter(p.batch.code for p in city_pilots) == {"city-2023": 4, "city-2024": 4, "city-2025": 4}
    # Provinces nominated platforms in 2022: their pilots are provinces', not cities'.
    platform = Pilot.objects.filter(batch__code="platform-2022").select_related("authority")
    assert platform.exists() and {p.authority.authority_level for p in platform} == {"province"}
    # demo-city's 宁波 has a pilot running today with its budgets.
    ningbo = city_pilots.get(authority__region_id="330200")
    assert ningbo.batch.code == "city-2025"
    assert ningbo.starts_on <= timezone.localdate() <= ningbo.ends_on
    assert ningbo.allocation.retrofit_yuan > 0
    line = next(m for m in seeded if m.startswith("programmes:"))
    assert "(12 pilot cities)" in line and "skipped" not in line


def test_every_state_with_its_reason_and_history(seeded: list[str]):
    apps = Application.objects.filter(batch__code__in=BATCHES).select_related("batch", "applicant")
    assert set(apps.values_list("state", flat=True)) == set(S.values)
    assert apps.count() == len(CAST)
    for app in apps.filter(state__in=(S.RETURNED, S.REJECTED)):
        assert app.reason.strip(), app
    for app in apps.filter(state=S.REJECTED):
        assert app.decided_at is not None
    returned = Event.objects.filter(verb="application.returned").values_list("target_id", flat=True)
    # Returned and submitted again before approval, as DOMAIN.md 2.7 describes.
    assert apps.filter(state=S.APPROVED, pk__in=[int(t) for t in returned]).exists()
    draft = apps.get(state=S.DRAFT)
    assert not all(item.done for item in checks.checklist(draft))
    # The history carries the moments it happened: every submission inside its batch's window.
    for event in Event.objects.filter(verb="application.submitted"):
        app = apps.get(pk=int(event.target_id))
        day = timezone.localtime(event.created_at).date()
        assert app.batch.application_opens <= day <= app.batch.application_closes
    assert verify_chain().intact
    assert timezone.now() > datetime(2026, 1, 1, tzinfo=UTC)  # the real clock is back


def test_applications_hold_what_the_rules_allow(seeded: list[str]):
    submitted = Application.objects.filter(batch__code__in=BATCHES).exclude(state__in=(S.DRAFT, S.WITHDRAWN))
    for app in submitted.select_related("batch", "applicant__region").prefetch_related("sub_industries"):
        assert app.eligibility == [] and app.rules_version == app.batch.rules_version, app
        assert all(item.done for item in checks.checklist(app)), app
        entries = list(app.sub_industries.all())
        assert 1 <= len(entries) <= 4
        parsed = app.batch.parsed_rules()
        cap = parsed.award_caps.for_kind(checks.applicant_kind(app.applicant))
        assert cap is not None and app.award_requested_yuan is not None and app.award_requested_yuan <= cap
        assert app.retrofit_share is not None and app.retrofit_share >= parsed.min_retrofit_share
        assert app.retrofit_share + (app.service_share or 0) == 1
        pool = list(app.pool.select_related("enterprise", "entry__sub_industry"))
        assert len(pool) <= 60  # tens, not thousands
        for row in pool:
            assert row.enterprise.size_class in (SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO)
            assert within_jurisdiction(app.applicant.region_id or "", row.enterprise.region_id)
            prefixes = row.entry.sub_industry.industries.values_list("code", flat=True)
            assert any(row.enterprise.industry_id.startswith(p) for p in prefixes)


def test_quotas_and_the_repeat_ban(seeded: list[str]):
    for batch in Batch.objects.filter(code__in=BATCHES):
        parsed = batch.parsed_rules()
        live = Application.objects.filter(batch=batch, state__in=LIVE_STATES).select_related("applicant")
        units: dict[str, list[Any]] = defaultdict(list)
        for app in live:
            units[checks.quota_unit_of(app.applicant, parsed)].append(app)
        for unit, held in units.items():
            assert len(held) <= checks.quota_for(held[0].applicant, parsed), (batch.code, unit)
    approved = Application.objects.filter(state=S.APPROVED).select_related("batch")
    first_pilot = {}
    for app in approved.order_by("batch__year"):
        assert app.applicant_id not in first_pilot, app  # approved once only
        first_pilot[app.applicant_id] = app.batch.year
    for app in Application.objects.exclude(state=S.WITHDRAWN).select_related("batch"):
        year = first_pilot.get(app.applicant_id)
        assert year is None or app.batch.year <= year, app  # no pilot applies again


def test_approvals_have_allocations_that_add_up(seeded: list[str]):
    approved = Application.objects.filter(state=S.APPROVED)
    assert approved.count() == Pilot.objects.count() == Allocation.objects.count()
    for app in approved.select_related("pilot__allocation", "batch"):
        pilot, money = app.pilot, app.pilot.allocation
        assert money.retrofit_yuan + money.service_yuan == money.award_yuan == pilot.central_award_yuan
        assert money.total_yuan == money.award_yuan + money.local_matching_yuan
        assert money.award_yuan <= money.cap_yuan
        assert money.retrofit_yuan >= money.award_yuan * Decimal("0.8") - Decimal("0.01")
        assert app.decided_at is not None and pilot.starts_on == timezone.localtime(app.decided_at).date()
        assert app.batch.application_closes < pilot.starts_on <= app.batch.review_closes
        verbs = set(Event.objects.filter(target_id=str(app.pk)).values_list("verb", flat=True))
        assert {"application.approved", "pilot.created", "allocation.recorded"} <= verbs


def test_reviews_are_scored_and_conflict_free(seeded: list[str]):
    declared = ConflictDeclaration.objects.get(expert__username=CONFLICTED_EXPERT)
    assert declared.organization.region_id == CONFLICTED_WITH
    rows = ReviewAssignment.objects.select_related("application__applicant", "expert")
    assert rows.exists()
    for row in rows:
        assert reviews.conflicts_of(row.expert, row.application) == [], row
        assert not (row.expert == declared.expert and row.application.applicant == declared.organization)
        if row.submitted:
            assert row.total is not None and row.comments
            assert row.submitted_at is not None and row.submitted_at <= row.deadline
    for app in Application.objects.filter(state__in=(S.APPROVED, S.REJECTED)):
        assert app.reviews.exclude(submitted_at=None).count() >= 3, app
    under = Application.objects.get(state=S.UNDER_REVIEW)
    done = [r.submitted for r in under.reviews.all()]
    assert any(done) and not all(done)  # partly done
    assert under.reviews.filter(expert__username="demo-expert", submitted_at__isnull=False).exists()


def _fingerprint() -> list[tuple[Any, ...]]:
    """The programmes' content by natural keys (primary keys differ between runs)."""
    out = []
    for app in Application.objects.select_related("batch", "applicant").order_by(
        "batch__code", "applicant__region"
    ):
        pool = sorted(app.pool.values_list("enterprise__uscc", "entry__sub_industry_id"))
        providers = sorted(app.sub_industries.values_list("sub_industry_id", "providers__provider__uscc"))
        scores = sorted(app.reviews.values_list("expert__username", "total", "submitted_at"))
        out.append(
            (app.batch.code, app.applicant.region_id, app.state, app.award_requested_yuan,
             app.local_matching_yuan, app.created_at, app.submitted_at, app.eligibility, tuple(pool),
             tuple(providers), tuple(scores))
        )  # fmt: skip
    return out


def test_a_second_run_changes_nothing_and_the_same_seed_gives_the_same_programmes(seeded: list[str]):
    counts = (Application.objects.count(), Event.objects.count(), ReviewAssignment.objects.count())
    out: list[str] = []
    seed(SCALE, SEED, out.append)
    assert "already present" in out[0]
    assert (Application.objects.count(), Event.objects.count(), ReviewAssignment.objects.count()) == counts
    # The programmes again on the same registry, assessments and catalogue: the same applications.
    first = _fingerprint()
    _wipe_projects()
    for model in (
        Allocation,
        Pilot,
        ReviewAssignment,
        PoolEnterprise,
        NominatedProvider,
        ApplicationSubIndustry,
    ):
        model._default_manager.all().delete()
    Application.objects.all().delete()
    again = seed_programmes(SEED, PILOT_CITIES)
    assert _fingerprint() == first
    assert again.city_pilots == 12


def _wipe_projects() -> None:
    """Remove the seeded projects so the programmes can be seeded again beneath them. The ledger refuses
    deletion (its model, and a trigger on PostgreSQL): the trigger is disabled inside the module's
    transaction, which is rolled back with everything else."""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            # The deferred foreign-key checks of the seed must fire before the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE projects_ledgerentry DISABLE TRIGGER projects_ledgerentry_append_only"
            )
    for model in (
        Case,
        LedgerEntry,
        Funding,
        Envelope,
        PaymentBatch,
        DossierFile,
        Invoice,
        EnterprisePayment,
        Evaluation,
        Milestone,
        ProjectLine,
        Project,
        ProjectRules,
    ):
        queryset = model._default_manager.all()
        queryset._raw_delete(queryset.db)
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE projects_ledgerentry ENABLE TRIGGER projects_ledgerentry_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_projects_in_every_state_with_ledgers_that_reconcile(seeded: list[str]):
    line = next(m for m in seeded if m.startswith("projects:"))
    assert "refused steps" not in line, line
    # At this small scale few pool enterprises have an on-site T1 by the demo's date, so the states after
    # the evaluation are thin; the demo scale holds every state (docs/projects.md, "Demo data").
    states = set(Project.objects.values_list("state", flat=True))
    assert states <= set(ProjectState.values) and len(states) >= 12, line
    pilots = Pilot.objects.filter(pk__in=Project.objects.values("pilot"))
    for pilot in pilots:
        report = ledger.reconcile(pilot)
        assert report.balanced, pilot
        retrofit = report.balance("retrofit")
        assert retrofit is not None and retrofit.allocated_yuan == pilot.allocation.retrofit_yuan
    # What was paid is what the paid projects' splits say, from the entries.
    paid = Project.objects.filter(state__in=(ProjectState.PAID, ProjectState.ARCHIVED))
    assert paid.exists()
    expected = sum((p.subsidy_yuan for p in paid), Decimal(0))
    from_entries = sum(
        (e.amount_yuan for e in LedgerEntry.objects.filter(kind="pay", project__in=paid)), Decimal(0)
    )
    assert from_entries == expected > 0


def test_without_the_batches_nothing_is_seeded(seeded: list[str], monkeypatch: pytest.MonkeyPatch):
    before = Application.objects.count()
    monkeypatch.setattr(programme_seeder, "CAST", (Part("city-2099", "330100", S.DRAFT),))
    counts = seed_programmes(SEED, PILOT_CITIES)
    assert counts.batches == 0 and not counts.states
    assert Application.objects.count() == before
    assert "load_batches" in counts.line()


def test_the_clock_refuses_bad_moments_and_always_restores():
    real = timezone.now
    clock = ServiceClock()
    with pytest.raises(ValueError, match="time zone"):
        clock.set(datetime(2023, 7, 1, 10))  # the naive moment it must refuse
    with pytest.raises(RuntimeError), clock.running():
        timezone.now()  # read before a step set it
    assert timezone.now is real
    with pytest.raises(KeyError), clock.running():
        clock.set(datetime(2023, 7, 1, 10, tzinfo=UTC))
        assert timezone.localdate().isoformat() == "2023-07-01"
        raise KeyError("a failing step")
    assert timezone.now is real


def test_every_accepted_project_has_a_case_written_through_the_services(seeded: list[str]):
    from dengta.cases.sources import ACCEPTED_STATES
    from dengta.projects.models import Project

    line = next(m for m in seeded if m.startswith("cases:"))
    accepted = Project.objects.filter(state__in=ACCEPTED_STATES).count()
    assert Case.objects.count() == accepted, line
    assert Event.objects.filter(verb="case.generated").count() == accepted
    for case in Case.objects.filter(state="published"):
        assert case.anonymised or case.consent == "given"
