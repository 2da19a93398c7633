from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "dengta.projects"
    label = "projects"
    verbose_name = _("改造项目与资金")

    def ready(self) -> None:
        from dengta.projects import exports  # noqa: F401  (registers the projects list export)
