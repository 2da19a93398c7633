"""The dashboards' headline figures (dengta.analytics.summary) and ``GET /api/v1/dashboards/summary/``:
each figure equals a direct count of the raw rows, follows the services' writes, is attributed to one
region so that siblings add up to their parent, and is refused outside the caller's jurisdiction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from rest_framework.test import APIClient

from dengta.analytics import summary
from dengta.analytics.summary import summary_for
from dengta.api.tests.test_projects_api import api
from dengta.assessment.models import Assessment
from dengta.core import tallies
from dengta.core.models import TallyTopic
from dengta.programmes.models import Batch, PoolEnterprise
from dengta.projects.models import Envelope, Funding
from dengta.projects.services import steps
from dengta.projects.tests.conftest import Cast
from dengta.reference.models import Region
from dengta.registry.models import Enterprise

pytestmark = pytest.mark.django_db
FIGURES = (
    "enterprises",
    "pilot_enterprises",
    "pilot_gs",
    "pilot_gs_at_level2_plus",
    "allocated_yuan",
    "committed_yuan",
    "paid_yuan",
)
ZERO = Decimal("0.00")


def of(path: str, suffix: str = "") -> dict[str, Any]:
    found = summary_for(([path], []), suffix=suffix)
    return {name: getattr(found, name) for name in FIGURES}


def path_of(code: str) -> str:
    return Region.objects.get(code=code).path


def direct(code: str = "") -> dict[str, Any]:
    """The figures counted from the raw rows, for the subtree of one region (the country for "")."""
    prefix = path_of(code) if code else ""
    enterprises = Enterprise.objects.filter(region__path__startswith=prefix)
    pooled = PoolEnterprise.objects.filter(application__pilot__isnull=False, enterprise__in=enterprises)
    ids = set(pooled.values_list("enterprise_id", flat=True))
    gs = set(
        Enterprise.objects.filter(pk__in=ids, is_above_designated_size=True).values_list("pk", flat=True)
    )
    at_target = {
        e
        for e in gs
        if (
            newest := Assessment.objects.final()
            .filter(enterprise_id=e, framework__code="miit-2024-manufacturing")
            .order_by("-assessed_on", "-scored_at", "-pk")
            .first()
        )
        is not None
        and (newest.level or 0) >= 2
    }
    money = Funding.objects.filter(project__enterprise__in=enterprises).aggregate(
        c=Sum("committed_yuan"), p=Sum("paid_yuan")
    )
    return {
        "enterprises": enterprises.count(),
        "pilot_enterprises": len(ids),
        "pilot_gs": len(gs),
        "pilot_gs_at_level2_plus": len(at_target),
        "committed_yuan": (money["c"] or ZERO).quantize(ZERO),
        "paid_yuan": (money["p"] or ZERO).quantize(ZERO),
    }


def without_allocation(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in figures.items() if k != "allocated_yuan"}


def test_the_figures_equal_a_direct_count_through_a_project_s_life(
    retrofit: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    own = retrofit.enterprise
    Enterprise.objects.filter(pk=own.pk).update(is_above_designated_size=True)
    tallies.refresh_all()
    start = of("")
    assert without_allocation(start) == direct()
    assert start["pilot_enterprises"] == 1 and start["pilot_gs"] == 1
    # The pilot's allocation before its envelopes are opened: the award and the local matching funds.
    assert start["allocated_yuan"] == retrofit.pilot.allocation.total_yuan

    # The services report their changes; the refresh jobs run after each commit.
    with django_capture_on_commit_callbacks(execute=True):
        project = retrofit.claimed()
    assert of("")["committed_yuan"] == project.subsidy_yuan > 0
    opened = Envelope.objects.filter(pilot=retrofit.pilot).aggregate(t=Sum("allocated_yuan"))["t"]
    assert of("")["allocated_yuan"] == opened
    assert of("")["paid_yuan"] == ZERO
    with django_capture_on_commit_callbacks(execute=True):
        steps.project_pay(actor=retrofit.user("guangzhou"), project=project, idempotency_key="pay-1")
    assert of("")["paid_yuan"] == project.subsidy_yuan
    tallies.refresh_all()
    after = of("")
    assert after["paid_yuan"] == project.subsidy_yuan
    assert after["pilot_gs_at_level2_plus"] == 1  # the T1 on-site result at 二级
    for code in ("", "440000", "440100", "440106"):
        assert without_allocation(of(path_of(code) if code else "")) == direct(code)
    assert without_allocation(of(path_of("330000"))) == direct("330000")
    assert of(path_of("330000"))["committed_yuan"] == ZERO


def test_sibling_regions_add_up_to_their_parent(retrofit: Cast) -> None:
    retrofit.approved()
    tallies.refresh_all()
    parents = [""] + [r.path for r in Region.objects.filter(children__isnull=False).distinct()]
    checked = 0
    for parent in parents:
        children = [r.path for r in Region.objects.filter(parent__path=parent) if parent] or (
            [r.path for r in Region.objects.filter(parent__isnull=True)] if not parent else []
        )
        if not children:
            continue
        totals = dict.fromkeys(FIGURES, 0)
        for child in children:
            for name, value in of(child).items():
                totals[name] += value
        assert totals == of(parent), parent
        checked += 1
    assert checked >= 5
    assert of("")["enterprises"] == Enterprise.objects.count() > 1


def test_the_allocation_falls_to_the_regions_of_the_pilot_enterprises(retrofit: Cast) -> None:
    tallies.refresh_all()
    total = retrofit.pilot.allocation.total_yuan
    # The pilot's one pool enterprise is in 天河区: its whole allocation is counted there and above.
    assert {
        code: of(path_of(code))["allocated_yuan"] for code in ("440106", "440100", "440000")
    } == dict.fromkeys(("440106", "440100", "440000"), total)
    assert of(path_of("440305"))["allocated_yuan"] == ZERO


def test_a_batch_filter_counts_only_that_batch(retrofit: Cast) -> None:
    retrofit.approved()
    tallies.refresh_all()
    batch = retrofit.pilot.batch
    assert of("", f":b{batch.pk}") == of("")
    assert of("", f":p{batch.programme_id}") == of("")
    other = Batch.objects.exclude(pk=batch.pk).first()
    assert other is not None
    assert without_allocation(of("", f":b{other.pk}")) | {"enterprises": 0} == dict.fromkeys(
        FIGURES[:4], 0
    ) | {"committed_yuan": ZERO, "paid_yuan": ZERO, "enterprises": 0}


def test_an_approval_marks_the_money_changed_and_the_refresh_follows(
    retrofit: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    tallies.refresh_all()
    before = TallyTopic.objects.get(pk=summary.FUNDS_TOPIC).refreshed_at
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project = retrofit.approved()
    assert of("")["committed_yuan"] == ZERO  # not before the commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    state = TallyTopic.objects.get(pk=summary.FUNDS_TOPIC)
    assert state.refreshed_at is not None and before is not None and state.refreshed_at > before
    assert of("")["committed_yuan"] == project.subsidy_yuan


# ------------------------------------------------------------------------------------------------------ API


URL = "/api/v1/dashboards/summary/"


def test_national_staff_read_the_country_and_any_region(retrofit: Cast) -> None:
    project = retrofit.approved()
    tallies.refresh_all()
    client = api(retrofit, "ministry")
    national = client.get(URL)
    assert national.status_code == 200, national.content
    body = national.json()
    assert body["region"] is None
    assert body["committed_yuan"] == f"{project.subsidy_yuan:.2f}"
    assert body["enterprises"] == Enterprise.objects.count()
    assert body["pilot_enterprises"] == 1
    city = client.get(URL, {"region": "440100"}).json()
    assert city["region"] == {"code": "440100", "name": "广州市"}
    assert city["committed_yuan"] == body["committed_yuan"]
    zhejiang = client.get(URL, {"region": "330000"}).json()
    assert (
        zhejiang["committed_yuan"],
        zhejiang["pilot_enterprises"],
        zhejiang["pilot_gs_share_level2_plus"],
    ) == (
        "0.00",
        0,
        None,
    )
    batch = client.get(URL, {"batch": retrofit.pilot.batch_id}).json()
    assert batch["batch"] == retrofit.pilot.batch_id and batch["committed_yuan"] == body["committed_yuan"]


def test_staff_of_a_jurisdiction_read_inside_it_only(retrofit: Cast) -> None:
    tallies.refresh_all()
    guangzhou = api(retrofit, "guangzhou")
    own = guangzhou.get(URL)
    assert own.status_code == 200
    assert own.json()["region"] == {"code": "440100", "name": "广州市"}
    assert (
        own.json()["enterprises"]
        == Enterprise.objects.filter(region__path__startswith=path_of("440100")).count()
    )
    assert guangzhou.get(URL, {"region": "440106"}).status_code == 200
    for outside in ("440000", "330000", "440305"):  # above, beside, in another city
        assert guangzhou.get(URL, {"region": outside}).status_code == 404, outside
    # 广东's staff see the province without 深圳 (a 计划单列市, outside its jurisdiction).
    guangdong = api(retrofit, "guangdong")
    province = guangdong.get(URL).json()
    assert province["enterprises"] == (
        Enterprise.objects.filter(region__path__startswith=path_of("440000"))
        .exclude(region__path__startswith=path_of("440300"))
        .count()
    )
    assert guangdong.get(URL, {"region": "440000"}).json()["enterprises"] == province["enterprises"]
    assert guangdong.get(URL, {"region": "440300"}).status_code == 404


def test_unknown_ids_are_404_and_malformed_ones_400(retrofit: Cast) -> None:
    client = api(retrofit, "ministry")
    assert client.get(URL, {"region": "999999"}).status_code == 404
    assert client.get(URL, {"batch": 999_999}).status_code == 404
    assert client.get(URL, {"programme": 999_999}).status_code == 404
    for bad in ({"batch": "abc"}, {"batch": str(10**20)}, {"batch": "0"}, {"region": "3" * 13}):
        assert client.get(URL, bad).status_code == 400, bad
    both = client.get(URL, {"batch": retrofit.pilot.batch_id, "programme": retrofit.pilot.batch.programme_id})
    assert both.status_code == 400 and "batch" in both.json()


def test_members_without_a_jurisdiction_are_refused(retrofit: Cast) -> None:
    for who in ("enterprise", "provider", "expert"):
        response = api(retrofit, who).get(URL)
        assert response.status_code == 403, who
        assert response.json()["detail"] == "统计看板只对部委、主管部门和监督机构开放"
    assert APIClient().get(URL).status_code in (401, 403)
