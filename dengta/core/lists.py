"""The shared list machinery (ARCHITECTURE.md convention 17): sorting, keyset pages and counts.

Every list page and API listing pages through ``keyset_page``: a page is "the rows after (or before) this
row in this order", so the last page costs what the first does, and rows inserted while someone pages
through a list neither repeat nor push rows out of view (OFFSET pages read and discard every row before
the page: 5.3 s for the last page of a million enterprises). The position travels as an opaque ``cursor``
query parameter; ``cursor=last`` opens the last page. An ordering always ends with the primary key, in the
direction of the main sort, so it is total and an index of (column, id) serves it.

Counts are exact where the filtered set is small and an estimate, labelled as such, where it is large
(``count_rows``): an exact ``COUNT(*)`` of a million rows costs a scan on every page view.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, Field, Model, OrderBy, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from dengta.core.exports import export_limits

PAGE_SIZE = 25
CURSOR_PARAM = "cursor"
LAST = "last"
# Up to this many rows a count is exact; past it the planner's estimate is shown, labelled "约". A bounded
# count that must read the table costs about 15 µs a row at a million rows (rows of a city lie on as many
# pages as rows), so 5,000 keeps the worst count near 75 ms (bench_lists, docs/benchmarks.md).
EXACT_COUNT_LIMIT = 5_000


# --------------------------------------------------------------------------------------------- sorting

# Sort key → the column it sorts by, or several columns (``("type", "name")``).
Sorts = Mapping[str, str | tuple[str, ...]]


def apply_sort(
    request: HttpRequest, qs: QuerySet[Any], allowed: Sorts, default: str
) -> tuple[QuerySet[Any], str]:
    """Order by ``?sort=key`` or ``?sort=-key`` when key is whitelisted; unknown keys fall back to default."""
    return sort_by(request.GET, qs, allowed, default)


def sort_by(params: QueryDict, qs: QuerySet[Any], allowed: Sorts, default: str) -> tuple[QuerySet[Any], str]:
    """``apply_sort`` from query parameters alone: an export job sorts as the page it was started from.

    A sort key names one column or several (``("type", "name")``: by type, then by name within a type),
    all in the direction asked for."""
    raw = params.get("sort", default)
    key = raw.lstrip("-")
    if key not in allowed:
        raw, key = default, default.lstrip("-")
    columns = allowed[key]
    paths = (columns,) if isinstance(columns, str) else columns
    keys = [Key(path, raw.startswith("-")) for path in paths]
    return qs.order_by(*order_expressions(qs.model, total_order(qs.model, keys))), raw


# ------------------------------------------------------------------------------------------- orderings


@dataclass(frozen=True)
class Key:
    """One column of an ordering: a lookup path from the model and its direction."""

    path: str
    descending: bool = False


def _field(model: type[Model], path: str) -> Field[Any, Any]:
    """The model field at the end of a lookup path (``"region__code"``, ``"pk"``)."""
    current: type[Model] = model
    parts = path.split("__")
    field: Any = None
    for index, part in enumerate(parts):
        field = current._meta.pk if part == "pk" else current._meta.get_field(part)
        if index < len(parts) - 1:
            related = getattr(field, "related_model", None)
            if related is None:
                raise FieldDoesNotExist(f"{path}: {part} is not a relation")
            current = related
    return field


def _local(model: type[Model], path: str) -> str:
    """``region__code`` → ``region_id`` when ``code`` is Region's primary key: no join to sort or seek."""
    parts = path.split("__")
    if len(parts) == 2:
        relation = model._meta.get_field(parts[0])
        related = getattr(relation, "related_model", None)
        if (
            related is not None
            and getattr(relation, "many_to_one", False)
            and parts[1] in {"pk", related._meta.pk.name}
        ):
            return str(getattr(relation, "attname", path))
    if path == "pk":
        return str(model._meta.pk.attname)
    return path


def _nullable(model: type[Model], path: str) -> bool:
    parts = path.split("__")
    if len(parts) > 1 and getattr(_field(model, parts[0]), "null", False):
        return True
    return bool(getattr(_field(model, path), "null", False))


def total_order(model: type[Model], keys: Sequence[Key]) -> tuple[Key, ...]:
    """The keys with their paths made local and the primary key appended (in the main key's direction)."""
    pk = str(model._meta.pk.attname)
    result: list[Key] = []
    for key in keys:
        path = _local(model, key.path)
        if path not in {k.path for k in result}:
            result.append(Key(path, key.descending))
        if path == pk:
            return tuple(result)
    descending = result[0].descending if result else False
    return (*result, Key(pk, descending))


def order_expressions(model: type[Model], keys: Sequence[Key], *, backwards: bool = False) -> list[Any]:
    """order_by() arguments; nullable columns put empty values last in either direction, on every database
    (``backwards``: the same order read from its end, empty values first)."""
    expressions: list[Any] = []
    for key in keys:
        if _nullable(model, key.path):
            nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
            expressions.append(OrderBy(F(key.path), descending=key.descending, **nulls))
        else:
            expressions.append(f"-{key.path}" if key.descending else key.path)
    return expressions


def keys_of(qs: QuerySet[Any]) -> tuple[Key, ...]:
    """The total ordering of a queryset, from its order_by() (or the model's default ordering)."""
    ordering: Sequence[Any] = qs.query.order_by or qs.model._meta.ordering or ()
    keys: list[Key] = []
    for item in ordering:
        if isinstance(item, str):
            keys.append(Key(item.lstrip("-"), item.startswith("-")))
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            keys.append(Key(str(getattr(item.expression, "name", "")), item.descending))
        else:
            raise TypeError(f"keyset pages need column orderings, not {item!r}")
    return total_order(qs.model, keys)


# --------------------------------------------------------------------------------------------- cursors


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _value(obj: Any, path: str) -> Any:
    if isinstance(obj, Mapping):
        return obj[path]
    value = obj
    for part in path.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def encode_cursor(direction: str, values: Sequence[Any]) -> str:
    raw = json.dumps([direction, [_plain(v) for v in values]], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(model: type[Model], keys: Sequence[Key], token: str) -> tuple[str, list[Any]] | None:
    """(direction, values) from a token; None for anything malformed (the list opens at its first page)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        direction, values = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError, TypeError):
        return None
    if direction not in ("after", "before") or not isinstance(values, list) or len(values) != len(keys):
        return None
    parsed: list[Any] = []
    for key, value in zip(keys, values, strict=True):
        if value is not None and not isinstance(value, str | int | float | bool):
            return None
        try:
            python = None if value is None else _field(model, key.path).to_python(value)
        except (ValidationError, ValueError, TypeError, OverflowError):
            return None
        if isinstance(python, int) and not -(2**63) <= python < 2**63:
            return None  # no column holds it, and the database driver would refuse it
        parsed.append(python)
    return direction, parsed


def _later(key: Key, value: Any, nullable: bool) -> Q:
    """Rows after ``value`` in this key's order (empty values come last)."""
    if value is None:
        return Q(pk__in=[])
    beyond = Q(**{f"{key.path}__{'lt' if key.descending else 'gt'}": value})
    return beyond | Q(**{f"{key.path}__isnull": True}) if nullable else beyond


def _earlier(key: Key, value: Any) -> Q:
    if value is None:
        return Q(**{f"{key.path}__isnull": False})
    return Q(**{f"{key.path}__{'gt' if key.descending else 'lt'}": value})


def _equal(key: Key, value: Any) -> Q:
    return Q(**{f"{key.path}__isnull": True}) if value is None else Q(**{key.path: value})


def seek(model: type[Model], keys: Sequence[Key], values: Sequence[Any], *, after: bool) -> Q:
    """Rows strictly after (or before) the row with these key values, in the order ``keys``."""
    nullable = [_nullable(model, k.path) for k in keys]
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for key, value, null in zip(keys, values, nullable, strict=True):
        step = _later(key, value, null) if after else _earlier(key, value)
        condition |= equal_so_far & step
        equal_so_far &= _equal(key, value)
    first, first_value = keys[0], values[0]
    if first_value is not None and not nullable[0]:
        # The same rows, plus a range on the leading column that an index of (column, …) can start from.
        bound = "lte" if first.descending == after else "gte"
        condition &= Q(**{f"{first.path}__{bound}": first_value})
    return condition


# ----------------------------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class Count:
    """How many rows a list holds: exact, estimated ("约"), or known only to exceed ``value``."""

    value: int
    kind: str = "exact"  # "exact" | "estimate" | "more_than"

    @property
    def exact(self) -> bool:
        return self.kind == "exact"

    @property
    def number(self) -> str:
        return f"{self.value:,}"

    def text(self) -> str:
        if self.kind == "estimate":
            return _("约 %(n)s 条") % {"n": self.number}
        if self.kind == "more_than":
            return _("超过 %(n)s 条") % {"n": self.number}
        return _("共 %(n)s 条") % {"n": self.number}


def _rounded(estimate: int) -> int:
    """An estimate shown to the precision it has: thousands past 100,000, hundreds below."""
    step = 1000 if estimate >= 100_000 else 100
    return max(step, round(estimate / step) * step)


def planner_rows(qs: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of how many rows ``qs`` returns (EXPLAIN, no rows read); None elsewhere."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count_rows(qs: QuerySet[Any], *, limit: int = EXACT_COUNT_LIMIT) -> Count:
    """Exact up to ``limit`` rows, counted with a bounded query; past it the planner's estimate.

    On PostgreSQL the planner's estimate decides first: a set it expects to be large is not counted at all
    (an index-only count of a million rows is still a few hundred ms). A set it expects to be small is
    counted, but never more than ``limit + 1`` rows are read, so a wrong estimate costs a bounded amount.
    SQLite (the embedded default, a single office's data) counts exactly.
    """
    estimate = planner_rows(qs)
    if estimate is None:
        return Count(qs.order_by().count())
    if estimate > limit:
        return Count(_rounded(estimate), "estimate")
    counted = qs.order_by().values("pk")[: limit + 1].count()
    if counted <= limit:
        return Count(counted)
    return Count(limit, "more_than")


# ------------------------------------------------------------------------------------------------ pages


@dataclass
class KeysetPage:
    object_list: list[Any]
    count: Count
    has_previous: bool
    has_next: bool
    previous_cursor: str = ""
    next_cursor: str = ""

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def is_paged(self) -> bool:
        return self.has_previous or self.has_next


def keyset_page(
    qs: QuerySet[Any], cursor: str | None, *, per_page: int = PAGE_SIZE, count: bool = True
) -> KeysetPage:
    """One page of ``qs`` (which must be ordered by columns) at ``cursor``: None or malformed is the first
    page, ``"last"`` the last, otherwise the token of a previous page's link."""
    model = qs.model
    keys = keys_of(qs)
    ordered = qs.order_by(*order_expressions(model, keys))
    reverse = tuple(Key(k.path, not k.descending) for k in keys)
    direction, values = "after", None
    if cursor == LAST:
        direction = "last"
    elif cursor:
        decoded = decode_cursor(model, keys, cursor)
        if decoded is not None:
            direction, values = decoded
    if direction == "after":
        scoped = ordered if values is None else ordered.filter(seek(model, keys, values, after=True))
        rows = list(scoped[: per_page + 1])
        has_more = len(rows) > per_page
        rows = rows[:per_page]
        has_previous, has_next = values is not None, has_more
    else:
        backwards = qs.order_by(*order_expressions(model, reverse, backwards=True))
        if values is not None:
            backwards = backwards.filter(seek(model, keys, values, after=False))
        rows = list(backwards[: per_page + 1])
        has_more = len(rows) > per_page
        rows = rows[:per_page][::-1]
        has_previous, has_next = has_more, direction == "before"
    total = count_rows(qs) if count else Count(len(rows))
    page = KeysetPage(rows, total, has_previous, has_next)
    if rows and page.has_previous:
        page.previous_cursor = encode_cursor("before", [_value(rows[0], k.path) for k in keys])
    if rows and page.has_next:
        page.next_cursor = encode_cursor("after", [_value(rows[-1], k.path) for k in keys])
    return page


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int = PAGE_SIZE) -> dict[str, Any]:
    """A list page's rows and links: the page, its count, and the query strings the template needs."""
    page = keyset_page(qs, request.GET.get(CURSOR_PARAM), per_page=per_page)
    params = request.GET.copy()
    params.pop(CURSOR_PARAM, None)
    params.pop("page", None)
    encoded = params.urlencode()
    base = f"{encoded}&" if encoded else ""

    def link(token: str) -> str:
        return f"?{base}{CURSOR_PARAM}={token}"

    return {
        "page_obj": page,
        "object_list": page.object_list,
        "links": {
            "first": f"?{encoded}" if encoded else "?",
            "previous": link(page.previous_cursor) if page.previous_cursor else "",
            "next": link(page.next_cursor) if page.next_cursor else "",
            "last": link(LAST),
        },
        "querystring_without_page": base,
        "querystring": encoded,
        # Said next to the export link before anyone starts it (core/_export_button.html).
        "export_limits": export_limits(page.count.value),
    }
