from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dengta.analytics.services import alerts_check


class Command(BaseCommand):
    help = "Run the alert rules (dengta/analytics/data/alert_rules.json): raise new alerts, resolve old ones."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(alerts_check(actor=None).line())
