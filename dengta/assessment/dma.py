"""The EU DMA self-assessment around its pure scorer (scoring/eu_dma.py; DOMAIN.md 9.1): answers as stored,
what is still unanswered, the texts the compiled framework leaves out (table columns, scale labels), and the
report data that the page, the PDF, the Excel export and the API render.

Answers are stored under ``answers["dma"]`` in parse_dma's format, made JSON: a checkbox question's code →
the item codes ticked (``[]`` once its step was saved with none ticked: "none" is an answer, a question never
saved is not); ``"q1.<row>"`` → the columns ticked (``[]`` likewise: neither invested nor planned);
``"q4.<row>"`` → the scale value as a decimal string ("3", "0.5").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dengta.assessment import selectors
from dengta.assessment.models import Assessment, Framework
from dengta.assessment.scoring.eu_dma import DmaFramework, Question
from dengta.core.access import Viewer

CHECKBOX_TYPES = frozenset({"checkbox", "checkbox_with_negative_item"})
TICKED_TYPES = CHECKBOX_TYPES | {"invested_planned_table"}  # nothing ticked is a valid answer
MIIT_CODE = selectors.PANEL_FRAMEWORK


def is_dma(assessment: Assessment) -> bool:
    return assessment.framework.kind == Framework.Kind.EU_DMA


def dma_compiled(assessment: Assessment) -> DmaFramework:
    fw = assessment.framework.compiled()
    assert isinstance(fw, DmaFramework)
    return fw


def english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def pick(text: str, text_zh: str) -> str:
    """The Chinese text, or the English one in English (or where no Chinese is given)."""
    return text if english() or not text_zh else text_zh


def framework_name(framework: Framework) -> str:
    """The EU DMA's title for print and export: its data file's English title, named in Chinese too."""
    if english():
        return framework.title
    return f"{framework.display_title}（{framework.title}）"


def decimal_text(value: Fraction) -> str:
    number = Decimal(value.numerator) / Decimal(value.denominator)
    return format(number.normalize(), "f")


def answer_keys(q: Question) -> list[str]:
    if q.type in CHECKBOX_TYPES:
        return [q.code]
    return [f"{q.code}.{row.code}" for row in q.rows]


def is_blank(fw: DmaFramework, key: str, value: Any) -> bool:
    """A value that clears the stored answer: null for any answer, and "" for a row of a scale table (for a
    checkbox question or an invested/planned row, "" and [] mean nothing ticked)."""
    if value is None:
        return True
    q = fw.question(key.partition(".")[0])
    if q is None or q.type in TICKED_TYPES:
        return False
    return isinstance(value, str) and not value.strip()


def to_stored(value: frozenset[str] | Fraction) -> list[str] | str:
    if isinstance(value, Fraction):
        return decimal_text(value)
    return sorted(value)


def missing(fw: DmaFramework, stored: Mapping[str, Any]) -> list[str]:
    """The answer keys still unanswered, in questionnaire order."""
    return [
        key for dim in fw.dimensions for q in dim.questions for key in answer_keys(q) if key not in stored
    ]


def missing_questions(fw: DmaFramework, stored: Mapping[str, Any]) -> list[Question]:
    keys = set(missing(fw, stored))
    return [q for dim in fw.dimensions for q in dim.questions if keys & set(answer_keys(q))]


@dataclass(frozen=True)
class Choice:
    value: str  # a column code, or a scale value as a decimal string
    text: str
    text_zh: str

    @property
    def label(self) -> str:
        return pick(self.text, self.text_zh)


def choices(framework: Framework) -> dict[str, tuple[Choice, ...]]:
    """Per table question, its columns (invested/planned) or its scale (0–5, No/Partially/Yes) with texts."""
    out: dict[str, tuple[Choice, ...]] = {}
    items = (framework.content or {}).get("items") or {}
    for dim in items.get("dimensions", []):
        for q in dim.get("questions", []):
            if q.get("columns"):
                out[q["code"]] = tuple(
                    Choice(c["code"], c["text"], c.get("text_zh", "")) for c in q["columns"]
                )
            elif q.get("scale"):
                out[q["code"]] = tuple(
                    Choice(decimal_text(Fraction(str(s["value"]))), s["text"], s.get("text_zh", ""))
                    for s in q["scale"]
                )
    return out


# ------------------------------------------------------------------------------------------------ report


@dataclass
class DimensionRow:
    code: str
    name: str
    name_zh: str
    score: Decimal | None  # 0–100
    before: Decimal | None = None  # in the baseline (the earlier DMA result), if there is one

    @property
    def label(self) -> str:
        return pick(self.name, self.name_zh)


@dataclass
class AnswerRow:
    code: str
    text: str
    text_zh: str
    answer: str  # what was answered, as shown ("—" when unanswered)

    @property
    def label(self) -> str:
        return pick(self.text, self.text_zh)


@dataclass
class QuestionRow:
    code: str
    dimension: str
    type: str
    text: str
    text_zh: str
    score: Decimal | None  # 0–10
    answers: list[AnswerRow]

    @property
    def label(self) -> str:
        return pick(self.text, self.text_zh)


@dataclass
class DmaReport:
    assessment: Assessment
    framework_label: str
    title: str
    overall: Decimal | None
    band: str
    band_zh: str
    level: int
    dimensions: list[DimensionRow]
    questions: list[QuestionRow]
    baseline: Assessment | None  # the earlier DMA result compared with (T0 first)
    miit: Assessment | None  # the enterprise's latest MIIT 2024 result, for the side-by-side comparison
    history: list[Assessment]

    @property
    def band_name(self) -> str:
        return pick(self.band, self.band_zh)


def _answer_text(q: Question, value: Any, labels: dict[str, Choice]) -> str:
    if value is None:
        return "—"
    if q.type == "invested_planned_table":
        ticked = [labels[c].label for c in value if c in labels]
        return "；".join(ticked) or _("无")
    choice = labels.get(str(value))
    return f"{value} · {choice.label}" if choice else str(value)


def _answer_rows(q: Question, stored: Mapping[str, Any], labels: dict[str, Choice]) -> list[AnswerRow]:
    if q.type in CHECKBOX_TYPES:
        ticked = stored.get(q.code)
        return [
            AnswerRow(
                row.code,
                row.text,
                row.text_zh,
                "—" if ticked is None else (_("是") if row.code in ticked else _("否")),
            )
            for row in q.rows
        ]
    return [
        AnswerRow(
            row.code, row.text, row.text_zh, _answer_text(q, stored.get(f"{q.code}.{row.code}"), labels)
        )
        for row in q.rows
    ]


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def build_dma_report(assessment: Assessment, viewer: Viewer) -> DmaReport:
    """The report data of a DMA assessment; a draft gets its answers with no scores."""
    fw = dma_compiled(assessment)
    result = assessment.result if assessment.has_score else {}
    result = result or {}
    stored = assessment.answers_part("dma")
    texts = choices(assessment.framework)
    questions = []
    for dim in fw.dimensions:
        for q in dim.questions:
            labels = {c.value: c for c in texts.get(q.code, ())}
            questions.append(
                QuestionRow(
                    q.code,
                    dim.code,
                    q.type,
                    q.text,
                    q.text_zh,
                    _decimal(result.get("questions", {}).get(q.code)),
                    _answer_rows(q, stored, labels),
                )
            )
    scored = assessment.has_score
    baseline = selectors.baseline_for(assessment, viewer) if scored else None
    before = (baseline.result or {}).get("dimensions", {}) if baseline is not None else {}
    dims = [
        DimensionRow(
            d.code,
            d.name,
            d.name_zh,
            _decimal(result.get("dimensions", {}).get(d.code)),
            _decimal(before.get(d.code)),
        )
        for d in fw.dimensions
    ]
    return DmaReport(
        assessment=assessment,
        framework_label=assessment.framework.label,
        title=fw.title,
        overall=_decimal(result.get("overall")),
        band=str(result.get("band", "")),
        band_zh=str(result.get("band_zh", "")),
        level=int(assessment.level or 0),
        dimensions=dims,
        questions=questions,
        baseline=baseline,
        miit=selectors.latest_result(assessment.enterprise, viewer, MIIT_CODE) if scored else None,
        history=[a for a in selectors.history(assessment.enterprise, viewer) if is_dma(a)],
    )


def radar_data(report: DmaReport) -> dict[str, Any]:
    """The page's ECharts radar (dengta/static/dengta/js/charts.js): the six dimensions, 0–100."""
    indicators = [{"name": d.label, "max": 100} for d in report.dimensions]
    series = [{"name": _("本次"), "value": [float(d.score or 0) for d in report.dimensions]}]
    if report.baseline is not None:
        values = [float(d.before or 0) for d in report.dimensions]
        series.insert(0, {"name": report.baseline.get_phase_display(), "value": values})
    return {"indicators": indicators, "series": series}
