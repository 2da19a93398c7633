"""``manage.py bench_import --rows 100000``: the import benchmark (code in bench/import_bench.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Generate a valid enterprise spreadsheet, import it as the page does, and report rows per second."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=100_000, help="rows in the generated spreadsheet")
        parser.add_argument(
            "--sample", type=int, default=2_000, help="rows saved one at a time for the ratio"
        )
        parser.add_argument("--seed", type=int, default=20240917)
        parser.add_argument("--keep", action="store_true", help="keep the imported enterprises")

    def handle(self, *args: Any, **options: Any) -> None:
        from bench.import_bench import run

        result = run(
            rows=options["rows"],
            sample=options["sample"],
            seed=options["seed"],
            keep=options["keep"],
            say=self.stdout.write,
        )
        self.stdout.write(result.line())
