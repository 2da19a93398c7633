"""``manage.py load_frameworks``: load the assessment frameworks from their data files (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dengta.assessment.loaders import load_all
from dengta.assessment.scoring.framework import FrameworkDataError


class Command(BaseCommand):
    help = "Load the assessment frameworks (MIIT 2024, MIIT 2022 bands, EU DMA) from dengta/assessment/data."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = load_all()
        except FrameworkDataError as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            style = self.style.NOTICE if result.action == "unchanged" else self.style.SUCCESS
            self.stdout.write(style(result.summary()))
