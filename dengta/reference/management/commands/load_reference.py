"""``manage.py load_reference``: load the reference data files (ARCHITECTURE.md convention 12).

Loads regions, industries, sub-industries and the size standard in that order; a kind whose files are already
loaded (same SHA-256) is skipped, so running it again is quick and changes nothing.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dengta.reference.loaders import KINDS, ReferenceDataError, load_dataset


class Command(BaseCommand):
    help = "Load the versioned reference data (regions, GB/T 4754, sub-industries, SME size standard)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kinds", nargs="*", help=f"only these kinds, of {', '.join(KINDS)} (default: all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unknown = sorted(set(options["kinds"]) - set(KINDS))
        if unknown:
            raise CommandError(f"unknown kind(s) {', '.join(unknown)}; expected {', '.join(KINDS)}")
        # Always in dependency order: sub-industries refer to industries.
        kinds = [k for k in KINDS if k in options["kinds"]] if options["kinds"] else list(KINDS)
        started = time.perf_counter()
        for kind in kinds:
            began = time.perf_counter()
            try:
                result = load_dataset(kind)
            except ReferenceDataError as exc:
                raise CommandError(f"{kind}: {exc}") from exc
            elapsed = time.perf_counter() - began
            style = self.style.SUCCESS if not result.skipped else self.style.NOTICE
            self.stdout.write(style(f"{result.summary()} in {elapsed:.2f}s"))
        self.stdout.write(f"reference data ready in {time.perf_counter() - started:.2f}s")
