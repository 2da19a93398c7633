"""Upward reporting: the cast's pilot exported as a document that its JSON Schema accepts, received on
another instance (here: stored as received) and given back without loss; bad documents refused with where
the problem is, nothing stored; the Excel form has every part."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from dengta.analytics.models import UpwardReport
from dengta.analytics.upward.export import canonical, report_of
from dengta.analytics.upward.receive import SCHEMA_FILE, parse, report_receive, schema_problems
from dengta.analytics.upward.workbook import report_workbook
from dengta.core.models import Event
from dengta.projects.tests.conftest import Cast

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[3] / "docs" / "upward-report.schema.json"


@pytest.fixture
def document(retrofit: Cast) -> dict[str, Any]:
    from dengta.projects.services import steps

    project = retrofit.claimed()
    steps.project_pay(actor=retrofit.user("guangzhou"), project=project, idempotency_key="pay-1")
    return report_of(retrofit.pilot)


def test_the_schema_in_docs_is_the_one_the_code_checks() -> None:
    assert json.loads(DOCS.read_text(encoding="utf-8")) == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def test_the_export_holds_the_pilot_and_passes_its_schema(retrofit: Cast, document: dict[str, Any]) -> None:
    assert schema_problems(document) == []
    assert document["pilot"]["batch"] == retrofit.pilot.batch.code
    assert [e["uscc"] for e in document["enterprises"]] == [retrofit.enterprise.uscc]
    (project,) = document["projects"]
    assert project["state"] == "paid" and project["acceptance"]["passed"] is True
    assert project["acceptance"]["level"] == 2
    kinds = sorted({x["kind"] for x in document["funds"]["entries"]})
    assert kinds == ["allocate", "commit", "pay"]
    paid = sum(Decimal(e["paid_yuan"]) for e in document["funds"]["envelopes"])
    assert paid == Decimal(project["subsidy_yuan"])


def test_the_round_trip_gives_back_the_same_document(document: dict[str, Any], tmp_path: Path) -> None:
    sent = tmp_path / "report.json"
    sent.write_text(canonical(document), encoding="utf-8")
    out = StringIO()
    call_command("import_upward_report", str(sent), stdout=out)
    assert out.getvalue().startswith("received: report ")
    report = UpwardReport.objects.get()
    assert canonical(report.document) == sent.read_text(encoding="utf-8")
    assert (report.enterprises, report.projects) == (1, 1)
    assert Event.objects.filter(verb="upward_report.received", target_id=str(report.pk)).exists()
    # The same document again: found, nothing written.
    again = StringIO()
    call_command("import_upward_report", str(sent), stdout=again)
    assert again.getvalue().startswith("already received") and UpwardReport.objects.count() == 1


def test_the_export_command_writes_json_and_excel(
    retrofit: Cast,
    document: dict[str, Any],
    tmp_path: Path,
) -> None:
    call_command("export_upward_report", str(retrofit.pilot.pk), str(tmp_path / "r.json"), stdout=StringIO())
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert written["projects"] == document["projects"] and written["enterprises"] == document["enterprises"]
    call_command("export_upward_report", str(retrofit.pilot.pk), str(tmp_path / "r.xlsx"), stdout=StringIO())
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["试点", "企业", "评测", "项目", "资金额度", "资金流水"]
    assert Event.objects.filter(verb="upward_report.exported").count() == 2
    with pytest.raises(CommandError, match="no pilot"):
        call_command("export_upward_report", "999999", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match=r"\.json or \.xlsx"):
        call_command("export_upward_report", str(retrofit.pilot.pk), str(tmp_path / "x.csv"))
    assert load_workbook(BytesIO(report_workbook(document)))["企业"].max_row == 2


def _refused(text: str) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        report_receive(actor=None, text=text)
    assert not UpwardReport.objects.exists()
    return refused.value.messages


def test_bad_documents_are_refused_with_where_and_nothing_is_stored(document: dict[str, Any]) -> None:
    assert "不是有效的 JSON" in _refused("{not json")[0]
    unknown = copy.deepcopy(document) | {"extra": 1}
    assert any("Additional properties" in m and "extra" in m for m in _refused(json.dumps(unknown)))
    negative = copy.deepcopy(document)
    negative["projects"][0]["contract_yuan"] = "-5.00"
    assert any(m.startswith("$.projects[0].contract_yuan") for m in _refused(json.dumps(negative)))
    stranger = copy.deepcopy(document)
    stranger["projects"][0]["enterprise"] = "91440101MA5AAAAA1X"
    assert any("不在企业名单中" in m for m in _refused(json.dumps(stranger)))
    overspent = copy.deepcopy(document)
    overspent["funds"]["envelopes"][0]["paid_yuan"] = "999999999.00"
    assert any("合计与流水不符" in m for m in _refused(json.dumps(overspent)))
    twice = copy.deepcopy(document)
    twice["enterprises"].append(copy.deepcopy(twice["enterprises"][0]))
    assert any("重复出现" in m for m in _refused(json.dumps(twice)))
    assert parse(canonical(document)) == document
