"""Performance evaluation: the formulas and ranking on hand-made measures (pure), the indicator files, the
measures on the cast's pilot, and the page and PDF inside the jurisdiction."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from dengta.analytics import evaluation
from dengta.analytics.evaluation import Indicator, IndicatorSet, IndicatorSetError, Result, ranked, score
from dengta.analytics.measures import pilot_measures, provider_measures
from dengta.projects.tests.conftest import Cast

D = Decimal
SET = IndicatorSet(
    code="t",
    version="1",
    subject="pilot",
    title_zh="测试",
    title_en="Test",
    source="hand-made",
    indicators=(
        Indicator("share", "达标", "", D(50), "ratio", D(1), numerator="a", denominator="b"),
        Indicator("stars", "满意", "", D(30), "value", D(5), value="stars"),
        Indicator("spread", "集中", "", D(20), "complement", D("0.7"), value="top"),
    ),
)


@pytest.mark.parametrize(
    ("measures", "scores", "total"),
    [
        ({"a": D(9), "b": D(10), "stars": D(4), "top": D("0.3")}, ["90", "80", "100"], D("89.00")),
        ({"a": D(12), "b": D(10), "stars": D(6), "top": D(0)}, ["100", "100", "100"], D("100.00")),  # capped
        ({"a": D(1), "b": D(0), "stars": None, "top": D(1)}, ["0", "0", "0"], D("0.00")),  # not computable
        ({"a": D(5), "b": D(10), "stars": D("2.5"), "top": D("0.65")}, ["50", "50", "50"], D("50.00")),
    ],
)
def test_formulas_and_the_weighted_total(measures: dict[str, D | None], scores: list[str], total: D) -> None:
    result = score(SET, 1, measures)
    assert [s.score.normalize() for s in result.scores] == [D(x).normalize() for x in scores]
    assert result.total == total


def test_a_measure_that_cannot_be_computed_says_so() -> None:
    result = score(SET, 1, {"a": D(1), "b": D(0), "stars": None, "top": None})
    assert [s.value for s in result.scores] == [None, None, None]


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    rows = ranked([Result(3, (), D(80)), Result(1, (), D(90)), Result(2, (), D(80)), Result(4, (), D(70))])
    assert [(r.subject_id, r.rank) for r in rows] == [(1, 1), (2, 2), (3, 2), (4, 4)]


def test_the_shipped_indicator_sets_load_and_bad_ones_are_refused(tmp_path: Path) -> None:
    for code in ("city", "provider"):
        loaded = evaluation.load(code)
        assert loaded.indicators and loaded.version and loaded.source
        assert sum(i.weight for i in loaded.indicators) == 100
    (tmp_path / "bad.json").write_text(
        '{"code": "bad", "version": "1", "subject": "pilot", "title_zh": "x", "source": "x", "indicators": '
        '[{"code": "x", "name_zh": "x", "weight": 10, "formula": "magic", "full_at": "1"}]}',
        encoding="utf-8",
    )
    with pytest.raises(IndicatorSetError, match="unknown formula"):
        evaluation.load("bad", tmp_path)


@pytest.mark.django_db
def test_measures_of_the_cast_pilot_and_its_provider(retrofit: Cast) -> None:
    project = retrofit.claimed()
    batch = retrofit.pilot.batch
    measures = pilot_measures(batch)[retrofit.pilot.pk]
    assert measures["accepted_projects"] == 1 and measures["published_cases"] == 0
    assert measures["top_provider_share"] == 1  # one provider has every project
    assert measures["paid"] == 0 and measures["allocated"] and measures["allocated"] > 0
    assert measures["mean_uplift"] == 1  # T0 一级 (the pool's self-assessment), T1 二级 on site
    provider = provider_measures(batch)[project.provider_id]
    assert (provider["accepted_projects"], provider["decided_projects"]) == (1, 1)


@pytest.mark.django_db
def test_the_page_ranks_inside_the_jurisdiction_and_prints_a_pdf(retrofit: Cast) -> None:
    retrofit.claimed()
    ministry = Client()
    ministry.force_login(retrofit.user("ministry"))
    page = ministry.get(reverse("analytics:evaluation"), {"batch": retrofit.pilot.batch_id})
    assert page.status_code == 200
    assert [p.pk for p, _r in page.context["city_rows"]] == [retrofit.pilot.pk]
    assert page.context["provider_rows"][0][1].rank == 1
    zhejiang = Client()
    zhejiang.force_login(retrofit.user("zhejiang"))
    assert (
        zhejiang.get(reverse("analytics:evaluation"), {"batch": retrofit.pilot.batch_id}).context["city_rows"]
        == []
    )
    pdf = ministry.get(reverse("analytics:evaluation_pdf", args=[retrofit.pilot.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert zhejiang.get(reverse("analytics:evaluation_pdf", args=[retrofit.pilot.pk])).status_code == 404
    assert ministry.get(reverse("analytics:evaluation"), {"batch": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_rankings_export_to_excel_with_the_rows_the_viewer_sees(retrofit: Cast) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    retrofit.claimed()
    ministry = Client()
    ministry.force_login(retrofit.user("ministry"))
    query: dict[str, str] = {"batch": str(retrofit.pilot.batch_id), "export": "xlsx"}
    response = ministry.get(reverse("analytics:evaluation"), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["试点", "服务商"]
    cities = list(book["试点"].iter_rows(values_only=True))
    assert cities[0][0] == "排名" and cities[0][-1] == "总分"
    assert [row[1] for row in cities[1:]] == [retrofit.pilot.authority.name]
    zhejiang = Client()
    zhejiang.force_login(retrofit.user("zhejiang"))
    theirs = zhejiang.get(reverse("analytics:evaluation"), query)
    assert list(load_workbook(BytesIO(theirs.content))["试点"].iter_rows(values_only=True))[1:] == []
