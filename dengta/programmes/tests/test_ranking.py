"""The batch ranking (ranking.py): quotas, regional balance and reasons, table-driven, and its properties.

No database. Province codes are GB/T 2260 two-digit codes (32 江苏, 33 浙江, 44 广东 in the east; 34 安徽
and 42 湖北 in the central group; 51 四川 and 62 甘肃 in the west); the quota of 2 for 江苏 mirrors the 2025
rule for the 12 large provinces (DOMAIN.md 2.2).
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dengta.programmes.ranking import (
    BALANCE_UNMET,
    BELOW_CUT,
    DISPLACED_BY_BALANCE,
    NOT_ELIGIBLE,
    OUTCOMES_PER_YUAN,
    PLACES_EXHAUSTED,
    PLACES_UNFILLED,
    PROVINCE_QUOTA_FULL,
    REASONS,
    SELECTED,
    SELECTED_FOR_BALANCE,
    TOO_FEW_CANDIDATES,
    Candidate,
    Ranking,
    RankingInputError,
    rank_batch,
    ranking_key,
)

D = Decimal
GROUP_OF = {"11": "east", "32": "east", "33": "east", "44": "east", "34": "central", "42": "central"}
GROUP_OF |= {"51": "west", "62": "west"}


def cand(app: int, province: str, score: str, gs: int = 0, *failures: str, **extra: Any) -> Candidate:
    return Candidate(
        application_id=app,
        province_code=province,
        region_group=GROUP_OF[province],
        score=D(score),
        gs_pilot_enterprises=gs,
        eligible=not failures,
        failure_codes=tuple(failures),
        **extra,
    )


def reasons(ranking: Ranking) -> dict[int, str]:
    return {p.application_id: p.reason_code for p in ranking.positions}


# ---------------------------------------------------------------------------------------------------------
# Table: (candidates, parameters, selected ids in rank order, reason per application, note codes)

Case = tuple[list[Candidate], dict[str, Any], list[int], dict[int, str], list[str]]

QUOTA_BLOCKS_THIRD: Case = (
    [cand(1, "32", "95"), cand(2, "32", "93"), cand(3, "32", "91"), cand(4, "33", "80")],
    {"quotas": {"32": 2}, "default_quota": 1, "places": 3},
    [1, 2, 4],
    {1: SELECTED, 2: SELECTED, 3: PROVINCE_QUOTA_FULL, 4: SELECTED},
    [],
)
BALANCE_PULLS_WEST: Case = (
    [cand(1, "32", "92"), cand(2, "33", "88"), cand(3, "51", "71"), cand(4, "62", "65")],
    {"default_quota": 1, "places": 2, "balance": {"west": 1}},
    [1, 3],
    {1: SELECTED, 3: SELECTED_FOR_BALANCE, 2: DISPLACED_BY_BALANCE, 4: BELOW_CUT},  # 甘肃 has quota left
    [],
)
INELIGIBLE_NEVER: Case = (
    [cand(1, "32", "99", 9, "repeat_application"), cand(2, "33", "60"), cand(3, "44", "50")],
    {"places": 2},
    [2, 3],
    {2: SELECTED, 3: SELECTED, 1: NOT_ELIGIBLE},
    [],
)
TIES: Case = (
    # equal scores: more 规上 pilot enterprises first, then the lower application id
    [cand(7, "32", "80", 5), cand(3, "33", "80", 5), cand(5, "44", "80", 9), cand(2, "11", "80", 1)],
    {"places": 2},
    [5, 3],
    {5: SELECTED, 3: SELECTED, 7: BELOW_CUT, 2: BELOW_CUT},
    [],
)
BALANCE_ALREADY_MET: Case = (
    [cand(1, "51", "95"), cand(2, "32", "90"), cand(3, "62", "50")],
    {"places": 2, "balance": {"west": 1}},
    [1, 2],
    {1: SELECTED, 2: SELECTED, 3: BELOW_CUT},
    [],
)
PLACES_RUN_OUT: Case = (
    # two minimums, one place: the groups' best compete on score
    [cand(1, "32", "90"), cand(2, "34", "70"), cand(3, "51", "75")],
    {"places": 1, "balance": {"central": 1, "west": 1}},
    [3],
    {3: SELECTED_FOR_BALANCE, 1: DISPLACED_BY_BALANCE, 2: BELOW_CUT},
    [BALANCE_UNMET],
)
TOO_FEW_IN_GROUP: Case = (
    # two western candidates from one province with quota 1: the second minimum cannot be met
    [cand(1, "32", "90"), cand(2, "33", "85"), cand(3, "51", "60"), cand(4, "51", "55")],
    {"default_quota": 1, "places": 3, "balance": {"west": 2}},
    [1, 2, 3],
    {1: SELECTED, 2: SELECTED, 3: SELECTED, 4: PROVINCE_QUOTA_FULL},
    [BALANCE_UNMET],
)
QUOTA_ZERO_AND_UNFILLED: Case = (
    [cand(1, "32", "90"), cand(2, "33", "80")],
    {"quotas": {"32": 0}, "places": 3},
    [2],
    {2: SELECTED, 1: PROVINCE_QUOTA_FULL},
    [PLACES_UNFILLED],
)
NO_LIMITS: Case = (
    [cand(1, "32", "40"), cand(2, "32", "30"), cand(3, "51", "20", 0, "not_sme")],
    {},
    [1, 2],
    {1: SELECTED, 2: SELECTED, 3: NOT_ELIGIBLE},
    [],
)
OUTCOMES: Case = (
    # per million yuan: 300 / 150 = 2, 180 / 60 = 3, 100 / 100 = 1 — so 2, 1, 3 whatever the review scores
    [
        cand(1, "32", "95", 0, expected_outcomes=D(300), award_yuan=D(150_000_000)),
        cand(2, "42", "80", 0, expected_outcomes=D(180), award_yuan=D(60_000_000)),
        cand(3, "51", "85", 0, expected_outcomes=D(100), award_yuan=D(100_000_000)),
    ],
    {"places": 2, "mode": OUTCOMES_PER_YUAN},
    [2, 1],
    {2: SELECTED, 1: SELECTED, 3: BELOW_CUT},
    [],
)


@pytest.mark.parametrize(
    ("candidates", "params", "selected", "expected", "notes"),
    [
        QUOTA_BLOCKS_THIRD,
        BALANCE_PULLS_WEST,
        INELIGIBLE_NEVER,
        TIES,
        BALANCE_ALREADY_MET,
        PLACES_RUN_OUT,
        TOO_FEW_IN_GROUP,
        QUOTA_ZERO_AND_UNFILLED,
        NO_LIMITS,
        OUTCOMES,
    ],
    ids=[
        "quota_blocks_third",
        "balance_pulls_west",
        "ineligible_never",
        "ties",
        "balance_already_met",
        "places_run_out",
        "too_few_in_group",
        "quota_zero_and_unfilled",
        "no_limits",
        "outcomes_per_yuan",
    ],
)
def test_the_ranking(
    candidates: list[Candidate],
    params: dict[str, Any],
    selected: list[int],
    expected: dict[int, str],
    notes: list[str],
) -> None:
    ranking = rank_batch(candidates, **params)
    assert list(ranking.selected_ids) == selected
    assert reasons(ranking) == expected
    assert [n.code for n in ranking.notes] == notes
    assert [p.rank for p in ranking.positions] == list(range(1, len(candidates) + 1))


def test_the_quota_names_the_holders() -> None:
    ranking = rank_batch(QUOTA_BLOCKS_THIRD[0], **QUOTA_BLOCKS_THIRD[1])
    third = ranking.position(3)
    assert (third.selected, third.params["holders"], third.params["quota"]) == (False, [1, 2], 2)
    assert third.params["province"] == "32"
    assert third.sentence_zh == "所在省份（32）的2个名额已由申报1、2占满（评审得分91）。"
    assert third.sentence_en == (
        "Its province 32 already has its quota of 2 with application(s) 1, 2 (review score of 91)."
    )


def test_the_displaced_one_says_so_and_names_the_balance_pick() -> None:
    ranking = rank_batch(BALANCE_PULLS_WEST[0], **BALANCE_PULLS_WEST[1])
    displaced, pulled = ranking.position(2), ranking.position(3)
    assert displaced.params == {"score": "88", "balance_picks": [3], "groups": ["west"]}
    assert displaced.sentence_zh == "按评审得分88本可入选，但为满足西部地区最低入选数，名额让给了申报3。"
    assert "the place went to application(s) 3" in displaced.sentence_en
    assert pulled.params == {"score": "71", "group": "west"}
    assert pulled.sentence_zh.startswith("为满足西部地区最低入选数的区域平衡要求入选")
    # the list puts the selections first: the pulled-in western city ranks above the displaced eastern one
    assert (pulled.rank, displaced.rank) == (2, 3)


def test_the_notes_say_why_a_minimum_is_unmet() -> None:
    run_out = rank_batch(PLACES_RUN_OUT[0], **PLACES_RUN_OUT[1])
    assert [dict(n.params) for n in run_out.notes] == [
        {"group": "central", "minimum": 1, "selected": 0, "cause": PLACES_EXHAUSTED}
    ]
    too_few = rank_batch(TOO_FEW_IN_GROUP[0], **TOO_FEW_IN_GROUP[1])
    note = too_few.notes[0]
    assert dict(note.params) == {"group": "west", "minimum": 2, "selected": 1, "cause": TOO_FEW_CANDIDATES}
    assert note.sentence_zh.startswith("区域平衡未满足：西部地区应至少入选2个，实际入选1个")
    # a group without any candidate is reported too, not an error
    empty = rank_batch([cand(1, "32", "90")], places=1, balance={"northeast": 1})
    assert empty.selected_ids == (1,)
    assert [(n.code, n.params["cause"]) for n in empty.notes] == [(BALANCE_UNMET, TOO_FEW_CANDIDATES)]
    assert "东北地区" in empty.notes[0].sentence_zh


def test_ineligible_positions_carry_their_failure_codes() -> None:
    ranking = rank_batch(
        [cand(1, "32", "99", 0, "repeat_application", "award_over_cap"), cand(2, "33", "10")], places=5
    )
    first = ranking.position(1)
    assert (first.selected, first.rank, first.reason_code) == (False, 2, NOT_ELIGIBLE)
    assert first.params["failure_codes"] == ["repeat_application", "award_over_cap"]
    assert first.sentence_zh == "未通过资格审查（repeat_application、award_over_cap），不参与遴选。"


def test_outcomes_per_yuan_is_shown_per_million_yuan() -> None:
    ranking = rank_batch(OUTCOMES[0], **OUTCOMES[1])
    assert ranking.position(2).params["outcomes_per_million_yuan"] == "3.00"
    assert ranking.position(1).params["outcomes_per_million_yuan"] == "2.00"
    assert "每百万元预期成效3.00" in ranking.position(2).sentence_zh
    assert ranking.mode == OUTCOMES_PER_YUAN
    # in score mode the same candidates rank 1, 3 on the review score
    assert rank_batch(OUTCOMES[0], places=2).selected_ids == (1, 3)


def test_the_ranking_serialises() -> None:
    ranking = rank_batch(BALANCE_PULLS_WEST[0], **BALANCE_PULLS_WEST[1])
    data = json.loads(json.dumps(ranking.to_json(), ensure_ascii=False))
    assert data["selected_ids"] == [1, 3]
    assert data["positions"][1]["reason_code"] == SELECTED_FOR_BALANCE
    with pytest.raises(KeyError):
        ranking.position(99)


@pytest.mark.parametrize(
    ("candidates", "params", "message"),
    [
        ([cand(1, "32", "90"), cand(1, "33", "80")], {}, "twice"),
        ([cand(1, "32", "100.5")], {}, "outside 0–100"),
        ([cand(1, "32", "-1")], {}, "outside 0–100"),
        ([Candidate(1, "32", "east", 90.0)], {}, "never a float"),  # type: ignore[arg-type]
        ([Candidate(1, "32", "east", D(90), failure_codes=("x",))], {}, "eligible but"),
        ([Candidate(1, "32", "east", D(90), eligible=False)], {}, "failure codes"),
        ([Candidate(1, "", "east", D(90))], {}, "required"),
        ([Candidate(1, "32", "east", D(90), gs_pilot_enterprises=-1)], {}, "gs_pilot_enterprises"),
        ([cand(1, "32", "90")], {"quotas": {"32": -1}}, "quota of 32"),
        ([cand(1, "32", "90")], {"default_quota": 1.5}, "default_quota"),
        ([cand(1, "32", "90")], {"places": -1}, "places"),
        ([cand(1, "32", "90")], {"balance": {"west": -2}}, "balance minimum"),
        ([cand(1, "32", "90")], {"mode": "cheapest"}, "mode"),
        ([cand(1, "32", "90")], {"mode": OUTCOMES_PER_YUAN}, "needs expected_outcomes"),
        (
            [cand(1, "32", "90", 0, expected_outcomes=D(5), award_yuan=D(0))],
            {"mode": OUTCOMES_PER_YUAN},
            "above 0",
        ),
        (
            [cand(1, "32", "90", 0, expected_outcomes=D(-5), award_yuan=D(10))],
            {"mode": OUTCOMES_PER_YUAN},
            "negative",
        ),
    ],
)
def test_bad_input_is_refused(candidates: list[Candidate], params: dict[str, Any], message: str) -> None:
    with pytest.raises(RankingInputError, match=message):
        rank_batch(candidates, **params)


def test_ineligible_candidates_need_no_outcome_figures() -> None:
    ranking = rank_batch(
        [
            cand(1, "32", "90", 0, "not_sme"),
            cand(2, "33", "80", 0, expected_outcomes=D(1), award_yuan=D(1)),
        ],
        mode=OUTCOMES_PER_YUAN,
    )
    assert reasons(ranking) == {2: SELECTED, 1: NOT_ELIGIBLE}


# ---------------------------------------------------------------------------------------------------------
# Properties

PROVINCES = sorted(GROUP_OF)
GROUPS = ["east", "central", "west"]


@st.composite
def candidate_lists(draw: st.DrawFn) -> list[Candidate]:
    ids = draw(st.lists(st.integers(1, 60), min_size=0, max_size=14, unique=True))
    out = []
    for app in ids:
        province = draw(st.sampled_from(PROVINCES))
        failures = draw(st.sampled_from([(), (), (), ("not_sme",), ("repeat_application", "quota")]))
        out.append(
            Candidate(
                application_id=app,
                province_code=province,
                # mostly the usual group, sometimes not, so that groups and provinces can cross
                region_group=draw(st.sampled_from([GROUP_OF[province]] * 3 + GROUPS)),
                score=D(draw(st.integers(0, 40))) * D("2.5"),  # coarse, so that ties happen
                gs_pilot_enterprises=draw(st.integers(0, 3)),
                eligible=not failures,
                failure_codes=failures,
            )
        )
    return out


quota_maps = st.dictionaries(st.sampled_from(PROVINCES), st.integers(0, 3), max_size=4)
default_quotas = st.none() | st.integers(0, 3)
places_values = st.none() | st.integers(0, 8)
balances = st.dictionaries(st.sampled_from([*GROUPS, "northeast"]), st.integers(0, 3), max_size=3)


def quota(province: str, quotas: dict[str, int], default: int | None) -> int | None:
    return quotas.get(province, default)


@settings(max_examples=400, deadline=None)
@given(
    candidates=candidate_lists(),
    quotas=quota_maps,
    default=default_quotas,
    places=places_values,
    balance=balances,
)
def test_limits_hold_and_every_candidate_has_one_position(
    candidates: list[Candidate],
    quotas: dict[str, int],
    default: int | None,
    places: int | None,
    balance: dict[str, int],
) -> None:
    ranking = rank_batch(candidates, quotas=quotas, default_quota=default, places=places, balance=balance)
    by_id = {c.application_id: c for c in candidates}
    assert sorted(p.application_id for p in ranking.positions) == sorted(by_id)
    assert [p.rank for p in ranking.positions] == list(range(1, len(candidates) + 1))
    assert places is None or len(ranking.selected_ids) <= places
    per_province = Counter(by_id[i].province_code for i in ranking.selected_ids)
    for province, count in per_province.items():
        limit = quota(province, quotas, default)
        assert limit is None or count <= limit
    for position in ranking.positions:
        assert position.reason_code in REASONS
        assert position.selected == (position.reason_code in (SELECTED, SELECTED_FOR_BALANCE))
        assert position.sentence_zh and position.sentence_en
        if not by_id[position.application_id].eligible:
            assert position.reason_code == NOT_ELIGIBLE
        if position.reason_code == PROVINCE_QUOTA_FULL:
            holders = position.params["holders"]
            assert len(holders) == position.params["quota"] and set(holders) <= set(ranking.selected_ids)
        if position.reason_code == BELOW_CUT:
            assert len(ranking.selected_ids) == places
    unmet = {n.params["group"] for n in ranking.notes if n.code == BALANCE_UNMET}
    per_group = Counter(by_id[i].region_group for i in ranking.selected_ids)
    for group, minimum in balance.items():
        assert per_group[group] >= minimum or group in unmet


@settings(max_examples=300, deadline=None)
@given(candidates=candidate_lists(), places=places_values)
def test_without_balance_or_quotas_the_selection_is_the_top_by_score(
    candidates: list[Candidate], places: int | None
) -> None:
    ranking = rank_batch(candidates, places=places)
    eligible = sorted((c for c in candidates if c.eligible), key=ranking_key)
    top = eligible if places is None else eligible[:places]
    assert ranking.selected_ids == tuple(c.application_id for c in top)
    if top and len(top) < len(eligible):
        assert min(c.score for c in top) >= max(c.score for c in eligible[len(top) :])
    assert not {p.reason_code for p in ranking.positions} & {SELECTED_FOR_BALANCE, DISPLACED_BY_BALANCE}


@settings(max_examples=200, deadline=None)
@given(
    candidates=candidate_lists(),
    quotas=quota_maps,
    default=default_quotas,
    places=places_values,
    balance=balances,
    data=st.data(),
)
def test_the_result_does_not_depend_on_the_input_order(
    candidates: list[Candidate],
    quotas: dict[str, int],
    default: int | None,
    places: int | None,
    balance: dict[str, int],
    data: st.DataObject,
) -> None:
    shuffled = data.draw(st.permutations(candidates))
    params: dict[str, Any] = {"quotas": quotas, "default_quota": default, "places": places}
    params["balance"] = balance
    assert rank_batch(shuffled, **params) == rank_batch(candidates, **params)


@settings(max_examples=300, deadline=None)
@given(candidates=candidate_lists(), quotas=quota_maps, default=default_quotas, places=places_values)
def test_balance_only_moves_places_it_names(
    candidates: list[Candidate], quotas: dict[str, int], default: int | None, places: int | None
) -> None:
    """A western minimum of 1: whoever leaves the merit selection is displaced and names a western pick."""
    params: dict[str, Any] = {"quotas": quotas, "default_quota": default, "places": places}
    plain, balanced = rank_batch(candidates, **params), rank_batch(candidates, balance={"west": 1}, **params)
    left = set(plain.selected_ids) - set(balanced.selected_ids)
    for app in left:
        position = balanced.position(app)
        assert position.reason_code == DISPLACED_BY_BALANCE
        assert position.params["groups"] == ["west"]
    pulled = [p.application_id for p in balanced.positions if p.reason_code == SELECTED_FOR_BALANCE]
    assert len(pulled) <= 1
    if pulled:
        assert pulled[0] not in plain.selected_ids
