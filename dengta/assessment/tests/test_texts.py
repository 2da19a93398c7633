"""The English texts of the MIIT index: our unofficial translation in its own file, checked code by code when
the frameworks load, never part of a framework version's checksum, shown on English pages and exports, and
kept out of the printed report, which is an official document in Chinese (docs/assessment.md)."""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dengta.assessment import pdf
from dengta.assessment.loaders import load_all
from dengta.assessment.models import Framework
from dengta.assessment.report import build_report
from dengta.assessment.scoring.answers import parse_answers
from dengta.assessment.scoring.definitions import (
    DATA_DIR,
    DEFINITION_FILES,
    canonical,
    compile_content,
    read_definition,
    read_texts,
)
from dengta.assessment.scoring.engine import score
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.scoring.framework import FrameworkDataError
from dengta.assessment.scoring.texts import check_texts, localized, parse_texts
from dengta.assessment.texts import for_display

from .conftest import LEVEL2_CHOICES, scenarios_at, self_assessment

MIIT = "miit-2024-manufacturing"
EN_FILE = f"{MIIT}.en.json"
CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\uff0c\u3001\uff1a]")  # Chinese characters and full-width marks


def miit() -> Compiled:
    fw = compile_content(canonical(read_definition(DEFINITION_FILES[0]).content))
    assert isinstance(fw, Compiled)
    return fw


def english_raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA_DIR / EN_FILE).read_text(encoding="utf-8"))
    return data


def refusal(data: dict[str, Any]) -> str:
    with pytest.raises(FrameworkDataError) as caught:
        check_texts(miit(), parse_texts(data, name=EN_FILE), name=EN_FILE)
    return str(caught.value)


# ------------------------------------------------------------------------------------------- the file


def test_english_file_covers_every_code_and_says_it_is_unofficial() -> None:
    fw = miit()
    texts = read_texts(MIIT, "en")
    assert texts is not None
    check_texts(fw, texts, name=EN_FILE)  # raises on any missing or unknown code
    raw = english_raw()
    assert raw["official"] is False and texts.official is False
    assert "56号" in raw["source"] and "Unofficial" in raw["translation_note"]
    assert len(texts.items) == 15 and sum(len(t.options) for t in texts.items.values()) == 79
    assert len(texts.scenarios) == 16 and all(len(s.levels) == 4 for s in texts.scenarios.values())
    assert texts.items["base.equipment.digitization"].question == "Share of digitised production equipment"


def test_every_english_text_is_english() -> None:
    en = localized(miit(), read_texts(MIIT, "en"))  # type: ignore[arg-type]
    texts = [en.title] + [d.name for d in en.dimensions] + [i.name for i in en.indicators.values()]
    for item in en.items:
        texts += [item.name, item.question, item.description] + [o.text for o in item.options]
    for s in en.scenarios:
        texts += [s.name, s.group, *s.levels]
    texts += [n.unit for n in en.collected]
    assert [t for t in texts if CJK.search(t)] == []


def test_a_missing_option_is_refused_by_its_code() -> None:
    data = english_raw()
    del data["items"]["base.equipment.network"]["options"]["C"]
    assert "no text for option of item base.equipment.network: C" in refusal(data)


def test_an_unknown_scenario_and_a_missing_level_are_refused() -> None:
    data = english_raw()
    data["scenarios"]["teleportation"] = copy.deepcopy(data["scenarios"]["quality"])
    del data["scenarios"]["finance"]["levels"]["4"]
    message = refusal(data)
    assert "unknown scenario teleportation" in message
    assert "no text for level of scenario finance: 4" in message


def test_a_missing_item_dimension_or_unit_and_an_empty_text_are_refused() -> None:
    data = english_raw()
    del data["items"]["results.market.value"]
    del data["dimensions"]["mgmt"]
    del data["collected_numbers"]["pass_rate"]
    data["indicators"]["base.data"] = " "
    message = refusal(data)
    assert "no text for item results.market.value" in message
    assert "no text for dimension mgmt" in message
    assert "no text for collected number pass_rate" in message
    assert "empty text for indicator base.data" in message


def test_the_translation_scores_exactly_like_the_index() -> None:
    fw = miit()
    en = localized(fw, read_texts(MIIT, "en"))  # type: ignore[arg-type]
    results = [
        score(f, parse_answers(f, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2), numbers={}).answers)
        for f in (fw, en)
    ]
    assert results[0] == results[1]
    assert [i.code for i in en.items] == [i.code for i in fw.items]
    assert en.items[0].name == "Network" and fw.items[0].name == "网络建设"


# ------------------------------------------------------------------------------------------ the loader


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_loader_refuses_an_incomplete_translation_and_writes_nothing(db: Any, data_dir: Path) -> None:
    data = json.loads((data_dir / EN_FILE).read_text(encoding="utf-8"))
    del data["scenarios"]["hr"]
    (data_dir / EN_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FrameworkDataError, match=r"\.en\.json: no text for scenario hr"):
        load_all(data_dir)
    assert Framework.objects.count() == 0


def test_loader_refuses_a_missing_translation_file(db: Any, data_dir: Path) -> None:
    (data_dir / EN_FILE).unlink()
    with pytest.raises(FrameworkDataError, match=r"no en text file miit-2024-manufacturing\.en\.json"):
        load_all(data_dir)
    assert Framework.objects.count() == 0


def test_a_changed_translation_is_no_new_framework_version(world: Any, data_dir: Path) -> None:
    """The translation is not part of the scored standard: a version that scored assessments stays as it
    is, with the same SHA-256, when only the English changes."""
    self_assessment(world, level=2)
    before = dict(Framework.objects.values_list("code", "checksum"))
    data = json.loads((data_dir / EN_FILE).read_text(encoding="utf-8"))
    data["items"]["base.equipment.network"]["name"] = "Networks"
    (data_dir / EN_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    results = load_all(data_dir)
    assert {r.action for r in results} == {"unchanged"}
    assert dict(Framework.objects.values_list("code", "checksum")) == before
    assert Framework.objects.count() == 3


# ---------------------------------------------------------------------------------- pages and exports


def _cells_text(html: str, section_id: str) -> str:
    section = html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1] if "<tbody>" in section else section.split("</h2>", 1)[1]
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.django_db
def test_english_report_shows_english_items_and_scenarios(world: Any) -> None:
    a = self_assessment(world, level=2)
    client = world.client("enterprise")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("assessment:detail", args=[a.pk])).content.decode()
    items = _cells_text(html, "items-title")
    scenarios = _cells_text(html, "heat-title")
    # Item names (not the questions), their indicators and the options chosen.
    assert "Network" in items and "Share of digitised production equipment" not in items
    assert "Equipment and systems" in items and "B. The workshops have an industrial" in items
    assert "Product design" in scenarios and "Digital product lifecycle" in scenarios
    assert CJK.findall(items) == [] and CJK.findall(scenarios) == []
    assert "unofficial translation" in html  # the note beside the translated texts
    assert "Digital foundation" in html  # dimension names in the summary and the radar's axes


@pytest.mark.django_db
def test_chinese_report_keeps_the_index_wording(world: Any) -> None:
    a = self_assessment(world, level=2)
    html = world.client("enterprise").get(reverse("assessment:detail", args=[a.pk])).content.decode()
    items = _cells_text(html, "items-title")
    assert "网络建设" in items and "企业车间建成工控网络" in items and "Network" not in items
    assert 'data-testid="translation-note"' not in html


@pytest.mark.django_db
def test_printed_report_keeps_the_official_chinese_in_english(world: Any) -> None:
    a = self_assessment(world, level=2)
    with translation.override("en"):
        html = pdf.render_html(build_report(a, world.viewer("enterprise"), official=True))
    assert "网络建设" in html and "产品设计" in html and "数字化基础" in html
    assert "The workshops have an industrial" not in html


@pytest.mark.django_db
def test_english_questionnaire_and_excel_show_english_texts(world: Any) -> None:
    a = self_assessment(world, level=2, submit=False)
    client = world.client("enterprise")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("assessment:fill_step", args=[a.pk, 0])).content.decode()
    assert "How far the enterprise&#x27;s networks are built and connected" in page
    assert "Share of digitised production equipment" in page
    assert "Production equipment, total (machines)" in page  # the rules file's label_en, our unit
    assert "machines" in page and "网络建设" not in page
    scenarios = client.get(reverse("assessment:fill_step", args=[a.pk, 3])).content.decode()
    assert "Digital product lifecycle" in scenarios
    assert "Design software (e.g. CAD, CAE, EDA) helps with product design." in scenarios
    book = load_workbook(io.BytesIO(client.get(reverse("assessment:answers_xlsx", args=[a.pk])).content))
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "Network" in cells and "Product design" in cells and "网络建设" not in cells
    assert "10,000 yuan" in cells
    both = (
        "The workshops have an industrial control network that supports automated control; The enterprise has"
    )
    assert any(c.startswith(both) for c in cells)  # the options chosen, English list separator


@pytest.mark.django_db
def test_for_display_leaves_chinese_and_other_frameworks_alone(world: Any) -> None:
    fw = miit()
    with translation.override("zh-hans"):
        assert for_display(fw) is fw
    with translation.override("en"):
        assert for_display(fw).items[0].name == "Network"
        assert for_display(fw, official=True) is fw
        dma = Framework.objects.get(code="eu-dma-sme").compiled()
        assert for_display(dma) is dma


@pytest.mark.django_db
def test_english_questionnaire_errors_name_items_in_english(world: Any) -> None:
    a = self_assessment(world, level=2, submit=False)
    client = world.client("enterprise")
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("assessment:fill_step", args=[a.pk, 0]),
        {"action": "save", "item:base.equipment.network": ["A", "B"]},
    )
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.split('href="#item-base.equipment.network"', 1)[1].split("</a>", 1)[0]
    assert "Network" in summary and CJK.findall(summary) == []
