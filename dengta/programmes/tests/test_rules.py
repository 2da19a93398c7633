"""A batch's rules as data (rules.py): the four batch files, the regional groups, and bad files (no database).

Confirmed values checked here (DOMAIN.md 2.1, 2.2): city caps 150,000,000 yuan (capital, 计划单列市,
兵团) and 100,000,000 yuan (other cities, municipal districts / counties); ≥ 80 % retrofit, ≤ 20 % service
capacity; 24 months; 90 % of 规上 at 二级; 2025 quotas 2 for 广东 江苏 浙江 山东 河南 安徽 福建 湖南 湖北
江西 四川 河北 and 1 for the others; batch 1–2 cities may not re-apply in 2025. Regional groups: NBS 2011
东部 10, 中部 6, 西部 12, 东北 3.
"""

from __future__ import annotations

import copy
import csv
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dengta.programmes.rules import (
    BATCHES_DIR,
    GROUPS_FILE,
    RULE_FIELDS,
    BatchRulesError,
    load_all_batches,
    load_batch_rules,
    load_regional_groups,
    parse_batch_rules,
    parse_regional_groups,
)

D = Decimal
BATCHES = load_all_batches()
GROUPS = load_regional_groups()
LARGE_2025 = {
    "440000", "320000", "330000", "370000", "410000", "340000",
    "350000", "430000", "420000", "360000", "510000", "130000",
}  # fmt: skip
REGIONS_CSV = Path(__file__).resolve().parents[2] / "reference" / "data" / "regions" / "regions.csv"


def raw(code: str) -> dict[str, Any]:
    text = (BATCHES_DIR / f"{code}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data


def test_the_four_batches_load_with_versions_and_sources() -> None:
    assert sorted(BATCHES) == ["city-2023", "city-2024", "city-2025", "platform-2022"]
    for code, rules in BATCHES.items():
        assert rules.code == code and rules.version and "DOMAIN.md" in rules.source
        assert {f for f, _ in rules.provenance} == set(RULE_FIELDS)
    assert [BATCHES[c].programme for c in sorted(BATCHES)] == ["city", "city", "city", "platform"]
    assert "财建〔2023〕117号" in BATCHES["city-2023"].notice
    assert BATCHES["city-2025"].notice == "财办建〔2025〕20号"
    assert BATCHES["city-2024"].notice == "财办建〔2024〕23号"


@pytest.mark.parametrize("code", ["city-2023", "city-2024", "city-2025"])
def test_the_city_pilot_values_from_the_base_notice(code: str) -> None:
    rules = BATCHES[code]
    assert rules.award_caps.basis == "application"
    assert rules.award_caps.for_kind("provincial_capital") == D("150000000")
    assert rules.award_caps.for_kind("separately_planned_city") == D("150000000")
    assert rules.award_caps.for_kind("prefecture_city") == D("100000000")
    assert rules.award_caps.for_kind("municipal_district_county") == D("100000000")
    assert (rules.min_retrofit_share, rules.max_service_share) == (D("0.80"), D("0.20"))
    assert (rules.target.share, rules.target.level) == (D("0.90"), 2)
    assert rules.pilot_period_months == 24
    assert rules.regional_balance is True
    assert rules.exclusions.earlier_pilot_cities is True
    assert rules.guidance.max_per_application is None  # DOMAIN.md 2.4: no numeric cap found
    assert rules.guidance.is_focus("C3670") and rules.guidance.is_focus("C3911")
    assert not rules.guidance.is_focus("C1711")
    for field in ("award_caps", "fund_split", "target", "pilot_period_months", "regional_balance"):
        assert rules.provenance_of(field) == "confirmed"
    assert rules.provenance_of("windows") == "dengta_default"


def test_the_2025_quotas_and_applicants() -> None:
    rules = BATCHES["city-2025"]
    assert set(rules.quotas.as_mapping()) == LARGE_2025
    assert all(rules.quotas.for_province(code) == 2 for code in LARGE_2025)
    assert rules.quotas.for_province("110000") == 1 and rules.quotas.for_province("650000") == 1
    assert rules.quotas.separately_planned_own_quota is False  # the notice addresses provinces only
    assert "bingtuan" not in rules.applicant_kinds
    assert rules.award_caps.for_kind("bingtuan") is None
    assert rules.guidance.avoid_dispersion is True
    assert rules.provenance_of("quotas") == "confirmed" and rules.provenance_of("exclusions") == "confirmed"


def test_the_2023_and_2024_defaults_are_said_to_be_defaults() -> None:
    first, second = BATCHES["city-2023"], BATCHES["city-2024"]
    assert first.quotas.as_mapping() == {} and first.quotas.default == 1
    assert first.quotas.separately_planned_own_quota is True
    assert "bingtuan" in first.applicant_kinds and first.award_caps.for_kind("bingtuan") == D("150000000")
    assert set(second.quotas.as_mapping()) == LARGE_2025
    assert first.provenance_of("quotas") == second.provenance_of("quotas") == "dengta_default"
    assert "NOT FOUND" in first.source and "NOT FOUND" in second.source
    assert first.windows.application_opens == date(2023, 6, 14)  # the notice's date
    assert first.windows.review_closes == date(2023, 8, 30)  # batch 1 publicised


def test_the_platform_pilot_funds_nominated_platforms() -> None:
    rules = BATCHES["platform-2022"]
    assert rules.applicant_kinds == ("province", "separately_planned_city", "bingtuan")
    assert rules.award_caps.basis == "provider" and rules.award_caps.for_kind("province") == D("5000000")
    assert rules.provenance_of("award_caps") == "dengta_default"
    assert rules.provenance_of("sub_industry_guidance") == "confirmed"
    assert rules.guidance.focus_prefixes == ("C26", "C27", "C34", "C35", "C367", "C37", "C38", "C39")
    assert not rules.guidance.is_focus("C3610")  # whole vehicles were not a 2022 focus, parts were
    assert rules.windows.application_opens == date(2022, 8, 17)
    assert rules.exclusions.earlier_pilot_cities is False


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2025, 5, 19), False),
        (date(2025, 5, 20), True),
        (date(2025, 6, 30), True),
        (date(2025, 7, 1), False),
    ],
)
def test_the_window_includes_both_ends(day: date, inside: bool) -> None:
    assert BATCHES["city-2025"].windows.accepts(day) is inside


# ---------------------------------------------------------------------------------------------------------
# Regional groups


def test_the_regional_groups_follow_the_nbs_division() -> None:
    assert len(GROUPS.members) == 32 and GROUPS.version
    by_region: dict[str, set[str]] = {}
    for m in GROUPS.members:
        by_region.setdefault(m.nbs_region, set()).add(m.name)
    assert len(by_region["east"]) == 10 and "海南省" in by_region["east"]
    assert len(by_region["central"]) == 6 and "山西省" in by_region["central"]
    assert len(by_region["west"]) == 13  # 12 provinces + the 兵团
    assert by_region["northeast"] == {"辽宁省", "吉林省", "黑龙江省"}
    assert GROUPS.balance_group_of("210000") == "east"
    assert GROUPS.balance_group_of("220000") == GROUPS.balance_group_of("230000") == "central"
    assert GROUPS.balance_group_of("660000") == "west" and GROUPS.balance_group_of("150000") == "west"
    assert "stats.gov.cn" in GROUPS.source


def test_the_regional_groups_hold_exactly_the_province_level_units_of_the_region_table() -> None:
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        level1 = {row["code"]: row["name"] for row in csv.DictReader(handle) if row["level"] == "1"}
    assert {m.code: m.name for m in GROUPS.members} == level1


def groups_raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GROUPS_FILE.read_text(encoding="utf-8"))
    return data


def with_member(index: int, **change: Any) -> dict[str, Any]:
    data = groups_raw()
    data["members"][index].update(change)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (with_member(0, code="110100"), "province-level code"),
        (with_member(0, nbs_region="north"), "nbs_region"),
        (with_member(0, balance_group="northeast"), "balance_group"),
        (with_member(1, code="110000"), "listed twice"),
        ({**groups_raw(), "members": groups_raw()["members"][:-1]}, "兵团"),
        ({**groups_raw(), "members": []}, "non-empty"),
        ({**groups_raw(), "version": ""}, "version"),
        ({**groups_raw(), "colour": "red"}, "unknown keys"),
    ],
)
def test_a_bad_regional_groups_file_fails_loudly(data: dict[str, Any], message: str) -> None:
    with pytest.raises(BatchRulesError, match=message):
        parse_regional_groups(data)


# ---------------------------------------------------------------------------------------------------------
# Bad batch files fail loudly, each with the field named


def changed(code: str, path: str, value: Any) -> dict[str, Any]:
    """The batch file ``code`` with the dotted ``path`` set to ``value`` (deleted when value is ...)."""
    data = copy.deepcopy(raw(code))
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


BAD: list[tuple[str, str, Any, str]] = [
    ("city-2025", "version", "", "version: must be a non-empty text"),
    ("city-2025", "source", 3, "source: must be a non-empty text"),
    ("city-2025", "programme", "town", "programme"),
    ("city-2025", "year", 1999, "year: 1999 must be a whole number ≥ 2000"),
    ("city-2025", "year", 2024, "file name must begin with city-2024"),
    ("city-2025", "colour", "red", "unknown keys"),
    ("city-2025", "target", ..., "missing target"),
    ("city-2025", "windows.application_closes", "2025-05-01", "closes (2025-05-01) before it opens"),
    ("city-2025", "windows.review_closes", "2025-06-01", "review closes (2025-06-01) before applications"),
    ("city-2025", "windows.application_opens", "2025-13-01", "not an ISO date"),
    ("city-2025", "windows.application_opens", 20250520, "must be an ISO date"),
    ("city-2025", "pilot_period_months", 0, "pilot_period_months: 0 must be a whole number ≥ 1"),
    ("city-2025", "applicant_kinds", [], "applicant_kinds: must be a non-empty list"),
    ("city-2025", "applicant_kinds", ["town"], "unknown kind 'town'"),
    ("city-2025", "applicant_kinds", ["province"], "'province' cannot apply in the city model"),
    ("platform-2022", "applicant_kinds", ["prefecture_city"], "cannot apply in the platform model"),
    ("city-2025", "applicant_kinds", ["prefecture_city", "prefecture_city"], "listed twice"),
    ("city-2025", "quotas.default", -1, "quotas.default: -1 must be a whole number ≥ 0"),
    ("city-2025", "quotas.default", 1.5, "quotas.default"),
    ("city-2025", "quotas.default", True, "quotas.default"),
    ("city-2025", "quotas.overrides", {"990000": 2}, "'990000' is not a province code"),
    ("city-2025", "quotas.overrides", {"440300": 2}, "'440300' is not a province code"),
    ("city-2025", "quotas.overrides", {"440000": -2}, "quotas.overrides.440000"),
    ("city-2025", "quotas.overrides", [], "quotas.overrides: must be an object"),
    ("city-2025", "quotas.separately_planned_own_quota", "no", "must be true or false"),
    ("city-2025", "award_caps.basis", "provider", "must be 'application' in the city model"),
    ("platform-2022", "award_caps.basis", "application", "must be 'provider' in the platform model"),
    ("city-2025", "award_caps.yuan.prefecture_city", 0, "prefecture_city: 0 must be above 0"),
    ("city-2025", "award_caps.yuan.prefecture_city", -5, "must be above 0"),
    ("city-2025", "award_caps.yuan.prefecture_city", "lots", "'lots' is not a number"),
    ("city-2025", "award_caps.yuan.prefecture_city", ..., "needs a cap for each eligible kind"),
    ("city-2025", "award_caps.yuan.bingtuan", 150000000, "needs a cap for each eligible kind"),
    ("city-2025", "fund_split.min_retrofit_share", D("1.2"), "min_retrofit_share: 1.2 is outside 0–1"),
    ("city-2025", "fund_split.max_service_share", D("-0.1"), "max_service_share: -0.1 is outside 0–1"),
    ("city-2025", "fund_split.min_retrofit_share", D("0.85"), "0.85 + max service 0.20 is above 1"),
    ("city-2025", "fund_split.min_retrofit_share", D("0.70"), "must be 1 for a city"),
    ("city-2025", "target.share", D("1.5"), "target.share: 1.5 is outside 0–1"),
    ("city-2025", "target.level", 5, "target.level: 5 must be 1–4"),
    ("city-2025", "target.level", 0, "target.level"),
    ("city-2025", "sub_industry_guidance.focus_prefixes", ["C26", "Z99"], "'Z99' is not a GB/T 4754"),
    ("city-2025", "sub_industry_guidance.max_per_application", 0, "max_per_application: 0"),
    ("city-2025", "exclusions.earlier_pilot_cities", "yes", "exclusions.earlier_pilot_cities"),
    ("city-2025", "require_t0_assessment", 1, "require_t0_assessment: must be true or false"),
    ("city-2025", "provenance.quotas", ..., "provenance: missing quotas"),
    ("city-2025", "provenance.quotas", "maybe", "provenance.quotas: 'maybe' must be one of"),
]


@pytest.mark.parametrize(("code", "path", "value", "message"), BAD)
def test_a_bad_batch_file_names_the_field(code: str, path: str, value: Any, message: str) -> None:
    with pytest.raises(BatchRulesError, match=re.escape(message)):
        parse_batch_rules(changed(code, path, value), code)


def test_a_bad_batch_file_on_disk_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "city-2025.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BatchRulesError, match=r"city-2025\.json"):
        load_batch_rules(path)
    path.write_text(json.dumps(changed("city-2025", "quotas.default", -1), default=str), encoding="utf-8")
    with pytest.raises(BatchRulesError, match=r"quotas\.default"):
        load_batch_rules(path)
    with pytest.raises(BatchRulesError, match=r"city-2025 quotas\.default"):
        load_all_batches(tmp_path)


def test_an_edited_batch_file_is_read_with_its_version(tmp_path: Path) -> None:
    data = changed("city-2025", "version", "2025-v2")
    data["quotas"]["overrides"]["110000"] = 3
    (tmp_path / "city-2025.json").write_text(json.dumps(data, default=str), encoding="utf-8")
    edited = load_all_batches(tmp_path)["city-2025"]
    assert edited.version == "2025-v2" and edited.quotas.for_province("110000") == 3
    assert edited.quotas.for_province("440000") == 2


shares = st.decimals(min_value=-1, max_value=2, places=2)


@given(low=shares, high=shares)
def test_the_fund_split_loads_exactly_when_valid(low: Decimal, high: Decimal) -> None:
    for code, must_meet in (("platform-2022", False), ("city-2025", True)):
        data = changed(code, "fund_split", {"min_retrofit_share": low, "max_service_share": high})
        valid = 0 <= low <= 1 and 0 <= high <= 1 and (low + high == 1 if must_meet else low + high <= 1)
        if valid:
            rules = parse_batch_rules(data, code)
            assert (rules.min_retrofit_share, rules.max_service_share) == (low, high)
        else:
            with pytest.raises(BatchRulesError, match="fund_split"):
                parse_batch_rules(data, code)


@given(quota=st.integers(min_value=-5, max_value=50), province=st.sampled_from(sorted(GROUPS.codes())))
def test_quotas_load_exactly_when_whole_and_not_negative(quota: int, province: str) -> None:
    data = changed("city-2024", "quotas.overrides", {province: quota})
    if quota < 0:
        with pytest.raises(BatchRulesError, match=f"quotas.overrides.{province}"):
            parse_batch_rules(data, "city-2024")
    else:
        rules = parse_batch_rules(data, "city-2024")
        assert rules.quotas.for_province(province) == quota
        assert rules.quotas.as_mapping() == {province: quota}


@given(
    opens=st.dates(min_value=date(2023, 1, 1), max_value=date(2023, 12, 31)),
    closes=st.dates(min_value=date(2023, 1, 1), max_value=date(2023, 12, 31)),
    review=st.dates(min_value=date(2023, 1, 1), max_value=date(2023, 12, 31)),
)
def test_windows_load_exactly_when_ordered(opens: date, closes: date, review: date) -> None:
    window = {
        "application_opens": opens.isoformat(),
        "application_closes": closes.isoformat(),
        "review_closes": review.isoformat(),
    }
    data = changed("city-2023", "windows", window)
    if opens <= closes <= review:
        assert parse_batch_rules(data, "city-2023").windows.application_closes == closes
    else:
        with pytest.raises(BatchRulesError, match="windows"):
            parse_batch_rules(data, "city-2023")
