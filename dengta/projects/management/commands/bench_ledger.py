"""``manage.py bench_ledger --workers 16 --claims 2000``: the subsidy ledger under concurrent claims.

The ledger promises paid ≤ committed ≤ allocated and one payment per project (services/ledger.py, PRODUCT.md)
through PostgreSQL row locks and check constraints, so it is measured, and proved, with several processes,
each with its own connection, against envelopes that run out during the run (docs/benchmarks.md).
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import time
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, connection, connections
from django.db.models import Count, Sum
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.catalog.models import Product, ProductState
from dengta.orgs.models import AuthorityLevel, Organization, OrgType
from dengta.programmes import models as programmes
from dengta.programmes.services import batches_load
from dengta.projects import cost_split
from dengta.projects.models import (
    EntryKind,
    Envelope,
    Funding,
    LedgerEntry,
    Project,
    ProjectLine,
    ProjectState,
)
from dengta.projects.services import filing, ledger, steps
from dengta.reference.models import Industry, Region
from dengta.registry.models import Enterprise, Provider, SizeClass

ZERO, FEN = Decimal("0.00"), Decimal("0.01")
FIT = Decimal("0.6")  # the share of each pilot's subsidies its envelopes can hold
CITIES = (("440100", "广州市"), ("440300", "深圳市"), ("440400", "珠海市"), ("440600", "佛山市"))
PLAN = {"retrofit_share": Decimal("0.8"), "service_share": Decimal("0.2")}
TARGET = {"target_share": Decimal("0.9"), "target_level": 2}
SME = {"employees": 120, "revenue": Decimal(30_000_000), "total_assets": Decimal(20_000_000)}
SIZE = {"size_class": SizeClass.SMALL, "size_sector": "industry", "size_standard_version": "bench"}
PRODUCT = {
    "name": "质量追溯SaaS",
    "description": "基准测试用产品",
    "category": "software",
    "deployment": "saas",
}
PRICES = {"list_price": Decimal("12500.00"), "pilot_price": Decimal("10000.00"), "delivery_days": 30}
FRAMEWORK = {"framework_code": "miit-2024-manufacturing", "framework_version": "2024"}
Task = tuple[int, str]  # (project id, idempotency key)
Row = tuple[int, str, str, Decimal]  # (project id, key, outcome, amount paid or replayed)


def _region(code: str, name: str, parent: Region | None) -> Region:
    path = f"{parent.path if parent else ''}{code}/"
    level, reporting = (2, False) if parent else (1, True)
    region, _created = Region.objects.get_or_create(
        code=code,
        defaults={"name": name, "level": level, "parent": parent, "path": path, "full_name": name}
        | {"is_reporting_unit": reporting, "dataset_version": "bench"},
    )
    return region


def _setup(tag: str, total: int, pilots: int, rng: random.Random) -> tuple[list[programmes.Pilot], list[int]]:
    """Pilots of city-2025 with their allocation, rules and envelopes (about 60 % of their subsidies), and
    filed projects, one per enterprise, split by cost_split under the pilot's rules."""
    batches_load(actor=None)
    batch = programmes.Batch.objects.get(code="city-2025")
    cap = batch.parsed_rules().award_caps.for_kind("prefecture_city") or Decimal(100_000_000)
    today, now = timezone.localdate(), timezone.now()
    province = _region("440000", "广东省", None)
    industry, _c = Industry.objects.get_or_create(
        code="C367", defaults={"name": "汽车零部件及配件制造", "level": 3, "dataset_version": "bench"}
    )
    owner = Organization.objects.create(name=f"灯塔基准服务商{tag}", type=OrgType.PROVIDER, region=province)
    provider = Provider.objects.create(organization=owner, uscc=f"P{tag}{0:09d}")
    product = Product.objects.create(
        provider=provider, state=ProductState.LISTED, listed_at=now, **PRODUCT, **PRICES, **FRAMEWORK
    )
    made: list[programmes.Pilot] = []
    ids: list[int] = []
    for index in range(pilots):
        code, city = CITIES[index % len(CITIES)]
        region = _region(code, city, province)
        authority = Organization.objects.create(
            name=f"{city}工业和信息化局（基准{tag}-{index}）",
            type=OrgType.AUTHORITY,
            authority_level=AuthorityLevel.CITY,
            region=region,
        )
        quantities = [rng.randint(2, 60) for _ in range(total // pilots + (index < total % pilots))]
        # 50 % of 10,000 yuan a unit (the batch's default rate); 3/4 of the pot central, 1/4 local matching.
        pot = (sum(quantities) * 5000 * FIT).quantize(FEN)
        award = (pot * Decimal("0.9375")).quantize(FEN)
        retrofit = (award * PLAN["retrofit_share"]).quantize(FEN, rounding=ROUND_DOWN)
        local = pot - retrofit
        version = {"rules_version": batch.rules_version}
        application = programmes.Application.objects.create(
            batch=batch,
            applicant=authority,
            state=programmes.ApplicationState.APPROVED,
            award_requested_yuan=award,
            local_matching_yuan=local,
            decided_at=now,
            **PLAN | TARGET | version,
        )
        period = {"starts_on": today, "ends_on": today + timedelta(days=730)}
        pilot = programmes.Pilot.objects.create(
            application=application,
            batch=batch,
            authority=authority,
            central_award_yuan=award,
            **period | TARGET | version,
        )
        money = {"award_yuan": award, "retrofit_yuan": retrofit, "service_yuan": award - retrofit}
        money |= {"local_matching_yuan": local, "total_yuan": award + local, "cap_yuan": cap}
        programmes.Allocation.objects.create(pilot=pilot, **money | PLAN | version)
        rules = filing.rules_for(pilot)
        orgs = [
            Organization(name=f"基准企业{tag}-{index}-{n}", type=OrgType.ENTERPRISE, region=region)
            for n in range(len(quantities))
        ]
        for org in orgs:
            org.derive()  # bulk_create does not call save(), which derives the place codes and name grams
        Organization.objects.bulk_create(orgs)
        place = {"region": region, "industry": industry}
        enterprises = [
            Enterprise(organization=o, name=o.name, uscc=f"E{tag}{len(ids) + n:09d}", **place, **SME, **SIZE)
            for n, o in enumerate(orgs)
        ]
        for enterprise in enterprises:
            enterprise.derive()
        Enterprise.objects.bulk_create(enterprises)
        fixed = {"pilot": pilot, "programme_id": batch.programme_id, "provider": provider, "title": "改造"}
        fixed |= {"state": ProjectState.FILED, "scenarios": ["quality"], "rules_version": rules.version}
        dates = {"starts_on": today, "ends_on": today + timedelta(days=120), "filed_at": now}
        prices = {"list_price_yuan": product.list_price, "pilot_price_yuan": product.pilot_price}
        projects = []
        for enterprise, quantity in zip(enterprises, quantities, strict=True):
            lines = [cost_split.CostLine(category=product.category, quantity=quantity, **prices)]
            split = cost_split.split_cost(filing.cost_rules(rules), lines)
            figures = {name: getattr(split, name) for name in cost_split.FIGURES}
            explanation = [item.to_json() for item in split.explanation]
            projects.append(
                Project(enterprise=enterprise, split_explanation=explanation, **fixed, **dates, **figures)
            )
        Project.objects.bulk_create(projects)
        ProjectLine.objects.bulk_create(
            ProjectLine(
                project=p, product=product, name=product.name, category=product.category, quantity=q, **prices
            )
            for p, q in zip(projects, quantities, strict=True)
        )
        ledger.envelopes_open(actor=None, pilot=pilot)
        made.append(pilot)
        ids += [p.pk for p in projects]
    return made, ids


def _request(phase: str, project_id: int, key: str, actor: Any) -> tuple[str, Decimal]:
    project = Project(pk=project_id)  # the services lock and read the row themselves
    try:
        if phase == "approve":
            steps.project_approve(actor=actor, project=project)
            return "approved", ZERO
        paid = steps.project_pay(actor=actor, project=project, idempotency_key=key)
        return ("replayed" if paid.replayed else "paid"), paid.amount_yuan
    except ledger.LedgerRefused as exc:
        reason = exc.messages[0] if exc.messages else ""
        if phase == "approve":
            return "refused", ZERO
        known = {
            _("该项目的补贴已经拨付，不能重复拨付"): "refused_paid",
            _("该项目没有已承诺的补贴，无法拨付"): "refused_none",
        }
        return known.get(reason, f"refused:{reason}"), ZERO
    except Exception as exc:  # a deadlock or anything else: counted and shown, never hidden
        return f"error:{type(exc).__name__}: {exc}"[:300], ZERO


def _warm(tasks: list[Task]) -> None:
    """Before the clock starts, a read of the kind every request makes: a freshly forked worker's first
    queries copy the pages of the parent's memory they touch, a cost of starting a process that a serving
    worker has paid long before (the requests, not the forks, are what is measured)."""
    if tasks:
        Project.objects.with_place().filter(pk=tasks[0][0]).first()
        Funding.objects.filter(project_id=tasks[0][0]).first()
        Envelope.objects.filter(pilot__projects=tasks[0][0]).first()


def _work(phase: str, tasks: list[Task], actor: Any, barrier: Any, results: Any) -> None:
    rows: list[Row] = []
    try:
        connection.ensure_connection()  # connected before the clock starts
        _warm(tasks)
        barrier.wait(timeout=120)
        rows = [(pid, key, *_request(phase, pid, key, actor)) for pid, key in tasks]
    finally:
        connection.close()
        results.put(rows)


def _phase(phase: str, chunks: list[list[Task]], actor: Any) -> tuple[float, list[Row]]:
    """Run the chunks in as many forked processes at once; the seconds from the common start to the last."""
    context = multiprocessing.get_context("fork")
    connections.close_all()  # a forked process must never share the parent's socket
    barrier, results = context.Barrier(len(chunks) + 1), context.Queue()
    workers = [context.Process(target=_work, args=(phase, c, actor, barrier, results)) for c in chunks]
    for worker in workers:
        worker.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    try:
        rows = [row for _worker in workers for row in results.get(timeout=1800)]
    except queue.Empty as exc:
        raise CommandError(f"{phase}: a worker did not answer") from exc
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return elapsed, rows


def _payments(
    tag: str, approved: list[int], refused: list[int], workers: int, rng: random.Random
) -> list[list[Task]]:
    """Each worker first pays its share of the approved projects, then, shuffled, repeats another worker's
    request (same key: must replay), pays a third worker's project under another key (must be refused as
    paid) and claims for projects refused at approval (no commitment: must be refused)."""
    first: list[list[Task]] = [[] for _ in range(workers)]
    later: list[list[Task]] = [[] for _ in range(workers)]
    for i, pid in enumerate(rng.sample(approved, len(approved))):
        first[i % workers].append((pid, f"bench-{tag}-{pid}"))
        later[(i + 1) % workers].append((pid, f"bench-{tag}-{pid}"))
        later[(i + 2) % workers].append((pid, f"bench-{tag}-{pid}-b"))
    for i, pid in enumerate(refused):
        later[i % workers].append((pid, f"bench-{tag}-{pid}"))
    for chunk in later:
        rng.shuffle(chunk)
    return [a + b for a, b in zip(first, later, strict=True)]


def _summary(phase: str, rows: list[Row], seconds: float, workers: int) -> str:
    outcomes = Counter("errors" if r[2].startswith(("error", "refused:")) else r[2] for r in rows)
    tally = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
    rate = len(rows) / seconds
    return f"{phase}: {len(rows)} requests, {workers} workers, {seconds:.2f} s ({rate:.1f}/s): {tally}"


def _check_payments(tag: str, approved: list[int], refused: list[int], rows: list[Row]) -> tuple[int, int]:
    """Unexpected outcomes and projects first paid under the other key. Whatever the order, a project is
    paid its subsidy once; the same key replays it and another key is refused as paid (or, when the other key
    came first, both requests of the first key are); a project refused at approval has nothing to pay."""
    subsidy = dict(Project.objects.filter(pk__in=approved).values_list("pk", "subsidy_yuan"))
    seen: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        seen[row[0]].append(row)
    unexpected = flipped = 0
    for pid in approved:
        same = sorted(o for _p, key, o, _a in seen[pid] if key == f"bench-{tag}-{pid}")
        other = [o for _p, key, o, _a in seen[pid] if key != f"bench-{tag}-{pid}"]
        amounts = all(a == subsidy[pid] for _p, _k, o, a in seen[pid] if o in ("paid", "replayed"))
        flipped += (same, other) == (["refused_paid", "refused_paid"], ["paid"])
        expected = ((["paid", "replayed"], ["refused_paid"]), (["refused_paid", "refused_paid"], ["paid"]))
        unexpected += not amounts or (same, other) not in expected
    unexpected += sum(1 for pid in refused if [r[2] for r in seen[pid]] != ["refused_none"])
    return unexpected, flipped


def _verify(pilots: list[programmes.Pilot]) -> tuple[Decimal, int, int]:
    """Overspend and double payments summed from the entries, and the pilots whose reconcile() is balanced
    and derives the same totals."""
    sums = (
        LedgerEntry.objects.filter(envelope__pilot__in=pilots)
        .order_by()
        .values("envelope_id", "kind", "reverses__kind")
        .annotate(total=Sum("amount_yuan"))
        .values_list("envelope_id", "kind", "reverses__kind", "total")
    )
    entries: dict[int, list[tuple[str, str | None, Decimal]]] = defaultdict(list)
    for envelope_id, kind, reversed_kind, amount in sums:
        entries[envelope_id].append((kind, reversed_kind, amount))
    derived = {envelope_id: ledger.derived_totals(rows) for envelope_id, rows in entries.items()}
    overspend = ZERO
    for t in derived.values():
        overspend += max(ZERO, t["paid"] - t["allocated"]) + max(ZERO, t["committed"] - t["allocated"])
    twice = (
        LedgerEntry.objects.filter(envelope__pilot__in=pilots, kind=EntryKind.PAY, reversed_by__isnull=True)
        .values("project_id", "envelope_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    balanced = 0
    for pilot in pilots:
        report = ledger.reconcile(pilot)
        same = all(
            [b.allocated_yuan, b.committed_yuan, b.paid_yuan]
            == [derived.get(b.envelope.pk, {}).get(k, ZERO) for k in ("allocated", "committed", "paid")]
            for b in report.envelopes
        )
        balanced += report.balanced and same
    return overspend, twice, balanced


class Command(BaseCommand):
    help = (
        "PostgreSQL (DATABASE_URL; created and migrated if missing): pilots whose envelopes hold about 60 % "
        "of their filed projects' subsidies. Timed: worker processes approve every project; then pay each "
        "approved one three times from three workers (a key; the same key again: replay; another key: "
        "refused as paid) and each refused one once (refused: no commitment). Between the two, untimed, an "
        "ORM update sets the projects to subsidy_claimed (the workflow from approval to claim is not what is "
        "measured; the refused ones too, so that the ledger itself must refuse them). Overspend and double "
        "payments, summed from the entries, must be zero."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=16, help="worker processes (at least 3)")
        parser.add_argument("--claims", type=int, default=2000, help="approvals and payments, about")
        parser.add_argument("--pilots", type=int, default=4, help="pilots, each with its own envelopes")
        parser.add_argument("--seed", type=int, default=20261207)

    def handle(self, *args: Any, **options: Any) -> None:
        workers, pilots, claims = options["workers"], options["pilots"], options["claims"]
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_ledger measures PostgreSQL's row locks, and DATABASE_URL is SQLite. Run it as "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/dengta_bench python manage.py bench_ledger"
            )
        if workers < 3 or pilots < 1 or claims < 16 * pilots:
            raise CommandError("--workers must be at least 3 and --claims at least 16 per pilot")
        with override_settings(DEBUG=False):  # no query log in the workers
            self._run(workers, pilots, claims, random.Random(options["seed"]))  # noqa: S311  (seeded data)

    def _database(self) -> None:
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            if "does not exist" not in str(exc):
                raise
            name = connection.settings_dict["NAME"]
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
            self.stdout.write(f"created database {name}")
        if "projects_envelope" not in connection.introspection.table_names():
            self.stdout.write("migrating the empty database…")
            call_command("migrate", interactive=False, verbosity=0)

    def _run(self, workers: int, pilots: int, claims: int, rng: random.Random) -> None:
        say = self.stdout.write
        self._database()
        tag, started = format(int(time.time()), "x")[-8:], time.perf_counter()
        # Requests: N approvals + 3 payments per approved project (≈ 0.6 N) + 1 per refused one ≈ 3.2 N.
        made, ids = _setup(tag, max(5 * pilots, round(claims / 3.2)), pilots, rng)
        actor = get_user_model().objects.create(username=f"bench-ledger-{tag}")
        say(f"setup: {len(made)} pilots, {len(ids)} filed projects ({time.perf_counter() - started:.1f} s)")
        order = [(pid, "") for pid in rng.sample(ids, len(ids))]
        approve_s, rows = _phase("approve", [order[w::workers] for w in range(workers)], actor)
        approved = [pid for pid, _k, outcome, _a in rows if outcome == "approved"]
        refused = [pid for pid, _k, outcome, _a in rows if outcome == "refused"]
        say(_summary("approve", rows, approve_s, workers))
        moved = Project.objects.filter(pk__in=ids, state__in=[ProjectState.APPROVED, ProjectState.FILED])
        say(f"claim: {moved.update(state=ProjectState.SUBSIDY_CLAIMED)} projects set to subsidy_claimed")
        pay_s, paid = _phase("pay", _payments(tag, approved, refused, workers, rng), actor)
        say(_summary("pay", paid, pay_s, workers))
        unexpected, flipped = _check_payments(tag, approved, refused, paid)
        overspend, twice, balanced = _verify(made)
        odd = [r[2] for r in [*rows, *paid] if r[2].startswith(("error", "refused:"))]
        say(
            f"verify: {unexpected} unexpected outcomes ({flipped} projects paid first under the other key), "
            f"{len(odd)} errors, reconcile balanced and equal to the sums for {balanced}/{len(made)} pilots"
        )
        for line in odd[:5]:
            say(f"  {line}")
        rate = (len(rows) + len(paid)) / (approve_s + pay_s)
        say(f"bench ledger: claims_per_s={rate:.1f} overspend_yuan={overspend:.2f} double_payments={twice}")
        if overspend or twice or unexpected or odd or balanced != len(made):
            raise CommandError("the ledger overspent, paid twice or answered unexpectedly (see above)")
