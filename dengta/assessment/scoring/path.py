"""Path to a target level: the least-effort set of improvements that reaches it (pure Python).

The level rule has two independent parts (the scored points and the scenario levels; scenarios earn no
points, miit-2024-level-rule.md §2), so the plan is the cheapest solution of each:

- points: a multiple-choice knapsack over the items — for each item, either leave it or move it to one
  better answer (a higher single-choice option, or k more multiple-choice options) — solved exactly by
  dynamic programming over the points shortfall in steps of the framework's point quantum;
- scenarios: raise the cheapest constrained scenarios first until the constrained count holds, then the
  cheapest of the rest until the total count holds (optimal because each scenario's cost is independent).

Effort weights are data (the framework's ``effort`` block); the catalogue attaches products to the steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from dengta.assessment.scoring.engine import Score
from dengta.assessment.scoring.framework import Framework, Item, Scenario

INFINITY = 10**12


@dataclass(frozen=True)
class Step:
    kind: str  # "scenario" or "item"
    code: str
    current: tuple[str, ...] | int
    target: tuple[str, ...] | int
    points_gain: int
    effort: int
    constrained: bool = False


@dataclass(frozen=True)
class Plan:
    target_level: int
    reachable: bool
    already: bool
    steps: tuple[Step, ...]
    effort: int
    points_gain: int

    def to_json(self) -> dict[str, object]:
        return {
            "target_level": self.target_level,
            "reachable": self.reachable,
            "already": self.already,
            "effort": self.effort,
            "points_gain": self.points_gain,
            "steps": [
                {
                    "kind": s.kind,
                    "code": s.code,
                    "current": list(s.current) if isinstance(s.current, tuple) else s.current,
                    "target": list(s.target) if isinstance(s.target, tuple) else s.target,
                    "points_gain": s.points_gain,
                    "effort": s.effort,
                    "constrained": s.constrained,
                }
                for s in self.steps
            ],
        }


@dataclass(frozen=True)
class _Alternative:
    gain: int
    effort: int
    target: tuple[str, ...]


def _alternatives(fw: Framework, item: Item, current: tuple[str, ...]) -> list[_Alternative]:
    weight = fw.effort.item_option.get(item.code, 1)
    if item.multi:
        have = {k for k in current if k != item.exclusive}
        missing = sorted(
            (o for o in item.options if o.key != item.exclusive and o.key not in have),
            key=lambda o: (-o.points, item.keys.index(o.key)),
        )
        out = []
        for k in range(1, len(missing) + 1):
            added = missing[:k]
            target = tuple(key for key in item.keys if key in have or key in {o.key for o in added})
            out.append(_Alternative(sum(o.points for o in added), k * weight, target))
        return out
    if current:
        now = item.keys.index(current[0])
        base = item.options[now].points
    else:
        # Unanswered scores 0, as the 0-point first option (无, [0-10%], 增加…) does: a step up from it costs
        # the same as from that option, not one step more.
        now, base = (0 if item.options[0].points == 0 else -1), 0
    return [
        _Alternative(opt.points - base, (j - now) * weight, (opt.key,))
        for j, opt in enumerate(item.options)
        if j > now and opt.points > base
    ]


def _points_plan(fw: Framework, result: Score, shortfall: int) -> tuple[list[Step], bool]:
    if shortfall <= 0:
        return [], True
    q = fw.point_quantum()
    need = -(-shortfall // q)  # ceiling: the shortfall in quanta
    best = [0] + [INFINITY] * need
    choice: list[list[int]] = []  # per item, per state reached: index of the alternative taken (-1 none)
    items = list(fw.items)
    alts = [_alternatives(fw, it, result.options.get(it.code, ())) for it in items]
    for options in alts:
        nxt = best[:]
        picked = [-1] * (need + 1)
        for state in range(need + 1):
            if best[state] >= INFINITY:
                continue
            for idx, alt in enumerate(options):
                to = min(need, state + alt.gain // q)
                cost = best[state] + alt.effort
                if cost < nxt[to]:
                    nxt[to] = cost
                    picked[to] = idx * (need + 1) + state
        best = nxt
        choice.append(picked)
    if best[need] >= INFINITY:
        return [], False
    steps: list[Step] = []
    state = need
    for pos in range(len(items) - 1, -1, -1):
        code = choice[pos][state]
        if code < 0:
            continue
        idx, state = divmod(code, need + 1)
        item, alt = items[pos], alts[pos][idx]
        steps.append(
            Step("item", item.code, result.options.get(item.code, ()), alt.target, alt.gain, alt.effort)
        )
    # Cheapest points per unit of effort first: what an SME would start with.
    steps.sort(key=lambda s: (s.effort / max(s.points_gain, 1), s.code))
    return steps, True


def _scenario_plan(fw: Framework, result: Score, target: int) -> tuple[list[Step], bool]:
    cond = next((c for c in fw.levels if c.level == target), None)
    if cond is None:
        return [], False
    lv = cond.scenario_level
    below = [s for s in fw.scenarios if result.scenario_levels.get(s.code, 0) < lv]

    order = {s.code: i for i, s in enumerate(fw.scenarios)}

    def step(s: Scenario) -> Step:
        now = result.scenario_levels.get(s.code, 0)
        return Step("scenario", s.code, now, lv, 0, fw.effort.scenario_cost(s.code, now, lv), s.constrained)

    candidates = sorted((step(s) for s in below), key=lambda st: (st.effort, order[st.code]))
    have = result.at_least.get(lv, 0)
    have_c = result.constrained_at_least.get(lv, 0)
    need_c = max(0, cond.min_constrained - have_c)
    chosen = [c for c in candidates if c.constrained][:need_c]
    if len(chosen) < need_c:
        return [], False
    need_total = max(0, cond.min_scenarios - have - len(chosen))
    rest = [c for c in candidates if c not in chosen][:need_total]
    if len(rest) < need_total:
        return [], False
    return chosen + rest, True


def plan_to_level(fw: Framework, result: Score, target: int = 2) -> Plan:
    """The cheapest plan that lifts ``result`` to ``target`` (default 二级, the pilot acceptance level)."""
    if result.level >= target:
        return Plan(target, True, True, (), 0, 0)
    cond = next((c for c in fw.levels if c.level == target), None)
    if cond is None:
        return Plan(target, False, False, (), 0, 0)
    scen_steps, scen_ok = _scenario_plan(fw, result, target)
    point_steps, points_ok = _points_plan(fw, result, cond.min_points - result.total)
    steps = tuple(scen_steps + point_steps)
    return Plan(
        target_level=target,
        reachable=scen_ok and points_ok,
        already=False,
        steps=steps,
        effort=sum(s.effort for s in steps),
        points_gain=sum(s.points_gain for s in steps),
    )
