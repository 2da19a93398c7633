"""Fixtures for retrofit projects: 广州's approved pilot (city-2025 with its window around today) with the
cast enterprise in its pool, the admitted cast provider with two listed products, and helpers that move a
project through its workflow with the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dengta.assessment.models import Assessment
from dengta.assessment.services import (
    assessment_assign_onsite,
    assessment_save_answers,
    assessment_sign_off,
    assessment_submit,
)
from dengta.assessment.tests.conftest import LEVEL2_CHOICES, declare, scenarios_at
from dengta.catalog.models import Product
from dengta.catalog.tests.conftest import Market
from dengta.programmes import services as programme_services
from dengta.programmes.models import Pilot
from dengta.programmes.tests.conftest import (  # noqa: F401  (fixtures)
    _default_language,
    frameworks,
    market,
    open_batch,
    registered,
    sized,
    sub_industry,
    world,
)
from dengta.programmes.tests.test_reviews import reviewing  # noqa: F401  (the fixture)
from dengta.programmes.tests.test_services import ready  # noqa: F401  (the fixture)
from dengta.projects import dossier
from dengta.projects.models import Project
from dengta.projects.services import filing, steps

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def user(world: Any, who: str) -> Any:  # noqa: F811  (the fixture of that name)
    return world.members[who].user


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Cast:
    world: Any
    market: Market
    pilot: Pilot
    software: Product  # eligible (software): 30,000 list, 24,000 pilot
    equipment: Product  # not eligible by default (equipment): 100,000 list, 90,000 pilot

    def user(self, who: str) -> Any:
        return self.world.members[who].user

    @property
    def enterprise(self) -> Any:
        return self.world.registered.own

    def draft(self, **extra: Any) -> Project:
        today = timezone.localdate()
        values: dict[str, Any] = {
            "pilot": self.pilot,
            "enterprise": self.enterprise,
            "provider": self.market.provider,
            "title": "质量追溯与设备联网改造",
            "lines": [filing.LineInput(self.software, 2), filing.LineInput(self.equipment, 1)],
            "starts_on": today,
            "ends_on": today + timedelta(days=120),
            "scenarios": ["quality"],
        }
        values.update(extra)
        return filing.project_create(actor=self.user("provider"), **values)

    def filed(self, **extra: Any) -> Project:
        return filing.project_file(actor=self.user("provider"), project=self.draft(**extra))

    def approved(self, **extra: Any) -> Project:
        return steps.project_approve(actor=self.user("guangzhou"), project=self.filed(**extra))

    def in_progress(self, **extra: Any) -> Project:
        project = self.approved(**extra)
        steps.contract_record(actor=self.user("provider"), project=project, signed_on=timezone.localdate())
        return steps.project_start(actor=self.user("provider"), project=project)

    def evidence(self, project: Project) -> None:
        """The whole dossier, invoices for the contract and the enterprise's payments for its share."""
        provider = self.user("provider")
        for kind in dossier.load_spec().required:
            steps.dossier_add(actor=provider, project=project, kind=kind.code, upload=pdf(f"{kind.code}.pdf"))
        today = timezone.localdate()
        steps.invoice_add(
            actor=provider,
            project=project,
            number=f"INV{project.pk:06d}",
            issued_on=today,
            amount_yuan=project.contract_yuan,
        )
        steps.enterprise_payment_add(
            actor=self.user("enterprise"),
            project=project,
            paid_on=today,
            amount_yuan=project.enterprise_yuan,
            reference=f"PAY{project.pk}",
        )

    def completed(self, **extra: Any) -> Project:
        project = self.in_progress(**extra)
        self.evidence(project)
        return steps.project_complete(
            actor=self.user("provider"), project=project, completed_on=timezone.localdate()
        )

    def on_site(self, **extra: Any) -> Project:
        project = steps.project_request_acceptance(
            actor=self.user("enterprise"), project=self.completed(**extra)
        )
        project = steps.project_pre_check(actor=self.user("guangzhou"), project=project, passed=True)
        steps.evaluation_assign(actor=self.user("guangzhou"), project=project, expert=self.user("expert"))
        return Project.objects.get(pk=project.pk)

    def t1(self, level: int = 2) -> Assessment:
        expert = self.user("expert")
        assessment = assessment_assign_onsite(
            actor=self.user("guangzhou"),
            enterprise=self.enterprise,
            expert=expert,
            expert_organization=self.world.orgs["expert"],
            phase="t1",
        )
        assessment = declare(self.world, assessment)
        assessment_save_answers(
            actor=expert, assessment=assessment, choices=LEVEL2_CHOICES, scenarios=scenarios_at(level)
        )
        scored = assessment_submit(actor=expert, assessment=assessment, pledge=True)
        return assessment_sign_off(actor=expert, assessment=scored)

    def accepted(self, **extra: Any) -> Project:
        project = self.on_site(**extra)
        evaluation = project.evaluations.get()
        steps.evaluation_record(
            actor=self.user("expert"), evaluation=evaluation, assessment=self.t1(), outcome="passed"
        )
        return steps.project_accept(actor=self.user("guangzhou"), project=project)

    def claimed(self, **extra: Any) -> Project:
        return steps.project_claim(actor=self.user("enterprise"), project=self.accepted(**extra))


@pytest.fixture
def pilot(world: Any, reviewing: Any) -> Pilot:  # noqa: F811
    return programme_services.application_approve(actor=user(world, "ministry"), application=reviewing)


def make_cast(world: Any, market: Market, pilot: Pilot) -> Cast:  # noqa: F811
    """The cast with two listed products of its provider: software (eligible) and equipment (not)."""
    software = market.product(name="质量追溯SaaS", list_price="30000", pilot_price="24000")
    equipment = market.product(
        name="产线设备改造",
        list_price="100000",
        pilot_price="90000",
        category="equipment",
        lifts=[{"kind": "scenario", "code": "quality", "level": 2}],
    )
    return Cast(world, market, pilot, software, equipment)


@pytest.fixture
def cast(world: Any, market: Market, pilot: Pilot) -> Cast:  # noqa: F811
    return make_cast(world, market, pilot)


def money(text: str) -> Decimal:
    return Decimal(text)
