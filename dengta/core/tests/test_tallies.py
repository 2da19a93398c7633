"""Per-region tallies (dengta.core.tallies) on a topic of the test's own: reading inside a jurisdiction,
marking after commit, one queued refresh at a time, and the operators' command."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dengta.core import tallies
from dengta.core.access import ANONYMOUS, Viewer
from dengta.core.models import Job, RegionTally, TallyTopic
from dengta.orgs.viewer import viewer_for_membership
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

TOPIC = "test.widgets"
SOURCE = "test.widget_rows"


class Widgets:
    """The rows the topic counts: (region code, bucket) → count, changed by the tests."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], int] = {}
        self.computed = 0

    def compute(self) -> Iterator[tuple[str, str, int]]:
        self.computed += 1
        for (region, bucket), n in self.rows.items():
            yield region, bucket, n


@pytest.fixture
def widgets(monkeypatch: pytest.MonkeyPatch, regions: Any) -> Widgets:
    data = Widgets()
    data.rows = {
        ("440106", "a"): 3,  # 广州市天河区
        ("440100", "b"): 2,  # 广州市 itself
        ("440305", "a"): 5,  # 深圳市南山区: 计划单列市, outside 广东's jurisdiction
        ("330106", "a"): 7,  # 杭州市西湖区
        ("659001", "a"): 1,  # 石河子市 (兵团)
    }
    monkeypatch.setitem(tallies._TOPICS, TOPIC, tallies.Topic(TOPIC, data.compute, frozenset({SOURCE})))
    return data


def county_member(cast: Any) -> Any:
    """A member of a county-level authority (天河区): the smallest jurisdiction, shared by the tally tests."""
    org = OrganizationFactory.create(
        name="天河区工业和信息化局",
        type="authority",
        authority_level="district",
        region=cast.regions["440106"],
    )
    return MembershipFactory.create(user=UserFactory.create(username="tianhe"), organization=org)


def county_viewer(cast: Any) -> Any:
    return viewer_for_membership(county_member(cast))


def test_read_sums_the_rows_inside_each_jurisdiction(cast: Any, widgets: Widgets) -> None:
    tallies.refresh(TOPIC)
    expected = {
        "ministry": {"a": 16, "b": 2},
        "guangdong": {"a": 3, "b": 2},  # 深圳 excluded
        "guangzhou": {"a": 3, "b": 2},
        "shenzhen": {"a": 5},
        "zhejiang": {"a": 7},
        "xpcc": {"a": 1},
        "xinjiang": {},  # 兵团 is not part of 新疆's jurisdiction
        "provider": {},  # no jurisdiction: regional counts are not its to see
        "enterprise": {},
    }
    for who, counts in expected.items():
        assert dict(tallies.read(TOPIC, cast.viewer(who)).counts) == counts, who
    assert dict(tallies.read(TOPIC, county_viewer(cast)).counts) == {"a": 3}
    assert dict(tallies.read(TOPIC, ANONYMOUS).counts) == {}


def test_refresh_stores_subtree_counts_and_records_when(cast: Any, widgets: Widgets) -> None:
    before = timezone.now()
    assert tallies.refresh(TOPIC)
    widgets.rows = {("440106", "a"): 4, ("440100", "b"): 2}
    assert tallies.refresh(TOPIC)
    rows = RegionTally.objects.order_by("region_path", "bucket")
    assert list(rows.values_list("region_code", "region_path", "bucket", "count")) == [
        ("", "", "a", 4),  # the nation
        ("", "", "b", 2),
        ("440000", "440000/", "a", 4),
        ("440000", "440000/", "b", 2),
        ("440100", "440000/440100/", "a", 4),
        ("440100", "440000/440100/", "b", 2),  # 广州 itself counts in its own subtree
        ("440106", "440000/440100/440106/", "a", 4),
    ]
    figures = tallies.read(TOPIC, cast.viewer("ministry"))
    assert figures.refreshed_at is not None and figures.refreshed_at >= before
    assert figures.refreshed_today and not figures.stale


def test_a_refresh_rewrites_only_the_rows_that_differ(widgets: Widgets) -> None:
    tallies.refresh(TOPIC)
    kept = dict(RegionTally.objects.values_list("region_path", "pk").filter(bucket="a"))
    widgets.rows[("330106", "a")] = 8  # 浙江: one more
    del widgets.rows[("440100", "b")]  # 广州's own row gone
    tallies.refresh(TOPIC)
    # Updated in place (same rows), the emptied bucket deleted, nothing else touched.
    assert dict(RegionTally.objects.values_list("region_path", "pk").filter(bucket="a")) == kept
    assert dict(RegionTally.objects.filter(bucket="a").values_list("region_path", "count"))["330000/"] == 8
    assert not RegionTally.objects.filter(bucket="b").exists()


def test_a_topic_never_computed_is_computed_on_first_read_once(cast: Any, widgets: Widgets) -> None:
    assert not TallyTopic.objects.exists()
    assert tallies.read(TOPIC, cast.viewer("ministry")).get("a") == 16
    assert tallies.read(TOPIC, cast.viewer("guangzhou")).get("a") == 3
    assert widgets.computed == 1


def test_an_older_refresh_does_not_overwrite_a_newer_one(widgets: Widgets) -> None:
    tallies.refresh(TOPIC)
    later = timezone.now() + timedelta(minutes=1)
    TallyTopic.objects.filter(pk=TOPIC).update(refreshed_at=later)  # as if a refresh started after ours
    stored = list(RegionTally.objects.values_list("region_path", "bucket", "count"))
    widgets.rows = {}
    assert not tallies.refresh(TOPIC)
    assert list(RegionTally.objects.values_list("region_path", "bucket", "count")) == stored


def test_a_change_marks_after_commit_and_the_refresh_brings_the_figures_up_to_date(
    cast: Any, widgets: Widgets, django_capture_on_commit_callbacks: Any
) -> None:
    tallies.refresh(TOPIC)
    ministry = cast.viewer("ministry")
    widgets.rows[("440106", "a")] = 30
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tallies.changed(SOURCE)
    assert len(callbacks) == 1
    # Before the commit nothing is marked: the figures are the old ones and not said to be stale.
    assert tallies.read(TOPIC, ministry).get("a") == 16 and not tallies.read(TOPIC, ministry).stale
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    figures = tallies.read(TOPIC, ministry)
    assert figures.get("a") == 43 and not figures.stale
    job = Job.objects.get(kind=tallies.REFRESH_JOB_KIND)
    assert job.status == Job.Status.SUCCEEDED and job.params == {"topic": TOPIC}
    assert TallyTopic.objects.get(pk=TOPIC).queued_at is None


def test_a_change_of_another_source_marks_nothing(widgets: Widgets, django_capture_on_commit_callbacks: Any):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tallies.changed("test.something_else")
    assert callbacks == [] and not Job.objects.exists()


def test_one_transaction_reports_once_and_a_rollback_not_at_all(
    widgets: Widgets, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        for _row in range(3):
            tallies.changed(SOURCE)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=False) as rolled_back:
        try:
            with transaction.atomic():
                tallies.changed(SOURCE)
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
    assert rolled_back == []


def test_no_second_job_while_one_is_queued(widgets: Widgets, django_capture_on_commit_callbacks: Any):
    tallies.refresh(TOPIC)
    with django_capture_on_commit_callbacks(execute=False) as dispatches:
        tallies.mark({TOPIC})
        tallies.mark({TOPIC})  # the first job has not started: no second one
    assert Job.objects.filter(kind=tallies.REFRESH_JOB_KIND, status=Job.Status.QUEUED).count() == 1
    assert len(dispatches) == 1
    state = TallyTopic.objects.get(pk=TOPIC)
    assert state.is_stale and state.queued_at is not None
    # A job queued for longer than QUEUE_PATIENCE is taken as lost: the next change enqueues another.
    TallyTopic.objects.filter(pk=TOPIC).update(queued_at=timezone.now() - tallies.QUEUE_PATIENCE * 2)
    with django_capture_on_commit_callbacks(execute=False):
        tallies.mark({TOPIC})
    assert Job.objects.filter(kind=tallies.REFRESH_JOB_KIND, status=Job.Status.QUEUED).count() == 2


def test_a_change_while_a_refresh_waits_writes_nothing_and_a_topic_s_settle_delays_its_job(
    widgets: Widgets, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    tallies.refresh(TOPIC)
    monkeypatch.setitem(
        tallies._TOPICS,
        TOPIC,
        tallies.Topic(TOPIC, widgets.compute, frozenset({SOURCE}), settle=timedelta(seconds=7)),
    )
    delays: list[float] = []
    monkeypatch.setattr(tallies, "job_enqueue", lambda job, delay=0: delays.append(delay))
    tallies.mark({TOPIC})
    first = TallyTopic.objects.get(pk=TOPIC)
    assert first.is_stale and delays == [7.0]
    with django_capture_on_commit_callbacks(execute=False):
        tallies.mark({TOPIC})
    # The queued refresh will count the second change: the row is as the first change left it.
    assert TallyTopic.objects.get(pk=TOPIC).changed_at == first.changed_at
    assert delays == [7.0]


def test_the_job_table_keeps_only_the_latest_finished_refresh(
    widgets: Widgets, django_capture_on_commit_callbacks: Any
) -> None:
    for _change in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            tallies.mark({TOPIC})
    assert Job.objects.filter(kind=tallies.REFRESH_JOB_KIND).count() == 1
    assert widgets.computed == 3


def test_refresh_tallies_command(widgets: Widgets) -> None:
    out = StringIO()
    call_command("refresh_tallies", TOPIC, stdout=out)
    assert f"{TOPIC}: refreshed" in out.getvalue()
    assert RegionTally.objects.get(topic_id=TOPIC, region_code="", bucket="a").count == 16
    with pytest.raises(CommandError, match="unknown topics: nope"):
        call_command("refresh_tallies", "nope", stdout=StringIO())


def test_the_command_refreshes_every_topic_by_default(widgets: Widgets) -> None:
    out = StringIO()
    call_command("refresh_tallies", stdout=out)
    for name in tallies.topic_names():
        assert f"{name}: refreshed" in out.getvalue()
    assert TallyTopic.objects.filter(refreshed_at__isnull=False).count() == len(tallies.topic_names())


# -------------------------------------------------------------------------------- the pure calculations

TREE = (
    "11/",
    "11/1101/",
    "11/1101/110101/",
    "11/1101/110102/",
    "11/1102/",  # a 计划单列市-like city, sometimes left out
    "11/1102/110201/",
    "12/",
    "12/1201/",
    "12/1201/120101/",
)
paths_drawn = st.sampled_from(TREE)


@given(
    counts=st.dictionaries(st.tuples(paths_drawn, st.sampled_from("ab")), st.integers(0, 50), max_size=12),
    included=st.lists(paths_drawn, min_size=1, max_size=3),
    excluded=st.lists(paths_drawn, max_size=3),
)
def test_subtree_counts_answer_any_jurisdiction_as_a_direct_count(
    counts: dict[tuple[str, str], int], included: list[str], excluded: list[str]
) -> None:
    codes = {path.rstrip("/").rsplit("/", 1)[-1]: path for path in TREE}
    by_code = [(path.rstrip("/").rsplit("/", 1)[-1], bucket, n) for (path, bucket), n in counts.items()]
    totals = tallies.subtree_counts(by_code, codes)
    viewer = Viewer(
        user=SimpleNamespace(is_authenticated=True),
        organization_id=1,
        include_paths=tuple(included),
        exclude_paths=tuple(excluded),
    )
    parts = tallies.jurisdiction_parts(viewer)
    assert parts is not None
    added, subtracted = parts
    for bucket in "ab":
        direct = sum(n for (path, b), n in counts.items() if b == bucket and viewer.covers_path(path))
        tallied = sum(totals.get((p, bucket), 0) for p in added) - sum(
            totals.get((p, bucket), 0) for p in subtracted
        )
        assert tallied == direct


def test_a_branch_runs_from_the_nation_down_to_the_region() -> None:
    assert tallies.branch("440000/440100/440106/") == [
        "",
        "440000/",
        "440000/440100/",
        "440000/440100/440106/",
    ]
    assert tallies.branch("") == [""]  # a region missing from the tree counts nationally only
    assert tallies.subtree_counts([("999999", "a", 2)], {}) == {("", "a"): 2}


def test_a_region_is_read_whole_by_national_staff_and_inside_a_jurisdiction_only_by_others() -> None:
    user = SimpleNamespace(is_authenticated=True)
    national = Viewer(user=user, organization_id=1, include_paths=None)
    province = Viewer(
        user=user, organization_id=2, include_paths=("440000/",), exclude_paths=("440000/440300/",)
    )
    city = Viewer(user=user, organization_id=3, include_paths=("440000/440100/",))
    assert tallies.region_parts(national, "") == ([""], [])
    assert tallies.region_parts(national, "330000/") == (["330000/"], [])
    # The province less the 计划单列市 it does not supervise; the city's own subtree whole.
    assert tallies.region_parts(province, "440000/") == (["440000/"], ["440000/440300/"])
    assert tallies.region_parts(province, "440000/440100/") == (["440000/440100/"], [])
    assert tallies.region_parts(city, "440000/440100/440106/") == (["440000/440100/440106/"], [])
    # Above, beside or excluded: not theirs.
    for viewer, path in (
        (province, ""),
        (province, "440000/440300/"),
        (province, "440000/440300/440305/"),
        (province, "330000/"),
        (city, "440000/"),
        (city, "440000/440300/"),
        (ANONYMOUS, ""),
    ):
        assert tallies.region_parts(viewer, path) is None, (viewer.organization_id, path)
