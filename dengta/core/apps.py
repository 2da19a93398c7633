from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dengta.core"
    label = "core"
    verbose_name = _("核心 Core")

    def ready(self) -> None:
        from dengta.core import panels

        panels.register()
