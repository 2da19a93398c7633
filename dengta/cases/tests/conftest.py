"""Fixtures for lighthouse cases: the projects' cast (dengta/projects/tests/conftest.py) with its project
accepted, and a case generated from it."""

from __future__ import annotations

from typing import Any

import pytest

from dengta.cases.models import Case
from dengta.cases.services import case_generate
from dengta.projects.models import Project
from dengta.projects.tests.conftest import (  # noqa: F401  (fixtures)
    Cast,
    _default_language,
    frameworks,
    make_cast,
    market,
    open_batch,
    pilot,
    ready,
    registered,
    reviewing,
    sized,
    sub_industry,
    world,
)


@pytest.fixture
def retrofit(world: Any, market: Any, pilot: Any) -> Cast:  # noqa: F811
    return make_cast(world, market, pilot)


@pytest.fixture
def accepted(retrofit: Cast) -> Project:
    return retrofit.accepted()


@pytest.fixture
def case(retrofit: Cast, accepted: Project) -> Case:
    return case_generate(actor=retrofit.user("guangzhou"), project=accepted)
