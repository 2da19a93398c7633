"""``manage.py load_batches``: create or update the programmes' batches from their rules files
(dengta/programmes/data/batches/*.json; ARCHITECTURE.md convention 12)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dengta.programmes.rules import BatchRulesError


class Command(BaseCommand):
    help = "Load the pilot batches and their rules from dengta/programmes/data/batches/."

    def handle(self, *args: Any, **options: Any) -> None:
        from dengta.programmes.services import batches_load

        try:
            loaded = batches_load(actor=None)
        except BatchRulesError as exc:
            raise CommandError(str(exc)) from exc
        for batch, outcome in loaded:
            self.stdout.write(f"{batch.code}: {outcome} (rules version {batch.rules_version})")
