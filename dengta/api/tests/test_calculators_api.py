"""The cost-split and gain-share calculators over the API (docs/projects.md): the exact shape, money as
strings with 2 decimals, 400 with each field's reasons in the request's language, 401/403 without a member."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.language import assert_one_language

pytestmark = pytest.mark.django_db

COST = "/api/v1/calculators/cost-split/"
GAIN = "/api/v1/calculators/gain-share/"
FIGURES = {
    "contract_yuan",
    "concession_yuan",
    "eligible_yuan",
    "subsidy_yuan",
    "central_yuan",
    "local_yuan",
    "enterprise_yuan",
}


def token_client(user: Any) -> APIClient:
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def client(cast: Any) -> APIClient:
    return token_client(cast.members["enterprise"].user)


def cost_request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "rules": {
            "subsidy_rate": "0.5",
            "cap_per_enterprise_yuan": "500000",
            "central_share": "0.6",
            "eligible_categories": ["software", "cloud"],
        },
        "lines": [
            {
                "category": "software",
                "list_price_yuan": "1000.00",
                "pilot_price_yuan": "800.01",
                "quantity": 3,
            },
            {"category": "hardware", "list_price_yuan": "99.99", "pilot_price_yuan": "90", "quantity": 2},
        ],
        "prior_subsidy_yuan": "0",
    }
    body.update(changes)
    return body


def gain_request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contract": {
            "kpi": "energy_per_100_yuan_revenue",
            "lower_is_better": True,
            "baseline": "1.20",
            "yuan_per_unit": "10000",
            "share": "0.3",
            "cap_total_yuan": "5000",
            "term_periods": 4,
        },
        "periods": [{"measured": "1.00"}, {"measured": "1.25"}, {"measured": "0.50"}, {"measured": "0.10"}],
    }
    body.update(changes)
    return body


def test_the_cost_split_answers_every_figure_as_a_string_with_its_explanation(client: APIClient) -> None:
    response = client.post(COST, cost_request(), format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == FIGURES | {"explanation"}
    assert {name: body[name] for name in FIGURES} == {
        "contract_yuan": "2580.03",
        "concession_yuan": "619.95",
        "eligible_yuan": "2400.03",
        "subsidy_yuan": "1200.01",
        "central_yuan": "720.01",
        "local_yuan": "480.00",
        "enterprise_yuan": "1380.02",
    }
    assert [line["figure"] for line in body["explanation"]] == [
        "contract_yuan",
        "concession_yuan",
        "eligible_yuan",
        "subsidy_yuan",
        "central_yuan",
        "local_yuan",
        "enterprise_yuan",
    ]
    subsidy = body["explanation"][3]
    assert set(subsidy) == {"figure", "amount_yuan", "formula", "rules", "text"}
    assert subsidy["amount_yuan"] == "1200.01" and "向下取整到分" in subsidy["text"]
    assert subsidy["rules"] == ["subsidy_rate", "cap_per_enterprise_yuan"]
    english = client.post(COST, cost_request(), format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["subsidy_yuan"] == "1200.01"
    for line in english["explanation"]:
        assert_one_language(line["text"], language="en")
    assert "rounded down to the fen" in english["explanation"][3]["text"]


def test_the_gain_share_answers_each_period_and_the_total(client: APIClient) -> None:
    response = client.post(GAIN, gain_request(), format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"periods", "total_fee_yuan"}
    assert body["total_fee_yuan"] == "5000.00"
    assert [set(p) for p in body["periods"]] == [
        {"period", "measured", "gain_yuan", "fee_yuan", "explanation"}
    ] * 4
    assert [(p["period"], p["measured"], p["gain_yuan"], p["fee_yuan"]) for p in body["periods"]] == [
        (1, "1", "2000.00", "600.00"),
        (2, "1.25", "-500.00", "0.00"),
        (3, "0.5", "7000.00", "2100.00"),
        (4, "0.1", "11000.00", "2300.00"),
    ]
    assert [line["figure"] for line in body["periods"][3]["explanation"]] == ["gain_yuan", "fee_yuan"]
    english = client.post(GAIN, gain_request(), format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "the room left under the cap binds" in english["periods"][3]["explanation"][1]["text"]


def test_json_numbers_are_read_through_their_shortest_repr(client: APIClient) -> None:
    body = cost_request(
        rules={
            "subsidy_rate": 0.1,
            "cap_per_enterprise_yuan": 500000,
            "central_share": 0.6,
            "eligible_categories": ["software"],
        },
        lines=[{"category": "software", "list_price_yuan": 100.1, "pilot_price_yuan": 0.3, "quantity": 1}],
        prior_subsidy_yuan=0,
    )
    answer = client.post(COST, body, format="json").json()
    assert (answer["contract_yuan"], answer["concession_yuan"], answer["subsidy_yuan"]) == (
        "0.30",
        "99.80",
        "0.03",
    )
    gain = gain_request(periods=[{"measured": 1}, {"measured": 0.7}])
    gain["contract"].update(baseline=1.2, yuan_per_unit=10000, share=0.3, cap_total_yuan=5000)
    periods = client.post(GAIN, gain, format="json").json()["periods"]
    assert [(p["gain_yuan"], p["fee_yuan"]) for p in periods] == [
        ("2000.00", "600.00"),
        ("5000.00", "1500.00"),
    ]


def test_bad_cost_input_answers_400_with_each_fields_reasons(client: APIClient) -> None:
    body = cost_request(
        rules={"subsidy_rate": "1.5", "cap_per_enterprise_yuan": "-1", "central_share": True},
        lines=[
            {"category": "software", "list_price_yuan": "80", "pilot_price_yuan": "80.01", "quantity": 0},
            {"category": "cloud", "list_price_yuan": "10.001", "pilot_price_yuan": "NaN", "quantity": 1},
        ],
        prior_subsidy_yuan="1e999",
    )
    response = client.post(COST, body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["rules"] == {
        "subsidy_rate": ["补贴比例应在0到1之间（如0.5表示50%），收到1.5。"],
        "cap_per_enterprise_yuan": ["单户补贴上限不能为负数，收到-1。"],
        "central_share": ["中央资金分担比例“true”无效：是真假值，不是数字。"],
        "eligible_categories": ["可补贴类别缺失，请填写。"],
    }
    assert errors["lines"][0] == {
        "quantity": ["第1条明细的数量应为1到1000000之间的整数，收到0。"],
        "pilot_price_yuan": ["第1条明细的试点价80.01元高于目录价80.00元；试点价不能高于目录价。"],
    }
    assert errors["lines"][1] == {
        "list_price_yuan": ["第2条明细的目录价“10.001”无效：最多保留2位小数。"],
        "pilot_price_yuan": ["第2条明细的试点价“NaN”无效：不是有限的数字。"],
    }
    assert errors["prior_subsidy_yuan"] == ["此前已获补贴“1e999”无效：数值过大，整数部分最多14位。"]
    english = client.post(COST, body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["lines"][0]["quantity"] == [
        "Line 1: the quantity must be a whole number from 1 to 1000000; got 0."
    ]
    assert english["rules"]["central_share"] == [
        "The central share “true” is a true/false value, not a number."
    ]
    for messages in (english["prior_subsidy_yuan"], english["lines"][1]["pilot_price_yuan"]):
        assert_one_language(messages[0], language="en")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (cost_request(lines=[]), "lines", "投入明细至少需要一项。"),
        (
            {"rules": {}, "lines": [], "prior_subsidy_yuan": None},
            "prior_subsidy_yuan",
            "此前已获补贴缺失，请填写。",
        ),
        (cost_request(prior_subsidy_yuan="-5"), "prior_subsidy_yuan", "此前已获补贴不能为负数，收到-5。"),
        (cost_request(rules="0.5"), "rules", "补贴规则应为一个对象（键值对）。"),
    ],
)
def test_missing_and_malformed_parts_are_named(
    client: APIClient, body: Any, field: str, message: str
) -> None:
    response = client.post(COST, body, format="json")
    assert response.status_code == 400 and response.json()[field] == [message]


def test_literal_nan_and_infinity_are_refused_per_field(client: APIClient) -> None:
    raw = (
        '{"rules": {"subsidy_rate": NaN, "cap_per_enterprise_yuan": Infinity, "central_share": "0.5", '
        '"eligible_categories": []}, "lines": [{"category": "a", "list_price_yuan": 1e999, '
        '"pilot_price_yuan": "1", "quantity": 1}], "prior_subsidy_yuan": "0"}'
    )
    response = client.post(COST, raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.json()
    assert errors["rules"]["subsidy_rate"] == ["The subsidy rate “nan” is not a finite number."]
    assert errors["rules"]["cap_per_enterprise_yuan"] == [
        "The subsidy cap per enterprise “inf” is not a finite number."
    ]
    assert errors["lines"][0]["list_price_yuan"] == ["Line 1: the list price “inf” is not a finite number."]
    assert client.post(COST, "{not json", content_type="application/json").status_code == 400
    assert client.post(COST, "[1, 2]", content_type="application/json").json() == {
        "non_field_errors": ["请求内容应为一个对象（键值对）。"]
    }


def test_bad_gain_input_names_the_period(client: APIClient) -> None:
    body = gain_request(periods=[{"measured": "1"}, {}, {"measured": "abc"}])
    errors = client.post(GAIN, body, format="json").json()
    assert errors == {
        "periods": [
            {},
            {"measured": ["第2期的实测值缺失，请填写。"]},
            {"measured": ["第3期的实测值“abc”无效：不是数字。"]},
        ]
    }
    english = client.post(GAIN, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json()["periods"][1] == {"measured": ["Period 2: the measured value is missing."]}
    too_many = client.post(GAIN, gain_request(periods=[{"measured": "1"}] * 5), format="json")
    assert too_many.status_code == 400 and too_many.json() == {
        "periods": ["收益报表共5期，超过合同期数4期。"]
    }


@pytest.mark.parametrize(
    ("changes", "field", "english"),
    [
        ({"share": "1.2"}, "share", "The provider's share must be between 0 and 1 (0.5 = 50 %); got 1.2."),
        ({"cap_total_yuan": "-1"}, "cap_total_yuan", "The total fee cap cannot be negative; got -1."),
        (
            {"term_periods": 0},
            "term_periods",
            "The term in periods must be a whole number from 1 to 600; got 0.",
        ),
        ({"kpi": "oee"}, "kpi", None),
        ({"direction": "higher_is_better"}, "direction", None),
        ({"baseline": None}, "baseline", "The baseline is missing."),
        ({"kpi": "custom"}, "kpi_name", "The custom KPI's name is missing."),
        ({"yuan_per_unit": "0.0000001"}, "yuan_per_unit", None),
    ],
)
def test_bad_contracts_are_refused_per_field(
    client: APIClient, changes: dict[str, Any], field: str, english: str | None
) -> None:
    body = gain_request()
    body["contract"] = {**body["contract"], **changes}
    chinese = client.post(GAIN, body, format="json")
    assert chinese.status_code == 400 and field in chinese.json()["contract"]
    answer = client.post(GAIN, body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["contract"][field]
    assert_one_language(answer[0], language="en")
    if english is not None:
        assert answer == [english]


def test_only_signed_in_members_may_calculate(cast: Any) -> None:
    anonymous = APIClient()
    assert anonymous.post(COST, cost_request(), format="json").status_code == 401
    assert anonymous.post(GAIN, gain_request(), format="json").status_code == 401
    loner = token_client(UserFactory.create(username="no-organisation"))
    refused = loner.post(COST, cost_request(), format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == "该账号尚未加入任何机构。"
    assert loner.post(GAIN, gain_request(), format="json").status_code == 403
    for who in ("ministry", "guangzhou", "provider", "expert", "oversight"):
        member = token_client(cast.members[who].user)
        assert member.post(COST, cost_request(), format="json").status_code == 200, who
        assert member.post(GAIN, gain_request(), format="json").status_code == 200, who
    assert token_client(cast.members["provider"].user).get(COST).status_code == 405


def test_a_form_post_is_refused_field_by_field(client: APIClient) -> None:
    response = client.post(COST, {"rules": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"rules", "lines"}  # the prior subsidy may be left out (none before)


def test_the_schema_documents_both_calculators(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in ("/api/v1/calculators/cost-split/", "/api/v1/calculators/gain-share/"):
        assert path in text, path
    for component in ("CostSplit:", "GainShare:", "GainSharePeriod:", "ExplanationLine:"):
        assert component in text, component
    assert "prior_subsidy_yuan" in text and "total_fee_yuan" in text
