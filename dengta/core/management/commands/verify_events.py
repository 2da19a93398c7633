from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dengta.core.events import verify_chain


class Command(BaseCommand):
    help = "Recompute the event log's hash chain and report the first broken link, or 'intact'."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.intact:
            self.stdout.write(f"intact: {report.checked} events checked")
            return
        raise CommandError(
            f"broken at event #{report.broken_seq}: {report.reason} "
            f"({report.checked} events before it intact)"
        )
