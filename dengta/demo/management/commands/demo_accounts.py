from typing import Any

from django.core.management.base import BaseCommand

from dengta.demo.services import DEMO_PASSWORD, demo_accounts


class Command(BaseCommand):
    help = "Print the demo logins (one per role)."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = demo_accounts()
        if not rows:
            self.stdout.write("no demo accounts: run `manage.py seed_demo` first")
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, label, org in rows:
            self.stdout.write(f"  {username:<16} {label:<14} {org}")
