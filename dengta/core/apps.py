from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dengta.core"
    label = "core"
    verbose_name = _("核心 Core")

    def ready(self) -> None:
        # Importing exports registers the export job and core's own list exports (web and workers).
        from dengta.core import exports, panels  # noqa: F401

        panels.register()
