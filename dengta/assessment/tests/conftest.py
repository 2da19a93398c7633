"""Fixtures for the assessment tests: frameworks loaded, the registry's enterprises, answer sets that reach a
chosen level, and a helper that takes an assessment through the workflow by the services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from dengta.assessment.invitations import invitation_create
from dengta.assessment.loaders import load_all
from dengta.assessment.models import Assessment, DiagnosisInvitation, Framework, Kind, Phase
from dengta.assessment.services import (
    assessment_declare_coi,
    assessment_save_answers,
    assessment_start,
    assessment_submit,
)
from dengta.registry.tests.conftest import Registered, registered, sized  # noqa: F401  (fixtures)

# Scenario codes in the MIIT 2024 data: the first ten listed here are the constrained ones.
CONSTRAINED = (
    "product_design",
    "marketing",
    "production_control",
    "quality",
    "equipment",
    "safety",
    "energy",
    "procurement",
    "warehousing_logistics",
    "finance",
)
GUIDING = ("process_design", "after_sales", "planning_scheduling", "hr", "collaboration", "decision_support")

# One answer per item, 46.925 points in all (base 23.8, mgmt 14.625, results 8.5): enough for 二级 (≥ 40).
LEVEL2_CHOICES = {
    "base.equipment.network": "B;C",  # 4
    "base.equipment.digitization": "C",  # 3
    "base.equipment.connectivity": "C",  # 3
    "base.data.collection": "B;C;D;E;F;G;H;I;J",  # 9 × 0.7 = 6.3
    "base.systems.coverage": "C",  # 5
    "base.security.network": "B",  # 1.25
    "base.security.data": "B",  # 1.25
    "mgmt.planning.implementation": "D",  # 4.5
    "mgmt.planning.mechanism": "B;C",  # 3.75
    "mgmt.resources.talent": "B;C;D",  # 4.5
    "mgmt.resources.funding": "B",  # 1.875
    "results.green.energy": "B",  # 3.5
    "results.quality.yield": "B",  # 3.5
    "results.market.performance": "B",  # 1.5
    "results.market.value": "A",  # 0
}


def scenarios_at(level: int, count: int = 6, constrained: int = 3) -> dict[str, int]:
    """``count`` scenarios at ``level`` (of which ``constrained`` constrained); the rest at level 1."""
    chosen = list(CONSTRAINED[:constrained]) + list(GUIDING[: count - constrained])
    return {code: (level if code in chosen else 1) for code in CONSTRAINED + GUIDING}


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts and ends in the default language: a page asked for in English (LocaleMiddleware)
    leaves English active in the thread, and the next test's service messages would come out in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def frameworks(db: Any) -> dict[str, Framework]:
    load_all()
    return {f.code: f for f in Framework.objects.filter(is_current=True)}


@pytest.fixture
def world(registered: Registered, frameworks: dict[str, Framework], cast: Any) -> Any:  # noqa: F811
    cast.registered = registered
    cast.frameworks = frameworks
    return cast


def self_assessment(world: Any, *, phase: str = Phase.T0, level: int = 2, submit: bool = True) -> Assessment:
    """The cast's own enterprise assesses itself through the services."""
    enterprise = world.registered.own
    actor = world.members["enterprise"].user
    assessment = assessment_start(
        actor=actor,
        enterprise=enterprise,
        kind=Kind.SELF,
        phase=phase,
        author_organization=enterprise.organization,
    )
    assessment_save_answers(
        actor=actor, assessment=assessment, choices=LEVEL2_CHOICES, scenarios=scenarios_at(max(level, 1))
    )
    if submit:
        assessment = assessment_submit(actor=actor, assessment=assessment, pledge=True)
    return assessment


def declare(world: Any, assessment: Assessment) -> Assessment:
    return assessment_declare_coi(actor=world.members["expert"].user, assessment=assessment)


def invite(world: Any, enterprise: Any = None, provider: str = "provider") -> DiagnosisInvitation:
    """The enterprise invites the cast's provider to diagnose it (a provider diagnosis needs the consent)."""
    return invitation_create(
        actor=world.members["enterprise"].user,
        enterprise=enterprise or world.registered.own,
        provider=world.orgs[provider],
    )
