"""Loading the framework data files: idempotent, immutable once used, versioned.

Changed files are written to a temporary copy of the data folder, so the repository's files stay as they
are; each test edits the JSON the way programme staff would (a corrected title, a new version number).
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dengta.assessment.loaders import FrameworkInUse, load_all
from dengta.assessment.models import Framework, Kind
from dengta.assessment.scoring.definitions import DATA_DIR, DEFINITION_FILES
from dengta.assessment.selectors import current_framework
from dengta.assessment.services import assessment_start, historical_record

from .conftest import self_assessment

MIIT_RULES = "miit-2024-manufacturing.rules.json"
BANDS = "miit-2022.json"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the data folder that a test may edit."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(folder: Path, name: str, **changes: Any) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def snapshot() -> dict[tuple[str, str], tuple[str, bool, str]]:
    return {
        (f.code, f.version): (f.checksum, f.is_current, f.title)
        for f in Framework.objects.order_by("code", "version")
    }


def test_first_load_creates_each_framework_once(db: Any) -> None:
    results = load_all()
    assert [(r.code, r.version, r.action) for r in results] == [
        ("miit-2024-manufacturing", "2024.1", "created"),
        ("miit-2022", "2022.1", "created"),
        ("eu-dma-sme", "2024.1", "created"),
    ]
    assert (
        len(DEFINITION_FILES)
        == 3
        == Framework.objects.count()
        == Framework.objects.filter(is_current=True).count()
    )
    kinds = dict(Framework.objects.values_list("code", "kind"))
    assert kinds == {"miit-2024-manufacturing": "miit2024", "miit-2022": "bands", "eu-dma-sme": "eu_dma"}
    assert Framework.objects.get(code="miit-2024-manufacturing").provisional is True


def test_second_load_is_unchanged(db: Any) -> None:
    load_all()
    before = snapshot()
    results = load_all()
    assert {r.action for r in results} == {"unchanged"}
    assert [r.summary() for r in results] == [
        "miit-2024-manufacturing@2024.1: unchanged",
        "miit-2022@2022.1: unchanged",
        "eu-dma-sme@2024.1: unchanged",
    ]
    assert snapshot() == before


def test_command_reports_created_then_unchanged(db: Any) -> None:
    first, second = io.StringIO(), io.StringIO()
    call_command("load_frameworks", stdout=first)
    call_command("load_frameworks", stdout=second)
    assert first.getvalue().count(": created") == 3
    assert second.getvalue().count(": unchanged") == 3 and "created" not in second.getvalue()
    assert Framework.objects.count() == 3


def test_changed_file_for_an_unused_version_is_updated(db: Any, data_dir: Path) -> None:
    load_all()
    old = Framework.objects.get(code="miit-2022")
    edit(data_dir, BANDS, title="中小企业数字化水平评测指标（2022年版，更正）")
    results = {r.code: r.action for r in load_all(data_dir)}
    assert results == {
        "miit-2024-manufacturing": "unchanged",
        "miit-2022": "updated",
        "eu-dma-sme": "unchanged",
    }
    new = Framework.objects.get(code="miit-2022")
    assert new.pk == old.pk and new.version == old.version and new.is_current
    assert new.checksum != old.checksum
    assert new.content["rules"]["title"].endswith("更正）")
    assert Framework.objects.filter(code="miit-2022").count() == 1


def test_changed_file_for_a_used_version_is_refused(world: Any, data_dir: Path) -> None:
    self_assessment(world)  # the 2024 index is now in use
    before = snapshot()
    rules = json.loads((data_dir / MIIT_RULES).read_text(encoding="utf-8"))
    rules["level_rule"]["status_note"] = "corrected without a new version"
    (data_dir / MIIT_RULES).write_text(json.dumps(rules, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FrameworkInUse, match=r"miit-2024-manufacturing@2024\.1 is used by 1 assessment"):
        load_all(data_dir)
    assert snapshot() == before


def test_a_refused_file_leaves_every_framework_as_it_was(world: Any, data_dir: Path) -> None:
    # One command, one decision: a new version of one framework is not loaded while another file is refused.
    historical_record(
        actor=world.members["guangzhou"].user,
        enterprise=world.registered.tianhe,
        framework=world.frameworks["miit-2022"],
        total=Decimal("45"),
        assessed_on=date(2023, 5, 1),
    )
    before = snapshot()
    edit(data_dir, MIIT_RULES, version="2024.2")
    edit(data_dir, BANDS, title="改动过的标题")
    with pytest.raises(FrameworkInUse):
        load_all(data_dir)
    assert snapshot() == before
    assert not Framework.objects.filter(version="2024.2").exists()


def test_command_refuses_a_used_version_with_an_error(world: Any, data_dir: Path, monkeypatch: Any) -> None:
    self_assessment(world, submit=False)  # a draft uses the version too
    edit(data_dir, MIIT_RULES, title_en="changed")
    monkeypatch.setattr(
        "dengta.assessment.management.commands.load_frameworks.load_all",
        lambda: load_all(data_dir),
    )
    with pytest.raises(CommandError, match="new version"):
        call_command("load_frameworks", stdout=io.StringIO())


def test_new_version_becomes_current_and_old_assessments_keep_theirs(world: Any, data_dir: Path) -> None:
    old_fw = world.frameworks["miit-2024-manufacturing"]
    scored = self_assessment(world)
    draft = self_assessment(world, phase="t1", submit=False)
    scored_result, scored_total = scored.result, scored.total

    edit(data_dir, MIIT_RULES, version="2024.2")
    results = {r.code: r.action for r in load_all(data_dir)}
    assert results["miit-2024-manufacturing"] == "created"

    versions = dict(
        Framework.objects.filter(code="miit-2024-manufacturing").values_list("version", "is_current")
    )
    assert versions == {"2024.1": False, "2024.2": True}
    assert current_framework().version == "2024.2"
    for kept in (scored, draft):
        kept.refresh_from_db()
        assert kept.framework_id == old_fw.pk
    assert scored.result == scored_result and scored.total == scored_total
    old_fw.refresh_from_db()
    assert old_fw.checksum == world.frameworks["miit-2024-manufacturing"].checksum

    fresh = assessment_start(
        actor=world.members["enterprise"].user,
        enterprise=world.registered.own,
        kind=Kind.SELF,
        author_organization=world.orgs["enterprise"],
    )
    assert fresh.framework.version == "2024.2"
    # Loading the same files again changes nothing, the old version stays retired.
    assert {r.action for r in load_all(data_dir)} == {"unchanged"}
    assert Framework.objects.filter(code="miit-2024-manufacturing", is_current=True).count() == 1
