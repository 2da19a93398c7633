"""bench_ledger refuses what it cannot measure: SQLite (no row locks to measure) and too few workers or
claims. The benchmark itself runs outside the suite (docs/benchmarks.md)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def test_bench_ledger_refuses_what_it_cannot_measure() -> None:
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="DATABASE_URL is SQLite"):
            call_command("bench_ledger", "--workers", "16", "--claims", "2000")
        return
    with pytest.raises(CommandError, match="--workers must be at least 3"):
        call_command("bench_ledger", "--workers", "1", "--claims", "2000")
