from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dengta.cases.models import Case
from dengta.cases.services import case_rederive


class Command(BaseCommand):
    help = (
        "Re-derive every case's figures from its project and results (nightly, beside check_alerts): a "
        "source corrected after publication reaches the public pages; each change is an event."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = 0
        for case in Case.objects.order_by("pk").iterator(chunk_size=500):
            before = case.figures_digest
            if case_rederive(actor=None, case=case).figures_digest != before:
                changed += 1
        self.stdout.write(f"cases: {Case.objects.count()} checked, {changed} re-derived")
