"""The annual review checklist of an admitted provider (pure Python; DOMAIN.md 9.2 IMDA annual review,
2.7 新乡 periodic assessment). Each check is computed from data Dengta holds or from evidence uploaded for the
review, and says pass, fail or "no data" — a check whose input does not exist yet (delivery on time, from
retrofit projects) is never counted as passed. Thresholds are data: data/annual-review.json."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent / "data" / "annual-review.json"
PASS, FAIL, NO_DATA = "pass", "fail", "no_data"


@dataclass(frozen=True)
class ReviewRules:
    version: str
    satisfied_stars: int
    min_satisfied_customers: int
    max_upheld_complaints: int
    require_positive_net_assets: bool
    require_valid_security_certification: bool
    require_annual_review_document: bool
    min_stars: int


@dataclass(frozen=True)
class ReviewFacts:
    """What the review looks at, for one admission and one review date."""

    references: int
    min_references: int
    satisfied_customers: int  # enterprises rating the provider at least ``satisfied_stars``
    ratings: int
    upheld_complaints: int  # in the twelve months before the review date
    net_assets_yuan: Decimal | None
    security_certification: str
    security_valid_until: dt.date | None
    annual_review_documents: int  # uploaded in the twelve months before the review date
    stars: int | None
    projects: int  # filed projects; none until projects exist


@dataclass(frozen=True)
class Check:
    code: str
    status: str  # pass, fail, no_data
    have: Any
    need: Any


def load_rules(path: Path = RULES_FILE) -> ReviewRules:
    data = json.loads(path.read_text(encoding="utf-8"))
    fields = ReviewRules.__dataclass_fields__
    missing = [name for name in fields if name not in data]
    if missing:
        raise ValueError(f"{path}: missing {', '.join(missing)}")
    return ReviewRules(**{name: data[name] for name in fields})


@lru_cache(maxsize=1)
def default_rules() -> ReviewRules:
    return load_rules()


def checklist(facts: ReviewFacts, today: dt.date, rules: ReviewRules | None = None) -> tuple[Check, ...]:
    r = rules or default_rules()
    checks = [
        Check(
            "references",
            PASS if facts.references >= facts.min_references else FAIL,
            facts.references,
            facts.min_references,
        ),
        Check(
            "satisfied_customers",
            NO_DATA
            if facts.ratings == 0
            else PASS
            if facts.satisfied_customers >= r.min_satisfied_customers
            else FAIL,
            facts.satisfied_customers,
            r.min_satisfied_customers,
        ),
        Check(
            "complaints",
            PASS if facts.upheld_complaints <= r.max_upheld_complaints else FAIL,
            facts.upheld_complaints,
            r.max_upheld_complaints,
        ),
    ]
    if r.require_positive_net_assets:
        assets = facts.net_assets_yuan
        checks.append(
            Check("net_assets", NO_DATA if assets is None else PASS if assets > 0 else FAIL, assets, 0)
        )
    valid = facts.security_valid_until is not None and facts.security_valid_until >= today
    if r.require_valid_security_certification or facts.security_certification:
        status = PASS if facts.security_certification and valid else FAIL
        checks.append(Check("security_certification", status, facts.security_valid_until, today))
    if r.require_annual_review_document:
        checks.append(
            Check(
                "review_document",
                PASS if facts.annual_review_documents else FAIL,
                facts.annual_review_documents,
                1,
            )
        )
    checks.append(
        Check(
            "stars",
            NO_DATA if facts.stars is None else PASS if facts.stars >= r.min_stars else FAIL,
            facts.stars,
            r.min_stars,
        )
    )
    # Milestones on time come from retrofit projects' milestones, which Dengta does not hold yet: "no data"
    # until they exist, never a pass.
    checks.append(Check("on_time_delivery", NO_DATA, facts.projects, None))
    return tuple(checks)


def outcome(checks: tuple[Check, ...]) -> str:
    """fail when any check fails; no_data when none fails but some lack data; else pass."""
    statuses = {c.status for c in checks}
    if FAIL in statuses:
        return FAIL
    return NO_DATA if NO_DATA in statuses else PASS
