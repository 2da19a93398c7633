from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dengta.analytics.upward.receive import report_receive

MAX_BYTES = 200 * 1024 * 1024  # a pilot's report is a few MB; a larger file is refused before it is read


class Command(BaseCommand):
    help = "Receive an upward report (JSON, docs/upward-report.md): validate it and store it as sent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="IN.json")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB")
        try:
            report, created = report_receive(actor=None, text=path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text") from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        state = "received" if created else "already received"
        self.stdout.write(
            f"{state}: report {report.pk}, {report.enterprises} enterprises, {report.projects} projects"
        )
