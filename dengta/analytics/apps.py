from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "dengta.analytics"
    label = "analytics"
    verbose_name = _("统计与看板")

    def ready(self) -> None:
        from dengta.analytics import summary

        summary.register()
