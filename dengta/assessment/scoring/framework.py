"""A framework version compiled from its data files into immutable dataclasses (pure Python, no Django).

Points are held as integers in ten-thousandths of a point (``UNIT``): every point value of the MIIT 2024 index
(0.7, 0.9, 1.25, 1.875, …) is an exact multiple of 0.0001, so sums are exact and 13 × 0.7 + 0.9 is exactly
10. The data files say which options, points, collected numbers, derived bands, level rule and
effort weights a version has; nothing here knows the MIIT index except through those files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from math import gcd
from typing import Any

UNIT = 10_000


class FrameworkDataError(ValueError):
    """The data file does not describe a valid framework (raised when compiling, never while scoring)."""


def to_units(value: Any, *, where: str) -> int:
    """Points as an exact integer of ten-thousandths; refuses values that would need rounding."""
    scaled = Decimal(str(value)) * UNIT
    if scaled != scaled.to_integral_value():
        raise FrameworkDataError(f"{where}: {value} is not a multiple of 0.0001 point")
    return int(scaled)


def format_points(units: int) -> str:
    """Ten-thousandths as a plain decimal string without trailing zeros ("10", "0.7", "1.875")."""
    text = str(Decimal(units) / UNIT)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    points: int


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    question: str
    description: str
    multi: bool
    points: int
    options: tuple[Option, ...]
    exclusive: str | None
    dimension: str
    indicator: str

    def option(self, key: str) -> Option | None:
        for opt in self.options:
            if opt.key == key:
                return opt
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    points: int
    items: tuple[str, ...]


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    points: int
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    code: str
    name: str
    group_code: str
    group: str
    constrained: bool
    levels: tuple[str, ...]  # level 1..4 descriptions


@dataclass(frozen=True)
class LevelCondition:
    level: int
    min_points: int
    scenario_level: int
    min_scenarios: int
    min_constrained: int


@dataclass(frozen=True)
class CollectedNumber:
    code: str
    item: str
    label_zh: str
    label_en: str
    unit: str
    integer: bool
    maximum: Decimal | None


@dataclass(frozen=True)
class RatioBands:
    """An option from numerator/denominator × 100 %: the first band whose upper bound is not passed."""

    item: str
    numerator: str
    denominator: str
    upper_bounds_pct: tuple[Decimal, ...]
    options: tuple[str, ...]

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)


@dataclass(frozen=True)
class RatioChange:
    """An option derived from whether a ratio went up, stayed flat or went down from the prior year."""

    item: str
    numerator_last: str
    denominator_last: str
    numerator_prior: str
    denominator_prior: str
    up: str
    flat: str
    down: str

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.numerator_last, self.denominator_last, self.numerator_prior, self.denominator_prior)


Derived = RatioBands | RatioChange


@dataclass(frozen=True)
class Effort:
    scenario_step: dict[int, int]
    scenario_overrides: dict[str, dict[int, int]]
    item_option: dict[str, int]

    def scenario_cost(self, code: str, current: int, target: int) -> int:
        steps = self.scenario_overrides.get(code, self.scenario_step)
        return sum(steps[k] for k in range(current + 1, target + 1))


@dataclass(frozen=True)
class Framework:
    code: str
    version: str
    kind: str
    title: str
    dimensions: tuple[Dimension, ...]
    indicators: dict[str, Indicator]
    items: tuple[Item, ...]
    scenarios: tuple[Scenario, ...]
    levels: tuple[LevelCondition, ...]  # highest level first
    collected: tuple[CollectedNumber, ...]
    derived: tuple[Derived, ...]
    effort: Effort
    level_rule_provisional: bool
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def total_points(self) -> int:
        return sum(d.points for d in self.dimensions)

    def item(self, code: str) -> Item | None:
        return self._items_by_code.get(code)

    def scenario(self, code: str) -> Scenario | None:
        return self._scenarios_by_code.get(code)

    @property
    def _items_by_code(self) -> dict[str, Item]:
        cache = self.__dict__.get("_item_cache")
        if cache is None:
            cache = {i.code: i for i in self.items}
            object.__setattr__(self, "_item_cache", cache)
        return cache

    @property
    def _scenarios_by_code(self) -> dict[str, Scenario]:
        cache = self.__dict__.get("_scenario_cache")
        if cache is None:
            cache = {s.code: s for s in self.scenarios}
            object.__setattr__(self, "_scenario_cache", cache)
        return cache

    def collected_number(self, code: str) -> CollectedNumber | None:
        for number in self.collected:
            if number.code == code:
                return number
        return None

    def derived_for(self, item_code: str) -> Derived | None:
        for rule in self.derived:
            if rule.item == item_code:
                return rule
        return None

    def point_quantum(self) -> int:
        """The greatest common divisor of every option's points (the step of the path planner's table)."""
        g = 0
        for item in self.items:
            for opt in item.options:
                g = gcd(g, opt.points)
        return g or UNIT


def _items(data: dict[str, Any]) -> tuple[list[Dimension], dict[str, Indicator], list[Item]]:
    dimensions: list[Dimension] = []
    indicators: dict[str, Indicator] = {}
    items: list[Item] = []
    for dim in data["dimensions"]:
        ind_codes = []
        for ind in dim["indicators"]:
            item_codes = []
            for raw in ind["items"]:
                where = raw["code"]
                options = tuple(
                    Option(key=o["key"], text=o["text"], points=to_units(o["points"], where=where))
                    for o in raw["options"]
                )
                item = Item(
                    code=raw["code"],
                    name=raw["name"],
                    question=raw.get("question", ""),
                    description=raw.get("description", ""),
                    multi=raw["type"] == "multi",
                    points=to_units(raw["points"], where=where),
                    options=options,
                    exclusive=raw.get("exclusive_option"),
                    dimension=dim["code"],
                    indicator=ind["code"],
                )
                _check_item(item)
                items.append(item)
                item_codes.append(item.code)
            indicators[ind["code"]] = Indicator(
                code=ind["code"],
                name=ind["name"],
                points=to_units(ind["points"], where=ind["code"]),
                items=tuple(item_codes),
            )
            ind_codes.append(ind["code"])
        dimensions.append(
            Dimension(
                code=dim["code"],
                name=dim["name"],
                points=to_units(dim["points"], where=dim["code"]),
                indicators=tuple(ind_codes),
            )
        )
    return dimensions, indicators, items


def _check_item(item: Item) -> None:
    if len(set(item.keys)) != len(item.keys):
        raise FrameworkDataError(f"{item.code}: duplicate option keys")
    if item.multi:
        if item.exclusive is None or item.option(item.exclusive) is None:
            raise FrameworkDataError(f"{item.code}: a multiple-choice item needs its exclusive 无 option")
        full = sum(o.points for o in item.options if o.key != item.exclusive)
    else:
        full = max(o.points for o in item.options)
    if full != item.points:
        raise FrameworkDataError(
            f"{item.code}: options reach {format_points(full)}, item is {format_points(item.points)}"
        )


def _check_sums(dimensions: list[Dimension], indicators: dict[str, Indicator], items: list[Item]) -> None:
    by_code = {i.code: i for i in items}
    for ind in indicators.values():
        got = sum(by_code[c].points for c in ind.items)
        if got != ind.points:
            raise FrameworkDataError(f"{ind.code}: items sum to {format_points(got)}, not {ind.points}")
    for dim in dimensions:
        got = sum(indicators[c].points for c in dim.indicators)
        if got != dim.points:
            raise FrameworkDataError(f"{dim.code}: indicators sum to {format_points(got)}")


def _derived(rules: dict[str, Any], items: dict[str, Item], numbers: set[str]) -> tuple[Derived, ...]:
    out: list[Derived] = []
    for raw in rules.get("derived_options", []):
        item = items.get(raw["item"])
        if item is None:
            raise FrameworkDataError(f"derived option for unknown item {raw['item']}")
        rule: Derived
        if raw["kind"] == "ratio_bands":
            rule = RatioBands(
                item=raw["item"],
                numerator=raw["numerator"],
                denominator=raw["denominator"],
                upper_bounds_pct=tuple(Decimal(b) for b in raw["upper_bounds_pct"]),
                options=tuple(raw["options"]),
            )
            used = set(rule.options)
        elif raw["kind"] == "ratio_change":
            opts = raw["options"]
            rule = RatioChange(
                item=raw["item"],
                numerator_last=raw["numerator_last"],
                denominator_last=raw["denominator_last"],
                numerator_prior=raw["numerator_prior"],
                denominator_prior=raw["denominator_prior"],
                up=opts["up"],
                flat=opts["flat"],
                down=opts["down"],
            )
            used = {rule.up, rule.flat, rule.down}
        else:
            raise FrameworkDataError(f"unknown derived kind {raw['kind']}")
        if not used <= set(item.keys) or not set(rule.inputs) <= numbers:
            raise FrameworkDataError(f"derived option for {item.code} names unknown options or numbers")
        out.append(rule)
    return tuple(out)


def compile_miit(items_data: dict[str, Any], rules: dict[str, Any]) -> Framework:
    """A scored framework of the MIIT 2024 shape: item file + rules overlay (level rule, numbers, efforts)."""
    dimensions, indicators, items = _items(items_data)
    _check_sums(dimensions, indicators, items)
    total = sum(d.points for d in dimensions)
    if total != to_units(items_data.get("scored_total", 100), where="scored_total"):
        raise FrameworkDataError(f"dimensions sum to {format_points(total)}")
    scenarios = tuple(
        Scenario(
            code=s["code"],
            name=s["name"],
            group_code=s["group_code"],
            group=s["group"],
            constrained=bool(s["constrained"]),
            levels=tuple(lv["text"] for lv in sorted(s["levels"], key=lambda lv: lv["level"])),
        )
        for s in items_data.get("scenarios", [])
    )
    rule = rules["level_rule"]
    levels = tuple(
        sorted(
            (
                LevelCondition(
                    level=int(r["level"]),
                    min_points=to_units(r["min_points"], where=f"level {r['level']}"),
                    scenario_level=int(r["scenario_level"]),
                    min_scenarios=int(r["min_scenarios"]),
                    min_constrained=int(r["min_constrained"]),
                )
                for r in rule["levels"]
            ),
            key=lambda c: -c.level,
        )
    )
    collected = tuple(
        CollectedNumber(
            code=n["code"],
            item=n["item"],
            label_zh=n["label_zh"],
            label_en=n["label_en"],
            unit=n["unit"],
            integer=bool(n.get("integer")),
            maximum=Decimal(n["max"]) if n.get("max") is not None else None,
        )
        for n in rules.get("collected_numbers", [])
    )
    by_code = {i.code: i for i in items}
    effort_raw = rules.get("effort", {})
    effort = Effort(
        scenario_step={int(k): int(v) for k, v in effort_raw.get("scenario_step", {}).items()}
        or {1: 1, 2: 1, 3: 1, 4: 1},
        scenario_overrides={
            code: {int(k): int(v) for k, v in steps.items()}
            for code, steps in effort_raw.get("scenario_overrides", {}).items()
        },
        item_option={code: int(v) for code, v in effort_raw.get("item_option", {}).items()},
    )
    return Framework(
        code=rules["framework"],
        version=rules["version"],
        kind=rules["kind"],
        title=items_data.get("title", rules["framework"]),
        dimensions=tuple(dimensions),
        indicators=indicators,
        items=tuple(items),
        scenarios=scenarios,
        levels=levels,
        collected=collected,
        derived=_derived(rules, by_code, {n.code for n in collected}),
        effort=effort,
        level_rule_provisional=bool(rule.get("provisional")),
        raw={"items": items_data, "rules": rules},
    )
