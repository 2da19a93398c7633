"""The list page declared as data (dengta.core.listpage; docs/lists.md): filters read from the query string,
sortable headers, the clear link, the export, and the empty states."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import QueryDict
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve
from hypothesis import given
from hypothesis import strategies as st

from dengta.core.access import ANONYMOUS
from dengta.core.listpage import (
    ChoiceFilter,
    Column,
    DateFilter,
    Filtered,
    ListPage,
    NumberFilter,
    RangeFilter,
    SearchFilter,
    TextFilter,
    list_context,
)
from dengta.core.models import Job
from dengta.core.tests.test_lists import make
from dengta.registry.exports import ENTERPRISE_SORTS
from dengta.registry.models import Enterprise

LIST = "/registry/enterprises/"
KINDS = (("a", "甲类"), ("b", "乙类"))


def q(text: str) -> QueryDict:
    return QueryDict(text)


def given_as(**params: str) -> QueryDict:
    """A query holding exactly these values (any text, unencoded)."""
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query[name] = value
    return query


# ------------------------------------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    ("query", "value", "active"),
    [
        ("", "", False),
        ("kind=a", "a", True),
        ("kind=%20b%20", "b", True),  # spaces around a value are not part of it
        ("kind=c", "", False),  # not a choice: ignored, as if not given
        ("kind=%3Cscript%3E", "", False),
        ("kind=", "", False),
    ],
)
def test_a_choice_outside_the_choices_is_ignored(query: str, value: str, active: bool) -> None:
    bound = ChoiceFilter("kind", "类型", choices=KINDS).bind(q(query), ANONYMOUS)
    assert bound.value == value and bound.active is active and bound.error == ""
    # "全部" first; exactly one option selected, the value's.
    assert [(o.value, o.selected) for o in bound.options] == [
        ("", value == ""),
        ("a", value == "a"),
        ("b", value == "b"),
    ]


@pytest.mark.parametrize(
    ("query", "value", "active"),
    [
        ("", "pending", False),  # absent: the default (a queue opens on what waits)
        ("state=", "", True),  # "全部", asked for explicitly
        ("state=done", "done", True),
        ("state=nonsense", "pending", False),  # ignored: the default
    ],
)
def test_a_choice_with_a_default(query: str, value: str, active: bool) -> None:
    choices = (("pending", "待确认"), ("done", "已确认"))
    f = ChoiceFilter("state", "状态", choices=choices, default="pending")
    bound = f.bind(q(query), ANONYMOUS)
    assert bound.value == value and bound.active is active
    assert [o.value for o in bound.options if o.selected] == [value]


def test_choices_are_computed_for_the_viewer_and_other_values_may_be_accepted() -> None:
    seen: list[Any] = []

    def regions(viewer: Any) -> list[tuple[str, str]]:
        seen.append(viewer)
        return [("440000", "广东省")]

    f = ChoiceFilter(
        "region", "地区", choices=regions, accept_other=str.isdigit, clean=lambda v: v.replace(" ", "")
    )
    assert f.bind(q("region=4403"), ANONYMOUS).value == "4403"  # a code prefix: honoured
    prefix = f.bind(q("region=44%2003"), ANONYMOUS)
    assert prefix.value == "4403" and prefix.options[1].selected and prefix.options[1].value == "4403"
    assert f.bind(q("region=广州"), ANONYMOUS).value == ""
    assert seen == [ANONYMOUS, ANONYMOUS, ANONYMOUS]


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1200", 1200), ("１２００", 1200), ("1,200", 1200), (" 30 ", 30), ("-0", 0), ("", None)],
)
def test_a_number_is_read_in_the_forms_people_type(raw: str, value: int | None) -> None:
    bound = NumberFilter("days", "交付天数", integer=True).bind(given_as(days=raw), ANONYMOUS)
    assert bound.value == value and bound.error == ""


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("abc", "“abc”不是数字，请填写数字，例如 1200"),
        ("1e5", "“1e5”不是数字"),
        ("NaN", "“NaN”不是数字"),
        ("3.5", "“3.5”不是整数，请填写整数，例如 30"),
        ("0", "不能小于 1"),
        ("4000", "不能大于 3,650"),
        ("9" * 40, "不是数字"),
    ],
)
def test_a_bad_number_is_ignored_and_said_with_the_text_kept(raw: str, said: str) -> None:
    f = NumberFilter("days", "交付天数", integer=True, minimum=1, maximum=3650)
    bound = f.bind(given_as(days=raw), ANONYMOUS)
    assert bound.value is None and not bound.active
    assert said in bound.error
    assert bound.inputs[0].shown == raw  # kept in the input


def test_a_long_refused_value_is_cut_short_in_its_message() -> None:
    bound = NumberFilter("n", "数").bind(given_as(n="x" * 500), ANONYMOUS)
    assert "x" * 30 + "…" in bound.error and "x" * 31 not in bound.error


def test_decimals_stay_decimal() -> None:
    bound = NumberFilter("price", "价格").bind(q("price=35.50"), ANONYMOUS)
    assert bound.value == Decimal("35.50") and isinstance(bound.value, Decimal)


@pytest.mark.parametrize(
    ("query", "value", "error"),
    [
        ("", (None, None), ""),
        ("price_min=100", (Decimal(100), None), ""),
        ("price_max=5000", (None, Decimal(5000)), ""),
        ("price_min=100&price_max=5000", (Decimal(100), Decimal(5000)), ""),
        ("price_min=5000&price_max=100", (None, None), "下限大于上限"),
        ("price_min=abc&price_max=100", (None, Decimal(100)), "“abc”不是数字"),
        ("price_min=-1", (None, None), "不能小于 0"),
    ],
)
def test_a_range(query: str, value: tuple[Any, Any], error: str) -> None:
    bound = RangeFilter("price", "价格（元）", minimum=0).bind(q(query), ANONYMOUS)
    assert bound.value == value
    assert (error in bound.error) if error else bound.error == ""
    assert [i.name for i in bound.inputs] == ["price_min", "price_max"]


@pytest.mark.parametrize(
    ("raw", "value", "bad"),
    [
        ("2026-01-31", dt.date(2026, 1, 31), False),
        ("２０２６-０１-３１", dt.date(2026, 1, 31), False),
        ("2024-02-30", None, True),
        ("2024-13-45", None, True),
        ("20240101", None, True),
        ("昨天", None, True),
        ("", None, False),
    ],
)
def test_a_date(raw: str, value: dt.date | None, bad: bool) -> None:
    bound = DateFilter("start", "起").bind(given_as(start=raw), ANONYMOUS)
    assert bound.value == value
    assert ("不是有效日期" in bound.error) is bad


@given(st.text(max_size=60))
def test_no_text_breaks_a_number_filter(raw: str) -> None:
    """Whatever is typed, a number filter gives a number within its bounds, or nothing and a message."""
    f = NumberFilter("n", "数", minimum=Decimal(0), maximum=Decimal(10**6))
    bound = f.bind(given_as(n=raw), ANONYMOUS)
    if bound.value is None:
        assert bound.error or not raw.strip()
    else:
        assert bound.error == "" and Decimal(0) <= bound.value <= Decimal(10**6)


@given(st.text(max_size=30), st.text(max_size=30))
def test_no_text_breaks_a_range_or_a_date(low: str, high: str) -> None:
    band = RangeFilter("p", "价格", minimum=0).bind(given_as(p_min=low, p_max=high), ANONYMOUS)
    lo, hi = band.value
    assert lo is None or hi is None or lo <= hi
    day = DateFilter("d", "日").bind(given_as(d=low), ANONYMOUS)
    assert day.value is None or isinstance(day.value, dt.date)


def test_the_clean_query_replaces_what_the_filters_ignored() -> None:
    page = ListPage(
        url_name="registry:enterprise_list",
        title="企业库",
        filters=(
            SearchFilter(),
            ChoiceFilter("kind", "类型", choices=KINDS),
            ChoiceFilter("state", "状态", choices=(("p", "待"),), default="p"),
            NumberFilter("n", "数"),
        ),
    )
    filtered = page.filtered(q("q=%20轴承%20&kind=zzz&n=abc&sort=-name&other=1"), ANONYMOUS)
    assert filtered.values == {"q": "轴承", "kind": "", "state": "p", "n": None}
    assert filtered.params.dict() == {
        "q": "轴承",
        "kind": "",
        "state": "p",
        "n": "",
        "sort": "-name",
        "other": "1",
    }
    assert not filtered.params._mutable  # as a request's GET
    assert [b.name for b in filtered.errors] == ["n"] and [b.name for b in filtered if b.active] == ["q"]
    assert filtered["kind"].value == "" and [b.name for b in filtered] == ["q", "kind", "state", "n"]


def test_declarations_that_cannot_work_fail_at_import() -> None:
    with pytest.raises(ImproperlyConfigured, match="column sort"):
        ListPage("x", "x", sorts={"name": "name"}, default_sort="name", columns=(Column("x", sort="nme"),))
    with pytest.raises(ImproperlyConfigured, match="default sort"):
        ListPage("x", "x", sorts={"name": "name"}, default_sort="-created")
    with pytest.raises(ImproperlyConfigured, match="repeat or are reserved"):
        ListPage("x", "x", filters=(TextFilter("a", "a"), TextFilter("a", "b")))
    with pytest.raises(ImproperlyConfigured, match="repeat or are reserved"):
        ListPage("x", "x", filters=(TextFilter("sort", "a"),))
    with pytest.raises(ImproperlyConfigured, match="repeat or are reserved"):
        ListPage("x", "x", filters=(RangeFilter("p", "a"), TextFilter("p_min", "b")))


# ------------------------------------------------------------------------------- a page built from a queryset

EMPLOYEES = ListPage(
    url_name="registry:enterprise_list",
    title="测试列表",
    filters=(
        SearchFilter(label="名称", placeholder="例如：精密", help="按名称中的字查找"),
        NumberFilter("employees_min", "从业人员不少于（人）", integer=True, minimum=0),
        RangeFilter("revenue", "营业收入（元）", minimum=0),
    ),
    sorts=ENTERPRISE_SORTS,
    default_sort="name",
    columns=(
        Column("选择", hidden_label=True),
        Column("名称", sort="name"),
        Column("人数", sort="employees", numeric=True),
    ),
    no_match="没有符合筛选条件的测试行。",
)


def _rows(f: Filtered) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("region", "industry")
    values = f.values
    if values["q"]:
        qs = qs.filter(name__contains=values["q"])
    if values["employees_min"] is not None:
        qs = qs.filter(employees__gte=values["employees_min"])
    low, high = values["revenue"]
    if low is not None:
        qs = qs.filter(revenue__gte=low)
    if high is not None:
        qs = qs.filter(revenue__lte=high)
    return qs


def _page(cast: Any, query: str) -> tuple[dict[str, Any], str]:
    request = RequestFactory().get(f"{LIST}?{query}")
    request.user = cast.members["ministry"].user
    context = list_context(request, EMPLOYEES, _rows, cast.viewer("ministry"))
    assert isinstance(context, dict)
    body = "".join(
        render_to_string(name, context, request)
        for name in ("components/filter_bar.html", "components/list_head.html")
    )
    if not context["object_list"]:
        template = Template("{% load listpage %}{% list_empty %}还没有测试行。{% endlist_empty %}")
        body += template.render(Context(context))
    return context, body


@pytest.mark.django_db
def test_the_filter_bar_draws_the_declared_filters(cast: Any) -> None:
    make(cast, 1, employees=3)
    context, html = _page(cast, "q=企业&employees_min=2&revenue_min=0&revenue_max=9000000")
    assert [e.employees for e in context["object_list"]] == [3] and context["any_filter_active"]
    assert 'role="search"' in html and 'aria-label="筛选测试列表"' in html
    for name, shown in (
        ("q", "企业"),
        ("employees_min", "2"),
        ("revenue_min", "0"),
        ("revenue_max", "9000000"),
    ):
        assert re.search(rf'<label class="[^"]*" for="f-{name}">', html), name  # a label on every input
        assert f'id="f-{name}" name="{name}" value="{shown}"' in html
    assert 'placeholder="例如：精密"' in html and 'aria-describedby="f-q-help"' in html
    assert '<span class="visually-hidden" id="f-q-help">按名称中的字查找</span>' in html
    assert 'inputmode="numeric"' in html and 'inputmode="decimal"' in html
    assert '<a class="btn btn-link btn-sm px-1" href="/registry/enterprises/">清除</a>' in html
    assert ">筛选</button>" in html and "filter-errors" not in html
    assert '<th scope="col"><span class="visually-hidden">选择</span></th>' in html


@pytest.mark.django_db
def test_a_bad_number_is_said_beside_its_field_and_in_a_summary(cast: Any) -> None:
    make(cast, 1, employees=3)
    context, html = _page(cast, "employees_min=%E4%B8%89%E5%8D%81&revenue_min=9&revenue_max=1")
    assert len(context["object_list"]) == 1 and not context["any_filter_active"]  # both ignored
    assert 'value="三十"' in html  # the text is kept
    assert 'aria-invalid="true"' in html and 'aria-describedby="f-employees_min-error"' in html
    error = '<div class="invalid-feedback d-block mt-0 mb-1" id="f-employees_min-error">'
    assert f"{error}“三十”不是数字，请填写数字，例如 1200</div>" in html
    assert (
        'id="filter-errors"' in html and 'href="#f-employees_min"' in html and 'href="#f-revenue_min"' in html
    )
    assert "下限大于上限，请对调或改正" in html


@pytest.mark.django_db
def test_hostile_input_is_escaped(cast: Any) -> None:
    hostile = "<script>alert(1)</script>"
    _context, html = _page(cast, f"q={hostile}&employees_min={hostile}")
    assert "<script>" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "“&lt;script&gt;alert(1)&lt;/script&gt;”不是数字" in html


@pytest.mark.django_db
def test_the_empty_states(cast: Any) -> None:
    _context, unfiltered = _page(cast, "")
    assert "还没有测试行。" in unfiltered and "没有符合筛选条件的测试行" not in unfiltered
    assert 'colspan="3"' in unfiltered
    _context, filtered = _page(cast, "q=无此企业")
    assert "没有符合筛选条件的测试行。" in filtered and "还没有测试行。" not in filtered
    assert '<a href="/registry/enterprises/">清除筛选</a>' in filtered
    _context, refused = _page(cast, "employees_min=abc")  # an ignored filter narrows nothing
    assert "还没有测试行。" in refused


@pytest.mark.django_db
def test_sortable_headers_link_to_the_order_and_say_it(cast: Any) -> None:
    context, html = _page(cast, "q=企业&sort=-employees&cursor=abc")
    assert context["sort"] == "-employees"
    heads = dict(re.findall(r'aria-sort="(\w+)"><a href="\?([^"]*)"', html))
    assert set(heads) == {"none", "descending"}
    assert heads["descending"] == "q=%E4%BC%81%E4%B8%9A&amp;sort=employees"  # cursor dropped, filter kept
    assert heads["none"] == "q=%E4%BC%81%E4%B8%9A&amp;sort=name"
    assert '<th scope="col" class="num" aria-sort="descending">' in html and "bi-sort-down" in html
    # The filter form keeps the order a person chose.
    assert '<input type="hidden" name="sort" value="-employees">' in html
    _context, ascending = _page(cast, "sort=employees")
    assert 'aria-sort="ascending"><a href="?sort=-employees">' in ascending and "bi-sort-up" in ascending
    _context, default = _page(cast, "sort=nonsense")
    assert 'aria-sort="ascending"><a href="?sort=-name">' in default and 'name="sort"' in default


@pytest.mark.django_db
def test_a_queryset_is_taken_as_it_is(cast: Any) -> None:
    make(cast, 1)
    make(cast, 2)
    request = RequestFactory().get(f"{LIST}?sort=-name")
    page = ListPage("registry:enterprise_list", "企业", sorts=ENTERPRISE_SORTS, default_sort="name")
    context = list_context(request, page, Enterprise.objects.all(), cast.viewer("ministry"))
    assert isinstance(context, dict)
    names = [e.name for e in context["object_list"]]
    assert names == sorted(names, reverse=True) and len(names) == 2
    assert context["crumbs"] == [("企业", "")] and context["clear_url"] == LIST


# ------------------------------------------------------------------------------------------ the real pages


@pytest.mark.django_db
def test_the_export_gets_the_query_the_page_used(cast: Any) -> None:
    make(cast, 1)
    response = cast.client("ministry").get(
        LIST, {"export": "xlsx", "focus": "不存在的行业", "sort": "-employees"}
    )
    assert response.status_code == 302
    job = Job.objects.get(pk=resolve(response["Location"]).kwargs["pk"])
    sent = QueryDict(job.params["query"])
    assert (
        sent["focus"] == ""
        and sent["sort"] == "-employees"
        and job.params["export"] == "registry.enterprises"
    )
    assert job.result["rows"] == 1  # the ignored focus narrowed the file no more than the page


@pytest.mark.django_db
def test_a_page_without_an_export_ignores_the_parameter(cast: Any) -> None:
    response = cast.client("guangdong").get("/registry/changes/", {"export": "xlsx"})
    assert response.status_code == 200 and "导出 Excel" not in response.content.decode()


@pytest.mark.django_db
def test_the_enterprise_list_keeps_its_filter_bar(cast: Any) -> None:
    make(cast, 1)
    response = cast.client("ministry").get(LIST, {"size_class": "bogus", "region": "4403", "q": "<b>x</b>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="筛选企业"' in html and 'role="search"' in html
    assert '<option value="" selected>全部</option>' in html  # the unknown size class: ignored
    assert '<option value="4403" selected>4403</option>' in html  # a code prefix, honoured and shown
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in html and "<b>x</b>" not in html
    assert "导出 Excel" in html
    assert "没有符合筛选条件的企业。" in html and '<a href="/registry/enterprises/">清除筛选</a>' in html
    assert '<caption class="visually-hidden">企业列表，可按列排序</caption>' in html


@pytest.mark.django_db
def test_each_page_has_one_title_and_its_empty_text(cast: Any) -> None:
    pages = {
        "/registry/providers/": ("ministry", "服务商名录记录为中小企业提供数字化转型服务的机构"),
        "/registry/changes/": ("guangdong", "目前没有待确认的企业信息变更"),
        "/assessments/": ("ministry", "数字化水平评测按"),
        "/events/": ("oversight", "还没有您可以查看的事件。"),
    }
    for url, (who, empty) in pages.items():
        html = cast.client(who).get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert empty in html, url
        assert 'aria-current="page"' in html, url  # the breadcrumb


def test_the_header_tag_renders_the_actions_and_the_export_button() -> None:
    template = Template('{% load listpage %}{% list_header %}<a id="act">登记</a>{% endlist_header %}')
    page = ListPage("registry:enterprise_list", "企业库", export="registry.enterprises")
    html = template.render(Context({"list_page": page, "crumbs": [("企业库", "")], "querystring": "q=1"}))
    assert '<h1 class="h4 mb-0 me-auto">企业库</h1>' in html and '<a id="act">登记</a>' in html
    assert 'href="?q=1&export=xlsx"' in html
    bare = ListPage("registry:change_list", "变更")
    html = template.render(Context({"list_page": bare, "crumbs": [("变更", "")]}))
    assert "export=xlsx" not in html and '<a id="act">登记</a>' in html


@pytest.mark.django_db
def test_an_export_builder_reads_the_same_declaration(cast: Any) -> None:
    for n, employees in ((1, 1), (2, 5), (3, 9)):
        make(cast, n, employees=employees)
    qs, sort, filtered = EMPLOYEES.queryset(ANONYMOUS, q("employees_min=2&sort=-employees&q="), _rows)
    assert sort == "-employees" and filtered.values["employees_min"] == 2
    assert [e.employees for e in qs] == [9, 5]
    qs, sort, _filtered = EMPLOYEES.queryset(ANONYMOUS, q("employees_min=x"), _rows)
    assert sort == "name" and qs.count() == 3  # the refused number narrows nothing, as on the page
