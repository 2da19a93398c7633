"""The registry's per-region tallies (dengta.registry.tallies): enterprises by size class and 规上, and the
queue of changes, equal a direct count in every kind of jurisdiction, and every write that changes them
brings them up to date."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from dengta.core import tallies
from dengta.core.models import Job, TallyTopic
from dengta.core.tests.test_tallies import county_viewer
from dengta.registry import services
from dengta.registry.models import ChangeState, Enterprise, EnterpriseChange, SizeClass
from dengta.registry.tallies import ABOVE, PENDING_CHANGES, SIZES, enterprise_figures, pending_changes
from dengta.registry.tests.conftest import good_row, register, xlsx_bytes
from dengta.registry.tests.test_views import upload

pytestmark = pytest.mark.django_db

# (region, employees, revenue in 万元): micro and small, medium, large; 规上 from 2,000 万元 of revenue.
SPREAD = (
    ("440106", 5, "100"),  # 天河: micro, 规下
    ("440106", 120, "3500"),  # small, 规上
    ("440106", 500, "50000"),  # medium, 规上
    ("440100", 1500, "90000"),  # 广州 itself: large, 规上
    ("440305", 120, "3500"),  # 深圳南山 (计划单列市)
    ("440305", 5, "100"),
    ("330106", 500, "50000"),  # 杭州西湖
    ("659001", 120, "1500"),  # 石河子 (兵团): small, 规下
)


def spread(cast: Any) -> list[Enterprise]:
    return [
        register(cast, region, n, employees=staff, revenue_10k_yuan=revenue, assets_10k_yuan="90000")
        for n, (region, staff, revenue) in enumerate(SPREAD, start=10)
    ]


def direct(viewer: Any) -> dict[str, int]:
    """What the panel showed before tallies: a count over the visible enterprises."""
    qs = Enterprise.objects.visible_to(viewer)
    counts = dict(qs.order_by().values_list("size_class").annotate(n=Count("pk")))
    return {
        **{value: counts.get(value, 0) for value in SizeClass.values},
        ABOVE: qs.filter(is_above_designated_size=True).count(),
    }


def tallied(viewer: Any) -> dict[str, int]:
    figures = tallies.read(SIZES, viewer)
    return {bucket: figures.get(bucket) for bucket in [*SizeClass.values, ABOVE]}


def test_tallies_equal_a_direct_count_in_every_jurisdiction(sized: Any) -> None:
    spread(sized)
    tallies.refresh(SIZES)
    viewers = {who: sized.viewer(who) for who in ("ministry", "guangdong", "guangzhou", "shenzhen", "xpcc")}
    viewers["county"] = county_viewer(sized)
    for who, viewer in viewers.items():
        assert tallied(viewer) == direct(viewer), who
    # The cases the comparison must cover: a province without its 计划单列市, a city, a county.
    assert tallied(viewers["ministry"])[ABOVE] == 5
    assert tallied(viewers["guangdong"]) == {"large": 1, "medium": 1, "small": 1, "micro": 1, ABOVE: 3}
    assert tallied(viewers["county"]) == {"large": 0, "medium": 1, "small": 1, "micro": 1, ABOVE: 2}


def test_registering_marks_the_tally_and_the_refresh_counts_the_new_enterprise(
    sized: Any, django_capture_on_commit_callbacks: Any
) -> None:
    tallies.refresh(SIZES)
    guangzhou = sized.viewer("guangzhou")
    assert tallied(guangzhou)["small"] == 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register(sized, "440106", 1)
    assert tallied(guangzhou)["small"] == 0  # not yet committed: not counted, not marked
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert tallied(guangzhou) == direct(guangzhou) and tallied(guangzhou)["small"] == 1
    assert not tallies.read(SIZES, guangzhou).stale
    assert Job.objects.get(kind=tallies.REFRESH_JOB_KIND).status == Job.Status.SUCCEEDED


def test_an_update_that_moves_the_enterprise_refreshes_and_one_that_does_not_marks_nothing(
    sized: Any, django_capture_on_commit_callbacks: Any
) -> None:
    enterprise = register(sized, "440106", 1)  # small, 规上
    tallies.refresh(SIZES)
    actor = sized.members["guangzhou"].user
    with django_capture_on_commit_callbacks(execute=True) as renamed:
        services.enterprise_update(actor=actor, enterprise=enterprise, name="天河新名有限公司")
    assert not any(isinstance(c, tallies._Mark) for c in renamed)
    with django_capture_on_commit_callbacks(execute=True):
        services.enterprise_update(
            actor=actor, enterprise=enterprise, employees="5", revenue_10k_yuan="100", figures_checked=True
        )
    assert tallied(sized.viewer("guangzhou")) == {"large": 0, "medium": 0, "small": 0, "micro": 1, ABOVE: 0}
    with django_capture_on_commit_callbacks(execute=True):
        # Moved up to the province itself (a credit code allows its own line of regions): out of 广州.
        services.enterprise_update(actor=actor, enterprise=enterprise, region=sized.regions["440000"])
    assert tallied(sized.viewer("guangzhou"))["micro"] == 0
    assert tallied(sized.viewer("guangdong"))["micro"] == 1


def test_a_confirmed_change_refreshes_the_tally(
    sized: Any, registered: Any, django_capture_on_commit_callbacks: Any
) -> None:
    tallies.refresh(SIZES)
    guangzhou = sized.viewer("guangzhou")
    assert tallied(guangzhou)[ABOVE] == 2  # 天河精工 and the own enterprise
    change = services.enterprise_change_submit(
        actor=sized.members["enterprise"].user,
        enterprise=registered.own,
        employees="15",
        revenue_10k_yuan="1500",
    )
    assert change is not None and not TallyTopic.objects.get(pk=SIZES).is_stale  # pending: nothing changed
    with django_capture_on_commit_callbacks(execute=True):
        services.enterprise_change_confirm(actor=sized.members["guangzhou"].user, change=change)
    assert tallied(guangzhou)[ABOVE] == 1 and tallied(guangzhou) == direct(guangzhou)


def test_the_import_path_updates_the_tally(sized: Any, django_capture_on_commit_callbacks: Any) -> None:
    tallies.refresh(SIZES)
    data = xlsx_bytes([good_row("440106", 1), good_row("440106", 2), good_row("440305", 3)])
    upload(sized, "guangdong", xlsx_bytes([]), django_capture_on_commit_callbacks)  # nothing imported
    assert not Job.objects.filter(kind=tallies.REFRESH_JOB_KIND).exists()
    upload(sized, "ministry", data, django_capture_on_commit_callbacks)
    assert Enterprise.objects.count() == 3
    ministry, guangdong = sized.viewer("ministry"), sized.viewer("guangdong")
    assert tallied(ministry) == direct(ministry) and tallied(ministry)["small"] == 3
    assert tallied(guangdong) == direct(guangdong) and tallied(guangdong)["small"] == 2
    assert Job.objects.get(kind=tallies.REFRESH_JOB_KIND).status == Job.Status.SUCCEEDED


def test_the_panel_shows_the_figures_and_when_they_were_counted(sized: Any) -> None:
    spread(sized)
    tallies.refresh(SIZES)
    response = sized.client("guangdong").get(reverse("core:home"))
    panel = {p.key: ctx for p, ctx in response.context["panels"]}["registry.enterprises"]
    assert panel["summary"]["total"] == 4 and panel["summary"]["above"] == 3
    html = response.content.decode()
    refreshed = timezone.localtime(TallyTopic.objects.get(pk=SIZES).refreshed_at)
    shown = re.search(r'data-testid="tally-time">([^<]*)<', html)
    assert shown is not None and shown.group(1).strip() == f"统计于 {refreshed:%H:%M}"
    # Data changed after the count: the panel says a newer count is on its way.
    TallyTopic.objects.filter(pk=SIZES).update(changed_at=timezone.now())
    html = sized.client("guangdong").get(reverse("core:home")).content.decode()
    assert "有新数据，正在重新统计" in html
    english = sized.client("guangdong")
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = english.get(reverse("core:home")).content.decode()
    assert f"Counted at {refreshed:%H:%M} · new data: counting again" in html


def test_a_count_from_another_day_shows_its_date(sized: Any) -> None:
    tallies.refresh(SIZES)
    earlier = timezone.now() - timedelta(days=2)
    TallyTopic.objects.filter(pk=SIZES).update(refreshed_at=earlier)
    html = sized.client("guangzhou").get(reverse("core:home")).content.decode()
    assert f"统计于 {timezone.localtime(earlier):%Y-%m-%d %H:%M}" in html


def test_the_panel_reads_figures_without_counting_enterprises(sized: Any) -> None:
    spread(sized)
    tallies.refresh(SIZES)
    figures = enterprise_figures(sized.viewer("ministry"))
    Enterprise.objects.filter(size_class="small").update(size_class="micro")  # past the services
    assert enterprise_figures(sized.viewer("ministry"))["rows"] == figures["rows"]


def test_the_queue_of_changes_is_tallied_and_follows_each_decision(
    sized: Any, registered: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def queue(who: str) -> int:
        count, _figures = pending_changes(sized.viewer(who))
        direct = EnterpriseChange.objects.visible_to(sized.viewer(who)).filter(state=ChangeState.PENDING)
        assert count == direct.count(), who
        return count

    enterprise, staff = sized.members["enterprise"].user, sized.members["guangzhou"].user
    tallies.refresh(PENDING_CHANGES)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.enterprise_change_submit(actor=enterprise, enterprise=registered.own, employees="15")
    assert (queue("guangzhou"), queue("guangdong"), queue("ministry"), queue("zhejiang")) == (1, 1, 1, 0)
    with django_capture_on_commit_callbacks(execute=True) as replaced:
        second = services.enterprise_change_submit(
            actor=enterprise, enterprise=registered.own, employees="16"
        )
    assert not any(isinstance(c, tallies._Mark) for c in replaced)  # one replaces the other: still one
    assert first is not None and second is not None and queue("guangzhou") == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.enterprise_change_reject(actor=staff, change=second, reason="请附上社保缴纳人数")
    assert queue("guangzhou") == 0
    with django_capture_on_commit_callbacks(execute=True):
        third = services.enterprise_change_submit(actor=enterprise, enterprise=registered.own, employees="17")
    assert third is not None and queue("guangzhou") == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.enterprise_change_confirm(actor=staff, change=third)
    assert queue("guangzhou") == queue("ministry") == 0


def test_the_import_command_updates_the_tally_too(
    sized: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The command writes past the page's job: the import itself reports the change, so the home panels
    of an operator's bulk load are counted again without a manual refresh."""
    tallies.refresh(SIZES)
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx_bytes([good_row("440106", 1), good_row("330106", 2)]))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_enterprises", str(path), stdout=io.StringIO())
    ministry = sized.viewer("ministry")
    assert Enterprise.objects.count() == 2
    assert tallied(ministry)["small"] == 2 and tallied(ministry) == direct(ministry)
    dry = tmp_path / "再来.xlsx"
    dry.write_bytes(xlsx_bytes([good_row("440106", 3)]))
    refreshed = TallyTopic.objects.get(pk=SIZES).refreshed_at
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_enterprises", str(dry), "--dry-run", stdout=io.StringIO())
    assert TallyTopic.objects.get(pk=SIZES).refreshed_at == refreshed  # a dry run writes nothing
