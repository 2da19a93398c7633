"""The annual review checklist (pure): every check passes, fails or has no data, never passes without data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dengta.catalog.review import FAIL, NO_DATA, PASS, ReviewFacts, checklist, load_rules, outcome

TODAY = dt.date(2026, 12, 7)


def facts(**changes: object) -> ReviewFacts:
    base = {
        "references": 5,
        "min_references": 3,
        "satisfied_customers": 6,
        "ratings": 8,
        "upheld_complaints": 0,
        "net_assets_yuan": Decimal("100"),
        "security_certification": "等保三级",
        "security_valid_until": dt.date(2027, 6, 30),
        "annual_review_documents": 1,
        "stars": 4,
        "projects": 0,
    }
    return ReviewFacts(**{**base, **changes})  # type: ignore[arg-type]


def status(checks: tuple, code: str) -> str:
    return next(c.status for c in checks if c.code == code)


@pytest.mark.parametrize(
    ("changes", "code", "expected"),
    [
        ({}, "references", PASS),
        ({"references": 2}, "references", FAIL),
        ({"satisfied_customers": 5}, "satisfied_customers", FAIL),
        ({"ratings": 0, "satisfied_customers": 0}, "satisfied_customers", NO_DATA),
        ({"upheld_complaints": 1}, "complaints", FAIL),
        ({"net_assets_yuan": Decimal("0")}, "net_assets", FAIL),
        ({"net_assets_yuan": None}, "net_assets", NO_DATA),
        ({"security_valid_until": dt.date(2026, 12, 6)}, "security_certification", FAIL),
        ({"security_valid_until": TODAY}, "security_certification", PASS),
        ({"annual_review_documents": 0}, "review_document", FAIL),
        ({"stars": 1}, "stars", FAIL),
        ({"stars": None}, "stars", NO_DATA),
        ({}, "on_time_delivery", NO_DATA),
    ],
)
def test_each_check(changes: dict, code: str, expected: str) -> None:
    assert status(checklist(facts(**changes), TODAY), code) == expected


def test_a_provider_without_a_certification_is_not_asked_for_one_unless_the_rules_say_so() -> None:
    checks = checklist(facts(security_certification="", security_valid_until=None), TODAY)
    assert "security_certification" not in {c.code for c in checks}


def test_the_outcome_is_never_pass_while_a_check_lacks_data() -> None:
    checks = checklist(facts(), TODAY)
    assert outcome(checks) == NO_DATA  # delivery on time has no data until projects exist
    assert outcome(checklist(facts(upheld_complaints=2), TODAY)) == FAIL


def test_the_rules_file_loads_and_names_its_source() -> None:
    rules = load_rules()
    assert rules.min_satisfied_customers == 6 and rules.version == "2026-12"
