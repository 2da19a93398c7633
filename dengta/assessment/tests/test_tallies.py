"""The assessment app's per-region tally (dengta.assessment.tallies): the staff panel's level distribution
read from it equals the per-request count of the selectors, and final results keep it current."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dengta.assessment import selectors
from dengta.assessment.models import Phase
from dengta.assessment.tallies import LEVELS_TOPIC, level_distribution
from dengta.core import tallies
from dengta.core.models import TallyTopic
from dengta.core.tests.test_tallies import county_viewer
from dengta.registry import services as registry_services

from .test_panels import result

pytestmark = pytest.mark.django_db


def test_levels_equal_the_selectors_count_in_every_jurisdiction(world: Any) -> None:
    reg = world.registered
    result(world, reg.own, 0)  # 天河
    result(world, reg.tianhe, 1)  # 天河: its later result counts, once
    result(world, reg.tianhe, 2, phase=Phase.T1)
    result(world, reg.nanshan, 2)  # 深圳 (计划单列市)
    result(world, reg.xihu, 1)  # 浙江
    tallies.refresh(LEVELS_TOPIC)
    viewers = {
        w: world.viewer(w) for w in ("ministry", "guangdong", "guangzhou", "shenzhen", "zhejiang", "xpcc")
    }
    viewers["county"] = county_viewer(world)
    for who, viewer in viewers.items():
        dist, _figures = level_distribution(viewer)
        assert dist.counts == selectors.level_distribution(viewer).counts, who
    assert level_distribution(viewers["guangdong"])[0].counts == {0: 1, 1: 0, 2: 1, 3: 0, 4: 0}
    assert level_distribution(viewers["county"])[0].counts == {0: 1, 1: 0, 2: 1, 3: 0, 4: 0}
    assert level_distribution(viewers["ministry"])[0].total == 4


def test_a_scored_result_refreshes_the_levels(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    tallies.refresh(LEVELS_TOPIC)
    zhejiang = world.viewer("zhejiang")
    assert level_distribution(zhejiang)[0].total == 0
    with django_capture_on_commit_callbacks(execute=True):
        result(world, world.registered.xihu, 1)
    dist, figures = level_distribution(zhejiang)
    assert dist.counts[1] == 1 and not figures.stale


def test_an_enterprise_moving_region_takes_its_level_along(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    result(world, world.registered.tianhe, 1)
    tallies.refresh(LEVELS_TOPIC)
    assert level_distribution(world.viewer("guangzhou"))[0].counts[1] == 1
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.enterprise_update(
            actor=world.members["ministry"].user,
            enterprise=world.registered.tianhe,
            region=world.regions["440000"],  # up to the province itself: out of 广州
        )
    assert level_distribution(world.viewer("guangzhou"))[0].total == 0
    assert level_distribution(world.viewer("guangdong"))[0].counts[1] == 1


def test_the_panel_says_when_the_levels_were_counted(world: Any) -> None:
    result(world, world.registered.tianhe, 2)
    tallies.refresh(LEVELS_TOPIC)
    response = world.client("guangzhou").get(reverse("core:home"))
    panel = {p.key: ctx for p, ctx in response.context["panels"]}["assessment.levels"]
    assert panel["dist"].counts[2] == 1 and panel["figures"].refreshed_at is not None
    refreshed = TallyTopic.objects.get(pk=LEVELS_TOPIC).refreshed_at
    assert refreshed is not None
    assert f"统计于 {timezone.localtime(refreshed):%H:%M}" in response.content.decode()
