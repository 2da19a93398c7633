"""Per-region tallies: home-page figures read from counts kept per region, not counted per request.

Issue 14: at a million enterprises, counting a jurisdiction's rows on every home page costs hundreds of
milliseconds. A *topic* is one such figure (enterprises by size class, latest assessment levels, ...): a
function that counts the rows by (region code, bucket) with one GROUP BY, registered here by the app that
owns the rows (core imports no app below it; ARCHITECTURE.md, Layout). ``refresh`` adds each region's
counts up its branch of the region tree and stores, per region and bucket, the count of the region's whole
subtree (and one national row) as ``RegionTally`` rows, in one transaction. ``read`` then answers any
jurisdiction from a handful of rows: the subtree of the region it covers, less the subtrees it leaves out
(a province without its 计划单列市), and says when the counts were computed.

Keeping them current: a service that changes the data calls ``changed(source)`` inside its transaction.
After the commit, each topic reading from that source is marked as changed and a refresh job is enqueued
(dengta.core.jobs) unless one is already queued, so a burst of writes costs one refresh. The job runs in
the worker on PostgreSQL with Celery, and at once in the embedded default. Bulk writers that bypass the
services (the enterprise import's INSERT/COPY, the demo seed) call ``changed`` or ``refresh_all`` after
they commit; ``manage.py refresh_tallies`` refreshes every topic for operators.

A tally is not a state change of anything (ARCHITECTURE.md convention 7): refreshing writes no event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dengta.core.access import Viewer
from dengta.core.jobs import job_create, job_enqueue, register_job
from dengta.core.models import Job, RegionTally, TallyTopic
from dengta.core.places import path_code

REFRESH_JOB_KIND = "core.refresh_tally"
# A job queued longer than this is taken as lost (a worker restarted, a demo process exited) and a change
# enqueues another; a duplicate refresh is harmless, a topic never refreshed again is not.
QUEUE_PATIENCE = timedelta(minutes=15)
WRITE_BATCH = 500  # rows per statement (SQLite allows a few thousand parameters)

# (region code, bucket, count); a (region, bucket) pair may come more than once: the counts are added.
Counts = Iterable[tuple[str, str, int]]


@dataclass(frozen=True)
class Topic:
    name: str
    compute: Callable[[], Counts]
    # The kinds of change that alter the counts (names the writers pass to ``changed``).
    sources: frozenset[str]
    # How long a refresh waits after the change that queued it, so that a stream of writes (payments at a
    # few hundred a second) is counted once per interval instead of keeping a recount running all the time.
    settle: timedelta = timedelta(0)


_TOPICS: dict[str, Topic] = {}


def register_topic(
    name: str, compute: Callable[[], Counts], *, sources: Iterable[str], settle: timedelta = timedelta(0)
) -> None:
    _TOPICS[name] = Topic(name, compute, frozenset(sources), settle)


def topic_names() -> list[str]:
    return sorted(_TOPICS)


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Figures:
    """A topic's counts inside one viewer's jurisdiction, and when they were computed."""

    counts: Mapping[str, int] = field(default_factory=dict)
    refreshed_at: datetime | None = None
    # Data changed after the refresh started: a newer count is on its way.
    stale: bool = False

    def get(self, bucket: str) -> int:
        return self.counts.get(bucket, 0)

    @property
    def refreshed_today(self) -> bool:
        """Whether the refresh was today in the local time zone (then the time alone is shown)."""
        return self.refreshed_at is not None and timezone.localdate(self.refreshed_at) == timezone.localdate()


NATIONAL = ""  # the region code (and path) of the rows that count the whole country


def _outermost(paths: Iterable[str]) -> list[str]:
    """The paths not inside another of them (a subtree counted twice would be added twice)."""
    unique = sorted(set(paths))
    return [p for p in unique if not any(p != q and p.startswith(q) for q in unique)]


def jurisdiction_parts(viewer: Viewer) -> tuple[list[str], list[str]] | None:
    """The subtrees whose counts make up the viewer's jurisdiction: (added, subtracted) region paths, or
    None when the viewer has none. Pure: no query.

    The jurisdiction is the regions under an included path and under no excluded one (dengta.core.access).
    With the included subtrees made disjoint (and those inside an excluded one dropped), and the excluded
    ones limited to those inside an included subtree and made disjoint too, its count is the sum of the
    included subtrees' counts less the sum of the excluded ones'.

    Tallies count by region only: a viewer without a jurisdiction (an enterprise, a provider) sees its own
    organisation's rows in lists, which no regional count can tell apart, so its figures are empty.
    """
    if not viewer.is_authenticated:
        return None
    if viewer.sees_all:
        return [NATIONAL], []
    if not viewer.include_paths:
        return None
    # An included subtree inside an excluded one is left out whole.
    kept = [p for p in viewer.include_paths if not any(p.startswith(e) for e in viewer.exclude_paths)]
    added = _outermost(kept)
    inside = [p for p in viewer.exclude_paths if any(p.startswith(a) for a in added)]
    return added, _outermost(inside)


def read(name: str, viewer: Viewer) -> Figures:
    """The topic's counts by bucket inside the viewer's jurisdiction: two queries of a few rows each.

    A topic never computed (a database just migrated) is computed now, once, so figures are never missing.
    """
    return read_parts(name, jurisdiction_parts(viewer))


def region_parts(viewer: Viewer, path: str) -> tuple[list[str], list[str]] | None:
    """The subtrees whose counts make up one region (its path, "" for the whole country) as the viewer may
    see it: (added, subtracted) region paths, or None when the region is not the viewer's to see. Pure.

    National staff see any region whole. Others see a region inside their jurisdiction (dengta.core.access:
    under an included path and under no excluded one), less the excluded subtrees inside it (a province
    without its 计划单列市); a region above or beside their jurisdiction is not theirs.
    """
    if not viewer.is_authenticated:
        return None
    if viewer.sees_all:
        return [path], []
    if not path or not viewer.covers_path(path):
        return None
    inside = [p for p in viewer.exclude_paths if p != path and p.startswith(path)]
    return [path], _outermost(inside)


def read_region(name: str, viewer: Viewer, path: str) -> Figures | None:
    """The topic's counts for one region's subtree as the viewer may see it; None when it may not."""
    parts = region_parts(viewer, path)
    return None if parts is None else read_parts(name, parts)


def read_many(name: str, parts_by_key: Mapping[str, tuple[list[str], list[str]]]) -> dict[str, Figures]:
    """``read_parts`` for several sets of subtrees at once (the children of a region on a dashboard):
    one query for all their rows."""
    state = TallyTopic.objects.filter(pk=name).first()
    if state is None or state.refreshed_at is None:
        refresh(name, only_if_never=True)
        state = TallyTopic.objects.get(pk=name)
    codes = {
        path_code(p) if p else NATIONAL
        for added, subtracted in parts_by_key.values()
        for p in (*added, *subtracted)
    }
    by_code: dict[str, Counter[str]] = {}
    rows = RegionTally.objects.filter(topic_id=name, region_code__in=codes).values_list(
        "region_code", "bucket", "count"
    )
    for region_code, bucket, n in rows:
        by_code.setdefault(region_code, Counter())[bucket] += n
    found: dict[str, Figures] = {}
    for key, (added, subtracted) in parts_by_key.items():
        counts: Counter[str] = Counter()
        for path in added:
            counts.update(by_code.get(path_code(path) if path else NATIONAL, Counter()))
        for path in subtracted:
            counts.subtract(by_code.get(path_code(path), Counter()))
        found[key] = Figures(
            counts={b: n for b, n in counts.items() if n},
            refreshed_at=state.refreshed_at,
            stale=state.is_stale,
        )
    return found


def read_parts(name: str, parts: tuple[list[str], list[str]] | None) -> Figures:
    """The topic's counts over the subtrees ``parts`` names (``jurisdiction_parts``, ``region_parts``)."""
    state = TallyTopic.objects.filter(pk=name).first()
    if state is None or state.refreshed_at is None:
        refresh(name, only_if_never=True)
        state = TallyTopic.objects.get(pk=name)
    counts: Counter[str] = Counter()
    if parts is not None:
        added, subtracted = parts
        sign = {path_code(p) if p else NATIONAL: 1 for p in added}
        sign.update({path_code(p): -1 for p in subtracted})
        rows = RegionTally.objects.filter(topic_id=name, region_code__in=sign).values_list(
            "region_code", "bucket", "count"
        )
        for region_code, bucket, n in rows:
            counts[bucket] += sign[region_code] * n
    return Figures(
        counts={b: n for b, n in counts.items() if n}, refreshed_at=state.refreshed_at, stale=state.is_stale
    )


# ---------------------------------------------------------------------------------------------- refreshing


def _region_paths() -> dict[str, str]:
    """Every region's path by code (3,348 rows; core looks the table up by name, like dengta.core.access)."""
    region_model = apps.get_model("reference", "Region")
    return dict(region_model.objects.values_list("code", "path"))


def branch(path: str) -> list[str]:
    """The paths of a region and of every region above it, and the national one (""). Pure."""
    parts = [p for p in path.split("/") if p]
    return [NATIONAL] + ["".join(f"{p}/" for p in parts[: depth + 1]) for depth in range(len(parts))]


def subtree_counts(counts: Counts, paths: Mapping[str, str]) -> dict[tuple[str, str], int]:
    """Per (region path, bucket), the count of the region's whole subtree, the nation's under "". Pure.

    A region code missing from the tree (``paths``) still counts nationally.
    """
    totals: Counter[tuple[str, str]] = Counter()
    for region_code, bucket, n in counts:
        if not n:
            continue
        for path in branch(paths.get(str(region_code), "")):
            totals[(path, str(bucket))] += int(n)
    return dict(totals)


def _replace(name: str, totals: dict[tuple[str, str], int]) -> None:
    """Make the topic's rows equal ``totals``, writing only the rows that differ: a refresh after a few
    writes changes a few rows, so the table does not churn (on PostgreSQL, a count update is a HOT update
    and leaves no dead index entries behind)."""
    stored = {
        (path, bucket): (pk, n)
        for pk, path, bucket, n in RegionTally.objects.filter(topic_id=name).values_list(
            "pk", "region_path", "bucket", "count"
        )
    }
    gone = [pk for key, (pk, _n) in stored.items() if key not in totals]
    for start in range(0, len(gone), WRITE_BATCH):
        RegionTally.objects.filter(pk__in=gone[start : start + WRITE_BATCH]).delete()
    changed = [
        RegionTally(pk=stored[key][0], count=n)
        for key, n in totals.items()
        if key in stored and stored[key][1] != n
    ]
    RegionTally.objects.bulk_update(changed, ["count"], batch_size=WRITE_BATCH)
    added = [
        RegionTally(
            topic_id=name,
            region_code=path_code(path) if path else NATIONAL,
            region_path=path,
            bucket=b,
            count=n,
        )
        for (path, b), n in sorted(totals.items())
        if (path, b) not in stored
    ]
    RegionTally.objects.bulk_create(added, batch_size=WRITE_BATCH)


def refresh(name: str, *, only_if_never: bool = False) -> bool:
    """Count the topic again and store its rows in one transaction; False when nothing was stored.

    Counting happens before the transaction, so writers reporting changes wait only for the few rows that
    differ. Of two refreshes running at once, the one that started later keeps its counts.
    """
    topic = _TOPICS[name]
    state, _created = TallyTopic.objects.get_or_create(pk=name)
    if only_if_never and state.refreshed_at is not None:
        return False
    started = timezone.now()
    totals = subtree_counts(topic.compute(), _region_paths())
    with transaction.atomic():
        locked = TallyTopic.objects.select_for_update().get(pk=name)
        if locked.refreshed_at is not None and (only_if_never or locked.refreshed_at >= started):
            return False
        _replace(name, totals)
        TallyTopic.objects.filter(pk=name).update(refreshed_at=started)
    return True


def refresh_all() -> list[str]:
    """Refresh every topic now, in this process (seeding, the operators' command); the names refreshed."""
    return [name for name in topic_names() if refresh(name)]


@register_job(REFRESH_JOB_KIND)
def refresh_job(job: Job) -> dict[str, Any]:
    name = str(job.params.get("topic", ""))
    # Cleared before counting: a change reported from now on may be missing from this count, so it
    # enqueues the next job.
    TallyTopic.objects.filter(pk=name).update(queued_at=None)
    replaced = refresh(name)
    # Finished refreshes tell nobody anything; only this one and failed ones stay in the job table.
    Job.objects.filter(kind=REFRESH_JOB_KIND, status=Job.Status.SUCCEEDED).exclude(pk=job.pk).delete()
    return {"topic": name, "replaced": replaced}


# ------------------------------------------------------------------------------------------------ marking


class _Mark:
    """The after-commit callback of one transaction: the topics its writes changed."""

    def __init__(self, names: set[str], transaction_key: str | None) -> None:
        self.names = names
        self.transaction_key = transaction_key

    def __call__(self) -> None:
        mark(self.names)


def _transaction_key(connection: Any) -> str | None:
    """Which transaction a write belongs to: None for the connection's transaction.

    The atomic blocks a test case wraps around each test are not the transaction (Django's check of durable
    blocks skips them likewise): there, the outermost block of the test's own is, named by its savepoint, so
    that a test sees each service call report its changes as it would after a real commit.
    """
    for depth, block in enumerate(connection.atomic_blocks):
        if not getattr(block, "_from_testcase", False):
            return None if depth == 0 else connection.savepoint_ids[depth - 1]
    return None


def _pending_mark(connection: Any, key: str | None) -> _Mark | None:
    """This transaction's callback, if a write in it already reported a change.

    Django keeps the callbacks as (savepoint ids, callable, robust) in ``run_on_commit``; finding ours
    there makes a transaction that writes ten thousand rows enqueue one refresh, not ten thousand.
    """
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _Mark) and entry[1].transaction_key == key:
            return entry[1]
    return None


def changed(*sources: str) -> None:
    """Report, inside the writing transaction, that data behind the topics reading ``sources`` changed.

    The topics are marked and refreshed after the commit (a rolled-back write reports nothing).
    """
    names = {t.name for t in _TOPICS.values() if t.sources.intersection(sources)}
    if not names:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        mark(names)
        return
    key = _transaction_key(connection)
    pending = _pending_mark(connection, key)
    if pending is not None:
        pending.names |= names
        return
    transaction.on_commit(_Mark(names, key))


def mark(names: Iterable[str]) -> None:
    """Record that the topics' data changed and enqueue one refresh per topic unless one is queued."""
    now = timezone.now()
    for name in sorted(set(names)):
        waiting = Q(queued_at__isnull=True) | Q(queued_at__lt=now - QUEUE_PATIENCE)
        # One UPDATE decides who enqueues: of two writers reporting at once, one claims the queue. While a
        # refresh waits in the queue, a change needs no mark: the writer that queued it marked the topic
        # changed after the last refresh started, and the queued refresh will count this change too. So a
        # stream of writes touches the topic's row once per refresh, not once per write.
        claimed = TallyTopic.objects.filter(waiting, pk=name).update(changed_at=now, queued_at=now)
        if not claimed:  # queued already, or a topic never counted nor marked (no row yet)
            _row, claimed = TallyTopic.objects.get_or_create(
                pk=name, defaults={"changed_at": now, "queued_at": now}
            )
        if claimed:
            settle = _TOPICS[name].settle.total_seconds() if name in _TOPICS else 0
            job_enqueue(job_create(kind=REFRESH_JOB_KIND, actor=None, params={"topic": name}), delay=settle)
