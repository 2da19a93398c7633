"""The cost-split and gain-share calculators over the API (docs/projects.md, "Cost split and gain sharing").

Both are pure calculations (dengta.projects.cost_split, dengta.projects.gain_share) open to any signed-in
member of an organisation: they read nothing stored and change nothing, so there is nothing to scope. Money
goes in and out as decimal strings and never passes through a float: a JSON number is read through its
shortest repr. Bad input answers 400 with each field's reasons, nested as a serializer's errors are, in the
request's language; the explanation comes in that language too.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dengta.api.assessment.serializers import ErrorSerializer
from dengta.api.base import ViewerMixin
from dengta.core.language import in_english
from dengta.projects import cost_split, gain_share
from dengta.projects.inputs import CalculatorError


class CalculatorJSONParser(JSONParser):
    """Lets the literals NaN and Infinity through to the calculators, which refuse them naming the field,
    instead of failing the whole body."""

    strict = False


PARSERS = [CalculatorJSONParser, FormParser, MultiPartParser]
INVALID = OpenApiResponse(
    description="invalid input: each field with its reasons, nested as the request is "
    '(e.g. {"lines": [{}, {"quantity": ["…"]}]}), in the request\'s language'
)
REFUSED = {401: ErrorSerializer, 403: ErrorSerializer}
MONEY = "yuan, a decimal string with at most 2 decimals (a JSON integer also)"
RATE = "0–1 as a decimal string (0.5 = 50 %), at most 6 decimals"


def money(help_text: str = MONEY) -> serializers.CharField:
    return serializers.CharField(help_text=help_text)


class ExplanationLineSerializer(serializers.Serializer[Any]):
    figure = serializers.CharField(help_text="the figure this line explains, e.g. subsidy_yuan")
    amount_yuan = money("the figure, 2 decimals")
    formula = serializers.CharField(help_text="the rule that produced it, in field names")
    rules = serializers.ListField(child=serializers.CharField(), help_text="the contract's rules it used")
    text = serializers.CharField(help_text="the rule with the numbers put in, in the request's language")


def _answer(compute: Any, data: Any) -> Response:
    english = in_english()
    try:
        result = compute(data)
    except CalculatorError as exc:
        return Response(exc.by_field(english=english), status=400)
    return Response(result.to_json(english=english))


# ---------------------------------------------------------------------------------------------- cost split


class CostSplitRulesSerializer(serializers.Serializer[Any]):
    subsidy_rate = serializers.CharField(help_text=RATE)
    cap_per_enterprise_yuan = money()
    central_share = serializers.CharField(help_text="share of the subsidy paid by central funds; " + RATE)
    eligible_categories = serializers.ListField(
        child=serializers.CharField(), help_text="the categories the subsidy counts; may be empty"
    )


class CostSplitLineSerializer(serializers.Serializer[Any]):
    category = serializers.CharField(max_length=cost_split.MAX_CATEGORY)
    list_price_yuan = money()
    pilot_price_yuan = money("at most the list price; " + MONEY)
    quantity = serializers.CharField(help_text="a whole number ≥ 1 (string or integer)")


class CostSplitInputSerializer(serializers.Serializer[Any]):
    rules = CostSplitRulesSerializer()
    lines = CostSplitLineSerializer(many=True, help_text=f"1 to {cost_split.MAX_LINES} lines")
    prior_subsidy_yuan = money("subsidy the enterprise already received under this cap; " + MONEY)


class CostSplitSerializer(serializers.Serializer[Any]):
    contract_yuan = money("Σ pilot price × quantity")
    concession_yuan = money("Σ (list price − pilot price) × quantity")
    eligible_yuan = money("Σ pilot price × quantity over the eligible categories")
    subsidy_yuan = money("min(eligible × rate, cap − prior), ≥ 0, rounded down to the fen")
    central_yuan = money("subsidy × central share, half-up to the fen")
    local_yuan = money("subsidy − central")
    enterprise_yuan = money("contract − subsidy")
    explanation = ExplanationLineSerializer(many=True)


COST_EXAMPLE = {
    "rules": {
        "subsidy_rate": "0.5",
        "cap_per_enterprise_yuan": "500000",
        "central_share": "0.6",
        "eligible_categories": ["software", "cloud"],
    },
    "lines": [
        {
            "category": "software",
            "list_price_yuan": "120000.00",
            "pilot_price_yuan": "100000.01",
            "quantity": 1,
        },
        {"category": "hardware", "list_price_yuan": "9000", "pilot_price_yuan": "8000", "quantity": 2},
    ],
    "prior_subsidy_yuan": "0",
}


class CostSplitView(ViewerMixin, APIView):
    """POST /api/v1/calculators/cost-split/: a project's tripartite cost split under a pilot's rules."""

    parser_classes = PARSERS

    @extend_schema(
        summary="Split a retrofit's cost between government, provider and enterprise",
        description="contract = Σ pilot price × quantity; concession = Σ (list − pilot) × quantity; "
        "eligible = Σ pilot price × quantity over the eligible categories; subsidy = "
        "min(eligible × subsidy_rate, cap_per_enterprise_yuan − prior_subsidy_yuan), never below 0, "
        "rounded down to the fen; central = "
        "subsidy × central_share half-up; local = subsidy − central; enterprise = contract − subsidy. "
        "Every figure a decimal string with 2 decimals, with the explanation in the request's language.",
        request=CostSplitInputSerializer,
        responses={200: CostSplitSerializer, 400: INVALID, **REFUSED},
        examples=[OpenApiExample("Two lines, one eligible", value=COST_EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        return _answer(cost_split.cost_split_from_json, request.data)


# ---------------------------------------------------------------------------------------------- gain share


class GainShareContractSerializer(serializers.Serializer[Any]):
    kpi = serializers.ChoiceField(choices=list(gain_share.KPIS))
    kpi_name = serializers.CharField(required=False, help_text="the KPI's name; required for custom")
    lower_is_better = serializers.BooleanField(
        required=False, help_text="the direction (or give direction); required for custom"
    )
    direction = serializers.ChoiceField(
        choices=list(gain_share.DIRECTIONS), required=False, help_text="must agree with lower_is_better"
    )
    baseline = serializers.CharField(help_text="the KPI before the retrofit, decimal string")
    yuan_per_unit = money("the value of one unit of improvement; " + MONEY)
    share = serializers.CharField(help_text="the provider's share of the gain; " + RATE)
    cap_total_yuan = money("the fees' cap over the term; " + MONEY)
    term_periods = serializers.IntegerField(min_value=1, max_value=gain_share.MAX_PERIODS)


class GainSharePeriodInputSerializer(serializers.Serializer[Any]):
    measured = serializers.CharField(help_text="the KPI measured in the period, decimal string")


class GainShareInputSerializer(serializers.Serializer[Any]):
    contract = GainShareContractSerializer()
    periods = GainSharePeriodInputSerializer(many=True, help_text="in order; at most term_periods")


class GainSharePeriodSerializer(serializers.Serializer[Any]):
    period = serializers.IntegerField(help_text="1-based")
    measured = serializers.CharField()
    gain_yuan = money("the exact gain half-up to the fen; may be negative")
    fee_yuan = money("min(max(gain, 0) × share, cap − fees before), ≥ 0, rounded down to the fen")
    explanation = ExplanationLineSerializer(many=True)


class GainShareSerializer(serializers.Serializer[Any]):
    periods = GainSharePeriodSerializer(many=True)
    total_fee_yuan = money("never above cap_total_yuan")


GAIN_EXAMPLE = {
    "contract": {
        "kpi": "energy_per_100_yuan_revenue",
        "direction": "lower_is_better",
        "baseline": "1.20",
        "yuan_per_unit": "10000",
        "share": "0.3",
        "cap_total_yuan": "5000",
        "term_periods": 4,
    },
    "periods": [{"measured": "1.00"}, {"measured": "1.25"}],
}


class GainShareView(ViewerMixin, APIView):
    """POST /api/v1/calculators/gain-share/: the provider's fee per period out of the measured gain."""

    parser_classes = PARSERS

    @extend_schema(
        summary="Service fees paid out of measured gains (shared savings, GB/T 24915)",
        description="Per period: gain = (baseline − measured) × yuan_per_unit when lower is better, else "
        "(measured − baseline) × yuan_per_unit; fee = min(max(gain, 0) × share, cap_total_yuan − fees "
        "before), never below 0, rounded down to the fen. Money as decimal strings with 2 decimals.",
        request=GainShareInputSerializer,
        responses={200: GainShareSerializer, 400: INVALID, **REFUSED},
        examples=[OpenApiExample("Energy per 100 yuan of revenue", value=GAIN_EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        return _answer(gain_share.gain_share_from_json, request.data)
