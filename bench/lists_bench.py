"""Benchmark of every list page and API listing at national scale: ``manage.py bench_lists --enterprises N``.

Issue 14: a national registry holds a million enterprises, and every page must answer in well under a
second. This makes sure the database holds at least ``N`` enterprises (adding realistic generated ones
through the bulk import writer when it holds fewer, with providers, assessments, their events and pending
changes in proportion), makes three bench logins — a ministry official, a provincial authority (浙江, whose
jurisdiction leaves out 宁波, a 计划单列市) and a city authority (苏州) — and requests, warm, as each of
them through django.test.Client with DEBUG off, every list and API listing with each of its filters, each
sort it offers in both directions, a two- and a four-character name search, the first and the last page
(and for the API, the ``next`` link), and the home page. Every answer must be 200.

The last line printed is ``bench lists: p95_ms=… max_ms=… requests=…`` over all timed requests
(ARCHITECTURE.md, Tests). Figures: docs/benchmarks.md; PostgreSQL settings: docs/operations.md.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

Say = Callable[[str], None]

# ------------------------------------------------------------------------- figures (pure: no Django)


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0–100) by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile out of range: {p}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Measured:
    """The timed requests of one URL as one viewer."""

    viewer: str
    url: str
    times_ms: tuple[float, ...]

    @property
    def median_ms(self) -> float:
        return percentile(self.times_ms, 50)

    @property
    def max_ms(self) -> float:
        return max(self.times_ms)


@dataclass(frozen=True)
class Summary:
    p95_ms: float
    max_ms: float
    requests: int

    def line(self) -> str:
        return f"bench lists: p95_ms={self.p95_ms:.1f} max_ms={self.max_ms:.1f} requests={self.requests}"


def summarise(measured: Iterable[Measured]) -> Summary:
    """p95 and max over every timed request (not over the URLs' medians: each request counts once)."""
    times = [t for m in measured for t in m.times_ms]
    if not times:
        return Summary(0.0, 0.0, 0)
    return Summary(percentile(times, 95), max(times), len(times))


def slowest(measured: Iterable[Measured], n: int = 10) -> list[Measured]:
    return sorted(measured, key=lambda m: (m.median_ms, m.max_ms), reverse=True)[:n]


def over(measured: Iterable[Measured], median_ms: float, max_ms: float) -> list[Measured]:
    """URLs whose median exceeds ``median_ms`` or whose slowest request exceeds ``max_ms``, slowest first."""
    return slowest([m for m in measured if m.median_ms > median_ms or m.max_ms > max_ms], n=10**9)


def table(measured: Iterable[Measured]) -> list[str]:
    rows = list(measured)
    width = max([len(m.url) for m in rows] + [3])
    lines = [f"{'URL':<{width}}  {'viewer':<8}  {'median':>8}  {'max':>8}"]
    lines += [f"{m.url:<{width}}  {m.viewer:<8}  {m.median_ms:>8.1f}  {m.max_ms:>8.1f}" for m in rows]
    return lines


# ---------------------------------------------------------------------------- URLs (pure: no Django)


def with_params(path: str, params: Mapping[str, str] | Sequence[tuple[str, str]]) -> str:
    """``path`` with query parameters added (to any it already has); Chinese kept readable."""
    query = urlencode(list(params.items()) if isinstance(params, Mapping) else list(params), safe=":/")
    if not query:
        return path
    return f"{path}{'&' if '?' in path else '?'}{query}"


_PAGE_NUMBER = re.compile(r"[?&;]page=(\d+)")


def last_page_params(body: str) -> dict[str, str] | None:
    """How to ask a list page for its last page, read from its first page: the keyset pagination's
    ``cursor=last`` when its links carry cursors, else the highest ``page=N`` linked (numbered pages);
    None when the list has one page only."""
    if "cursor=" in body:
        return {"cursor": "last"}
    numbers = [int(n) for n in _PAGE_NUMBER.findall(body)]
    return {"page": str(max(numbers))} if numbers and max(numbers) > 1 else None


def api_last_params(next_link: str | None) -> dict[str, str] | None:
    """The same for an API listing, from its ``next`` link: cursors, or DRF's ``page=last``."""
    if not next_link:
        return None
    return {"cursor": "last"} if "cursor=" in next_link else {"page": "last"}


def local_url(link: str) -> str:
    """An absolute link from a response (DRF's ``next``) as the path and query the test client requests."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@dataclass(frozen=True)
class ListSpec:
    """One list: its URL, the filters measured one at a time, the sorts it offers, whether it searches
    names (``q``), and whether it is an API listing (JSON, ``next`` links)."""

    path: str
    filters: tuple[tuple[str, str], ...] = ()
    sorts: tuple[str, ...] = ()
    searches: bool = False
    api: bool = False
    paginated: bool = True


SEARCH_TERMS = ("轴承", "精密机械")  # a two- and a four-character name term (docs/lists.md, Chinese search)


def list_urls(spec: ListSpec) -> list[str]:
    """The URLs of a list measured before its last page: the default, each filter, each search, each sort
    both ways (the last page and the API's next link depend on the first page's answer)."""
    urls = [spec.path]
    urls += [with_params(spec.path, [item]) for item in spec.filters]
    if spec.searches:
        urls += [with_params(spec.path, {"q": term}) for term in SEARCH_TERMS]
    for key in spec.sorts:
        urls += [with_params(spec.path, {"sort": key}), with_params(spec.path, {"sort": f"-{key}"})]
    return urls


# ------------------------------------------------------------------------------- measuring (Django)


@dataclass
class Run:
    """What one bench run collected: timings, and the URLs that did not answer 200."""

    measured: list[Measured] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _get(client: object, url: str, api: bool) -> tuple[bytes, str]:
    """The body of one request, and "" or what went wrong (a status other than 200, or the exception a
    view raised): either is a failure of the bench, reported with the URL."""
    headers = {"HTTP_ACCEPT": "application/json"} if api else {}
    try:
        response = client.get(url, **headers)  # type: ignore[attr-defined]
    except Exception as exc:  # reported with the URL; the bench goes on with the other URLs
        return b"", f"{type(exc).__name__}: {exc}"
    return response.content, "" if response.status_code == 200 else f"HTTP {response.status_code}"


def time_url(client: object, url: str, *, api: bool, warmup: int, repeat: int) -> tuple[list[float], str]:
    """Warm-up requests, then ``repeat`` timed ones; (milliseconds, "") or ([], what went wrong)."""
    for _ in range(warmup):
        _body, problem = _get(client, url, api)
        if problem:
            return [], problem
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        _body, problem = _get(client, url, api)
        times.append((time.perf_counter() - start) * 1000)
        if problem:
            return [], problem
    return times, ""


def follow_up_urls(client: object, spec: ListSpec) -> list[str]:
    """The last page of the list (and for the API, its ``next`` link), read from the first page."""
    if not spec.paginated:
        return []
    body, problem = _get(client, spec.path, spec.api)
    if problem:
        return []  # the first page's own measurement reports it
    if not spec.api:
        params = last_page_params(body.decode("utf-8", "replace"))
        return [with_params(spec.path, params)] if params else []
    next_link = json.loads(body).get("next")
    params = api_last_params(next_link)
    urls = [local_url(next_link)] if next_link else []
    return urls + ([with_params(spec.path, params)] if params else [])


def measure(
    clients: Mapping[str, object],
    specs: Mapping[str, Sequence[ListSpec]],
    *,
    only: str,
    warmup: int,
    repeat: int,
    say: Say,
) -> Run:
    """Every URL of every list as each viewer; URLs not containing ``only`` are skipped."""
    run = Run()
    for viewer, client in clients.items():
        for spec in specs[viewer]:
            for url in list_urls(spec) + follow_up_urls(client, spec):
                if only and only not in url:
                    continue
                times, problem = time_url(client, url, api=spec.api, warmup=warmup, repeat=repeat)
                if problem:
                    run.failures.append(f"{viewer} {url}: {problem}")
                    say(f"FAILED {viewer} {url}: {problem}")
                    continue
                run.measured.append(Measured(viewer, url, tuple(times)))
        say(f"measured {sum(1 for m in run.measured if m.viewer == viewer)} URLs as {viewer}")
    return run


def slowest_query(client: object, url: str, *, api: bool) -> tuple[int, float, str]:
    """(queries, milliseconds, SQL) of the slowest query one request of ``url`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, url, api)
    queries = list(captured.captured_queries)
    if not queries:
        return 0, 0.0, ""
    worst = max(queries, key=lambda q: float(q["time"]))
    return len(queries), float(worst["time"]) * 1000, worst["sql"]


def explain(sql: str) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of one captured query (PostgreSQL; the query is a read)."""
    from django.db import connection

    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


def explain_slow(
    clients: Mapping[str, object], run: Run, specs: Mapping[str, Sequence[ListSpec]], say: Say
) -> None:
    """For every URL over 100 ms (median) or 300 ms (slowest): its query count and slowest query's plan."""
    api_paths = {s.path for group in specs.values() for s in group if s.api}
    for m in over(run.measured, median_ms=100, max_ms=300):
        api = any(m.url.startswith(p) for p in api_paths)
        count, ms, sql = slowest_query(clients[m.viewer], m.url, api=api)
        say(f"--- {m.viewer} {m.url}: median {m.median_ms:.1f} ms, {count} queries, slowest {ms:.1f} ms")
        say(f"    {sql}")
        for line in explain(sql):
            say(f"    {line}")


def report(run: Run, say: Say) -> Summary:
    for line in table(run.measured):
        say(line)
    say("")
    say("slowest 10 (median):")
    for line in table(slowest(run.measured))[1:]:
        say(line)
    for failure in run.failures:
        say(f"FAILED {failure}")
    return summarise(run.measured)


def timed_run(
    *,
    enterprises: int,
    seed: bool,
    only: str,
    warmup: int,
    repeat: int,
    show_plans: bool,
    say: Say,
) -> tuple[Run, Summary]:
    from bench.lists_data import bench_clients, ensure_rows, list_specs

    if seed:
        ensure_rows(enterprises, say)
    clients = bench_clients(say)
    specs = {viewer: list_specs(viewer) for viewer in clients}
    run = measure(clients, specs, only=only, warmup=warmup, repeat=repeat, say=say)
    summary = report(run, say)
    if show_plans:
        explain_slow(clients, run, specs, say)
    return run, summary
