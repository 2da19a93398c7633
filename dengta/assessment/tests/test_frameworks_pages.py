"""Framework pages and the level-rule correction that makes a new version."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dengta.assessment.models import Framework
from dengta.assessment.tests.conftest import self_assessment
from dengta.core.models import Event

pytestmark = pytest.mark.django_db

URL_ARGS = ["miit-2024-manufacturing", "2024.1"]


def _post(
    levels: dict[int, tuple[str, int, int, int]], note: str = "工信厅企业〔2024〕56号附件第7页"
) -> dict[str, Any]:
    data: dict[str, Any] = {"note": note, "provisional": ""}
    for n, (points, lv, scen, cons) in levels.items():
        data.update(
            {
                f"l{n}_min_points": points,
                f"l{n}_scenario_level": lv,
                f"l{n}_min_scenarios": scen,
                f"l{n}_min_constrained": cons,
            }
        )
    return data


RULE = {4: ("80", 4, 10, 6), 3: ("60", 3, 8, 5), 2: ("40", 2, 6, 3), 1: ("20", 1, 4, 2)}


def test_detail_shows_the_rule_and_items(world: Any) -> None:
    page = (
        world.client("enterprise").get(reverse("assessment:framework_detail", args=URL_ARGS)).content.decode()
    )
    assert "等级判定规则" in page and "待核实" in page and "网络建设" in page and "产品设计" in page
    assert "更正等级判定规则" not in page  # only ministry programme staff


def test_ministry_revises_rule_into_a_new_version(world: Any) -> None:
    old = self_assessment(world)
    client = world.client("ministry")
    url = reverse("assessment:framework_rule", args=URL_ARGS)
    assert client.get(url).status_code == 200
    response = client.post(url, _post(RULE))
    assert response.status_code == 302
    revised = Framework.objects.get(code="miit-2024-manufacturing", is_current=True)
    assert revised.version == "2024.1-r2" and not revised.provisional
    level1 = next(r for r in revised.content["rules"]["level_rule"]["levels"] if r["level"] == 1)
    assert (level1["min_scenarios"], level1["min_constrained"]) == (4, 2)
    old.refresh_from_db()
    assert old.framework.version == "2024.1"  # the scored assessment keeps its version
    assert Event.objects.filter(verb="framework.level_rule_revised").count() == 1
    new = self_assessment(world)
    assert new.framework_id == revised.pk


def test_rule_form_refuses_inconsistent_thresholds_and_keeps_input(world: Any) -> None:
    client = world.client("ministry")
    url = reverse("assessment:framework_rule", args=URL_ARGS)
    bad = dict(RULE)
    bad[2] = ("85", 2, 6, 7)  # more points than 三级, more constrained than scenarios
    response = client.post(url, _post(bad, note=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "约束性场景数不能多于场景总数" in html and "高一级的最低得分不能低于低一级" in html
    assert (
        "请填写" in html or "This field is required" in html or "必填" in html or "这个字段是必填项" in html
    )
    assert 'value="85"' in html
    assert Framework.objects.filter(code="miit-2024-manufacturing").count() == 1


@pytest.mark.parametrize("who", ["guangzhou", "enterprise", "expert", "oversight"])
def test_only_ministry_programme_staff_may_revise(world: Any, who: str) -> None:
    url = reverse("assessment:framework_rule", args=URL_ARGS)
    # Members whose role lacks the capability: 403 with the reason (ARCHITECTURE.md convention 15).
    refused = world.client(who).get(url)
    assert refused.status_code == 403
    assert "只有部委项目管理人员可以更正等级判定规则" in refused.content.decode()
    assert world.client(who).post(url, _post(RULE)).status_code == 403
