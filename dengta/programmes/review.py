"""Expert review of applications: a rubric held as data, review checks, totals, aggregation, conflicts of
interest, visibility and deadlines (pure Python, no Django).

Why: city applications are selected by a competitive expert review (竞争性评审, DOMAIN.md 2.1) and the 2022
platform nominations by the ministries' expert review (DOMAIN.md 1.5). Neither rubric was published, so the
criteria, weights, scale and comment rule live in ``data/rubric-city-pilot.json`` and
``data/rubric-platform-pilot.json``, versioned, built from the notices' stated criteria (DOMAIN.md 1.2–1.4,
2.1, 2.3, 2.4); results carry the rubric version they used (ARCHITECTURE.md convention 12). Reviews score
0–5 plus n/a and the way scores are combined is a choice, as in Hypha (DOMAIN.md 9.4).

Scores: whole points only, from the rubric's ``scale.min`` to ``scale.max`` (0–5; halves are refused, the
file must say ``"step": 1``). ``None`` is n/a, allowed only where the criterion says ``na_allowed``; a
criterion absent from the review is not yet scored. A score listed in ``comment_required_for_scores`` (0 and
5: the extremes must be justified) needs a non-blank comment. A draft is checked only for what it holds; a
submitted review must also score (or mark n/a) every criterion and carry the required comments.

Total of one review, 0–100: Σ wᵢ·(sᵢ − min)/(max − min) / Σ wᵢ × 100 over the scored criteria; n/a criteria
are left out and the others' weights rescaled to sum to 1, so n/a never changes the ratios between the other
criteria's contributions. Computed exactly, rounded half up to 2 decimals.

Aggregation over the submitted reviews only (drafts are listed as dropped, ``not_submitted``):
- ``mean``: the mean of the review totals;
- ``median``: the middle total, or the mean of the two middle ones;
- ``trimmed_mean``: with at least ``trim_min_reviews`` reviews (default 5, at least 3), the review with the
  highest total and the one with the lowest are dropped (``trimmed_highest`` / ``trimmed_lowest``; among equal
  totals the smallest expert id is dropped) and the rest averaged; below that number nothing is dropped and
  the result equals the mean (``trimmed`` is False).
The total is aggregated from the rounded review totals that experts and staff see, so it can be checked by
hand and always lies between the lowest and highest of them; each criterion's value (on the 0–5 scale) uses
the same method over the scores of the reviews kept, n/a left out. Both are rounded half up to 2 decimals.

Conflicts of interest (rule of the programme's review, cf. DOMAIN.md 2.1): no expert belonging to an
organisation inside the applicant's region (GB/T 2260 code prefix: province 2 digits, prefecture 4, county 6;
兵团's cities 6590xx sit under 兵团 660000, not under 新疆, DOMAIN.md 4.4), none from the applicant's own
organisations or a nominated provider's organisation, and declared conflicts are respected.

An expert sees the other experts' reviews only after submitting their own, so that each judgement is
independent. A review submitted after the deadline is late; the deadline itself is still on time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
CITY_PILOT_RUBRIC = DATA_DIR / "rubric-city-pilot.json"
PLATFORM_PILOT_RUBRIC = DATA_DIR / "rubric-platform-pilot.json"
PROGRAMME_MODELS = ("city", "platform")  # as a batch's rules name them (rules.PROGRAMMES)
DEFAULT_TRIM_MIN_REVIEWS = 5
XPCC_CODE = "660000"  # 新疆生产建设兵团 as a province-level unit (DOMAIN.md 4.4)
XPCC_CITY_PREFIX = "6590"
_CODE = re.compile(r"[a-z][a-z0-9_]*")
_REGION = re.compile(r"\d{6}")


class RubricError(ValueError):
    """The rubric file is not valid (raised when loading)."""


class AggregationMethod(StrEnum):
    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"
    MEDIAN = "median"


@dataclass(frozen=True)
class Criterion:
    code: str
    name_zh: str
    name_en: str
    guidance_zh: str
    guidance_en: str
    weight: Decimal
    na_allowed: bool


@dataclass(frozen=True)
class Anchor:
    score: int
    zh: str
    en: str


@dataclass(frozen=True)
class Rubric:
    version: str
    programme_model: str
    source: str
    scale_min: int
    scale_max: int
    anchors: tuple[Anchor, ...]
    comment_required_for_scores: frozenset[int]
    criteria: tuple[Criterion, ...]

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.criteria)


@dataclass(frozen=True)
class Review:
    expert_id: int
    scores: Mapping[str, int | None]  # None: n/a; a criterion absent: not yet scored
    comments: Mapping[str, str] = field(default_factory=dict)
    submitted: bool = False


@dataclass(frozen=True)
class ReviewProblem:
    code: str
    criterion: str
    sentence_zh: str
    sentence_en: str


@dataclass(frozen=True)
class CriterionAggregate:
    code: str
    value: Decimal | None  # on the rubric's scale, 2 decimals; None when every kept review said n/a
    scored_count: int
    na_count: int


@dataclass(frozen=True)
class DroppedReview:
    expert_id: int
    reason: str  # "not_submitted", "trimmed_highest", "trimmed_lowest"
    sentence_zh: str
    sentence_en: str


@dataclass(frozen=True)
class Aggregate:
    method: AggregationMethod
    rubric_version: str
    total: Decimal | None  # 0–100, 2 decimals; None without a submitted review
    criteria: tuple[CriterionAggregate, ...]
    used_count: int
    used_expert_ids: tuple[int, ...]
    dropped: tuple[DroppedReview, ...]
    trimmed: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "method": str(self.method),
            "rubric_version": self.rubric_version,
            "total": None if self.total is None else str(self.total),
            "criteria": [
                {
                    "code": c.code,
                    "value": None if c.value is None else str(c.value),
                    "scored_count": c.scored_count,
                    "na_count": c.na_count,
                }
                for c in self.criteria
            ],
            "used_count": self.used_count,
            "used_expert_ids": list(self.used_expert_ids),
            "dropped": [{"expert_id": d.expert_id, "reason": d.reason} for d in self.dropped],
            "trimmed": self.trimmed,
        }


@dataclass(frozen=True)
class ExpertProfile:
    expert_id: int
    organisation_id: int | None
    organisation_region_codes: frozenset[str]  # the regions of the organisations the expert belongs to
    declared_application_ids: frozenset[int] = frozenset()
    declared_organisation_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ApplicationParties:
    application_id: int
    applicant_region_code: str
    organisation_ids: frozenset[int]  # the applicant authority and the other organisations on the application
    provider_organisation_ids: frozenset[int]  # the nominated providers' organisations


@dataclass(frozen=True)
class Conflict:
    code: str  # "same_region", "applicant_organisation", "nominated_provider", "declared_*"
    sentence_zh: str
    sentence_en: str


# ---------------------------------------------------------------------------------------------------------
# The rubric file


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RubricError(f"{where}: {key} is required (non-blank text)")
    return value


def _whole_number(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RubricError(f"{where}: {value!r} must be a whole number")
    return value


def _criterion(raw: Any, where: str) -> Criterion:
    if not isinstance(raw, dict):
        raise RubricError(f"{where}: each criterion is an object")
    allowed = {"code", "name_zh", "name_en", "guidance_zh", "guidance_en", "weight", "na_allowed"}
    if set(raw) - allowed:
        raise RubricError(f"{where}: unknown keys {sorted(set(raw) - allowed)}")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise RubricError(f"{where}: code {code!r} must be snake_case")
    where = f"{where} {code}"
    try:
        weight = Decimal(str(raw.get("weight")))
    except InvalidOperation as exc:
        raise RubricError(f"{where}: weight {raw.get('weight')!r} is not a number") from exc
    if isinstance(raw.get("weight"), bool) or not weight.is_finite() or not 0 < weight <= 1:
        raise RubricError(f"{where}: weight {raw.get('weight')!r} must be above 0 and at most 1")
    if not isinstance(raw.get("na_allowed"), bool):
        raise RubricError(f"{where}: na_allowed must be true or false")
    texts = {key: _text(raw, key, where) for key in ("name_zh", "name_en", "guidance_zh", "guidance_en")}
    return Criterion(code=code, weight=weight, na_allowed=raw["na_allowed"], **texts)


def _scale(raw: Any, where: str) -> tuple[int, int, tuple[Anchor, ...]]:
    if not isinstance(raw, dict) or set(raw) != {"min", "max", "step", "anchors"}:
        raise RubricError(f"{where}: scale needs exactly min, max, step and anchors")
    low, high = (
        _whole_number(raw["min"], f"{where} scale min"),
        _whole_number(raw["max"], f"{where} scale max"),
    )
    if not 0 <= low < high:
        raise RubricError(f"{where}: the scale range {low}–{high} must have 0 ≤ min < max")
    if raw["step"] != 1 or isinstance(raw["step"], bool):
        raise RubricError(f"{where}: scale step must be 1 (whole points; halves are not allowed)")
    anchors = raw["anchors"]
    if not isinstance(anchors, list) or not all(isinstance(a, dict) for a in anchors):
        raise RubricError(f"{where}: scale anchors must be a list of objects")
    parsed = tuple(
        Anchor(_whole_number(a.get("score"), f"{where} anchor"), _text(a, "zh", where), _text(a, "en", where))
        for a in anchors
    )
    if [a.score for a in parsed] != list(range(low, high + 1)):
        raise RubricError(f"{where}: scale anchors must describe each score {low}–{high} once, in order")
    return low, high, parsed


def parse_rubric(data: Any, where: str = "rubric") -> Rubric:
    if not isinstance(data, dict):
        raise RubricError(f"{where}: the rubric is an object")
    allowed = {"version", "programme_model", "source", "scale", "comment_required_for_scores", "criteria"}
    if set(data) - allowed:
        raise RubricError(f"{where}: unknown keys {sorted(set(data) - allowed)}")
    version, source = _text(data, "version", where), _text(data, "source", where)
    model = data.get("programme_model")
    if model not in PROGRAMME_MODELS:
        raise RubricError(f"{where}: programme_model {model!r} must be one of {', '.join(PROGRAMME_MODELS)}")
    low, high, anchors = _scale(data.get("scale"), where)
    raw_comment = data.get("comment_required_for_scores")
    if not isinstance(raw_comment, list):
        raise RubricError(f"{where}: comment_required_for_scores must be a list of scores")
    comment = frozenset(_whole_number(s, f"{where} comment_required_for_scores") for s in raw_comment)
    if any(not low <= s <= high for s in comment):
        raise RubricError(f"{where}: comment_required_for_scores {sorted(comment)} lie outside {low}–{high}")
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise RubricError(f"{where}: criteria must be a non-empty list")
    criteria = tuple(_criterion(raw, f"{where} criterion {i + 1}") for i, raw in enumerate(raw_criteria))
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        raise RubricError(
            f"{where}: duplicate criterion codes {sorted({c for c in codes if codes.count(c) > 1})}"
        )
    total = sum((c.weight for c in criteria), Decimal(0))
    if total != 1:
        raise RubricError(f"{where}: the weights sum to {total}, not 1")
    if all(c.na_allowed for c in criteria):
        # A complete review must score something, or it would have no total.
        raise RubricError(f"{where}: at least one criterion must not allow n/a")
    return Rubric(version, model, source, low, high, anchors, comment, criteria)


def load_rubric(path: Path | str) -> Rubric:
    """The rubric in ``path`` (e.g. ``CITY_PILOT_RUBRIC``); refuses an invalid file loudly."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, json.JSONDecodeError) as exc:
        raise RubricError(f"{path}: {exc}") from exc
    return parse_rubric(data, str(path))


# ---------------------------------------------------------------------------------------------------------
# One review

_PROBLEMS = {
    "unknown_criterion": ("评分表中没有评审项“{code}”。", "The rubric has no criterion “{code}”."),
    "score_not_whole": (
        "“{zh}”的评分须为整数分（不设半分）。",
        "The score for “{en}” must be a whole point.",
    ),
    "score_out_of_range": (
        "“{zh}”的评分须在{low}至{high}分之间。",
        "The score for “{en}” must be {low}–{high}.",
    ),
    "na_not_allowed": ("“{zh}”不能评为“不适用”。", "“{en}” cannot be marked n/a."),
    "score_missing": (
        "提交前请为“{zh}”评分或标为“不适用”。",
        "Score “{en}” or mark it n/a before submitting.",
    ),
    "comment_required": (
        "“{zh}”评为{score}分时须填写评语。",
        "A score of {score} for “{en}” needs a comment.",
    ),
}


def _problem(code: str, criterion: str, **params: object) -> ReviewProblem:
    zh, en = _PROBLEMS[code]
    return ReviewProblem(
        code, criterion, zh.format(code=criterion, **params), en.format(code=criterion, **params)
    )


def _as_whole(score: object) -> int | None:
    """The score as a whole number, or None when it is not one (a bool is not a score)."""
    if isinstance(score, bool):
        return None
    if isinstance(score, int):
        return score
    if isinstance(score, float | Decimal | Fraction):
        try:
            exact = Fraction(score)
        except (ValueError, OverflowError, InvalidOperation):
            return None
        return int(exact) if exact.denominator == 1 else None
    return None


def validate_review(rubric: Rubric, review: Review) -> list[ReviewProblem]:
    """What is wrong with the review, in rubric order (unknown criteria last); empty when it is fine.

    A draft is checked for what it holds; a submitted review also for completeness (module docstring)."""
    known = set(rubric.codes)
    unknown = sorted((set(review.scores) | set(review.comments)) - known)
    problems = [_problem("unknown_criterion", code) for code in unknown]
    found: list[ReviewProblem] = []
    for c in rubric.criteria:
        names = {"zh": c.name_zh, "en": c.name_en}
        if c.code not in review.scores:
            if review.submitted:
                found.append(_problem("score_missing", c.code, **names))
            continue
        raw = review.scores[c.code]
        if raw is None:
            if not c.na_allowed:
                found.append(_problem("na_not_allowed", c.code, **names))
            continue
        score = _as_whole(raw)
        if score is None:
            found.append(_problem("score_not_whole", c.code, **names))
        elif not rubric.scale_min <= score <= rubric.scale_max:
            found.append(
                _problem("score_out_of_range", c.code, low=rubric.scale_min, high=rubric.scale_max, **names)
            )
        elif (
            review.submitted
            and score in rubric.comment_required_for_scores
            and not review.comments.get(c.code, "").strip()
        ):
            found.append(_problem("comment_required", c.code, score=score, **names))
    return found + problems


def _checked_scores(rubric: Rubric, review: Review) -> dict[str, int | None]:
    """The review's scores by criterion, refusing a review that is incomplete or holds a wrong value."""
    problems = [
        p
        for p in validate_review(rubric, Review(review.expert_id, review.scores, {}, submitted=True))
        if p.code != "comment_required"
    ]
    if problems:
        codes = ", ".join(f"{p.code}:{p.criterion}" for p in problems)
        raise ValueError(f"review by expert {review.expert_id} cannot be totalled: {codes}")
    return {
        code: None if review.scores[code] is None else _as_whole(review.scores[code]) for code in rubric.codes
    }


def contributions(rubric: Rubric, review: Review) -> dict[str, Fraction]:
    """Each scored criterion's exact share of the 0–100 total (n/a criteria left out, weights rescaled)."""
    scores = _checked_scores(rubric, review)
    scored = [(c, scores[c.code]) for c in rubric.criteria if scores[c.code] is not None]
    weight = sum((Fraction(c.weight) for c, _ in scored), Fraction(0))
    span = rubric.scale_max - rubric.scale_min
    return {
        c.code: Fraction(c.weight) / weight * Fraction(s - rubric.scale_min, span) * 100
        for c, s in scored
        if s is not None
    }


def _round2(value: Fraction) -> Decimal:
    """A non-negative fraction rounded half up to 2 decimals, exactly."""
    return Decimal(math.floor(value * 100 + Fraction(1, 2))).scaleb(-2)


def review_total(rubric: Rubric, review: Review) -> Decimal:
    """The review's weighted score on 0–100, rounded half up to 2 decimals (module docstring)."""
    return _round2(sum(contributions(rubric, review).values(), Fraction(0)))


# ---------------------------------------------------------------------------------------------------------
# Several reviews

_DROPPED = {
    "not_submitted": ("该评审尚未提交，不计入汇总。", "The review is not submitted and does not count."),
    "trimmed_highest": ("去掉一个最高分。", "Left out as the highest total."),
    "trimmed_lowest": ("去掉一个最低分。", "Left out as the lowest total."),
}


def _dropped(expert_id: int, reason: str) -> DroppedReview:
    return DroppedReview(expert_id, reason, *_DROPPED[reason])


def _combine(values: Sequence[Fraction], method: AggregationMethod) -> Fraction:
    """Mean (also for the reviews a trimmed mean keeps) or median of the values."""
    if method is AggregationMethod.MEDIAN:
        ordered = sorted(values)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return sum(values, Fraction(0)) / len(values)


def _criterion_aggregates(
    rubric: Rubric, kept: Sequence[dict[str, int | None]], method: AggregationMethod
) -> tuple[CriterionAggregate, ...]:
    out = []
    for code in rubric.codes:
        values = [Fraction(score) for s in kept if (score := s[code]) is not None]
        value = _round2(_combine(values, method)) if values else None
        out.append(CriterionAggregate(code, value, len(values), len(kept) - len(values)))
    return tuple(out)


def _trim(totals: dict[int, Decimal]) -> tuple[int, int]:
    """The expert ids of the highest and the lowest totals (ties: the smallest expert id)."""
    highest = min(totals, key=lambda e: (-totals[e], e))
    lowest = min((e for e in totals if e != highest), key=lambda e: (totals[e], e))
    return highest, lowest


def aggregate(
    rubric: Rubric,
    reviews: Iterable[Review],
    method: AggregationMethod | str,
    *,
    trim_min_reviews: int = DEFAULT_TRIM_MIN_REVIEWS,
) -> Aggregate:
    """The reviews of one application combined by ``method`` (module docstring); only submitted ones count."""
    method = AggregationMethod(method)
    if isinstance(trim_min_reviews, bool) or not isinstance(trim_min_reviews, int) or trim_min_reviews < 3:
        raise ValueError(f"trim_min_reviews {trim_min_reviews!r} must be a whole number ≥ 3")
    reviews = list(reviews)
    experts = [r.expert_id for r in reviews]
    if len(set(experts)) != len(experts):
        raise ValueError("one expert has more than one review of the application")
    dropped = [_dropped(r.expert_id, "not_submitted") for r in reviews if not r.submitted]
    submitted = {r.expert_id: r for r in reviews if r.submitted}
    for review in submitted.values():
        problems = validate_review(rubric, review)
        if problems:
            raise ValueError(f"submitted review by expert {review.expert_id} is invalid: {problems[0].code}")
    totals = {e: review_total(rubric, r) for e, r in submitted.items()}
    trimmed = method is AggregationMethod.TRIMMED_MEAN and len(totals) >= trim_min_reviews
    if trimmed:
        highest, lowest = _trim(totals)
        dropped += [_dropped(highest, "trimmed_highest"), _dropped(lowest, "trimmed_lowest")]
        totals = {e: t for e, t in totals.items() if e not in (highest, lowest)}
    kept = sorted(totals)
    total = _round2(_combine([Fraction(totals[e]) for e in kept], method)) if kept else None
    scores = [_checked_scores(rubric, submitted[e]) for e in kept]
    return Aggregate(
        method=method,
        rubric_version=rubric.version,
        total=total,
        criteria=_criterion_aggregates(rubric, scores, method),
        used_count=len(kept),
        used_expert_ids=tuple(kept),
        dropped=tuple(sorted(dropped, key=lambda d: d.expert_id)),
        trimmed=trimmed,
    )


def may_see_others(expert_id: int, reviews: Iterable[Review]) -> bool:
    """Whether the expert may see the other experts' reviews: only once their own is submitted."""
    return any(r.expert_id == expert_id and r.submitted for r in reviews)


def is_late(submitted_at: datetime, deadline: datetime) -> bool:
    """Whether a review submitted at ``submitted_at`` misses ``deadline`` (at the deadline is on time)."""
    for name, moment in (("submitted_at", submitted_at), ("deadline", deadline)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{name} {moment.isoformat()} has no time zone")
    return submitted_at > deadline


# ---------------------------------------------------------------------------------------------------------
# Conflicts of interest


def _check_region(code: str) -> str:
    if not isinstance(code, str) or not _REGION.fullmatch(code) or code == "000000":
        raise ValueError(f"region code {code!r} must be six digits (GB/T 2260)")
    return code


def region_contains(outer: str, inner: str) -> bool:
    """Whether region ``inner`` lies in region ``outer`` (or is it): a province by its first 2 digits, a
    prefecture by 4, a county by all 6; 兵团's cities 6590xx belong to 兵团 660000, not to 新疆
    (DOMAIN.md 4.4)."""
    outer, inner = _check_region(outer), _check_region(inner)
    if outer.endswith("0000"):
        province = XPCC_CODE if inner.startswith(XPCC_CITY_PREFIX) else inner[:2] + "0000"
        return province == outer
    prefix = outer[:4] if outer.endswith("00") else outer
    return inner.startswith(prefix)


_CONFLICTS = {
    "same_region": (
        "专家所在单位位于申报地区内（单位地区代码 {region}，申报地区代码 {applicant}），须回避。",
        "The expert belongs to an organisation in region {region}, inside the applicant's region "
        "{applicant}; the expert must stand aside.",
    ),
    "applicant_organisation": (
        "专家所在单位是本申报的申报或参与单位，须回避。",
        "The expert's organisation is the applicant or takes part in the application; the expert must "
        "stand aside.",
    ),
    "nominated_provider": (
        "专家所在单位是本申报推荐的服务商，须回避。",
        "The expert's organisation is a provider nominated in the application; the expert must stand aside.",
    ),
    "declared_application": (
        "专家已声明与本申报存在利益冲突，须回避。",
        "The expert declared a conflict of interest with this application; the expert must stand aside.",
    ),
    "declared_organisation": (
        "专家已声明与本申报涉及的单位（编号 {organisation}）存在利益冲突，须回避。",
        "The expert declared a conflict of interest with organisation {organisation}, which is part of this "
        "application; the expert must stand aside.",
    ),
}


def _conflict(code: str, **params: object) -> Conflict:
    zh, en = _CONFLICTS[code]
    return Conflict(code, zh.format(**params), en.format(**params))


def conflicts(expert: ExpertProfile, application: ApplicationParties) -> list[Conflict]:
    """Every reason the expert may not review the application; empty when they may."""
    applicant = _check_region(application.applicant_region_code)
    found = [
        _conflict("same_region", region=region, applicant=applicant)
        for region in sorted(expert.organisation_region_codes)
        if region_contains(applicant, region)
    ]
    if expert.organisation_id is not None:
        if expert.organisation_id in application.organisation_ids:
            found.append(_conflict("applicant_organisation"))
        if expert.organisation_id in application.provider_organisation_ids:
            found.append(_conflict("nominated_provider"))
    if application.application_id in expert.declared_application_ids:
        found.append(_conflict("declared_application"))
    involved = application.organisation_ids | application.provider_organisation_ids
    found += [
        _conflict("declared_organisation", organisation=org)
        for org in sorted(expert.declared_organisation_ids & involved)
    ]
    return found
