from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "dengta.programmes"
    label = "programmes"
    verbose_name = _("试点申报与评审")

    def ready(self) -> None:
        from dengta.programmes import (
            exports,  # noqa: F401  (registers the applications list export)
            panels,
        )

        panels.register()
