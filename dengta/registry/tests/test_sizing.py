"""The registry's use of the size classifier: the batch shortcut always agrees with calling it row by row."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.reference.loaders import SIZE_STANDARD_JSON
from dengta.reference.sizing import load_rules
from dengta.registry.sizing import BatchClassifier, size_for

RULES = load_rules(json.loads(SIZE_STANDARD_JSON.read_text(encoding="utf-8")))
CODES = [
    "C3670",
    "C3971",
    "C1311",
    "F5111",
    "F5211",
    "G5411",
    "H6110",
    "I6510",
    "K7010",
    "L7211",
    "A0111",
    "E4710",
    "C",
]
# Figures around the thresholds of the standard (persons; 万元), so every outcome is reached.
EMPLOYEES = st.sampled_from(
    [0, 5, 8, 9, 10, 19, 20, 50, 99, 100, 199, 200, 299, 300, 999, 1000, 1999, 2000, 5000]
)
TEN_K = st.sampled_from(
    ["0", "49.99", "50", "100", "299.99", "300", "500", "1000", "1999.99", "2000", "5000", "8000", "10000",
     "12000", "20000", "30000", "39999.99", "40000", "80000", "100000", "120000", "200000", "500000"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(CODES), EMPLOYEES, TEN_K, TEN_K)
def test_batch_classifier_agrees_with_the_classifier(
    code: str, employees: int, revenue: str, assets: str
) -> None:
    batch = BatchClassifier(RULES)
    # Warm the cache with other figures first, so a reused answer is what is being checked.
    for warm_employees in (0, 20, 300, 1000):
        for warm in ("0", "300", "2000", "40000"):
            batch(
                industry_code=code,
                employees=warm_employees,
                revenue=Decimal(warm) * 10000,
                total_assets=Decimal(warm) * 10000,
            )
    revenue_yuan, assets_yuan = Decimal(revenue) * 10000, Decimal(assets) * 10000
    expected = size_for(
        RULES, industry_code=code, employees=employees, revenue=revenue_yuan, total_assets=assets_yuan
    )
    got = batch(industry_code=code, employees=employees, revenue=revenue_yuan, total_assets=assets_yuan)
    assert got == expected


def test_stored_explanation_is_short_and_carries_the_summaries() -> None:
    fields = size_for(
        RULES,
        industry_code="C3670",
        employees=85,
        revenue=Decimal("21005000"),
        total_assets=Decimal("18000000"),
    )
    assert fields.size_class == "small" and fields.is_above_designated_size
    assert fields.size_sector == "industry" and fields.size_standard_version == RULES.version
    explanation = fields.size_explanation
    assert set(explanation) == {"summary_zh", "summary_en"}
    assert "小型" in explanation["summary_zh"] and "Small" in explanation["summary_en"]
    assert len(json.dumps(explanation, ensure_ascii=False)) < 300


@pytest.mark.parametrize(
    ("employees", "revenue_10k", "size"),
    [
        (1000, "40000", "large"),
        (999, "40000", "medium"),
        (300, "2000", "medium"),
        (20, "300", "small"),
        (19, "300", "micro"),
    ],
)
def test_industrial_boundaries_through_the_batch_path(employees: int, revenue_10k: str, size: str) -> None:
    batch = BatchClassifier(RULES)
    yuan = Decimal(revenue_10k) * 10000
    assert (
        batch(industry_code="C3670", employees=employees, revenue=yuan, total_assets=yuan).size_class == size
    )
