"""Benchmark of the enterprise list export: ``manage.py bench_export --rows 36004``.

Makes sure the database holds at least ``rows`` enterprises (importing generated ones through the import
benchmark's code path when it has fewer, and removing them afterwards unless ``keep`` is set), then writes
the national enterprise list the way the export job does: the registered builder (the page's filter and
sort) streamed through the safe cell writer into a write-only workbook. A list this long is exported as a
background job with a progress bar (dengta.core.exports.JOB_THRESHOLD); the figure is how long that job
takes from the first query to the saved file.

The last line printed is ``bench export: rows=… seconds=… rows_per_s=…`` (ARCHITECTURE.md, Tests).
"""

from __future__ import annotations

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
from dengta.core.exports import EXPORT_MAX_ROWS, write_xlsx
from dengta.orgs.models import OrgType
from dengta.registry.exports import enterprises_export
from dengta.registry.models import Enterprise


@dataclass(frozen=True)
class ExportResult:
    rows: int
    seconds: float
    megabytes: float

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (
            f"bench export: rows={self.rows} seconds={self.seconds:.2f} rows_per_s={rate:.0f}"
            f" mb={self.megabytes:.1f}"
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
    start = time.perf_counter()
    data, written = write_xlsx(export.headers, export.rows(), sheet_title=export.sheet_title)
    seconds = time.perf_counter() - start
    say(f"wrote {written} rows (cap {EXPORT_MAX_ROWS}) in {seconds:.2f} s, {len(data) / 1048576:.1f} MB")
    if job is not None and not keep:
        remove_import(job)
    return ExportResult(rows=written, seconds=seconds, megabytes=len(data) / 1048576)
