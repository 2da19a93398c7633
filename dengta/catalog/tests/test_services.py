"""The catalogue's writes: every admission, listing, governance and quote transition, allowed and refused with
the reason, and bad input refused without half-saving (docs/catalogue.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dengta.catalog.models import (
    Admission,
    AdmissionState,
    GovernanceAction,
    Product,
    ProductLift,
    ProductState,
    ProviderRating,
    ProviderScore,
    QuoteRequest,
    QuoteState,
    Standing,
)
from dengta.catalog.selectors import catalogue_products, listing_standing
from dengta.catalog.services import admissions, governance, products, quotes
from dengta.catalog.tests.conftest import Market
from dengta.core.decisions import Conflict
from dengta.core.models import Event
from dengta.core.workflows import TransitionRefused

pytestmark = pytest.mark.django_db


def verbs(target: Any) -> list[str]:
    kind = f"{target._meta.app_label}.{target._meta.model_name}"
    events = Event.objects.filter(target_type=kind, target_id=str(target.pk)).order_by("seq")
    return list(events.values_list("verb", flat=True))


# ----------------------------------------------------------------------------------------------- admission


def test_an_application_goes_from_draft_to_admitted_with_an_event_for_each_step(market: Market) -> None:
    admission = market.apply()
    assert admission.state == AdmissionState.DRAFT and admission.references[0]["year"] == 2024
    admission = admissions.admission_submit(actor=market.user("provider"), admission=admission)
    assert admission.state == AdmissionState.SUBMITTED and admission.submitted_at is not None
    admission = admissions.admission_start_review(actor=market.user("guangzhou"), admission=admission)
    admission = admissions.admission_decide(
        actor=market.user("guangzhou"), admission=admission, decision="admit"
    )
    assert admission.state == AdmissionState.ADMITTED and admission.standing == Standing.GOOD
    assert verbs(admission) == [
        "admission.created",
        "admission.submitted",
        "admission.review_started",
        "admission.admitted",
    ]


@pytest.mark.parametrize(
    ("decision", "state"), [("return", AdmissionState.RETURNED), ("refuse", AdmissionState.REFUSED)]
)
def test_returning_or_refusing_needs_a_reason_the_provider_sees(
    market: Market, decision: str, state: str
) -> None:
    admission = admissions.admission_submit(actor=market.user("provider"), admission=market.apply())
    with pytest.raises(ValidationError) as refused:
        admissions.admission_decide(actor=market.user("guangzhou"), admission=admission, decision=decision)
    assert "请填写理由" in str(refused.value.message_dict["reason"])
    assert Admission.objects.get(pk=admission.pk).state == AdmissionState.SUBMITTED
    done = admissions.admission_decide(
        actor=market.user("guangzhou"), admission=admission, decision=decision, reason="案例无法核实"
    )
    assert done.state == state and done.reason == "案例无法核实"
    assert (
        Event.objects.filter(verb=f"admission.{state}", target_id=str(admission.pk)).get().payload["reason"]
    )


def test_a_returned_application_is_completed_and_submitted_again(market: Market) -> None:
    admission = admissions.admission_submit(actor=market.user("provider"), admission=market.apply())
    admission = admissions.admission_decide(
        actor=market.user("guangzhou"), admission=admission, decision="return", reason="请补充财务报表"
    )
    admission = admissions.admission_update(actor=market.user("provider"), admission=admission, capacity=12)
    admission = admissions.admission_submit(actor=market.user("provider"), admission=admission)
    assert admission.state == AdmissionState.SUBMITTED and admission.capacity == 12


@pytest.mark.parametrize(
    ("step", "states_refused"),
    [
        ("submit", [AdmissionState.SUBMITTED, AdmissionState.ADMITTED, AdmissionState.REFUSED]),
        ("admit", [AdmissionState.DRAFT, AdmissionState.RETURNED, AdmissionState.REFUSED]),
        ("withdraw", [AdmissionState.ADMITTED, AdmissionState.REFUSED, AdmissionState.UNDER_REVIEW]),
    ],
)
def test_a_step_from_a_state_it_does_not_start_from_is_refused_naming_the_state(
    market: Market, step: str, states_refused: list[str]
) -> None:
    admission = market.apply()
    for state in states_refused:
        Admission.objects.filter(pk=admission.pk).update(state=state, reason="理由")
        admission.refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            if step == "submit":
                admissions.admission_submit(actor=market.user("provider"), admission=admission)
            elif step == "admit":
                admissions.admission_decide(
                    actor=market.user("guangzhou"), admission=admission, decision="admit"
                )
            else:
                admissions.admission_withdraw(actor=market.user("provider"), admission=admission)
        assert admission.get_state_display() in " ".join(refused.value.messages)
        assert Admission.objects.get(pk=admission.pk).state == state


def test_applying_twice_to_one_pool_in_one_period_is_refused(market: Market) -> None:
    market.apply()
    with pytest.raises(ValidationError) as twice:
        market.apply()
    assert "同一年度不能重复申请" in " ".join(twice.value.messages)
    assert Admission.objects.filter(pool=market.pool).count() == 1


def test_an_incomplete_application_lists_what_is_missing_and_stays_a_draft(market: Market) -> None:
    admission = market.apply(references=market_references(1), capacity=0, qualifications="")
    with pytest.raises(ValidationError) as refused:
        admissions.admission_submit(actor=market.user("provider"), admission=admission)
    text = " ".join(refused.value.messages)
    assert "至少 3 个企业案例，目前填写了 1 个" in text
    assert "同时承接的项目数" in text and "资质情况" in text
    assert Admission.objects.get(pk=admission.pk).state == AdmissionState.DRAFT


def market_references(n: int) -> list[dict[str, str]]:
    return [{"enterprise": f"案例企业{i}", "project": "设备联网", "year": "2025"} for i in range(n)]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"enterprise": "甲公司", "project": ""}], "请同时填写企业名称和服务内容"),
        ([{"enterprise": "甲公司", "project": "联网", "year": "1999"}], "年份应为 2000"),
        ([{"enterprise": "甲公司", "project": "联网", "year": "二〇二四"}], "年份应为 2000"),
        (
            [{"enterprise": "甲公司", "project": "联网"}, {"enterprise": "甲公司", "project": "追溯"}],
            "重复，同一企业只算一个案例",
        ),
    ],
)
def test_references_are_checked_and_nothing_is_saved(market: Market, rows: list[Any], message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        market.apply(references=rows)
    assert message in " ".join(refused.value.message_dict["references"])
    assert not Admission.objects.exists()


def test_a_pool_that_accepts_other_kinds_refuses_the_application_naming_them(market: Market) -> None:
    from dengta.registry.models import ProviderKind

    market.pool.kinds.set([ProviderKind.objects.get(code="platform")])
    with pytest.raises(ValidationError) as refused:
        market.apply()
    assert "公共服务平台" in refused.value.message_dict["kind"][0]


def test_a_pool_with_expert_review_waits_for_an_opinion_before_admitting(market: Market) -> None:
    market.pool.expert_review = True
    market.pool.save()
    admission = admissions.admission_submit(actor=market.user("provider"), admission=market.apply())
    admission = admissions.admission_start_review(actor=market.user("guangzhou"), admission=admission)
    with pytest.raises(TransitionRefused) as waiting:
        admissions.admission_decide(actor=market.user("guangzhou"), admission=admission, decision="admit")
    assert "专家" in " ".join(waiting.value.messages)
    admissions.admission_opinion(
        actor=market.user("expert"), admission=admission, recommend=True, comment="案例真实"
    )
    with pytest.raises(ValidationError):
        admissions.admission_opinion(
            actor=market.user("expert"), admission=admission, recommend=False, comment="再评"
        )
    done = admissions.admission_decide(actor=market.user("guangzhou"), admission=admission, decision="admit")
    assert done.state == AdmissionState.ADMITTED


# ------------------------------------------------------------------------------------------- governance


def test_a_warning_needs_a_future_deadline_and_puts_the_provider_under_rectification(market: Market) -> None:
    admission = market.admit()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as no_deadline:
        governance.governance_act(
            actor=market.user("guangzhou"), admission=admission, kind="warning", reason="延期"
        )
    assert "整改期限" in no_deadline.value.message_dict["rectify_by"][0]
    with pytest.raises(ValidationError):
        governance.governance_act(
            actor=market.user("guangzhou"),
            admission=admission,
            kind="warning",
            reason="延期",
            rectify_by=today,
        )
    governance.governance_act(
        actor=market.user("guangzhou"),
        admission=admission,
        kind="warning",
        reason="两个项目交付延期",
        rectify_by=today + dt.timedelta(days=30),
    )
    admission.refresh_from_db()
    assert admission.standing == Standing.WARNED and admission.rectify_by == today + dt.timedelta(days=30)
    assert listing_standing(market.provider).allowed  # a warned provider still delivers while it rectifies


def test_a_suspended_provider_can_list_nothing_and_receive_no_quote_request(
    market: Market, world: Any
) -> None:
    admission = market.admit()
    product = market.product()
    draft = market.product(name="设备联网网关", listed=False)
    governance.governance_act(
        actor=market.user("guangzhou"), admission=admission, kind="suspension", reason="虚报案例"
    )
    refused = listing_standing(market.provider)
    assert not refused and "暂停" in refused.reason
    with pytest.raises(Conflict) as no_listing:
        products.product_submit(actor=market.user("provider"), product=draft)
    assert "暂停" in no_listing.value.reason
    assert Product.objects.get(pk=draft.pk).state == ProductState.DRAFT
    assert product not in catalogue_products()  # its listed products leave the catalogue while suspended
    with pytest.raises(Conflict):
        quotes.quote_request(
            actor=market.user("enterprise"), enterprise=world.registered.own, products=[product]
        )
    assert not QuoteRequest.objects.exists()


def test_removal_and_reinstatement_follow_the_allowed_order(market: Market) -> None:
    admission = market.admit()
    with pytest.raises(ValidationError) as nothing_to_lift:
        governance.governance_act(
            actor=market.user("guangzhou"), admission=admission, kind="reinstatement", reason="x"
        )
    assert "不能采取" in " ".join(nothing_to_lift.value.messages)
    governance.governance_act(
        actor=market.user("guangzhou"), admission=admission, kind="removal", reason="严重违约"
    )
    admission.refresh_from_db()
    assert admission.standing == Standing.REMOVED
    with pytest.raises(ValidationError):
        governance.governance_act(
            actor=market.user("guangzhou"),
            admission=admission,
            kind="warning",
            reason="x",
            rectify_by=timezone.localdate() + dt.timedelta(days=5),
        )
    assert not listing_standing(market.provider)


def test_an_appeal_that_overturns_a_suspension_restores_the_standing_before_it(market: Market) -> None:
    admission = market.admit()
    action = governance.governance_act(
        actor=market.user("guangzhou"), admission=admission, kind="suspension", reason="投诉"
    )
    with pytest.raises(ValidationError):
        governance.governance_appeal(actor=market.user("provider"), action=action, text="  ")
    governance.governance_appeal(actor=market.user("provider"), action=action, text="投诉不属实，附合同")
    with pytest.raises(ValidationError):
        governance.governance_appeal(actor=market.user("provider"), action=action, text="再次申诉")
    with pytest.raises(ValidationError):
        governance.governance_decide_appeal(
            actor=market.user("guangzhou"), action=action, overturn=True, reason=""
        )
    governance.governance_decide_appeal(
        actor=market.user("guangzhou"), action=action, overturn=True, reason="经核实投诉不属实"
    )
    admission.refresh_from_db()
    action.refresh_from_db()
    assert admission.standing == Standing.GOOD and action.appeal == GovernanceAction.Appeal.OVERTURNED
    assert "provider.appeal_decided" in verbs(admission)


def test_an_upheld_appeal_keeps_the_measure(market: Market) -> None:
    admission = market.admit()
    action = governance.governance_act(
        actor=market.user("guangzhou"), admission=admission, kind="suspension", reason="x"
    )
    governance.governance_appeal(actor=market.user("provider"), action=action, text="申诉")
    governance.governance_decide_appeal(
        actor=market.user("guangzhou"), action=action, overturn=False, reason="维持"
    )
    admission.refresh_from_db()
    assert admission.standing == Standing.SUSPENDED


# ---------------------------------------------------------------------------------------------- products


def test_a_product_goes_from_draft_to_listed_and_is_delisted_with_a_reason(market: Market) -> None:
    market.admit()
    product = market.product(listed=False)
    assert product.state == ProductState.DRAFT and product.framework_version
    product = products.product_submit(actor=market.user("provider"), product=product)
    assert product.state == ProductState.PENDING
    with pytest.raises(ValidationError) as needs_reason:
        products.product_review(actor=market.user("guangzhou"), product=product, decision="reject")
    assert "理由" in needs_reason.value.message_dict["reason"][0]
    product = products.product_review(actor=market.user("guangzhou"), product=product, decision="list")
    assert product.state == ProductState.LISTED and product.listed_at is not None
    assert product in catalogue_products()
    with pytest.raises(ValidationError):
        products.product_update(actor=market.user("provider"), product=product, name="改名")
    with pytest.raises(ValidationError):
        products.product_delist(actor=market.user("provider"), product=product, reason="")
    product = products.product_delist(actor=market.user("provider"), product=product, reason="停止销售")
    assert product.state == ProductState.DELISTED and product not in catalogue_products()
    assert verbs(product) == ["product.created", "product.submitted", "product.listed", "product.delisted"]


def test_a_provider_not_admitted_cannot_submit_a_product(market: Market) -> None:
    product = market.product(listed=False)
    with pytest.raises(Conflict) as refused:
        products.product_submit(actor=market.user("provider"), product=product)
    assert "尚未入库" in refused.value.reason


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"list_price": "1000", "pilot_price": "1200"}, "pilot_price", "试点优惠价不能高于市场价"),
        ({"list_price": "-5", "pilot_price": "0"}, "list_price", "价格不能为负数"),
        ({"list_price": "一万", "pilot_price": "0"}, "list_price", "价格应为数字"),
        ({"list_price": "NaN", "pilot_price": "0"}, "list_price", "价格应为数字"),
        ({"list_price": "100.123", "pilot_price": "0"}, "list_price", "最多两位小数"),
        ({"list_price": "1e9", "pilot_price": "0"}, "list_price", "1 亿元"),
        ({"lifts": [{"kind": "scenario", "code": "quality", "level": 5}]}, "lifts", "只有 1 到 4 级"),
        ({"lifts": [{"kind": "scenario", "code": "quality", "level": 0}]}, "lifts", "不能提升到 0 级"),
        ({"lifts": [{"kind": "scenario", "code": "teleport", "level": 2}]}, "lifts", "没有场景“teleport”"),
        ({"lifts": [{"kind": "item", "code": "no.such.item", "options": ["A"]}]}, "lifts", "没有评测项"),
        ({"lifts": [{"kind": "scenario", "code": "quality", "level": "二"}]}, "lifts", "1 到 4 的整数"),
        ({"lifts": []}, "lifts", "至少填写一个"),
        ({"name": "质量追溯\u202eSaaS"}, "name", "U+202E"),
        ({"name": "质量\u200b追溯SaaS"}, "name", "U+200B"),
    ],
)
def test_bad_product_data_is_refused_with_the_reason_and_nothing_is_saved(
    market: Market, fields: dict[str, Any], field: str, message: str
) -> None:
    data = {"list_price": "30000", "pilot_price": "24000", **fields}
    with pytest.raises(ValidationError) as refused:
        market.product(
            listed=False, **{k: v for k, v in data.items() if k != "lifts"}, lifts=data.get("lifts")
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert not Product.objects.exists() and not ProductLift.objects.exists()


def test_the_concession_is_shown_in_yuan_and_percent(market: Market) -> None:
    product = market.product(listed=False, list_price="30000", pilot_price="24000")
    assert product.concession_yuan == Decimal("6000.00") and product.concession_pct == Decimal("20.0")


# ------------------------------------------------------------------------------------------------ quotes


def test_a_quote_request_is_answered_and_accepted(market: Market, world: Any) -> None:
    market.admit()
    product = market.product()
    quote = quotes.quote_request(
        actor=market.user("enterprise"),
        enterprise=world.registered.own,
        products=[product],
        message="三个月内上线",
    )
    with pytest.raises(ValidationError) as again:
        quotes.quote_request(
            actor=market.user("enterprise"), enterprise=world.registered.own, products=[product]
        )
    assert "已经向该服务商请求过" in " ".join(again.value.messages)
    with pytest.raises(ValidationError):
        quotes.quote_answer(actor=market.user("provider"), quote=quote, quote_yuan="-1")
    with pytest.raises(ValidationError):
        quotes.quote_answer(actor=market.user("provider"), quote=quote, decline=True, answer="")
    quote = quotes.quote_answer(
        actor=market.user("provider"), quote=quote, quote_yuan="22,000.50", answer="含实施"
    )
    assert quote.state == QuoteState.ANSWERED and quote.quote_yuan == Decimal("22000.50")
    quote = quotes.quote_decide(actor=market.user("enterprise"), quote=quote, accept=True)
    assert quote.state == QuoteState.ACCEPTED
    with pytest.raises(TransitionRefused):
        quotes.quote_decide(actor=market.user("enterprise"), quote=quote, accept=False)


def test_one_request_goes_to_one_provider(market: Market, world: Any) -> None:
    market.admit()
    other = market.other_provider()
    market.admit(other)
    mine = market.product()
    theirs = market.product(other, name="云MES")
    with pytest.raises(ValidationError) as two:
        quotes.quote_request(
            actor=market.user("enterprise"), enterprise=world.registered.own, products=[mine, theirs]
        )
    assert "只能发给一家服务商" in " ".join(two.value.messages)


# ----------------------------------------------------------------------------------------------- ratings


def test_only_an_enterprise_that_worked_with_the_provider_may_rate_it(market: Market, world: Any) -> None:
    market.admit()
    product = market.product()
    own = world.registered.own
    with pytest.raises(ValidationError) as never:
        governance.provider_rate(
            actor=market.user("enterprise"), provider=market.provider, enterprise=own, stars=5
        )
    assert "合作过" in " ".join(never.value.messages)
    assert not ProviderRating.objects.exists()
    quote = quotes.quote_request(actor=market.user("enterprise"), enterprise=own, products=[product])
    quotes.quote_answer(actor=market.user("provider"), quote=quote, quote_yuan="20000")
    quotes.quote_decide(actor=market.user("enterprise"), quote=quote, accept=True)
    with pytest.raises(ValidationError):
        governance.provider_rate(
            actor=market.user("enterprise"), provider=market.provider, enterprise=own, stars=6
        )
    governance.provider_rate(
        actor=market.user("enterprise"), provider=market.provider, enterprise=own, stars=4
    )
    score = ProviderScore.objects.get(provider=market.provider)
    # One rating is fewer than the formula's minimum for satisfaction; the project inputs have no data yet.
    statuses = {c["code"]: c["status"] for c in score.components}
    assert statuses["satisfaction"] == "too_few" and statuses["acceptance_pass_rate"] == "no_data"
    assert score.stars is None and Product.objects.get(pk=product.pk).rating is None
