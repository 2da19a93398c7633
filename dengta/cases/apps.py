from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "dengta.cases"
    label = "cases"
    verbose_name = _("小灯塔案例")
