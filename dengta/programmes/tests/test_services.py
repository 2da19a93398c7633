"""Programme administration's services: batches loaded from their rules files, and an application from draft
to submission, return, resubmission, withdrawal and rejection — every transition allowed and refused with
the reason, eligibility re-checked on every change, bad input saving nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from dengta.assessment.tests.conftest import self_assessment
from dengta.core.models import Event
from dengta.core.workflows import TransitionRefused
from dengta.programmes import services
from dengta.programmes.checks import applicant_kind, checklist
from dengta.programmes.models import Application, ApplicationState, Batch, Programme
from dengta.programmes.rules import BatchRulesError
from dengta.programmes.tests.conftest import Market, batch_files
from dengta.reference.models import SubIndustry

pytestmark = pytest.mark.django_db


def user(world: Any, who: str) -> Any:
    return world.members[who].user


def codes(application: Application) -> list[str]:
    application.refresh_from_db()
    return [f["code"] for f in application.eligibility]


def complete_application(
    world: Any, market: Market, batch: Batch, sub_industry: SubIndustry, *, enterprise: Any = None
) -> Application:
    """广州's application: one sub-industry, the admitted cast provider, the cast enterprise with its T0,
    a fund plan at the cap and the 80/20 split, the 90 % target."""
    actor = user(world, "guangzhou")
    application = services.application_create(actor=actor, applicant=world.orgs["guangzhou"], batch=batch)
    entry = services.application_add_sub_industry(
        actor=actor, application=application, sub_industry=sub_industry, local_name="汽车零部件（广州）"
    )
    services.application_add_provider(actor=actor, entry=entry, provider=market.provider)
    services.application_add_enterprise(
        actor=actor, entry=entry, enterprise=enterprise or world.registered.own
    )
    return services.application_update(
        actor=actor,
        application=application,
        data={
            "award_requested_yuan": "150000000",
            "retrofit_share": "0.8",
            "service_share": "0.2",
            "local_matching_yuan": "20000000",
            "target_share": "0.9",
            "target_level": 2,
            "plan": "围绕汽车零部件细分行业推进改造",
        },
    )


@pytest.fixture
def ready(world: Any, market: Market, open_batch: Batch, sub_industry: SubIndustry) -> Application:
    self_assessment(world, level=1)  # the T0 the 2025 rules require (DOMAIN.md 2.6)
    market.admit()
    return complete_application(world, market, open_batch, sub_industry)


# ------------------------------------------------------------------------------------------------ batches


def test_the_batches_load_once_with_an_event_each(world: Any) -> None:
    loaded = services.batches_load(actor=None)
    assert sorted((b.code, outcome) for b, outcome in loaded) == [
        ("city-2023", "created"),
        ("city-2024", "created"),
        ("city-2025", "created"),
        ("platform-2022", "created"),
    ]
    assert set(Programme.objects.values_list("code", "model")) == {
        ("city-pilot", "city"),
        ("platform-pilot", "platform"),
    }
    city = Batch.objects.get(code="city-2025")
    assert city.parsed_rules().quotas.for_province("440000") == 2
    assert city.parsed_rules().min_retrofit_share == Decimal("0.80")
    assert Event.objects.filter(verb="batch.loaded").count() == 4
    again = services.batches_load(actor=None)
    assert {outcome for _b, outcome in again} == {"unchanged"}
    assert Event.objects.filter(verb__startswith="batch.").count() == 4


def test_a_new_version_of_a_rules_file_updates_its_batch_with_an_event(world: Any, tmp_path: Path) -> None:
    services.batches_load(actor=None)
    folder = batch_files(tmp_path)
    path = folder / "city-2024.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = "2024-v3"
    data["pilot_period_months"] = 30
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    outcomes = {b.code: o for b, o in services.batches_load(actor=None, directory=folder)}
    assert outcomes["city-2024"] == "updated" and outcomes["city-2025"] == "unchanged"
    batch = Batch.objects.get(code="city-2024")
    assert (batch.rules_version, batch.pilot_period_months) == ("2024-v3", 30)
    event = Event.objects.get(verb="batch.rules_changed")
    assert event.payload == {"from": "2024-v2", "to": "2024-v3"}


def test_a_broken_rules_file_loads_nothing(world: Any, tmp_path: Path) -> None:
    folder = batch_files(tmp_path)
    path = folder / "platform-2022.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["fund_split"]["min_retrofit_share"] = 1.5
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BatchRulesError, match="min_retrofit_share"):
        services.batches_load(actor=None, directory=folder)
    assert not Batch.objects.exists() and not Event.objects.filter(verb__startswith="batch.").exists()


# ----------------------------------------------------------------------------------------------- applications


@pytest.mark.parametrize(
    ("who", "kind"),
    [
        ("guangzhou", "provincial_capital"),
        ("shenzhen", "separately_planned_city"),
        ("guangdong", "province"),
        ("xpcc", "bingtuan"),
    ],
)
def test_applicant_kinds_come_from_the_authority_level_and_code(world: Any, who: str, kind: str) -> None:
    assert applicant_kind(world.orgs[who]) == kind


def test_only_an_authority_applies_and_only_in_the_window(world: Any, open_batch: Batch) -> None:
    with pytest.raises(ValidationError, match="只有地方主管部门可以申报试点"):
        services.application_create(
            actor=user(world, "provider"), applicant=world.orgs["provider"], batch=open_batch
        )
    closed = Batch.objects.get(code="city-2024")  # its window closed in 2024
    with pytest.raises(ValidationError, match="现在不在申报时间内"):
        services.application_create(
            actor=user(world, "guangzhou"), applicant=world.orgs["guangzhou"], batch=closed
        )
    assert not Application.objects.exists()


def test_one_application_per_authority_and_batch_until_it_is_withdrawn(world: Any, open_batch: Batch) -> None:
    actor, org = user(world, "guangzhou"), world.orgs["guangzhou"]
    first = services.application_create(actor=actor, applicant=org, batch=open_batch)
    with pytest.raises(ValidationError, match="本单位已有该批次的申报"):
        services.application_create(actor=actor, applicant=org, batch=open_batch)
    services.application_withdraw(actor=actor, application=first)
    second = services.application_create(actor=actor, applicant=org, batch=open_batch)
    assert second.state == ApplicationState.DRAFT and second.pk != first.pk
    assert Event.objects.filter(verb="application.withdrawn", target_id=str(first.pk)).exists()


def test_every_change_rechecks_eligibility(
    world: Any, market: Market, open_batch: Batch, sub_industry: SubIndustry
) -> None:
    self_assessment(world, level=1)
    market.admit()
    application = complete_application(world, market, open_batch, sub_industry)
    assert codes(application) == []
    assert application.rules_version == "2025-v2" and application.checked_at is not None
    entry = application.sub_industries.get()
    actor = user(world, "guangzhou")
    # 西湖 (杭州) lies outside 广州's jurisdiction and has no T0 assessment.
    row = services.application_add_enterprise(actor=actor, entry=entry, enterprise=world.registered.xihu)
    assert {"outside_jurisdiction", "no_t0_assessment"} <= set(codes(application))
    failure = next(f for f in application.eligibility if f["code"] == "outside_jurisdiction")
    assert world.registered.xihu.uscc in failure["sentence_zh"] and failure["sentence_en"]
    services.application_remove_enterprise(actor=actor, row=row)
    assert codes(application) == []
    services.application_update(actor=actor, application=application, data={"retrofit_share": "0.75"})
    assert "retrofit_share_below_minimum" in codes(application)


def test_fund_rules_wait_for_a_complete_fund_plan(world: Any, open_batch: Batch) -> None:
    application = services.application_create(
        actor=user(world, "guangzhou"), applicant=world.orgs["guangzhou"], batch=open_batch
    )
    assert not {"retrofit_share_below_minimum", "award_over_cap"} & set(codes(application))
    items = {i.code: i.done for i in checklist(application)}
    assert items == {
        "sub_industries": False,
        "providers": False,
        "enterprises": False,
        "fund_plan": False,
        "targets": False,
        "plan": False,
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"award_requested_yuan": "十万"}, "award_requested_yuan", "请输入数字"),
        ({"retrofit_share": "-0.1"}, "retrofit_share", "请输入不小于 0 的数字"),
        ({"award_requested_yuan": "100.001"}, "award_requested_yuan", "最多保留 2 位小数"),
        ({"retrofit_share": "1.5"}, "retrofit_share", "比例应在 0 到 1 之间"),
    ],
)
def test_bad_fund_figures_are_refused_and_nothing_is_saved(
    world: Any, open_batch: Batch, data: dict[str, str], field: str, message: str
) -> None:
    application = services.application_create(
        actor=user(world, "guangzhou"), applicant=world.orgs["guangzhou"], batch=open_batch
    )
    with pytest.raises(ValidationError) as caught:
        services.application_update(
            actor=user(world, "guangzhou"), application=application, data={"plan": "方案", **data}
        )
    assert field in caught.value.message_dict and message in " ".join(caught.value.message_dict[field])
    application.refresh_from_db()
    assert application.plan == "" and application.award_requested_yuan is None
    assert not Event.objects.filter(verb="application.updated").exists()


def test_a_sub_industry_or_an_enterprise_twice_is_refused(
    world: Any, market: Market, ready: Application, sub_industry: SubIndustry
) -> None:
    actor = user(world, "guangzhou")
    with pytest.raises(ValidationError, match="已经选过"):
        services.application_add_sub_industry(actor=actor, application=ready, sub_industry=sub_industry)
    entry = ready.sub_industries.get()
    with pytest.raises(ValidationError, match="已在本申报"):
        services.application_add_enterprise(actor=actor, entry=entry, enterprise=world.registered.own)
    with pytest.raises(ValidationError, match="已在这个细分行业中推荐过"):
        services.application_add_provider(actor=actor, entry=entry, provider=market.provider)
    assert ready.pool.count() == 1 and ready.sub_industries.count() == 1


def test_submit_needs_the_declaration_a_complete_checklist_and_no_failure(
    world: Any, open_batch: Batch, ready: Application
) -> None:
    actor = user(world, "guangzhou")
    with pytest.raises(ValidationError, match="申报承诺声明"):
        services.application_submit(actor=actor, application=ready, declared=False)
    services.application_update(actor=actor, application=ready, data={"plan": ""})
    with pytest.raises(ValidationError, match="申报还不完整：填写实施方案要点"):
        services.application_submit(actor=actor, application=ready, declared=True)
    with pytest.raises(ValidationError, match="之和不能超过 1"):
        services.application_update(actor=actor, application=ready, data={"service_share": "0.3"})
    services.application_update(
        actor=actor, application=ready, data={"plan": "方案", "retrofit_share": "0.7", "service_share": "0.3"}
    )
    with pytest.raises(ValidationError, match="项资格检查未通过"):
        services.application_submit(actor=actor, application=ready, declared=True)
    ready.refresh_from_db()
    assert ready.state == ApplicationState.DRAFT and ready.submitted_at is None
    services.application_update(
        actor=actor, application=ready, data={"retrofit_share": "0.8", "service_share": "0.2"}
    )
    done = services.application_submit(actor=actor, application=ready, declared=True)
    assert done.state == ApplicationState.SUBMITTED and done.submitted_at and done.declared_at
    event = Event.objects.get(verb="application.submitted")
    assert event.payload["rules_version"] == "2025-v2" and event.payload["to"] == "submitted"
    with pytest.raises(TransitionRefused, match="不能修改"):
        services.application_update(actor=actor, application=done, data={"plan": "改"})


def test_returned_edited_and_submitted_again(world: Any, ready: Application) -> None:
    authority, staff = user(world, "guangzhou"), user(world, "ministry")
    services.application_submit(actor=authority, application=ready, declared=True)
    with pytest.raises(ValidationError, match="请写明理由"):
        services.application_return(actor=staff, application=ready, reason="  ")
    returned = services.application_return(actor=staff, application=ready, reason="请补充企业清单")
    assert returned.state == ApplicationState.RETURNED and returned.reason == "请补充企业清单"
    services.application_update(actor=authority, application=returned, data={"plan": "补充后的方案"})
    again = services.application_submit(actor=authority, application=returned, declared=True)
    assert again.state == ApplicationState.SUBMITTED
    assert Event.objects.filter(verb="application.submitted").count() == 2


def test_review_and_rejection_transitions(world: Any, ready: Application) -> None:
    authority, staff = user(world, "guangzhou"), user(world, "ministry")
    with pytest.raises(TransitionRefused, match="当前状态（草稿）不能执行此操作"):
        services.application_reject(actor=staff, application=ready, reason="不符合")
    with pytest.raises(TransitionRefused):
        services.application_start_review(actor=staff, application=ready)
    services.application_submit(actor=authority, application=ready, declared=True)
    reviewing = services.application_start_review(actor=staff, application=ready)
    assert reviewing.state == ApplicationState.UNDER_REVIEW
    with pytest.raises(TransitionRefused):
        services.application_withdraw(actor=authority, application=reviewing)
    with pytest.raises(ValidationError, match="请写明理由"):
        services.application_reject(actor=staff, application=reviewing, reason="")
    rejected = services.application_reject(actor=staff, application=reviewing, reason="细分行业过于分散")
    assert rejected.state == ApplicationState.REJECTED and rejected.decided_at is not None
    with pytest.raises(TransitionRefused):
        services.application_return(actor=staff, application=rejected, reason="x")


def test_who_sees_an_application(world: Any, ready: Application) -> None:
    def sees(who: str) -> bool:
        return Application.objects.visible_to(world.viewer(who)).filter(pk=ready.pk).exists()

    assert sees("guangzhou") and sees("guangdong") and sees("ministry")
    assert not sees("zhejiang") and not sees("shenzhen") and not sees("enterprise") and not sees("provider")
