"""A retrofit project's tripartite cost split (pure Python, no Django).

Why: the pilots share a retrofit's cost three ways — 企业出一点、服务商让一点、政府补一点 (DOMAIN.md 1.4): the
provider concedes the difference between its list price and the pilot price, the government subsidises a
share of the eligible spending up to a per-enterprise cap, and the enterprise pays the rest. The subsidy rate,
the cap and what counts as eligible are set locally (DOMAIN.md 2.7, 8.5: e.g. 杭州 50 % of eligible
investment, at most 500,000 yuan per enterprise; 深圳 counts software, cloud services, data-acquisition
devices and consulting), so they are the pilot's rules, given here as data. Central and local money are
accounted separately (宁波, DOMAIN.md 2.7), hence the central share.

The figures, in yuan with two decimals (fen), from the lines (category, list price, pilot price, quantity):
- contract = Σ pilot_price × quantity;
- concession = Σ (list_price − pilot_price) × quantity;
- eligible = Σ pilot_price × quantity over the lines whose category is one of ``eligible_categories``;
- subsidy = min(eligible × subsidy_rate, cap_per_enterprise_yuan − prior_subsidy_yuan), never below 0,
  rounded DOWN to the fen (the government never pays a fraction of a fen more than the rule allows);
- central = subsidy × central_share, rounded half-up to the fen; local = subsidy − central (so the two add
  up to the subsidy exactly);
- enterprise = contract − subsidy.
Quantities are whole numbers, so every sum is exact to the fen.

Input is read by dengta.projects.inputs (no floats; every problem named with its field's path).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from dengta.projects.inputs import (
    FEN,
    MONEY_INTEGER_DIGITS,
    MONEY_PLACES,
    PRECISION,
    RATE_PLACES,
    CalculatorError,
    ExplanationLine,
    Field,
    Label,
    Path,
    Reader,
    line_label,
    pct,
    problem,
    request_object,
    yuan,
)

MAX_LINES = 500
MAX_QUANTITY = 1_000_000
MAX_CATEGORY = 50

# ---------------------------------------------------------------------------------------------------------
# The rules, the lines and the result

RULE_FIELDS: Mapping[str, Field] = {
    "subsidy_rate": Field(Label("补贴比例", "subsidy rate"), RATE_PLACES, "rate"),
    "cap_per_enterprise_yuan": Field(
        Label("单户补贴上限", "subsidy cap per enterprise"), MONEY_PLACES, "money"
    ),
    "central_share": Field(Label("中央资金分担比例", "central share"), RATE_PLACES, "rate"),
}
RULES_LABEL = Label("补贴规则", "subsidy rules")
CATEGORIES_LABEL = Label("可补贴类别", "eligible categories")
PRIOR = Field(Label("此前已获补贴", "prior subsidy"), MONEY_PLACES, "money")
LINES_LABEL = Label("投入明细", "lines")
CATEGORY_LABEL = Label("类别", "category")
LINE_FIELDS: Mapping[str, Field] = {
    "list_price_yuan": Field(Label("目录价", "list price"), MONEY_PLACES, "money"),
    "pilot_price_yuan": Field(Label("试点价", "pilot price"), MONEY_PLACES, "money"),
    # Places allowed so that "2.5" is refused as not whole rather than for its places.
    "quantity": Field(Label("数量", "quantity"), RATE_PLACES, "count", MAX_QUANTITY),
}


@dataclass(frozen=True, kw_only=True)
class CostRules:
    """The pilot's subsidy rules (data): already parsed; build them from a request with ``parse_rules``."""

    subsidy_rate: Decimal
    cap_per_enterprise_yuan: Decimal
    central_share: Decimal
    eligible_categories: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class CostLine:
    category: str
    list_price_yuan: Decimal
    pilot_price_yuan: Decimal
    quantity: int


FIGURES = (
    "contract_yuan",
    "concession_yuan",
    "eligible_yuan",
    "subsidy_yuan",
    "central_yuan",
    "local_yuan",
    "enterprise_yuan",
)


@dataclass(frozen=True)
class CostSplit:
    contract_yuan: Decimal
    concession_yuan: Decimal
    eligible_yuan: Decimal
    subsidy_yuan: Decimal
    central_yuan: Decimal
    local_yuan: Decimal
    enterprise_yuan: Decimal
    explanation: tuple[ExplanationLine, ...]

    def to_json(self, *, english: bool | None = None) -> dict[str, Any]:
        """Every figure as a string with exactly 2 decimals, and the explanation."""
        out: dict[str, Any] = {name: f"{getattr(self, name):.2f}" for name in FIGURES}
        out["explanation"] = [line.to_json(english=english) for line in self.explanation]
        return out


# ---------------------------------------------------------------------------------------------------------
# Parsing a request


def parse_rules(reader: Reader, raw: Any) -> CostRules | None:
    rules = reader.mapping(raw, ("rules",), RULES_LABEL)
    if rules is None:
        return None
    values = {key: reader.number(rules, key, ("rules",), spec) for key, spec in RULE_FIELDS.items()}
    categories = _categories(reader, rules)
    if categories is None or any(v is None for v in values.values()):
        return None
    return CostRules(
        subsidy_rate=_known(values["subsidy_rate"]),
        cap_per_enterprise_yuan=_known(values["cap_per_enterprise_yuan"]),
        central_share=_known(values["central_share"]),
        eligible_categories=categories,
    )


def _known(value: Decimal | None) -> Decimal:
    assert value is not None
    return value


def _categories(reader: Reader, rules: Mapping[str, Any]) -> frozenset[str] | None:
    path: Path = ("rules", "eligible_categories")
    raw = rules.get("eligible_categories")
    # An empty list is allowed: a pilot may subsidise nothing of this project.
    if raw is None:
        reader.add(path, "missing", CATEGORIES_LABEL)
        return None
    if not isinstance(raw, list) or len(raw) > MAX_LINES:
        code = "not_a_list" if not isinstance(raw, list) else "too_many"
        reader.add(
            path, code, CATEGORIES_LABEL, limit=MAX_LINES, count=len(raw) if isinstance(raw, list) else 0
        )
        return None
    bad = [i for i, c in enumerate(raw) if not isinstance(c, str) or not c.strip() or len(c) > MAX_CATEGORY]
    if bad:
        reader.add(
            path, "bad_items", CATEGORIES_LABEL, items=", ".join(str(i + 1) for i in bad), limit=MAX_CATEGORY
        )
        return None
    return frozenset(c.strip() for c in raw)


def parse_line(reader: Reader, index: int, raw: Any) -> CostLine | None:
    path: Path = ("lines", index)
    line = reader.mapping(raw, path, Label(f"第{index + 1}条明细", f"line {index + 1}", bare=True))
    if line is None:
        return None
    category = reader.text(line, "category", path, line_label(index, CATEGORY_LABEL), MAX_CATEGORY)
    values = {
        key: reader.number(line, key, path, replace(spec, label=line_label(index, spec.label)))
        for key, spec in LINE_FIELDS.items()
    }
    list_price, pilot_price, quantity = (
        values["list_price_yuan"],
        values["pilot_price_yuan"],
        values["quantity"],
    )
    if list_price is not None and pilot_price is not None and pilot_price > list_price:
        label = line_label(index, LINE_FIELDS["pilot_price_yuan"].label)
        reader.add(
            (*path, "pilot_price_yuan"),
            "pilot_above_list",
            label,
            value=yuan(pilot_price),
            list=yuan(list_price),
        )
        return None
    if category is None or list_price is None or pilot_price is None or quantity is None:
        return None
    return CostLine(
        category=category, list_price_yuan=list_price, pilot_price_yuan=pilot_price, quantity=int(quantity)
    )


def parse_cost_request(data: Any) -> tuple[CostRules, tuple[CostLine, ...], Decimal]:
    """The rules, the lines and the prior subsidy of a request, or ``CalculatorError`` with every problem."""
    body = request_object(data)
    reader = Reader()
    rules = parse_rules(reader, body.get("rules"))
    raw_lines = reader.items(body, "lines", LINES_LABEL, MAX_LINES)
    lines: list[CostLine | None] = []
    if raw_lines is not None:
        if not raw_lines:
            reader.add(("lines",), "empty", LINES_LABEL)
        lines = [parse_line(reader, i, raw) for i, raw in enumerate(raw_lines)]
    # Optional: a first project of the enterprise has had no subsidy before.
    prior = (
        reader.number(body, "prior_subsidy_yuan", (), PRIOR) if "prior_subsidy_yuan" in body else Decimal(0)
    )
    reader.raise_if_any()
    assert rules is not None and prior is not None
    parsed = tuple(line for line in lines if line is not None)
    _check_total(parsed)
    return rules, parsed, prior


def _check_total(lines: Sequence[CostLine]) -> None:
    """Each price fits a money column; their sums must too (the contract and list totals are stored)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        listed = sum((line.list_price_yuan * line.quantity for line in lines), Decimal(0))
    if listed >= Decimal(10) ** MONEY_INTEGER_DIGITS:
        label = LINES_LABEL
        raise CalculatorError(
            [problem(("lines",), "total_too_large", label, value=yuan(listed), digits=MONEY_INTEGER_DIGITS)]
        )


# ---------------------------------------------------------------------------------------------------------
# The split


def split_cost(
    rules: CostRules, lines: Sequence[CostLine], prior_subsidy_yuan: Decimal = Decimal(0)
) -> CostSplit:
    """The split of the module docstring, for parsed rules and lines (``parse_cost_request``)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION  # bounded inputs: every product and sum below is exact
        contract = sum((line.pilot_price_yuan * line.quantity for line in lines), Decimal(0))
        concession = sum(
            ((line.list_price_yuan - line.pilot_price_yuan) * line.quantity for line in lines), Decimal(0)
        )
        eligible = sum(
            (
                line.pilot_price_yuan * line.quantity
                for line in lines
                if line.category in rules.eligible_categories
            ),
            Decimal(0),
        )
        by_rate = eligible * rules.subsidy_rate
        room = rules.cap_per_enterprise_yuan - prior_subsidy_yuan
        subsidy = max(min(by_rate, room), Decimal(0)).quantize(FEN, rounding=ROUND_DOWN) + 0
        central = (subsidy * rules.central_share).quantize(FEN, rounding=ROUND_HALF_UP) + 0
        local = subsidy - central
        enterprise = contract - subsidy
    figures = {
        "contract_yuan": contract.quantize(FEN),
        "concession_yuan": concession.quantize(FEN),
        "eligible_yuan": eligible.quantize(FEN),
        "subsidy_yuan": subsidy,
        "central_yuan": central,
        "local_yuan": local.quantize(FEN),
        "enterprise_yuan": enterprise.quantize(FEN),
    }
    explanation = _explain(figures, rules, lines, prior_subsidy_yuan, by_rate, room)
    return CostSplit(**figures, explanation=explanation)


def cost_split_from_json(data: Any) -> CostSplit:
    """Parse a request (``parse_cost_request``) and split it; ``CalculatorError`` for bad input."""
    rules, lines, prior = parse_cost_request(data)
    return split_cost(rules, lines, prior)


def _explain(
    f: Mapping[str, Decimal],
    rules: CostRules,
    lines: Sequence[CostLine],
    prior: Decimal,
    by_rate: Decimal,
    room: Decimal,
) -> tuple[ExplanationLine, ...]:
    contract, concession, eligible = (
        yuan(f["contract_yuan"]),
        yuan(f["concession_yuan"]),
        yuan(f["eligible_yuan"]),
    )
    subsidy, central, local = yuan(f["subsidy_yuan"]), yuan(f["central_yuan"]), yuan(f["local_yuan"])
    enterprise, cap, prior_text = yuan(f["enterprise_yuan"]), yuan(rules.cap_per_enterprise_yuan), yuan(prior)
    rate, central_pct = pct(rules.subsidy_rate), pct(rules.central_share)
    counted = [line.category for line in lines if line.category in rules.eligible_categories]
    kinds_zh = "、".join(sorted(rules.eligible_categories)) or "无"
    kinds_en = ", ".join(sorted(rules.eligible_categories)) or "none"
    return (
        ExplanationLine(
            "contract_yuan",
            f["contract_yuan"],
            "Σ pilot_price_yuan × quantity",
            (),
            f"合同金额{contract}元＝{len(lines)}条明细的试点价×数量之和。",
            f"Contract of {contract} yuan = the sum of pilot price × quantity over {len(lines)} line(s).",
        ),
        ExplanationLine(
            "concession_yuan",
            f["concession_yuan"],
            "Σ (list_price_yuan − pilot_price_yuan) × quantity",
            (),
            f"服务商让利{concession}元＝（目录价−试点价）×数量之和。",
            f"Provider's concession of {concession} yuan = the sum of (list price − pilot price) × quantity.",
        ),
        ExplanationLine(
            "eligible_yuan",
            f["eligible_yuan"],
            "Σ pilot_price_yuan × quantity, category ∈ eligible_categories",
            ("eligible_categories",),
            f"可补贴金额{eligible}元＝可补贴类别（{kinds_zh}）内{len(counted)}条明细的试点价×数量之和。",
            f"Eligible spending of {eligible} yuan = the sum of pilot price × quantity over the "
            f"{len(counted)} line(s) in the eligible categories ({kinds_en}).",
        ),
        _subsidy_line(f["subsidy_yuan"], eligible, rate, cap, prior_text, by_rate, room),
        ExplanationLine(
            "central_yuan",
            f["central_yuan"],
            "subsidy_yuan × central_share, half-up to the fen",
            ("central_share",),
            f"中央资金{central}元＝补贴{subsidy}元×中央分担比例{central_pct}%，四舍五入到分。",
            f"Central funds of {central} yuan = subsidy of {subsidy} yuan × central share of "
            f"{central_pct} %, rounded half-up to the fen.",
        ),
        ExplanationLine(
            "local_yuan",
            f["local_yuan"],
            "subsidy_yuan − central_yuan",
            ("central_share",),
            f"地方资金{local}元＝补贴{subsidy}元−中央资金{central}元。",
            f"Local funds of {local} yuan = subsidy of {subsidy} yuan − central funds of {central} yuan.",
        ),
        ExplanationLine(
            "enterprise_yuan",
            f["enterprise_yuan"],
            "contract_yuan − subsidy_yuan",
            (),
            f"企业自付{enterprise}元＝合同金额{contract}元−补贴{subsidy}元。",
            f"The enterprise pays {enterprise} yuan = contract of {contract} yuan − subsidy of "
            f"{subsidy} yuan.",
        ),
    )


def _subsidy_line(
    subsidy: Decimal, eligible: str, rate: str, cap: str, prior: str, by_rate: Decimal, room: Decimal
) -> ExplanationLine:
    amount = yuan(subsidy)
    if room <= 0:
        which_zh, which_en = "单户上限已用完，补贴为0", "the cap is used up, so the subsidy is 0"
    elif by_rate <= room:
        which_zh, which_en = (
            "按比例计算的金额未超过剩余额度",
            "the amount by the rate is within the room left",
        )
    else:
        which_zh, which_en = (
            "按比例计算的金额超过剩余额度，以剩余额度为准",
            "the room left under the cap binds",
        )
    return ExplanationLine(
        "subsidy_yuan",
        subsidy,
        "min(eligible_yuan × subsidy_rate, cap_per_enterprise_yuan − prior_subsidy_yuan), at least 0, "
        "rounded down to the fen",
        ("subsidy_rate", "cap_per_enterprise_yuan"),
        f"补贴{amount}元＝min（可补贴金额{eligible}元×补贴比例{rate}%，单户上限{cap}元−此前已获补贴{prior}元），"
        f"不低于0，向下取整到分；{which_zh}。",
        f"Subsidy of {amount} yuan = min(eligible {eligible} yuan × subsidy rate {rate} %, cap of {cap} "
        f"yuan − prior subsidy of {prior} yuan), at least 0, rounded down to the fen; {which_en}.",
    )
