"""Early warnings for the people who run a pilot (PRODUCT.md 7), as a pure calculation (no Django).

Four rules, their thresholds in ``data/alert_rules.json`` (versioned, with its source):
- ``stalled``: a project being carried out (approved or in progress) with no milestone completed, and no
  start, approval or contract, for ``stalled_days`` days;
- ``acceptance_overdue``: a completed project whose acceptance was not requested by its deadline (the
  pilot's rule, carried by the project's ``acceptance_due_on``);
- ``underspent``: a pilot past ``underspent_elapsed_share`` of its period whose retrofit envelope has
  committed less than ``underspent_committed_share`` of its allocation;
- ``target_at_risk``: a pilot past ``target_check_elapsed_share`` of its period whose projected share of
  规上 pilot enterprises at its target level — those there now, plus those whose project is still open and
  would lift them — is below its target share (DOMAIN.md 2.1: 90 %).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent / "data" / "alert_rules.json"

STALLED = "stalled"
ACCEPTANCE_OVERDUE = "acceptance_overdue"
UNDERSPENT = "underspent"
TARGET_AT_RISK = "target_at_risk"
KINDS = (STALLED, ACCEPTANCE_OVERDUE, UNDERSPENT, TARGET_AT_RISK)


@dataclass(frozen=True)
class Rules:
    version: str
    stalled_days: int
    underspent_elapsed_share: Decimal
    underspent_committed_share: Decimal
    target_check_elapsed_share: Decimal

    @classmethod
    def load(cls, path: Path = RULES_FILE) -> Rules:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            version=str(raw["version"]),
            stalled_days=int(raw["stalled_days"]),
            underspent_elapsed_share=Decimal(raw["underspent_elapsed_share"]),
            underspent_committed_share=Decimal(raw["underspent_committed_share"]),
            target_check_elapsed_share=Decimal(raw["target_check_elapsed_share"]),
        )


@dataclass(frozen=True)
class ProjectFacts:
    id: int
    pilot_id: int
    state: str
    last_activity: date | None  # the latest of approval, contract, start and completed milestones
    acceptance_due_on: date | None


@dataclass(frozen=True)
class PilotFacts:
    id: int
    starts_on: date
    ends_on: date
    retrofit_allocated: Decimal
    retrofit_committed: Decimal
    target_share: Decimal
    gs_enterprises: int  # 规上 pilot enterprises
    gs_at_target: int  # of them, at the target level now
    gs_lifting: int  # of the others, those with an open project that would lift them


@dataclass(frozen=True)
class Found:
    kind: str
    pilot_id: int
    project_id: int | None
    params: dict[str, str]


CARRIED_OUT = frozenset({"approved", "in_progress"})


def elapsed(pilot: PilotFacts, today: date) -> Decimal:
    """The share of the pilot period gone by, 0..1."""
    total = (pilot.ends_on - pilot.starts_on).days
    if total <= 0:
        return Decimal(1)
    gone = min(max((today - pilot.starts_on).days, 0), total)
    return Decimal(gone) / Decimal(total)


def _pct(value: Decimal) -> str:
    return str((value * 100).quantize(Decimal("0.1")))


def project_alerts(projects: Iterable[ProjectFacts], rules: Rules, today: date) -> list[Found]:
    found = []
    for p in projects:
        if p.state in CARRIED_OUT and p.last_activity is not None:
            idle = (today - p.last_activity).days
            if idle >= rules.stalled_days:
                found.append(
                    Found(STALLED, p.pilot_id, p.id, {"days": str(idle), "limit": str(rules.stalled_days)})
                )
        if p.state == "completed" and p.acceptance_due_on is not None and p.acceptance_due_on < today:
            late = (today - p.acceptance_due_on).days
            found.append(
                Found(
                    ACCEPTANCE_OVERDUE,
                    p.pilot_id,
                    p.id,
                    {"due": p.acceptance_due_on.isoformat(), "days": str(late)},
                )
            )
    return found


def pilot_alerts(pilots: Sequence[PilotFacts], rules: Rules, today: date) -> list[Found]:
    found = []
    for pilot in pilots:
        gone = elapsed(pilot, today)
        if gone >= 1:
            continue  # the period is over: its results are the evaluation's, not a warning
        if gone >= rules.underspent_elapsed_share and pilot.retrofit_allocated > 0:
            used = pilot.retrofit_committed / pilot.retrofit_allocated
            if used < rules.underspent_committed_share:
                found.append(
                    Found(
                        UNDERSPENT,
                        pilot.id,
                        None,
                        {
                            "elapsed": _pct(gone),
                            "committed": _pct(used),
                            "limit": _pct(rules.underspent_committed_share),
                        },
                    )
                )
        if gone >= rules.target_check_elapsed_share and pilot.gs_enterprises > 0:
            projected = Decimal(pilot.gs_at_target + pilot.gs_lifting) / Decimal(pilot.gs_enterprises)
            if projected < pilot.target_share:
                found.append(
                    Found(
                        TARGET_AT_RISK,
                        pilot.id,
                        None,
                        {
                            "projected": _pct(projected),
                            "target": _pct(pilot.target_share),
                            "now": str(pilot.gs_at_target),
                            "lifting": str(pilot.gs_lifting),
                            "total": str(pilot.gs_enterprises),
                        },
                    )
                )
    return found


def key(found: Found | Any) -> tuple[str, int, int | None]:
    """What makes an alert the same alert from one check to the next."""
    return (found.kind, found.pilot_id, found.project_id)
