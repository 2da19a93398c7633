"""The list benchmark's own arithmetic and URL handling (bench/lists_bench.py); speed is never asserted."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.lists_bench import (
    ListSpec,
    Measured,
    api_last_params,
    last_page_params,
    list_urls,
    local_url,
    over,
    percentile,
    slowest,
    summarise,
    table,
    with_params,
)


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([5.0], 95, 5.0),
        ([1.0, 2.0], 50, 1.5),
        ([3.0, 1.0, 2.0], 50, 2.0),  # unsorted input
        ([1.0, 2.0, 3.0, 4.0, 5.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 100, 5.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 95, 4.8),  # rank 3.8: between 4 and 5
        (list(map(float, range(1, 101))), 95, 95.05),
    ],
)
def test_percentile_interpolates_between_closest_ranks(
    values: list[float], p: float, expected: float
) -> None:
    assert percentile(values, p) == pytest.approx(expected)


def test_percentile_refuses_no_values_and_out_of_range() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="out of range"):
        percentile([1.0], 101)


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1), st.floats(min_value=0, max_value=100))
def test_percentile_lies_between_min_and_max_and_grows_with_p(values: list[float], p: float) -> None:
    got = percentile(values, p)
    assert min(values) <= got <= max(values)
    assert percentile(values, min(100.0, p + 5)) >= got


def _m(url: str, *times: float, viewer: str = "ministry") -> Measured:
    return Measured(viewer, url, times)


def test_summary_counts_every_timed_request_not_the_medians() -> None:
    measured = [_m("/a", *([10.0] * 19)), _m("/b", 500.0)]
    summary = summarise(measured)
    assert summary.requests == 20
    assert summary.max_ms == 500.0
    assert summary.p95_ms == pytest.approx(10.0 + (500.0 - 10.0) * 0.05)  # rank 18.05 of 20
    assert summary.line() == "bench lists: p95_ms=34.5 max_ms=500.0 requests=20"
    assert summarise([]).line() == "bench lists: p95_ms=0.0 max_ms=0.0 requests=0"


def test_slowest_and_over_rank_by_median_then_max() -> None:
    fast, steady, spiky = (
        _m("/fast", 5.0, 6.0, 7.0),
        _m("/steady", 150.0, 150.0, 160.0),
        _m("/spiky", 20, 30, 400),
    )
    assert [m.url for m in slowest([fast, spiky, steady], n=2)] == ["/steady", "/spiky"]
    assert [m.url for m in over([fast, spiky, steady], median_ms=100, max_ms=300)] == ["/steady", "/spiky"]
    assert over([fast], median_ms=100, max_ms=300) == []


def test_table_has_one_row_per_url_with_median_and_max() -> None:
    lines = table([_m("/registry/enterprises/?sort=-employees", 12.0, 14.0, 30.0, viewer="city")])
    assert lines[0].split() == ["URL", "viewer", "median", "max"]
    assert lines[1].split() == ["/registry/enterprises/?sort=-employees", "city", "14.0", "30.0"]


def test_with_params_adds_to_an_existing_query_and_keeps_chinese_encoded() -> None:
    assert with_params("/x/", {}) == "/x/"
    assert with_params("/x/", {"sort": "-employees"}) == "/x/?sort=-employees"
    assert with_params("/x/?state=", [("q", "轴承")]) == "/x/?state=&q=%E8%BD%B4%E6%89%BF"


def test_last_page_is_read_from_the_first_pages_links() -> None:
    numbered = '<a href="?q=1&amp;page=2" rel="next">下一页</a><a href="?q=1&amp;page=41440">末页</a>'
    assert last_page_params(numbered) == {"page": "41440"}
    assert last_page_params('<a href="?cursor=bz0xMjM%3D">下一页</a>') == {"cursor": "last"}
    assert last_page_params("<p>共 3 条</p>") is None
    assert api_last_params("http://testserver/api/v1/enterprises/?page=2") == {"page": "last"}
    assert api_last_params("http://testserver/api/v1/enterprises/?cursor=cD0x") == {"cursor": "last"}
    assert api_last_params(None) is None


def test_local_url_drops_scheme_and_host_of_a_next_link() -> None:
    assert local_url("http://testserver/api/v1/assessments/?cursor=cD0x&state=scored") == (
        "/api/v1/assessments/?cursor=cD0x&state=scored"
    )
    assert local_url("http://testserver/api/v1/regions/") == "/api/v1/regions/"


def test_list_urls_cover_default_filters_searches_and_both_directions_of_each_sort() -> None:
    spec = ListSpec("/e/", filters=(("above", "1"),), sorts=("name", "employees"), searches=True)
    assert list_urls(spec) == [
        "/e/",
        "/e/?above=1",
        "/e/?q=%E8%BD%B4%E6%89%BF",
        "/e/?q=%E7%B2%BE%E5%AF%86%E6%9C%BA%E6%A2%B0",
        "/e/?sort=name",
        "/e/?sort=-name",
        "/e/?sort=employees",
        "/e/?sort=-employees",
    ]
    assert list_urls(ListSpec("/")) == ["/"]


@pytest.mark.django_db
def test_the_command_runs_on_a_checkout_without_collected_static_files(settings: Any) -> None:
    """The command as README gives it, on a database it measures as it is: the pages render although no
    `collectstatic` manifest exists (a fresh checkout), and the last line is the headline."""
    from django.core.management import call_command

    from dengta.reference.loaders import load_all

    load_all()
    # As in production: hashed names from a manifest, which this checkout has not collected.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent-static-root"
    out = io.StringIO()
    call_command(
        "bench_lists", "--no-seed", "--only", "/inbox/", "--repeat", "1", "--warmup", "0", stdout=out
    )
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"bench lists: p95_ms=[\d.]+ max_ms=[\d.]+ requests=3", last), last
