"""``manage.py bench_dashboard --enterprises 1000000``: the dashboard benchmark (bench/dashboard/).

Seeds or reuses N enterprises with two assessments each, about 100 pilots with their pools, money and
projects, refreshes the tallies, then times ``GET /api/v1/dashboards/summary/`` warm as a ministry, a
province and a city member with region, batch and programme filters, and checks every answer against the
same figures counted from the raw tables (docs/benchmarks.md).
"""

from __future__ import annotations

import warnings
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


class Command(BaseCommand):
    help = (
        "Seed or reuse N enterprises (two assessments each), pilots with pools, allocations, envelopes and "
        "projects; refresh the tallies; time GET /api/v1/dashboards/summary/ as a ministry, a province and a "
        "city member with several filters, compare every answer with a direct count of the raw tables, and "
        "report the endpoint's p95 and how many times cheaper it is than the direct count."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprises", type=int, default=1_000_000, help="enterprises the database must hold"
        )
        parser.add_argument(
            "--pilots",
            type=int,
            default=None,
            help="pilots to seed when the bench has none yet (default: one per 2,000 enterprises, 6 to 100)",
        )
        parser.add_argument("--repeat", type=int, default=30, help="timed requests per URL")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests per URL before them")
        parser.add_argument(
            "--raw-repeat", type=int, default=5, help="timed raw computations per URL (after an untimed one)"
        )
        parser.add_argument("--no-seed", action="store_true", help="measure the rows as they are")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="the slowest URL's query count and its slowest query's plan",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from bench.dashboard.measure import timed_run

        if options["repeat"] < 1 or options["raw_repeat"] < 1 or options["warmup"] < 0:
            raise CommandError("--repeat and --raw-repeat must be at least 1, --warmup at least 0")
        # Measured as served: DEBUG off (no query log), the test client's host, static files by their plain
        # names (bench_lists explains why: a fresh checkout has no collected manifest).
        storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
        with (
            override_settings(
                DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=storages
            ),
            warnings.catch_warnings(),
        ):
            # WhiteNoise's note that the static root was never collected: nothing here serves a file.
            warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
            _measured, summary = timed_run(
                enterprises=options["enterprises"],
                pilots=options["pilots"],
                seed=not options["no_seed"],
                warmup=options["warmup"],
                repeat=options["repeat"],
                raw_repeat=options["raw_repeat"],
                show_plans=options["explain"],
                say=self.stdout.write,
            )
        self.stdout.write(summary.line())
        if not summary.match:
            raise CommandError("the endpoint's figures differ from the raw count (MISMATCH lines above)")
