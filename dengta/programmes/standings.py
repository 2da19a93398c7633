"""A batch's ranked list as the programme staff read it: the applications under review or approved, their
aggregated review scores, the batch's province quotas and the east / central / west balance fed to the pure
ranking (``ranking.rank_batch``), and each position said with names in the reader's language.

Why here and not in the pure module: its sentences name province codes and application ids, and users see
names, not codes (UI.md); its reason codes and parameters are what this module turns into sentences.

Parameters the staff set on the page (the notices fix neither, DOMAIN.md 2.1–2.4): the number of places
(no limit when left empty: the province quotas alone bound the selection) and the least selections per
region group when the batch balances regions (one each by default, so that no group is left without a pilot).
Applications with no submitted review have no score yet: they are listed apart, unranked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from dengta.assessment.texts import list_separator
from dengta.core.language import in_english
from dengta.programmes import checks, ranking, reviews
from dengta.programmes.models import Application, ApplicationState, Batch
from dengta.programmes.rules import BALANCE_GROUPS, default_groups
from dengta.reference.models import Region

RANKED_STATES = (ApplicationState.UNDER_REVIEW, ApplicationState.APPROVED)
DEFAULT_GROUP_MINIMUM = 1


def group_names() -> dict[str, str]:
    return {"east": _("东部"), "central": _("中部"), "west": _("西部")}


@dataclass(frozen=True)
class Parameters:
    places: int | None = None
    balance: Mapping[str, int] = field(default_factory=dict)
    mode: str = ranking.SCORE

    @classmethod
    def defaults(cls, batch: Batch) -> Parameters:
        regional = batch.parsed_rules().regional_balance
        return cls(balance=dict.fromkeys(BALANCE_GROUPS, DEFAULT_GROUP_MINIMUM) if regional else {})


@dataclass
class Row:
    application: Application
    score: Decimal | None
    province: str  # the quota's province (or 计划单列市) by name
    group: str  # the balance group by name
    above_size: int
    rank: int | None = None
    selected: bool = False
    reason_code: str = ""
    sentence: str = ""


@dataclass
class Standing:
    batch: Batch
    parameters: Parameters
    rows: list[Row]  # ranked, in rank order
    unscored: list[Row]  # under review without a submitted review
    notes: list[str]
    quota_default: int
    quota_overrides: list[tuple[str, int]]  # (province name, quota)

    @property
    def selected(self) -> list[Row]:
        return [r for r in self.rows if r.selected]


def _region_names(codes: set[str]) -> dict[str, str]:
    english = in_english()
    return {
        r.code: (r.name_en or r.name) if english else r.name for r in Region.objects.filter(code__in=codes)
    }


def _expected_outcomes(application: Application, above_size: int) -> Decimal:
    """What the application commits to: its target share of its 规上 pilot enterprises at the target level
    (DOMAIN.md 2.1), rounded up to whole enterprises."""
    share = application.target_share if application.target_share is not None else Decimal("0.9")
    return Decimal(math.ceil(Fraction(share) * above_size))


def batch_standing(batch: Batch, parameters: Parameters | None = None) -> Standing:
    parameters = parameters or Parameters.defaults(batch)
    rules = batch.parsed_rules()
    groups = default_groups()
    applications = list(
        Application.objects.filter(batch=batch, state__in=RANKED_STATES)
        .select_related("applicant__region", "batch__programme")
        .prefetch_related("reviews", "pool__enterprise")
    )
    keys = {a.pk: checks.quota_unit_of(a.applicant, rules) for a in applications}
    names = _region_names(set(keys.values()) | {code for code, _n in rules.quotas.overrides})
    group_label = group_names()
    rows: dict[int, Row] = {}
    candidates: list[ranking.Candidate] = []
    unscored: list[Row] = []
    for application in applications:
        key = keys[application.pk]
        province = key[:2] + "0000"
        group = groups.balance_group_of(province) if province in groups.codes() else "east"
        above_size = sum(1 for p in application.pool.all() if p.enterprise.is_above_designated_size)
        score = reviews.application_aggregate(application).total
        row = Row(application, score, names.get(key, "—"), group_label.get(group, "—"), above_size)
        if score is None:
            unscored.append(row)
            continue
        rows[application.pk] = row
        failures = tuple(str(f.get("code", "")) for f in application.eligibility or ())
        candidates.append(
            ranking.Candidate(
                application_id=application.pk,
                province_code=key,
                region_group=group,
                score=score,
                gs_pilot_enterprises=above_size,
                eligible=not failures,
                failure_codes=failures,
                expected_outcomes=_expected_outcomes(application, above_size),
                award_yuan=application.award_requested_yuan or Decimal(1),
            )
        )
    quotas = {keys[a.pk]: checks.quota_for(a.applicant, rules) for a in applications}
    result = ranking.rank_batch(
        candidates,
        quotas=quotas,
        default_quota=rules.quotas.default,
        places=parameters.places,
        balance=dict(parameters.balance),
        mode=parameters.mode,
    )
    ordered: list[Row] = []
    for position in result.positions:
        row = rows[position.application_id]
        row.rank, row.selected, row.reason_code = position.rank, position.selected, position.reason_code
        row.sentence = explain(position, rows, names, group_label)
        ordered.append(row)
    return Standing(
        batch=batch,
        parameters=parameters,
        rows=ordered,
        unscored=sorted(unscored, key=lambda r: r.application.applicant.name),
        notes=[_note(note, group_label) for note in result.notes],
        quota_default=rules.quotas.default,
        quota_overrides=[(names.get(code, code), n) for code, n in rules.quotas.overrides],
    )


def _merit(position: ranking.Position) -> str:
    params = position.params
    if "outcomes_per_million_yuan" in params:
        return _("每百万元预期成效 %(value)s，评审得分 %(score)s") % {
            "value": params["outcomes_per_million_yuan"],
            "score": params["score"],
        }
    return _("评审得分 %(score)s") % {"score": params.get("score", "")}


def _applicants(ids: Any, rows: Mapping[int, Row]) -> str:
    return list_separator().join(rows[i].application.applicant.name for i in ids if i in rows)


def explain(
    position: ranking.Position, rows: Mapping[int, Row], names: Mapping[str, str], groups: Mapping[str, str]
) -> str:
    """The position's reason as a sentence with names (the reason codes of ranking.py)."""
    params, merit = position.params, _merit(position)
    code = position.reason_code
    if code == ranking.SELECTED:
        return _("建议入选：%(merit)s，在名额和省份配额之内。") % {"merit": merit}
    if code == ranking.SELECTED_FOR_BALANCE:
        return _("建议入选：为满足%(group)s地区的最低入选数，排在得分更高的申报之前（%(merit)s）。") % {
            "group": groups.get(params["group"], params["group"]),
            "merit": merit,
        }
    if code == ranking.DISPLACED_BY_BALANCE:
        text = _("未入选：按%(merit)s本可入选，但名额让给了%(others)s，以满足%(groups)s地区的最低入选数。")
        return text % {
            "merit": merit,
            "others": _applicants(params["balance_picks"], rows),
            "groups": list_separator().join(groups.get(g, g) for g in params["groups"]),
        }
    if code == ranking.PROVINCE_QUOTA_FULL:
        province = names.get(params["province"], "—")
        if not params["holders"]:
            text = _("未入选：%(province)s本批次没有名额（%(merit)s）。")
            return text % {"province": province, "merit": merit}
        return _("未入选：%(province)s的 %(quota)s 个名额已由%(holders)s占用（%(merit)s）。") % {
            "province": province,
            "quota": params["quota"],
            "holders": _applicants(params["holders"], rows),
            "merit": merit,
        }
    if code == ranking.BELOW_CUT:
        return _("未入选：本批次 %(places)s 个名额已满（%(merit)s）。") % {
            "places": params["places"],
            "merit": merit,
        }
    failures = rows[position.application_id].application.eligibility or []
    english = in_english()
    reasons = list_separator().join(
        str((f.get("sentence_en") if english else f.get("sentence_zh")) or f.get("sentence_zh", ""))
        for f in failures
    )
    return _("未通过资格审查，不参与遴选：%(reasons)s") % {"reasons": reasons}


def _note(note: ranking.Note, groups: Mapping[str, str]) -> str:
    params = note.params
    if note.code == ranking.PLACES_UNFILLED:
        return _("本批次共 %(places)s 个名额，在省份配额内符合条件的申报只够入选 %(selected)s 个。") % params
    group = groups.get(params["group"], params["group"])
    if params["cause"] == ranking.PLACES_EXHAUSTED:
        text = _(
            "区域平衡未满足：%(group)s地区应至少入选 %(minimum)s 个，实际入选 %(selected)s 个，名额已用完。"
        )
        return text % {**params, "group": group}
    return _(
        "区域平衡未满足：%(group)s地区应至少入选 %(minimum)s 个，实际入选 %(selected)s 个，"
        "该地区在省份配额内符合条件的申报不足。"
    ) % {**params, "group": group}
