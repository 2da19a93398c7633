"""The 2022 score bands (DOMAIN.md 3.1) and the EU DMA SME scoring (DOMAIN.md 9.1, reference/eu-dma-sme.json).

2022: a level from the total alone, lower bound inclusive (一级 [20, 40), 二级 [40, 60), 三级 [60, 80),
四级 [80, 100]); historical totals have at most four decimals.
EU DMA: each question normalised to 0–10 by its type (checkbox 10 × ticked / options; q7's negative item is
exclusive and scores 0; invested/planned table 1 / 0.5 per row, 10 × points / rows; 0–5 table
10 × sum / (rows × 5); No/Partially/Yes 0 / 0.5 / 1, 10 × sum / rows), a dimension is 10 × the mean of its
questions, the overall score the mean of the six, and the band is found on the unrounded score with upper
thresholds (≤ 25 Basic, ≤ 50 Average, ≤ 75 Moderately advanced, else Advanced). The expected values are
worked out by hand below. No database is needed.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from dengta.assessment.scoring.bands import BandFramework, level_for_total, parse_total
from dengta.assessment.scoring.definitions import canonical, compile_content, read_definition
from dengta.assessment.scoring.eu_dma import DmaFramework, parse_dma, rounded, score_dma


def _bands() -> BandFramework:
    fw = compile_content(canonical(read_definition("miit-2022.json").content))
    assert isinstance(fw, BandFramework)
    return fw


def _dma() -> DmaFramework:
    fw = compile_content(canonical(read_definition("eu-dma-sme.rules.json").content))
    assert isinstance(fw, DmaFramework)
    return fw


BANDS = _bands()
DMA = _dma()

# ---------------------------------------------------------------------------------------------------------
# 2022 bands


@pytest.mark.parametrize(
    ("total", "level"),
    [
        ("0", 0),
        ("19.9999", 0),
        ("20", 1),
        ("20.0001", 1),
        ("39.9999", 1),
        ("40", 2),
        ("59.9999", 2),
        ("60", 3),
        ("79.9999", 3),
        ("80", 4),
        ("99.9999", 4),
        ("100", 4),
    ],
)
def test_2022_band_boundaries(total: str, level: int) -> None:
    assert level_for_total(BANDS, Decimal(total)) == level
    value, problem = parse_total(BANDS, total)
    assert problem is None
    assert value == Decimal(total)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("-1", "total_range"),
        (-0.0001, "total_range"),
        ("100.0001", "total_range"),
        (101, "total_range"),
        ("abc", "total_format"),
        ("", "total_format"),
        (None, "total_format"),
        ("NaN", "total_format"),
        ("Infinity", "total_format"),
        ("四十", "total_format"),
        ("12.34567", "total_precision"),
        ("59.99995", "total_precision"),
        ("0.00001", "total_precision"),
    ],
)
def test_2022_parse_total_refuses(raw: Any, code: str) -> None:
    value, problem = parse_total(BANDS, raw)
    assert value is None
    assert problem is not None
    assert problem.code == code


@pytest.mark.parametrize(
    ("raw", "value"),
    [(" 40 ", Decimal(40)), (55, Decimal(55)), ("12.3400", Decimal("12.34")), ("0", Decimal(0))],
)
def test_2022_parse_total_accepts(raw: Any, value: Decimal) -> None:
    assert parse_total(BANDS, raw) == (value, None)


# ---------------------------------------------------------------------------------------------------------
# EU DMA: row and option codes (reference/eu-dma-sme.json)

Q1_ROWS = [
    "product_service_design",
    "project_planning",
    "operations",
    "collaboration",
    "inbound_logistics",
    "marketing_sales",
    "delivery",
    "administration_hr",
    "purchasing_procurement",
    "cybersecurity_gdpr",
]
Q2 = [
    "needs_identified",
    "financial_resources",
    "it_infrastructure_ready",
    "ict_specialists",
    "management_ready",
    "departments_ready",
    "processes_adaptable",
    "servitisation",
    "satisfaction_monitored",
    "risks_considered",
]
Q3 = [
    "connectivity_infrastructure",
    "website",
    "web_forms_blogs",
    "live_chat_social_chatbots",
    "ecommerce_sales",
    "emarketing",
    "egovernment",
    "remote_collaboration",
    "intranet",
    "information_management_systems",
]
Q4_ROWS = [
    "simulation_digital_twins",
    "vr_ar",
    "cad_cam",
    "manufacturing_execution_systems",
    "iot_iiot",
    "blockchain",
    "additive_manufacturing",
]
Q5 = [
    "skills_assessment",
    "training_plan",
    "short_trainings_elearning",
    "learning_by_doing",
    "traineeships_placements",
    "external_trainings",
    "subsidised_programmes",
]
Q6 = [
    "awareness",
    "communicates_plans",
    "monitors_acceptance",
    "involves_staff",
    "autonomy_tools",
    "redesigns_jobs",
    "flexible_working",
    "support_team",
]
Q7_POSITIVE = [
    "data_management_policy",
    "stored_digitally",
    "properly_integrated",
    "real_time_access",
    "analysed_for_decisions",
    "enriched_with_external",
    "self_service_analytics",
]
Q7_NEGATIVE = "not_collected_digitally"
Q8 = [
    "security_policy",
    "client_data_protected",
    "staff_trained",
    "threats_monitored",
    "full_backup",
    "business_continuity_plan",
]
Q9_ROWS = [
    "natural_language_processing",
    "computer_vision",
    "audio_speech",
    "robotics_autonomous",
    "business_intelligence",
]
Q10 = [
    "sustainable_business_model",
    "sustainable_service_provision",
    "sustainable_products",
    "sustainable_production",
    "emissions_pollution_waste",
    "own_energy_generation",
    "raw_material_optimisation",
    "transport_packaging_reduction",
    "responsible_consumer_apps",
    "paperless_administration",
]
Q11_ROWS = [
    "environment_in_digital_strategy",
    "environmental_management_system",
    "environmental_procurement_criteria",
    "energy_consumption_monitored",
    "equipment_recycling_reuse",
]


def test_codes_match_the_framework() -> None:
    def rows(q: str) -> list[str]:
        question = DMA.question(q)
        assert question is not None
        return [r.code for r in question.rows]

    assert rows("q1") == Q1_ROWS
    assert rows("q2") == Q2
    assert rows("q3") == Q3
    assert rows("q4") == Q4_ROWS
    assert rows("q5") == Q5
    assert rows("q6") == Q6
    assert rows("q7") == [Q7_POSITIVE[0], Q7_NEGATIVE, *Q7_POSITIVE[1:]]
    assert rows("q8") == Q8
    assert rows("q9") == Q9_ROWS
    assert rows("q10") == Q10
    assert rows("q11") == Q11_ROWS


def table(question: str, rows: list[str], values: list[Any]) -> dict[str, Any]:
    return {f"{question}.{row}": value for row, value in zip(rows, values, strict=False)}


def dma(raw: dict[str, Any]) -> Any:
    clean, problems = parse_dma(DMA, raw)
    assert problems == [], [str(p) for p in problems]
    return score_dma(DMA, clean)


# ---------------------------------------------------------------------------------------------------------
# Question normalisation by type

QUESTION_CASES = [
    # checkbox: 10 × ticked / options
    ("q2", {"q2": Q2[:3]}, Fraction(3)),
    ("q2", {"q2": Q2}, Fraction(10)),
    ("q2", {}, Fraction(0)),
    ("q2", {"q2": ""}, Fraction(0)),
    ("q3", {"q3": ";".join(Q3[:5])}, Fraction(5)),
    ("q5", {"q5": Q5[:2]}, Fraction(20, 7)),
    ("q6", {"q6": Q6[:3]}, Fraction(15, 4)),
    ("q8", {"q8": Q8[:1]}, Fraction(5, 3)),
    ("q10", {"q10": Q10[:9]}, Fraction(9)),
    # checkbox with the negative item: exclusive, 0 if ticked, else 10 × ticked / 7 positive options
    ("q7", {"q7": [Q7_NEGATIVE]}, Fraction(0)),
    ("q7", {"q7": Q7_POSITIVE}, Fraction(10)),
    ("q7", {"q7": Q7_POSITIVE[:3]}, Fraction(30, 7)),
    ("q7", {"q7": Q7_POSITIVE[:1]}, Fraction(10, 7)),
    # invested / planned table: 1 per row invested, 0.5 planned only, 10 × points / 10 rows
    ("q1", table("q1", Q1_ROWS, ["invested"] * 10), Fraction(10)),
    ("q1", table("q1", Q1_ROWS, ["planned"] * 10), Fraction(5)),
    ("q1", table("q1", Q1_ROWS, [["invested", "planned"]] * 10), Fraction(10)),
    (
        "q1",
        table(
            "q1", Q1_ROWS, ["invested", "invested", "planned", "planned", "planned", "invested;planned", ""]
        ),
        Fraction(9, 2),  # 1 + 1 + 0.5 × 3 + 1 = 4.5 of 10 rows
    ),
    ("q1", table("q1", Q1_ROWS, ["planned"]), Fraction(1, 2)),
    ("q1", {}, Fraction(0)),
    # 0–5 scale table: 10 × sum / (rows × 5); unanswered rows count 0
    ("q4", table("q4", Q4_ROWS, [5] * 7), Fraction(10)),
    ("q4", table("q4", Q4_ROWS, [5, 4, 3, 2, 1, 0, 0]), Fraction(30, 7)),  # 15 / 35
    ("q4", table("q4", Q4_ROWS, [5]), Fraction(10, 7)),  # 5 / 35
    ("q4", table("q4", Q4_ROWS, ["1"]), Fraction(2, 7)),
    ("q9", table("q9", Q9_ROWS, [3] * 5), Fraction(6)),  # 15 / 25
    ("q9", table("q9", Q9_ROWS, [0] * 5), Fraction(0)),
    # No / Partially / Yes: 0 / 0.5 / 1, 10 × sum / rows
    ("q11", table("q11", Q11_ROWS, [1, "0.5", 0, "1", 0.5]), Fraction(6)),  # 3 / 5
    ("q11", table("q11", Q11_ROWS, [1] * 5), Fraction(10)),
    ("q11", table("q11", Q11_ROWS, ["0.5"]), Fraction(1)),
]


@pytest.mark.parametrize(("question", "raw", "expected"), QUESTION_CASES)
def test_question_normalisation(question: str, raw: dict[str, Any], expected: Fraction) -> None:
    result = dma(raw)
    assert result.questions[question] == expected
    assert all(v == 0 for q, v in result.questions.items() if q != question)


def test_dimensions_overall_and_band() -> None:
    raw: dict[str, Any] = {
        **table("q1", Q1_ROWS, ["planned"] * 10),  # 5
        "q2": Q2[:3],  # 3  → strategy 10 × (5 + 3) / 2 = 40
        "q3": Q3[:5],  # 5
        **table("q4", Q4_ROWS, [5] * 7),  # 10 → readiness 75
        "q5": Q5,  # 10
        "q6": Q6[:4],  # 5 → human 75
        "q7": [Q7_NEGATIVE],  # 0
        "q8": Q8,  # 10 → data 50
        **table("q9", Q9_ROWS, [2] * 5),  # 4 → automation 40
        "q10": [],  # 0
        **table("q11", Q11_ROWS, ["0.5"] * 5),  # 5 → green 25
    }
    result = dma(raw)
    assert result.dimensions == {
        "strategy": 40,
        "readiness": 75,
        "human": 75,
        "data": 50,
        "automation": 40,
        "green": 25,
    }
    assert result.overall == Fraction(305, 6)  # 50.8333…: above 50, so the band is not Average
    assert result.band.name == "Moderately advanced"
    assert result.to_json() == {
        "questions": {
            "q1": "5.00",
            "q2": "3.00",
            "q3": "5.00",
            "q4": "10.00",
            "q5": "10.00",
            "q6": "5.00",
            "q7": "0.00",
            "q8": "10.00",
            "q9": "4.00",
            "q10": "0.00",
            "q11": "5.00",
        },
        "dimensions": {
            "strategy": "40.00",
            "readiness": "75.00",
            "human": "75.00",
            "data": "50.00",
            "automation": "40.00",
            "green": "25.00",
        },
        "overall": "50.83",
        "band": "Moderately advanced",
        "band_zh": "较先进",
    }


def test_dimension_of_one_question_is_ten_times_it() -> None:
    result = dma(table("q9", Q9_ROWS, [5, 5, 5, 5, 1]))  # 21 / 25 → 8.4
    assert result.questions["q9"] == Fraction(42, 5)
    assert result.dimensions["automation"] == 84
    assert result.overall == 14


# ---------------------------------------------------------------------------------------------------------
# Band thresholds on the unrounded overall score

ALL_MAX: dict[str, Any] = {
    **table("q1", Q1_ROWS, ["invested"] * 10),
    "q2": Q2,
    "q3": Q3,
    **table("q4", Q4_ROWS, [5] * 7),
    "q5": Q5,
    "q6": Q6,
    "q7": Q7_POSITIVE,
    "q8": Q8,
    **table("q9", Q9_ROWS, [5] * 5),
    "q10": Q10,
    **table("q11", Q11_ROWS, [1] * 5),
}
STRATEGY_100: dict[str, Any] = {**table("q1", Q1_ROWS, ["invested"] * 10), "q2": Q2}
AUTOMATION_100 = table("q9", Q9_ROWS, [5] * 5)
GREEN_100: dict[str, Any] = {"q10": Q10, **table("q11", Q11_ROWS, [1] * 5)}
DATA_100: dict[str, Any] = {"q7": Q7_POSITIVE, "q8": Q8}

BAND_CASES = [
    ({}, Fraction(0), "0.00", "Basic"),
    # strategy 100 + green 50 (q10 5 of 10, q11 all Partially) = 150 / 6 = 25
    (
        {**STRATEGY_100, "q10": Q10[:5], **table("q11", Q11_ROWS, ["0.5"] * 5)},
        Fraction(25),
        "25.00",
        "Basic",
    ),
    # strategy 2.5 (one row planned) + data 200/7 (q7 4 of 7) + automation 24 (q9 6 / 25)
    # + green 95 (q10 all, q11 4.5 of 5) = 2101/14; / 6 = 2101/84 = 25.0119…
    (
        {
            **table("q1", Q1_ROWS, ["planned"]),
            "q7": Q7_POSITIVE[:4],
            **table("q9", Q9_ROWS, [2, 2, 2]),
            "q10": Q10,
            **table("q11", Q11_ROWS, [1, 1, 1, 1, "0.5"]),
        },
        Fraction(2101, 84),
        "25.01",
        "Average",
    ),
    # one 0–5 row at 1: readiness 10 × (2/7) / 2 = 10/7, overall (150 + 10/7) / 6 = 25 + 5/21 — between the
    # published bands 0–25 and 26–50, Average by the upper thresholds
    (
        {**STRATEGY_100, "q10": Q10[:5], **table("q11", Q11_ROWS, ["0.5"] * 5), **table("q4", Q4_ROWS, [1])},
        Fraction(25) + Fraction(5, 21),
        "25.24",
        "Average",
    ),
    # strategy + automation + green 100 = 300 / 6 = 50
    ({**STRATEGY_100, **AUTOMATION_100, **GREEN_100}, Fraction(50), "50.00", "Average"),
    # strategy 87.5 (q1 7 invested + 1 planned = 7.5, q2 10) + data 200/7 + automation 84 + green 100
    # = 4201/14; / 6 = 4201/84 = 50.0119…
    (
        {
            **table("q1", Q1_ROWS, ["invested"] * 7 + ["planned"]),
            "q2": Q2,
            "q7": Q7_POSITIVE[:4],
            **table("q9", Q9_ROWS, [5, 5, 5, 5, 1]),
            **GREEN_100,
        },
        Fraction(4201, 84),
        "50.01",
        "Moderately advanced",
    ),
    # strategy, data, automation, green 100 + human 50 (q6 all) = 450 / 6 = 75
    (
        {**STRATEGY_100, **DATA_100, **AUTOMATION_100, **GREEN_100, "q6": Q6},
        Fraction(75),
        "75.00",
        "Moderately advanced",
    ),
    # human 200/7 + 37.5 (q5 4 of 7, q6 6 of 8) + data 100 + strategy 100 + automation 84 + green 100
    # = 6301/14; / 6 = 6301/84 = 75.0119…
    (
        {
            **STRATEGY_100,
            **DATA_100,
            **GREEN_100,
            **table("q9", Q9_ROWS, [5, 5, 5, 5, 1]),
            "q5": Q5[:4],
            "q6": Q6[:6],
        },
        Fraction(6301, 84),
        "75.01",
        "Advanced",
    ),
    (ALL_MAX, Fraction(100), "100.00", "Advanced"),
]


@pytest.mark.parametrize(("raw", "overall", "shown", "band"), BAND_CASES)
def test_band_thresholds_on_unrounded_scores(
    raw: dict[str, Any], overall: Fraction, shown: str, band: str
) -> None:
    result = dma(raw)
    assert result.overall == overall
    assert str(rounded(result.overall)) == shown
    assert result.band.name == band
    assert result.to_json()["overall"] == shown


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(1, 8), "0.13"),
        (Fraction(1, 200), "0.01"),
        (Fraction(1, 201), "0.00"),
        (Fraction(2101, 84), "25.01"),
    ],
)
def test_rounded_half_up(value: Fraction, text: str) -> None:
    assert str(rounded(value)) == text


# ---------------------------------------------------------------------------------------------------------
# parse_dma refuses what it does not know


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"q12": ["x"]}, "unknown_question"),
        ({"m2_1_1": "invested"}, "unknown_question"),
        ({"q1.nothing": "invested"}, "unknown_row"),
        ({"q1": "invested"}, "unknown_row"),
        ({"q4.nothing": 3}, "unknown_row"),
        ({"q11.nothing": 1}, "unknown_row"),
        ({"q2": ["nothing"]}, "unknown_option"),
        ({"q2": [Q2[0], "nothing"]}, "unknown_option"),
        ({"q7": ["data_not_collected"]}, "unknown_option"),
        ({"q2.needs_identified": 1}, "unknown_option"),
        ({"q1.operations": "maybe"}, "unknown_column"),
        ({"q1.operations": ["invested", "both"]}, "unknown_column"),
        ({"q4.cad_cam": 6}, "scale_value"),
        ({"q4.cad_cam": -1}, "scale_value"),
        ({"q4.cad_cam": 2.5}, "scale_value"),
        ({"q4.cad_cam": "abc"}, "scale_value"),
        ({"q4.cad_cam": True}, "scale_value"),
        ({"q9.computer_vision": "Operational"}, "scale_value"),
        ({"q11.equipment_recycling_reuse": 0.75}, "scale_value"),
        ({"q11.equipment_recycling_reuse": 2}, "scale_value"),
        ({"q11.equipment_recycling_reuse": "Yes"}, "scale_value"),
        ({"q7": [Q7_NEGATIVE, Q7_POSITIVE[0]]}, "exclusive_option"),
        ({"q7": f"{Q7_POSITIVE[2]};{Q7_NEGATIVE}"}, "exclusive_option"),
        ({"q7": [Q7_NEGATIVE, *Q7_POSITIVE]}, "exclusive_option"),
    ],
)
def test_parse_dma_refuses(raw: dict[str, Any], code: str) -> None:
    clean, problems = parse_dma(DMA, raw)
    assert [p.code for p in problems] == [code]
    assert clean == {}


def test_parse_dma_keeps_good_answers_beside_bad_ones() -> None:
    clean, problems = parse_dma(DMA, {"q2": Q2[:2], "q12": 1, "q4.cad_cam": 4, "q4.vr_ar": 9})
    assert [p.code for p in problems] == ["unknown_question", "scale_value"]
    assert clean == {"q2": frozenset(Q2[:2]), "q4.cad_cam": Fraction(4)}
    assert score_dma(DMA, clean).questions == {
        "q1": 0,
        "q2": 2,
        "q3": 0,
        "q4": Fraction(8, 7),  # 4 / 35 × 10
        "q5": 0,
        "q6": 0,
        "q7": 0,
        "q8": 0,
        "q9": 0,
        "q10": 0,
        "q11": 0,
    }


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ({"q2": "Needs_Identified; WEBSITE"}, None),  # "website" is a q3 option, not q2
        ({"q3": "Website, Intranet"}, {"q3": frozenset({"website", "intranet"})}),
        ({"q7": [Q7_NEGATIVE]}, {"q7": frozenset({Q7_NEGATIVE})}),
        ({"q1.delivery": "Invested"}, {"q1.delivery": frozenset({"invested"})}),
        ({"q11.vr_ar": 1}, None),  # a q4 row under q11
        ({"q11.equipment_recycling_reuse": "0.5"}, {"q11.equipment_recycling_reuse": Fraction(1, 2)}),
        ({"q4.cad_cam": " 3 "}, {"q4.cad_cam": Fraction(3)}),
    ],
)
def test_parse_dma_normalises_case_and_separators(raw: dict[str, Any], clean: dict[str, Any] | None) -> None:
    got, problems = parse_dma(DMA, raw)
    if clean is None:
        assert problems
    else:
        assert problems == []
        assert got == clean
