"""A framework's texts in a second language, kept apart from the scored standard (pure Python, no Django).

The MIIT index is official only in Chinese. Its English text is our own, unofficial translation, kept in a
file of its own (``<framework>.<language>.json`` beside the item file) and keyed by the index's codes: the
dimension, indicator, item, option, scenario group, scenario and level codes, and the collected numbers'
codes. It is deliberately not part of a framework version's content or SHA-256 (definitions.py): a
translation says nothing about how an enterprise is scored, so correcting a word must neither create a new
framework version nor be refused because assessments already use the version (ARCHITECTURE.md convention
12 applies to the scored standard; docs/assessment.md, "English texts of the frameworks").

``check_texts`` refuses a translation that does not cover exactly the codes of a compiled framework (the
loader calls it before it writes anything); ``localized`` returns a copy of a compiled framework whose texts
are the translation's, for pages and exports in that language. Scoring never needs it: the copy scores
exactly like the original because only texts differ.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from dengta.assessment.scoring.framework import (
    CollectedNumber,
    Dimension,
    Framework,
    FrameworkDataError,
    Indicator,
    Item,
    Option,
    Scenario,
)


@dataclass(frozen=True)
class ItemTexts:
    name: str
    question: str
    description: str
    options: dict[str, str]


@dataclass(frozen=True)
class ScenarioTexts:
    name: str
    levels: dict[int, str]


@dataclass(frozen=True)
class FrameworkTexts:
    framework: str
    language: str
    official: bool
    title: str
    dimensions: dict[str, str]
    indicators: dict[str, str]
    items: dict[str, ItemTexts]
    scenario_groups: dict[str, str]
    scenarios: dict[str, ScenarioTexts]
    units: dict[str, str]  # collected number code → unit


def _strings(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise FrameworkDataError(f"{where}: expected an object of texts")
    return {str(k): v.strip() for k, v in raw.items()}


def parse_texts(data: Any, *, name: str) -> FrameworkTexts:
    """The translation file's content as FrameworkTexts; refuses a file of the wrong shape."""
    try:
        items = {
            code: ItemTexts(
                name=str(raw["name"]).strip(),
                question=str(raw["question"]).strip(),
                description=str(raw.get("description", "")).strip(),
                options=_strings(raw["options"], f"{name}: item {code} options"),
            )
            for code, raw in data["items"].items()
        }
        scenarios = {
            code: ScenarioTexts(
                name=str(raw["name"]).strip(),
                levels={int(k): v for k, v in _strings(raw["levels"], f"{name}: scenario {code}").items()},
            )
            for code, raw in data.get("scenarios", {}).items()
        }
        return FrameworkTexts(
            framework=str(data["framework"]),
            language=str(data["language"]),
            official=bool(data["official"]),
            title=str(data.get("title", "")).strip(),
            dimensions=_strings(data["dimensions"], f"{name}: dimensions"),
            indicators=_strings(data["indicators"], f"{name}: indicators"),
            items=items,
            scenario_groups=_strings(data.get("scenario_groups", {}), f"{name}: scenario_groups"),
            scenarios=scenarios,
            units={code: str(raw["unit"]).strip() for code, raw in data.get("collected_numbers", {}).items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FrameworkDataError(f"{name}: not a translation file ({exc!r})") from exc


def _compare(problems: list[str], what: str, expected: set[str], given: set[str]) -> None:
    missing, unknown = sorted(expected - given), sorted(given - expected)
    if missing:
        problems.append(f"no text for {what} {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown {what} {', '.join(unknown)}")


def _blank(problems: list[str], what: str, texts: dict[str, str], wanted: set[str]) -> None:
    empty = sorted(code for code in wanted if code in texts and not texts[code])
    if empty:
        problems.append(f"empty text for {what} {', '.join(empty)}")


def check_texts(fw: Framework, texts: FrameworkTexts, *, name: str) -> None:
    """Refuse a translation that misses or adds a code of the framework, or leaves a text empty where the
    index has one; the message names every problem so the file can be fixed in one go."""
    problems: list[str] = []
    if texts.framework != fw.code:
        problems.append(f"it translates {texts.framework}, not {fw.code}")
    dims = {d.code for d in fw.dimensions}
    _compare(problems, "dimension", dims, set(texts.dimensions))
    _blank(problems, "dimension", texts.dimensions, dims)
    _compare(problems, "indicator", set(fw.indicators), set(texts.indicators))
    _blank(problems, "indicator", texts.indicators, set(fw.indicators))
    _compare(problems, "item", {i.code for i in fw.items}, set(texts.items))
    for item in fw.items:
        given = texts.items.get(item.code)
        if given is None:
            continue
        _compare(problems, f"option of item {item.code}:", set(item.keys), set(given.options))
        _blank(problems, f"option of item {item.code}:", given.options, set(item.keys))
        wanted = {"name": item.name, "question": item.question, "description": item.description}
        for field_name, chinese in wanted.items():
            if bool(chinese) != bool(getattr(given, field_name)):
                state = "empty" if chinese else "given although the index has none"
                problems.append(f"item {item.code} {field_name} is {state}")
    groups = {s.group_code for s in fw.scenarios}
    _compare(problems, "scenario group", groups, set(texts.scenario_groups))
    _blank(problems, "scenario group", texts.scenario_groups, groups)
    _compare(problems, "scenario", {s.code for s in fw.scenarios}, set(texts.scenarios))
    for scenario in fw.scenarios:
        given_scenario = texts.scenarios.get(scenario.code)
        if given_scenario is None:
            continue
        if not given_scenario.name:
            problems.append(f"scenario {scenario.code} name is empty")
        levels = {str(n) for n in range(1, len(scenario.levels) + 1)}
        level_texts = {str(k): v for k, v in given_scenario.levels.items()}
        _compare(problems, f"level of scenario {scenario.code}:", levels, set(level_texts))
        _blank(problems, f"level of scenario {scenario.code}:", level_texts, levels)
    numbers = {n.code for n in fw.collected}
    _compare(problems, "collected number", numbers, set(texts.units))
    _blank(problems, "collected number unit", texts.units, numbers)
    if problems:
        raise FrameworkDataError(f"{name}: " + "; ".join(problems))


def localized(fw: Framework, texts: FrameworkTexts) -> Framework:
    """A copy of ``fw`` whose texts are the translation's. A code the translation lacks (a version loaded
    from an older item file) keeps the index's own text rather than showing nothing. The copy is cached on
    the compiled framework, which compile_content already shares between requests."""
    # Keyed by the translation's identity; the entry holds the translation too, so its id is never reused.
    cache: dict[int, tuple[FrameworkTexts, Framework]] = fw.__dict__.setdefault("_localized_cache", {})
    entry = cache.get(id(texts))
    if entry is None:
        entry = cache[id(texts)] = (texts, _localize(fw, texts))
    return entry[1]


def _localize(fw: Framework, texts: FrameworkTexts) -> Framework:
    def item(i: Item) -> Item:
        t = texts.items.get(i.code)
        if t is None:
            return i
        options = tuple(
            Option(key=o.key, text=t.options.get(o.key) or o.text, points=o.points) for o in i.options
        )
        return dataclasses.replace(
            i,
            name=t.name or i.name,
            question=t.question or i.question,
            description=t.description or i.description,
            options=options,
        )

    def scenario(s: Scenario) -> Scenario:
        t = texts.scenarios.get(s.code)
        group = texts.scenario_groups.get(s.group_code) or s.group
        if t is None:
            return dataclasses.replace(s, group=group)
        levels = tuple(t.levels.get(n) or text for n, text in enumerate(s.levels, start=1))
        return dataclasses.replace(s, name=t.name or s.name, group=group, levels=levels)

    def number(n: CollectedNumber) -> CollectedNumber:
        return dataclasses.replace(n, unit=texts.units.get(n.code) or n.unit)

    dimensions = tuple(
        Dimension(
            code=d.code, name=texts.dimensions.get(d.code) or d.name, points=d.points, indicators=d.indicators
        )
        for d in fw.dimensions
    )
    indicators = {
        code: Indicator(
            code=code, name=texts.indicators.get(code) or ind.name, points=ind.points, items=ind.items
        )
        for code, ind in fw.indicators.items()
    }
    return dataclasses.replace(
        fw,
        title=texts.title or fw.title,
        dimensions=dimensions,
        indicators=indicators,
        items=tuple(item(i) for i in fw.items),
        scenarios=tuple(scenario(s) for s in fw.scenarios),
        collected=tuple(number(n) for n in fw.collected),
    )
