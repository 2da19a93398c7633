"""Evidence over the API: the same services and permission rules as the assessment pages (upload to a draft,
list, download, remove before submission; 404 for outsiders, 409 once submitted)."""

# ruff: noqa: F811  (the assessment fixtures are imported by name, as in test_assessment_api.py)

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dengta.api.tests.test_assessment_api import URL, answer_all, as_, start_self
from dengta.assessment.models import Evidence
from dengta.assessment.tests.conftest import (  # noqa: F401  (fixtures)
    frameworks,
    registered,
    sized,
    world,
)
from dengta.core.models import Event

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
ITEM = "base.equipment.network"


def upload(client: Any, pk: int, data: bytes = PDF, name: str = "设备台账.pdf", item: str = ITEM) -> Any:
    file = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(f"{URL}{pk}/evidence/", {"item_code": item, "file": file}, format="multipart")


def test_upload_list_download_and_remove_on_a_draft(world: Any) -> None:
    client = as_(world, "enterprise")
    pk = start_self(world)
    created = upload(client, pk)
    assert created.status_code == 201, created.content
    row = created.json()
    assert row["item_code"] == ITEM and row["item_name"] == "网络建设"
    assert row["original_name"] == "设备台账.pdf"
    assert row["content_type"] == "application/pdf" and row["size"] == len(PDF)
    listed = client.get(f"{URL}{pk}/evidence/").json()
    assert [r["id"] for r in listed] == [row["id"]]
    english = client.get(f"{URL}{pk}/evidence/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english[0]["item_name"] != "网络建设"  # the item's English name

    download = client.get(row["file_url"])
    assert download.status_code == 200 and download.getvalue() == PDF
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]

    removed = client.delete(row["file_url"])
    assert removed.status_code == 204 and not Evidence.objects.filter(pk=row["id"]).exists()
    assert Event.objects.filter(verb="assessment.evidence_removed").count() == 1
    assert client.get(row["file_url"]).status_code == 404


def test_bad_files_and_unknown_items_are_400_and_write_nothing(world: Any) -> None:
    client = as_(world, "enterprise")
    pk = start_self(world)
    renamed = upload(client, pk, b"<html><script>alert(1)</script></html>", "看起来是.pdf")
    assert renamed.status_code == 400 and "file" in renamed.json()
    unknown = upload(client, pk, item="no.such.item")
    assert unknown.status_code == 400 and "未知的评测项" in str(unknown.json())
    missing = client.post(f"{URL}{pk}/evidence/", {"item_code": ITEM}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()
    assert not Evidence.objects.exists()


def test_outsiders_get_404_and_a_submitted_assessment_409(world: Any) -> None:
    client = as_(world, "enterprise")
    pk = start_self(world)
    row = upload(client, pk).json()
    for who in ("zhejiang", "provider", "expert"):
        outsider = as_(world, who)
        assert outsider.get(f"{URL}{pk}/evidence/").status_code == 404, who
        assert outsider.get(row["file_url"]).status_code == 404, who
        assert outsider.delete(row["file_url"]).status_code == 404, who
        assert upload(outsider, pk).status_code == 404, who
    answer_all(client, pk)
    assert client.post(f"{URL}{pk}/submit/", {"pledge": True}, format="json").status_code == 200
    refused = client.delete(row["file_url"])
    assert refused.status_code == 409 and "不能再删除" in refused.json()["detail"]
    assert upload(client, pk).status_code == 409
    assert Evidence.objects.filter(pk=row["id"]).exists()
    assert client.get(row["file_url"]).status_code == 200  # still readable as part of the record
    # The city sees the scored assessment and its evidence, but removing is not its to do: 403, not 409.
    city = as_(world, "guangzhou")
    assert city.get(row["file_url"]).status_code == 200
    assert city.delete(row["file_url"]).status_code == 403
