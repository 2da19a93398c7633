"""The "enterprises like you" benchmark runs end to end, tiny (speed is measured, never asserted): its
last line, how many profiles were real, and a non-zero exit when the batch and top_k disagree."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dengta.cases.models import Case
from dengta.cases.tests.conftest import Cast
from dengta.cases.tests.test_recommend import assess, publish

pytestmark = pytest.mark.django_db

LINE = (
    r"bench similar: seconds=\d+\.\d\d per_enterprise_us=\d+\.\d\d enterprises=2000 cases=50 "
    r"real_enterprises=0 real_cases=0 pairs=\d+ match=(true|false) sample=200 threads=\d+ unmapped=0.25"
)


def bench(*extra: str) -> list[str]:
    out = io.StringIO()
    call_command(
        "bench_similar", "--enterprises", "2000", "--cases", "50", "--sample", "200", *extra, stdout=out
    )
    return out.getvalue().strip().splitlines()


def test_bench_similar_prints_its_figures_last() -> None:
    lines = bench("--threads", "2")
    # An empty database: every profile is generated, and the output says so.
    assert "(0 real, 2,000 synthetic)" in lines[0] and "(0 real, 50 synthetic)" in lines[0]
    assert "identical" in lines[-2]
    assert re.fullmatch(LINE, lines[-1]) and "match=true" in lines[-1], lines[-1]


def test_bench_similar_exits_non_zero_when_the_sample_differs(monkeypatch: Any) -> None:
    import bench.similar_bench

    monkeypatch.setattr(bench.similar_bench, "top_k", lambda *args: [])
    out = io.StringIO()
    with pytest.raises(CommandError, match="200 sampled enterprises differ"):
        call_command("bench_similar", "--enterprises", "2000", "--cases", "50", "--sample", "200", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(LINE, last) and "match=false" in last, last


def test_bench_similar_refuses_nonsense() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        call_command("bench_similar", "--cases", "0", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--threads"):
        call_command("bench_similar", "--threads", "0", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--unmapped"):
        call_command("bench_similar", "--unmapped", "1.5", stdout=io.StringIO())


def test_bench_similar_reads_the_database_s_profiles_first(retrofit: Cast, case: Case) -> None:
    publish(retrofit, case)
    assess(retrofit, retrofit.world.registered.tianhe)
    lines = bench()
    # The cast's enterprise (its T1) and 天河's, and the published case; the rest generated around them.
    assert "(2 real, 1,998 synthetic)" in lines[0] and "(1 real, 49 synthetic)" in lines[0]
    assert re.fullmatch(
        LINE.replace("real_enterprises=0 real_cases=0", "real_enterprises=2 real_cases=1"), lines[-1]
    )
    assert "match=true" in lines[-1]
