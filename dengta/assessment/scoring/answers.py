"""Answers to a scored framework, and the checks that turn raw input into them (pure Python).

Raw input is what a form, the API or a CSV row gives: option keys as a list or as ``"B;D"``, scenario levels
as numbers or digit strings, collected numbers as strings. ``parse_answers`` never guesses: each value that is
not exactly valid becomes a Problem naming the item and the reason, bilingual (PRODUCT.md: bad input gets a
clear message in Chinese and English), and that value is left out of the Answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from dengta.assessment.scoring.framework import Framework, RatioBands, RatioChange
from dengta.core.problems import Problem, gettext_noop

MAX_NUMBER = Decimal("1e12")


@dataclass(frozen=True)
class Answers:
    choices: Mapping[str, frozenset[str]] = field(default_factory=dict)
    scenarios: Mapping[str, int] = field(default_factory=dict)
    numbers: Mapping[str, Decimal] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "choices": {k: sorted(v) for k, v in sorted(self.choices.items())},
            "scenarios": dict(sorted(self.scenarios.items())),
            "numbers": {k: str(v) for k, v in sorted(self.numbers.items())},
        }


@dataclass(frozen=True)
class Parsed:
    answers: Answers
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def split_keys(value: Any) -> list[str]:
    """Option keys from ``"B;D"``, ``"B, D"``, ``["B", "D"]`` — upper-cased, blanks dropped, order kept."""
    if value is None:
        return []
    if isinstance(value, str):
        parts: Iterable[Any] = value.replace("；", ";").replace(",", ";").replace("，", ";").split(";")
    elif isinstance(value, Iterable):
        parts = value
    else:
        parts = [value]
    return [str(p).strip().upper() for p in parts if str(p).strip()]


def _problem(code: str, template: str, **params: object) -> Problem:
    return Problem(code=code, template=template, params=dict(params))


def check_choice(fw: Framework, code: str, raw: Any) -> tuple[frozenset[str] | None, Problem | None]:
    """One item's answer; ``(None, None)`` when left blank."""
    item = fw.item(code)
    if item is None:
        return None, _problem("unknown_item", gettext_noop("未知的评测项“%(item)s”"), item=code)
    keys = split_keys(raw)
    if not keys:
        return None, None
    unknown = [k for k in keys if item.option(k) is None]
    if unknown:
        return None, _problem(
            "unknown_option",
            gettext_noop("“%(item)s”没有选项 %(option)s，可选 %(allowed)s"),
            item=item.name,
            option=", ".join(unknown),
            allowed=", ".join(item.keys),
        )
    if len(set(keys)) != len(keys):
        return None, _problem(
            "repeated_option",
            gettext_noop("“%(item)s”的选项重复"),
            item=item.name,
        )
    if not item.multi and len(keys) > 1:
        return None, _problem(
            "single_choice",
            gettext_noop("“%(item)s”是单选题，只能选一个选项"),
            item=item.name,
        )
    if item.multi and item.exclusive in keys and len(keys) > 1:
        return None, _problem(
            "exclusive_option",
            gettext_noop("“%(item)s”选了“无”（%(option)s）就不能再选其他选项"),
            item=item.name,
            option=item.exclusive,
        )
    return frozenset(keys), None


def check_scenario(fw: Framework, code: str, raw: Any) -> tuple[int | None, Problem | None]:
    scenario = fw.scenario(code)
    if scenario is None:
        return None, _problem("unknown_scenario", gettext_noop("未知的场景“%(scenario)s”"), scenario=code)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    text = str(raw).strip()
    # Spreadsheets write whole numbers as "2.0": accept a zero fraction, nothing else ("2.5" stays refused).
    whole, dot, fraction = text.partition(".")
    if dot and fraction and set(fraction) == {"0"} and whole:
        text = whole
    # isdecimal, not isdigit: "²" is a digit that int() refuses (it crashed here); "２" is decimal and fine.
    if isinstance(raw, bool) or not text.isdecimal() or int(text) > len(scenario.levels):
        return None, _problem(
            "scenario_level",
            gettext_noop("场景“%(scenario)s”的等级应为 0–%(top)s 的整数，收到“%(value)s”"),
            scenario=scenario.name,
            top=len(scenario.levels),
            value=text[:20],
        )
    return int(text), None


def check_number(fw: Framework, code: str, raw: Any) -> tuple[Decimal | None, Problem | None]:
    spec = fw.collected_number(code)
    if spec is None:
        return None, _problem(
            "unknown_number",
            gettext_noop("未知的采集数据“%(number)s”"),
            number=code,
        )
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    text = str(raw).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if isinstance(raw, bool) or not value.is_finite():
        return None, _problem(
            "number_format",
            gettext_noop("“%(label)s”应为数字，收到“%(value)s”"),
            label=spec.label_zh,
            value=text[:20],
        )
    if value < 0:
        return None, _problem(
            "number_negative",
            gettext_noop("“%(label)s”不能为负数"),
            label=spec.label_zh,
        )
    if spec.integer and value != value.to_integral_value():
        return None, _problem(
            "number_integer",
            gettext_noop("“%(label)s”应为整数"),
            label=spec.label_zh,
        )
    limit = spec.maximum if spec.maximum is not None else MAX_NUMBER
    if value > limit:
        return None, _problem(
            "number_range",
            gettext_noop("“%(label)s”不能大于 %(max)s"),
            label=spec.label_zh,
            max=str(limit),
        )
    return value, None


def _cross_checks(fw: Framework, numbers: Mapping[str, Decimal]) -> list[Problem]:
    """Numbers that are each valid but impossible together (e.g. networked devices > devices, …)."""
    problems: list[Problem] = []
    for rule in fw.derived:
        if isinstance(rule, RatioBands):
            num, den = numbers.get(rule.numerator), numbers.get(rule.denominator)
            if num is None or den is None:
                continue
            if num > den:
                problems.append(
                    _problem(
                        "number_exceeds_total",
                        gettext_noop("“%(part)s”（%(value)s）不能多于“%(total)s”（%(limit)s）"),
                        part=_label(fw, rule.numerator),
                        value=str(num),
                        total=_label(fw, rule.denominator),
                        limit=str(den),
                    )
                )
            elif den == 0:
                problems.append(
                    _problem(
                        "number_zero_total",
                        gettext_noop("“%(total)s”为 0，无法计算比率"),
                        total=_label(fw, rule.denominator),
                    )
                )
        elif isinstance(rule, RatioChange):
            for den_code in (rule.denominator_last, rule.denominator_prior):
                den = numbers.get(den_code)
                if den is not None and den == 0:
                    problems.append(
                        _problem(
                            "number_zero_denominator",
                            gettext_noop("“%(label)s”为 0，无法计算“%(item)s”的变化"),
                            label=_label(fw, den_code),
                            item=_item_name(fw, rule.item),
                        )
                    )
    # The same denominator (e.g. revenue) can serve several items: report each problem once.
    unique: dict[tuple[str, str], Problem] = {}
    for p in problems:
        unique.setdefault((p.code, str(p.params.get("label", p.params.get("part", "")))), p)
    return list(unique.values())


def _item_name(fw: Framework, code: str) -> str:
    item = fw.item(code)
    return item.name if item else code


def _label(fw: Framework, code: str) -> str:
    spec = fw.collected_number(code)
    return spec.label_zh if spec else code


def parse_answers(
    fw: Framework,
    *,
    choices: Mapping[str, Any] | None = None,
    scenarios: Mapping[str, Any] | None = None,
    numbers: Mapping[str, Any] | None = None,
) -> Parsed:
    problems: list[Problem] = []
    good_choices: dict[str, frozenset[str]] = {}
    for code, raw in (choices or {}).items():
        value, problem = check_choice(fw, code, raw)
        if problem:
            problems.append(problem)
        elif value is not None:
            good_choices[code] = value
    good_scenarios: dict[str, int] = {}
    for code, raw in (scenarios or {}).items():
        level, problem = check_scenario(fw, code, raw)
        if problem:
            problems.append(problem)
        elif level is not None:
            good_scenarios[code] = level
    good_numbers: dict[str, Decimal] = {}
    for code, raw in (numbers or {}).items():
        number, problem = check_number(fw, code, raw)
        if problem:
            problems.append(problem)
        elif number is not None:
            good_numbers[code] = number
    problems.extend(_cross_checks(fw, good_numbers))
    return Parsed(
        answers=Answers(choices=good_choices, scenarios=good_scenarios, numbers=good_numbers),
        problems=tuple(problems),
    )


def missing_answers(fw: Framework, answers: Answers) -> tuple[list[str], list[str]]:
    """Items (not derivable from numbers) and scenarios still unanswered — a submission needs none."""
    from dengta.assessment.scoring.engine import derive_option

    items = [
        i.code
        for i in fw.items
        if i.code not in answers.choices and derive_option(fw, i.code, answers.numbers) is None
    ]
    scenarios = [s.code for s in fw.scenarios if s.code not in answers.scenarios]
    return items, scenarios
