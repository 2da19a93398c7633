"""Retrofit projects over the API (docs/projects.md): filing with 400 for bad input (nothing written), the
steps with each side's refusals (403) and the state's (409), documents by content, invoices, the payment
that one Idempotency-Key pays once, the pilot's ledger, and a schema without warnings."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dengta.projects.models import LedgerEntry, Project, ProjectState
from dengta.projects.tests.conftest import (  # noqa: F401  (fixtures)
    Cast,
    _default_language,
    frameworks,
    make_cast,
    market,
    open_batch,
    pdf,
    pilot,
    ready,
    registered,
    reviewing,
    sized,
    sub_industry,
    world,
)

pytestmark = pytest.mark.django_db
S = ProjectState


@pytest.fixture
def retrofit(world: Any, market: Any, pilot: Any) -> Cast:  # noqa: F811
    """The projects' cast (dengta/projects/tests/conftest.py), named apart from the people's ``cast``."""
    return make_cast(world, market, pilot)


def api(retrofit: Cast, who: str) -> APIClient:
    token, _created = Token.objects.get_or_create(user=retrofit.user(who))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def body(retrofit: Cast, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "pilot": retrofit.pilot.pk,
        "enterprise": retrofit.enterprise.uscc,
        "title": "质量追溯改造",
        "starts_on": today.isoformat(),
        "ends_on": today.replace(year=today.year + 1).isoformat(),
        "lines": [
            {"product": retrofit.software.pk, "quantity": 2},
            {"product": retrofit.equipment.pk, "quantity": 1},
        ],
    }
    data.update(extra)
    return data


def test_a_provider_files_and_the_split_comes_back_as_strings(retrofit: Cast) -> None:
    response = api(retrofit, "provider").post("/api/v1/projects/", body(retrofit), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["state"], data["contract_yuan"], data["subsidy_yuan"]) == ("draft", "138000.00", "24000.00")
    assert [line["quantity"] for line in data["lines"]] == [2, 1]
    assert data["explanation"] and all(e["text"] for e in data["explanation"])
    assert data["dossier"] == {"present": 0, "needed": 10, "missing": data["dossier"]["missing"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"product": 999999, "quantity": 1}]}, "lines"),
        ({"lines": [{"product": 1, "quantity": 0}]}, "lines"),
        ({"lines": [{"product": 1, "quantity": 10**20}]}, "lines"),
        ({"enterprise": "91440101MA59ABCD0Y"}, "enterprise"),
        ({"pilot": 10**20}, "pilot"),
        ({"title": ""}, "title"),
        ({"starts_on": "2026-13-01"}, "starts_on"),
    ],
)
def test_bad_filing_input_is_400_with_the_field_and_nothing_written(
    retrofit: Cast, change: dict[str, Any], field: str
) -> None:
    response = api(retrofit, "provider").post("/api/v1/projects/", body(retrofit, **change), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not Project.objects.exists()


def test_only_a_provider_files(retrofit: Cast) -> None:
    assert (
        api(retrofit, "enterprise").post("/api/v1/projects/", body(retrofit), format="json").status_code
        == 403
    )
    assert not Project.objects.exists()


def test_steps_answer_403_for_the_wrong_side_and_409_for_the_wrong_state(retrofit: Cast) -> None:
    project = retrofit.draft()
    url = f"/api/v1/projects/{project.pk}/steps/"
    assert api(retrofit, "guangzhou").post(url + "approve/", {}, format="json").status_code == 409
    assert api(retrofit, "enterprise").post(url + "file/", {}, format="json").status_code == 403
    assert api(retrofit, "provider").post(url + "file/", {}, format="json").status_code == 200
    response = api(retrofit, "guangzhou").post(url + "approve/", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "approved"
    assert api(retrofit, "provider").post(url + "no_such_step/", {}, format="json").status_code == 404
    refused = api(retrofit, "provider").post(url + "withdraw/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    funding = api(retrofit, "provider").get(f"/api/v1/projects/{project.pk}/funding/").json()
    assert {row["envelope"] for row in funding} == {"retrofit", "local"}


def test_documents_invoices_and_the_payment_once_per_key(retrofit: Cast) -> None:
    project = retrofit.in_progress()
    provider = api(retrofit, "provider")
    docs = f"/api/v1/projects/{project.pk}/documents/"
    bad = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    assert provider.post(docs, {"kind": "contract", "file": bad}, format="multipart").status_code == 400
    good = provider.post(docs, {"kind": "contract", "file": pdf("合同.pdf")}, format="multipart")
    assert good.status_code == 201 and good.json()["version"] == 1
    assert [d["kind"] for d in provider.get(docs).json()] == ["contract"]
    invoices = f"/api/v1/projects/{project.pk}/invoices/"
    first = provider.post(
        invoices, {"number": "FP001", "issued_on": timezone.localdate().isoformat(), "amount_yuan": "100.00"}
    )
    assert first.status_code == 201 and first.json()["amount_yuan"] == "100.00"
    again = provider.post(
        invoices, {"number": "fp 001", "issued_on": timezone.localdate().isoformat(), "amount_yuan": "1.00"}
    )
    assert again.status_code == 400 and "number" in again.json()


def test_a_payment_is_made_once_per_idempotency_key(retrofit: Cast) -> None:
    project = retrofit.claimed()
    finance = api(retrofit, "guangzhou")
    url = f"/api/v1/projects/{project.pk}/pay/"
    assert finance.post(url).status_code == 400  # no key
    first = finance.post(url, HTTP_IDEMPOTENCY_KEY="req-1")
    assert first.status_code == 200 and first.json() == {
        "project": project.pk,
        "amount_yuan": f"{project.subsidy_yuan:.2f}",
        "replayed": False,
    }
    assert finance.post(url, HTTP_IDEMPOTENCY_KEY="req-1").json()["replayed"] is True
    assert finance.post(url, HTTP_IDEMPOTENCY_KEY="req-2").status_code == 409  # paid already
    assert sum(e.amount_yuan for e in LedgerEntry.objects.filter(kind="pay")) == project.subsidy_yuan
    ledger = finance.get(f"/api/v1/pilots/{retrofit.pilot.pk}/ledger/").json()
    assert ledger["balanced"] is True and ledger["projects_paid_twice"] == 0
    envelope = next(e for e in ledger["envelopes"] if e["envelope"] == "retrofit")
    assert Decimal(envelope["paid_yuan"]) == project.central_yuan


def test_outsiders_get_404(retrofit: Cast) -> None:
    project = retrofit.filed()
    assert api(retrofit, "zhejiang").get(f"/api/v1/projects/{project.pk}/").status_code == 404
    assert api(retrofit, "zhejiang").get(f"/api/v1/pilots/{retrofit.pilot.pk}/ledger/").status_code == 404


def test_the_schema_documents_the_project_endpoints(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/projects/",
        "/api/v1/projects/{id}/steps/{step}/",
        "/api/v1/projects/{id}/documents/",
        "/api/v1/projects/{id}/pay/",
        "/api/v1/pilots/{id}/ledger/",
    ):
        assert path in text, path
