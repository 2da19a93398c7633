"""Gain-sharing contracts on projects (services/gain.py, gain_permissions.py, gain_views.py, _gain.html).

The figures are worked by hand (gain_share's rules, docs/projects.md "Gain sharing"): the worked example is
energy per 100 yuan of revenue, baseline 1.20, 10,000 yuan per unit, 30 % to the provider, cap 5,000 over 4
periods. Measured 1.00 → gain 2,000, fee 600; 1.25 → gain −500, fee 0; 0.50 → gain 7,000, fee 2,100; 0.10 →
gain 11,000, 30 % is 3,300 but 5,000 − 2,700 = 2,300 is left → fee 2,300. Corrected to 0.90 in period 1 →
gain 3,000, fee 900; period 3 still 2,100 (room 4,100); period 4 then has 5,000 − 3,000 = 2,000 left → 2,000.

The POST routes are served here by this module's URLconf (the project's urls.py wires the same views): the
routes the page's forms post to, under the "projects" namespace.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.utils import timezone, translation

from config import urls as root_urls
from dengta.assessment.models import Assessment, Kind
from dengta.assessment.services import assessment_save_answers, assessment_start, assessment_submit
from dengta.assessment.tests.conftest import LEVEL2_CHOICES, scenarios_at
from dengta.core.access import Viewer
from dengta.core.models import Event
from dengta.projects import gain_permissions, gain_share, gain_views
from dengta.projects import urls as project_urls
from dengta.projects.gain_models import (
    BaselineSource,
    GainContract,
    GainContractState,
    GainStatement,
    GainStatementState,
    KpiCode,
    add_months,
)
from dengta.projects.models import Project
from dengta.projects.services import gain, steps
from dengta.projects.tests.conftest import Cast

pytestmark = pytest.mark.django_db

# --------------------------------------------------------------------------------------------- URLconf

urlpatterns = [
    path(
        "projects/",
        include(
            (
                [
                    *project_urls.urlpatterns,
                    path("<int:pk>/gain/contract/", gain_views.gain_contract, name="gain_contract"),
                    path("<int:pk>/gain/statements/", gain_views.gain_statement, name="gain_statement"),
                    path("gain/statements/<int:pk>/dispute/", gain_views.gain_dispute, name="gain_dispute"),
                    path("gain/statements/<int:pk>/settle/", gain_views.gain_settle, name="gain_settle"),
                ],
                "projects",
            )
        ),
    ),
    *(p for p in root_urls.urlpatterns if getattr(p, "namespace", None) != "projects"),
]
handler400, handler403 = root_urls.handler400, root_urls.handler403
handler404, handler500 = root_urls.handler404, root_urls.handler500
ROUTES = pytest.mark.urls(__name__)

# --------------------------------------------------------------------------------------------- helpers

D = Decimal
TODAY = timezone.localdate()


def long_ago(periods: int = 4, months: int = 12) -> date:
    """A first period so long ago that every period of the term is over."""
    return add_months(TODAY, -periods * months - 1)


def terms(**changes: Any) -> dict[str, Any]:
    """The worked example's terms (module docstring), with an agreed baseline."""
    base: dict[str, Any] = {
        "kpi": "energy_per_100_yuan_revenue",
        "baseline": "1.20",
        "yuan_per_unit": "10000",
        "share": "0.3",
        "cap_total_yuan": "5000",
        "term_periods": 4,
        "period_months": 12,
        "starts_on": long_ago(),
    }
    base.update(changes)
    return base


def sign(cast: Cast, project: Project | None = None, **changes: Any) -> GainContract:
    return gain.contract_create(
        actor=cast.user("provider"), project=project or cast.approved(), **terms(**changes)
    )


def submit(cast: Cast, contract: GainContract, *values: Any) -> list[GainStatement]:
    return [gain.statement_submit(actor=cast.user("provider"), contract=contract, measured=v) for v in values]


def figures(contract: GainContract) -> list[tuple[str, str]]:
    return [(f"{s.gain_yuan:.2f}", f"{s.fee_yuan:.2f}") for s in contract.statements.order_by("period")]


def viewer(cast: Cast, who: str) -> Viewer:
    return cast.world.viewer(who)


def written() -> tuple[int, int, int]:
    return GainContract.objects.count(), GainStatement.objects.count(), Event.objects.count()


def t0(cast: Cast, numbers: dict[str, str]) -> Assessment:
    """The cast enterprise's own T0 self-assessment with these collected numbers, scored (a final result)."""
    actor = cast.user("enterprise")
    assessment = assessment_start(
        actor=actor,
        enterprise=cast.enterprise,
        kind=Kind.SELF,
        phase="t0",
        author_organization=cast.enterprise.organization,
    )
    parsed = assessment_save_answers(
        actor=actor, assessment=assessment, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2), numbers=numbers
    )
    assert not parsed.problems, parsed.problems
    scored = assessment_submit(actor=actor, assessment=assessment, pledge=True)
    assert scored.is_final
    return scored


# Consistent with LEVEL2_CHOICES: energy and revenue per employee flat (B), cost per 100 yuan up (A).
# Baselines: energy 500 × 10 / 4,000 = 1.25 kgce per 100 yuan; revenue 4,000 / 120 = 33.333333 (half-up)
# 10,000 yuan per employee; cost 3,000 / 4,000 × 100 = 75 yuan per 100 yuan.
T0_NUMBERS = {
    "energy_last": "500",
    "energy_prior": "400",
    "revenue_last": "4000",
    "revenue_prior": "3200",
    "employees_last": "120",
    "employees_prior": "96",
    "cost_last": "3000",
    "cost_prior": "2000",
}


# --------------------------------------------------------------------------------------------- the figures

CAP_CASES = [
    pytest.param(
        {},
        ["1.00", "1.25", "0.50", "0.10"],
        [("2000.00", "600.00"), ("-500.00", "0.00"), ("7000.00", "2100.00"), ("11000.00", "2300.00")],
        id="worked-example-cap-binds-in-period-4",
    ),
    pytest.param(
        # 0.20: gain 10,000, 30 % = 3,000 but the cap is 1,000; then the cap is used up whatever the gain
        {"cap_total_yuan": "1000", "term_periods": 3, "starts_on": long_ago(3)},
        ["0.20", "0.10", "0.90"],
        [("10000.00", "1000.00"), ("11000.00", "0.00"), ("3000.00", "0.00")],
        id="cap-used-up-in-period-1",
    ),
    pytest.param(
        # higher is better, the baseline kept: no gain, no fee; worse: negative gain, no fee, no claw-back
        {
            "kpi": "pass_rate",
            "baseline": "90",
            "yuan_per_unit": "1000",
            "term_periods": 3,
            "starts_on": long_ago(3),
        },
        ["90", "85.5", "92"],
        [("0.00", "0.00"), ("-4500.00", "0.00"), ("2000.00", "600.00")],
        id="zero-and-negative-gains",
    ),
    pytest.param(
        # a custom metered KPI, lower is better, quarterly: 2 kWh saved × 0.125 yuan × 100 % = 0.25
        {
            "kpi": "custom",
            "kpi_name": "单件电耗",
            "kpi_unit": "千瓦时/件",
            "lower_is_better": True,
            "baseline": "10",
            "yuan_per_unit": "0.125",
            "share": "1",
            "term_periods": 2,
            "period_months": 3,
            "starts_on": long_ago(2, 3),
        },
        ["8", "10.000001"],
        [("0.25", "0.25"), ("0.00", "0.00")],
        id="custom-quarterly-fraction-of-a-fen",
    ),
]


@pytest.mark.parametrize(("changes", "measured", "expected"), CAP_CASES)
def test_statements_share_the_gain_up_to_the_cap(
    cast: Cast, changes: dict[str, Any], measured: list[str], expected: list[tuple[str, str]]
) -> None:
    contract = sign(cast, **changes)
    assert contract.baseline_source == BaselineSource.AGREED and contract.baseline_assessment is None
    statements = submit(cast, contract, *measured)
    contract.refresh_from_db()
    assert figures(contract) == expected
    assert [s.period for s in statements] == list(range(1, len(measured) + 1))
    assert all(
        s.submitted_fee_yuan == s.fee_yuan and s.state == GainStatementState.SUBMITTED for s in statements
    )
    assert gain.total_fee(contract) <= contract.cap_total_yuan
    # The term is over once every period has its statement.
    assert contract.state == (
        GainContractState.ENDED if len(measured) == contract.term_periods else GainContractState.ACTIVE
    )
    # Each period keeps its calculation in both languages, with its own figures.
    first = statements[0].explanation
    assert [line["figure"] for line in first] == ["gain_yuan", "fee_yuan"]
    assert first[1]["amount_yuan"] == expected[0][1]
    assert first[0]["zh"].startswith("第1期收益") and first[0]["en"].startswith("Period 1: gain")
    assert Event.objects.filter(verb="gain.statement_submitted").count() == len(measured)


def test_a_contract_runs_to_its_term_and_no_further(cast: Cast) -> None:
    contract = sign(cast, term_periods=2, starts_on=long_ago(2))
    submit(cast, contract, "1.00", "1.10")
    contract.refresh_from_db()
    assert contract.state == GainContractState.ENDED
    before = written()
    with pytest.raises(ValidationError) as refused:
        gain.statement_submit(actor=cast.user("provider"), contract=contract, measured="1.00")
    assert "period" in refused.value.message_dict and "合同共 2 期" in refused.value.message_dict["period"][0]
    assert written() == before


# --------------------------------------------------------------------------------------------- the baseline


@pytest.mark.parametrize(
    ("kpi", "baseline"),
    [
        ("energy_per_100_yuan_revenue", D("1.25")),
        ("revenue_per_employee", D("33.333333")),
        ("cost_per_100_yuan_revenue", D("75")),
    ],
)
def test_the_baseline_comes_from_the_t0_assessment(cast: Cast, kpi: str, baseline: Decimal) -> None:
    assessment = t0(cast, T0_NUMBERS)
    contract = sign(cast, kpi=kpi, baseline=None)
    assert (contract.baseline, contract.baseline_source) == (baseline, BaselineSource.T0_ASSESSMENT)
    assert contract.baseline_assessment == assessment
    event = Event.objects.get(verb="gain.contract_created")
    assert (
        event.payload["baseline"] == str(contract.baseline)
        and event.payload["baseline_assessment"] == assessment.pk
    )


def test_a_given_baseline_must_agree_with_the_t0_one(cast: Cast) -> None:
    t0(cast, T0_NUMBERS)
    project = cast.approved()
    before = written()
    with pytest.raises(ValidationError) as refused:
        sign(cast, project, baseline="1.30")
    assert "1.25" in refused.value.message_dict["baseline"][0]
    assert written() == before
    contract = sign(cast, project, baseline="1.250")  # the same value, written otherwise
    assert contract.baseline == D("1.25") and contract.baseline_source == BaselineSource.T0_ASSESSMENT


@pytest.mark.parametrize(
    ("kpi", "numbers"),
    [
        pytest.param("energy_per_100_yuan_revenue", None, id="no-t0-assessment"),
        pytest.param("pass_rate", T0_NUMBERS, id="pass-rate-is-not-a-computed-ratio"),
        pytest.param("custom", T0_NUMBERS, id="custom"),
        pytest.param(
            "revenue_per_employee",
            {k: v for k, v in T0_NUMBERS.items() if not k.startswith("employees")},
            id="numbers-missing",
        ),
    ],
)
def test_without_a_t0_ratio_an_agreed_baseline_is_required(
    cast: Cast, kpi: str, numbers: dict[str, str] | None
) -> None:
    if numbers is not None:
        t0(cast, numbers)
    project = cast.approved()
    extra = {"kpi_name": "单件电耗", "lower_is_better": True} if kpi == "custom" else {}
    before = written()
    with pytest.raises(ValidationError) as refused:
        sign(cast, project, kpi=kpi, baseline=None, **extra)
    assert "请填写双方约定的基准值" in refused.value.message_dict["baseline"][0]
    assert written() == before
    contract = sign(cast, project, kpi=kpi, baseline="2.5", **extra)
    assert contract.baseline == D("2.5") and contract.baseline_source == BaselineSource.AGREED


@pytest.mark.parametrize(
    ("kpi", "numbers", "expected"),
    [
        ("energy_per_100_yuan_revenue", {"energy_last": "2", "revenue_last": "3"}, D("6.666667")),
        ("revenue_per_employee", {"revenue_last": "1", "employees_last": "3"}, D("0.333333")),
        ("cost_per_100_yuan_revenue", {"cost_last": "0", "revenue_last": "7"}, D("0")),
        ("cost_per_100_yuan_revenue", {"cost_last": "1", "revenue_last": "0"}, None),  # no revenue
        ("revenue_per_employee", {"revenue_last": "-1", "employees_last": "3"}, None),
        ("revenue_per_employee", {"revenue_last": "x", "employees_last": "3"}, None),
        ("energy_per_100_yuan_revenue", {"energy_last": "2"}, None),
        ("pass_rate", {"pass_rate": "95"}, None),  # collected after the retrofit: never a baseline
    ],
)
def test_derive_baseline(kpi: str, numbers: dict[str, str], expected: Decimal | None) -> None:
    assert gain.derive_baseline(kpi, numbers) == expected


# --------------------------------------------------------------------------------------------- disputes


def four_periods(cast: Cast) -> tuple[GainContract, list[GainStatement]]:
    contract = sign(cast)
    return contract, submit(cast, contract, "1.00", "1.25", "0.50", "0.10")


def test_a_corrected_measurement_recomputes_that_period_and_the_later_ones(cast: Cast) -> None:
    contract, statements = four_periods(cast)
    first = gain.statement_dispute(
        actor=cast.user("enterprise"), statement=statements[0], reason="能耗少报了"
    )
    assert first.state == GainStatementState.DISPUTED and first.disputed_at is not None
    settled = gain.statement_settle(
        actor=cast.user("guangzhou"), statement=first, reason="按电力公司账单核定", corrected_measured="0.90"
    )
    assert settled.state == GainStatementState.SETTLED
    assert (settled.measured, settled.corrected_measured) == (D("1.00"), D("0.90"))
    assert figures(contract) == [
        ("3000.00", "900.00"),
        ("-500.00", "0.00"),
        ("7000.00", "2100.00"),
        ("11000.00", "2000.00"),
    ]
    last = GainStatement.objects.get(contract=contract, period=4)
    assert (last.submitted_fee_yuan, last.state) == (D("2300.00"), GainStatementState.SUBMITTED)
    assert "2,000.00" in last.explanation[1]["zh"] and "3,000.00" in last.explanation[1]["zh"]  # fees before
    assert gain.total_fee(contract) == D("5000.00")
    event = Event.objects.get(verb="gain.statement_settled")
    assert event.payload["recomputed"] == [
        {"period": 1, "fee_before": "600.00", "fee_after": "900.00"},
        {"period": 4, "fee_before": "2300.00", "fee_after": "2000.00"},
    ]
    # The same figures gain_share gives for the corrected measurements.
    again = gain_share.settle(contract.to_calc(), [D("0.90"), D("1.25"), D("0.50"), D("0.10")])
    assert [f"{p.fee_yuan:.2f}" for p in again.periods] == [fee for _gain, fee in figures(contract)]


@pytest.mark.parametrize("corrected", [None, "", "1.00", "1"])
def test_a_settlement_without_a_different_measurement_keeps_the_figures(cast: Cast, corrected: Any) -> None:
    contract, statements = four_periods(cast)
    before = figures(contract)
    gain.statement_dispute(actor=cast.user("enterprise"), statement=statements[0], reason="有疑问")
    settled = gain.statement_settle(
        actor=cast.user("guangzhou"), statement=statements[0], reason="数据无误", corrected_measured=corrected
    )
    assert settled.state == GainStatementState.SETTLED and settled.corrected_measured is None
    assert figures(contract) == before
    assert Event.objects.get(verb="gain.statement_settled").payload["recomputed"] == []


@pytest.mark.parametrize(
    ("step", "field"),
    [
        pytest.param("dispute-settled", None, id="a-settled-statement-is-not-disputed-again"),
        pytest.param("settle-undisputed", None, id="only-a-disputed-statement-is-settled"),
        pytest.param("dispute-no-reason", "reason", id="a-dispute-needs-its-reason"),
        pytest.param("settle-no-reason", "reason", id="a-settlement-needs-its-reason"),
        pytest.param("settle-bad-measurement", "corrected_measured", id="a-correction-is-a-number"),
        pytest.param("settle-huge-gain", "corrected_measured", id="a-correction-within-the-money-columns"),
    ],
)
def test_refused_disputes_and_settlements_write_nothing(cast: Cast, step: str, field: str | None) -> None:
    contract, statements = four_periods(cast)
    enterprise, authority = cast.user("enterprise"), cast.user("guangzhou")
    first, second = statements[0], statements[1]
    gain.statement_dispute(actor=enterprise, statement=first, reason="有疑问")
    gain.statement_settle(actor=authority, statement=first, reason="数据无误")
    gain.statement_dispute(actor=enterprise, statement=second, reason="有疑问")
    calls = {
        "dispute-settled": lambda: gain.statement_dispute(actor=enterprise, statement=first, reason="再议"),
        "settle-undisputed": lambda: gain.statement_settle(
            actor=authority, statement=statements[2], reason="裁定"
        ),
        "dispute-no-reason": lambda: gain.statement_dispute(
            actor=enterprise, statement=statements[2], reason=" "
        ),
        "settle-no-reason": lambda: gain.statement_settle(actor=authority, statement=second, reason=""),
        "settle-bad-measurement": lambda: gain.statement_settle(
            actor=authority, statement=second, reason="裁定", corrected_measured="一点二"
        ),
        "settle-huge-gain": lambda: gain.statement_settle(
            actor=authority, statement=second, reason="裁定", corrected_measured="-99999999999999"
        ),
    }
    states = list(GainStatement.objects.order_by("period").values_list("state", "fee_yuan"))
    before = written()
    with pytest.raises(ValidationError) as refused:
        calls[step]()
    if field is not None:
        assert field in refused.value.message_dict
    assert written() == before
    assert list(GainStatement.objects.order_by("period").values_list("state", "fee_yuan")) == states
    assert contract.statements.get(period=2).corrected_measured is None


# --------------------------------------------------------------------------------------------- refusals


CONTRACT_REFUSALS = [
    pytest.param({"share": "1.5"}, "share", "应在0到1之间", id="share-above-1"),
    pytest.param({"share": "-0.1"}, "share", "应在0到1之间", id="share-negative"),
    pytest.param({"share": "三成"}, "share", "不是数字", id="share-not-a-number"),
    pytest.param({"term_periods": 0}, "term_periods", "1到600", id="term-zero"),
    pytest.param({"term_periods": "2.5"}, "term_periods", "1到600", id="term-not-whole"),
    pytest.param({"cap_total_yuan": "-1"}, "cap_total_yuan", "不能为负数", id="cap-negative"),
    pytest.param(
        {"cap_total_yuan": "1.001"}, "cap_total_yuan", "最多保留2位小数", id="cap-fraction-of-a-fen"
    ),
    pytest.param({"yuan_per_unit": "0.1234567"}, "yuan_per_unit", "最多保留6位小数", id="price-7-places"),
    pytest.param({"yuan_per_unit": None}, "yuan_per_unit", "缺失", id="price-missing"),
    pytest.param({"baseline": "1e400"}, "baseline", "数值过大", id="baseline-too-large"),
    pytest.param({"kpi": "profit"}, "kpi", "不是可用的指标代码", id="kpi-unknown"),
    pytest.param({"kpi": "custom", "lower_is_better": True}, "kpi_name", "缺失", id="custom-unnamed"),
    pytest.param({"kpi": "custom", "kpi_name": "电耗"}, "lower_is_better", "缺失", id="custom-no-direction"),
    pytest.param({"period_months": 5}, "period_months", "1、3、6 或 12", id="period-of-5-months"),
    pytest.param({"starts_on": None}, "starts_on", "开始日期", id="no-start"),
]


@pytest.mark.parametrize(("changes", "field", "words"), CONTRACT_REFUSALS)
def test_bad_terms_are_refused_by_field_and_nothing_is_written(
    cast: Cast, changes: dict[str, Any], field: str, words: str
) -> None:
    project = cast.approved()
    before = written()
    with pytest.raises(ValidationError) as refused:
        sign(cast, project, **changes)
    assert field in refused.value.message_dict, refused.value.message_dict
    assert words in " ".join(refused.value.message_dict[field])
    assert written() == before


def test_every_bad_term_is_reported_at_once(cast: Cast) -> None:
    with pytest.raises(ValidationError) as refused:
        sign(cast, share="2", cap_total_yuan="-5", period_months=7, kpi="pass_rate", baseline=None)
    assert {"share", "cap_total_yuan", "period_months", "baseline"} <= set(refused.value.message_dict)


def test_a_contract_needs_an_approved_open_project_and_only_one(cast: Cast) -> None:
    draft = cast.draft()
    with pytest.raises(ValidationError, match="项目批准后"):
        sign(cast, draft)
    project = cast.approved()
    sign(cast, project)
    before = written()
    with pytest.raises(ValidationError, match="已有收益分享合同"):
        sign(cast, project)
    assert written() == before
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database says so too
        GainContract.objects.create(**{**model_terms(project), "created_by": cast.user("provider")})


def model_terms(project: Project) -> dict[str, Any]:
    return {
        "project": project,
        "kpi": KpiCode.PASS_RATE,
        "lower_is_better": False,
        "baseline": D("90"),
        "baseline_source": BaselineSource.AGREED,
        "yuan_per_unit": D("1"),
        "share": D("0.5"),
        "cap_total_yuan": D("100"),
        "term_periods": 1,
        "starts_on": TODAY,
    }


STATEMENT_REFUSALS = [
    pytest.param({"measured": None}, "measured", "缺失", id="measured-missing"),
    pytest.param({"measured": ""}, "measured", "缺失", id="measured-blank"),
    pytest.param({"measured": "abc"}, "measured", "不是数字", id="measured-not-a-number"),
    pytest.param({"measured": True}, "measured", "真假值", id="measured-boolean"),
    pytest.param({"measured": "1.1234567"}, "measured", "最多保留6位小数", id="measured-7-places"),
    pytest.param({"measured": "NaN"}, "measured", "有限", id="measured-nan"),
    # 1.2 − (−99,999,999,999,999) ≈ 10¹⁴ units × 10,000 yuan: beyond the money columns
    pytest.param({"measured": "-99999999999999"}, "measured", "超出金额上限", id="gain-too-large"),
    pytest.param({"measured": "1", "period": 2}, "period", "下一期是第 1 期", id="period-out-of-order"),
    pytest.param({"measured": "1", "period": 5}, "period", "合同共 4 期", id="period-after-the-term"),
]


@pytest.mark.parametrize(("kwargs", "field", "words"), STATEMENT_REFUSALS)
def test_bad_statements_are_refused_by_field_and_nothing_is_written(
    cast: Cast, kwargs: dict[str, Any], field: str, words: str
) -> None:
    contract = sign(cast)
    before = written()
    with pytest.raises(ValidationError) as refused:
        gain.statement_submit(actor=cast.user("provider"), contract=contract, **kwargs)
    assert words in " ".join(refused.value.message_dict[field]), refused.value.message_dict
    assert written() == before


def test_a_period_is_stated_once_it_is_over(cast: Cast) -> None:
    contract = sign(cast, starts_on=add_months(TODAY, -12))  # period 1 ended yesterday or today
    submit(cast, contract, "1.00")
    before = written()
    with pytest.raises(ValidationError) as refused:
        gain.statement_submit(actor=cast.user("provider"), contract=contract, measured="1.00")
    ends = contract.period_ends_on(2) - timedelta(days=1)
    assert "第 2 期" in refused.value.message_dict["period"][0]
    assert ends.isoformat() in refused.value.message_dict["period"][0]
    assert written() == before


def test_refusals_answer_in_english_for_an_english_reader(cast: Cast) -> None:
    contract = sign(cast)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        gain.statement_submit(actor=cast.user("provider"), contract=contract, measured="abc")
    assert refused.value.message_dict["measured"] == ["The measured value “abc” is not a number."]


def test_statements_follow_the_project_until_it_ends_otherwise(cast: Cast) -> None:
    project = cast.approved()
    contract = sign(cast, project)
    steps.project_withdraw(actor=cast.user("provider"), project=project, reason="企业搬迁")
    before = written()
    with pytest.raises(ValidationError, match="项目当前状态不能提交收益报表"):
        gain.statement_submit(actor=cast.user("provider"), contract=contract, measured="1")
    assert written() == before


# --------------------------------------------------------------------------------------------- permissions


def test_who_may_do_what(cast: Cast) -> None:
    project = cast.approved()
    assert gain_permissions.can_gain_create(viewer(cast, "provider"), project)
    for who, kind in (("enterprise", "forbidden"), ("guangzhou", "forbidden"), ("expert", "forbidden")):
        assert gain_permissions.can_gain_create(viewer(cast, who), project).kind == kind
    contract = sign(cast, project)
    assert gain_permissions.can_gain_create(viewer(cast, "provider"), project).kind == "conflict"
    assert gain_permissions.can_gain_submit(viewer(cast, "provider"), project, contract)
    assert gain_permissions.can_gain_submit(viewer(cast, "enterprise"), project, contract).kind == "forbidden"
    assert gain_permissions.can_gain_submit(viewer(cast, "provider"), project, None).kind == "conflict"
    (statement,) = submit(cast, contract, "1.00")
    statement.refresh_from_db()
    assert gain_permissions.can_gain_dispute(viewer(cast, "enterprise"), statement)
    assert gain_permissions.can_gain_dispute(viewer(cast, "provider"), statement).kind == "forbidden"
    assert gain_permissions.can_gain_settle(viewer(cast, "guangzhou"), statement).kind == "conflict"
    gain.statement_dispute(actor=cast.user("enterprise"), statement=statement, reason="有疑问")
    statement.refresh_from_db()
    assert gain_permissions.can_gain_dispute(viewer(cast, "enterprise"), statement).kind == "conflict"
    assert gain_permissions.can_gain_settle(viewer(cast, "guangzhou"), statement)
    for who in ("enterprise", "provider", "expert"):
        assert gain_permissions.can_gain_settle(viewer(cast, who), statement).kind == "forbidden"


# --------------------------------------------------------------------------------------------- the page


def client(cast: Cast, who: str) -> Client:
    c = Client()
    c.force_login(cast.user(who))
    return c


def contract_post(**changes: Any) -> dict[str, Any]:
    data = {
        "kpi": "pass_rate",
        "direction": "",
        "baseline": "90",
        "yuan_per_unit": "1000",
        "share": "0.3",
        "cap_total_yuan": "5000",
        "term_periods": "2",
        "period_months": "12",
        "starts_on": long_ago(2).isoformat(),
    }
    data.update(changes)
    return data


@ROUTES
def test_the_forms_post_to_the_services(cast: Cast) -> None:
    project = cast.approved()
    url = reverse("projects:gain_contract", args=[project.pk])
    assert client(cast, "enterprise").post(url, contract_post()).status_code == 403
    response = client(cast, "provider").post(url, contract_post(share="2"))
    assert response.status_code == 302 and not GainContract.objects.exists()  # the form refuses it
    response = client(cast, "provider").post(url, contract_post())
    assert response.status_code == 302 and response["Location"].endswith("#p-gain")
    contract = GainContract.objects.get(project=project)
    assert (contract.kpi, contract.baseline, contract.lower_is_better) == ("pass_rate", D("90"), False)
    assert client(cast, "provider").post(url, contract_post()).status_code == 409  # one per project

    statement_url = reverse("projects:gain_statement", args=[project.pk])
    assert client(cast, "provider").post(statement_url, {"period": "1", "measured": "95"}).status_code == 302
    statement = GainStatement.objects.get()
    assert (statement.gain_yuan, statement.fee_yuan) == (D("5000.00"), D("1500.00"))
    # The same page sent again asks for period 1 once more: refused, nothing written.
    client(cast, "provider").post(statement_url, {"period": "1", "measured": "95"})
    assert GainStatement.objects.count() == 1

    dispute = reverse("projects:gain_dispute", args=[statement.pk])
    assert client(cast, "provider").post(dispute, {"reason": "x"}).status_code == 403
    assert client(cast, "enterprise").post(dispute, {"reason": "合格率统计口径不同"}).status_code == 302
    settle = reverse("projects:gain_settle", args=[statement.pk])
    assert client(cast, "enterprise").post(settle, {"reason": "x"}).status_code == 403
    response = client(cast, "guangzhou").post(
        settle, {"reason": "按统一口径核定", "corrected_measured": "93"}
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.state, statement.fee_yuan) == (GainStatementState.SETTLED, D("900.00"))
    assert (
        client(cast, "shenzhen").post(settle, {"reason": "x"}).status_code == 404
    )  # outside its jurisdiction


def render(cast: Cast, who: str, project: Project) -> str:
    request = RequestFactory().get("/")
    request.user = cast.user(who)
    context = {"project": project, **gain_views.gain_context(viewer(cast, who), project)}
    return render_to_string("projects/_gain.html", context, request=request)


@ROUTES
def test_the_section_shows_the_terms_the_calculation_and_each_sides_forms(cast: Cast) -> None:
    t0(cast, T0_NUMBERS)
    project = cast.approved()
    page = render(cast, "provider", project)
    assert reverse("projects:gain_contract", args=[project.pk]) in page
    assert "百元营业收入能耗 1.25 千克标准煤/百元" in page  # the T0 baseline offered
    assert reverse("projects:gain_contract", args=[project.pk]) not in render(cast, "enterprise", project)

    contract = sign(cast, project, baseline=None)
    (statement,) = submit(cast, contract, "1.00")
    page = render(cast, "provider", project)
    assert "改造前（T0）评测采集数据" in page and "30%" in page and "5,000.00" in page
    assert "第1期服务费750.00元" in page  # (1.25 − 1.00) × 10,000 × 30 %, the calculation shown
    assert reverse("projects:gain_statement", args=[project.pk]) in page  # period 2 is over too
    assert reverse("projects:gain_dispute", args=[statement.pk]) not in page
    enterprise_page = render(cast, "enterprise", project)
    assert reverse("projects:gain_dispute", args=[statement.pk]) in enterprise_page
    assert reverse("projects:gain_statement", args=[project.pk]) not in enterprise_page
    gain.statement_dispute(actor=cast.user("enterprise"), statement=statement, reason="合格率口径")
    authority_page = render(cast, "guangzhou", project)
    assert (
        reverse("projects:gain_settle", args=[statement.pk]) in authority_page
        and "合格率口径" in authority_page
    )
