"""``manage.py bench_lists --enterprises 1000000``: the list benchmark (code in bench/lists_bench.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


class Command(BaseCommand):
    help = (
        "Seed or reuse N enterprises, then time every list page and API listing (filters, sorts, searches, "
        "first and last page, home) as a ministry, a province and a city member; report p95 and max."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprises", type=int, default=1_000_000, help="enterprises the database must hold"
        )
        parser.add_argument("--repeat", type=int, default=10, help="timed requests per URL")
        parser.add_argument("--warmup", type=int, default=2, help="untimed requests per URL before them")
        parser.add_argument("--only", default="", help="measure only URLs containing this text")
        parser.add_argument("--no-seed", action="store_true", help="measure the rows as they are")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="for URLs over 100 ms (median) or 300 ms (slowest): query count and EXPLAIN ANALYZE",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from bench.lists_bench import timed_run

        # Measured as served: DEBUG off (no query log, the app's error pages); the test client's host.
        # Static files by their plain names: the hashed names of the manifest need `collectstatic` first,
        # which a fresh checkout has not run, and looking either up costs the same (a page's few links).
        storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
        with override_settings(
            DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=storages
        ):
            run, summary = timed_run(
                enterprises=options["enterprises"],
                seed=not options["no_seed"],
                only=options["only"],
                warmup=options["warmup"],
                repeat=options["repeat"],
                show_plans=options["explain"],
                say=self.stdout.write,
            )
        self.stdout.write(summary.line())
        if run.failures:
            raise CommandError(f"{len(run.failures)} URLs did not answer 200 (listed above)")
