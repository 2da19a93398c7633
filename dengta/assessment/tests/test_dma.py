"""The EU DMA self-assessment end to end (DOMAIN.md 9.1): started, answered and
submitted through the same workflow as the MIIT one, scored exactly by score_dma, and its pages, report,
PDF and Excel export. Bad input: unknown question, row or option, a scale value of 6, the negative item
ticked with others; an incomplete submission; "none ticked" is an answer, "never saved" is not."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from dengta.assessment import dma
from dengta.assessment.models import Assessment, Kind, Phase, State
from dengta.assessment.scoring.eu_dma import DmaFramework, parse_dma, rounded, score_dma
from dengta.assessment.selectors import current_framework, dma_completeness, latest_final
from dengta.assessment.services import (
    assessment_correct,
    assessment_save_answers,
    assessment_save_dma_answers,
    assessment_start,
    assessment_submit,
)
from dengta.assessment.tests.conftest import invite, self_assessment
from dengta.assessment.views.dma import dma_steps
from dengta.core.models import Event

pytestmark = pytest.mark.django_db

DMA_CODE = "eu-dma-sme"


def dma_fw() -> DmaFramework:
    fw = current_framework(DMA_CODE).compiled()
    assert isinstance(fw, DmaFramework)
    return fw


def full_answers(fw: DmaFramework) -> dict[str, Any]:
    """One answer for every question (every row of a table), varied so each type scores something exact:
    q1 invested / planned / both / neither by row, q3 none ticked, q7 the negative item alone."""
    out: dict[str, Any] = {}
    for dim in fw.dimensions:
        for q in dim.questions:
            if q.type in dma.CHECKBOX_TYPES:
                positive = [r.code for r in q.rows if not r.negative]
                negative = [r.code for r in q.rows if r.negative]
                if q.code == "q3":
                    out[q.code] = []
                elif negative:
                    out[q.code] = negative
                else:
                    out[q.code] = positive[: len(positive) // 2 + 1]
                continue
            for i, row in enumerate(q.rows):
                key = f"{q.code}.{row.code}"
                if q.type == "invested_planned_table":
                    out[key] = [["invested"], ["planned"], ["invested", "planned"], []][i % 4]
                else:
                    scale = [dma.decimal_text(v) for v in q.scale]
                    out[key] = scale[i % len(scale)]
    return out


def start_dma(world: Any, kind: str = Kind.SELF) -> Assessment:
    enterprise = world.registered.own
    who = "enterprise" if kind == Kind.SELF else "provider"
    if kind == Kind.PROVIDER:
        invite(world, enterprise)
    return assessment_start(
        actor=world.members[who].user,
        enterprise=enterprise,
        kind=kind,
        phase=Phase.T0,
        author_organization=world.orgs[who] if kind == Kind.PROVIDER else enterprise.organization,
        framework=current_framework(DMA_CODE),
    )


def scored_dma(world: Any, answers: dict[str, Any] | None = None) -> Assessment:
    a = start_dma(world)
    actor = world.members["enterprise"].user
    saved = assessment_save_dma_answers(actor=actor, assessment=a, answers=answers or full_answers(dma_fw()))
    assert not saved.problems
    return assessment_submit(actor=actor, assessment=a, pledge=True)


# -------------------------------------------------------------------------------------------- services


def test_start_for_self_and_provider_not_onsite(world: Any) -> None:
    a = start_dma(world)
    assert a.framework.kind == "eu_dma" and a.state == State.DRAFT and a.answers == {}
    created = Event.objects.get(verb="assessment.created", target_id=str(a.pk))
    assert created.payload["framework"].startswith("eu-dma-sme@")
    assert start_dma(world, Kind.PROVIDER).kind == Kind.PROVIDER
    with pytest.raises(ValidationError, match="只用于企业自评和服务商诊断"):
        assessment_start(
            actor=world.members["guangzhou"].user,
            enterprise=world.registered.own,
            kind=Kind.ONSITE,
            author_organization=world.orgs["expert"],
            assessor=world.members["expert"].user,
            framework=current_framework(DMA_CODE),
        )


def test_bad_values_are_reported_and_not_saved_valid_ones_are(world: Any) -> None:
    a = start_dma(world)
    actor = world.members["enterprise"].user
    fw = dma_fw()
    row = fw.question("q4").rows[0].code  # type: ignore[union-attr]
    q1row = fw.question("q1").rows[0].code  # type: ignore[union-attr]
    first = assessment_save_dma_answers(
        actor=actor, assessment=a, answers={f"q4.{row}": "3", "q7": ["stored_digitally"]}
    )
    assert not first.problems
    saved = assessment_save_dma_answers(
        actor=actor,
        assessment=a,
        answers={
            "q99": ["x"],
            "q1.nowhere": ["invested"],
            f"q1.{q1row}": ["maybe"],
            "q2": ["needs_identified", "nonsense"],
            f"q4.{row}": "6",
            "q7": ["not_collected_digitally", "stored_digitally"],
            "q5": ["skills_assessment"],
        },
    )
    codes = sorted(p.code for p in saved.problems)
    assert codes == [
        "exclusive_option",
        "scale_value",
        "unknown_column",
        "unknown_option",
        "unknown_question",
        "unknown_row",
    ]
    messages = " ".join(p.render() for p in saved.problems)
    assert "" in messages and "0, 1, 2, 3, 4, 5" in messages
    a.refresh_from_db()
    stored = a.answers["dma"]
    assert stored[f"q4.{row}"] == "3"  # the earlier value stays
    assert stored["q7"] == ["stored_digitally"]
    assert stored["q5"] == ["skills_assessment"]  # the valid value of the same save is kept
    assert "q2" not in stored and "q99" not in stored and f"q1.{q1row}" not in stored


def test_none_ticked_is_an_answer_and_null_clears(world: Any) -> None:
    a = start_dma(world)
    actor = world.members["enterprise"].user
    fw = dma_fw()
    assert "q3" in dma_completeness(a)
    assessment_save_dma_answers(actor=actor, assessment=a, answers={"q3": [], "q1.operations": ""})
    a.refresh_from_db()
    assert a.answers["dma"]["q3"] == [] and a.answers["dma"]["q1.operations"] == []
    missing = dma_completeness(a)
    assert "q3" not in missing and "q1.operations" not in missing
    row = fw.question("q11").rows[0].code  # type: ignore[union-attr]
    assessment_save_dma_answers(actor=actor, assessment=a, answers={f"q11.{row}": "0.50"})
    a.refresh_from_db()
    assert a.answers["dma"][f"q11.{row}"] == "0.5"
    assessment_save_dma_answers(actor=actor, assessment=a, answers={f"q11.{row}": "", "q3": None})
    a.refresh_from_db()
    assert f"q11.{row}" not in a.answers["dma"] and "q3" not in a.answers["dma"]


def test_submit_incomplete_is_refused(world: Any) -> None:
    a = start_dma(world)
    actor = world.members["enterprise"].user
    answers = full_answers(dma_fw())
    del answers["q9.computer_vision"]
    del answers["q3"]
    assessment_save_dma_answers(actor=actor, assessment=a, answers=answers)
    with pytest.raises(ValidationError) as exc:
        assessment_submit(actor=actor, assessment=a, pledge=True)
    assert "还有 2 题未作答" in str(exc.value) and "Q3" in str(exc.value) and "Q9" in str(exc.value)
    a.refresh_from_db()
    assert a.state == State.DRAFT and a.result == {}
    with pytest.raises(ValidationError, match="pledge"):
        assessment_submit(actor=actor, assessment=a, pledge=False)


def test_submit_scores_exactly_as_score_dma(world: Any) -> None:
    fw = dma_fw()
    answers = full_answers(fw)
    a = scored_dma(world, answers)
    clean, problems = parse_dma(fw, answers)
    assert not problems
    expected = score_dma(fw, clean)
    assert a.state == State.SCORED and a.pledged_at is not None and a.submitted_at is not None
    assert a.result == {**expected.to_json(), "framework": DMA_CODE, "version": fw.version}
    assert a.total == rounded(expected.overall)
    assert a.level == [b.name for b in fw.bands].index(expected.band.name) + 1
    assert (a.points_base, a.points_mgmt, a.points_results) == (None, None, None)
    assert a.result["questions"]["q3"] == "0.00" and a.result["questions"]["q7"] == "0.00"
    # q1's ten rows invested / planned / both / neither, repeating: 1 + .5 + 1 + 0 + 1 + .5 + 1 + 0 + 1 + .5
    assert a.result["questions"]["q1"] == "6.50"
    verbs = list(Event.objects.filter(target_id=str(a.pk)).values_list("verb", flat=True))
    assert {"assessment.submitted", "assessment.scored"} <= set(verbs)
    with pytest.raises(ValidationError):
        assessment_save_dma_answers(actor=world.members["enterprise"].user, assessment=a, answers={"q3": []})


@pytest.mark.parametrize(
    ("ticks", "level", "band"),
    [(0, 1, "Basic"), (10, 4, "Advanced")],
)
def test_levels_are_band_places(world: Any, ticks: int, level: int, band: str) -> None:
    fw = dma_fw()
    answers: dict[str, Any] = {}
    for dim in fw.dimensions:
        for q in dim.questions:
            top = dma.decimal_text(max(q.scale)) if q.scale else ""
            for key in dma.answer_keys(q):
                if q.type in dma.CHECKBOX_TYPES:
                    answers[key] = [r.code for r in q.rows if not r.negative] if ticks else []
                elif q.type == "invested_planned_table":
                    answers[key] = ["invested"] if ticks else []
                else:
                    answers[key] = top if ticks else "0"
    a = scored_dma(world, answers)
    assert a.level == level and a.result["band"] == band
    assert a.total == Decimal(100 if ticks else 0)


def test_miit_and_dma_answers_do_not_mix(world: Any) -> None:
    a = start_dma(world)
    actor = world.members["enterprise"].user
    with pytest.raises(ValidationError, match="dma"):
        assessment_save_answers(actor=actor, assessment=a, choices={"base.systems.coverage": "C"})
    miit = self_assessment(world, submit=False)
    with pytest.raises(ValidationError, match="dma"):
        assessment_save_dma_answers(actor=actor, assessment=miit, answers={"q3": []})


def test_correction_keeps_the_framework_and_answers(world: Any) -> None:
    a = scored_dma(world)
    new = assessment_correct(actor=world.members["enterprise"].user, assessment=a)
    assert new.framework_id == a.framework_id and new.answers == a.answers and new.corrects_id == a.pk
    assert new.state == State.DRAFT


def test_dma_result_is_not_the_enterprise_level(world: Any) -> None:
    miit = self_assessment(world)
    scored_dma(world)
    assert latest_final(world.viewer("enterprise")) == miit


# ----------------------------------------------------------------------------------------------- pages


def _step_post(fw: DmaFramework, index: int, answers: dict[str, Any], action: str = "next") -> dict[str, Any]:
    data: dict[str, Any] = {"action": action}
    for q in fw.dimensions[index].questions:
        for key in dma.answer_keys(q):
            value = answers[key]
            data[f"dma:{key}"] = value
    return data


def test_enterprise_starts_fills_submits_and_sees_the_report(world: Any) -> None:
    miit = self_assessment(world)  # an earlier MIIT 2024 result to compare with
    client = world.client("enterprise")
    start = client.get(reverse("assessment:start_self"))
    assert "欧盟数字成熟度评估（EU DMA）" in start.content.decode()
    response = client.post(reverse("assessment:start_self"), {"phase": Phase.T0, "framework": DMA_CODE})
    a = Assessment.objects.get(enterprise=world.registered.own, framework__code=DMA_CODE)
    assert response.status_code == 302 and response["Location"] == reverse("assessment:fill", args=[a.pk])
    to_dma = client.get(reverse("assessment:fill", args=[a.pk]))
    assert to_dma["Location"] == reverse("assessment:dma_fill", args=[a.pk])
    assert client.get(to_dma["Location"])["Location"] == reverse("assessment:dma_fill_step", args=[a.pk, 0])
    page = client.get(reverse("assessment:dma_fill_step", args=[a.pk, 0])).content.decode()
    assert "数字化业务战略" in page and "已完成 0 / 11 题" in page and "自行翻译" in page
    assert "Already invested" in page and 'lang="en"' in page and "table-responsive" in page
    fw = dma_fw()
    answers = full_answers(fw)
    for index in range(len(fw.dimensions)):
        url = reverse("assessment:dma_fill_step", args=[a.pk, index])
        done = client.post(url, _step_post(fw, index, answers))
        assert done.status_code == 302, done.content.decode()[:2000]
        assert done["Location"] == reverse("assessment:dma_fill_step", args=[a.pk, index + 1])
    a.refresh_from_db()
    assert a.answers["dma"]["q3"] == []  # none ticked, recorded when the step was saved
    review = client.get(reverse("assessment:dma_fill_step", args=[a.pk, 6])).content.decode()
    assert "全部题目已作答" in review
    refused = client.post(reverse("assessment:dma_submit", args=[a.pk]), {})
    assert refused.status_code == 400 and "真实性承诺" in refused.content.decode()
    done = client.post(reverse("assessment:submit", args=[a.pk]), {"pledge": "1"})  # the MIIT URL delegates
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.state == State.SCORED
    html = client.get(reverse("assessment:detail", args=[a.pk])).content.decode()
    assert 'data-chart="radar"' in html and '"max": 100' in html
    assert a.result["band_zh"] in html and a.result["overall"] in html
    assert 'data-testid="dma-miit"' in html and reverse("assessment:detail", args=[miit.pk]) in html
    assert "二级" in html and "不能相互换算" in html
    assert "以人为本的数字化" in html and "Q11" in html


def test_bad_input_on_the_page_keeps_ticks_and_links_to_the_question(world: Any) -> None:
    a = start_dma(world)
    client = world.client("enterprise")
    fw = dma_fw()
    row = fw.question("q4").rows[0].code  # type: ignore[union-attr]
    data = _step_post(fw, 1, full_answers(fw))
    data[f"dma:q4.{row}"] = "6"
    data["dma:q3"] = ["website", "intranet"]
    response = client.post(reverse("assessment:dma_fill_step", args=[a.pk, 1]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#dma-q4"' in html and "的取值应为" in html
    assert 'id="dma-q3-website" value="website" checked' in html
    a.refresh_from_db()
    assert a.answers["dma"]["q3"] == ["intranet", "website"] and f"q4.{row}" not in a.answers["dma"]


def test_autosave_records_none_only_where_answered_before(world: Any) -> None:
    a = start_dma(world)
    client = world.client("enterprise")
    url = reverse("assessment:dma_autosave", args=[a.pk, 0])
    response = client.post(url, {"dma:q1.operations": ["invested"]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已自动保存" in response.content.decode()
    a.refresh_from_db()
    assert a.answers["dma"] == {"q1.operations": ["invested"]}  # q2 untouched: not "none ticked"
    client.post(url, {}, HTTP_HX_REQUEST="true")  # the box unticked again
    a.refresh_from_db()
    assert a.answers["dma"] == {"q1.operations": []}
    bad = client.post(url, {"dma:q2": ["nonsense"]}, HTTP_HX_REQUEST="true")
    assert "需要修改" in bad.content.decode()


def test_miit_fill_and_evidence_urls_do_not_crash_on_a_dma_draft(world: Any) -> None:
    a = start_dma(world)
    client = world.client("enterprise")
    step = client.get(reverse("assessment:fill_step", args=[a.pk, 3]))
    assert step["Location"] == reverse("assessment:dma_fill_step", args=[a.pk, 3])
    draft = client.get(reverse("assessment:detail", args=[a.pk]))
    assert draft.status_code == 200 and "已完成 0 / 11 题" in draft.content.decode()
    assert client.post(reverse("assessment:add_evidence", args=[a.pk]), {}).status_code == 404
    miit = self_assessment(world, submit=False)
    assert client.get(reverse("assessment:dma_fill_step", args=[miit.pk, 0])).status_code == 404


@pytest.mark.parametrize("who", ["zhejiang", "shenzhen", "provider", "expert"])
def test_outsiders_get_404(world: Any, who: str) -> None:
    a = scored_dma(world)
    client = world.client(who)
    for url in (
        reverse("assessment:detail", args=[a.pk]),
        reverse("assessment:dma_fill_step", args=[a.pk, 0]),
        reverse("assessment:report_pdf", args=[a.pk]),
        reverse("assessment:answers_xlsx", args=[a.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_list_shows_the_band_and_the_level_filter_leaves_dma_out(world: Any) -> None:
    a = scored_dma(world)
    client = world.client("enterprise")
    html = client.get(reverse("assessment:list")).content.decode()
    assert a.result["band_zh"] in html and "欧盟数字成熟度评估" in html
    filtered = client.get(reverse("assessment:list"), {"level": str(a.level)}).content.decode()
    assert reverse("assessment:detail", args=[a.pk]) not in filtered


def test_pdf_and_excel_of_a_dma_assessment(world: Any) -> None:
    a = scored_dma(world)
    client = world.client("enterprise")
    pdf = client.get(reverse("assessment:report_pdf", args=[a.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-") and len(pdf.content) > 10_000
    xlsx = client.get(reverse("assessment:answers_xlsx", args=[a.pk]))
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["概要", "答卷", "技术信息"]
    summary = {row[0]: row[1] for row in wb["概要"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(summary["总分"])) == a.total and summary["档次"] == a.result["band_zh"]
    assert summary["评测框架"] == "欧盟数字成熟度评估" and summary["框架版本"] == a.framework.version
    assert summary["报告编号"] == a.issue.number
    technical = {row[1] for row in wb["技术信息"].iter_rows(min_row=2, values_only=True)}
    assert a.framework.label in technical and a.issue.digest in technical
    rows = list(wb["答卷"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(len(q.rows) for d in dma_fw().dimensions for q in d.questions)  # 86 items
    draft = start_dma(world)
    assert client.get(reverse("assessment:report_pdf", args=[draft.pk])).status_code == 404
    assert client.get(reverse("assessment:answers_xlsx", args=[draft.pk])).status_code == 200


def test_steps_are_the_six_dimensions_and_a_review() -> None:
    from dengta.assessment.scoring.definitions import canonical, compile_content, read_definition

    fw = compile_content(canonical(read_definition("eu-dma-sme.rules.json").content))
    assert isinstance(fw, DmaFramework)
    steps = dma_steps(fw)
    assert [s.kind for s in steps] == ["dimension"] * 6 + ["review"]


def test_provider_starts_a_dma_diagnosis_on_the_page(world: Any) -> None:
    client = world.client("provider")
    invite(world)
    response = client.post(
        reverse("assessment:start_diagnosis"),
        {"enterprise": world.registered.own.pk, "phase": Phase.T0, "framework": DMA_CODE},
    )
    a = Assessment.objects.get(kind=Kind.PROVIDER)
    assert response.status_code == 302 and a.framework.code == DMA_CODE
    assert client.get(reverse("assessment:dma_fill_step", args=[a.pk, 2])).status_code == 200


def test_authority_sees_the_scored_report_not_the_draft(world: Any) -> None:
    draft = start_dma(world)
    scored = scored_dma(world)
    client = world.client("guangzhou")
    assert client.get(reverse("assessment:detail", args=[draft.pk])).status_code == 404
    html = client.get(reverse("assessment:detail", args=[scored.pk])).content.decode()
    assert 'data-testid="dma-band"' in html and "本企业还没有 2024 年版评测结果" in html
    assert client.get(reverse("assessment:dma_fill_step", args=[scored.pk, 0])).status_code == 302


def test_pages_and_downloads_in_english(world: Any) -> None:
    a = scored_dma(world)
    client = world.client("enterprise")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("assessment:detail", args=[a.pk])).content.decode()
    assert a.result["band"] in html and "Human-centric digitalisation" in html
    step = client.get(reverse("assessment:dma_fill_step", args=[start_dma(world).pk, 0])).content.decode()
    assert "Already invested" in step and "已投资" not in step
    assert client.get(reverse("assessment:report_pdf", args=[a.pk])).content.startswith(b"%PDF-")
    assert client.get(reverse("assessment:answers_xlsx", args=[a.pk])).status_code == 200
