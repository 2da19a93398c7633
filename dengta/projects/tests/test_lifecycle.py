"""Smoke: a project from draft to paid through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dengta.projects.models import ProjectState
from dengta.projects.services import ledger, steps
from dengta.projects.tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_a_project_runs_from_draft_to_paid(cast: Cast) -> None:
    project = cast.claimed()
    assert project.state == ProjectState.SUBSIDY_CLAIMED
    # 2 × 24,000 software eligible, 90,000 equipment not: subsidy = 48,000 × 0.5 = 24,000
    assert (project.contract_yuan, project.subsidy_yuan) == (Decimal("138000.00"), Decimal("24000.00"))
    paid = steps.project_pay(actor=cast.user("guangzhou"), project=project, idempotency_key="k-1")
    assert paid.amount_yuan == Decimal("24000.00") and not paid.replayed
    again = steps.project_pay(actor=cast.user("guangzhou"), project=project, idempotency_key="k-1")
    assert again.replayed and again.amount_yuan == Decimal("24000.00")
    report = ledger.reconcile(cast.pilot)
    assert report.balanced
