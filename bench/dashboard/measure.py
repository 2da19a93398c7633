"""Measuring the dashboard endpoint warm against the raw count, and seeding what it needs."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.dashboard.assessments import add_assessments, analyze
from bench.dashboard.common import CITY_BATCHES, SEED, Say
from bench.dashboard.figures import (
    Headline,
    Measured,
    Probe,
    Summary,
    dashboard_urls,
    differences,
    pilot_count,
    summarise,
    table,
)
from bench.dashboard.raw import raw_figures
from bench.dashboard.rows import add_pilots, all_batches_loaded
from bench.lists_bench import percentile

# ------------------------------------------------------------------------------- measuring (Django)


def ensure_rows(enterprises: int, pilots: int | None, say: Say) -> bool:
    """At least ``enterprises`` enterprises, the bench's pilots with their pools, money and projects, and two
    assessments per bench enterprise; True when anything was written."""
    from bench.import_bench import ensure_reference
    from bench.lists_data import add_enterprises
    from bench.lists_data import bench_batches as bench_enterprises
    from dengta.demo.assessments import framework_row
    from dengta.programmes.services import batches_load
    from dengta.registry.models import Enterprise

    ensure_reference(say)
    framework_row()  # loads the assessment frameworks when this database has none
    if not all_batches_loaded():
        batches_load(actor=None)
        say("batches loaded (load_batches)")
    touched = False
    have = Enterprise.objects.count()
    if have < enterprises:
        started = time.perf_counter()
        add_enterprises(enterprises - have, seed=SEED + have, say=say)
        say(f"enterprises: {enterprises - have:,} added in {time.perf_counter() - started:.0f} s")
        touched = True
    started = time.perf_counter()
    if add_pilots(pilots if pilots is not None else pilot_count(enterprises), say):
        say(f"pilots written in {time.perf_counter() - started:.1f} s")
        touched = True
    started = time.perf_counter()
    target = 2 * bench_enterprises().count()
    if add_assessments(target, say):
        say(f"assessments written in {time.perf_counter() - started:.0f} s")
        touched = True
    return touched


@dataclass(frozen=True)
class BenchViewer:
    name: str
    client: Any
    viewer: Any  # dengta.core.access.Viewer, as the API builds it for this login


def bench_viewers(say: Say) -> list[BenchViewer]:
    """The list benchmark's three logins (ministry, 浙江 without 宁波, 苏州), created when missing."""
    from django.db import transaction
    from django.test import Client

    from bench.lists_data import VIEWERS, bench_organization, bench_user
    from dengta.orgs.viewer import viewer_for

    out = []
    for key, (username, org_type, region_code, level) in VIEWERS.items():
        with transaction.atomic():
            organization = bench_organization(org_type, region_code, level)
            user = bench_user(username, organization)
        client = Client()
        client.force_login(user)
        out.append(BenchViewer(key, client, viewer_for(user, organization.pk)[0]))
        say(f"viewer {key}: {username} at {organization.name}")
    return out


def probes_for(viewers: Sequence[BenchViewer]) -> list[Probe]:
    from django.urls import reverse

    from dengta.programmes.models import Batch

    ids = dict(Batch.objects.filter(code__in=CITY_BATCHES).values_list("code", "pk"))
    batches = [ids[code] for code in CITY_BATCHES if code in ids]
    programme = Batch.objects.filter(pk__in=batches).values_list("programme_id", flat=True).first()
    path = reverse("api:dashboard-summary")
    return [probe for v in viewers for probe in dashboard_urls(path, v.name, batches, programme)]


def _answer(client: Any, url: str) -> tuple[dict[str, Any] | None, str]:
    try:
        response = client.get(url, HTTP_ACCEPT="application/json")
    except Exception as exc:  # reported with the URL; the bench goes on with the others
        return None, f"{type(exc).__name__}: {exc}"
    if response.status_code != 200:
        return None, f"HTTP {response.status_code}: {response.content[:200]!r}"
    return response.json(), ""


def measure_probe(bench: BenchViewer, probe: Probe, *, warmup: int, repeat: int, raw_repeat: int) -> Measured:
    """The probe's timed requests, then its raw computation (one untimed, then ``raw_repeat`` timed), and
    the figures of both compared."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dengta.analytics.selectors import scope_of

    for _ in range(warmup):
        _answer(bench.client, probe.url)
    times = []
    body: dict[str, Any] | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        body, problem = _answer(bench.client, probe.url)
        times.append((time.perf_counter() - start) * 1000)
        if problem:
            return Measured(probe, tuple(times), (0.0,), (f"request failed: {problem}",))
    with CaptureQueriesContext(connection) as captured:
        body, problem = _answer(bench.client, probe.url)
    if body is None:
        return Measured(probe, tuple(times), (0.0,), (f"request failed: {problem}",))
    # The scope as the endpoint resolves it for this viewer (a province's jurisdiction less its 计划单列市).
    scope = scope_of(bench.viewer, region=probe.region, batch=probe.batch, programme=probe.programme)
    raw_ms = []
    raw = raw_figures(scope.parts, batch=probe.batch, programme=probe.programme)
    for _ in range(raw_repeat):
        start = time.perf_counter()
        raw = raw_figures(scope.parts, batch=probe.batch, programme=probe.programme)
        raw_ms.append((time.perf_counter() - start) * 1000)
    mismatches = differences(Headline.from_json(body), raw)
    if body.get("stale"):
        mismatches.append("stale: the tallies say a newer count is on its way")
    return Measured(probe, tuple(times), tuple(raw_ms), tuple(mismatches), len(captured.captured_queries))


def explain_slowest(bench: BenchViewer, probe: Probe, say: Say) -> None:
    """The queries of one request of the slowest probe, and the plan of its slowest query (PostgreSQL)."""
    from bench.lists_bench import explain, slowest_query

    count, ms, sql = slowest_query(bench.client, probe.url, api=True)
    say(f"--- {probe.viewer} {probe.url}: {count} queries, slowest {ms:.1f} ms")
    say(f"    {sql}")
    for line in explain(sql):
        say(f"    {line}")


def timed_run(
    *,
    enterprises: int,
    pilots: int | None,
    seed: bool,
    warmup: int,
    repeat: int,
    raw_repeat: int,
    show_plans: bool,
    say: Say,
) -> tuple[list[Measured], Summary]:
    from django.db import connection

    from dengta.core import tallies

    say(f"database: {connection.vendor}")
    touched = ensure_rows(enterprises, pilots, say) if seed else False
    viewers = bench_viewers(say)
    # Statistics first: the refresh's counting queries are planned from them, and a table just loaded in
    # bulk has none (autovacuum may be off or not yet round); without them PostgreSQL planned the newest
    # result per pilot enterprise (dengta.analytics.summary.newest_levels) as a scan of every assessment
    # per assessment, over ten minutes at 100,000 enterprises.
    analyze(say, vacuum=touched)
    started = time.perf_counter()
    refreshed = tallies.refresh_all()
    say(f"tallies refreshed in {time.perf_counter() - started:.1f} s: {', '.join(refreshed) or 'none'}")
    # And for the rows the refresh wrote: with none (an empty table when last analysed), PostgreSQL reads a
    # topic's tallies by the topic alone and filters its ~20,000 rows by region (2 ms a read, six reads a
    # request) instead of looking up the two or three regions' rows in the same index (0.1 ms).
    analyze(say, vacuum=False, tables=("core_regiontally", "core_tallytopic"))
    say(_inventory())
    by_name = {v.name: v for v in viewers}
    measured = []
    for probe in probes_for(viewers):
        m = measure_probe(by_name[probe.viewer], probe, warmup=warmup, repeat=repeat, raw_repeat=raw_repeat)
        for problem in m.mismatches:
            say(f"MISMATCH {probe.viewer} {probe.url}: {problem}")
        measured.append(m)
    for line in table(measured):
        say(line)
    if show_plans and measured:
        worst = max(measured, key=lambda m: percentile(m.times_ms, 95))
        explain_slowest(by_name[worst.probe.viewer], worst.probe, say)
    summary = summarise(measured)
    computations = sum(len(m.raw_ms) for m in measured)
    say(
        f"ratio_vs_raw = the raw computation's median ({summary.raw_median_ms:.1f} ms over {computations} "
        f"timed computations) / the endpoint's p95 ({summary.p95_ms:.1f} ms over {summary.requests} "
        "timed requests)"
    )
    return measured, summary


def _inventory() -> str:
    from dengta.assessment.models import Assessment
    from dengta.programmes.models import Pilot, PoolEnterprise
    from dengta.projects.models import Funding, Project
    from dengta.registry.models import Enterprise

    return (
        f"rows: {Enterprise.objects.count():,} enterprises, {Assessment.objects.count():,} assessments, "
        f"{Pilot.objects.count():,} pilots, {PoolEnterprise.objects.count():,} pool enterprises, "
        f"{Project.objects.count():,} projects, {Funding.objects.count():,} funding rows"
    )
