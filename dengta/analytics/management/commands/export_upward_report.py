from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dengta.analytics.upward.export import canonical, report_of
from dengta.analytics.upward.workbook import report_workbook
from dengta.core.events import record_event
from dengta.programmes.models import Pilot


class Command(BaseCommand):
    help = "Write a pilot's upward report (docs/upward-report.md) as JSON (OUT.json) or Excel (OUT.xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pilot", type=int, help="the pilot's id")
        parser.add_argument("out", help="OUT.json or OUT.xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        pilot = Pilot.objects.select_related("authority__region").filter(pk=options["pilot"]).first()
        if pilot is None:
            raise CommandError(f"no pilot with id {options['pilot']}")
        out = Path(options["out"])
        if out.suffix not in (".json", ".xlsx"):
            raise CommandError("OUT must end in .json or .xlsx")
        document = report_of(pilot)
        if out.suffix == ".json":
            out.write_text(canonical(document), encoding="utf-8")
        else:
            out.write_bytes(report_workbook(document))
        region = pilot.authority.region
        record_event(
            actor=None,
            verb="upward_report.exported",
            target=pilot,
            payload={
                "file": out.name,
                "enterprises": len(document["enterprises"]),
                "projects": len(document["projects"]),
            },
            organization_id=pilot.authority_id,
            scope_path=region.path if region is not None else "",
        )
        entries = len(document["funds"]["entries"])
        self.stdout.write(
            f"upward report of pilot {pilot.pk}: {len(document['enterprises'])} enterprises, "
            f"{len(document['projects'])} projects, {entries} ledger entries → {out}"
        )
