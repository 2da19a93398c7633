"""The list page, declared as data (ARCHITECTURE.md convention 17; docs/lists.md "Declaring a list").

A list page is a ``ListPage``: its filters, its sort whitelist, its columns and its export. ``list_context``
does what every list view did by hand: read the filters from the query string, start the export when
``?export=xlsx`` asks for one, sort (``core.lists.apply_sort``), page (``core.lists.paginate``) and give the
templates in ``templates/components/`` (filter_bar, list_head, sort_th, list_empty, and the ``listpage`` tags)
what they show. Sorting, keyset pages and counts are those of ``core.lists``, unchanged.

Filters are parsed here, not in each app: a choice outside its choices is ignored (as if not given), a number
or a date that does not parse is ignored and said beside its field with the text kept in the input (UI.md,
"Errors"). The app's selector gets the clean values as a plain dict (``Filtered.values``); selectors that read
query parameters get the same values as a ``QueryDict`` (``Filtered.params``), and so does the export, so the
file holds the rows the page lists.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dengta.core.access import Viewer, request_viewer
from dengta.core.exports import export_response
from dengta.core.lists import PAGE_SIZE, Sorts, apply_sort, paginate, sort_by

Label = str | Promise
Choices = Sequence[tuple[str, Any]]
# Choices fixed at declaration, or computed for the person looking (regions in their jurisdiction).
ChoiceSource = Choices | Callable[[Viewer], Choices]

EXPORT_PARAM = "export"
EXPORT_FORMAT = "xlsx"
# Numbers a filter takes: a sign, up to 15 digits, up to 6 decimals. No exponents ("1e999"), no NaN.
_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d{1,6})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ECHO = 30  # characters of a refused value repeated in its message
# Labels the declarations default to (names, not calls, as dataclass defaults).
_SEARCH = gettext_lazy("搜索")
_ALL = gettext_lazy("全部")
_FROM = gettext_lazy("从")
_TO = gettext_lazy("至")
_NO_MATCH = gettext_lazy("没有符合筛选条件的记录。")


# ------------------------------------------------------------------------------------------------ filters


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass(frozen=True)
class Input:
    """One input of a filter as the template shows it: its parameter, its id and what it holds."""

    name: str
    id: str
    shown: str
    label: Label = ""  # a range's "from" / "to" (visually hidden: the filter's label names the pair)


@dataclass(frozen=True)
class Bound:
    """A filter read from one request: its clean value, what its inputs show, and its error if any."""

    filter: Filter
    value: Any
    inputs: tuple[Input, ...]
    error: str = ""
    options: tuple[Option, ...] = ()  # choice filters: "all" first, then the choices
    choices: tuple[tuple[str, str], ...] = ()  # choice filters: the choices (value, label) without "all"

    @property
    def name(self) -> str:
        return self.filter.name

    @property
    def label(self) -> Label:
        return self.filter.label

    @property
    def kind(self) -> str:
        return self.filter.kind

    @property
    def id(self) -> str:
        return self.inputs[0].id

    @property
    def active(self) -> bool:
        """Whether this filter narrows the list (a value other than its default)."""
        return self.value != self.filter.default_value()

    def text(self) -> str:
        """The clean value as query-parameter text (the first input's)."""
        return self.filter.texts(self.value)[0]


def _squash(raw: str) -> str:
    """Full-width digits and punctuation as ASCII (NFKC), thousands separators and spaces removed."""
    return re.sub(r"[,\s]", "", unicodedata.normalize("NFKC", raw))


def _echo(raw: str) -> str:
    return raw if len(raw) <= _ECHO else f"{raw[:_ECHO]}…"


@dataclass(frozen=True)
class Filter:
    """A filter's declaration. ``name`` is its query parameter and its key in ``Filtered.values``."""

    name: str
    label: Label
    placeholder: Label = ""
    help: Label = ""  # shown on hover and read by screen readers (UI.md: explanations on hover)
    width: str = "col-6 col-md-3 col-xl-2"  # Bootstrap column classes in the filter bar's row

    kind: ClassVar[str] = "text"
    input_type: ClassVar[str] = "text"

    def params(self) -> tuple[str, ...]:
        return (self.name,)

    def default_value(self) -> Any:
        return ""

    def bind(self, params: QueryDict, viewer: Viewer) -> Bound:
        raise NotImplementedError

    def texts(self, value: Any) -> tuple[str, ...]:
        """The clean value as the text of each parameter."""
        return ("" if value is None else str(value),)

    def _raw(self, params: QueryDict, name: str | None = None) -> str:
        return str(params.get(name or self.name, "") or "").strip()

    def _input(self, shown: str, name: str | None = None, label: Label = "") -> Input:
        key = name or self.name
        return Input(key, f"f-{key}", shown, label)


@dataclass(frozen=True)
class TextFilter(Filter):
    """Free text, handed to the selector as typed (``clean`` may normalise it, e.g. an industry code)."""

    clean: Callable[[str], str] | None = None

    def bind(self, params: QueryDict, viewer: Viewer) -> Bound:
        value = self._raw(params)
        if self.clean is not None:
            value = self.clean(value).strip()
        return Bound(self, value, (self._input(value),))


@dataclass(frozen=True)
class SearchFilter(TextFilter):
    """The search box: ``q``, wide, first in the bar."""

    name: str = "q"
    label: Label = _SEARCH
    width: str = "col-12 col-md-6 col-xl-3"

    kind: ClassVar[str] = "search"
    input_type: ClassVar[str] = "search"


@dataclass(frozen=True)
class ChoiceFilter(Filter):
    """A select of ``choices`` with an "all" option (value "") first; values outside the choices are ignored.

    ``default``: the value when the parameter is absent (a queue that opens on its pending items); the
    "all" option then stays reachable as an explicit empty value (``?state=``).
    ``accept_other``: values outside the choices that are still honoured, such as a region code prefix
    edited into the URL (``region=4403``); the select then shows the value as an extra option.
    ``clean``: normalises a value before it is matched (full-width digits, spaces in a code)."""

    choices: ChoiceSource = ()
    default: str = ""
    all_label: Label = _ALL
    accept_other: Callable[[str], bool] | None = None
    clean: Callable[[str], str] | None = None

    kind: ClassVar[str] = "choice"

    def default_value(self) -> Any:
        return self.default

    def choices_for(self, viewer: Viewer) -> tuple[tuple[str, str], ...]:
        source = self.choices(viewer) if callable(self.choices) else self.choices
        return tuple((str(value), str(label)) for value, label in source)

    def bind(self, params: QueryDict, viewer: Viewer) -> Bound:
        choices = self.choices_for(viewer)
        if self.name in params:
            value = self._raw(params)
            if self.clean is not None and value:
                value = self.clean(value).strip()
        else:
            value = self.default
        known = {v for v, _label in choices}
        if value and value not in known and not (self.accept_other and self.accept_other(value)):
            value = self.default  # ignored: as if it had not been given
        options = [Option("", str(self.all_label), value == "")]
        if value and value not in known:
            options.append(Option(value, value, True))
        options += [Option(v, label, v == value) for v, label in choices]
        return Bound(self, value, (self._input(value),), options=tuple(options), choices=choices)


def _parse_number(raw: str, *, integer: bool) -> tuple[int | Decimal | None, str]:
    """(value, "") for a number, (None, message) for text that is not one."""
    text = _squash(raw)
    if not _NUMBER.fullmatch(text):
        return None, _("“%(value)s”不是数字，请填写数字，例如 1200") % {"value": _echo(raw)}
    number = Decimal(text)
    if integer:
        if number != number.to_integral_value():
            return None, _("“%(value)s”不是整数，请填写整数，例如 30") % {"value": _echo(raw)}
        return int(number), ""
    return number, ""


def _bounds_error(value: int | Decimal, minimum: int | Decimal | None, maximum: int | Decimal | None) -> str:
    if minimum is not None and value < minimum:
        return _("不能小于 %(n)s") % {"n": f"{minimum:,}"}
    if maximum is not None and value > maximum:
        return _("不能大于 %(n)s") % {"n": f"{maximum:,}"}
    return ""


@dataclass(frozen=True)
class NumberFilter(Filter):
    """A number (``integer``: a whole number), within ``minimum``/``maximum`` when given: e.g. delivery
    days at most. The value is an int (integer) or a Decimal, None when empty or refused."""

    integer: bool = False
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    width: str = "col-6 col-md-3 col-xl-1"

    kind: ClassVar[str] = "number"
    input_type: ClassVar[str] = "text"  # inputmode="decimal": type=number would drop what it cannot parse

    def default_value(self) -> Any:
        return None

    def bind(self, params: QueryDict, viewer: Viewer) -> Bound:
        raw = self._raw(params)
        value, error = _parse_number(raw, integer=self.integer) if raw else (None, "")
        if value is not None:
            error = _bounds_error(value, self.minimum, self.maximum)
            if error:
                value = None
        return Bound(self, value, (self._input(raw),), error=error)


@dataclass(frozen=True)
class RangeFilter(Filter):
    """A band from–to in two parameters, ``<name>_min`` and ``<name>_max`` (e.g. ``price_min``,
    ``price_max``). The value is a pair (low, high), either None when not given; a refused side is None
    and said; a band whose low side is above its high side is refused whole."""

    integer: bool = False
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    width: str = "col-12 col-md-6 col-xl-3"
    low_label: Label = _FROM
    high_label: Label = _TO

    kind: ClassVar[str] = "range"

    @property
    def low(self) -> str:
        return f"{self.name}_min"

    @property
    def high(self) -> str:
        return f"{self.name}_max"

    def params(self) -> tuple[str, ...]:
        return (self.low, self.high)

    def default_value(self) -> Any:
        return (None, None)

    def texts(self, value: Any) -> tuple[str, ...]:
        return tuple("" if side is None else str(side) for side in value)

    def bind(self, params: QueryDict, viewer: Viewer) -> Bound:
        raws = (self._raw(params, self.low), self._raw(params, self.high))
        sides: list[int | Decimal | None] = []
        errors: list[str] = []
        for raw in raws:
            value, error = _parse_number(raw, integer=self.integer) if raw else (None, "")
            if value is not None:
                error = _bounds_error(value, self.minimum, self.maximum)
                if error:
                    value = None
            sides.append(value)
            if error:
                errors.append(error)
        low, high = sides
        if low is not None and high is not None and low > high:
            errors.append(_("下限大于上限，请对调或改正"))
            low = high = None
        inputs = (
            self._input(raws[0], self.low, self.low_label),
            self._input(raws[1], self.high, self.high_label),
        )
        return Bound(self, (low, high), inputs, error="；".join(errors))


def _parse_date(raw: str) -> tuple[dt.date | None, str]:
    """(date, "") for YYYY-MM-DD, (None, message) for anything else, such as 2024-02-30."""
    text = _squash(raw)
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text), ""
        except ValueError:
            pass
    return None, _("“%(value)s”不是有效日期，请按“年-月-日”填写，例如 2026-01-31") % {"value": _echo(raw)}


@dataclass(frozen=True)
class DateFilter(Filter):
    """A date (YYYY-MM-DD, the browser's date input). The value is a ``datetime.date`` or None."""

    width: str = "col-6 col-md-3 col-xl-2"

    kind: ClassVar[str] = "date"
    input_type: ClassVar[str] = "date"

    def default_value(self) -> Any:
        return None

    def texts(self, value: Any) -> tuple[str, ...]:
        return ("" if value is None else value.isoformat(),)

    def bind(self, params: QueryDict, viewer: Viewer) -> Bound:
        raw = self._raw(params)
        value, error = _parse_date(raw) if raw else (None, "")
        return Bound(self, value, (self._input(raw),), error=error)


# ---------------------------------------------------------------------------------------------- the page


@dataclass(frozen=True)
class Column:
    """A column of the list's table. ``sort`` names its key in ``ListPage.sorts`` ("" = not sortable);
    ``numeric`` right-aligns it (UI.md: numbers right-aligned, units in the header)."""

    label: Label
    sort: str = ""
    numeric: bool = False
    css: str = ""
    hidden_label: bool = False  # a column of controls (a checkbox to compare): its label for screen readers

    @property
    def css_class(self) -> str:
        return " ".join(c for c in ("num" if self.numeric else "", self.css) if c)


@dataclass(frozen=True, eq=False)
class ListPage:
    """A list page's declaration (docs/lists.md "Declaring a list").

    url_name: the page's URL name (the "清除" link); title: its heading; filters: the filter bar, in order;
    sorts / default_sort: the ``core.lists`` whitelist (``?sort=key`` / ``?sort=-key``; empty: the
    selector's own order); columns: the table's header; export: the name its builder is registered under
    with ``core.exports.register_export`` ("" = no export button); no_match: the empty state when filters
    are on (the page's own empty text, said when they are off, is written in its template)."""

    url_name: str
    title: Label
    filters: tuple[Filter, ...] = ()
    sorts: Sorts = field(default_factory=dict)
    default_sort: str = ""
    columns: tuple[Column, ...] = ()
    export: str = ""
    no_match: Label = _NO_MATCH
    filter_label: Label = ""  # the filter form's accessible name; "" = "筛选" and the title
    caption: Label = ""  # the table's caption for screen readers
    actions_width: str = "col-12 col-xl-1"  # the column of the "筛选" button and the "清除" link
    per_page: int = PAGE_SIZE

    def __post_init__(self) -> None:
        names = [p for f in self.filters for p in f.params()]
        reserved = {"sort", "cursor", "page", EXPORT_PARAM}
        if len(names) != len(set(names)) or reserved & set(names):
            raise ImproperlyConfigured(f"{self.url_name}: filter parameters repeat or are reserved: {names}")
        if self.sorts and self.default_sort.lstrip("-") not in self.sorts:
            raise ImproperlyConfigured(f"{self.url_name}: default sort {self.default_sort!r} is not in sorts")
        for column in self.columns:
            if column.sort and column.sort not in self.sorts:
                raise ImproperlyConfigured(f"{self.url_name}: column sort {column.sort!r} is not in sorts")

    def filtered(self, params: QueryDict, viewer: Viewer) -> Filtered:
        """The filters read from query parameters (a page's request, or an export job's saved query)."""
        bound = tuple(f.bind(params, viewer) for f in self.filters)
        clean = params.copy()
        for b in bound:
            for key, text in zip(b.filter.params(), b.filter.texts(b.value), strict=True):
                if key in params or text:
                    clean.setlist(key, [text])
        return Filtered(bound, QueryDict(clean.urlencode()))  # immutable, as a request's GET

    def queryset(self, viewer: Viewer, params: QueryDict, rows: Rows) -> tuple[QuerySet[Any], str, Filtered]:
        """The rows filtered and sorted as the page lists them: for the export builder of the page."""
        filtered = self.filtered(params, viewer)
        qs = rows(filtered) if callable(rows) else rows
        if not self.sorts:
            return qs, "", filtered
        qs, sort = sort_by(params, qs, self.sorts, self.default_sort)
        return qs, sort, filtered


@dataclass(frozen=True)
class Filtered:
    """The filters of one request. ``values``: name → clean value (text and choices: str, "" when not
    given; numbers: int | Decimal | None; dates: date | None; ranges: (low, high)). ``params``: the query
    with each filter's parameters replaced by their clean text (for selectors that read parameters)."""

    bound: tuple[Bound, ...]
    params: QueryDict

    @property
    def values(self) -> dict[str, Any]:
        return {b.name: b.value for b in self.bound}

    @property
    def active(self) -> bool:
        return any(b.active for b in self.bound)

    @property
    def errors(self) -> list[Bound]:
        return [b for b in self.bound if b.error]

    def __getitem__(self, name: str) -> Bound:
        for b in self.bound:
            if b.name == name:
                return b
        raise KeyError(name)

    def __iter__(self) -> Iterator[Bound]:
        return iter(self.bound)


# The page's rows: a queryset, or the selector called with the filters (``lambda f: rows_for(viewer,
# f.values)``) — the filters narrow the rows in the selector, never in the component.
Rows = QuerySet[Any] | Callable[[Filtered], QuerySet[Any]]


def wants_export(request: HttpRequest) -> bool:
    return request.GET.get(EXPORT_PARAM) == EXPORT_FORMAT


def list_context(
    request: HttpRequest, page: ListPage, rows: Rows, viewer: Viewer | None = None
) -> dict[str, Any] | HttpResponse:
    """Filters → export (when asked, an ``HttpResponse``) → sort → page: the context of a list template.

    The caller refuses a viewer who may not see the list (``require``) before calling. The context holds
    ``core.lists.paginate``'s keys (page_obj, object_list, links, querystring…, export_limits) and: sort,
    list_page, filters (name → Bound), filter_fields (the Bounds in order), filter_errors, filter_values,
    any_filter_active, clear_url, columns, crumbs."""
    viewer = viewer or request_viewer(request)
    filtered = page.filtered(request.GET, viewer)
    if page.export and wants_export(request):
        # The job re-reads the query it is given: the clean one, so the file holds the rows the page lists.
        cleaned = copy.copy(request)
        cleaned.GET = filtered.params  # type: ignore[assignment]  # an immutable QueryDict, as GET is
        return export_response(cleaned, page.export)
    qs = rows(filtered) if callable(rows) else rows
    sort = ""
    if page.sorts:
        qs, sort = apply_sort(request, qs, page.sorts, page.default_sort)
    return {
        "list_page": page,
        "filters": {b.name: b for b in filtered.bound},
        "filter_fields": filtered.bound,
        "filter_errors": filtered.errors,
        "filter_values": filtered.values,
        "any_filter_active": filtered.active,
        "clear_url": reverse(page.url_name),
        "crumbs": [(page.title, "")],  # a page inside another passes its own
        "columns": page.columns,
        "sort": sort,
        **paginate(request, qs, page.per_page),
    }


def render_list(
    request: HttpRequest,
    template: str,
    page: ListPage,
    rows: Rows,
    viewer: Viewer | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """``list_context`` rendered with ``template`` and the page's own context (``extra``)."""
    context = list_context(request, page, rows, viewer)
    if isinstance(context, HttpResponse):
        return context
    return render(request, template, {**context, **(extra or {})})
