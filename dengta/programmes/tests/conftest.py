"""Fixtures for programme administration's tests: the catalogue's cast (an admitted provider, the cast's
enterprise with its profile), the batches loaded from their rules files, and one batch whose application
window is open today (the shipped batches are historic: their windows closed in 2022–2025)."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from dengta.assessment.tests.conftest import (  # noqa: F401  (fixtures)
    _default_language,
    frameworks,
    world,
)
from dengta.catalog.tests.conftest import Market, market  # noqa: F401  (fixtures)
from dengta.programmes import rules
from dengta.programmes.models import Batch
from dengta.programmes.services import batches_load
from dengta.reference.models import SubIndustry
from dengta.registry.tests.conftest import registered, sized  # noqa: F401  (fixtures)


def batch_files(tmp_path: Path, **windows: str) -> Path:
    """A copy of the shipped batch files; ``windows`` replaces city-2025's (ISO dates)."""
    folder = tmp_path / "batches"
    shutil.copytree(rules.BATCHES_DIR, folder)
    if windows:
        path = folder / "city-2025.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["windows"].update(windows)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


@pytest.fixture
def open_batch(tmp_path: Path, world: Any) -> Batch:  # noqa: F811  (the fixture of that name)
    """city-2025 with its application window around today (Asia/Shanghai)."""
    today = timezone.localdate()
    folder = batch_files(
        tmp_path,
        application_opens=(today - timedelta(days=10)).isoformat(),
        application_closes=(today + timedelta(days=20)).isoformat(),
        review_closes=(today + timedelta(days=60)).isoformat(),
    )
    batches_load(actor=None, directory=folder)
    return Batch.objects.get(code="city-2025")


@pytest.fixture
def sub_industry(world: Any) -> SubIndustry:  # noqa: F811  (the fixture of that name)
    """A sub-industry bound to the cast enterprises' industry group (C367)."""
    sub = SubIndustry.objects.create(
        code="auto-parts", name="汽车零部件", name_en="Auto parts", dataset_version="t"
    )
    sub.industries.add(world.industries["C367"])
    return sub
