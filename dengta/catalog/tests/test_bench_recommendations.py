"""The recommendations benchmark runs end to end on a small catalogue (speed is measured, never asserted)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dengta.catalog.tests.conftest import Market

pytestmark = pytest.mark.django_db


def test_bench_recommendations_prints_its_figures_last(market: Market, world: Any) -> None:
    from dengta.assessment.tests.conftest import self_assessment

    self_assessment(world, level=1)
    market.admit()
    for codes in (
        ("quality", "equipment", "safety"),
        ("process_design", "after_sales", "planning_scheduling"),
    ):
        market.product(
            name="、".join(codes), lifts=[{"kind": "scenario", "code": c, "level": 2} for c in codes]
        )
    out = io.StringIO()
    call_command("bench_recommendations", "--as", market.user("guangzhou").username, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("1 assessed enterprises, 2 listed products")
    assert (
        "level 1 → 2: 1 enterprises, 1 with a reaching bundle, 0 stopped by the evaluation budget" in lines[1]
    )
    assert re.fullmatch(
        r"bench recommendations: p95_s=\d+\.\d\d median_s=\d+\.\d\d max_s=\d+\.\d\d target_p95_s=1\.0 "
        r"enterprises=1 reaching=1/1 exhaustive=1/1 products=2",
        lines[-1],
    ), lines[-1]


def test_bench_recommendations_says_what_is_missing(db: Any) -> None:
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("bench_recommendations", "--as", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="at least 1"):
        call_command("bench_recommendations", "--enterprises", "0", stdout=io.StringIO())
