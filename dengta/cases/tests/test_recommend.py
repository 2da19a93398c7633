"""Enterprises like you (dengta.cases.recommend): a published case is offered to an enterprise like the one
it tells of, with why and what that enterprise did and paid; an unpublished case never; an anonymised one
with its bands and its province only; nothing for an enterprise without a result or for its own case."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from dengta.assessment.models import Assessment, Kind, Phase, State
from dengta.assessment.selectors import PANEL_FRAMEWORK
from dengta.cases import services
from dengta.cases.models import Case
from dengta.cases.recommend import (
    case_profiles,
    enterprise_profiles,
    profile_of_case,
    profile_of_enterprise,
    similar_cases,
)
from dengta.cases.similarity import Profile, miit_2024
from dengta.cases.tests.conftest import Cast
from dengta.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def publish(retrofit: Cast, case: Case, *, anonymised: bool = False) -> Case:
    """Through the services, as test_services.py does: narrative, consent (or anonymised), review."""
    case = services.case_update(
        actor=retrofit.user("provider"),
        case=case,
        problem="质量追溯靠纸质记录，客户投诉难以定位批次",
        solution="上线质量追溯SaaS，关键工序数据自动采集",
        results="不良品率下降，投诉处理时间缩短",
        anonymised=anonymised,
    )
    if not anonymised:
        services.case_consent(actor=retrofit.user("enterprise"), case=case, given=True)
    submitted = services.case_submit(actor=retrofit.user("provider"), case=case)
    return services.case_publish(actor=retrofit.user("guangzhou"), case=submitted)


def assess(retrofit: Cast, enterprise: Enterprise, *, base: str = "24.10", level: int = 1) -> Assessment:
    """A scored self-assessment like the case's enterprise's before its retrofit (every scenario at 1)."""
    t0 = retrofit.enterprise.assessments.get(phase=Phase.T0)
    return Assessment.objects.create(
        enterprise=enterprise,
        framework=t0.framework,
        kind=Kind.SELF,
        phase=Phase.T0,
        state=State.SCORED,
        author_organization=enterprise.organization,
        created_by=retrofit.user("ministry"),
        result={"scenario_levels": dict.fromkeys(t0.result["scenario_levels"], 1)},
        total=Decimal("47"),
        points_base=Decimal(base),
        points_mgmt=Decimal("14.6249"),
        points_results=Decimal("8.5"),
        level=level,
        assessed_on=timezone.localdate(),
        scored_at=timezone.now(),
    )


@pytest.fixture
def neighbour(retrofit: Cast) -> Enterprise:
    """广州天河's other enterprise, in the same industry (C3670 → 汽车零部件), not in any pool."""
    enterprise: Enterprise = retrofit.world.registered.tianhe
    assess(retrofit, enterprise)
    return enterprise


def test_a_published_case_is_offered_to_an_enterprise_like_it(
    retrofit: Cast, case: Case, neighbour: Enterprise
) -> None:
    assert similar_cases(neighbour) == []  # a draft is nobody's example yet
    published = publish(retrofit, case)
    [found] = similar_cases(neighbour)
    assert found.case.pk == published.pk and found.same_sub_industry
    assert found.figures.enterprise == retrofit.enterprise.name  # named: its enterprise consented
    assert found.reasons[:2] == ["同属汽车零部件行业", "同在广州市"]
    assert "改造前与您同为一级" in found.reasons
    assert "改造前产品设计、工艺设计、营销管理等16个场景与您水平相同" in found.reasons
    assert "改造前总分与您相差0.30分" in found.reasons  # 24.10 + 14.62 + 8.50 against 23.80 + 14.62 + 8.50
    # What that enterprise did and paid, from the case's figures.
    assert found.products == ["质量追溯SaaS", "产线设备改造"]
    assert found.provider == "广州数智服务有限公司"
    assert (found.contract, found.enterprise_paid, found.enterprise_share_pct) == (
        "138,000.00",
        "114,000.00",
        "82.6",
    )
    # Only the points (0.30 of base) and the size may differ: the distance says how much.
    me, them = profile_of_enterprise(neighbour), profile_of_case(published)
    assert me is not None and them is not None
    assert me.points == (2410, 1462, 850) and them.points == (2380, 1462, 850)
    assert found.distance == pytest.approx(
        0.3 * 30 / 5000 / 3 + 0.15 * abs(me.size_rank - them.size_rank) / 3
    )
    assert found.similarity_pct == round((1 - found.distance) * 100)


def test_an_unpublished_case_is_never_offered(retrofit: Cast, case: Case, neighbour: Enterprise) -> None:
    published = publish(retrofit, case)
    assert [s.case.pk for s in similar_cases(neighbour)] == [published.pk]
    down = services.case_take_down(
        actor=retrofit.user("guangzhou"), case=published, reason="数据有误，待核实"
    )
    assert similar_cases(neighbour) == [] and case_profiles() == []
    services.case_submit(actor=retrofit.user("provider"), case=down)
    assert similar_cases(neighbour) == []  # submitted, not yet published


def test_an_enterprise_without_a_result_gets_no_cases(retrofit: Cast, case: Case) -> None:
    publish(retrofit, case)
    xihu = retrofit.world.registered.xihu
    assert profile_of_enterprise(xihu) is None and similar_cases(xihu) == []
    # A draft is not a result either.
    Assessment.objects.filter(pk=assess(retrofit, xihu).pk).update(state=State.DRAFT)
    assert similar_cases(xihu) == []


def test_an_enterprise_is_not_offered_its_own_case(retrofit: Cast, case: Case) -> None:
    publish(retrofit, case)
    assert profile_of_enterprise(retrofit.enterprise) is not None
    assert similar_cases(retrofit.enterprise) == []
    assert len(case_profiles()) == 1


def test_an_anonymised_case_is_offered_with_its_bands_and_its_province_only(
    retrofit: Cast, case: Case, neighbour: Enterprise
) -> None:
    published = publish(retrofit, case, anonymised=True)
    [found] = similar_cases(neighbour)
    assert found.figures.anonymised and found.figures.enterprise == "广东省某汽车零部件企业"
    assert retrofit.enterprise.name not in " ".join(found.reasons)
    # Its city is not public, so it is never "in your city": the same province at most.
    assert found.reasons[:2] == ["同属汽车零部件行业", "同在广东省"]
    assert (found.contract, found.enterprise_paid) == ("100,000–200,000 元", "100,000–200,000 元")
    assert found.figures.products[0]["amount_yuan"] == "20000–50000"
    # The profiles read from the figures' columns equal those read from the public figures.
    [(pk, profile)] = case_profiles()
    assert pk == published.pk and profile == profile_of_case(published)
    assert (profile.province, profile.prefecture) == ("440000", "")


def test_profiles_read_the_newest_final_result_and_the_pool_s_sub_industry(
    retrofit: Cast, case: Case, neighbour: Enterprise
) -> None:
    publish(retrofit, case)
    own = profile_of_enterprise(retrofit.enterprise)
    assert own is not None
    # The cast's enterprise: in the pilot's pool under 汽车零部件; its newest result is the T1 (level 2).
    assert own.sub_industry == "auto-parts" and own.level == 2
    assert own.scenario_levels[miit_2024().scenario_codes.index("product_design")] == 2
    assert (own.province, own.prefecture) == ("440000", "440100")
    near = profile_of_enterprise(neighbour)
    assert near is not None and near.sub_industry == "auto-parts"  # from its industry, C3670
    newer = assess(retrofit, neighbour, base="30.00", level=2)
    Assessment.objects.filter(pk=newer.pk).update(assessed_on=timezone.localdate() + timedelta(days=1))
    again = profile_of_enterprise(neighbour)
    assert again is not None and again.points[0] == 3000 and again.level == 2
    # The bulk reader (bench/similar_bench.py) reads the same profiles.
    bulk: dict[int, Profile] = dict(enterprise_profiles(10))
    assert bulk == {retrofit.enterprise.pk: own, neighbour.pk: again}
    assert len(list(enterprise_profiles(1))) == 1


def test_a_framework_not_miit_2024_gives_no_profile(retrofit: Cast, neighbour: Enterprise) -> None:
    other: Any = retrofit.world.frameworks["miit-2022"]
    Assessment.objects.filter(enterprise=neighbour).update(framework=other)
    assert other.code != PANEL_FRAMEWORK and profile_of_enterprise(neighbour) is None
