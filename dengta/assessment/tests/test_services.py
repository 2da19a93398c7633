"""The assessment services and their workflow: draft → submitted (with the pledge)
→ scored, on-site → signed off by its expert, corrections as new linked drafts, evidence checked by content.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from dengta.assessment import permissions
from dengta.assessment.models import Assessment, Evidence, Framework, Kind, Phase, State
from dengta.assessment.selectors import compiled
from dengta.assessment.services import (
    MAX_EVIDENCE_BYTES,
    PLEDGE_TEXT,
    assessment_assign_onsite,
    assessment_correct,
    assessment_save_answers,
    assessment_sign_off,
    assessment_start,
    assessment_submit,
    evidence_add,
    historical_record,
)
from dengta.core.models import Event
from dengta.core.workflows import TransitionRefused
from dengta.orgs.viewer import viewer_for_membership
from dengta.registry.tests.conftest import member

from .conftest import LEVEL2_CHOICES, declare, scenarios_at, self_assessment


def verbs(assessment: Assessment) -> list[str]:
    return list(
        Event.objects.filter(target_type="assessment.assessment", target_id=str(assessment.pk))
        .order_by("seq")
        .values_list("verb", flat=True)
    )


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def draft(world: Any, **answers: Any) -> Assessment:
    enterprise = world.registered.own
    assessment = assessment_start(
        actor=world.members["enterprise"].user,
        enterprise=enterprise,
        kind=Kind.SELF,
        author_organization=enterprise.organization,
    )
    if answers:
        assessment_save_answers(actor=world.members["enterprise"].user, assessment=assessment, **answers)
    return assessment


def onsite(world: Any, phase: str = Phase.T1) -> Assessment:
    return assessment_assign_onsite(
        actor=world.members["guangzhou"].user,
        enterprise=world.registered.own,
        expert=world.members["expert"].user,
        expert_organization=world.orgs["expert"],
        phase=phase,
    )


def fill(world: Any, assessment: Assessment, who: str = "enterprise", level: int = 2) -> None:
    assessment_save_answers(
        actor=world.members[who].user,
        assessment=assessment,
        choices=LEVEL2_CHOICES,
        scenarios=scenarios_at(level),
    )


# ------------------------------------------------------------------------------------------------ start


def test_start_uses_the_current_2024_framework_and_writes_an_event(world: Any) -> None:
    assessment = draft(world)
    assert assessment.framework == world.frameworks["miit-2024-manufacturing"]
    assert (assessment.state, assessment.kind, assessment.phase) == (State.DRAFT, Kind.SELF, Phase.T0)
    assert verbs(assessment) == ["assessment.created"]


def test_the_2022_bands_cannot_be_filled_in_online(world: Any) -> None:
    with pytest.raises(ValidationError, match="只能导入历史结果"):
        assessment_start(
            actor=world.members["enterprise"].user,
            enterprise=world.registered.own,
            kind=Kind.SELF,
            author_organization=world.orgs["enterprise"],
            framework=world.frameworks["miit-2022"],
        )
    assert not Assessment.objects.exists()


# ----------------------------------------------------------------------------------------------- submit


def test_submit_without_the_pledge_is_refused_with_the_bilingual_message(world: Any) -> None:
    assessment = draft(world, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2))
    with pytest.raises(ValidationError) as error:
        assessment_submit(actor=world.members["enterprise"].user, assessment=assessment, pledge=False)
    assert error.value.message_dict == {"pledge": ["提交前须勾选真实性承诺"]}
    assessment.refresh_from_db()
    assert assessment.state == State.DRAFT and assessment.pledged_at is None
    assert verbs(assessment) == ["assessment.created"]


def test_incomplete_submission_is_refused_naming_the_unanswered_items(world: Any) -> None:
    partial = {
        k: v for k, v in LEVEL2_CHOICES.items() if k not in ("base.security.data", "results.market.value")
    }
    scenarios = scenarios_at(2)
    del scenarios["finance"]
    assessment = draft(world, choices=partial, scenarios=scenarios)
    fw = compiled(assessment)
    with pytest.raises(ValidationError) as error:
        assessment_submit(actor=world.members["enterprise"].user, assessment=assessment, pledge=True)
    text = messages_of(error)
    assert text.startswith("还有 3 题未作答：") and "unanswered" not in text
    for code in ("base.security.data", "results.market.value"):
        item = fw.item(code)
        assert item is not None and item.name in text
    scenario = fw.scenario("finance")
    assert scenario is not None and scenario.name in text
    answered = fw.item("base.security.network")
    assert answered is not None and answered.name not in text
    assessment.refresh_from_db()
    assert assessment.state == State.DRAFT


def test_empty_draft_lists_every_question(world: Any) -> None:
    assessment = draft(world)
    with pytest.raises(ValidationError) as error:
        assessment_submit(actor=world.members["enterprise"].user, assessment=assessment, pledge=True)
    assert messages_of(error).startswith("还有 31 题未作答")  # 15 items and 16 scenarios


def test_submit_scores_and_stores_the_result(world: Any) -> None:
    before = timezone.now()
    assessment = self_assessment(world)
    assessment.refresh_from_db()
    assert assessment.state == State.SCORED
    assert assessment.total == Decimal("46.925")
    assert (assessment.points_base, assessment.points_mgmt, assessment.points_results) == (
        Decimal("23.8"),
        Decimal("14.625"),
        Decimal("8.5"),
    )
    assert assessment.level == 2
    assert assessment.result["total_text"] == "46.925" and assessment.result["level"] == 2
    assert assessment.result["scenario_levels"]["product_design"] == 2
    assert "plan" in assessment.result and assessment.engine_version
    assert assessment.pledged_at and assessment.submitted_at and assessment.scored_at
    assert before <= assessment.pledged_at <= assessment.scored_at
    assert assessment.pledge_text == str(PLEDGE_TEXT) and "真实、准确、完整" in assessment.pledge_text
    assert assessment.assessed_on == timezone.localdate()
    assert assessment.is_final and assessment.has_score and not assessment.is_editable


def test_submit_writes_the_submitted_and_scored_events(world: Any) -> None:
    assessment = self_assessment(world)
    # Scoring makes a self-assessment final, so its report is issued in the same transaction.
    assert verbs(assessment) == [
        "assessment.created",
        "assessment.submitted",
        "assessment.scored",
        "assessment.report_issued",
    ]
    scored = Event.objects.get(verb="assessment.scored", target_id=str(assessment.pk))
    assert scored.payload["from"] == "submitted" and scored.payload["to"] == "scored"
    assert scored.payload["total"] == "46.925" and scored.payload["level"] == 2
    assert scored.payload["framework"] == "miit-2024-manufacturing@2024.1"
    assert scored.actor == world.members["enterprise"].user
    assert scored.organization_id_ref == world.orgs["enterprise"].pk
    assert scored.scope_path == world.registered.own.region.path


def test_submitting_twice_is_refused(world: Any) -> None:
    assessment = self_assessment(world)
    with pytest.raises(TransitionRefused, match="当前状态"):
        assessment_submit(actor=world.members["enterprise"].user, assessment=assessment, pledge=True)
    assessment.refresh_from_db()
    assert assessment.state == State.SCORED
    assert verbs(assessment).count("assessment.submitted") == 1


def test_editing_after_submission_is_refused_and_the_row_is_unchanged(world: Any) -> None:
    assessment = self_assessment(world)
    stored = Assessment.objects.filter(pk=assessment.pk).values().get()
    with pytest.raises(ValidationError, match="不能再修改"):
        assessment_save_answers(
            actor=world.members["enterprise"].user,
            assessment=assessment,
            choices={"base.security.data": "A"},
            scenarios={"finance": 4},
            step=3,
        )
    assert Assessment.objects.filter(pk=assessment.pk).values().get() == stored


def test_a_draft_keeps_its_valid_answers_and_reports_the_bad_ones(world: Any) -> None:
    assessment = draft(world, choices={"base.security.data": "B"})
    parsed = assessment_save_answers(
        actor=world.members["enterprise"].user,
        assessment=assessment,
        choices={"base.security.data": "Z", "base.security.network": "B"},
        scenarios={"finance": 7},
    )
    assert len(parsed.problems) == 2
    assessment.refresh_from_db()
    assert assessment.answers["choices"] == {"base.security.data": ["B"], "base.security.network": ["B"]}
    assert "finance" not in assessment.answers["scenarios"]


# ------------------------------------------------------------------------------------------------ on-site


def test_onsite_is_arranged_only_with_an_expert_of_an_expert_pool(world: Any) -> None:
    with pytest.raises(ValidationError, match="专家库"):
        assessment_assign_onsite(
            actor=world.members["guangzhou"].user,
            enterprise=world.registered.own,
            expert=world.members["provider"].user,
            expert_organization=world.orgs["provider"],
            phase=Phase.T1,
        )
    with pytest.raises(ValidationError, match="专家库"):  # a member of another organisation than the pool
        assessment_assign_onsite(
            actor=world.members["guangzhou"].user,
            enterprise=world.registered.own,
            expert=world.members["provider"].user,
            expert_organization=world.orgs["expert"],
            phase=Phase.T1,
        )
    assessment = onsite(world)
    assert assessment.kind == Kind.ONSITE and assessment.assessor == world.members["expert"].user
    assert assessment.author_organization == world.orgs["expert"] and assessment.phase == Phase.T1


def test_onsite_needs_the_declaration_before_answers(world: Any) -> None:
    assessment = onsite(world)
    expert = world.viewer("expert")
    assert not permissions.can_edit(expert, assessment)
    assert permissions.can_edit(expert, assessment).reason == "请先声明无利益冲突"
    with pytest.raises(ValidationError, match="无利益冲突"):
        fill(world, assessment, "expert")
    assessment.refresh_from_db()
    assert assessment.answers == {}
    declared = declare(world, assessment)
    assert declared.coi_declared_at is not None and "独立、客观、公正" in declared.coi_statement
    assert permissions.can_edit(expert, declared)
    fill(world, declared, "expert")
    declared.refresh_from_db()
    assert declared.answers["choices"]["base.equipment.network"] == ["B", "C"]


def test_onsite_needs_the_declaration_before_submission(world: Any) -> None:
    fresh = onsite(world)
    with pytest.raises(ValidationError):
        assessment_submit(actor=world.members["expert"].user, assessment=fresh, pledge=True)
    # A correction copies the answers of the assessment it corrects into a new draft that has no declaration
    # yet: complete answers, and still the expert must declare before it can be submitted.
    correction = assessment_correct(actor=world.members["guangzhou"].user, assessment=scored_onsite(world))
    with pytest.raises(TransitionRefused, match="须先由评定专家声明无利益冲突"):
        assessment_submit(actor=world.members["expert"].user, assessment=correction, pledge=True)
    for assessment in (fresh, correction):
        assessment.refresh_from_db()
        assert assessment.state == State.DRAFT and assessment.submitted_at is None
        assert "assessment.submitted" not in verbs(assessment)
    submitted = assessment_submit(
        actor=world.members["expert"].user, assessment=declare(world, correction), pledge=True
    )
    assert submitted.state == State.SCORED


def test_onsite_evidence_needs_the_declaration(world: Any) -> None:
    assessment = onsite(world)
    with pytest.raises(ValidationError, match="无利益冲突"):
        evidence_add(
            actor=world.members["expert"].user,
            assessment=assessment,
            item_code="base.equipment.network",
            upload=SimpleUploadedFile("a.pdf", PDF),
        )
    assert not Evidence.objects.exists()


def test_declaring_twice_keeps_the_first_declaration(world: Any) -> None:
    assessment = declare(world, onsite(world))
    first = assessment.coi_declared_at
    again = declare(world, assessment)
    assert again.coi_declared_at == first
    assert verbs(assessment).count("assessment.coi_declared") == 1


def test_only_an_onsite_draft_takes_a_declaration(world: Any) -> None:
    # A declaration writes to the row: a scored assessment is never edited, and only on-site ones need one.
    for assessment in (self_assessment(world), self_assessment(world, submit=False)):
        stored = Assessment.objects.filter(pk=assessment.pk).values().get()
        with pytest.raises(ValidationError, match="无利益冲突"):
            declare(world, assessment)
        assert Assessment.objects.filter(pk=assessment.pk).values().get() == stored
        assert "assessment.coi_declared" not in verbs(assessment)


def scored_onsite(world: Any) -> Assessment:
    assessment = declare(world, onsite(world))
    fill(world, assessment, "expert")
    return assessment_submit(actor=world.members["expert"].user, assessment=assessment, pledge=True)


def test_onsite_is_scored_but_final_only_when_signed_off(world: Any) -> None:
    assessment = scored_onsite(world)
    assert assessment.state == State.SCORED and not assessment.is_final
    assert not Assessment.objects.final().filter(pk=assessment.pk).exists()
    signed = assessment_sign_off(actor=world.members["expert"].user, assessment=assessment)
    assert signed.state == State.SIGNED_OFF and signed.is_final
    assert signed.signed_off_by == world.members["expert"].user and signed.signed_off_at is not None
    assert Assessment.objects.final().filter(pk=assessment.pk).exists()
    assert verbs(signed)[-2:] == ["assessment.signed_off", "assessment.report_issued"]
    assert signed.total == Decimal("46.925") and signed.level == 2


def test_sign_off_only_by_the_assigned_expert(world: Any) -> None:
    assessment = scored_onsite(world)
    colleague = member(world.orgs["expert"], "expert2", "staff")
    assert permissions.can_sign_off(world.viewer("expert"), assessment)
    for viewer in (viewer_for_membership(colleague), world.viewer("guangzhou"), world.viewer("enterprise")):
        decision = permissions.can_sign_off(viewer, assessment)
        assert not decision and decision.reason == "只有评定专家本人可以签署"


def test_sign_off_only_when_scored(world: Any) -> None:
    assessment = declare(world, onsite(world))
    assert not permissions.can_sign_off(world.viewer("expert"), assessment)
    with pytest.raises(TransitionRefused, match="当前状态"):
        assessment_sign_off(actor=world.members["expert"].user, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.state == State.DRAFT and assessment.signed_off_at is None
    signed = assessment_sign_off(actor=world.members["expert"].user, assessment=scored_onsite(world))
    with pytest.raises(TransitionRefused):
        assessment_sign_off(actor=world.members["expert"].user, assessment=signed)
    assert not permissions.can_sign_off(world.viewer("expert"), signed)


def test_a_self_assessment_is_never_signed_off(world: Any) -> None:
    assessment = self_assessment(world)
    assert not permissions.can_sign_off(world.viewer("enterprise"), assessment)
    with pytest.raises(TransitionRefused, match="只有现场评定需要签署"):
        assessment_sign_off(actor=world.members["enterprise"].user, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.state == State.SCORED


# --------------------------------------------------------------------------------------------- correction


def test_correction_is_a_new_linked_draft_and_the_old_stays(world: Any) -> None:
    old = self_assessment(world)
    stored = Assessment.objects.filter(pk=old.pk).values().get()
    new = assessment_correct(actor=world.members["enterprise"].user, assessment=old)
    assert new.pk != old.pk and new.corrects == old and new.state == State.DRAFT
    assert (new.kind, new.phase, new.framework_id) == (old.kind, old.phase, old.framework_id)
    assert new.answers == old.answers and new.total is None and new.level is None
    assert new.assessed_on == old.assessed_on  # it describes the enterprise on the same day
    assert Assessment.objects.filter(pk=old.pk).values().get() == stored
    assert list(old.corrections.all()) == [new]
    created = Event.objects.get(verb="assessment.created", target_id=str(new.pk))
    assert created.payload["corrects"] == old.pk
    # The correction is submitted like any draft; the old one still is what it was.
    fixed = assessment_submit(actor=world.members["enterprise"].user, assessment=new, pledge=True)
    assert fixed.state == State.SCORED
    assert Assessment.objects.filter(pk=old.pk).values().get() == stored


def test_only_a_scored_assessment_is_corrected_and_only_once(world: Any) -> None:
    actor = world.members["enterprise"].user
    with pytest.raises(ValidationError, match="只有已评分且未更正过的评测可以更正"):
        assessment_correct(actor=actor, assessment=draft(world))
    old = self_assessment(world)
    assessment_correct(actor=actor, assessment=old)
    with pytest.raises(ValidationError, match="未更正过"):
        assessment_correct(actor=actor, assessment=old)
    assert old.corrections.count() == 1


def test_onsite_correction_keeps_the_expert_and_needs_a_new_declaration(world: Any) -> None:
    old = scored_onsite(world)
    new = assessment_correct(actor=world.members["guangzhou"].user, assessment=old)
    assert new.kind == Kind.ONSITE and new.assessor == world.members["expert"].user
    assert new.coi_declared_at is None and new.corrects == old


def test_correction_of_an_old_framework_version_uses_the_current_one(world: Any) -> None:
    old = self_assessment(world)
    fw = old.framework
    newer = Framework.objects.create(
        code=fw.code,
        version="2024.9",
        kind=fw.kind,
        title=fw.title,
        content=fw.content,
        checksum="x" * 64,
        is_current=False,
    )
    Framework.objects.filter(pk=fw.pk).update(is_current=False)
    Framework.objects.filter(pk=newer.pk).update(is_current=True)
    old.refresh_from_db()
    new = assessment_correct(actor=world.members["enterprise"].user, assessment=old)
    assert new.framework_id == newer.pk and old.framework_id == fw.pk


# ----------------------------------------------------------------------------------------------- evidence

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for n in range(2000):  # larger than the 8 KB head the check reads first
        ws.append([n, f"设备{n}", n * 1.5])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped(
    {
        "[Content_Types].xml": b"<Types/>",
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document/>" * 100,
    }
)


def add(
    world: Any, assessment: Assessment, name: str, content: bytes, item: str = "base.equipment.network"
) -> Any:
    return evidence_add(
        actor=world.members["enterprise"].user,
        assessment=assessment,
        item_code=item,
        upload=SimpleUploadedFile(name, content),
        description="设备台账",
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("检测报告.pdf", PDF, "application/pdf"),
        ("现场.png", PNG, "image/png"),
        ("现场.jpg", JPEG, "image/jpeg"),
        ("台账.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("制度.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("named-wrongly.txt", PDF, "application/pdf"),  # the content decides, not the name
    ],
)
def test_evidence_accepted_by_content(
    world: Any, name: str, content: bytes | None, content_type: str
) -> None:
    data = xlsx() if content is None else content
    assessment = draft(world)
    evidence = add(world, assessment, name, data)
    assert evidence.content_type == content_type and evidence.size == len(data)
    assert evidence.original_name == name and evidence.uploaded_by == world.members["enterprise"].user
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    with evidence.file.open("rb") as handle:
        assert handle.read() == data
    assert verbs(assessment)[-1] == "assessment.evidence_added"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", EXE),
        ("报告.pdf", EXE),  # an executable renamed .pdf
        ("报告.pdf", "这是一份报告，不是 PDF。".encode()),  # text renamed .pdf
        ("台账.xlsx", b"a,b,c\n1,2,3\n"),
        ("资料.docx", zipped({"readme.txt": b"hello"})),  # a zip that is no Office document
        ("图.png", b"GIF89a" + b"\x00" * 20),
    ],
)
def test_evidence_refused_by_content(world: Any, name: str, content: bytes) -> None:
    assessment = draft(world)
    with pytest.raises(ValidationError) as error:
        add(world, assessment, name, content)
    assert error.value.message_dict["file"] == ["只接受 PDF、JPEG、PNG、Excel 或 Word 文件（按内容识别）"]
    assert not Evidence.objects.exists()


def test_evidence_too_large_is_refused(world: Any) -> None:
    assessment = draft(world)
    at_limit = PDF + b"0" * (MAX_EVIDENCE_BYTES - len(PDF))
    assert add(world, assessment, "big.pdf", at_limit).size == MAX_EVIDENCE_BYTES
    with pytest.raises(ValidationError) as error:
        add(world, assessment, "bigger.pdf", at_limit + b"0")
    assert "20 MB" in error.value.message_dict["file"][0]
    assert Evidence.objects.count() == 1


def test_evidence_for_an_unknown_item_or_after_submission_is_refused(world: Any) -> None:
    assessment = draft(world)
    with pytest.raises(ValidationError, match="未知的评测项"):
        add(world, assessment, "a.pdf", PDF, item="base.nothing")
    assert add(world, assessment, "a.pdf", PDF, item="product_design").item_code == "product_design"
    scored = self_assessment(world)
    with pytest.raises(ValidationError, match="评测已提交"):
        add(world, scored, "a.pdf", PDF)
    assert Evidence.objects.count() == 1


# --------------------------------------------------------------------------------------------- historical


def test_historical_record_takes_the_level_from_the_2022_bands(world: Any) -> None:
    actor = world.members["guangzhou"].user
    cases = [
        ("19.9999", 0),
        ("20", 1),
        ("39.9999", 1),
        ("40", 2),
        ("59.9999", 2),
        ("60", 3),
        ("80", 4),
        ("100", 4),
        ("0", 0),
    ]
    for n, (total, level) in enumerate(cases):
        record = historical_record(
            actor=actor,
            enterprise=world.registered.tianhe,
            framework=world.frameworks["miit-2022"],
            total=Decimal(total),
            assessed_on=date(2023, 1, 1) + timedelta(days=n),
            note="2023年评测",
        )
        assert record.level == level, total
        assert (record.kind, record.state, record.phase) == (Kind.HISTORICAL, State.SCORED, Phase.OTHER)
        assert record.total == Decimal(total) and record.is_final
        assert record.author_organization == world.registered.tianhe.organization
        assert verbs(record) == ["assessment.imported"]


def test_historical_record_needs_the_band_framework(world: Any) -> None:
    with pytest.raises(ValidationError, match="分档框架"):
        historical_record(
            actor=world.members["guangzhou"].user,
            enterprise=world.registered.tianhe,
            framework=world.frameworks["miit-2024-manufacturing"],
            total=Decimal("50"),
            assessed_on=date(2023, 1, 1),
        )
    assert not Assessment.objects.exists()
