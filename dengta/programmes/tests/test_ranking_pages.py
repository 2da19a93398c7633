"""The batch's ranked list with names (standings), the batch decision that reports per application, the
approval's guards (eligibility as it stands, the province quota), assigning experts from the application
page, and the expert's queue and review form."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dengta.orgs.models import Organization
from dengta.programmes import ranking, reviews, services, standings
from dengta.programmes.models import Application, ApplicationState, Batch, Pilot, ReviewAssignment
from dengta.programmes.tests.test_services import ready, user  # noqa: F401  (the fixture)
from tests.factories import OrganizationFactory, region

pytestmark = pytest.mark.django_db

CRITERIA = (
    "basic_conditions",
    "sub_industry_selection",
    "plan_feasibility",
    "provider_supply",
    "fund_arrangement",
    "expected_outcomes",
    "chain_and_platform",
)


def authority(world: Any, code: str, name: str, parent: str) -> Organization:
    place = region(code, name.removesuffix("工业和信息化局"), world.regions[parent])
    return OrganizationFactory.create(name=name, type="authority", authority_level="city", region=place)


def scored(world: Any, batch: Batch, applicant: Organization, points: int) -> Application:
    """An application under review with one submitted review scoring every criterion ``points``."""
    application = Application.objects.create(
        batch=batch,
        applicant=applicant,
        state=ApplicationState.UNDER_REVIEW,
        rules_version=batch.rules_version,
        award_requested_yuan=Decimal("100000000"),
        retrofit_share=Decimal("0.8"),
        service_share=Decimal("0.2"),
        target_share=Decimal("0.9"),
        target_level=2,
    )
    ReviewAssignment.objects.create(
        application=application,
        expert=user(world, "expert"),
        deadline=timezone.now() + timedelta(days=3),
        scores=dict.fromkeys(CRITERIA, points),
        submitted_at=timezone.now(),
        rubric_version="city-pilot-2026-12",
    )
    return application


@pytest.fixture
def field(world: Any, open_batch: Batch) -> dict[str, Application]:
    """Four cities of 2025: three in 广东 (quota 2, east), one in 新疆 (quota 1, west)."""
    foshan = authority(world, "440600", "佛山市工业和信息化局", "440000")
    urumqi = authority(world, "650100", "乌鲁木齐市工业和信息化局", "650000")
    return {
        "guangzhou": scored(world, open_batch, world.orgs["guangzhou"], 4),
        "foshan": scored(world, open_batch, foshan, 3),
        "shenzhen": scored(world, open_batch, world.orgs["shenzhen"], 2),
        "urumqi": scored(world, open_batch, urumqi, 1),
    }


def test_the_ranked_list_applies_quota_and_balance_and_says_why_with_names(
    world: Any, open_batch: Batch, field: dict[str, Application]
) -> None:
    standing = standings.batch_standing(
        open_batch, standings.Parameters(places=2, balance={"west": 1}, mode=ranking.SCORE)
    )
    by_name = {row.application.pk: row for row in standing.rows}
    assert [r.application.pk for r in standing.selected] == [field["guangzhou"].pk, field["urumqi"].pk]
    west = by_name[field["urumqi"].pk]
    assert west.reason_code == ranking.SELECTED_FOR_BALANCE and "西部" in west.sentence
    displaced = by_name[field["foshan"].pk]
    assert displaced.reason_code == ranking.DISPLACED_BY_BALANCE
    assert "乌鲁木齐市工业和信息化局" in displaced.sentence  # a name, not an application id
    assert str(field["urumqi"].pk) not in displaced.sentence.replace("乌鲁木齐", "")
    assert by_name[field["shenzhen"].pk].reason_code == ranking.BELOW_CUT
    assert [r.province for r in standing.rows][:1] == ["广东省"]


def test_without_a_place_limit_the_province_quota_decides_and_names_the_holders(
    world: Any, open_batch: Batch, field: dict[str, Application]
) -> None:
    standing = standings.batch_standing(open_batch, standings.Parameters(balance={}))
    row = next(r for r in standing.rows if r.application.pk == field["shenzhen"].pk)
    assert row.reason_code == ranking.PROVINCE_QUOTA_FULL and not row.selected
    assert "广东省" in row.sentence and "广州市工业和信息化局" in row.sentence and "佛山" in row.sentence
    assert "440000" not in row.sentence


def test_an_ineligible_application_is_ranked_last_with_its_eligibility_sentences(
    world: Any, open_batch: Batch, field: dict[str, Application]
) -> None:
    Application.objects.filter(pk=field["guangzhou"].pk).update(
        eligibility=[
            {"code": "award_over_cap", "sentence_zh": "申请金额超过上限", "sentence_en": "Over the cap"}
        ]
    )
    standing = standings.batch_standing(open_batch, standings.Parameters())
    last = standing.rows[-1]
    assert last.application.pk == field["guangzhou"].pk and not last.selected
    assert "申请金额超过上限" in last.sentence and "award_over_cap" not in last.sentence


def test_an_application_without_a_submitted_review_is_listed_apart(
    world: Any, open_batch: Batch, field: dict[str, Application]
) -> None:
    ReviewAssignment.objects.filter(application=field["shenzhen"]).update(submitted_at=None)
    standing = standings.batch_standing(open_batch)
    assert field["shenzhen"].pk not in [r.application.pk for r in standing.rows]
    assert [r.application.pk for r in standing.unscored] == [field["shenzhen"].pk]


def test_the_ranking_page_is_for_programme_staff_and_reads_its_parameters(
    world: Any, open_batch: Batch, field: dict[str, Application]
) -> None:
    url = reverse("programmes:batch_ranking", args=[open_batch.pk])
    assert world.client("guangzhou").get(url).status_code == 403
    assert world.client("expert").get(url).status_code == 403
    page = world.client("ministry").get(url, {"places": "2", "west": "1", "east": "0", "central": "0"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "乌鲁木齐市工业和信息化局" in text and "区域平衡未满足" not in text
    short = world.client("ministry").get(url, {"places": "2", "west": "2"}).content.decode()
    assert "区域平衡未满足：西部地区应至少入选 2 个，实际入选 1 个" in short
    bad = world.client("ministry").get(url, {"places": "-3"})
    assert bad.status_code == 200 and "入选名额：" in bad.content.decode()  # the field's error, said by name


def test_a_batch_decision_reports_each_application(
    world: Any, open_batch: Batch, field: dict[str, Application]
) -> None:
    # A return for all ticked; then a rejection without its reason and a decision with nothing ticked.
    url = reverse("programmes:batch_decide", args=[open_batch.pk])
    ids = [field["guangzhou"].pk, field["foshan"].pk]
    results = services.applications_decide(
        actor=user(world, "ministry"),
        batch=open_batch,
        application_ids=ids,
        decision="return",
        reason="补充材料",
    )
    assert [r.done for r in results] == [True, True]
    assert set(Application.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"returned"}
    page = world.client("ministry").post(
        url, {"decision": "reject", "reason": "", "applications": [field["shenzhen"].pk]}, follow=True
    )
    assert "请写明理由" in page.content.decode()
    assert Application.objects.get(pk=field["shenzhen"].pk).state == ApplicationState.UNDER_REVIEW
    nothing = world.client("ministry").post(url, {"decision": "approve"}, follow=True)
    assert "请至少选择一份申报" in nothing.content.decode()


def test_approval_refuses_a_province_over_its_quota_and_says_who_holds_it(
    world: Any, open_batch: Batch, field: dict[str, Application], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eligibility of these bare applications is not what this test is about.
    monkeypatch.setattr(services.checks, "eligibility_failures", lambda application: [])
    ministry = user(world, "ministry")
    results = services.applications_decide(
        actor=ministry,
        batch=open_batch,
        application_ids=[field["guangzhou"].pk, field["foshan"].pk, field["shenzhen"].pk],
        decision="approve",
    )
    outcome = {r.application.pk: r for r in results}
    assert outcome[field["foshan"].pk].done and outcome[field["guangzhou"].pk].done
    refused = outcome[field["shenzhen"].pk]
    assert not refused.done and "名额" in refused.message and "佛山市工业和信息化局" in refused.message
    assert Pilot.objects.filter(batch=open_batch).count() == 2
    assert Application.objects.get(pk=field["shenzhen"].pk).state == ApplicationState.UNDER_REVIEW


def test_approval_refuses_an_application_that_fails_eligibility_now(world: Any, ready: Application) -> None:  # noqa: F811
    services.application_submit(actor=user(world, "guangzhou"), application=ready, declared=True)
    services.application_start_review(actor=user(world, "ministry"), application=ready)
    Application.objects.filter(pk=ready.pk).update(award_requested_yuan=Decimal("900000000"))
    with pytest.raises(services.ValidationError, match="未通过资格审查"):
        services.application_approve(actor=user(world, "ministry"), application=ready)
    assert not Pilot.objects.filter(application=ready).exists()
    assert Application.objects.get(pk=ready.pk).state == ApplicationState.UNDER_REVIEW


# ------------------------------------------------------------------------------------------ experts


@pytest.fixture
def reviewing(world: Any, ready: Application) -> Application:  # noqa: F811
    services.application_submit(actor=user(world, "guangzhou"), application=ready, declared=True)
    return services.application_start_review(actor=user(world, "ministry"), application=ready)


def test_staff_assign_an_expert_from_the_application_page(world: Any, reviewing: Application) -> None:
    url = reverse("programmes:application_assign", args=[reviewing.pk])
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    expert = user(world, "expert")
    assert world.client("guangzhou").post(url, {"expert": expert.pk, "deadline": day}).status_code == 403
    page = world.client("ministry").post(url, {"expert": expert.pk, "deadline": day}, follow=True)
    assert "已分配" in page.content.decode()
    assignment = ReviewAssignment.objects.get(application=reviewing)
    assert timezone.localtime(assignment.deadline).date().isoformat() == day
    again = world.client("ministry").post(url, {"expert": expert.pk, "deadline": day}, follow=True)
    assert "已被分配" in again.content.decode()
    from dengta.programmes.tests.test_reviews import second_expert

    fresh = second_expert(world)
    past = world.client("ministry").post(url, {"expert": fresh.pk, "deadline": "2020-01-01"}, follow=True)
    assert "晚于现在" in past.content.decode()
    assert not ReviewAssignment.objects.filter(application=reviewing, expert=fresh).exists()
    stranger = world.client("ministry").post(
        url, {"expert": user(world, "zhejiang").pk, "deadline": day}, follow=True
    )
    assert "请选择专家" in stranger.content.decode()  # not in the list of experts
    detail = world.client("ministry").get(reverse("programmes:application_detail", args=[reviewing.pk]))
    assert "专家评审" in detail.content.decode()


def test_the_expert_fills_saves_and_submits_and_then_sees_the_others(
    world: Any, reviewing: Application
) -> None:
    expert = user(world, "expert")
    mine = reviews.review_assign(
        actor=user(world, "ministry"),
        application=reviewing,
        expert=expert,
        deadline=timezone.now() + timedelta(days=3),
    )
    queue = world.client("expert").get(reverse("programmes:review_list"))
    assert queue.status_code == 200 and reviewing.applicant.name in queue.content.decode()
    assert world.client("guangzhou").get(reverse("programmes:review_list")).status_code == 403
    url = reverse("programmes:review_detail", args=[mine.pk])
    assert world.client("ministry").get(url).status_code == 403  # staff hold no expert capability
    form = {f"score_{code}": "4" for code in CRITERIA} | {"score_chain_and_platform": "na"}
    # 5 needs a comment (the rubric's rule): the submission is refused and the input kept.
    refused = world.client("expert").post(url, form | {"score_basic_conditions": "5", "action": "submit"})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert 'value="5" selected' in text
    assert ReviewAssignment.objects.get(pk=mine.pk).submitted_at is None
    hostile = world.client("expert").post(url, form | {"score_basic_conditions": "9", "action": "save"})
    assert (
        hostile.status_code == 200
        and ReviewAssignment.objects.get(pk=mine.pk).scores.get("basic_conditions") != 9
    )
    done = world.client("expert").post(url, form | {"action": "submit"}, follow=True)
    assert "评审已提交" in done.content.decode()
    saved = ReviewAssignment.objects.get(pk=mine.pk)
    assert saved.submitted_at is not None and saved.total is not None
    assert saved.scores["chain_and_platform"] is None
    after = world.client("expert").get(url).content.decode()
    assert "其他专家的评审" in after and "综合得分" in after


def test_another_experts_assignment_is_not_found(world: Any, reviewing: Application) -> None:
    from dengta.programmes.tests.test_reviews import second_expert

    other = second_expert(world)
    theirs = reviews.review_assign(
        actor=user(world, "ministry"),
        application=reviewing,
        expert=other,
        deadline=timezone.now() + timedelta(days=3),
    )
    assert (
        world.client("expert").get(reverse("programmes:review_detail", args=[theirs.pk])).status_code == 404
    )


def test_the_home_pages_show_the_pilot_and_the_queues(world: Any, reviewing: Application) -> None:
    reviews.review_assign(
        actor=user(world, "ministry"),
        application=reviewing,
        expert=user(world, "expert"),
        deadline=timezone.now() + timedelta(days=3),
    )
    expert_home = world.client("expert").get(reverse("core:home")).content.decode()
    assert "申报评审任务" in expert_home
    staff_home = world.client("ministry").get(reverse("core:home")).content.decode()
    assert "试点申报与评审" in staff_home
    services.application_approve(actor=user(world, "ministry"), application=reviewing)
    home = world.client("guangzhou").get(reverse("core:home")).content.decode()
    assert "试点与资金" in home and "120,000,000.00" in home  # the retrofit envelope, 80 % of 150 m


def test_the_ranking_review_and_queue_pages_are_english_apart_from_data(
    world: Any, reviewing: Application
) -> None:
    from dengta.catalog.tests.test_english import chinese_left, data_texts, english
    from dengta.programmes.tests.test_views import texts

    mine = reviews.review_assign(
        actor=user(world, "ministry"),
        application=reviewing,
        expert=user(world, "expert"),
        deadline=timezone.now() + timedelta(days=3),
    )
    data = [
        *data_texts(),
        *Organization.objects.values_list("name", flat=True),
        *Batch.objects.values_list("notice", flat=True),
        *reviewing.sub_industries.values_list("local_name", flat=True),
        *reviewing.pool.values_list("enterprise__name", flat=True),
        reviewing.plan,
    ]
    data = sorted({t for t in data if t}, key=len, reverse=True)
    expert = english(world.client("expert"))
    for page_url, expected in (
        (reverse("programmes:review_list"), "Review assignments"),
        (reverse("programmes:review_detail", args=[mine.pk]), "Scores and comments"),
    ):
        page = texts(expert.get(page_url))
        assert expected in page and not chinese_left(page, data), (page_url, chinese_left(page, data))
    form = {f"score_{code}": "3" for code in CRITERIA} | {"action": "submit"}
    expert.post(reverse("programmes:review_detail", args=[mine.pk]), form)
    staff = english(world.client("ministry"))
    page = texts(staff.get(reverse("programmes:batch_ranking", args=[reviewing.batch_id])))
    assert "Proposed:" in page and not chinese_left(page, data), chinese_left(page, data)
    page = texts(staff.get(reverse("programmes:application_detail", args=[reviewing.pk])))
    assert "Experts and their scores" in page and not chinese_left(page, data), chinese_left(page, data)


def test_the_ministry_approves_after_the_application_window_has_closed(
    world: Any, reviewing: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    closes = reviewing.batch.application_closes
    monkeypatch.setattr(timezone, "localdate", lambda *args: closes + timedelta(days=3))
    pilot = services.application_approve(actor=user(world, "ministry"), application=reviewing)
    assert pilot.starts_on == closes + timedelta(days=3)


def test_a_platform_pilot_award_is_capped_per_nominated_platform(world: Any) -> None:
    from dengta.programmes.models import ApplicationSubIndustry, NominatedProvider
    from dengta.reference.models import SubIndustry
    from dengta.registry.models import Provider

    services.batches_load(actor=None)
    batch = Batch.objects.get(code="platform-2022")
    application = Application.objects.create(
        batch=batch,
        applicant=world.orgs["guangdong"],
        rules_version=batch.rules_version,
        retrofit_share=Decimal("0.8"),
        service_share=Decimal("0.2"),
    )
    sub = SubIndustry.objects.create(code="platform-sub", name="汽车零部件", dataset_version="t")
    entry = ApplicationSubIndustry.objects.create(application=application, sub_industry=sub)
    first = Provider.objects.create(organization=world.orgs["provider"], uscc="91440106MA5ABCDE99")
    NominatedProvider.objects.create(entry=entry, provider=first)
    parsed = batch.parsed_rules()
    with pytest.raises(services.ValidationError):
        services._split(application, parsed, Decimal("10000000"))  # one platform: 5,000,000 at most
    second_org = OrganizationFactory.create(name="深圳工业互联网平台有限公司", type="provider")
    second = Provider.objects.create(organization=second_org, uscc="91440300MA5FGHJK11")
    NominatedProvider.objects.create(entry=entry, provider=second)
    assert services._split(application, parsed, Decimal("10000000")).award_yuan == Decimal("10000000.00")


def test_a_platform_pilot_is_not_an_earlier_pilot_of_the_city_programme(
    world: Any,
    ready: Application,  # noqa: F811
) -> None:
    services.batches_load(actor=None)
    platform = Batch.objects.get(code="platform-2022")
    Application.objects.create(
        batch=platform,
        applicant=ready.applicant,
        state=ApplicationState.APPROVED,
        rules_version=platform.rules_version,
    )
    assert services.checks._earlier_pilots(ready) == ()
    earlier = Batch.objects.get(code="city-2023")
    Application.objects.create(
        batch=earlier, applicant=ready.applicant, state=ApplicationState.APPROVED, rules_version="x"
    )
    assert services.checks._earlier_pilots(ready) == ("city-2023",)


def test_staff_change_how_a_batch_combines_its_reviews_with_an_event(
    world: Any, open_batch: Batch, field: dict[str, Application]
) -> None:
    from dengta.core.models import Event

    for who, points in (("ministry", 2), ("guangdong", 1)):  # with the fixture's 4: totals 80, 40, 20
        ReviewAssignment.objects.create(
            application=field["guangzhou"],
            expert=user(world, who),
            deadline=timezone.now() + timedelta(days=3),
            scores=dict.fromkeys(CRITERIA, points),
            submitted_at=timezone.now(),
            rubric_version="city-pilot-2026-12",
        )

    def score() -> Decimal | None:
        rows = standings.batch_standing(open_batch).rows
        return next(r.score for r in rows if r.application.pk == field["guangzhou"].pk)

    assert score() == Decimal("46.67")  # the mean
    url = reverse("programmes:batch_review_method", args=[open_batch.pk])
    assert world.client("guangzhou").post(url, {"method": "median"}).status_code == 403
    bad = world.client("ministry").post(url, {"method": "<script>"}, follow=True)
    assert "请选择评审汇总方式" in bad.content.decode()
    world.client("ministry").post(url, {"method": "median"})
    open_batch.refresh_from_db()
    assert open_batch.review_method == "median"
    event = Event.objects.filter(verb="batch.review_method_changed").get()
    assert event.payload == {"before": "mean", "after": "median"}
    assert score() == Decimal("40.00")  # the median


def test_an_expert_declares_a_conflict_by_name_and_is_then_not_assignable(
    world: Any, reviewing: Application
) -> None:
    url = reverse("programmes:review_conflict")
    assert world.client("guangzhou").post(url, {"organization": "x", "reason": "y"}).status_code == 403
    unknown = world.client("expert").post(
        url, {"organization": "不存在的机构", "reason": "亲属任职"}, follow=True
    )
    assert "没有找到名称为“不存在的机构”的申报单位或服务商" in unknown.content.decode()
    blank = world.client("expert").post(
        url, {"organization": reviewing.applicant.name, "reason": ""}, follow=True
    )
    assert "请写明理由" in blank.content.decode()
    done = world.client("expert").post(
        url, {"organization": f"  {reviewing.applicant.name} ", "reason": "曾参与编制该市方案"}, follow=True
    )
    text = done.content.decode()
    assert "已声明与" in text and "曾参与编制该市方案" in text
    with pytest.raises(services.ValidationError, match="利益冲突"):
        reviews.review_assign(
            actor=user(world, "ministry"),
            application=reviewing,
            expert=user(world, "expert"),
            deadline=timezone.now() + timedelta(days=3),
        )


def test_drafts_of_other_cities_do_not_block_an_approval_and_a_second_approval_says_why(
    world: Any, reviewing: Application
) -> None:
    # Two more 广东 cities start drafts: with 广州 three live applications against a quota of two
    # recommendations, but no pilot yet, so the decision on 广州 stands.
    for code, name in (("440600", "佛山市工业和信息化局"), ("441900", "东莞市工业和信息化局")):
        Application.objects.create(
            batch=reviewing.batch, applicant=authority(world, code, name, "440000"), rules_version="x"
        )
    ministry = user(world, "ministry")
    pilot = services.application_approve(actor=ministry, application=reviewing)
    assert pilot.pk
    with pytest.raises(services.ValidationError) as again:
        services.application_approve(actor=ministry, application=Application.objects.get(pk=reviewing.pk))
    assert "名额" not in " ".join(again.value.messages)
    assert Pilot.objects.filter(application=reviewing).count() == 1


def test_no_review_is_written_after_the_decision(world: Any, reviewing: Application) -> None:
    mine = reviews.review_assign(
        actor=user(world, "ministry"),
        application=reviewing,
        expert=user(world, "expert"),
        deadline=timezone.now() + timedelta(days=3),
    )
    services.application_return(actor=user(world, "ministry"), application=reviewing, reason="补充材料")
    with pytest.raises(services.ValidationError, match="不在评审中"):
        reviews.review_save(
            actor=user(world, "expert"), assignment=mine, scores={"basic_conditions": 3}, comments={}
        )
    page = world.client("expert").get(reverse("programmes:review_list")).content.decode()
    title = page.split("<title>")[1].split("</title>")[0]
    assert "csrfmiddlewaretoken" not in title and len(title) < 80
