"""Filing (备案) a retrofit project under the pilot's project rules (services/filing.py): who may file for
whom, which lines, which dates, one funded project per enterprise and programme (DOMAIN.md 2.7, 8.15), and
the cost split stored with the rules' version; the rules themselves (their revision and the event of a
change)."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dengta.catalog.models import Admission, AdmissionState
from dengta.catalog.services import governance
from dengta.core.models import Event
from dengta.projects import cost_split
from dengta.projects.models import Project, ProjectLine, ProjectState
from dengta.projects.services import filing, ledger, steps
from dengta.projects.tests.conftest import Cast
from dengta.projects.tests.test_workflow import db_state

pytestmark = pytest.mark.django_db
S = ProjectState


def errors(caught: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(caught.value.messages)


def rules_change(cast: Cast, **changes: Any) -> Any:
    return filing.rules_update(actor=cast.user("guangzhou"), rules=filing.rules_for(cast.pilot), **changes)


# ------------------------------------------------------------------------------------------------ parties


def test_an_enterprise_outside_the_pilots_pool_is_refused(cast: Cast) -> None:
    outsider = cast.world.registered.tianhe
    before = db_state()
    with pytest.raises(ValidationError, match="天河精工有限公司 不在该试点的试点企业库中") as caught:
        cast.draft(enterprise=outsider)
    assert set(caught.value.message_dict) == {"enterprise"}
    assert db_state() == before


def test_a_suspended_provider_can_neither_draft_nor_file(cast: Cast) -> None:
    draft = cast.draft()
    admission = Admission.objects.get(provider=cast.market.provider, state=AdmissionState.ADMITTED)
    governance.governance_act(
        actor=cast.user("guangzhou"), admission=admission, kind="suspension", reason="未按期交付"
    )
    before = db_state()
    with pytest.raises(ValidationError, match="当前不是入库且履约正常的服务商") as caught:
        cast.draft(title="第二个项目")
    assert set(caught.value.message_dict) == {"provider"}
    with pytest.raises(ValidationError, match="当前不是入库且履约正常的服务商"):
        filing.project_file(actor=cast.user("provider"), project=draft)
    assert db_state() == before


def test_a_provider_not_admitted_is_refused(cast: Cast) -> None:
    other = cast.market.other_provider()
    before = db_state()
    with pytest.raises(ValidationError, match="深圳云智科技有限公司 当前不是入库且履约正常的服务商"):
        cast.draft(provider=other)
    assert db_state() == before


def test_the_pilot_must_be_running(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = cast.draft()
    pilot = cast.pilot
    before = db_state()
    for day in (pilot.starts_on - timedelta(days=1), pilot.ends_on + timedelta(days=1)):
        monkeypatch.setattr(timezone, "localdate", lambda *args, day=day, **kwargs: day)
        period = f"试点期为 {pilot.starts_on} 至 {pilot.ends_on}，当前不在试点期内"
        with pytest.raises(ValidationError, match=period):
            cast.draft(title="试点期外的项目")
        with pytest.raises(ValidationError, match=period):
            filing.project_file(actor=cast.user("provider"), project=draft)
    assert db_state() == before


# ------------------------------------------------------------------------------------------------ lines


def test_a_product_of_another_provider_is_refused(cast: Cast) -> None:
    other = cast.market.other_provider()
    theirs = cast.market.product(other, name="他家能耗监测", listed=False)
    before = db_state()
    with pytest.raises(ValidationError, match="他家能耗监测 不是本服务商的产品") as caught:
        cast.draft(lines=[filing.LineInput(cast.software, 1), filing.LineInput(theirs, 1)])
    assert set(caught.value.message_dict) == {"lines"}
    assert db_state() == before


def test_an_unlisted_product_is_refused(cast: Cast) -> None:
    unlisted = cast.market.product(name="未上架的排产系统", listed=False)
    before = db_state()
    with pytest.raises(ValidationError, match="未上架的排产系统 未上架，不能用于备案"):
        cast.draft(lines=[filing.LineInput(unlisted, 1)])
    assert db_state() == before


def test_a_product_chosen_twice_is_refused(cast: Cast) -> None:
    before = db_state()
    with pytest.raises(ValidationError, match="质量追溯SaaS 重复选择"):
        cast.draft(lines=[filing.LineInput(cast.software, 1), filing.LineInput(cast.software, 2)])
    assert db_state() == before


@pytest.mark.parametrize("quantity", [0, -1, 2.5, Decimal("2"), True, "3", 1_000_001], ids=repr)
def test_a_quantity_must_be_a_whole_number_from_1_to_a_million(cast: Cast, quantity: Any) -> None:
    before = db_state()
    with pytest.raises(ValidationError, match="质量追溯SaaS 的数量须为 1 到 1,000,000 的整数"):
        cast.draft(lines=[filing.LineInput(cast.software, quantity)])
    assert db_state() == before


def test_a_million_is_the_largest_quantity(cast: Cast) -> None:
    assert filing.MAX_QUANTITY == 1_000_000
    project = cast.draft(lines=[filing.LineInput(cast.software, 1_000_000)])
    assert project.contract_yuan == Decimal("24000000000.00")
    assert project.subsidy_yuan == Decimal("500000.00")  # the per-enterprise cap


def test_a_project_needs_a_line_and_a_title(cast: Cast) -> None:
    before = db_state()
    with pytest.raises(ValidationError, match="请至少选择一个产品"):
        cast.draft(lines=[])
    for title in ("", "   \n"):
        with pytest.raises(ValidationError, match="请填写项目名称") as caught:
            cast.draft(title=title)
        assert set(caught.value.message_dict) == {"title"}
    with pytest.raises(ValidationError, match="项目名称最多 120 个字"):
        cast.draft(title="改" * 121)
    assert db_state() == before


def test_the_database_refuses_a_line_priced_below_zero_or_above_its_list_price(cast: Cast) -> None:
    project = cast.draft()
    bad_prices = [(Decimal("100.00"), Decimal("100.01")), (Decimal("100.00"), Decimal("-0.01"))]
    product = cast.market.product(name="价格异常的产品", listed=False)
    for list_price, pilot_price in bad_prices:
        with pytest.raises(IntegrityError), transaction.atomic():
            ProjectLine.objects.create(
                project=project,
                product=product,
                name="价格异常的产品",
                category="software",
                list_price_yuan=list_price,
                pilot_price_yuan=pilot_price,
                quantity=1,
            )
    assert project.lines.count() == 2


# ------------------------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("contract_signed_on", "本试点要求先备案、后签约"),
        ("first_payment_on", "本试点要求先备案、后付款"),
    ],
)
def test_a_contract_or_payment_before_filing_is_refused(cast: Cast, field: str, message: str) -> None:
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    before = db_state()
    with pytest.raises(ValidationError, match=f"{yesterday} 早于备案日期 {today}：{message}") as caught:
        cast.draft(**{field: yesterday})
    assert set(caught.value.message_dict) == {field}
    assert db_state() == before


def test_a_contract_recorded_after_approval_may_not_predate_the_filing(cast: Cast) -> None:
    project = cast.approved()
    before = db_state()
    with pytest.raises(ValidationError, match="本试点要求先备案、后签约"):
        steps.contract_record(
            actor=cast.user("provider"), project=project, signed_on=timezone.localdate() - timedelta(days=1)
        )
    assert db_state() == before


def test_contracts_and_payments_before_filing_are_allowed_when_the_rule_is_off(cast: Cast) -> None:
    rules_change(cast, filing_before_contract=False)
    earlier = timezone.localdate() - timedelta(days=5)
    project = cast.filed(contract_signed_on=earlier, first_payment_on=earlier)
    assert project.state == S.FILED
    assert (project.contract_signed_on, project.first_payment_on) == (earlier, earlier)
    approved = steps.project_approve(actor=cast.user("guangzhou"), project=project)
    recorded = steps.contract_record(actor=cast.user("provider"), project=approved, signed_on=earlier)
    assert recorded.contract_signed_on == earlier


def test_the_schedule_must_end_after_it_starts(cast: Cast) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="计划完成日期不能早于计划开始日期"):
        cast.draft(starts_on=today + timedelta(days=10), ends_on=today)


# ------------------------------------------------------------------------------------- one per enterprise


def test_a_second_project_for_the_same_enterprise_is_refused(cast: Cast) -> None:
    first = cast.filed()
    second = cast.draft(title="第二个改造项目")
    before = db_state()
    expected = f"{cast.enterprise.name} 在本试点项目中已有补贴项目（{first.title}），每家企业限一个"
    with pytest.raises(ValidationError, match=expected):  # a filed project counts
        filing.project_file(actor=cast.user("provider"), project=second)
    assert db_state() == before
    steps.project_approve(actor=cast.user("guangzhou"), project=first)
    before = db_state()
    with pytest.raises(ValidationError, match=expected):  # and an approved one
        filing.project_file(actor=cast.user("provider"), project=second)
    assert db_state() == before
    assert Project.objects.get(pk=second.pk).state == S.DRAFT


def test_without_the_rule_the_second_project_gets_what_is_left_under_the_cap(cast: Cast) -> None:
    rules = rules_change(cast, one_project_per_enterprise=False, cap_per_enterprise_yuan=Decimal("30000.00"))
    first = cast.approved()
    assert first.subsidy_yuan == Decimal("24000.00")
    second = cast.filed(title="第二个改造项目")

    assert second.state == S.FILED
    assert second.prior_subsidy_yuan == Decimal("24000.00")
    assert second.subsidy_yuan == Decimal("6000.00")  # 30,000 cap − 24,000 held, below 50 % of 48,000
    central = (second.subsidy_yuan * rules.central_share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert (second.central_yuan, second.local_yuan) == (central, second.subsidy_yuan - central)
    assert second.enterprise_yuan == second.contract_yuan - second.subsidy_yuan
    approved = steps.project_approve(actor=cast.user("guangzhou"), project=second)
    assert approved.state == S.APPROVED


def test_approval_is_refused_when_it_would_pass_the_cap(cast: Cast) -> None:
    rules_change(cast, one_project_per_enterprise=False, cap_per_enterprise_yuan=Decimal("30000.00"))
    first, second = cast.filed(), cast.filed(title="第二个改造项目")
    # Filed side by side, neither held anything yet: each was split to the full 24,000.
    assert first.subsidy_yuan == second.subsidy_yuan == Decimal("24000.00")
    steps.project_approve(actor=cast.user("guangzhou"), project=first)
    before = db_state()

    with pytest.raises(ledger.LedgerRefused) as caught:
        steps.project_approve(actor=cast.user("guangzhou"), project=second)

    assert "已获补贴 24,000.00 元，加上本项目的 24,000.00 元超过单户上限 30,000.00 元" in errors(caught)
    assert db_state() == before
    assert Project.objects.get(pk=second.pk).state == S.FILED


# ------------------------------------------------------------------------------------------------ the split


def test_the_split_is_stored_with_the_rules_version_and_its_explanation(cast: Cast) -> None:
    project = cast.filed()
    rules = filing.rules_for(cast.pilot)
    assert rules.version == project.rules_version == "2025-v2/r1"
    # 2 × 24,000 software (eligible) + 90,000 equipment (not eligible by the 2025 rules)
    assert (project.contract_yuan, project.concession_yuan, project.eligible_yuan) == (
        Decimal("138000.00"),
        Decimal("22000.00"),
        Decimal("48000.00"),
    )
    assert project.subsidy_yuan == Decimal("24000.00")
    assert project.central_yuan + project.local_yuan == project.subsidy_yuan
    assert project.enterprise_yuan == Decimal("114000.00")
    assert [line["figure"] for line in project.split_explanation] == list(cost_split.FIGURES)
    by_figure = {line["figure"]: line for line in project.split_explanation}
    for figure in cost_split.FIGURES:
        assert Decimal(by_figure[figure]["amount_yuan"]) == getattr(project, figure)
    assert by_figure["subsidy_yuan"]["rules"] == ["subsidy_rate", "cap_per_enterprise_yuan"]
    assert "补贴比例50%" in by_figure["subsidy_yuan"]["zh"]
    filed = Event.objects.get(verb="project.filed", target_id=str(project.pk))
    assert filed.payload["rules_version"] == "2025-v2/r1"
    assert filed.payload["subsidy_yuan"] == "24000.00"


def test_the_central_share_defaults_to_the_retrofit_part_of_the_subsidy_money(cast: Cast) -> None:
    money = cast.pilot.allocation
    expected = (money.retrofit_yuan / (money.retrofit_yuan + money.local_matching_yuan)).quantize(
        Decimal("0.000001"), rounding=ROUND_HALF_UP
    )
    rules = filing.rules_for(cast.pilot)
    assert rules.central_share == expected
    assert Decimal(0) < expected < Decimal(1)
    project = cast.filed()
    central = (project.subsidy_yuan * expected).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert (project.central_yuan, project.local_yuan) == (central, project.subsidy_yuan - central)


def test_the_subsidy_is_held_to_the_rate_and_to_the_cap(cast: Cast) -> None:
    rules_change(cast, subsidy_rate=Decimal("0.3"))
    assert cast.draft().subsidy_yuan == Decimal("14400.00")  # 48,000 × 30 %
    rules_change(cast, cap_per_enterprise_yuan=Decimal("10000.00"))
    capped = cast.draft()
    assert capped.subsidy_yuan == Decimal("10000.00")
    assert capped.rules_version == "2025-v2/r3"


def test_a_rules_change_raises_the_revision_with_an_event(cast: Cast) -> None:
    filed_before = cast.filed()
    rules = rules_change(cast, subsidy_rate=Decimal("0.4"), filing_before_contract=False)

    assert (rules.revision, rules.version) == (2, "2025-v2/r2")
    event = Event.objects.get(verb="project_rules.changed")
    assert event.payload["version"] == "2025-v2/r2"
    assert event.payload["before"] == {"subsidy_rate": "0.500000", "filing_before_contract": True}
    assert Decimal(event.payload["after"]["subsidy_rate"]) == Decimal("0.4")
    assert event.payload["after"]["filing_before_contract"] is False
    assert event.actor_id == cast.user("guangzhou").pk
    # The project filed before keeps the version it was split with; a new draft uses the new one.
    assert Project.objects.get(pk=filed_before.pk).rules_version == "2025-v2/r1"
    later = cast.draft(title="规则修改后的项目")
    assert later.rules_version == "2025-v2/r2"
    assert later.subsidy_yuan == Decimal("19200.00")  # 48,000 × 40 %


def test_a_rules_change_that_is_not_valid_writes_nothing(cast: Cast) -> None:
    rules = filing.rules_for(cast.pilot)
    before = db_state()
    with pytest.raises(ValueError, match="unknown project rules"):
        filing.rules_update(actor=cast.user("guangzhou"), rules=rules, subsidy_share=Decimal("0.4"))
    with pytest.raises(ValidationError, match="请选择目录中的产品类别"):
        filing.rules_update(actor=cast.user("guangzhou"), rules=rules, eligible_categories=["robots"])
    with pytest.raises(ValidationError):
        filing.rules_update(actor=cast.user("guangzhou"), rules=rules, subsidy_rate=Decimal("1.5"))
    assert db_state() == before
