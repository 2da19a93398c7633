"""The import benchmark runs end to end on a small file (speed itself is measured, never asserted)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from dengta.core.models import Event, Job
from dengta.reference.loaders import KINDS, load_dataset
from dengta.registry.models import Enterprise, ImportBatch

pytestmark = pytest.mark.django_db


def test_bench_import_prints_its_figures_last_and_cleans_up(db: Any) -> None:
    for kind in KINDS:
        load_dataset(kind)
    out = io.StringIO()
    call_command("bench_import", "--rows", "60", "--sample", "10", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"bench import: rows_per_s=\d+ ratio_vs_save=\d+\.\d", last), last
    assert not Enterprise.objects.exists() and not ImportBatch.objects.exists() and not Job.objects.exists()
    assert Event.objects.filter(verb="enterprise.imported", payload__rows=60).count() == 1
