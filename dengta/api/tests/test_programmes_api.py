"""Programme administration over the API: the application pages' permission rules and services, so the same
403/404/409 as the pages, 400 with the services' field messages for bad input and nothing half-saved;
expert review with the conflict rule and independent judgements; messages in the request's language; and
a schema without warnings (docs/programmes.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dengta.assessment.tests.conftest import self_assessment
from dengta.core.models import Event
from dengta.programmes import reviews, services
from dengta.programmes.eligibility import CODES
from dengta.programmes.models import (
    Application,
    ApplicationState,
    Batch,
    Pilot,
    PoolEnterprise,
    ReviewAssignment,
)
from dengta.programmes.tests.conftest import (  # noqa: F401  (fixtures)
    Market,
    _default_language,
    frameworks,
    market,
    open_batch,
    registered,
    sized,
    sub_industry,
    world,
)
from dengta.programmes.tests.test_reviews import SCORES, second_expert
from dengta.programmes.tests.test_services import complete_application, user
from dengta.reference.models import SubIndustry
from tests.language import assert_one_language

# The fixtures imported above are "redefined" by the tests' arguments of the same names.
# ruff: noqa: F811

pytestmark = pytest.mark.django_db

API = "/api/v1"
INSIDERS = ("guangzhou", "guangdong", "ministry", "oversight")  # the applicant, its province, the ministry
OUTSIDERS = ("zhejiang", "shenzhen", "xinjiang", "enterprise", "provider", "expert")
HOSTILE = "<script>alert('x')</script>'; DROP TABLE programmes_application; --"


def as_(world: Any, who: str) -> APIClient:
    token, _created = Token.objects.get_or_create(user=world.members[who].user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def as_user(person: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def reasons(response: Any) -> str:
    """Every message of an error answer, as one text to search."""
    body = response.json()

    def walk(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [m for v in value.values() for m in walk(v)]
        if isinstance(value, list):
            return [m for v in value for m in walk(v)]
        return [str(value)]

    return " | ".join(walk(body))


def app_url(application: Application, step: str = "") -> str:
    base = f"{API}/applications/{application.pk}/"
    return f"{base}{step}/" if step else base


@pytest.fixture
def draft(world: Any, open_batch: Batch) -> Application:
    return services.application_create(
        actor=user(world, "guangzhou"), applicant=world.orgs["guangzhou"], batch=open_batch
    )


@pytest.fixture
def ready(world: Any, market: Market, open_batch: Batch, sub_industry: SubIndustry) -> Application:
    self_assessment(world, level=1)  # the T0 the 2025 rules require
    market.admit()
    return complete_application(world, market, open_batch, sub_industry)


@pytest.fixture
def reviewing(world: Any, ready: Application) -> Application:
    services.application_submit(actor=user(world, "guangzhou"), application=ready, declared=True)
    return services.application_start_review(actor=user(world, "ministry"), application=ready)


def assign(world: Any, application: Application, expert: Any, days: int = 7) -> ReviewAssignment:
    return reviews.review_assign(
        actor=user(world, "ministry"),
        application=application,
        expert=expert,
        deadline=timezone.now() + timedelta(days=days),
    )


# -------------------------------------------------------------------------------- programmes and batches


def test_programmes_and_batches_carry_their_windows_and_parsed_rules(world: Any, open_batch: Batch) -> None:
    client = as_(world, "guangzhou")
    programmes = client.get(f"{API}/programmes/")
    assert programmes.status_code == 200
    assert {p["model"] for p in programmes.json()["results"]} == {"platform", "city"}
    listed = client.get(f"{API}/batches/")
    assert listed.status_code == 200
    assert [b["code"] for b in listed.json()["results"]] == [
        "city-2025",
        "city-2024",
        "city-2023",
        "platform-2022",
    ]
    body = client.get(f"{API}/batches/{open_batch.pk}/").json()
    assert body["year"] == 2025 and body["pilot_period_months"] == 24 and body["rules_version"] == "2025-v2"
    assert body["review_method"] == "mean" and body["programme_model"] == "city"
    windows = body["windows"]
    assert windows["timezone"] == "Asia/Shanghai" and windows["open_now"] is True
    assert windows["application_opens"] == open_batch.application_opens.isoformat()
    rules = body["rules"]
    assert rules["quotas"]["default"] == 1 and rules["quotas"]["overrides"]["440000"] == 2
    assert rules["award_caps"]["yuan"]["provincial_capital"] == "150000000.00"
    assert rules["min_retrofit_share"] == "0.8" and rules["max_service_share"] == "0.2"
    assert rules["target"] == {"share": "0.9", "level": 2}
    closed = client.get(f"{API}/batches/", {"year": 2024}).json()["results"]
    assert [b["code"] for b in closed] == ["city-2024"] and closed[0]["windows"]["open_now"] is False
    assert client.get(f"{API}/batches/", {"year": "两千"}).status_code == 400
    assert client.get(f"{API}/batches/999999/").status_code == 404
    refused = as_(world, "enterprise").get(f"{API}/batches/")
    assert (
        refused.status_code == 403
        and "试点申报对部委、地方主管部门和监督机构开放" in refused.json()["detail"]
    )
    assert as_(world, "provider").get(f"{API}/programmes/").status_code == 403
    assert APIClient().get(f"{API}/batches/").status_code == 401


def test_the_eligibility_codes_with_their_templates(world: Any) -> None:
    response = as_(world, "enterprise").get(f"{API}/eligibility-codes/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] and [row["code"] for row in body["results"]] == list(CODES)
    repeat = next(row for row in body["results"] if row["code"] == "repeat_application")
    assert [t["variant"] for t in repeat["templates"]] == ["", "same_batch"]
    main = repeat["templates"][0]
    assert "%(applicant)s" in main["zh"] and "%(applicant)s" in main["en"]
    assert {"applicant", "batch", "earlier"} <= set(main["params"])
    for row in body["results"]:
        for template in row["templates"]:
            assert_one_language(template["en"].replace("%(", "").replace(")s", ""), language="en")


# ------------------------------------------------------------------------------------------ applications


def test_an_authority_applies_once_while_the_window_is_open(world: Any, open_batch: Batch) -> None:
    client = as_(world, "guangzhou")
    created = client.post(f"{API}/applications/", {"batch": open_batch.pk}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and body["applicant_name"] == "广州市工业和信息化局"
    assert body["batch"] == open_batch.pk and body["rules_version"] == "2025-v2"
    assert [i["code"] for i in body["checklist"]][:2] == ["sub_industries", "providers"]
    assert body["actions"]["edit"]["allowed"] is True and body["actions"]["review"]["allowed"] is False
    assert Event.objects.filter(verb="application.created", target_id=str(body["id"])).exists()
    again = client.post(f"{API}/applications/", {"batch": open_batch.pk}, format="json")
    assert again.status_code == 400 and "本单位已有该批次的申报，不能重复申报" in reasons(again)
    closed = Batch.objects.get(code="city-2024")
    late = as_(world, "shenzhen").post(f"{API}/applications/", {"batch": closed.pk}, format="json")
    assert late.status_code == 409 and "该批次现在不在申报时间内" in late.json()["detail"]
    staff = as_(world, "ministry").post(f"{API}/applications/", {"batch": open_batch.pk}, format="json")
    assert (
        staff.status_code == 403 and "只有地方主管部门的管理员或经办人可以申报试点" in staff.json()["detail"]
    )
    assert as_(world, "provider").post(f"{API}/applications/", {"batch": open_batch.pk}).status_code == 403
    for bad in ({}, {"batch": 999999}, {"batch": "x"}, {"batch": [open_batch.pk]}):
        answer = as_(world, "shenzhen").post(f"{API}/applications/", bad, format="json")
        assert answer.status_code == 400 and "batch" in answer.json(), bad
    assert Application.objects.count() == 1


def test_each_viewer_lists_its_own_or_its_jurisdictions(world: Any, draft: Application) -> None:
    for who in ("guangzhou", "guangdong", "ministry", "oversight"):
        listed = as_(world, who).get(f"{API}/applications/")
        assert listed.status_code == 200 and [a["id"] for a in listed.json()["results"]] == [draft.pk], who
    assert as_(world, "zhejiang").get(f"{API}/applications/").json()["results"] == []
    ministry = as_(world, "ministry")
    found = ministry.get(f"{API}/applications/", {"batch": str(draft.batch_id), "state": "draft"}).json()
    assert found["count"] == 1 and found["results"][0]["sub_industry_count"] == 0
    assert ministry.get(f"{API}/applications/", {"state": "submitted"}).json()["results"] == []
    assert ministry.get(f"{API}/applications/", {"state": "invented"}).status_code == 400
    assert ministry.get(f"{API}/applications/", {"batch": "'; --"}).status_code == 400
    refused = as_(world, "expert").get(f"{API}/applications/")
    assert (
        refused.status_code == 403
        and "试点申报对部委、地方主管部门和监督机构开放" in refused.json()["detail"]
    )


def test_an_application_is_read_by_insiders_only(world: Any, draft: Application) -> None:
    for who in INSIDERS:
        assert as_(world, who).get(app_url(draft)).status_code == 200, who
    for who in OUTSIDERS:
        assert as_(world, who).get(app_url(draft)).status_code == 404, who
        assert as_(world, who).get(app_url(draft, "enterprises")).status_code == 404, who
    assert APIClient().get(app_url(draft)).status_code == 401
    assert as_(world, "ministry").get(f"{API}/applications/abc/").status_code == 404
    assert as_(world, "ministry").get(f"{API}/applications/99999999999999999999/").status_code == 404


def test_the_fund_plan_is_saved_whole_or_not_at_all(world: Any, draft: Application) -> None:
    client = as_(world, "guangzhou")
    bad = client.patch(
        app_url(draft),
        {"award_requested_yuan": "十万", "retrofit_share": "0.8", "plan": "方案"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["award_requested_yuan"] == ["请输入数字"]
    draft.refresh_from_db()
    assert draft.retrofit_share is None and draft.plan == ""  # nothing half-saved
    too_much = client.patch(app_url(draft), {"retrofit_share": "0.9", "service_share": 0.2}, format="json")
    assert too_much.status_code == 400 and "改造比例与服务能力提升比例之和不能超过 1" in reasons(too_much)
    over = client.patch(app_url(draft), {"target_share": "1.5"}, format="json")
    assert over.status_code == 400 and "比例应在 0 到 1 之间" in reasons(over)
    fen = client.patch(app_url(draft), {"award_requested_yuan": "1.001"}, format="json")
    assert fen.status_code == 400 and "最多保留 2 位小数" in reasons(fen)
    level = client.patch(app_url(draft), {"target_level": 7}, format="json")
    assert level.status_code == 400 and "target_level" in level.json()
    nul = client.patch(app_url(draft), {"plan": "方案\x00"}, format="json")
    assert nul.status_code == 400 and "plan" in nul.json()
    long = client.patch(app_url(draft), {"plan": "长" * 8001}, format="json")
    assert long.status_code == 400 and "plan" in long.json()
    saved = client.patch(
        app_url(draft),
        {
            "award_requested_yuan": 150000000,
            "retrofit_share": "0.8",
            "service_share": "0.2",
            "target_share": "0.9",
            "target_level": 2,
            "plan": HOSTILE,
        },
        format="json",
    )
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["award_requested_yuan"] == "150000000.00" and body["retrofit_share"] == "0.8"
    assert body["target_share"] == "0.9" and body["target_level"] == 2 and body["plan"] == HOSTILE
    assert {i["code"]: i["done"] for i in body["checklist"]}["fund_plan"] is True
    province = as_(world, "guangdong").patch(app_url(draft), {"plan": "省里改的"}, format="json")
    assert province.status_code == 403 and "只有申报单位可以修改、提交或撤回本单位的申报" in reasons(province)
    assert as_(world, "zhejiang").patch(app_url(draft), {"plan": "外省"}, format="json").status_code == 404
    assert as_(world, "guangzhou").put(app_url(draft), {"plan": "x"}, format="json").status_code == 405
    draft.refresh_from_db()
    assert draft.plan == HOSTILE


def test_the_pools_are_built_through_the_services(
    world: Any, market: Market, draft: Application, sub_industry: SubIndustry
) -> None:
    market.admit()
    client = as_(world, "guangzhou")
    added = client.post(
        app_url(draft, "sub-industries"), {"sub_industry": "auto-parts", "local_name": "汽配"}, format="json"
    )
    assert added.status_code == 201, added.content
    entry = added.json()["id"]
    assert added.json()["sub_industry"] == "auto-parts" and added.json()["local_name"] == "汽配"
    twice = client.post(app_url(draft, "sub-industries"), {"sub_industry": "auto-parts"}, format="json")
    assert twice.status_code == 400 and "已经选过" in reasons(twice)
    unknown = client.post(app_url(draft, "sub-industries"), {"sub_industry": HOSTILE}, format="json")
    assert unknown.status_code == 400 and "细分行业代码不存在" in reasons(unknown)
    nominated = client.post(
        app_url(draft, "providers"), {"entry": entry, "provider": market.provider.pk}, format="json"
    )
    assert nominated.status_code == 201 and nominated.json()["provider_name"] == "广州数智服务有限公司"
    stranger = market.other_provider()  # registered, never admitted to a pool
    refused = client.post(
        app_url(draft, "providers"), {"entry": entry, "provider": stranger.pk}, format="json"
    )
    assert refused.status_code == 400 and "该服务商未入库或已被移出服务商库，不能推荐" in reasons(refused)
    other = services.application_create(
        actor=user(world, "shenzhen"), applicant=world.orgs["shenzhen"], batch=draft.batch
    )
    foreign = services.application_add_sub_industry(
        actor=user(world, "shenzhen"), application=other, sub_industry=sub_industry
    )
    wrong_entry = client.post(
        app_url(draft, "providers"), {"entry": foreign.pk, "provider": market.provider.pk}, format="json"
    )
    assert wrong_entry.status_code == 400 and "该细分行业不属于这份申报" in reasons(wrong_entry)
    own = world.registered.own
    pooled = client.post(
        app_url(draft, "enterprises"), {"entry": entry, "uscc": f" {own.uscc.lower()} "}, format="json"
    )
    assert pooled.status_code == 201, pooled.content
    assert pooled.json()["uscc"] == own.uscc and pooled.json()["name"] == own.name
    again = client.post(app_url(draft, "enterprises"), {"entry": entry, "uscc": own.uscc}, format="json")
    assert again.status_code == 400 and "已在本申报" in reasons(again)
    wrong = own.uscc[:-1] + ("0" if own.uscc[-1] != "0" else "1")
    broken = client.post(app_url(draft, "enterprises"), {"entry": entry, "uscc": wrong}, format="json")
    assert broken.status_code == 400
    assert broken.json()["uscc"] == [f"统一社会信用代码校验位错误：最后一位应为 {own.uscc[-1]}"]
    xihu = world.registered.xihu  # registered, outside 广州's jurisdiction: not found for 广州
    missing = client.post(app_url(draft, "enterprises"), {"entry": entry, "uscc": xihu.uscc}, format="json")
    assert missing.status_code == 400 and "没有找到本辖区统一社会信用代码为" in reasons(missing)
    hostile = client.post(app_url(draft, "enterprises"), {"entry": entry, "uscc": HOSTILE}, format="json")
    assert hostile.status_code == 400 and "uscc" in hostile.json()
    detail = client.get(app_url(draft)).json()
    assert detail["sub_industry_count"] == 1 and detail["enterprise_count"] == 1
    [row] = detail["sub_industries"]
    assert [p["provider"] for p in row["providers"]] == [market.provider.pk]
    assert [(e["uscc"], e["name"]) for e in row["enterprises"]] == [(own.uscc, own.name)]
    assert [e["uscc"] for e in client.get(app_url(draft, "enterprises")).json()] == [own.uscc]
    assert len(as_(world, "guangdong").get(app_url(draft, "providers")).json()) == 1
    pool_row = PoolEnterprise.objects.get(application=draft)
    province = as_(world, "guangdong").delete(app_url(draft, f"enterprises/{pool_row.pk}"))
    assert province.status_code == 403
    assert as_(world, "zhejiang").delete(app_url(draft, f"enterprises/{pool_row.pk}")).status_code == 404
    assert client.delete(app_url(draft, "enterprises/99999999")).status_code == 404
    removed = client.delete(app_url(draft, f"enterprises/{pool_row.pk}"))
    assert removed.status_code == 204 and not draft.pool.exists()
    assert Event.objects.filter(verb="application.enterprise_removed").count() == 1


def test_the_eligibility_failures_speak_the_requests_language(world: Any, ready: Application) -> None:
    xihu = world.registered.xihu
    services.application_add_enterprise(
        actor=user(world, "guangzhou"), entry=ready.sub_industries.get(), enterprise=xihu
    )
    chinese = as_(world, "guangzhou").get(app_url(ready)).json()
    failure = next(f for f in chinese["eligibility"] if f["code"] == "outside_jurisdiction")
    assert set(failure) == {"code", "subject", "message"}
    assert failure["subject"] == {"kind": "enterprise", "key": xihu.uscc, "label": xihu.name}
    assert xihu.uscc in failure["message"] and "广州市工业和信息化局" in failure["message"]
    english = as_(world, "guangzhou").get(app_url(ready), HTTP_ACCEPT_LANGUAGE="en").json()
    message = next(f for f in english["eligibility"] if f["code"] == "outside_jurisdiction")["message"]
    assert message != failure["message"]
    assert xihu.uscc in message and "outside" in message
    assert english["checklist"][0]["label"] == "Choose at least one sub-industry"
    refused = as_(world, "guangdong").patch(
        app_url(ready), {"plan": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 403
    assert_one_language(refused.json()["detail"], language="en")
    bad = as_(world, "guangzhou").patch(
        app_url(ready), {"retrofit_share": "八成"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert bad.status_code == 400
    assert_one_language(bad.json()["retrofit_share"][0], language="en")


# ------------------------------------------------------------------------------------------- the workflow


def test_submission_needs_the_declaration_and_fixes_the_application(world: Any, ready: Application) -> None:
    client = as_(world, "guangzhou")
    undeclared = client.post(app_url(ready, "submit"), {}, format="json")
    assert undeclared.status_code == 400 and undeclared.json()["declared"] == ["提交前请确认申报承诺声明"]
    assert as_(world, "guangdong").post(app_url(ready, "submit"), {"declared": True}).status_code == 403
    done = client.post(app_url(ready, "submit"), {"declared": True}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "submitted"
    assert done.json()["actions"]["edit"]["allowed"] is False
    again = client.post(app_url(ready, "submit"), {"declared": True}, format="json")
    assert again.status_code == 409 and "申报已提交，退回补充前不能修改" in again.json()["detail"]
    late = client.patch(app_url(ready), {"plan": "改"}, format="json")
    assert late.status_code == 409
    late_pool = client.post(app_url(ready, "sub-industries"), {"sub_industry": "auto-parts"}, format="json")
    assert late_pool.status_code == 409


def test_an_incomplete_application_is_not_submitted(world: Any, draft: Application) -> None:
    refused = as_(world, "guangzhou").post(app_url(draft, "submit"), {"declared": True}, format="json")
    assert refused.status_code == 400 and "申报还不完整" in reasons(refused)
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


def test_staff_review_return_and_reject_with_a_reason(world: Any, ready: Application) -> None:
    services.application_submit(actor=user(world, "guangzhou"), application=ready, declared=True)
    own = as_(world, "guangzhou").post(app_url(ready, "start-review"))
    assert own.status_code == 403 and "只有部委的项目管理人员可以评审、退回或否决申报" in own.json()["detail"]
    assert as_(world, "zhejiang").post(app_url(ready, "start-review")).status_code == 404
    staff = as_(world, "ministry")
    no_reason = staff.post(app_url(ready, "return"), {"reason": "  "}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["reason"] == ["请写明理由"]
    returned = staff.post(app_url(ready, "return"), {"reason": HOSTILE}, format="json")
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert returned.json()["reason"] == HOSTILE.strip()
    assert staff.post(app_url(ready, "start-review")).status_code == 409  # returned, not submitted
    as_(world, "guangzhou").post(app_url(ready, "submit"), {"declared": True}, format="json")
    rejected = staff.post(app_url(ready, "reject"), {"reason": "方案可行性不足"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert staff.post(app_url(ready, "reject"), {"reason": "再次"}, format="json").status_code == 409
    withdraw = as_(world, "guangzhou").post(app_url(ready, "withdraw"))
    assert withdraw.status_code == 409 and "申报进入评审或已有决定后不能撤回" in withdraw.json()["detail"]


def test_a_draft_is_withdrawn_by_its_applicant_only(world: Any, draft: Application) -> None:
    assert as_(world, "guangdong").post(app_url(draft, "withdraw")).status_code == 403
    assert as_(world, "xinjiang").post(app_url(draft, "withdraw")).status_code == 404
    done = as_(world, "guangzhou").post(app_url(draft, "withdraw"))
    assert done.status_code == 200 and done.json()["state"] == "withdrawn"
    assert as_(world, "guangzhou").post(app_url(draft, "withdraw")).status_code == 409


def test_approval_once_with_an_exact_award(world: Any, reviewing: Application) -> None:
    expert = user(world, "expert")
    assign(world, reviewing, expert)
    as_expert = as_(world, "expert")
    assert as_expert.get(app_url(reviewing)).status_code == 200  # the application it reviews
    refused = as_expert.post(app_url(reviewing, "approve"), {}, format="json")
    assert (
        refused.status_code == 403
        and "只有部委的项目管理人员可以评审、退回或否决申报" in refused.json()["detail"]
    )
    staff = as_(world, "ministry")
    for bad in ("一亿", "Infinity", "-5", "100.001", "NaN", "1 0"):
        answer = staff.post(app_url(reviewing, "approve"), {"award_yuan": bad}, format="json")
        assert answer.status_code == 400 and list(answer.json()) == ["award_yuan"], bad
    over = staff.post(app_url(reviewing, "approve"), {"award_yuan": "150000000.01"}, format="json")
    assert over.status_code == 400 and "150,000,000" in reasons(over)
    assert not Pilot.objects.exists()
    approved = staff.post(app_url(reviewing, "approve"), {"award_yuan": "120000000.50"}, format="json")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["state"] == "approved" and body["pilot"]["central_award_yuan"] == "120000000.50"
    money = body["pilot"]["allocation"]
    assert money["retrofit_yuan"] == "96000000.40" and money["service_yuan"] == "24000000.10"
    twice = staff.post(app_url(reviewing, "approve"), {}, format="json")
    assert twice.status_code == 409 and Pilot.objects.count() == 1
    assert Event.objects.filter(verb="application.approved").count() == 1


# ------------------------------------------------------------------------------------------------ reviews


def test_staff_assign_experts_under_the_conflict_rule(world: Any, reviewing: Application) -> None:
    staff = as_(world, "ministry")
    expert = user(world, "expert")
    deadline = (timezone.now() + timedelta(days=7)).isoformat()
    body = {"application": reviewing.pk, "expert": expert.pk, "deadline": deadline}
    assert as_(world, "guangzhou").post(f"{API}/reviews/", body, format="json").status_code == 403
    assert as_(world, "expert").post(f"{API}/reviews/", body, format="json").status_code == 403
    created = staff.post(f"{API}/reviews/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["expert"] == expert.pk and created.json()["submitted"] is False
    assert created.json()["rubric"]["criteria"][0]["code"] == "basic_conditions"
    twice = staff.post(f"{API}/reviews/", body, format="json")
    assert twice.status_code == 409 and "该专家已被分配评审这份申报" in twice.json()["detail"]
    local = second_expert(world, "local-expert")
    world.members["enterprise"].organization.memberships.create(user=local, role="staff")  # in 广州
    conflict = staff.post(f"{API}/reviews/", {**body, "expert": local.pk}, format="json")
    assert conflict.status_code == 409 and "利益冲突" in conflict.json()["detail"]
    not_expert = staff.post(f"{API}/reviews/", {**body, "expert": user(world, "zhejiang").pk}, format="json")
    assert not_expert.status_code == 400 and "不是评审专家" in reasons(not_expert)
    other = second_expert(world)
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    late = staff.post(f"{API}/reviews/", {**body, "expert": other.pk, "deadline": past}, format="json")
    assert late.status_code == 400 and late.json()["deadline"] == ["评审截止时间应晚于现在"]
    for bad in ({**body, "deadline": "明天"}, {**body, "application": 999999}, {**body, "expert": HOSTILE}):
        assert staff.post(f"{API}/reviews/", bad, format="json").status_code == 400
    assert ReviewAssignment.objects.count() == 1


def test_who_sees_which_reviews(world: Any, reviewing: Application) -> None:
    first, second = user(world, "expert"), second_expert(world)
    own = assign(world, reviewing, first)
    theirs = assign(world, reviewing, second)
    listed = as_(world, "expert").get(f"{API}/reviews/")
    assert listed.status_code == 200 and [r["id"] for r in listed.json()["results"]] == [own.pk]
    everything = as_(world, "ministry").get(f"{API}/reviews/", {"application": reviewing.pk})
    assert {r["id"] for r in everything.json()["results"]} == {own.pk, theirs.pk}
    assert as_(world, "ministry").get(f"{API}/reviews/", {"submitted": True}).json()["results"] == []
    for who in ("guangzhou", "zhejiang", "enterprise"):
        refused = as_(world, who).get(f"{API}/reviews/")
        assert refused.status_code == 403 and "专家评审只对部委的项目管理人员和评审专家开放" in reasons(
            refused
        )
        assert as_(world, who).get(f"{API}/reviews/{own.pk}/").status_code == 404
    assert as_(world, "expert").get(f"{API}/reviews/{theirs.pk}/").status_code == 404
    english = as_(world, "guangzhou").get(f"{API}/reviews/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 403 and "programme staff" in english.json()["detail"]
    assert_one_language(english.json()["detail"], language="en")
    assert as_(world, "expert").get(f"{API}/reviews/x/").status_code == 404


def test_an_expert_scores_submits_once_and_then_sees_the_others(world: Any, reviewing: Application) -> None:
    first, second = user(world, "expert"), second_expert(world)
    mine = assign(world, reviewing, first)
    theirs = assign(world, reviewing, second)
    reviews.review_save(
        actor=second, assignment=theirs, scores={**SCORES, "basic_conditions": 2}, comments={}
    )
    reviews.review_submit(actor=second, assignment=theirs)
    client = as_(world, "expert")
    url = f"{API}/reviews/{mine.pk}/"
    before = client.get(url).json()
    assert before["others"] == []  # independent: nothing of the others before submitting
    staff = as_(world, "ministry")
    assert [o["id"] for o in staff.get(url).json()["others"]] == [theirs.pk]
    intruder = staff.patch(url, {"scores": {"basic_conditions": 4}}, format="json")
    assert intruder.status_code == 403 and "只有被分配的专家本人可以填写这份评审" in reasons(intruder)
    for bad in (
        {"basic_conditions": 7},
        {"basic_conditions": "3.5"},
        {"invented": 3},
        {"basic_conditions": [1]},
    ):
        answer = client.patch(url, {"scores": bad}, format="json")
        assert answer.status_code == 400 and "scores" in answer.json(), bad
    assert client.patch(url, {"scores": "四分"}, format="json").status_code == 400
    saved = client.patch(
        url, {"scores": {"basic_conditions": 4}, "comments": {"basic_conditions": HOSTILE}}, format="json"
    )
    assert saved.status_code == 200 and saved.json()["scores"] == {"basic_conditions": 4}
    assert saved.json()["comments"] == {"basic_conditions": HOSTILE.strip()}
    incomplete = client.post(f"{url}submit/")
    assert incomplete.status_code == 400 and "scores" in incomplete.json()
    rest = {k: (None if v == "n/a" else v) for k, v in SCORES.items() if k != "basic_conditions"}
    assert client.patch(url, {"scores": rest}, format="json").json()["scores"]["chain_and_platform"] is None
    done = client.post(f"{url}submit/")
    assert done.status_code == 200, done.content
    assert done.json()["submitted"] is True and done.json()["total"] == "70.53"
    assert [o["id"] for o in done.json()["others"]] == [theirs.pk]
    assert done.json()["others"][0]["scores"]["basic_conditions"] == 2
    again = client.post(f"{url}submit/")
    assert again.status_code == 409 and "评审已提交，不能再修改" in again.json()["detail"]
    assert client.patch(url, {"scores": {"basic_conditions": 1}}, format="json").status_code == 409


def test_a_review_past_its_deadline_is_a_conflict(world: Any, reviewing: Application) -> None:
    expert = user(world, "expert")
    assignment = assign(world, reviewing, expert)
    reviews.review_save(actor=expert, assignment=assignment, scores=SCORES, comments={})
    ReviewAssignment.objects.filter(pk=assignment.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    url = f"{API}/reviews/{assignment.pk}/"
    assert as_(world, "expert").get(url).json()["late"] is True
    late = as_(world, "expert").post(f"{url}submit/")
    assert late.status_code == 409 and "已过，不能再提交" in late.json()["detail"]
    english = as_(world, "expert").post(f"{url}submit/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 409
    assert_one_language(english.json()["detail"], language="en")
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


# ---------------------------------------------------------------------------------------- pages and schema


def test_the_api_refuses_as_the_application_page_does(world: Any, draft: Application) -> None:
    """The same refusal for each person on the page and in the API (ARCHITECTURE.md convention 15)."""

    def kind(code: int) -> str:
        return "allowed" if code in (200, 201, 204, 302) else str(code)

    pairs = [
        ("get", f"/programmes/applications/{draft.pk}/", "get", app_url(draft), None),
        ("get", "/programmes/applications/", "get", f"{API}/applications/", None),
        ("get", "/programmes/", "get", f"{API}/batches/", None),
        (
            "post",
            f"/programmes/applications/{draft.pk}/return/",
            "post",
            app_url(draft, "return"),
            {"reason": "补充"},
        ),
    ]
    problems = []
    for who in world.members:
        page = Client()
        page.force_login(world.members[who].user)
        for page_method, page_url, api_method, api_url, body in pairs:
            page_status = getattr(page, page_method)(page_url).status_code
            call = getattr(as_(world, who), api_method)
            api_status = (call(api_url) if body is None else call(api_url, body, format="json")).status_code
            if kind(page_status) != kind(api_status) and not (page_status == 302 and api_status == 409):
                problems.append(f"{who} {page_url}: page {page_status}, api {api_status}")
    assert not problems, "\n".join(problems)


def test_the_schema_documents_every_programme_endpoint(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/programmes/{id}/",
        "/api/v1/batches/{id}/",
        "/api/v1/applications/{id}/submit/",
        "/api/v1/applications/{id}/start-review/",
        "/api/v1/applications/{id}/return/",
        "/api/v1/applications/{id}/approve/",
        "/api/v1/applications/{id}/sub-industries/",
        "/api/v1/applications/{id}/providers/",
        "/api/v1/applications/{id}/enterprises/{pool_row_id}/",
        "/api/v1/reviews/{id}/submit/",
        "/api/v1/eligibility-codes/",
    ):
        assert path in text, path
    for component in ("ApplicationDetail:", "ExpertReviewDetail:", "Failure:", "Rules:", "EligibilityCodes:"):
        assert component in text, component


def test_the_pool_is_imported_from_a_spreadsheet_all_or_nothing(world: Any, ready: Application) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dengta.programmes.tests.test_pool_import import xlsx

    url = app_url(ready, "enterprises/import")
    local = ready.sub_industries.get().local_name
    own, xihu = world.registered.own, world.registered.xihu
    tianhe = world.registered.tianhe
    ready.pool.all().delete()

    def upload(rows: list[list[str]]) -> Any:
        data = xlsx(rows)
        return as_(world, "guangzhou").post(
            url, {"file": SimpleUploadedFile("pool.xlsx", data)}, format="multipart"
        )

    assert as_(world, "ministry").post(url, {}, format="multipart").status_code == 403
    assert as_(world, "zhejiang").post(url, {}, format="multipart").status_code == 404
    missing = as_(world, "guangzhou").post(url, {}, format="multipart")
    assert missing.status_code == 400 and "请选择要导入的文件" in reasons(missing)
    refused = upload(
        [[own.uscc, own.name, local], [xihu.uscc, xihu.name, local], [own.uscc, own.name, local]]
    )
    assert refused.status_code == 400 and refused.json()["imported"] == 0
    assert {e["row"] for e in refused.json()["errors"]} >= {2, 4}  # the enterprise twice
    assert ready.pool.count() == 0
    done = upload([[own.uscc, own.name, local], [tianhe.uscc, tianhe.name, local]])
    assert done.status_code == 201, done.json()
    assert done.json()["imported"] == 2 and ready.pool.count() == 2
