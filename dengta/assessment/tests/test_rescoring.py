"""Re-scoring comparison: a revised level rule scored against every final assessment of the framework (any
version) with the batch scorer; the matrix of old × new levels, the changed rows, the engine's agreement,
the page as a job (ministry programme staff only) with its Excel file, and the command. Nothing is written to
the assessments."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from dengta.assessment import rescoring
from dengta.assessment.models import Assessment, Framework, Kind, Phase
from dengta.assessment.rescoring import rescore_compare
from dengta.assessment.scoring.answers import parse_answers
from dengta.assessment.scoring.engine import score
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.services import (
    assessment_save_answers,
    assessment_start,
    assessment_submit,
    framework_revise_level_rule,
)
from dengta.assessment.tests.conftest import LEVEL2_CHOICES, scenarios_at, self_assessment
from dengta.core.models import Event, Job

pytestmark = pytest.mark.django_db

CODE = "miit-2024-manufacturing"
# 二级 needs 45 points (not 40) and 4 scenarios at level 2 with 2 constrained (not 6 and 3).
REVISED = [
    {"level": 4, "min_points": "80", "scenario_level": 4, "min_scenarios": 10, "min_constrained": 6},
    {"level": 3, "min_points": "60", "scenario_level": 3, "min_scenarios": 8, "min_constrained": 5},
    {"level": 2, "min_points": "45", "scenario_level": 2, "min_scenarios": 4, "min_constrained": 2},
    {"level": 1, "min_points": "20", "scenario_level": 1, "min_scenarios": 6, "min_constrained": 3},
]
LOWER_CHOICES = {**LEVEL2_CHOICES, "base.systems.coverage": "A"}  # 41.925 points: 二级 at 40, not at 45


def assess(world: Any, choices: dict[str, str], scenarios: dict[str, int], submit: bool = True) -> Assessment:
    enterprise = world.registered.own
    actor = world.members["enterprise"].user
    assessment = assessment_start(
        actor=actor,
        enterprise=enterprise,
        kind=Kind.SELF,
        phase=Phase.T0,
        author_organization=enterprise.organization,
    )
    assessment_save_answers(actor=actor, assessment=assessment, choices=choices, scenarios=scenarios)
    if submit:
        assessment = assessment_submit(actor=actor, assessment=assessment, pledge=True)
    return assessment


def revise(world: Any, levels: list[dict[str, Any]] = REVISED) -> Framework:
    return framework_revise_level_rule(
        actor=world.members["ministry"].user,
        framework=Framework.objects.get(code=CODE, is_current=True),
        levels=levels,
        note="工信厅企业〔2024〕56号附件第7页",
        provisional=True,
    )


@pytest.fixture
def scene(world: Any) -> dict[str, Any]:
    """Three scored under the first version (stays 2, goes up 1 → 2, goes down 2 → 1), a draft, then the
    revised version and one scored under it."""
    stays = self_assessment(world)
    up = assess(world, LEVEL2_CHOICES, scenarios_at(2, count=4, constrained=2))
    down = assess(world, LOWER_CHOICES, scenarios_at(2))
    draft = assess(world, LEVEL2_CHOICES, scenarios_at(2), submit=False)
    revised = revise(world)
    later = self_assessment(world)
    assert [a.level for a in (stays, up, down, later)] == [2, 1, 2, 2]
    assert later.framework_id == revised.pk and stays.framework_id != revised.pk
    return {"stays": stays, "up": up, "down": down, "draft": draft, "later": later, "revised": revised}


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        Assessment.objects.order_by("pk").values_list(
            "pk", "framework_id", "state", "level", "total", "result", "answers", "updated_at"
        )
    )


def test_changes_matrix_and_counts(world: Any, scene: dict[str, Any]) -> None:
    before = snapshot()
    outcome = rescore_compare(target=scene["revised"])
    assert (outcome.compared, outcome.changed, outcome.up, outcome.down, outcome.skipped) == (4, 2, 1, 1, 0)
    expected = [[0] * 5 for _ in range(5)]
    expected[2][2] = 2  # stays and later
    expected[1][2] = 1
    expected[2][1] = 1
    assert outcome.matrix == expected
    by_id = {c.assessment_id: c for c in outcome.changes}
    assert set(by_id) == {scene["up"].pk, scene["down"].pk}
    up, down = by_id[scene["up"].pk], by_id[scene["down"].pk]
    assert (up.old_level, up.new_level, up.old_total, up.new_total) == (
        1,
        2,
        Decimal("46.925"),
        Decimal("46.925"),
    )
    assert (down.old_level, down.new_level, down.new_total) == (2, 1, Decimal("41.925"))
    own = world.registered.own
    assert (down.enterprise, down.uscc, down.region, down.kind, down.phase) == (
        own.name,
        own.uscc,
        own.region.name,
        "self",
        "t0",
    )
    assert outcome.line() == "rescore: compared=4 changed=2 up=1 down=1"
    assert snapshot() == before  # read only


def test_the_first_version_changes_nothing_for_its_own_assessments(world: Any, scene: dict[str, Any]) -> None:
    first = Framework.objects.get(code=CODE, version="2024.1")
    outcome = rescore_compare(target=first)
    # Under the first rule the one scored with the revised version would be 二级 too; the others keep theirs.
    assert outcome.compared == 4 and outcome.changed == 0


def test_each_new_level_equals_the_engine(world: Any, scene: dict[str, Any]) -> None:
    target = scene["revised"]
    fw = target.compiled()
    assert isinstance(fw, Compiled)
    outcome = rescore_compare(target=target)
    changed = {c.assessment_id: c.new_level for c in outcome.changes}
    for a in Assessment.objects.final().filter(framework__code=CODE):
        answers = parse_answers(fw, **a.answers)
        assert answers.ok
        engine = score(fw, answers.answers)
        assert changed.get(a.pk, a.level) == engine.level, a.pk
        assert Decimal(engine.total) / 10000 == a.total  # the revised rule moves levels, not points


def test_other_frameworks_and_non_final_assessments_are_left_out(world: Any, scene: dict[str, Any]) -> None:
    ids = set(rescoring.compared_assessments(scene["revised"]).values_list("pk", flat=True))
    assert scene["draft"].pk not in ids and len(ids) == 4
    with pytest.raises(ValueError, match="no level rule"):
        rescore_compare(target=Framework.objects.get(code="miit-2022"))


# ---------------------------------------------------------------------------------------------------- pages


def start_url(fw: Framework) -> str:
    return reverse("assessment:rescore_start", args=[fw.code, fw.version])


def test_page_flow_as_ministry(
    world: Any, scene: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    own = world.registered.own
    own.name = '=HYPERLINK("http://x")有限公司'  # user text that reads as a formula
    own.save(update_fields=["name"])
    client = world.client("ministry")
    revised = scene["revised"]
    detail = client.get(reverse("assessment:framework_detail", args=[revised.code, revised.version]))
    assert "按此版本重新评分比较" in detail.content.decode() and start_url(revised) in detail.content.decode()
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start_url(revised))
    job = Job.objects.get(kind=rescoring.JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessment:rescore_result", args=[job.pk]
    )
    assert job.status == "succeeded", job.message
    assert job.params == {"framework": CODE, "version": revised.version}
    assert job.result["matrix"][1][2] == 1 and job.result["up"] == 1 and job.result["down"] == 1
    assert job.progress_total == 4 and job.progress_done == 4

    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="changed">2<' in html and "↑ 1" in html and "↓ 1" in html
    assert "dt-level-2" in html and "原等级 × 新等级" in html and "企业自评 · 改造前（T0）" in html
    assert reverse("assessment:rescore_changes", args=[job.pk]) in html

    download = client.get(reverse("assessment:rescore_changes", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("评测编号", "企业名称", "统一社会信用代码", "所在地区")
    assert sorted((r[0], r[7], r[9]) for r in rows[1:]) == sorted(
        [(scene["up"].pk, "一级", "二级"), (scene["down"].pk, "二级", "一级")]
    )
    name_cell = sheet.cell(row=2, column=2)
    assert name_cell.data_type == "s" and name_cell.quotePrefix

    event = Event.objects.get(verb="framework.rescore_compared")
    assert event.payload == {"job": job.pk, "compared": 4, "changed": 2, "up": 1, "down": 1, "skipped": 0}
    assert event.target_id == str(revised.pk)
    assert snapshot() == before


def test_no_changes_means_no_file(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    self_assessment(world)
    first = Framework.objects.get(code=CODE, is_current=True)
    client = world.client("ministry")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start_url(first))
    job = Job.objects.get()
    assert job.result["compared"] == 1 and job.result["changed"] == 0 and not job.output_file
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("assessment:rescore_changes", args=[job.pk])).status_code == 404


def test_a_starter_who_left_meanwhile_gets_a_failed_job_and_no_comparison(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rights are looked up again when the job runs (core.jobs.job_viewer), not trusted from the request."""
    from dengta.core.jobs import run_job
    from dengta.orgs.models import Membership

    self_assessment(world)
    first = Framework.objects.get(code=CODE, is_current=True)
    world.client("ministry").post(start_url(first))  # queued: on_commit does not run in the test
    job = Job.objects.get(kind=rescoring.JOB_KIND)
    assert job.organization_id_ref is not None
    Membership.objects.filter(user=job.created_by, organization_id=job.organization_id_ref).update(
        is_active=False
    )
    monkeypatch.setattr("django.conf.settings.DENGTA_EAGER_JOBS", "other")  # as a worker: record, not raise
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.output_file and "no longer a member" in job.message
    assert not Event.objects.filter(verb="framework.rescore_compared").exists()


def test_no_button_for_frameworks_without_level_rule(world: Any) -> None:
    bands = Framework.objects.get(code="miit-2022")
    client = world.client("ministry")
    html = client.get(
        reverse("assessment:framework_detail", args=[bands.code, bands.version])
    ).content.decode()
    assert "按此版本重新评分比较" not in html
    assert client.post(start_url(bands)).status_code == 404
    assert client.get(start_url(Framework.objects.get(code=CODE))).status_code == 405


@pytest.mark.parametrize("who", ["guangzhou", "enterprise", "expert", "oversight"])
def test_others_get_403(
    world: Any, who: str, scene: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    revised = scene["revised"]
    with django_capture_on_commit_callbacks(execute=True):
        world.client("ministry").post(start_url(revised))
    job = Job.objects.get(kind=rescoring.JOB_KIND)
    client = world.client(who)
    detail = client.get(reverse("assessment:framework_detail", args=[revised.code, revised.version]))
    assert "按此版本重新评分比较" not in detail.content.decode()
    # Their role lacks the capability: 403 with the reason, before any job is looked up (convention 15).
    assert client.post(start_url(revised)).status_code == 403
    assert client.get(reverse("assessment:rescore_result", args=[job.pk])).status_code == 403
    assert client.get(reverse("assessment:rescore_changes", args=[job.pk])).status_code == 403
    assert Job.objects.filter(kind=rescoring.JOB_KIND).count() == 1


# -------------------------------------------------------------------------------------------------- command


def test_command_prints_the_matrix_and_the_last_line(
    world: Any, scene: dict[str, Any], tmp_path: Path
) -> None:
    out = io.StringIO()
    target = tmp_path / "changes.xlsx"
    call_command(
        "rescore_compare",
        "--framework",
        CODE,
        "--version",
        scene["revised"].version,
        "--out",
        str(target),
        stdout=out,
    )
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "rescore: compared=4 changed=2 up=1 down=1"
    assert lines[1].split() == ["old\\new", "L0", "L1", "L2", "L3", "L4", "total"]
    assert lines[3].split() == ["L1", "0", "0", "1", "0", "0", "1"]
    assert lines[4].split() == ["L2", "0", "1", "2", "0", "0", "3"]
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) == 3
    assert not Event.objects.filter(verb="framework.rescore_compared").exists()  # the command only reads


def test_command_refuses_unknown_versions_and_band_frameworks(world: Any) -> None:
    with pytest.raises(CommandError, match=r"versions of miit-2024-manufacturing: 2024\.1"):
        call_command("rescore_compare", "--framework", CODE, "--version", "9.9")
    with pytest.raises(CommandError, match="no level rule"):
        call_command("rescore_compare", "--framework", "miit-2022", "--version", "2022.1")
