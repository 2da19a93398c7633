"""The projects list as Excel (registered with dengta.core.exports, a job as every list export), through the
core's one cell writer (ARCHITECTURE.md convention 17). Names, never codes: states by their names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.decisions import require
from dengta.core.exports import Export, register_export
from dengta.core.spreadsheets import Book
from dengta.projects import permissions, selectors
from dengta.projects.models import EntryKind, LedgerEntry, PaymentBatch, Project

PROJECTS_EXPORT = "projects.projects"


def _row(p: Project) -> tuple[Any, ...]:
    return (
        p.number,
        p.title,
        p.enterprise.name,
        p.enterprise.uscc,
        p.provider.organization.name,
        f"{p.pilot.authority.name} · {p.pilot.batch.display_title}",
        p.get_state_display(),
        p.contract_yuan,
        p.concession_yuan,
        p.subsidy_yuan,
        p.central_yuan,
        p.local_yuan,
        p.enterprise_yuan,
        p.rules_version,
        p.filed_at,
        p.accepted_at,
        p.updated_at,
    )


def headers() -> list[str]:
    return [
        _("项目编号"),
        _("项目名称"),
        _("企业"),
        _("统一社会信用代码"),
        _("服务商"),
        _("试点"),
        _("状态"),
        _("合同金额（元）"),
        _("服务商让利（元）"),
        _("补贴（元）"),
        _("中央资金（元）"),
        _("地方资金（元）"),
        _("企业自筹（元）"),
        _("使用的规则版本"),
        _("备案时间"),
        _("验收通过时间"),
        _("更新时间"),
    ]


@register_export(PROJECTS_EXPORT)
def projects_export(viewer: Viewer, params: QueryDict) -> Export:
    """The projects the list page shows, with its filters and sort (the page's declaration)."""
    from dengta.projects.views import PROJECTS

    require(permissions.can_view_projects(viewer))
    qs, _sort, _filtered = PROJECTS.queryset(
        viewer, params, lambda f: selectors.projects_filtered(viewer, f.values)
    )
    return Export("projects.xlsx", _("改造项目"), headers(), qs, _row)


def payment_batch_workbook(batch: PaymentBatch) -> bytes:
    """One payment batch for the finance department: a row per project and source of money, with the
    enterprise and its credit code, the amount and the request key that paid it (names, never codes)."""
    entries = (
        LedgerEntry.objects.filter(batch=batch, kind=EntryKind.PAY)
        .select_related("project__enterprise", "project__provider__organization", "envelope")
        .order_by("project_id", "envelope__kind")
    )
    rows = [
        (
            e.project.number if e.project else "",
            e.project.title if e.project else "",
            e.project.enterprise.name if e.project else "",
            e.project.enterprise.uscc if e.project else "",
            e.project.provider.organization.name if e.project else "",
            e.envelope.get_kind_display(),
            e.amount_yuan,
            e.created_at,
            (e.idempotency_key or "").split("/")[0],
        )
        for e in entries
    ]
    total = sum((e.amount_yuan for e in entries), Decimal(0))
    book = Book()
    book.table(
        _("拨付批次"),
        [
            _("项目编号"),
            _("项目名称"),
            _("企业"),
            _("统一社会信用代码"),
            _("服务商"),
            _("资金"),
            _("金额（元）"),
            _("拨付时间"),
            _("付款请求编号"),
        ],
        [*rows, (_("合计"), "", "", "", "", "", total, None, "")],
    )
    return book.to_bytes()
