"""``manage.py load_reference``: one summary line per kind; a second run skips everything."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from dengta.reference.models import ReferenceDataset, Region


def _run(*args: str) -> list[str]:
    out = StringIO()
    call_command("load_reference", *args, stdout=out)
    return out.getvalue().splitlines()


def test_loads_all_kinds_then_skips_them(db: Any) -> None:
    first = _run()
    assert [line.split(":")[0] for line in first[:4]] == [
        "regions",
        "industries",
        "sub_industries",
        "size_standard",
    ]
    assert all(" loaded, " in line for line in first[:4])
    assert first[4].startswith("reference data ready in ")
    count = Region.objects.count()
    second = _run()
    assert all("already loaded" in line and "skipped" in line for line in second[:4])
    assert Region.objects.count() == count
    assert ReferenceDataset.objects.filter(is_current=True).count() == 4


def test_one_kind_at_a_time(db: Any) -> None:
    lines = _run("size_standard")
    assert len(lines) == 2 and lines[0].startswith("size_standard: miit-2011-300-v2 loaded")
    assert not Region.objects.exists()


def test_unknown_kind_is_an_error(db: Any) -> None:
    with pytest.raises(CommandError, match="unknown kind"):
        _run("planets")
