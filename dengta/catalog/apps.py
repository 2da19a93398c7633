from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "dengta.catalog"
    label = "catalog"
    verbose_name = _("服务商与产品目录")
