"""The catalogue's Excel export: the listed products the page shows, with the same filter and sort.

The catalogue is public and holds thousands of rows, not millions, so its workbook is written in the
request (a job needs someone signed in to come back for it); the core cell writer never emits a live
formula (ARCHITECTURE.md convention 17)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dengta.catalog.models import Product
from dengta.core.language import name_separator
from dengta.core.spreadsheets import Book

# Sort key → column; every sort ends with the id (dengta.core.lists), and each has a (state, column, id)
# index (Product.Meta.indexes).
CATALOGUE_SORTS = {
    "name": "name",
    "price": "pilot_price",
    "days": "delivery_days",
    "listed": "listed_at",
    "rating": "rating",
}
MAX_ROWS = 20_000


def _row(p: Product) -> tuple[Any, ...]:
    concession = p.concession_pct
    return (
        p.name,
        str(p.provider),
        p.get_category_display(),
        p.get_deployment_display(),
        p.list_price,
        p.pilot_price,
        p.concession_yuan,
        None if concession is None else concession,
        p.price_unit,
        p.delivery_days,
        p.rating,
        name_separator().join(s.display_name for s in p.sub_industries.all()),
        p.version,
    )


def catalogue_workbook(qs: QuerySet[Product]) -> tuple[bytes, str]:
    headers = [
        _("产品名称"),
        _("服务商"),
        _("类别"),
        _("部署方式"),
        _("市场价（元）"),
        _("试点优惠价（元）"),
        _("让利（元）"),
        _("让利比例（%）"),
        _("计价单位"),
        _("交付周期（天）"),
        _("服务商星级"),
        _("适用细分行业"),
        _("版本"),
    ]
    rows = [_row(p) for p in qs.prefetch_related("sub_industries")[:MAX_ROWS]]
    book = Book()
    book.table(_("产品目录"), headers, rows)
    return book.to_bytes(), quote(_("小快轻准产品目录") + ".xlsx")
