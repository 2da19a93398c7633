"""``manage.py import_enterprises FILE [--dry-run] [--errors OUT.xlsx] [--as USERNAME]``.

The same validation and writing as the import page (dengta.registry.importing.runner). Without --as the
import is the system's, with national scope; with --as it runs with that person's active membership and is
refused unless they may import (dengta.registry.permissions.can_import_enterprises). Exits 1 when any row
was rejected or the file was refused, 2 on bad usage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dengta.core.importing.report import error_report
from dengta.core.importing.scope import ImportScope
from dengta.orgs.viewer import viewer_for
from dengta.registry.importing.runner import run_import
from dengta.registry.permissions import can_import_enterprises


class Command(BaseCommand):
    help = "Import enterprises from an .xlsx or .csv file; nothing is written unless every row is valid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument("--errors", type=Path, help="write the per-row error report to this .xlsx")
        parser.add_argument("--as", dest="username", help="import as this user (their jurisdiction applies)")

    def _scope(self, username: str | None) -> ImportScope:
        if not username:
            return ImportScope.national_system()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        viewer, _memberships = viewer_for(user)
        decision = can_import_enterprises(viewer)
        if not decision:
            raise CommandError(f"{username} may not import enterprises: {decision.reason}")
        return ImportScope.for_viewer(viewer)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        scope = self._scope(options["username"])
        outcome = run_import(
            data=path.read_bytes(),
            file_name=path.name,
            scope=scope,
            dry_run=options["dry_run"],
            progress=lambda done, total, message: self.stderr.write(f"\r{message}", ending=""),
        )
        self.stderr.write("")
        if outcome.refused:
            self.stdout.write(self.style.ERROR(outcome.refused))
        for error in outcome.errors[:20]:
            self.stdout.write(f"  row {error.row} · {error.column} · {error.value} · {error.reason}")
        if len(outcome.errors) > 20:
            self.stdout.write(f"  … {len(outcome.errors) - 20} more errors")
        if options["errors"] and outcome.errors:
            options["errors"].write_bytes(error_report(outcome.errors, file_name=path.name))
            self.stdout.write(f"error report: {options['errors']}")
        self.stdout.write(
            f"valid: {outcome.rows_valid}  imported: {outcome.rows_imported}  "
            f"rejected: {outcome.rows_rejected}" + ("  (dry run)" if outcome.dry_run else "")
        )
        if not outcome.ok:
            raise SystemExit(1)
