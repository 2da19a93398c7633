"""The dashboard benchmark's own arithmetic (bench/dashboard/), and the command end to end on a tiny
registry: its figures must equal the raw count. Speed is never asserted (docs/benchmarks.md)."""

from __future__ import annotations

import io
import re

import pytest

from bench.dashboard.figures import (
    Headline,
    Measured,
    Probe,
    dashboard_urls,
    differences,
    in_parts,
    pilot_count,
    share_text,
    summarise,
    yuan_text,
)

BODY = {
    "region": {"code": "330200", "name": "宁波市"},
    "enterprises": 930,
    "pilot_enterprises": 39,
    "pilot_gs": 23,
    "pilot_gs_at_level2_plus": 8,
    "pilot_gs_share_level2_plus": "0.3478",
    "allocated_yuan": "306400000.00",
    "committed_yuan": "257325.00",
    "paid_yuan": "3990.00",
}


def test_money_and_share_are_written_as_the_api_writes_them() -> None:
    assert yuan_text(0) == "0.00"
    assert yuan_text(25732500) == "257325.00"
    assert yuan_text(7) == "0.07"
    assert share_text(8, 23) == "0.3478"
    assert share_text(0, 0) is None
    assert share_text(23, 23) == "1.0000"


def test_the_endpoint_s_answer_equals_the_same_figures_counted_raw() -> None:
    raw = Headline.of((930, 39, 23, 8), 30640000000, 25732500, 399000)
    assert Headline.from_json(BODY) == raw
    assert differences(Headline.from_json(BODY), raw) == []
    off = Headline.of((930, 39, 23, 9), 30640000001, 25732500, 399000)
    assert differences(Headline.from_json(BODY), off) == [
        "pilot_gs_at_level2_plus: endpoint=8 raw=9",
        "pilot_gs_share_level2_plus: endpoint=0.3478 raw=0.3913",
        "allocated_yuan: endpoint=306400000.00 raw=306400000.01",
    ]


def test_a_province_without_its_separately_planned_city() -> None:
    zhejiang = (["330000/"], ["330000/330200/"])
    assert in_parts("330000/330100/330106/", zhejiang)
    assert not in_parts("330000/330200/330203/", zhejiang)
    assert not in_parts("440000/440300/", zhejiang)
    assert in_parts("440000/440300/", ([""], []))  # the country


def test_pilots_grow_with_the_registry_within_bounds() -> None:
    assert pilot_count(300) == 6
    assert pilot_count(100_000) == 50
    assert pilot_count(1_000_000) == 100


def test_each_viewer_measures_its_jurisdiction_regions_a_batch_and_a_programme() -> None:
    urls = [p.url for p in dashboard_urls("/s/", "province", [1, 2, 3], 7)]
    assert urls == [
        "/s/",
        "/s/?region=330100",
        "/s/?region=330106",
        "/s/?batch=1",
        "/s/?region=330100&batch=3",
        "/s/?programme=7",
    ]
    ministry = dashboard_urls("/s/", "ministry", [1, 2, 3], 7)
    assert ministry[0] == Probe("ministry", "/s/")
    assert Probe("ministry", "/s/?region=330200", region="330200") in ministry
    assert all(p.programme is None for p in dashboard_urls("/s/", "city", [1, 2, 3], 7))


def test_the_summary_takes_p95_over_every_request_and_the_raw_median_for_the_ratio() -> None:
    fast = Measured(Probe("ministry", "/a"), tuple([10.0] * 19), (200.0, 210.0, 220.0))
    slow = Measured(Probe("province", "/b"), (500.0,), (400.0,))
    summary = summarise([fast, slow])
    assert summary.requests == 20 and summary.scopes == 2 and summary.match
    assert summary.p95_ms == pytest.approx(34.5)  # rank 18.05 of 20
    assert summary.raw_median_ms == pytest.approx(215.0)
    assert summary.line().startswith("bench dashboard: p95_ms=34.5 ratio_vs_raw=6.2 ")
    assert summary.line().endswith(" requests=20 scopes=2 match=true")
    wrong = Measured(Probe("city", "/c"), (5.0,), (6.0,), ("paid_yuan: endpoint=1.00 raw=2.00",))
    assert summarise([fast, wrong]).line().endswith("match=false")


@pytest.mark.django_db
def test_the_command_seeds_a_tiny_registry_and_its_figures_equal_the_raw_count() -> None:
    """The command as README gives it, on a few hundred enterprises: rows seeded, every answer equal to
    the raw count, the headline last; a second run reuses the rows."""
    from django.core.management import call_command
    from django.db.models import Sum

    from dengta.programmes.models import Pilot, PoolEnterprise
    from dengta.projects.models import Envelope, Funding
    from dengta.projects.services import ledger
    from dengta.reference.loaders import load_all
    from dengta.registry.models import Enterprise

    load_all()
    quick = ["--repeat", "1", "--warmup", "0", "--raw-repeat", "1"]
    out = io.StringIO()
    call_command("bench_dashboard", "--enterprises", "300", *quick, stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    pattern = r"bench dashboard: p95_ms=[\d.]+ ratio_vs_raw=[\d.]+ .* requests=18 scopes=18 match=true"
    assert re.fullmatch(pattern, last), out.getvalue()
    assert Enterprise.objects.count() == 300
    assert Pilot.objects.count() == 6 and PoolEnterprise.objects.exists()
    # The ledger as the services keep it: every envelope's totals are its funding rows' and its entries'.
    for pilot in Pilot.objects.filter(envelopes__isnull=False).distinct():
        assert ledger.reconcile(pilot).balanced
    for envelope in Envelope.objects.all():
        sums = Funding.objects.filter(envelope=envelope).aggregate(
            c=Sum("committed_yuan"), p=Sum("paid_yuan")
        )
        assert (envelope.committed_yuan, envelope.paid_yuan) == (sums["c"] or 0, sums["p"] or 0)
    again = io.StringIO()
    call_command("bench_dashboard", "--enterprises", "300", *quick, stdout=again)
    assert "enterprises written" not in again.getvalue() and "pilots:" not in again.getvalue()
    assert again.getvalue().strip().splitlines()[-1].endswith("match=true")
