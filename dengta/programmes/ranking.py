"""A batch's ranked list under province quotas and regional balance, each position explained (pure Python).

Why: in the city pilot the provinces recommend cities and the two ministries run a competitive expert review
(竞争性评审) that also balances east, central and west (DOMAIN.md 2.1); each province may recommend a fixed
number of cities — in 2025 up to 2 for the 12 provinces with more than 15,000 above-size industrial SMEs and
up to 1 for the others (DOMAIN.md 2.2, 8.6). Which provinces get which quota, and which province belongs to
which region group, is batch data kept elsewhere; this module takes them as plain parameters.

Order ("the ranking key"), best first, in ``mode="score"``:
1. the aggregated review score (0–100), higher first;
2. the number of 规上 pilot enterprises in the application, more first — the pilot's outcome target is counted
   on them (≥ 90 % at 二级, DOMAIN.md 2.1) and the ministries favour large retrofit potential (DOMAIN.md 2.1);
3. the application id, lower (earlier) first, so that the result never depends on the input order.
In ``mode="outcomes_per_yuan"`` the key starts with expected outcomes ÷ award (yuan), higher first, then the
three above. This is a simple greedy rule, not an optimisation: it does not weigh awards against a budget
(the decision-support optimiser solves that problem properly); it only orders candidates by value for money.

Selection (deterministic, greedy):
1. Balance first. While some region group is below its minimum in ``balance``, take the best candidate (by the
   key) among the eligible candidates of all groups still below their minimum whose province has quota left,
   as long as places remain. So when places cannot cover every minimum, the groups' best candidates compete
   on the key.
2. Then fill the remaining places in key order, skipping candidates whose province has reached its quota.
A minimum that cannot be met is never an error: the result carries a ``balance_unmet`` note with the group,
the minimum, how many were selected and the cause — ``too_few_candidates`` (not enough eligible candidates in
the group within their provinces' quotas) or ``places_exhausted`` (the places ran out first). Fewer eligible
candidates than places gives a ``places_unfilled`` note.

Reasons. The selection without balance (step 2 alone, "the merit selection") is computed too, so that each
position says what the balance changed:
- ``selected``: selected and also in the merit selection (or taken in step 2);
- ``selected_for_balance``: taken in step 1 although the merit selection would not have taken it;
- ``displaced_by_balance``: in the merit selection but not selected (the balance picks are named);
- ``province_quota_full``: its province already holds its quota of selections (they are named);
- ``below_cut``: the places are full (and the merit selection would not have taken it either);
- ``not_eligible``: failed eligibility (its failure codes are given); never selected.
Positions are listed selected first, then the other eligible candidates, then the ineligible ones, each block
in key order; ``rank`` is the place in that list, from 1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

SCORE, OUTCOMES_PER_YUAN = "score", "outcomes_per_yuan"
MODES = (SCORE, OUTCOMES_PER_YUAN)

SELECTED = "selected"
SELECTED_FOR_BALANCE = "selected_for_balance"
BELOW_CUT = "below_cut"
PROVINCE_QUOTA_FULL = "province_quota_full"
NOT_ELIGIBLE = "not_eligible"
DISPLACED_BY_BALANCE = "displaced_by_balance"
REASONS = (SELECTED, SELECTED_FOR_BALANCE, BELOW_CUT, PROVINCE_QUOTA_FULL, NOT_ELIGIBLE, DISPLACED_BY_BALANCE)

BALANCE_UNMET = "balance_unmet"
PLACES_UNFILLED = "places_unfilled"
TOO_FEW_CANDIDATES, PLACES_EXHAUSTED = "too_few_candidates", "places_exhausted"

# The usual region groups (east / central / west, and the statistical northeast); other codes are shown as is.
GROUP_NAMES_ZH = {"east": "东部", "central": "中部", "west": "西部", "northeast": "东北"}
MAX_SCORE = Decimal(100)


class RankingInputError(ValueError):
    """The candidates or the parameters are not valid (a programming or data error, not a ranking outcome)."""


@dataclass(frozen=True)
class Candidate:
    application_id: int
    province_code: str  # GB/T 2260 code of the recommending province (or 计划单列市 / 兵团 reporting unit)
    region_group: str  # e.g. "east", "central", "west"
    score: Decimal  # aggregated review total, 0–100
    gs_pilot_enterprises: int = 0  # 规上 enterprises in the pilot-enterprise pool: the first tie-breaker
    eligible: bool = True
    failure_codes: tuple[str, ...] = ()  # eligibility failure codes; required when not eligible
    expected_outcomes: Decimal | None = None  # outcomes_per_yuan mode: e.g. enterprises expected at 二级
    award_yuan: Decimal | None = None  # outcomes_per_yuan mode: the award the outcomes cost


@dataclass(frozen=True)
class Position:
    application_id: int
    rank: int
    selected: bool
    reason_code: str
    params: Mapping[str, Any]
    sentence_zh: str
    sentence_en: str

    def to_json(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "rank": self.rank,
            "selected": self.selected,
            "reason_code": self.reason_code,
            "params": dict(self.params),
            "sentence_zh": self.sentence_zh,
            "sentence_en": self.sentence_en,
        }


@dataclass(frozen=True)
class Note:
    code: str  # "balance_unmet" or "places_unfilled"
    params: Mapping[str, Any]
    sentence_zh: str
    sentence_en: str

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "params": dict(self.params),
            "zh": self.sentence_zh,
            "en": self.sentence_en,
        }


@dataclass(frozen=True)
class Ranking:
    positions: tuple[Position, ...]
    selected_ids: tuple[int, ...]  # in rank order
    notes: tuple[Note, ...]
    mode: str = SCORE

    def position(self, application_id: int) -> Position:
        for position in self.positions:
            if position.application_id == application_id:
                return position
        raise KeyError(application_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "positions": [p.to_json() for p in self.positions],
            "selected_ids": list(self.selected_ids),
            "notes": [n.to_json() for n in self.notes],
        }


@dataclass
class _Selection:
    """A selection being built: who is in, how many per province and per region group."""

    chosen: list[Candidate] = field(default_factory=list)
    per_province: Counter[str] = field(default_factory=Counter)
    per_group: Counter[str] = field(default_factory=Counter)

    def add(self, candidate: Candidate) -> None:
        self.chosen.append(candidate)
        self.per_province[candidate.province_code] += 1
        self.per_group[candidate.region_group] += 1


# ---------------------------------------------------------------------------------------------------------
# Checks


def _whole(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RankingInputError(f"{where}: {value!r} must be a whole number ≥ 0")
    return value


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise RankingInputError(f"{where}: {value!r} must be a Decimal (never a float)")
    number = Decimal(value)
    if not number.is_finite():
        raise RankingInputError(f"{where}: {value!r} is not a finite number")
    return number


def _check_candidate(c: Candidate, mode: str) -> None:
    where = f"application {c.application_id!r}"
    if isinstance(c.application_id, bool) or not isinstance(c.application_id, int):
        raise RankingInputError(f"{where}: the application id must be an int")
    if not c.province_code or not c.region_group:
        raise RankingInputError(f"{where}: province_code and region_group are required")
    if not 0 <= _decimal(c.score, f"{where} score") <= MAX_SCORE:
        raise RankingInputError(f"{where}: score {c.score} is outside 0–100")
    _whole(c.gs_pilot_enterprises, f"{where} gs_pilot_enterprises")
    if c.eligible and c.failure_codes:
        raise RankingInputError(f"{where}: eligible but with failure codes {list(c.failure_codes)}")
    if not c.eligible and not c.failure_codes:
        raise RankingInputError(f"{where}: not eligible, so it must name its failure codes")
    if mode == OUTCOMES_PER_YUAN and c.eligible:
        if c.expected_outcomes is None or c.award_yuan is None:
            raise RankingInputError(f"{where}: outcomes_per_yuan needs expected_outcomes and award_yuan")
        if _decimal(c.expected_outcomes, f"{where} expected_outcomes") < 0:
            raise RankingInputError(f"{where}: expected_outcomes cannot be negative")
        if _decimal(c.award_yuan, f"{where} award_yuan") <= 0:
            raise RankingInputError(f"{where}: award_yuan must be above 0")


def _check_parameters(
    quotas: Mapping[str, int],
    default_quota: int | None,
    places: int | None,
    balance: Mapping[str, int],
    mode: str,
) -> None:
    if mode not in MODES:
        raise RankingInputError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    for province, quota in quotas.items():
        _whole(quota, f"quota of {province}")
    if default_quota is not None:
        _whole(default_quota, "default_quota")
    if places is not None:
        _whole(places, "places")
    for group, minimum in balance.items():
        _whole(minimum, f"balance minimum of {group}")


# ---------------------------------------------------------------------------------------------------------
# Ordering and selection


def per_yuan(candidate: Candidate) -> Fraction:
    """Expected outcomes per yuan of award, exactly."""
    assert candidate.expected_outcomes is not None and candidate.award_yuan is not None
    return Fraction(candidate.expected_outcomes) / Fraction(candidate.award_yuan)


def ranking_key(candidate: Candidate, mode: str = SCORE) -> tuple[Any, ...]:
    """The sort key of the module docstring (ascending sort puts the best first)."""
    base = (-candidate.score, -candidate.gs_pilot_enterprises, candidate.application_id)
    if mode == OUTCOMES_PER_YUAN and candidate.eligible:
        return (-per_yuan(candidate), *base)
    return base


def _quota_left(selection: _Selection, candidate: Candidate, quota_of: Mapping[str, int | None]) -> bool:
    quota = quota_of[candidate.province_code]
    return quota is None or selection.per_province[candidate.province_code] < quota


def _room(selection: _Selection, places: int | None) -> bool:
    return places is None or len(selection.chosen) < places


def _fill(
    selection: _Selection, order: Sequence[Candidate], places: int | None, quota_of: Mapping[str, int | None]
) -> None:
    taken = {c.application_id for c in selection.chosen}
    for candidate in order:
        if not _room(selection, places):
            return
        if candidate.application_id not in taken and _quota_left(selection, candidate, quota_of):
            selection.add(candidate)


def _balance(
    order: Sequence[Candidate],
    balance: Mapping[str, int],
    places: int | None,
    quota_of: Mapping[str, int | None],
) -> tuple[_Selection, list[Note]]:
    selection = _Selection()
    short = {group for group, minimum in balance.items() if minimum > 0}
    while short and _room(selection, places):
        taken = {c.application_id for c in selection.chosen}
        pick = next(
            (
                c
                for c in order
                if c.region_group in short
                and c.application_id not in taken
                and _quota_left(selection, c, quota_of)
            ),
            None,
        )
        if pick is None:
            break
        selection.add(pick)
        if selection.per_group[pick.region_group] >= balance[pick.region_group]:
            short.discard(pick.region_group)
    taken = {c.application_id for c in selection.chosen}
    notes = []
    for group in sorted(short):
        available = any(
            c.region_group == group and c.application_id not in taken and _quota_left(selection, c, quota_of)
            for c in order
        )
        cause = PLACES_EXHAUSTED if available else TOO_FEW_CANDIDATES
        notes.append(_balance_note(group, balance[group], selection.per_group[group], cause))
    return selection, notes


# ---------------------------------------------------------------------------------------------------------
# Sentences


def _group_zh(group: str) -> str:
    return GROUP_NAMES_ZH.get(group, group)


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(i) for i in ids)


def _ids_zh(ids: Iterable[int]) -> str:
    return "、".join(str(i) for i in ids)


def _balance_note(group: str, minimum: int, selected: int, cause: str) -> Note:
    params = {"group": group, "minimum": minimum, "selected": selected, "cause": cause}
    if cause == PLACES_EXHAUSTED:
        zh_cause, en_cause = "名额已用完", "the places ran out first"
    else:
        zh_cause = "该地区在省份配额内符合条件的申报不足"
        en_cause = "the group has too few eligible candidates within their provinces' quotas"
    return Note(
        BALANCE_UNMET,
        params,
        f"区域平衡未满足：{_group_zh(group)}地区应至少入选{minimum}个，实际入选{selected}个（{zh_cause}）。",
        f"Regional balance not met: the {group} group needs at least {minimum} selected, "
        f"has {selected} ({en_cause}).",
    )


def _places_note(places: int, selected: int) -> Note:
    return Note(
        PLACES_UNFILLED,
        {"places": places, "selected": selected},
        f"本批次共{places}个名额，在配额内符合条件的申报只够入选{selected}个。",
        f"The batch has {places} places; only {selected} eligible candidates fit within the quotas.",
    )


def _merit_words(candidate: Candidate, mode: str) -> tuple[dict[str, Any], str, str]:
    """The figure a candidate was ranked on: params, and the phrase in Chinese and in English."""
    params: dict[str, Any] = {"score": str(candidate.score)}
    if mode == OUTCOMES_PER_YUAN:
        per_million = _half_up(per_yuan(candidate) * 1_000_000)
        params["outcomes_per_million_yuan"] = str(per_million)
        return (
            params,
            f"每百万元预期成效{per_million}（评审得分{candidate.score}）",
            f"expected outcomes per million yuan of {per_million} (review score {candidate.score})",
        )
    return params, f"评审得分{candidate.score}", f"review score of {candidate.score}"


def _half_up(value: Fraction, places: int = 2) -> Decimal:
    """A fraction as a Decimal rounded half up to ``places`` decimals, without passing through a float."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------------------
# Positions


def _explain(
    candidate: Candidate,
    mode: str,
    final: _Selection,
    merit_ids: set[int],
    balance_picks: Sequence[int],
    quota_of: Mapping[str, int | None],
) -> tuple[str, dict[str, Any], str, str]:
    """The reason code, params and sentences of an eligible candidate."""
    params, zh, en = _merit_words(candidate, mode)
    chosen_ids = {c.application_id for c in final.chosen}
    if candidate.application_id in chosen_ids:
        if candidate.application_id in balance_picks:
            group = candidate.region_group
            params |= {"group": group}
            return (
                SELECTED_FOR_BALANCE,
                params,
                f"为满足{_group_zh(group)}地区最低入选数的区域平衡要求入选，排在得分更高的申报之前（{zh}）。",
                f"Selected to meet the {group} group's minimum (regional balance), ahead of higher-ranked "
                f"candidates ({en}).",
            )
        return (
            SELECTED,
            params,
            f"按{zh}入选（名额和省份配额之内）。",
            f"Selected on its {en}, within the places and the province quota.",
        )
    if candidate.application_id in merit_ids:
        groups = sorted({c.region_group for c in final.chosen if c.application_id in balance_picks})
        params |= {"balance_picks": list(balance_picks), "groups": groups}
        return (
            DISPLACED_BY_BALANCE,
            params,
            f"按{zh}本可入选，但为满足{'、'.join(_group_zh(g) for g in groups)}地区最低入选数，"
            f"名额让给了申报{_ids_zh(balance_picks)}。",
            f"Would have been selected on its {en}, but the place went to application(s) "
            f"{_ids(balance_picks)} to meet the minimum of the {', '.join(groups)} group(s).",
        )
    return _left_out(candidate, final, quota_of, params, zh, en)


def _left_out(
    candidate: Candidate,
    final: _Selection,
    quota_of: Mapping[str, int | None],
    params: dict[str, Any],
    zh: str,
    en: str,
) -> tuple[str, dict[str, Any], str, str]:
    """Why a candidate that the merit selection did not take is not selected: its province or the places."""
    holders = [c.application_id for c in final.chosen if c.province_code == candidate.province_code]
    quota, province = quota_of[candidate.province_code], candidate.province_code
    if quota is not None and len(holders) >= quota:
        params |= {"province": province, "quota": quota, "holders": holders}
        if not holders:
            return (
                PROVINCE_QUOTA_FULL,
                params,
                f"所在省份（{province}）本批次没有名额（配额为0）（{zh}）。",
                f"Its province {province} has no place in this batch (its quota is 0) ({en}).",
            )
        return (
            PROVINCE_QUOTA_FULL,
            params,
            f"所在省份（{province}）的{quota}个名额已由申报{_ids_zh(holders)}占满（{zh}）。",
            f"Its province {province} already has its quota of {quota} with application(s) "
            f"{_ids(holders)} ({en}).",
        )
    params |= {"places": len(final.chosen)}
    return (
        BELOW_CUT,
        params,
        f"本批次{len(final.chosen)}个名额已满，未进入（{zh}）。",
        f"Not selected: the batch's {len(final.chosen)} places are full ({en}).",
    )


def _not_eligible(candidate: Candidate) -> tuple[str, dict[str, Any], str, str]:
    codes = list(candidate.failure_codes)
    return (
        NOT_ELIGIBLE,
        {"failure_codes": codes, "score": str(candidate.score)},
        f"未通过资格审查（{'、'.join(codes)}），不参与遴选。",
        f"Not eligible ({', '.join(codes)}), so not considered for selection.",
    )


def _checked_pool(candidates: Iterable[Candidate], mode: str) -> list[Candidate]:
    pool = list(candidates)
    for candidate in pool:
        _check_candidate(candidate, mode)
    if len({c.application_id for c in pool}) != len(pool):
        raise RankingInputError("an application id appears twice among the candidates")
    return pool


def rank_batch(
    candidates: Iterable[Candidate],
    *,
    quotas: Mapping[str, int] | None = None,
    default_quota: int | None = None,
    places: int | None = None,
    balance: Mapping[str, int] | None = None,
    mode: str = SCORE,
) -> Ranking:
    """The batch's ranked list (module docstring).

    ``quotas``: the most cities selected per province code; provinces not listed get ``default_quota``
    (``None``: no limit). ``places``: the cities to select in the batch (``None``: no limit). ``balance``:
    the least cities selected per region group (may be empty). ``mode``: ``"score"`` or
    ``"outcomes_per_yuan"``.
    """
    quotas, balance = dict(quotas or {}), dict(balance or {})
    _check_parameters(quotas, default_quota, places, balance, mode)
    pool = _checked_pool(candidates, mode)
    quota_of: dict[str, int | None] = {
        c.province_code: quotas.get(c.province_code, default_quota) for c in pool
    }
    order = sorted((c for c in pool if c.eligible), key=lambda c: ranking_key(c, mode))

    merit = _Selection()
    _fill(merit, order, places, quota_of)
    final, notes = _balance(order, balance, places, quota_of)
    merit_ids = {c.application_id for c in merit.chosen}
    balance_picks = [c.application_id for c in final.chosen if c.application_id not in merit_ids]
    _fill(final, order, places, quota_of)
    if places is not None and len(final.chosen) < places:
        notes.append(_places_note(places, len(final.chosen)))

    chosen_ids = {c.application_id for c in final.chosen}
    listed = (
        [c for c in order if c.application_id in chosen_ids]
        + [c for c in order if c.application_id not in chosen_ids]
        + sorted((c for c in pool if not c.eligible), key=ranking_key)
    )
    positions = []
    for rank, candidate in enumerate(listed, start=1):
        if candidate.eligible:
            code, params, zh, en = _explain(candidate, mode, final, merit_ids, balance_picks, quota_of)
        else:
            code, params, zh, en = _not_eligible(candidate)
        selected = candidate.application_id in chosen_ids
        positions.append(Position(candidate.application_id, rank, selected, code, params, zh, en))
    selected_ids = tuple(p.application_id for p in positions if p.selected)
    return Ranking(tuple(positions), selected_ids, tuple(notes), mode)
