"""EU Digital Maturity Assessment, SME module (DOMAIN.md 9.1; data file eu-dma-sme.json). Pure Python.

Each question is normalised to 0–10 by its type (the file's ``normalisation_by_type``); a dimension is
10 × the mean of its questions (0–100); the overall score is the unweighted mean of the six dimensions; bands
use upper thresholds on the unrounded score (≤ 25 Basic, ≤ 50 Average, ≤ 75 Moderately advanced, else
Advanced — the file's ``band_rule``). Fractions keep every intermediate exact; results are rounded to two
decimals (half up) only for display and storage.

Answers: checkbox and checkbox-with-negative questions take a set of item codes under the question code
(``{"q2": ["needs_identified", …]}``); tables take one answer per row under ``"q1.<row>"`` — the columns
ticked for the invested/planned table, the scale value for 0–5 and No/Partially/Yes tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from dengta.assessment.scoring.answers import split_keys
from dengta.core.problems import Problem, gettext_noop

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Row:
    code: str
    text: str
    text_zh: str
    negative: bool


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    text: str
    text_zh: str
    rows: tuple[Row, ...]
    columns: dict[str, Fraction]  # invested/planned table: column code -> points
    scale: tuple[Fraction, ...]  # allowed values of scale tables


@dataclass(frozen=True)
class DmaDimension:
    code: str
    name: str
    name_zh: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class DmaBand:
    upper: Fraction | None
    name: str
    name_zh: str


@dataclass(frozen=True)
class DmaFramework:
    code: str
    version: str
    kind: str
    title: str
    dimensions: tuple[DmaDimension, ...]
    bands: tuple[DmaBand, ...]

    def question(self, code: str) -> Question | None:
        for dim in self.dimensions:
            for q in dim.questions:
                if q.code == code:
                    return q
        return None


def compile_dma(data: dict[str, Any], rules: dict[str, Any]) -> DmaFramework:
    dims = []
    for d in data["dimensions"]:
        questions = []
        for q in d["questions"]:
            rows = tuple(
                Row(r["code"], r["text"], r.get("text_zh", ""), bool(r.get("negative"))) for r in q["items"]
            )
            columns = {c["code"]: Fraction(str(c["points"])) for c in q.get("columns", [])}
            scale = tuple(Fraction(str(s["value"])) for s in q.get("scale", []))
            questions.append(
                Question(q["code"], q["type"], q["text"], q.get("text_zh", ""), rows, columns, scale)
            )
        dims.append(DmaDimension(d["code"], d["name"], d.get("name_zh", ""), tuple(questions)))
    bands = []
    ordered = sorted(data["bands"], key=lambda b: b["min"])
    for i, b in enumerate(ordered):
        upper = Fraction(b["max"]) if i < len(ordered) - 1 else None
        bands.append(DmaBand(upper, b["name"], b.get("name_zh", "")))
    return DmaFramework(
        code=rules["framework"],
        version=rules["version"],
        kind=rules["kind"],
        title=data["title"],
        dimensions=tuple(dims),
        bands=tuple(bands),
    )


@dataclass(frozen=True)
class DmaScore:
    questions: dict[str, Fraction]  # 0–10
    dimensions: dict[str, Fraction]  # 0–100
    overall: Fraction
    band: DmaBand

    def to_json(self) -> dict[str, Any]:
        return {
            "questions": {k: str(rounded(v)) for k, v in self.questions.items()},
            "dimensions": {k: str(rounded(v)) for k, v in self.dimensions.items()},
            "overall": str(rounded(self.overall)),
            "band": self.band.name,
            "band_zh": self.band.name_zh,
        }


def rounded(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )


def _question_score(q: Question, answers: Mapping[str, Any]) -> Fraction:
    if q.type in ("checkbox", "checkbox_with_negative_item"):
        ticked = set(answers.get(q.code, ()))
        if any(r.negative and r.code in ticked for r in q.rows):
            return Fraction(0)
        positive = [r for r in q.rows if not r.negative]
        return Fraction(10 * sum(1 for r in positive if r.code in ticked), len(positive))
    total = Fraction(0)
    for row in q.rows:
        value = answers.get(f"{q.code}.{row.code}")
        if q.type == "invested_planned_table":
            cols = set(value or ())
            total += max((q.columns[c] for c in cols if c in q.columns), default=Fraction(0))
        elif value is not None:
            total += Fraction(str(value))
    top = max(q.scale) if q.scale else Fraction(1)
    if q.type == "invested_planned_table":
        top = Fraction(1)
    return 10 * total / (len(q.rows) * top)


def score_dma(fw: DmaFramework, answers: Mapping[str, Any]) -> DmaScore:
    questions: dict[str, Fraction] = {}
    dimensions: dict[str, Fraction] = {}
    for dim in fw.dimensions:
        for q in dim.questions:
            questions[q.code] = _question_score(q, answers)
        dimensions[dim.code] = (
            10 * sum((questions[q.code] for q in dim.questions), Fraction(0)) / len(dim.questions)
        )
    overall = sum(dimensions.values(), Fraction(0)) / len(dimensions)
    band = next(b for b in fw.bands if b.upper is None or overall <= b.upper)
    return DmaScore(questions, dimensions, overall, band)


def parse_dma(fw: DmaFramework, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Checked answers for ``score_dma``, and a Problem for each unknown question, row or value."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in raw.items():
        qcode, _, row_code = key.partition(".")
        q = fw.question(qcode)
        if q is None:
            problems.append(Problem("unknown_question", gettext_noop("未知的问题“%(q)s”"), {"q": key}))
            continue
        rows = {r.code: r for r in q.rows}
        if q.type in ("checkbox", "checkbox_with_negative_item"):
            ticked = [k.lower() for k in split_keys(value)]
            unknown = [t for t in ticked if t not in rows]
            negative = [t for t in ticked if rows.get(t) and rows[t].negative]
            if row_code or unknown:
                problems.append(
                    Problem(
                        "unknown_option",
                        gettext_noop("问题 %(q)s 没有选项 %(option)s"),
                        {"q": qcode, "option": ", ".join(unknown) or row_code},
                    )
                )
            elif negative and len(ticked) > 1:
                problems.append(
                    Problem(
                        "exclusive_option",
                        gettext_noop("问题 %(q)s 的否定选项不能与其他选项同选"),
                        {"q": qcode},
                    )
                )
            else:
                clean[qcode] = frozenset(ticked)
            continue
        if row_code not in rows:
            problems.append(
                Problem(
                    "unknown_row",
                    gettext_noop("问题 %(q)s 没有行“%(row)s”"),
                    {"q": qcode, "row": row_code},
                )
            )
            continue
        if q.type == "invested_planned_table":
            cols = [c.lower() for c in split_keys(value)]
            if any(c not in q.columns for c in cols):
                problems.append(
                    Problem(
                        "unknown_column",
                        gettext_noop("问题 %(q)s 的列应为 invested 或 planned"),
                        {"q": qcode},
                    )
                )
            else:
                clean[key] = frozenset(cols)
            continue
        try:
            number = Fraction(str(value).strip())
        except (ValueError, ZeroDivisionError):
            number = Fraction(-1)
        if number not in q.scale:
            problems.append(
                Problem(
                    "scale_value",
                    gettext_noop("问题 %(q)s 的取值应为 %(allowed)s 之一"),
                    {"q": key, "allowed": ", ".join(str(s) for s in q.scale)},
                )
            )
        else:
            clean[key] = number
    return clean, problems
