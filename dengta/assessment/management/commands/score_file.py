"""``manage.py score_file --framework miit-2024-manufacturing IN.csv OUT.csv``: score a CSV of answer sets.

The work is in dengta/assessment/scoring/csvfile.py; the columns are documented in docs/score_file.md. The
framework is read from the data files (dengta/assessment/data/), so no database is needed. Exit code 0 when
the file was processed, even if some rows have errors (they say why in their ``error`` column); a file that
cannot be scored at all (encoding, missing or unknown columns) is a CommandError and exit code 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dengta.assessment.scoring.csvfile import CsvFileError, score_file
from dengta.assessment.scoring.definitions import canonical, compile_content, read_all
from dengta.assessment.scoring.framework import Framework, FrameworkDataError


def framework_named(code: str) -> Framework:
    """The framework of that code from the data files; only MIIT-2024-shaped ones have items to score."""
    try:
        definitions = {d.code: d for d in read_all()}
    except FrameworkDataError as exc:
        raise CommandError(f"the framework data files do not compile: {exc}") from exc
    definition = definitions.get(code)
    if definition is None:
        raise CommandError(f"unknown framework {code!r}; known: {', '.join(sorted(definitions))}")
    compiled = compile_content(canonical(definition.content))
    if not isinstance(compiled, Framework):
        raise CommandError(f"{code} has no items and scenarios to score from a file (kind {definition.kind})")
    return compiled


class Command(BaseCommand):
    help = (
        "Score a CSV with one row per enterprise (answers, scenario levels, collected numbers) and write it "
        "back with points, scenario counts, level and an error column. See docs/score_file.md."
    )
    requires_system_checks: list[str] = []  # reads files only: no models, no database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", default="miit-2024-manufacturing", help="framework code")
        parser.add_argument("input", type=Path, help="CSV in UTF-8 (with or without BOM) or GBK")
        parser.add_argument("output", type=Path, help="CSV written in UTF-8 with a BOM")

    def handle(self, *args: Any, **options: Any) -> None:
        fw = framework_named(options["framework"])
        source: Path = options["input"]
        if not source.is_file():
            raise CommandError(f"no such file: {source}")
        try:
            summary = score_file(fw, source, options["output"])
        except CsvFileError as exc:
            raise CommandError(f"{source}: {exc}") from exc
        self.stdout.write(f"framework: {fw.code} {fw.version}; input encoding: {summary.encoding}")
        self.stdout.write(summary.line())
