"""``manage.py rescore_compare --framework CODE --version V [--out OUT.xlsx]``: what a framework version's
level rule would change for the final assessments of that framework (any version). Reads only: the assessments
are not changed. Prints the old level × new level matrix and, last, ``rescore: compared=N changed=M up=U
down=D``; ``--out`` writes the assessments whose level changes to an Excel file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dengta.assessment.models import Framework
from dengta.assessment.rescoring import LEVELS, RescoreOutcome, changes_workbook, rescore_compare


def matrix_lines(outcome: RescoreOutcome) -> list[str]:
    width = max(6, *(len(str(n)) + 1 for row in outcome.matrix for n in row))
    head = (
        "old\\new "
        + "".join(f"{'L' + str(new):>{width}}" for new in range(LEVELS))
        + f"{'total':>{width + 1}}"
    )
    lines = [head]
    for old, row in enumerate(outcome.matrix):
        cells = "".join(f"{n:>{width}}" for n in row)
        lines.append(f"{'L' + str(old):<8}{cells}{sum(row):>{width + 1}}")
    return lines


class Command(BaseCommand):
    help = (
        "Score every final assessment of a framework again under one of its versions (the level rule) and "
        "compare with the stored levels; nothing is written to the assessments."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # ``--version`` names the framework version here, not Django's: this option replaces Django's.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="framework code, e.g. miit-2024-manufacturing")
        parser.add_argument("--version", dest="fw_version", required=True, help="the version to score with")
        parser.add_argument(
            "--out", type=Path, help="write the assessments whose level changes to this .xlsx"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code, version = options["framework"], options["fw_version"]
        target = Framework.objects.filter(code=code, version=version).first()
        if target is None:
            known = ", ".join(Framework.objects.filter(code=code).values_list("version", flat=True))
            raise CommandError(f"no framework {code}@{version}; versions of {code}: {known or 'none'}")
        if target.kind != Framework.Kind.MIIT2024:
            raise CommandError(f"{target.label} has no level rule to compare (kind {target.kind})")
        outcome = rescore_compare(target=target)
        self.stdout.write(f"framework: {target.label}")
        for line in matrix_lines(outcome):
            self.stdout.write(line)
        if outcome.skipped:
            self.stdout.write(f"skipped: {outcome.skipped} (answers this version does not accept)")
        if options["out"]:
            options["out"].write_bytes(changes_workbook(outcome))
            self.stdout.write(f"changes written to {options['out']}")
        self.stdout.write(outcome.line())
