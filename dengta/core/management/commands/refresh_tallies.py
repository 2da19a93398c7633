import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dengta.core import tallies


class Command(BaseCommand):
    help = (
        "Count every per-region tally of the home panels again now, in this process (after restoring a "
        "backup, loading data past the services, or when a refresh job was lost)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("topics", nargs="*", help="only these topics (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        known = tallies.topic_names()
        chosen = options["topics"] or known
        unknown = sorted(set(chosen) - set(known))
        if unknown:
            raise CommandError(f"unknown topics: {', '.join(unknown)} (known: {', '.join(known)})")
        for name in chosen:
            started = time.perf_counter()
            tallies.refresh(name)
            self.stdout.write(f"{name}: refreshed in {time.perf_counter() - started:.2f} s")
