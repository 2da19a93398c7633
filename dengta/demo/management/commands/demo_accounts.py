import unicodedata
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand

from dengta.demo.services import DEMO_PASSWORD, demo_accounts


def display_width(text: str) -> int:
    """Columns a terminal gives the text: CJK (wide and full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def aligned(rows: Sequence[Sequence[str]], indent: str = "  ", gap: str = "  ") -> list[str]:
    """Rows as lines whose columns line up on screen, the last column left ragged."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        indent + gap.join([*(pad(cell, w) for cell, w in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    ]


class Command(BaseCommand):
    help = "Print the demo logins (one per role)."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = demo_accounts()
        if not rows:
            self.stdout.write("no demo accounts: run `manage.py seed_demo` first")
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for line in aligned([tuple(str(cell) for cell in row) for row in rows]):
            self.stdout.write(line.rstrip())
