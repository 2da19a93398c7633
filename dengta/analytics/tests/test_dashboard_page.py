"""The dashboard page: the figures of the scope and of its child regions (which add up to it), the map for
the country, drill-down inside the jurisdiction only, filters that name nothing answer 404, and the Excel
export of its table."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dengta.core import tallies
from dengta.projects.tests.conftest import Cast
from dengta.registry.models import Enterprise

pytestmark = pytest.mark.django_db
URL = "/dashboards/"


def client(retrofit: Cast, who: str) -> Client:
    c = Client()
    c.force_login(retrofit.user(who))
    return c


def test_the_national_dashboard_has_the_map_and_every_province(retrofit: Cast) -> None:
    retrofit.approved()
    tallies.refresh_all()
    page = client(retrofit, "ministry").get(URL)
    assert page.status_code == 200
    board = page.context["board"]
    assert board.national and page.context["charts"]["map"] is not None
    assert 'data-chart="chinaMap"' in page.content.decode()
    # The provinces add up to the country.
    for name in ("enterprises", "pilot_enterprises", "pilot_gs", "committed_yuan", "allocated_yuan"):
        assert sum(getattr(row.figures, name) for row in board.rows) == getattr(board.figures, name), name
    assert board.figures.enterprises == Enterprise.objects.count()
    # Each chart series has one value per category, money as decimal strings in 万元.
    money = page.context["charts"]["money"]
    assert money["categories"] == ["广东省"]
    assert [s["values"] for s in money["series"]] == [
        [f"{board.figures.allocated_yuan / 10000:.2f}"],
        [f"{board.figures.committed_yuan / 10000:.2f}"],
        ["0.00"],
    ]
    assert len(page.context["charts"]["share"]["values"]) == 1
    assert reverse("analytics:dashboard") == URL


def test_a_province_sees_its_cities_without_the_city_it_does_not_supervise(retrofit: Cast) -> None:
    tallies.refresh_all()
    guangdong = client(retrofit, "guangdong")
    page = guangdong.get(URL)
    board = page.context["board"]
    assert board.scope.region.code == "440000" and page.context["charts"]["map"] is None
    codes = {row.region.code for row in board.rows}
    assert "440100" in codes and "440300" not in codes  # 深圳, a 计划单列市
    assert "全国</a>" not in page.content.decode()
    drilled = guangdong.get(URL, {"region": "440100"})
    assert drilled.status_code == 200 and drilled.context["board"].scope.region.code == "440100"
    for outside in ("440300", "330000", "999999"):
        assert guangdong.get(URL, {"region": outside}).status_code == 404, outside


def test_filters_that_name_nothing_are_404_and_members_without_dashboards_403(retrofit: Cast) -> None:
    ministry = client(retrofit, "ministry")
    for bad in ({"batch": "abc"}, {"batch": "999999"}, {"programme": "999999"}, {"batch": "9" * 30}):
        assert ministry.get(URL, bad).status_code == 404, bad
    ok = ministry.get(URL, {"batch": retrofit.pilot.batch_id})
    assert ok.status_code == 200 and ok.context["board"].scope.batch.pk == retrofit.pilot.batch_id
    for who in ("enterprise", "provider", "expert"):
        assert client(retrofit, who).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302


def test_the_table_exports_to_excel_with_its_total(retrofit: Cast) -> None:
    project: Any = retrofit.approved()
    tallies.refresh_all()
    response = client(retrofit, "ministry").get(URL, {"region": "440000", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "地区" and rows[-1][0] == "合计"
    guangzhou = next(r for r in rows if r[1] == "440100")
    assert guangzhou[9] == 0 and Decimal(str(guangzhou[8])) == project.subsidy_yuan
    assert Decimal(str(rows[-1][8])) == project.subsidy_yuan


def test_the_level_distribution_before_and_after_counts_each_pilot_enterprise_once(
    retrofit: Cast,
) -> None:
    from dengta.assessment.models import Assessment, Phase

    retrofit.accepted()
    tallies.refresh_all()
    page = client(retrofit, "ministry").get(URL)
    levels = page.context["board"].levels
    own = retrofit.enterprise
    newest = {
        phase: Assessment.objects.final()
        .filter(enterprise=own, phase=phase, framework__code="miit-2024-manufacturing")
        .order_by("-assessed_on", "-scored_at", "-pk")
        .first()
        for phase in (Phase.T0, Phase.T1)
    }
    for phase, key in ((Phase.T0, "t0"), (Phase.T1, "t1")):
        expected = [0] * 5
        found = newest[phase]
        if found is not None:
            expected[found.level or 0] = 1
        assert levels[key] == expected, key
    assert levels["t1"][2] == 1  # the on-site T1 at 二级 that passed the acceptance
    assert 'data-chart="levelBars"' in page.content.decode()
