"""``manage.py bench_similar --enterprises 1000000 --cases 6000``: "enterprises like you" for every
enterprise at once, timed, and checked against the plain top_k on a sample (code in bench/similar_bench.py;
figures in docs/benchmarks.md). Exits non-zero when the sample differs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Find the 5 most similar published cases for every enterprise (the database's profiles, then "
        "seeded synthetic ones up to the counts), check a sample against the plain top_k, report the time."
    )
    # Mostly a computation; the database is read if it can be (an unmigrated one means no real profiles).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=1_000_000, help="enterprises to match")
        parser.add_argument("--cases", type=int, default=6000, help="published cases to match against")
        parser.add_argument("--sample", type=int, default=1000, help="enterprises checked against top_k")
        parser.add_argument("--seed", type=int, default=20261207, help="for the synthetic profiles")
        parser.add_argument("--threads", type=int, default=None, help="worker threads (default: one per CPU)")
        parser.add_argument(
            "--unmapped",
            type=float,
            default=0.25,
            help="share of synthetic enterprises without a sub-industry (matched against every case)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from bench.similar_bench import run

        if options["enterprises"] < 1 or options["cases"] < 1:
            raise CommandError("--enterprises and --cases must be at least 1")
        if options["sample"] < 0 or (options["threads"] is not None and options["threads"] < 1):
            raise CommandError("--sample must not be negative and --threads must be at least 1")
        if not 0 <= options["unmapped"] <= 1:
            raise CommandError("--unmapped is a share between 0 and 1")
        result = run(
            enterprises=options["enterprises"],
            cases=options["cases"],
            sample=options["sample"],
            seed=options["seed"],
            threads=options["threads"],
            say=self.stdout.write,
            unmapped=options["unmapped"],
        )
        self.stdout.write(result.line())
        if not result.match:
            raise CommandError(f"{result.mismatches} sampled enterprises differ from similarity.top_k")
