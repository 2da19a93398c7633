"""The SME size classifier against 《中小企业划型标准规定》 (工信部联企业〔2011〕300号), Art. 4, by sector.

The expected thresholds below are typed in from the standard's text independently of the data file, so these
tests check the data as well as the code. Every threshold is probed just below, at and just above, for each
clause of the OR (SME ceiling) and the AND (medium and small floors). No database is needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.reference.loaders import SIZE_STANDARD_JSON
from dengta.reference.sizing import SizeRules, SizeRulesError, classify, load_rules, normalise_industry_code

RAW = json.loads(SIZE_STANDARD_JSON.read_text(encoding="utf-8"))
RULES = load_rules(RAW)
WAN = Decimal(10000)
FEN = Decimal("0.01")
RANK = {"micro": 0, "small": 1, "medium": 2, "large": 3}


@dataclass(frozen=True)
class Expected:
    """One sector of Art. 4: (indicator, SME ceiling, medium floor, small floor); money in 万元."""

    key: str
    name: str
    code: str  # a GB/T 4754-2017 code in the sector
    limits: tuple[tuple[str, int, int, int], ...]


STANDARD = (
    Expected("agriculture", "农、林、牧、渔业", "A0111", (("revenue", 20000, 500, 50),)),
    Expected("industry", "工业", "C3670", (("employees", 1000, 300, 20), ("revenue", 40000, 2000, 300))),
    Expected(
        "construction", "建筑业", "E4710", (("revenue", 80000, 6000, 300), ("assets", 80000, 5000, 300))
    ),
    Expected("wholesale", "批发业", "F5111", (("employees", 200, 20, 5), ("revenue", 40000, 5000, 1000))),
    Expected("retail", "零售业", "F5211", (("employees", 300, 50, 10), ("revenue", 20000, 500, 100))),
    Expected(
        "transport", "交通运输业", "G5411", (("employees", 1000, 300, 20), ("revenue", 30000, 3000, 200))
    ),
    Expected("warehousing", "仓储业", "G5920", (("employees", 200, 100, 20), ("revenue", 30000, 1000, 100))),
    Expected("postal", "邮政业", "G6010", (("employees", 1000, 300, 20), ("revenue", 30000, 2000, 100))),
    Expected(
        "accommodation", "住宿业", "H6110", (("employees", 300, 100, 10), ("revenue", 10000, 2000, 100))
    ),
    Expected("catering", "餐饮业", "H6210", (("employees", 300, 100, 10), ("revenue", 10000, 2000, 100))),
    Expected(
        "information_transmission",
        "信息传输业",
        "I6311",
        (("employees", 2000, 100, 10), ("revenue", 100000, 1000, 100)),
    ),
    Expected(
        "software_it",
        "软件和信息技术服务业",
        "I6510",
        (("employees", 300, 100, 10), ("revenue", 10000, 1000, 50)),
    ),
    Expected(
        "real_estate_development",
        "房地产开发经营",
        "K7010",
        (("revenue", 200000, 1000, 100), ("assets", 10000, 5000, 2000)),
    ),
    Expected(
        "property_management",
        "物业管理",
        "K7020",
        (("employees", 1000, 300, 100), ("revenue", 5000, 1000, 500)),
    ),
    Expected(
        "leasing_business_services",
        "租赁和商务服务业",
        "L7211",
        (("employees", 300, 100, 10), ("assets", 120000, 8000, 100)),
    ),
    Expected("other", "其他未列明行业", "M7320", (("employees", 300, 100, 10),)),
)


def _native(indicator: str, wan_or_persons: int | Decimal) -> Decimal:
    return Decimal(wan_or_persons) * WAN if indicator != "employees" else Decimal(wan_or_persons)


def _step(indicator: str) -> Decimal:
    """The smallest meaningful step: one person, or one fen of money."""
    return Decimal(1) if indicator == "employees" else FEN


def _run(code: str, values: dict[str, Decimal]) -> str:
    result = classify(
        RULES,
        industry_code=code,
        employees=int(values.get("employees", 0)),
        revenue_yuan=values.get("revenue", Decimal(0)),
        assets_yuan=values.get("assets", Decimal(0)),
    )
    return result.size_class


def _boundary_cases() -> list[tuple[str, str, str, dict[str, Decimal], str]]:
    """(id, sector code, probe, values, expected class) for every threshold of every sector."""
    cases = []
    for exp in STANDARD:
        for i, (ind, ceiling, medium, small) in enumerate(exp.limits):
            others = [lim for j, lim in enumerate(exp.limits) if j != i]
            d = _step(ind)
            # SME ceiling, one clause of the OR: the other indicator is far above its ceiling, so this one
            # alone decides SME vs large. Just below the ceiling the firm passes the medium floors.
            far = {o[0]: _native(o[0], o[1] * 2) for o in others}
            for probe, value, want in (("below", -d, "medium"), ("at", 0, "large"), ("above", d, "large")):
                values = {**far, ind: _native(ind, ceiling) + value}
                cases.append((f"{exp.key}-{ind}-sme-{probe}", exp.code, probe, values, want))
            # Medium floor, one clause of the AND: the other indicator sits exactly on its medium floor.
            on_medium = {o[0]: _native(o[0], o[2]) for o in others}
            for probe, value, want in (("below", -d, "small"), ("at", 0, "medium"), ("above", d, "medium")):
                values = {**on_medium, ind: _native(ind, medium) + value}
                cases.append((f"{exp.key}-{ind}-medium-{probe}", exp.code, probe, values, want))
            # Small floor: the other indicator exactly on its small floor.
            on_small = {o[0]: _native(o[0], o[3]) for o in others}
            for probe, value, want in (("below", -d, "micro"), ("at", 0, "small"), ("above", d, "small")):
                values = {**on_small, ind: _native(ind, small) + value}
                cases.append((f"{exp.key}-{ind}-small-{probe}", exp.code, probe, values, want))
            # The other clause of the AND fails on its own: this indicator far above, the other just below.
            for o in others:
                od = _step(o[0])
                high = {ind: _native(ind, medium) + _native(ind, 1)}
                values = {**high, o[0]: _native(o[0], o[2]) - od}
                want = "small" if _native(o[0], o[2]) - od >= _native(o[0], o[3]) else "micro"
                cases.append((f"{exp.key}-{ind}-and-needs-{o[0]}", exp.code, "below", values, want))
    return cases


BOUNDARY_CASES = _boundary_cases()


@pytest.mark.parametrize(
    ("code", "probe", "values", "want"), [c[1:] for c in BOUNDARY_CASES], ids=[c[0] for c in BOUNDARY_CASES]
)
def test_every_boundary_of_every_sector(code: str, probe: str, values: dict[str, Decimal], want: str) -> None:
    assert _run(code, values) == want


def test_boundary_table_covers_every_sector_and_threshold() -> None:
    sectors = {c[0].split("-")[0] for c in BOUNDARY_CASES}
    assert sectors == {e.key for e in STANDARD} == set(RULES.sectors)
    thresholds = sum(len(e.limits) * 3 for e in STANDARD)
    assert len(BOUNDARY_CASES) >= thresholds * 3


@pytest.mark.parametrize("exp", STANDARD, ids=[e.key for e in STANDARD])
def test_data_file_matches_the_standard(exp: Expected) -> None:
    sector = RULES.sectors[exp.key]
    assert sector.name_zh == exp.name
    assert [(c.indicator, c.value) for c in sector.sme.conditions] == [(i, c) for i, c, _, _ in exp.limits]
    assert [(c.indicator, c.value) for c in sector.medium.conditions] == [(i, m) for i, _, m, _ in exp.limits]
    assert [(c.indicator, c.value) for c in sector.small.conditions] == [(i, s) for i, _, _, s in exp.limits]
    assert (sector.sme.combine, sector.medium.combine, sector.small.combine) == ("any", "all", "all")
    assert sector.text_zh and sector.clause.startswith("第四条")
    assert RULES.sector_for_code(exp.code)[0].key == exp.key


def test_domain_md_example_industrial_firm() -> None:
    """DOMAIN.md 4.1: 工业 SME if staff < 1000 OR revenue < 40000万; medium ≥ 300 AND ≥ 2000万."""
    big_staff_small_revenue = classify(
        RULES,
        industry_code="C3670",
        employees=5000,
        revenue_yuan=Decimal(39999) * WAN,
        assets_yuan=Decimal(0),
    )
    assert (big_staff_small_revenue.size_class, big_staff_small_revenue.is_sme) == ("medium", True)
    large = classify(
        RULES,
        industry_code="C3670",
        employees=1000,
        revenue_yuan=Decimal(40000) * WAN,
        assets_yuan=Decimal(0),
    )
    assert (large.size_class, large.is_sme) == ("large", False)
    many_staff_low_revenue = classify(
        RULES, industry_code="C3670", employees=800, revenue_yuan=Decimal(250) * WAN, assets_yuan=Decimal(0)
    )
    assert many_staff_low_revenue.size_class == "micro"


# -------------------------------------------------------------------------------------------- mapping

MAPPING = [
    ("A0111", "agriculture", True),
    ("A0511", "agriculture", True),
    ("A05", "agriculture", True),
    ("B0610", "industry", True),
    ("C1310", "industry", True),
    ("C3670", "industry", True),
    ("C43", "industry", True),
    ("D4411", "industry", True),
    ("D4610", "industry", True),
    ("E4710", "construction", True),
    ("E5010", "construction", True),
    ("F5111", "wholesale", True),
    ("F5299", "retail", True),
    ("G5310", "transport", False),
    ("G5411", "transport", True),
    ("G5821", "transport", True),
    ("G5910", "transport", True),
    ("G591", "transport", True),
    ("G5920", "warehousing", True),
    ("G5990", "warehousing", True),
    ("G6010", "postal", True),
    ("H6110", "accommodation", True),
    ("H6210", "catering", True),
    ("I6311", "information_transmission", True),
    ("I6421", "information_transmission", True),
    ("I6510", "software_it", True),
    ("I6550", "software_it", True),
    ("J6621", "other", False),
    ("K7010", "real_estate_development", True),
    ("K7020", "property_management", True),
    ("K7030", "other", True),
    ("K7040", "other", False),
    ("K7090", "other", True),
    ("L7111", "leasing_business_services", True),
    ("L7299", "leasing_business_services", True),
    ("M7320", "other", True),
    ("N7721", "other", True),
    ("O8011", "other", True),
    ("P8331", "other", True),
    ("Q8411", "other", True),
    ("R8610", "other", True),
    ("S9100", "other", False),
    ("T9700", "other", False),
    ("3670", "industry", True),
    ("c36", "industry", True),
    (" f5211 ", "retail", True),
    ("59", "warehousing", True),
]


@pytest.mark.parametrize(("code", "sector", "in_scope"), MAPPING)
def test_sector_mapping_longest_prefix_wins(code: str, sector: str, in_scope: bool) -> None:
    result = classify(
        RULES, industry_code=code, employees=10, revenue_yuan=Decimal(0), assets_yuan=Decimal(0)
    )
    assert result.sector_key == sector
    assert result.explanation["sector"]["in_scope"] is in_scope
    if not in_scope:
        assert result.explanation["sector"]["note_zh"]


def test_mapping_prefixes_are_unique_and_point_at_sectors() -> None:
    prefixes = [m.prefix for m in RULES.mapping]
    assert len(prefixes) == len(set(prefixes))
    assert {m.sector for m in RULES.mapping} <= set(RULES.sectors)
    # every sector the standard lists is reachable from some code
    assert {m.sector for m in RULES.mapping} | {RULES.default_sector} == set(RULES.sectors)


@pytest.mark.parametrize("bad", ["", "  ", "X", "99", "3X", "C51", "F36", "C367A", "C36701"])
def test_bad_industry_codes_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        normalise_industry_code(bad)


# ----------------------------------------------------------------------------- 规上 and the explanation


# The statistics' cut-offs as the statistics offices publish them (楚雄市统计局 2023-09-05;
# 天津市滨海新区统计局; 永春县 2024-08-09; 福建省政府网 2023-09-20 citing the NBS), typed in independently of
# the data file: (code, scope name, cut-off in 万元).
DESIGNATED = [
    ("C3670", "规模以上工业", 2000), ("B0610", "规模以上工业", 2000), ("D4411", "规模以上工业", 2000),
    ("F5111", "限额以上批发业", 2000), ("F5176", "限额以上批发业", 2000), ("F5211", "限额以上零售业", 500),
    ("H6110", "限额以上住宿和餐饮业", 200), ("H6210", "限额以上住宿和餐饮业", 200),
    ("G5411", "规模以上服务业", 2000), ("I6513", "规模以上服务业", 2000), ("I6531", "规模以上服务业", 2000),
    ("N7820", "规模以上服务业", 2000), ("Q8411", "规模以上服务业", 2000),
    ("L7212", "规模以上服务业", 1000), ("M7320", "规模以上服务业", 1000), ("P8336", "规模以上服务业", 1000),
    ("K7020", "规模以上服务业", 1000), ("K7040", "规模以上服务业", 1000),
    ("O8010", "规模以上服务业", 500), ("R8710", "规模以上服务业", 500), ("Q8521", "规模以上服务业", 500),
]  # fmt: skip


@pytest.mark.parametrize(("code", "scope", "cut_off"), DESIGNATED)
def test_above_designated_size_thresholds(code: str, scope: str, cut_off: int) -> None:
    def at(revenue_wan: Decimal) -> Any:
        return classify(
            RULES, industry_code=code, employees=50, revenue_yuan=revenue_wan * WAN, assets_yuan=Decimal(0)
        )

    assert at(Decimal(cut_off)).above_designated_size is True
    below = at(Decimal(cut_off) - Decimal("0.0001"))
    assert below.above_designated_size is False
    ads = below.explanation["above_designated_size"]
    assert ads["determinable"] is True and ads["status"] == "confirmed"
    assert ads["name_zh"] == scope and ads["threshold"] == str(cut_off)
    assert ads["sources"] and all(s["publisher_zh"] and s["url"].startswith("http") for s in ads["sources"])
    assert f"不属于{scope}" in below.explanation["summary_zh"]
    assert f"属于{scope}" in at(Decimal(cut_off)).explanation["summary_zh"]


@pytest.mark.parametrize(
    ("code", "key"),
    [("E4710", "construction"), ("K7010", "real_estate_development"), ("A0111", "agriculture"),
     ("J6621", "finance"), ("S9100", "public"), ("K", "unmatched")],
)  # fmt: skip
def test_above_designated_size_not_determined_gives_a_reason(code: str, key: str) -> None:
    result = classify(
        RULES, industry_code=code, employees=5000, revenue_yuan=Decimal(10**12), assets_yuan=Decimal(10**12)
    )
    assert result.above_designated_size is False
    ads = result.explanation["above_designated_size"]
    assert ads["determinable"] is False and ads["key"] == key and ads["reason_zh"] and ads["reason_en"]
    assert "UNCONFIRMED" not in json.dumps(ads)


def test_every_designated_rule_is_sourced_and_every_section_is_covered() -> None:
    table = RAW["designated_size"]
    for rule in table["rules"]:
        assert rule["status"] in {"confirmed", "unconfirmed"}
        assert rule["sources"] and set(rule["sources"]) <= set(table["sources"])
    prefixes = {p for rule in table["rules"] for p in rule["prefixes"]}
    for section in "ABCDEGHIJLMNOPRST":
        assert section in prefixes or any(p.startswith(section) for p in prefixes), section
    assert "UNCONFIRMED" not in json.dumps(RAW, ensure_ascii=False)


def test_older_versions_with_a_cut_off_per_sector_still_classify() -> None:
    old = json.loads(json.dumps(RAW))
    del old["designated_size"]
    old["version"] = "miit-2011-300"
    for sector in old["sectors"]:
        if sector["key"] == "industry":
            sector["above_designated_size"] = {
                "determinable": True, "indicator": "revenue", "op": "gte", "value": 2000,
                "status": "unconfirmed",
            }  # fmt: skip
    rules = load_rules(old)
    big = classify(
        rules, industry_code="C3670", employees=50, revenue_yuan=2000 * WAN, assets_yuan=Decimal(0)
    )
    assert big.above_designated_size is True
    software = classify(
        rules, industry_code="I6513", employees=50, revenue_yuan=WAN**3, assets_yuan=Decimal(0)
    )
    assert software.explanation["above_designated_size"]["determinable"] is False


def test_explanation_is_json_and_names_the_tests() -> None:
    result = classify(
        RULES,
        industry_code="C3670",
        employees=250,
        revenue_yuan=Decimal("25000000.50"),
        assets_yuan=Decimal(0),
    )
    text = json.dumps(result.explanation, ensure_ascii=False)
    again = json.loads(text)
    assert result.size_class == "small" and result.version == "miit-2011-300-v2"
    assert [t["tier"] for t in again["tests"]] == ["sme", "medium", "small"]
    medium = again["tests"][1]
    assert medium["combine"] == "all" and medium["holds"] is False and medium["applied"] is True
    assert medium["conditions"][0] == {
        "indicator": "employees", "op": "gte", "threshold": 300, "value": 250, "unit": "人", "holds": False,
    }  # fmt: skip
    assert medium["conditions"][1]["value"] == "2500.00005" and medium["conditions"][1]["threshold"] == "2000"
    assert "小型" in again["summary_zh"] and "工业" in again["summary_zh"]
    assert again["summary_en"].startswith("Small enterprise")
    assert result.sector_name == "工业"
    assert (again["sector"]["clause"], again["sector"]["clause_en"]) == ("第四条（二）", "Art. 4 (2)")


def test_large_firm_explanation_marks_tiers_not_applied() -> None:
    result = classify(
        RULES,
        industry_code="C3670",
        employees=2000,
        revenue_yuan=Decimal(50000) * WAN,
        assets_yuan=Decimal(0),
    )
    assert result.size_class == "large" and not result.is_sme
    assert [t["applied"] for t in result.explanation["tests"]] == [True, False, False]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"employees": -1, "revenue_yuan": Decimal(0), "assets_yuan": Decimal(0)},
        {"employees": 1, "revenue_yuan": Decimal(-1), "assets_yuan": Decimal(0)},
        {"employees": 1, "revenue_yuan": Decimal(0), "assets_yuan": Decimal("NaN")},
    ],
)
def test_negative_or_nan_inputs_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        classify(RULES, industry_code="C3670", **kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------- data validation


def _mutated(path: list[object], value: object) -> dict[str, object]:
    doc = json.loads(json.dumps(RAW))
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["sectors", 1, "tiers", "micro", "conditions", 0, "value"], 19, "complement"),
        (["sectors", 1, "tiers", "medium", "conditions", 0, "value"], 1000, "nest"),
        (["sectors", 1, "tiers", "sme", "combine"], "all", "combine"),
        (["sectors", 1, "tiers", "medium", "combine"], "any", "combine"),
        (["sectors", 1, "tiers", "small", "conditions", 0, "op"], "lt", "gte"),
        (["sectors", 1, "tiers", "small", "conditions", 0, "indicator"], "staff", "indicator"),
        (["mapping", 0, "sector"], "nowhere", "unknown sector"),
        (["default_sector"], "nowhere", "default_sector"),
        (["kind"], "regions", "size_standard"),
    ],
)
def test_malformed_rules_are_refused(path: list[object], value: object, message: str) -> None:
    with pytest.raises(SizeRulesError, match=message):
        load_rules(_mutated(path, value))


def test_every_listed_sector_is_encoded() -> None:
    names = {s.name_zh for s in RULES.sectors.values()}
    assert names == {e.name for e in STANDARD}
    assert len(names) == 16
    assert RAW["document_number"] == "工信部联企业〔2011〕300号" and RAW["source"]


# ------------------------------------------------------------------------------------------ properties

money = st.decimals(min_value=0, max_value=Decimal(10**13), places=2, allow_nan=False, allow_infinity=False)
staff = st.integers(min_value=0, max_value=10**6)
sector_codes = st.sampled_from([e.code for e in STANDARD] + ["G5310", "J6621", "K7040", "P8331"])


def _classify(rules: SizeRules, code: str, e: int, r: Decimal, a: Decimal) -> str:
    return classify(rules, industry_code=code, employees=e, revenue_yuan=r, assets_yuan=a).size_class


@settings(max_examples=400, deadline=None)
@given(code=sector_codes, e=staff, r=money, a=money, de=staff, dr=money, da=money)
def test_more_never_makes_a_firm_smaller(
    code: str, e: int, r: Decimal, a: Decimal, de: int, dr: Decimal, da: Decimal
) -> None:
    base = RANK[_classify(RULES, code, e, r, a)]
    assert RANK[_classify(RULES, code, e + de, r, a)] >= base
    assert RANK[_classify(RULES, code, e, r + dr, a)] >= base
    assert RANK[_classify(RULES, code, e, r, a + da)] >= base
    assert RANK[_classify(RULES, code, e + de, r + dr, a + da)] >= base


@settings(max_examples=400, deadline=None)
@given(code=sector_codes, e=staff, r=money, a=money)
def test_classes_partition_firms_as_the_standard_says(code: str, e: int, r: Decimal, a: Decimal) -> None:
    result = classify(RULES, industry_code=code, employees=e, revenue_yuan=r, assets_yuan=a)
    sector = RULES.sectors[result.sector_key]
    values = {"employees": Decimal(e), "revenue": r, "assets": a}
    # Exactly one class; SME iff not large; the standard's micro sentence describes exactly the micro firms.
    assert result.size_class in RANK
    assert result.is_sme is (result.size_class != "large")
    if result.is_sme:
        assert (result.size_class == "micro") is sector.micro.holds(values)
        assert (result.size_class == "medium") is sector.medium.holds(values)
    json.dumps(result.explanation)
