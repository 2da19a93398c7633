"""What both calculators share (pure Python, no Django): reading a request's numbers without floats, the
refusals with a sentence in Chinese and in English, and the explanation lines.

Amounts come as decimal strings, Decimals or integers; a float only through its shortest repr
(``str(float)``), never through binary arithmetic; booleans are refused. Money has at most 2 decimal places
and at most 14 digits before the point, as the money columns (ARCHITECTURE.md convention 9); rates and KPI
values at most 6 places. Every refusal is a ``Problem`` naming its field's path, with a sentence in each
language; ``CalculatorError`` carries all of them, and ``by_field`` nests them as Django REST framework shows
a serializer's errors. An explanation line keeps both sentences, as dengta/programmes/allocation.py does; the
reader's one is chosen where the result is shown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from dengta.core.decimals import decimal_places

FEN = Decimal("0.01")
MONEY_PLACES = 2
MONEY_INTEGER_DIGITS = 14  # DecimalField(max_digits=16, decimal_places=2)
RATE_PLACES = 6
MAX_TEXT = 64  # characters of a number given as text
PRECISION = 80  # enough digits for every product and sum of bounded inputs: arithmetic stays exact

Path = tuple[str | int, ...]

NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


# ---------------------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Problem:
    """One refusal: the field's path in the request (``("lines", 0, "quantity")``), a stable code and the
    sentence in both languages (the API shows the reader's one)."""

    path: Path
    code: str
    zh: str
    en: str

    def to_json(self) -> dict[str, Any]:
        return {"path": list(self.path), "code": self.code, "zh": self.zh, "en": self.en}


class CalculatorError(ValueError):
    """Input the calculators refuse; ``problems`` lists every reason found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{'.'.join(map(str, p.path))}: {p.en}" for p in self.problems))

    def by_field(self, *, english: bool) -> dict[str, Any]:
        """The problems nested by path as Django REST framework shows a serializer's errors: objects by key,
        lists one entry per item (``{}`` for an item without problems), messages in a list at the leaf."""
        out: dict[str, Any] = {}
        for problem in self.problems:
            _insert(out, problem.path or ("non_field_errors",), problem.en if english else problem.zh)
        return out


def _insert(node: Any, path: Path, message: str) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        # A list item's own problem (not an object): under non_field_errors, as a serializer puts it.
        slot = node.setdefault(head, []) if isinstance(node, dict) else node[head]
        if isinstance(slot, dict):
            slot = slot.setdefault("non_field_errors", [])
        slot.append(message)
        return
    if isinstance(rest[0], int):
        # A list of items: made as long as the item named, earlier items answer {}; a message about the
        # list itself (a str entry) is never mixed with item problems (item checks run only on a list).
        child = node.setdefault(head, [])
        while len(child) <= rest[0]:
            child.append({})
        _insert(child, rest, message)
    else:
        child = node.setdefault(head, {}) if isinstance(node, dict) else node[head]
        _insert(child, rest, message)


@dataclass(frozen=True)
class Label:
    """How a field is named in a sentence; for an item of a list, with the item (1-based)."""

    zh: str
    en: str
    bare: bool = False  # an English name that takes no article ("line 2", "period 3")

    def item(self, zh_item: str, en_item: str) -> Label:
        return Label(f"{zh_item}的{self.zh}", f"{en_item}: the {self.en}", bare=True)

    @property
    def en_the(self) -> str:
        return self.en if self.bare else f"the {self.en}"


def line_label(index: int, label: Label) -> Label:
    """A field of a cost line, named by its 1-based number."""
    return label.item(f"第{index + 1}条明细", f"line {index + 1}")


def period_label(index: int, label: Label) -> Label:
    """A field of a gain statement's period, named by its 1-based number."""
    return label.item(f"第{index + 1}期", f"period {index + 1}")


# code → (Chinese, English); {zh} and {en} are the field's label, the other names the problem's params
MESSAGES: Mapping[str, tuple[str, str]] = {
    "missing": ("{zh}缺失，请填写。", "{en} is missing."),
    "not_an_object": ("{zh}应为一个对象（键值对）。", "{en} must be an object (keys and values)."),
    "not_a_list": ("{zh}应为一个列表。", "{en} must be a list."),
    "too_many": ("{zh}最多{limit}项，收到{count}项。", "{en} may hold at most {limit} items; got {count}."),
    "empty": ("{zh}至少需要一项。", "{en} need at least one item."),
    "not_text": ("{zh}应为不超过{limit}个字符的文字。", "{en} must be text of at most {limit} characters."),
    "negative": ("{zh}不能为负数，收到{value}。", "{en} cannot be negative; got {value}."),
    "out_of_range": (
        "{zh}应在0到1之间（如0.5表示50%），收到{value}。",
        "{en} must be between 0 and 1 (0.5 = 50 %); got {value}.",
    ),
    "not_whole": (
        "{zh}应为1到{limit}之间的整数，收到{value}。",
        "{en} must be a whole number from 1 to {limit}; got {value}.",
    ),
    "bad_items": (
        "{zh}中第{items}项不是不超过{limit}个字符的名称。",
        "Items {items} of {en} are not names of at most {limit} characters.",
    ),
    "pilot_above_list": (
        "{zh}{value}元高于目录价{list}元；试点价不能高于目录价。",
        "{en} of {value} yuan is above the list price of {list} yuan; the pilot price cannot be higher.",
    ),
    "total_too_large": (
        "{zh}按目录价合计{value}元，过大：整数部分最多{digits}位。",
        "{en} add up to {value} yuan at list prices, too large: at most {digits} digits before the point.",
    ),
    "not_boolean": (
        "{zh}应为true或false（true表示越低越好）。",
        "{en} must be true or false (true: lower is better).",
    ),
    "not_a_direction": (
        "{zh}无效：只接受代码lower_is_better（越低越好）或higher_is_better（越高越好）。",
        "{en} must be lower_is_better or higher_is_better.",
    ),
    "directions_disagree": (
        "{zh}前后矛盾：lower_is_better与direction给出的方向不一致。",
        "{en} is contradictory: lower_is_better and direction disagree.",
    ),
    "unknown_kpi": (
        "{zh}不是可用的指标代码，可选：{codes}。",
        "{en} is not a known KPI code; choose one of {codes}.",
    ),
    "more_than_term": (
        "{zh}共{count}期，超过合同期数{term}期。",
        "{en} holds {count} periods, more than the contract's term of {term}.",
    ),
    # a value that is not a usable number (``to_decimal``)
    "boolean": (
        "{zh}“{value}”无效：是真假值，不是数字。",
        "{en} “{value}” is a true/false value, not a number.",
    ),
    "not_a_number": ("{zh}“{value}”无效：不是数字。", "{en} “{value}” is not a number."),
    "not_finite": ("{zh}“{value}”无效：不是有限的数字。", "{en} “{value}” is not a finite number."),
    "too_long": (
        "{zh}“{value}”无效：超过{limit}个字符。",
        "{en} “{value}” is longer than {limit} characters.",
    ),
    "too_many_places": (
        "{zh}“{value}”无效：最多保留{places}位小数。",
        "{en} “{value}” has more than {places} decimal places.",
    ),
    "too_large": (
        "{zh}“{value}”无效：数值过大，整数部分最多{digits}位。",
        "{en} “{value}” is too large: at most {digits} digits before the point.",
    ),
}


def problem(path: Path, code: str, label: Label, **params: Any) -> Problem:
    zh, en = MESSAGES[code]
    english = en.format(en=label.en_the, **params)
    return Problem(path, code, zh.format(zh=label.zh, **params), english[0].upper() + english[1:])


# ---------------------------------------------------------------------------------------------------------
# Numbers


class Unparsable(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def to_decimal(value: Any, places: int) -> Decimal:
    """A Decimal from a decimal string, a Decimal, an int or a float (through ``str(float)``, its shortest
    repr), or ``Unparsable`` with the code of the problem (``MESSAGES``). Booleans are refused."""
    if isinstance(value, bool):
        raise Unparsable("boolean")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unparsable("not_finite")
        value = str(value)
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_TEXT:
            raise Unparsable("too_long")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise Unparsable("not_a_number") from exc
        # Decimal() also takes underscores and non-ASCII digits: only plain decimals pass.
        if number.is_finite() and not NUMBER_TEXT.fullmatch(text):
            raise Unparsable("not_a_number")
    elif isinstance(value, Decimal):
        number = value
    else:
        raise Unparsable("not_a_number")
    if not number.is_finite():
        raise Unparsable("not_finite")
    if decimal_places(number) > places:
        raise Unparsable("too_many_places")
    if number != 0 and number.adjusted() >= MONEY_INTEGER_DIGITS:
        raise Unparsable("too_large")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        # quantize shows the figure with its places (money always with 2); adding 0 turns -0 into 0
        return number.quantize(Decimal(1).scaleb(-places)) + 0


def json_repr(value: Any) -> str:
    """A value as the person sent it, cut short: a float shows its shortest repr, true/false/null as JSON."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, Mapping | list):
        text = "{…}" if isinstance(value, Mapping) else "[…]"
    else:
        text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def pct(share: Decimal) -> str:
    """A share as a percentage without trailing zeros: 0.5 → "50", 0.333333 → "33.3333"."""
    return plain(share * 100)


def plain(number: Decimal) -> str:
    """A number without exponent or trailing zeros after the point: 1.50 → "1.5", 2.000 → "2"."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Field:
    """A numeric field: its label, its decimal places and its kind: "money" (≥ 0), "rate" (0–1), "count"
    (whole, 1…limit) or "value" (any sign)."""

    label: Label
    places: int
    kind: str
    limit: int = 0


class Reader:
    """Reads fields out of a request's objects, collecting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: Path, code: str, label: Label, **params: Any) -> None:
        self.problems.append(problem(path, code, label, **params))

    def mapping(self, value: Any, path: Path, label: Label) -> Mapping[str, Any] | None:
        if value is None:
            self.add(path, "missing", label)
        elif not isinstance(value, Mapping):
            self.add(path, "not_an_object", label)
        else:
            return value
        return None

    def number(self, source: Mapping[str, Any], key: str, path: Path, spec: Field) -> Decimal | None:
        path, raw = (*path, key), source.get(key)
        if raw is None or raw == "":
            self.add(path, "missing", spec.label)
            return None
        try:
            number = to_decimal(raw, spec.places)
        except Unparsable as exc:
            self.add(
                path,
                exc.code,
                spec.label,
                value=json_repr(raw),
                limit=MAX_TEXT,
                places=spec.places,
                digits=MONEY_INTEGER_DIGITS,
            )
            return None
        code = None
        if spec.kind == "money" and number < 0:
            code = "negative"
        elif spec.kind == "rate" and not 0 <= number <= 1:
            code = "out_of_range"
        elif spec.kind == "count" and (number != number.to_integral_value() or not 1 <= number <= spec.limit):
            code = "not_whole"
        if code is not None:
            self.add(path, code, spec.label, value=plain(number), limit=spec.limit)
            return None
        return number

    def text(self, source: Mapping[str, Any], key: str, path: Path, label: Label, limit: int) -> str | None:
        path, raw = (*path, key), source.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            self.add(path, "missing", label)
        elif not isinstance(raw, str) or len(raw.strip()) > limit:
            self.add(path, "not_text", label, limit=limit)
        else:
            return raw.strip()
        return None

    def items(self, source: Mapping[str, Any], key: str, label: Label, limit: int) -> list[Any] | None:
        raw = source.get(key)
        if raw is None:
            self.add((key,), "missing", label)
        elif not isinstance(raw, list):
            self.add((key,), "not_a_list", label)
        elif len(raw) > limit:
            self.add((key,), "too_many", label, limit=limit, count=len(raw))
        else:
            return raw
        return None

    def raise_if_any(self) -> None:
        if self.problems:
            raise CalculatorError(self.problems)


def request_object(data: Any) -> Mapping[str, Any]:
    """The request body as an object, or ``CalculatorError`` at the top level."""
    if isinstance(data, Mapping):
        return data
    raise CalculatorError([problem((), "not_an_object", Label("请求内容", "request body"))])


@dataclass(frozen=True)
class ExplanationLine:
    """One figure with the rule that produced it: ``formula`` in field names (language-neutral), ``rules``
    the pilot's rules it used, and the sentence with the numbers put in, in Chinese and in English."""

    figure: str
    amount_yuan: Decimal
    formula: str
    rules: tuple[str, ...]
    zh: str
    en: str

    def to_json(self, *, english: bool | None = None) -> dict[str, Any]:
        """Both sentences (``english`` None, for storing) or the reader's one under ``text``."""
        out: dict[str, Any] = {
            "figure": self.figure,
            "amount_yuan": f"{self.amount_yuan:.2f}",
            "formula": self.formula,
            "rules": list(self.rules),
        }
        if english is None:
            out.update(zh=self.zh, en=self.en)
        else:
            out["text"] = self.en if english else self.zh
        return out
