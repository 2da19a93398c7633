"""An approved city pilot's award split into envelopes (pure Python, no Django).

Why: the city pilot pays each city a fixed central award (定额奖励), at most 150 million yuan for provincial
capitals, 计划单列市 and the 兵团 and at most 100 million yuan for other prefecture-level cities and municipal
districts/counties; not less than 80 % of it goes to SME digital retrofit and not more than 20 % to raising
the service capacity of platforms and providers (DOMAIN.md 2.1, 8.5). Cities add their own money: 宁波, for
one, spends central funds and city funds on different things (DOMAIN.md 2.7), so local matching funds are
recorded beside the award and are outside the 80/20 split, which applies to the central funds (DOMAIN.md 8.5).
The cap for the city's tier and the two shares come from the batch's rules (``AllocationRules``, given as
Decimals or strings, never floats), held as data elsewhere.

The split, in yuan with two decimals (fen):
- retrofit = award × retrofit share, rounded DOWN to the fen;
- service = award − retrofit, so that the two envelopes always add up to the award exactly;
- total = award + local matching funds.
Because retrofit is rounded down, it can fall short of award × share by less than one fen (and the service
envelope exceed its share by as much); the 80/20 rule is checked on the shares the city states, exactly.

Refusals are ``AllocationError`` with a stable code and a sentence in Chinese and in English, checked in this
order (``check_split`` returns all of them, ``split_award`` raises the first):
``not_a_number`` (money must be a decimal with at most 2 places and at most 14 digits before the point, as in
the money columns (ARCHITECTURE.md convention 9); shares at most 4 places; floats are refused, never rounded),
``negative_amount``, ``shares_do_not_add_up`` (retrofit + service must be exactly 1),
``retrofit_share_below_minimum``, ``service_share_above_maximum``, ``award_over_cap`` (the cap is inclusive).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal, InvalidOperation, localcontext
from typing import Any

from dengta.core.decimals import decimal_places

Number = Decimal | str | int

NOT_A_NUMBER = "not_a_number"
NEGATIVE_AMOUNT = "negative_amount"
SHARES_DO_NOT_ADD_UP = "shares_do_not_add_up"
RETROFIT_SHARE_BELOW_MINIMUM = "retrofit_share_below_minimum"
SERVICE_SHARE_ABOVE_MAXIMUM = "service_share_above_maximum"
AWARD_OVER_CAP = "award_over_cap"
ERROR_CODES = (
    NOT_A_NUMBER,
    NEGATIVE_AMOUNT,
    SHARES_DO_NOT_ADD_UP,
    RETROFIT_SHARE_BELOW_MINIMUM,
    SERVICE_SHARE_ABOVE_MAXIMUM,
    AWARD_OVER_CAP,
)

MONEY_PLACES, SHARE_PLACES = 2, 4
MONEY_INTEGER_DIGITS = 14  # DecimalField(max_digits=16, decimal_places=2)
FEN = Decimal("0.01")

# field → (Chinese label, English label, decimal places allowed)
FIELDS: Mapping[str, tuple[str, str, int]] = {
    "award_yuan": ("中央财政奖励资金", "central award", MONEY_PLACES),
    "retrofit_share": ("中小企业数字化改造资金比例", "retrofit share", SHARE_PLACES),
    "service_share": ("服务能力提升资金比例", "service-capacity share", SHARE_PLACES),
    "local_matching_yuan": ("地方配套资金", "local matching funds", MONEY_PLACES),
}


class AllocationError(ValueError):
    """A split the rules refuse, or an input that is not a usable number."""

    def __init__(self, code: str, params: Mapping[str, Any], sentence_zh: str, sentence_en: str) -> None:
        super().__init__(f"{code}: {sentence_en}")
        self.code = code
        self.params = dict(params)
        self.sentence_zh = sentence_zh
        self.sentence_en = sentence_en

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params, "zh": self.sentence_zh, "en": self.sentence_en}


class AllocationRulesError(ValueError):
    """The rules themselves are not valid (a data error, raised when building them)."""


@dataclass(frozen=True, kw_only=True)
class AllocationRules:
    cap_yuan: Decimal  # the award cap of the city's tier, inclusive
    min_retrofit_share: Decimal = Decimal("0.80")
    max_service_share: Decimal = Decimal("0.20")

    def __post_init__(self) -> None:
        for name, places in (("cap_yuan", 2), ("min_retrofit_share", 4), ("max_service_share", 4)):
            raw = getattr(self, name)
            try:
                value = _parse(raw, places)
            except _Unparsable as exc:
                raise AllocationRulesError(f"{name}: {raw!r} is not valid ({exc.problem})") from exc
            if value < 0 or (name != "cap_yuan" and value > 1):
                raise AllocationRulesError(f"{name}: {value} is out of range")
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class ExplanationLine:
    code: str  # "award", "retrofit", "service", "local_matching", "total"
    amount_yuan: Decimal
    rule: str  # the rule that produced the figure, a stable code
    sentence_zh: str
    sentence_en: str

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "amount_yuan": str(self.amount_yuan),
            "rule": self.rule,
            "zh": self.sentence_zh,
            "en": self.sentence_en,
        }


@dataclass(frozen=True)
class Allocation:
    award_yuan: Decimal
    retrofit_share: Decimal
    service_share: Decimal
    retrofit_yuan: Decimal
    service_yuan: Decimal
    local_matching_yuan: Decimal
    total_yuan: Decimal
    rules: AllocationRules
    explanation: tuple[ExplanationLine, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "award_yuan": str(self.award_yuan),
            "retrofit_share": str(self.retrofit_share),
            "service_share": str(self.service_share),
            "retrofit_yuan": str(self.retrofit_yuan),
            "service_yuan": str(self.service_yuan),
            "local_matching_yuan": str(self.local_matching_yuan),
            "total_yuan": str(self.total_yuan),
            "rules": {
                "cap_yuan": str(self.rules.cap_yuan),
                "min_retrofit_share": str(self.rules.min_retrofit_share),
                "max_service_share": str(self.rules.max_service_share),
            },
            "explanation": [line.to_json() for line in self.explanation],
        }


# ---------------------------------------------------------------------------------------------------------
# Parsing


# problem → (Chinese, English); ``{places}`` and ``{digits}`` are filled in
PROBLEMS: Mapping[str, tuple[str, str]] = {
    "float": (
        "不接受浮点数，请以文本或定点小数给出",
        "floats are refused, never rounded; give text or a Decimal",
    ),
    "not_decimal": ("不是数字", "it is not a number"),
    "not_finite": ("不是有限的数字", "it is not a finite number"),
    "too_many_places": ("最多保留{places}位小数", "at most {places} decimal places are allowed"),
    "too_large": ("整数部分最多{digits}位", "at most {digits} digits are allowed before the decimal point"),
}


class _Unparsable(ValueError):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _parse(value: Any, places: int, integer_digits: int | None = None) -> Decimal:
    """A Decimal from a Decimal, an int or a string, or ``_Unparsable`` naming the problem (``PROBLEMS``)."""
    if isinstance(value, float):
        raise _Unparsable("float")
    if isinstance(value, bool) or not isinstance(value, Decimal | str | int):
        raise _Unparsable("not_decimal")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation as exc:
        raise _Unparsable("not_decimal") from exc
    if not number.is_finite():
        raise _Unparsable("not_finite")
    if decimal_places(number) > places:
        raise _Unparsable("too_many_places")
    # Shares are bounded too (by the money's width; their range check comes later): a number such as 1E100
    # would otherwise reach quantize below with more digits than its context holds.
    if number.adjusted() >= (integer_digits if integer_digits is not None else MONEY_INTEGER_DIGITS):
        raise _Unparsable("too_large")
    with localcontext() as ctx:
        ctx.prec = 40
        # quantize shows every figure with its places; adding 0 turns -0 into 0
        return number.quantize(Decimal(1).scaleb(-places)) + 0


def _not_a_number(name: str, value: Any, problem: str) -> AllocationError:
    label_zh, label_en, places = FIELDS[name]
    shown = value if isinstance(value, str) else repr(value)
    zh, en = (text.format(places=places, digits=MONEY_INTEGER_DIGITS) for text in PROBLEMS[problem])
    params = {"field": name, "value": shown, "problem": problem, "max_places": places}
    return AllocationError(
        NOT_A_NUMBER,
        params,
        f"{label_zh}“{shown}”无效：{zh}。",
        f"The {label_en} “{shown}” is not valid: {en}.",
    )


# ---------------------------------------------------------------------------------------------------------
# Checks


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _pct(share: Decimal) -> str:
    """A share as a percentage without trailing zeros: 0.8 → "80", 0.8125 → "81.25"."""
    text = f"{share * 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _parse_all(values: Mapping[str, Any]) -> tuple[dict[str, Decimal], list[AllocationError]]:
    parsed: dict[str, Decimal] = {}
    errors = []
    for name, value in values.items():
        places = FIELDS[name][2]
        digits = MONEY_INTEGER_DIGITS if places == MONEY_PLACES else None
        try:
            parsed[name] = _parse(value, places, digits)
        except _Unparsable as exc:
            errors.append(_not_a_number(name, value, exc.problem))
    return parsed, errors


def _negatives(parsed: Mapping[str, Decimal]) -> list[AllocationError]:
    errors = []
    for name, value in parsed.items():
        if value < 0:
            label_zh, label_en, _ = FIELDS[name]
            errors.append(
                AllocationError(
                    NEGATIVE_AMOUNT,
                    {"field": name, "value": str(value)},
                    f"{label_zh}不能为负数，收到{value}。",
                    f"The {label_en} cannot be negative; got {value}.",
                )
            )
    return errors


def _rule_breaches(
    award: Decimal, retrofit: Decimal, service: Decimal, rules: AllocationRules
) -> list[AllocationError]:
    errors = []
    total = retrofit + service
    if total != 1:
        errors.append(
            AllocationError(
                SHARES_DO_NOT_ADD_UP,
                {"retrofit_share": str(retrofit), "service_share": str(service), "sum": str(total)},
                f"改造资金比例{_pct(retrofit)}%与服务能力提升资金比例{_pct(service)}%之和为{_pct(total)}%，"
                "应恰好为100%。",
                f"The retrofit share ({_pct(retrofit)} %) and the service-capacity share ({_pct(service)} %) "
                f"add up to {_pct(total)} %; they must add up to exactly 100 %.",
            )
        )
    if retrofit < rules.min_retrofit_share:
        minimum = rules.min_retrofit_share
        errors.append(
            AllocationError(
                RETROFIT_SHARE_BELOW_MINIMUM,
                {"retrofit_share": str(retrofit), "minimum": str(minimum)},
                f"用于中小企业数字化改造的比例{_pct(retrofit)}%低于最低要求{_pct(minimum)}%。",
                f"The SME retrofit share of {_pct(retrofit)} % is below the minimum of {_pct(minimum)} %.",
            )
        )
    if service > rules.max_service_share:
        maximum = rules.max_service_share
        errors.append(
            AllocationError(
                SERVICE_SHARE_ABOVE_MAXIMUM,
                {"service_share": str(service), "maximum": str(maximum)},
                f"用于提升服务能力的比例{_pct(service)}%超过上限{_pct(maximum)}%。",
                f"The service-capacity share of {_pct(service)} % is above the maximum of {_pct(maximum)} %.",
            )
        )
    if award > rules.cap_yuan:
        errors.append(
            AllocationError(
                AWARD_OVER_CAP,
                {"award_yuan": str(award), "cap_yuan": str(rules.cap_yuan)},
                f"中央财政奖励{_yuan(award)}元超过该类城市的上限{_yuan(rules.cap_yuan)}元。",
                f"The central award of {_yuan(award)} yuan is above the cap of {_yuan(rules.cap_yuan)} yuan "
                "for this tier of city.",
            )
        )
    return errors


def _checked(
    award_yuan: Any, retrofit_share: Any, service_share: Any, local_matching_yuan: Any, rules: AllocationRules
) -> tuple[dict[str, Decimal], list[AllocationError]]:
    raw = {
        "award_yuan": award_yuan,
        "retrofit_share": retrofit_share,
        "service_share": service_share,
        "local_matching_yuan": local_matching_yuan,
    }
    parsed, errors = _parse_all(raw)
    if errors:
        return parsed, errors
    errors = _negatives(parsed)
    if errors:
        return parsed, errors
    breaches = _rule_breaches(parsed["award_yuan"], parsed["retrofit_share"], parsed["service_share"], rules)
    return parsed, breaches


def check_split(
    award_yuan: Number,
    retrofit_share: Number,
    service_share: Number,
    local_matching_yuan: Number,
    rules: AllocationRules,
) -> tuple[AllocationError, ...]:
    """Every refusal of the split, in the order of the module docstring (empty: the split is allowed).

    A field that is not a number stops the other checks; so do negative amounts."""
    return tuple(_checked(award_yuan, retrofit_share, service_share, local_matching_yuan, rules)[1])


# ---------------------------------------------------------------------------------------------------------
# The split


def _explain(allocation: Allocation) -> tuple[ExplanationLine, ...]:
    a, rules = allocation, allocation.rules
    award, retrofit, service = _yuan(a.award_yuan), _yuan(a.retrofit_yuan), _yuan(a.service_yuan)
    local, total, cap = _yuan(a.local_matching_yuan), _yuan(a.total_yuan), _yuan(rules.cap_yuan)
    r_pct, s_pct = _pct(a.retrofit_share), _pct(a.service_share)
    min_pct, max_pct = _pct(rules.min_retrofit_share), _pct(rules.max_service_share)
    return (
        ExplanationLine(
            "award",
            a.award_yuan,
            "award_within_cap",
            f"中央财政定额奖励{award}元，不超过该类城市的上限{cap}元。",
            f"Central fixed award of {award} yuan, within the cap of {cap} yuan for this tier of city.",
        ),
        ExplanationLine(
            "retrofit",
            a.retrofit_yuan,
            "retrofit_share_rounded_down",
            f"中小企业数字化改造资金{retrofit}元＝奖励×{r_pct}%，向下取整到分（比例不低于{min_pct}%）。",
            f"SME digital retrofit envelope of {retrofit} yuan = award × {r_pct} %, rounded down to the fen "
            f"(the share is at least {min_pct} %).",
        ),
        ExplanationLine(
            "service",
            a.service_yuan,
            "service_is_remainder",
            f"服务能力提升资金{service}元＝奖励−改造资金，两项合计恰为奖励（比例{s_pct}%，不超过{max_pct}%）。",
            f"Service-capacity envelope of {service} yuan = award − retrofit envelope, so the two add up to "
            f"the award exactly (share {s_pct} %, at most {max_pct} %).",
        ),
        ExplanationLine(
            "local_matching",
            a.local_matching_yuan,
            "local_funds_outside_split",
            f"地方配套资金{local}元，由地方财政安排，不参与中央奖励资金的改造/服务能力比例分配。",
            f"Local matching funds of {local} yuan, from local budgets and outside the central award's "
            "retrofit / service-capacity split.",
        ),
        ExplanationLine(
            "total",
            a.total_yuan,
            "total_is_sum",
            f"资金合计{total}元＝中央奖励{award}元＋地方配套{local}元。",
            f"Total of {total} yuan = central award of {award} yuan + local matching funds of {local} yuan.",
        ),
    )


def split_award(
    award_yuan: Number,
    retrofit_share: Number,
    service_share: Number,
    local_matching_yuan: Number,
    rules: AllocationRules,
) -> Allocation:
    """The award split into its envelopes (module docstring); raises the first ``AllocationError``."""
    parsed, errors = _checked(award_yuan, retrofit_share, service_share, local_matching_yuan, rules)
    if errors:
        raise errors[0]
    award, share = parsed["award_yuan"], parsed["retrofit_share"]
    with localcontext() as ctx:
        ctx.prec = 40  # 14 + 2 + 4 digits at most: exact
        retrofit = (award * share).quantize(FEN, rounding=ROUND_DOWN)
        service = award - retrofit
        total = award + parsed["local_matching_yuan"]
    allocation = Allocation(
        award_yuan=award,
        retrofit_share=share,
        service_share=parsed["service_share"],
        retrofit_yuan=retrofit,
        service_yuan=service,
        local_matching_yuan=parsed["local_matching_yuan"],
        total_yuan=total,
        rules=rules,
    )
    return replace(allocation, explanation=_explain(allocation))
