"""``manage.py import_enterprises``: the page's code path, counts printed, non-zero exit on rejection."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from dengta.core.models import Event
from dengta.registry.models import Enterprise

from .conftest import csv_bytes, good_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def command(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_enterprises", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_valid_file_is_imported_by_the_system(sized: Any, tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx_bytes([good_row("440106", 1), good_row("330106", 2)]))
    code, out = command(str(path))
    assert code == 0
    assert "valid: 2" in out and "imported: 2" in out and "rejected: 0" in out
    assert Enterprise.objects.count() == 2
    event = Event.objects.get(verb="enterprise.imported")
    assert event.actor is None and event.actor_label == "system"


def test_rejected_rows_exit_non_zero_and_write_the_error_report(sized: Any, tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes(csv_bytes([good_row("440106", 1), good_row("440106", 2, employees=-1)], encoding="gbk"))
    report = tmp_path / "errors.xlsx"
    code, out = command(str(path), "--errors", str(report))
    assert code == 1
    assert "valid: 1" in out and "imported: 0" in out and "rejected: 1" in out
    assert "负数" in out
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == 3 and rows[1][1] == "从业人员"
    assert not Enterprise.objects.exists()


def test_dry_run_writes_nothing_and_exits_zero_when_valid(sized: Any, tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx_bytes([good_row("440106", 1)]))
    code, out = command(str(path), "--dry-run")
    assert code == 0 and "valid: 1" in out and "imported: 0" in out and "dry run" in out
    assert not Enterprise.objects.exists()


def test_as_an_authority_applies_its_jurisdiction(sized: Any, tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx_bytes([good_row("440106", 1), good_row("440305", 2)]))
    code, out = command(str(path), "--as", "guangdong")
    assert code == 1 and "rejected: 1" in out and "辖区" in out
    code, out = command(str(path), "--as", "ministry")
    assert code == 0 and "imported: 2" in out
    assert Event.objects.get(verb="enterprise.imported").actor == sized.members["ministry"].user


def test_refused_file_exits_non_zero(sized: Any, tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(b"%PDF-1.4 not a spreadsheet")
    code, out = command(str(path))
    assert code == 1 and "PDF" in out and "rejected: 0" in out


def test_bad_usage(sized: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        command(str(tmp_path / "missing.xlsx"))
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx_bytes([good_row("440106", 1)]))
    with pytest.raises(CommandError, match="may not import"):
        command(str(path), "--as", "provider")
    with pytest.raises(CommandError, match="no user"):
        command(str(path), "--as", "nobody")
