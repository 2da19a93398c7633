from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _staff_panel(viewer: Any) -> dict[str, Any]:
    from dengta.registry import permissions, selectors, tallies

    return {
        # Counted per region by a refresh job, not per request (dengta.registry.tallies; docs/lists.md).
        "summary": tallies.enterprise_figures(viewer),
        "batches": list(selectors.import_batches_for(viewer)[:5]),
        "can_import": bool(permissions.can_import_enterprises(viewer)),
    }


def _changes_panel(viewer: Any) -> dict[str, Any]:
    from dengta.registry import tallies

    count, figures = tallies.pending_changes(viewer)
    return {"count": count, "figures": figures}


def _enterprise_panel(viewer: Any) -> dict[str, Any]:
    from dengta.registry import selectors

    enterprise = selectors.own_enterprise(viewer)
    pending = selectors.pending_change(enterprise) if enterprise is not None else None
    return {"enterprise": enterprise, "pending": pending}


def _provider_panel(viewer: Any) -> dict[str, Any]:
    from dengta.registry import selectors

    return {"provider": selectors.own_provider(viewer)}


class RegistryConfig(AppConfig):
    name = "dengta.registry"
    label = "registry"
    verbose_name = _("企业与服务商名录")

    def ready(self) -> None:
        from dengta.core.dashboard import Panel, register_panel
        from dengta.orgs.models import OrgType
        from dengta.orgs.roles import STAFF_ORG_TYPES

        # Importing the job module registers the import handler with dengta.core.jobs (web and workers).
        from dengta.registry import exports, tallies  # noqa: F401
        from dengta.registry.importing import jobs  # noqa: F401

        tallies.register()

        register_panel(
            Panel(
                key="registry.enterprises",
                title=_("辖区企业"),
                template="registry/panels/staff_enterprises.html",
                org_types=STAFF_ORG_TYPES,
                context=_staff_panel,
                order=20,
            )
        )
        register_panel(
            Panel(
                key="registry.enterprise_changes",
                title=_("待确认的企业信息变更"),
                template="registry/panels/enterprise_changes.html",
                org_types=STAFF_ORG_TYPES,
                context=_changes_panel,
                order=15,
            )
        )
        register_panel(
            Panel(
                key="registry.my_enterprise",
                title=_("本企业档案"),
                template="registry/panels/my_enterprise.html",
                org_types=frozenset({OrgType.ENTERPRISE}),
                context=_enterprise_panel,
                order=10,
            )
        )
        register_panel(
            Panel(
                key="registry.my_provider",
                title=_("本机构服务商档案"),
                template="registry/panels/my_provider.html",
                org_types=frozenset({OrgType.PROVIDER}),
                context=_provider_panel,
                order=10,
            )
        )
