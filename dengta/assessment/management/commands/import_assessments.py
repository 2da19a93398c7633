"""``manage.py import_assessments FILE [--dry-run] [--errors OUT.xlsx] [--as USERNAME]``.

Imports historical results of the 2022 edition (score bands) with the same checks and writing as the import
page (dengta.assessment.history). A historical result records who imported it, so writing needs --as: the
import then runs with that person's active membership and jurisdiction and is refused unless they may import
(dengta.assessment.permissions.can_import_history). A dry run may leave --as out and checks against every
region. Exits 1 when any row was rejected or the file was refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dengta.assessment.history import run_history_import
from dengta.assessment.permissions import can_import_history
from dengta.core.importing.report import error_report
from dengta.core.importing.scope import ImportScope
from dengta.orgs.viewer import viewer_for

ERRORS_PRINTED = 20


class Command(BaseCommand):
    help = (
        "Import historical assessment results (2022 bands: credit code, date, total, note) from an .xlsx or "
        ".csv file; nothing is written unless every row is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument("--errors", type=Path, help="write the per-row error report to this .xlsx")
        parser.add_argument(
            "--as", dest="username", help="import as this user (their jurisdiction applies); needed to write"
        )

    def _scope(self, username: str | None, dry_run: bool) -> ImportScope:
        if not username:
            if not dry_run:
                raise CommandError(
                    "a historical result records who imported it: give --as USERNAME (or use --dry-run)"
                )
            return ImportScope.national_system()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        viewer, _memberships = viewer_for(user)
        decision = can_import_history(viewer)
        if not decision:
            raise CommandError(f"{username} may not import historical results: {decision.reason}")
        return ImportScope.for_viewer(viewer)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        scope = self._scope(options["username"], options["dry_run"])
        outcome = run_history_import(
            data=path.read_bytes(),
            file_name=path.name,
            scope=scope,
            dry_run=options["dry_run"],
            progress=lambda done, total, message: self.stderr.write(f"\r{message}", ending=""),
        )
        self.stderr.write("")
        if outcome.refused:
            self.stdout.write(self.style.ERROR(outcome.refused))
        for error in outcome.errors[:ERRORS_PRINTED]:
            self.stdout.write(f"  row {error.row} · {error.column} · {error.value} · {error.reason}")
        if len(outcome.errors) > ERRORS_PRINTED:
            self.stdout.write(f"  … {len(outcome.errors) - ERRORS_PRINTED} more errors")
        if options["errors"] and outcome.errors:
            options["errors"].write_bytes(error_report(outcome.errors, file_name=path.name))
            self.stdout.write(f"error report: {options['errors']}")
        levels = "  ".join(f"L{level}: {n}" for level, n in sorted(outcome.levels.items()))
        self.stdout.write(
            f"valid: {outcome.rows_valid}  imported: {outcome.rows_imported}  "
            f"rejected: {outcome.rows_rejected}"
            + (f"  ({levels})" if levels else "")
            + ("  (dry run)" if outcome.dry_run else "")
        )
        if not outcome.ok:
            raise SystemExit(1)
