from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _similar_panel(viewer: Any) -> dict[str, Any]:
    from dengta.cases import recommend
    from dengta.registry import selectors

    enterprise = selectors.own_enterprise(viewer)
    return {
        "enterprise": enterprise,
        "similar": recommend.similar_cases(enterprise, k=3) if enterprise is not None else [],
    }


class CasesConfig(AppConfig):
    name = "dengta.cases"
    label = "cases"
    verbose_name = _("小灯塔案例")

    def ready(self) -> None:
        from dengta.core.dashboard import Panel, register_panel
        from dengta.orgs.models import OrgType

        # 看样学样 on the enterprise's home: the published cases that started where it stands now.
        register_panel(
            Panel(
                key="cases.similar",
                title=_("与您相似的小灯塔案例"),
                template="cases/panels/similar.html",
                org_types=frozenset({OrgType.ENTERPRISE}),
                context=_similar_panel,
                order=12,
            )
        )
