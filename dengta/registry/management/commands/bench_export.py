"""``manage.py bench_export --rows 100000``: the list export benchmark (code in bench/export_bench.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Export the national enterprise list as the export job does; report rows per second and peak memory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=36_004, help="enterprises to have in the database")
        parser.add_argument("--seed", type=int, default=20240917)
        parser.add_argument("--keep", action="store_true", help="keep the enterprises imported for the bench")

    def handle(self, *args: Any, **options: Any) -> None:
        from bench.export_bench import run

        result = run(rows=options["rows"], seed=options["seed"], keep=options["keep"], say=self.stdout.write)
        self.stdout.write(result.line())
