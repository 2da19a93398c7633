"""``manage.py bench_recommendations``: product recommendations on the demo catalogue, timed (code in
bench/recommendations_bench.py; figures in docs/benchmarks.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Time the recommendations of the first N assessed enterprises on the demo catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=200, help="assessed enterprises to time")
        parser.add_argument("--as", dest="username", default="demo-ministry", help="who looks (sees all)")

    def handle(self, *args: Any, **options: Any) -> None:
        from bench.recommendations_bench import run

        if options["enterprises"] < 1:
            raise CommandError("--enterprises must be at least 1")
        try:
            run(enterprises=options["enterprises"], username=options["username"], say=self.stdout.write)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
