"""Benchmark of the enterprise list export: ``manage.py bench_export --rows 100000``.

Makes sure the database holds at least ``rows`` enterprises (importing generated ones through the import
benchmark's code path when it has fewer, and removing them afterwards unless ``keep`` is set), then exports
the national enterprise list the way the export job does (dengta.core.exports.export_job): the registered
builder (the page's filter and sort), the job's count for the progress bar, and every row streamed through
the safe cell writer (StreamedBook) into a temporary file. The figure is how long the person watches the
bar (with the process's own CPU seconds beside it: on a machine others load, wall time and CPU time part),
and how much memory the process needs meanwhile: its resident set is sampled every 20 ms while the
file is written (peak_rss_mb), next to what it held just before (base_rss_mb). Run it a second time, on
the rows the first run kept, for a resident set not inflated by the import.

The last line printed is ``bench export: rows=… seconds=… rows_per_s=… peak_rss_mb=… mb=… cpu_s=…``
(ARCHITECTURE.md, Tests).
"""

from __future__ import annotations

import os
import resource
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import QueryDict

from bench.import_bench import (
    Say,
    ensure_reference,
    generate_rows,
    remove_import,
    time_import,
    workbook_bytes,
)
from dengta.core.access import Viewer
from dengta.core.capabilities import Capability
from dengta.core.exports import write_export
from dengta.orgs.models import OrgType
from dengta.registry.exports import enterprises_export
from dengta.registry.models import Enterprise

MB = 1024 * 1024


@dataclass(frozen=True)
class ExportResult:
    rows: int
    sheets: int
    seconds: float
    cpu_seconds: float
    count_seconds: float
    megabytes: float
    base_rss_mb: float
    peak_rss_mb: float

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (
            f"bench export: rows={self.rows} seconds={self.seconds:.2f} rows_per_s={rate:.0f}"
            f" peak_rss_mb={self.peak_rss_mb:.0f} mb={self.megabytes:.1f} cpu_s={self.cpu_seconds:.2f}"
        )


class _BenchUser:
    """Stands in for a logged-in ministry official: the builder checks rights through the Viewer only."""

    is_authenticated = True
    pk = None


def national_viewer() -> Viewer:
    return Viewer(
        user=_BenchUser(),
        organization_id=0,
        organization_name="bench",
        org_type=OrgType.MINISTRY,
        include_paths=None,
        capabilities=frozenset({Capability.LIST_ENTERPRISES}),
    )


def _rss_mb() -> float:
    """The process's resident set now (Linux /proc), else its peak so far (getrusage)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _RssSampler:
    """The largest resident set seen while the block runs, sampled in a thread."""

    def __init__(self, every: float = 0.02) -> None:
        self.every = every
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> _RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def run(*, rows: int, seed: int, keep: bool, say: Say) -> ExportResult:
    ensure_reference(say)
    have = Enterprise.objects.count()
    job: Any = None
    if have < rows:
        say(f"database: {connection.vendor}; {have} enterprises, importing {rows - have} generated ones")
        existing = set(Enterprise.objects.values_list("uscc", flat=True))
        _seconds, job = time_import(
            workbook_bytes(generate_rows(rows - have, seed=seed, exclude=existing)), say
        )
    export = enterprises_export(national_viewer(), QueryDict(""))
    base = _rss_mb()
    say(f"database: {connection.vendor}; exporting the national list; resident set before: {base:.0f} MB")
    with tempfile.TemporaryFile(suffix=".xlsx") as target, _RssSampler() as rss:
        start, cpu = time.perf_counter(), time.process_time()
        listed = export.queryset.count()  # the job counts first, for the bar's total
        counted = time.perf_counter()
        table = write_export(export, target, listed=listed)
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu
        megabytes = target.tell() / MB
    say(
        f"counted {listed} in {counted - start:.2f} s; wrote {table.rows} rows on {len(table.sheets)}"
        f" sheet(s) in {seconds:.2f} s, {megabytes:.1f} MB; resident set peak {rss.peak:.0f} MB"
    )
    if job is not None and not keep:
        remove_import(job)
    return ExportResult(
        rows=table.rows,
        sheets=len(table.sheets),
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        count_seconds=counted - start,
        megabytes=megabytes,
        base_rss_mb=base,
        peak_rss_mb=rss.peak,
    )
