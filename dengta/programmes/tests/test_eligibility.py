"""Eligibility (eligibility.py): one case per failure code with its sentence, and properties (no database).

The base case: 苏州 (320500, a prefecture-level city of 江苏, a 2-city province in 2025) applies to the 2025
city pilot on 2025-06-01 with two sub-industries (汽车零部件及配件制造 C367 and 输配电及控制设备制造 C382),
two admitted providers, ten enterprises in 苏州's districts, an award of 100,000,000 yuan (the cap for a
prefecture-level city) split 80 % / 20 %, and one other application from 江苏 (无锡). It has no failures.
Each "breaker" changes one thing and causes exactly one failure.
"""

from __future__ import annotations

import csv
import itertools
import json
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.programmes.eligibility import (
    CODES,
    SENTENCES_FILE,
    Applicant,
    ApplicationInput,
    Candidate,
    Failure,
    FundPlan,
    NominatedProvider,
    OtherApplication,
    SentencesError,
    SubIndustryChoice,
    check,
    default_sentences,
    parse_sentences,
    province_of,
    quota_unit,
    within_jurisdiction,
)
from dengta.programmes.pool_summary import application_summary, summary
from dengta.programmes.rules import Target, load_all_batches
from dengta.registry.uscc import check_character

D = Decimal
BATCHES = load_all_batches()
C25 = BATCHES["city-2025"]
TODAY = date(2025, 6, 1)
DISTRICTS = (
    "320505",
    "320506",
    "320507",
    "320508",
    "320509",
    "320581",
    "320582",
    "320583",
    "320585",
    "320571",
)
REGIONS_CSV = Path(__file__).resolve().parents[2] / "reference" / "data" / "regions" / "regions.csv"


def make_uscc(serial: int, region: str = "320505") -> str:
    body = f"91{region}MA{serial:07d}"
    return body + check_character(body)


USCC = [make_uscc(i) for i in range(10)]
AUTO = ("auto-parts", "汽车零部件及配件制造", "Auto parts and accessories", ("C367",))
GRID = ("gbt-c382", "输配电及控制设备制造", "Power transmission and control equipment", ("C382",))


def enterprise(i: int, **change: Any) -> Candidate:
    base = Candidate(
        uscc=USCC[i],
        name=f"企业{i}",
        region_code=DISTRICTS[i],
        industry_code="C3670" if i < 5 else "C3821",
        is_sme=True,
        is_above_size=i % 2 == 0,
        has_t0_assessment=True,
        current_level=2,
    )
    return replace(base, **change)


P1 = NominatedProvider(
    "p1", "苏州智造科技有限公司", admitted=True, suspended=False, pools=("苏州市服务商库",)
)
P2 = NominatedProvider(
    "p2", "江苏数联信息技术有限公司", admitted=True, suspended=False, pools=("苏州市服务商库",)
)

# Each breaker: the code it causes and what it changes (keyword arguments of ``application``).
BREAKERS: dict[str, dict[str, Any]] = {
    "outside_application_window": {"today": date(2025, 7, 1)},
    "applicant_kind_not_eligible": {"kind": "county"},
    "repeat_application": {"earlier": ("city-2023",)},
    "quota_exceeded": {"extra_other": True},
    "award_over_cap": {"award": D("100000001")},
    "retrofit_share_below_minimum": {"retrofit": D("0.75")},
    "sub_industry_chosen_twice": {"twice": True},
    "not_sme": {"e0": {"is_sme": False}},
    "outside_jurisdiction": {"e1": {"region_code": "320105"}},  # 南京建邺区
    "industry_outside_sub_industry": {"e2": {"industry_code": "C3821"}},
    "already_in_pilot": {"e3": {"in_active_pilot": True}},
    "already_funded": {"e4": {"has_funded_project": True}},
    "invalid_credit_code": {"e5": {"uscc": USCC[5][:-1] + ("0" if USCC[5][-1] != "0" else "1")}},
    "no_t0_assessment": {"e6": {"has_t0_assessment": False}},
    "enterprise_listed_twice": {"shared": True},
    "provider_not_admitted": {"p1": {"admitted": False}},
    "provider_suspended": {"p2": {"suspended": True}},
}
INDEPENDENT = sorted(BREAKERS)  # service_share_above_maximum cannot happen alone under an 80 / 20 city split


def application(breakers: Iterable[str] = (), **extra: Any) -> tuple[ApplicationInput, date]:
    change: dict[str, Any] = {}
    for name in breakers:
        change.update(BREAKERS[name])
    change.update(extra)
    people = [enterprise(i, **change.get(f"e{i}", {})) for i in range(10)]
    auto = SubIndustryChoice(
        AUTO[0], AUTO[1], AUTO[3], (replace(P1, **change.get("p1", {})),), tuple(people[:5]),
        pools=("苏州市服务商库",), name_en=AUTO[2],
    )  # fmt: skip
    grid = SubIndustryChoice(
        GRID[0], GRID[1], GRID[3], (replace(P2, **change.get("p2", {})),), tuple(people[5:]), name_en=GRID[2]
    )
    choices = [auto, grid] + ([SubIndustryChoice(AUTO[0], AUTO[1], AUTO[3])] if change.get("twice") else [])
    others = [OtherApplication("JS-2025-02", "320200", "prefecture_city", frozenset(
        {USCC[7]} if change.get("shared") else set()
    ))]  # fmt: skip
    if change.get("extra_other"):
        others.append(OtherApplication("JS-2025-03", "320300", "prefecture_city"))
    app = ApplicationInput(
        applicant=Applicant(
            "苏州市", "320500", change.get("kind", "prefecture_city"), change.get("earlier", ()), "Suzhou"
        ),
        batch_code="city-2025",
        sub_industries=tuple(choices),
        fund_plan=FundPlan(
            change.get("award", D("100000000")),
            change.get("retrofit", D("0.80")),
            change.get("service", D("0.20")),
            D("20000000"),
        ),
        other_applications=tuple(others),
    )
    return app, change.get("today", TODAY)


def run(breakers: Iterable[str] = (), rules: Any = C25, **extra: Any) -> list[Failure]:
    app, today = application(breakers, **extra)
    return check(app, rules, today=today)


def test_the_base_application_has_no_failures() -> None:
    assert run() == []


E = USCC  # shorter in the table below
SENTENCES: list[tuple[str, str, str, str]] = [
    # (breaker = code, subject key, zh, en)
    (
        "outside_application_window", "city-2025",
        "2025-07-01 不在2025年城市试点的申报期（2025-05-20 至 2025-06-30）内",
        "2025-07-01 is outside the application window of the 2025 city pilot (2025-05-20 to 2025-06-30)",
    ),
    (
        "applicant_kind_not_eligible", "city-2025",
        "苏州市作为县（市、区）不能申报2025年城市试点，可申报的是：省会城市、计划单列市、地级市、直辖市所辖区县",
        "Suzhou applies as a county or district, which may not apply in the 2025 city pilot (eligible: "
        "a provincial capital, a separately planned city, a prefecture-level city, "
        "a district or county of a municipality)",
    ),
    (
        "repeat_application", "city-2025",
        "苏州市已是city-2023的试点，按2025年城市试点规则不得再次申报",
        "Suzhou was already a pilot in city-2023 and may not apply again under the 2025 city pilot rules",
    ),
    (
        "quota_exceeded", "city-2025",
        "江苏省在2025年城市试点中最多推荐 2 个申报主体，连同本申报已有 3 个",
        "Jiangsu may recommend at most 2 applicants in the 2025 city pilot; with this one there are 3",
    ),
    (
        "award_over_cap", "city-2025",
        "申请中央奖补资金 100,000,001元 超过2025年城市试点对地级市的上限 100,000,000元",
        "The award requested, 100,000,001 yuan, is above the cap of 100,000,000 yuan "
        "for a prefecture-level city in the 2025 city pilot",
    ),
    (
        "retrofit_share_below_minimum", "city-2025",
        "数字化改造资金占比 75% 低于2025年城市试点规则规定的最低比例 80%",
        "Retrofit share 75 % is below the minimum 80 % of the 2025 city pilot rules",
    ),
    (
        "sub_industry_chosen_twice", "auto-parts",
        "细分行业“汽车零部件及配件制造”被选了 2 次，每个细分行业只能选一次",
        "Sub-industry Auto parts and accessories is chosen 2 times; each may be chosen once",
    ),
    (
        "not_sme", E[0],
        f"统一社会信用代码为 {E[0]} 的企业按中小企业划型标准不是中小企业，不能列入2025年城市试点的试点企业库",
        f"The enterprise with credit code {E[0]} is not an SME under the size standard, "
        "so it cannot be in a pilot-enterprise pool of the 2025 city pilot",
    ),
    (
        "outside_jurisdiction", E[1],
        f"统一社会信用代码为 {E[1]} 的企业所在地区 320105 不在苏州市（320500）辖区内",
        f"The enterprise with credit code {E[1]} is in region 320105, "
        "outside the jurisdiction of Suzhou (320500)",
    ),
    (
        "industry_outside_sub_industry", E[2],
        f"统一社会信用代码为 {E[2]} 的企业行业代码 C3821 不属于细分行业“汽车零部件及配件制造”（C367）",
        f"The enterprise with credit code {E[2]} has industry code C3821, "
        "outside sub-industry Auto parts and accessories (C367)",
    ),
    (
        "already_in_pilot", E[3],
        f"统一社会信用代码为 {E[3]} 的企业已在另一个进行中的试点中，按2025年城市试点规则不能再列入",
        f"The enterprise with credit code {E[3]} is already in another active pilot "
        "and cannot be listed under the 2025 city pilot rules",
    ),
    (
        "already_funded", E[4],
        f"统一社会信用代码为 {E[4]} 的企业已有获得资助的改造项目，按2025年城市试点规则不能再列入",
        f"The enterprise with credit code {E[4]} already has a funded retrofit project "
        "and cannot be listed under the 2025 city pilot rules",
    ),
    (
        "no_t0_assessment", E[6],
        f"统一社会信用代码为 {E[6]} 的企业没有改造前（T0）评测，也没有安排评测",
        f"The enterprise with credit code {E[6]} has no T0 (before-retrofit) assessment "
        "and none is scheduled",
    ),
    (
        "enterprise_listed_twice", E[7],
        f"统一社会信用代码为 {E[7]} 的企业已列入2025年城市试点的其他申报（JS-2025-02）",
        f"The enterprise with credit code {E[7]} is already in another application of the 2025 city pilot "
        "(JS-2025-02)",
    ),
    (
        "provider_not_admitted", "p1",
        "服务商“苏州智造科技有限公司”未获准入服务商库，不能在细分行业“汽车零部件及配件制造”中推荐",
        "Provider 苏州智造科技有限公司 is not admitted to a provider pool "
        "and cannot be nominated for sub-industry Auto parts and accessories",
    ),
    (
        "provider_suspended", "p2",
        "服务商“江苏数联信息技术有限公司”已被暂停，不能在2025年城市试点的申报中推荐",
        "Provider 江苏数联信息技术有限公司 is suspended and cannot be nominated in the 2025 city pilot",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("breaker", "key", "zh", "en"), SENTENCES)
def test_each_code_with_its_sentence(breaker: str, key: str, zh: str, en: str) -> None:
    [failure] = run([breaker])
    assert (failure.code, failure.subject.key) == (breaker, key)
    assert failure.sentence_zh == zh
    assert failure.sentence_en == en


def test_an_invalid_credit_code_names_the_code_and_the_expected_check_character() -> None:
    [failure] = run(["invalid_credit_code"])
    bad = BREAKERS["invalid_credit_code"]["e5"]["uscc"]
    assert (failure.code, failure.subject.kind, failure.subject.key) == (
        "invalid_credit_code",
        "enterprise",
        bad,
    )
    assert failure.params == {"uscc": bad, "problem": "uscc_checksum"}
    assert (
        failure.sentence_zh
        == f"统一社会信用代码 {bad} 无效：统一社会信用代码校验位错误：最后一位应为 {USCC[5][-1]}"
    )
    assert failure.sentence_en == (
        f"Credit code {bad} is not valid: the check character (the last one) should be {USCC[5][-1]}"
    )


def test_the_service_share_above_the_maximum() -> None:
    # Under the 80 / 20 city split a service share above 20 % leaves less than 80 % for retrofits.
    failures = run(retrofit=D("0.70"), service=D("0.30"))
    assert [f.code for f in failures] == ["retrofit_share_below_minimum", "service_share_above_maximum"]
    assert failures[1].sentence_zh == "服务能力提升资金占比 30% 高于2025年城市试点规则规定的最高比例 20%"
    assert (
        failures[1].sentence_en
        == "Service-capacity share 30 % is above the maximum 20 % of the 2025 city pilot rules"
    )
    # With rules that leave room between the two shares, it happens alone.
    looser = replace(C25, min_retrofit_share=D("0.70"))
    [alone] = run(rules=looser, retrofit=D("0.72"), service=D("0.25"))
    assert (alone.code, alone.params) == (
        "service_share_above_maximum",
        {"service_share": D("0.25"), "max_service_share": D("0.20")},
    )


def test_the_same_enterprise_twice_in_one_application() -> None:
    app, today = application()
    grid = replace(app.sub_industries[1], candidates=(*app.sub_industries[1].candidates, enterprise(0)))
    failures = check(replace(app, sub_industries=(app.sub_industries[0], grid)), C25, today=today)
    # Listed under 输配电 too, its industry (C3670) is outside that sub-industry as well.
    assert [f.code for f in failures] == ["industry_outside_sub_industry", "enterprise_listed_twice"]
    twice = failures[1]
    assert twice.params == {"uscc": USCC[0], "times": 2, "sub_industries": ("auto-parts", "gbt-c382")}
    assert twice.sentence_zh == (
        f"统一社会信用代码为 {USCC[0]} 的企业在本申报中列了 2 次"
        "（汽车零部件及配件制造、输配电及控制设备制造）"
    )
    assert twice.sentence_en == (
        f"The enterprise with credit code {USCC[0]} is listed 2 times in this application "
        "(Auto parts and accessories, Power transmission and control equipment)"
    )


def test_a_second_application_of_the_same_applicant_is_a_repeat() -> None:
    app, today = application()
    [same] = check(replace(app, applied_before=True), C25, today=today)
    assert (same.code, same.params) == ("repeat_application", {"reason": "same_batch", "others": ()})
    assert same.sentence_zh == "苏州市在2025年城市试点中已有另一份申报，不得重复申报"
    again = replace(
        app,
        other_applications=(*app.other_applications, OtherApplication("JS-9", "320500", "prefecture_city")),
    )
    # The applicant's own other application is a repeat, and it does not count twice against the quota.
    assert [f.code for f in check(again, C25, today=today)] == ["repeat_application"]


def test_a_provider_outside_the_pools_the_sub_industry_accepts() -> None:
    app, today = application()
    outsider = replace(P1, pools=("pool-nj",))
    auto = replace(app.sub_industries[0], providers=(outsider,))
    [failure] = check(replace(app, sub_industries=(auto, app.sub_industries[1])), C25, today=today)
    assert (failure.code, failure.params["pools"]) == ("provider_not_admitted", ("苏州市服务商库",))
    assert (
        failure.sentence_zh
        == "服务商“苏州智造科技有限公司”不在细分行业“汽车零部件及配件制造”可用的服务商库（苏州市服务商库）中"
    )


@pytest.mark.parametrize(
    ("batch", "applicant", "others", "quota_failure"),
    [
        # 2023: a 计划单列市 counts on its own quota, so 宁波 beside 杭州 is fine, 温州 beside 杭州 is not.
        ("city-2023", ("330200", "separately_planned_city"), [("330100", "provincial_capital")], False),
        ("city-2023", ("330300", "prefecture_city"), [("330100", "provincial_capital")], True),
        ("city-2023", ("330300", "prefecture_city"), [("330200", "separately_planned_city")], False),
        # 2025: 宁波 counts in 浙江 (2 places).
        ("city-2025", ("330200", "separately_planned_city"), [("330100", "provincial_capital")], False),
        (
            "city-2025",
            ("330200", "separately_planned_city"),
            [("330100", "provincial_capital"), ("330300", "prefecture_city")],
            True,
        ),
        # 2025: 北京 has 1 place for its districts.
        (
            "city-2025",
            ("110113", "municipal_district_county"),
            [("110114", "municipal_district_county")],
            True,
        ),
        (
            "city-2025",
            ("110113", "municipal_district_county"),
            [("120116", "municipal_district_county")],
            False,
        ),
    ],
)
def test_quotas_count_per_province_or_separately_planned_city(
    batch: str, applicant: tuple[str, str], others: list[tuple[str, str]], quota_failure: bool
) -> None:
    rules = BATCHES[batch]
    app = ApplicationInput(
        Applicant("申报主体", applicant[0], applicant[1]),
        batch,
        (),
        FundPlan(D("1"), D("0.8"), D("0.2")),
        tuple(OtherApplication(f"A{i}", code, kind) for i, (code, kind) in enumerate(others)),
    )
    start = rules.windows.application_opens
    codes = [f.code for f in check(app, rules, today=start)]
    assert ("quota_exceeded" in codes) is quota_failure


def test_the_platform_pilot_caps_the_award_per_nominated_platform() -> None:
    rules = BATCHES["platform-2022"]
    sub = SubIndustryChoice("auto-parts", "汽车零部件及配件制造", ("C367",), (P1, P2), ())
    plan = FundPlan(D("10000000"), D("0.8"), D("0.2"))
    app = ApplicationInput(Applicant("江苏省", "320000", "province"), "platform-2022", (sub,), plan)
    assert check(app, rules, today=date(2022, 9, 1)) == []
    [over] = check(
        replace(app, fund_plan=replace(plan, award_requested_yuan=D("10000000.50"))),
        rules,
        today=date(2022, 9, 1),
    )
    assert over.code == "award_over_cap"
    assert over.sentence_zh == (
        "申请中央奖补资金 10,000,000.50元 超过2022年平台试点的上限 10,000,000元"
        "（每个推荐平台 5,000,000元，共 2 个）"
    )


def test_the_bingtuan_applies_in_2023_but_is_not_listed_in_2025() -> None:
    corps = Applicant("新疆生产建设兵团", "660000", "bingtuan")
    member = enterprise(0, region_code="659001")  # 石河子, under the 兵团, not under 新疆
    sub = SubIndustryChoice("auto-parts", "汽车零部件及配件制造", ("C367",), (P1,), (member,))
    app = ApplicationInput(corps, "city-2023", (sub,), FundPlan(D("150000000"), D("0.8"), D("0.2")))
    assert check(app, BATCHES["city-2023"], today=date(2023, 7, 1)) == []
    codes = [f.code for f in check(replace(app, batch_code="city-2025"), C25, today=TODAY)]
    assert codes == ["applicant_kind_not_eligible"]


@pytest.mark.parametrize(
    ("change", "rules_change"),
    [
        ({"e0": {"is_sme": None}}, {}),  # size unknown: left to the completeness checklist
        ({"e6": {"has_t0_assessment": False, "t0_scheduled": True}}, {}),
        ({"e6": {"has_t0_assessment": False}}, {"require_t0_assessment": False}),
        ({"e3": {"in_active_pilot": True}, "e4": {"has_funded_project": True}}, {"exclusions": "off"}),
        ({"earlier": ("city-2025",)}, {}),  # the batch itself is not an earlier batch
    ],
)
def test_what_is_not_a_failure(change: dict[str, Any], rules_change: dict[str, Any]) -> None:
    rules = C25
    if rules_change.pop("exclusions", None):
        rules = replace(
            rules,
            exclusions=replace(
                rules.exclusions, enterprises_in_active_pilot=False, enterprises_funded_before=False
            ),
        )
    rules = replace(rules, **rules_change)
    assert run(rules=rules, **change) == []


def test_the_modules_import_no_django() -> None:
    # Pure calculations (ARCHITECTURE.md convention 4): checked in a fresh interpreter, as pytest-django has
    # already imported Django in this one.
    code = (
        "import sys, dengta.programmes.eligibility, dengta.programmes.rules;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')))"
    )
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="6 digits"):
        Applicant("x", "3205", "prefecture_city")
    with pytest.raises(ValueError, match="kind"):
        Applicant("x", "320500", "town")
    with pytest.raises(ValueError, match="at most 1"):
        FundPlan(D("1"), D("0.9"), D("0.2"))
    with pytest.raises(ValueError, match="≥ 0"):
        FundPlan(D("-1"), D("0.8"), D("0.2"))
    with pytest.raises(ValueError, match="0–4"):
        enterprise(0, current_level=5)
    with pytest.raises(ValueError, match="tier"):
        enterprise(0, tier="giant")
    app, _ = application()
    with pytest.raises(ValueError, match="city-2024"):
        check(app, BATCHES["city-2024"], today=TODAY)


def test_failures_serialise_to_json() -> None:
    failures = run(["award_over_cap", "quota_exceeded"])
    data = json.loads(json.dumps([f.to_json() for f in failures]))
    assert data[0]["code"] == "quota_exceeded" and data[0]["params"]["applicants"] == [
        "320200",
        "320300",
        "320500",
    ]
    assert data[1]["params"] == {
        "award_yuan": "100000001",
        "cap_yuan": "100000000",
        "kind": "prefecture_city",
    }
    assert data[1]["subject"] == {"kind": "application", "key": "city-2025", "label": "苏州市"}


# ---------------------------------------------------------------------------------------------------------
# Properties


def expected(causes: set[str]) -> list[str]:
    # An applicant of a kind that may not apply has no award cap to compare with.
    masked = {"award_over_cap"} if "applicant_kind_not_eligible" in causes else set()
    return sorted(causes - masked)


@given(st.sets(st.sampled_from(INDEPENDENT)))
def test_each_cause_gives_exactly_its_failure(causes: set[str]) -> None:
    failures = run(causes)
    assert sorted(f.code for f in failures) == expected(causes)
    for cause in causes:
        fewer = run(causes - {cause})
        assert sorted(f.code for f in fewer) == expected(causes - {cause})
        # Removing a cause leaves the other failures exactly as they were.
        common = set(expected(causes)) & set(expected(causes - {cause}))
        assert [f for f in fewer if f.code in common] == [f for f in failures if f.code in common]


@given(
    retrofit=st.decimals(min_value=D("0.80"), max_value=1, places=3),
    service_part=st.decimals(min_value=0, max_value=1, places=3),
    award=st.decimals(min_value=0, max_value=D("100000000"), places=2),
    day=st.dates(min_value=date(2025, 5, 20), max_value=date(2025, 6, 30)),
    pool=st.lists(st.integers(min_value=0, max_value=9), unique=True),
)
def test_a_valid_application_has_no_failures(
    retrofit: Decimal, service_part: Decimal, award: Decimal, day: date, pool: list[int]
) -> None:
    service = min(C25.max_service_share, 1 - retrofit) * service_part
    app, _ = application(award=award, retrofit=retrofit, service=service)
    keep = [
        c
        for c in (*app.sub_industries[0].candidates, *app.sub_industries[1].candidates)
        if int(c.name[2:]) in pool
    ]
    auto = replace(app.sub_industries[0], candidates=tuple(c for c in keep if c.industry_code == "C3670"))
    grid = replace(app.sub_industries[1], candidates=tuple(c for c in keep if c.industry_code != "C3670"))
    assert check(replace(app, sub_industries=(auto, grid)), C25, today=day) == []


def _tree() -> dict[str, str]:
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        parent = {row["code"]: row["parent_code"] for row in csv.DictReader(handle)}

    def path(code: str) -> str:
        return (path(parent[code]) if parent[code] else "") + code + "/"

    return {code: path(code) for code in parent}


PATHS = _tree()


@settings(max_examples=300)
@given(applicant=st.sampled_from(sorted(PATHS)), region=st.sampled_from(sorted(PATHS)))
def test_jurisdiction_agrees_with_the_region_tree(applicant: str, region: str) -> None:
    # dengta.core.places: a region is in a jurisdiction when its path starts with the jurisdiction's path.
    assert within_jurisdiction(applicant, region) is PATHS[region].startswith(PATHS[applicant])
    assert province_of(region) == PATHS[region].split("/")[0]


@pytest.mark.parametrize(
    ("applicant", "region", "inside"),
    [
        ("440300", "440305", True),  # 深圳 holds 南山区
        ("440300", "440100", False),
        ("440000", "440305", True),
        ("310115", "310115", True),  # 浦东新区 holds only itself
        ("310115", "310101", False),
        ("660000", "659001", True),  # the 兵团 holds 石河子
        ("650000", "659001", False),  # 新疆 does not
        ("650000", "650102", True),
        ("659001", "659002", False),
    ],
)
def test_jurisdiction_cases(applicant: str, region: str, inside: bool) -> None:
    assert within_jurisdiction(applicant, region) is inside


def test_quota_units() -> None:
    assert quota_unit("330200", "separately_planned_city", BATCHES["city-2023"]) == "330200"
    assert quota_unit("330200", "separately_planned_city", C25) == "330000"
    assert quota_unit("659001", "prefecture_city", C25) == "660000"


# ---------------------------------------------------------------------------------------------------------
# Summary


SERIALS = itertools.count(100)


def pooled(level: int | None, above: bool = True, **change: Any) -> Candidate:
    """An enterprise with a credit code of its own."""
    serial = next(SERIALS)
    return enterprise(0, uscc=make_uscc(serial), current_level=level, is_above_size=above, **change)


def test_the_summary_counts_the_pool_and_the_gap_to_the_target() -> None:
    levels = [(2, None), (2, None), (3, None), (4, None), (2, None), (2, None), (1, 5), (1, 7), (0, None)]
    above = [pooled(level, effort_to_target=effort) for level, effort in [*levels, (None, 4)]]
    below_size = [
        pooled(1, above=False, tier="specialised"),
        pooled(None, above=False, is_sme=None, tier="little_giant"),
    ]
    result = summary([*above, *below_size, above[0]])  # the repeat counts once
    assert (result.enterprises, result.above_size, result.smes) == (12, 10, 11)
    assert dict(result.tiers) == {"innovative": 0, "specialised": 1, "little_giant": 1}
    assert result.levels == (1, 3, 4, 1, 1) and result.unassessed == 2
    assert (result.above_size_at_target, result.above_size_below_target, result.above_size_unassessed) == (
        6,
        3,
        1,
    )
    # 90 % of 10 is 9 at 二级+, 6 are: 3 more to lift.
    assert result.to_lift == 3 and result.share_at_target == D("0.6000")
    assert result.levels_short == ((1, 2), (2, 1))
    assert (result.effort_to_target, result.effort_unknown) == (16, 1)
    assert json.loads(json.dumps(result.to_json()))["levels_short"] == {"1": 2, "2": 1}


def test_an_empty_pool_and_a_pool_without_gui_shang() -> None:
    empty = summary([])
    assert (empty.enterprises, empty.to_lift, empty.share_at_target) == (0, 0, None)
    small = summary([pooled(0, above=False)])
    assert (small.above_size, small.to_lift, small.share_at_target) == (0, 0, None)


def test_the_application_summary_is_per_sub_industry_too() -> None:
    app, _ = application()
    whole, per = application_summary(app, C25)
    assert whole.enterprises == 10 and whole.above_size == 5
    assert [code for code, _ in per] == ["auto-parts", "gbt-c382"]
    assert [s.enterprises for _, s in per] == [5, 5]


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 4)), st.booleans(), st.one_of(st.none(), st.integers(0, 9))
        ),
        max_size=40,
    ),
    st.decimals(min_value=0, max_value=1, places=2),
    st.integers(1, 4),
)
def test_summary_properties(
    rows: list[tuple[int | None, bool, int | None]], share: Decimal, level: int
) -> None:
    pool = [pooled(lvl, above, effort_to_target=effort) for lvl, above, effort in rows]
    result = summary(pool, Target(share, level))
    assert sum(result.levels) + result.unassessed == result.enterprises == len(pool)
    assert (
        result.above_size_at_target + result.above_size_below_target + result.above_size_unassessed
        == result.above_size
    )
    assert sum(n for _, n in result.levels_short) == result.above_size_below_target
    assert all(1 <= short <= level for short, _ in result.levels_short)
    assert 0 <= result.to_lift <= result.above_size - result.above_size_at_target
    if result.above_size:
        assert result.share_at_target is not None
        lifted = result.above_size_at_target + result.to_lift
        assert lifted * 1 >= share * result.above_size  # lifting them meets the target
        assert (lifted - 1) < share * result.above_size or result.to_lift == 0  # and no fewer would
    assert summary(pool + pool, Target(share, level)) == result


# ---------------------------------------------------------------------------------------------------------
# The sentences file


def test_every_code_has_a_sentence_with_the_same_named_fields_in_both_languages() -> None:
    sentences = default_sentences()
    assert {key.split(".")[0] for key in sentences.templates} == set(CODES)
    assert len(CODES) == 18 and sentences.version


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sentences": {"not_sme": {"zh": "%(uscc)s", "en": "x"}}}, "same named fields"),
        ({"sentences": {}}, "missing"),
        ({"sentences": {"not_a_code": {"zh": "x", "en": "x"}}}, "unknown"),
        ({"version": None}, "version"),
    ],
)
def test_a_bad_sentences_file_fails_loudly(change: dict[str, Any], message: str) -> None:
    data = json.loads(SENTENCES_FILE.read_text(encoding="utf-8"))
    for key, value in change.items():
        data[key] = (data[key] | value) if key == "sentences" and value else value
    with pytest.raises(SentencesError, match=message):
        parse_sentences(data)
