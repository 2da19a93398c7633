"""Load the provider kinds from dengta/registry/data/provider-kinds.json (data, with its source)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dengta.registry.kinds import DATA_FILE, load_kinds
from dengta.registry.models import ProviderKind


class Command(BaseCommand):
    help = "Load the provider kinds (公共服务平台, 总包/综合服务商, 专业服务商) from their data file."

    def handle(self, *args: Any, **options: Any) -> None:
        written, deactivated = load_kinds(ProviderKind, DATA_FILE)
        self.stdout.write(f"provider kinds: {written} written, {deactivated} marked inactive")
