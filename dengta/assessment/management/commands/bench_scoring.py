"""``manage.py bench_scoring --n 1000000``: the batch scorer benchmark (code in bench/scoring_bench.py).

Needs no database: the framework is read from the data files (dengta/assessment/data/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Generate random valid answer sets, score them with the batch scorer and a sample with the engine, "
        "check the sample matches and report assessments per second."
    )
    requires_system_checks: list[str] = []  # a pure computation: no models, no URLs to check

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--n", type=int, default=1_000_000, help="answer sets scored by the batch scorer")
        parser.add_argument("--sample", type=int, default=20_000, help="of them, scored by the engine too")
        parser.add_argument("--seed", type=int, default=20261127)
        parser.add_argument("--repeat", type=int, default=3, help="batch runs; the fastest is reported")
        parser.add_argument("--threads", type=int, default=None, help="worker threads (default: one per CPU)")
        parser.add_argument(
            "--csv", type=Path, default=None, help="also write the generated sets as a score_file input"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from bench.scoring_bench import run

        result = run(
            n=options["n"],
            sample=options["sample"],
            seed=options["seed"],
            repeat=options["repeat"],
            threads=options["threads"],
            say=self.stdout.write,
            csv_path=options["csv"],
        )
        self.stdout.write(result.line())
