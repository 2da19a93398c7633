"""On-site work: the arrangement (visit, deadline, contact, who arranged it) through the form, the service
and the API; the calendar file (RFC 5545, checked line by line); evidence listed by item name, opened
through an access-checked view and removed before submission only; the sign-off confirmation page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dengta.assessment.calendar import Visit, escape_text, fold, visit_calendar
from dengta.assessment.models import Assessment, Evidence, Kind, Phase, State
from dengta.assessment.services import (
    Arrangement,
    assessment_assign_onsite,
    assessment_save_answers,
    assessment_submit,
    evidence_add,
    evidence_remove,
)
from dengta.core.models import Event, Notification
from dengta.registry.tests.conftest import member

from .conftest import LEVEL2_CHOICES, declare, invite, scenarios_at

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
VISIT_AT = datetime(2027, 3, 15, 1, 30, tzinfo=UTC)  # 09:30 in Beijing


def arranged(world: Any, **changes: Any) -> Assessment:
    values: dict[str, Any] = {
        "visit_at": VISIT_AT,
        "due_on": date(2027, 3, 31),
        "contact_name": "王经理",
        "contact_phone": "020-12345678",
        "note": "请带身份证；厂区东门进。",
        "organization": world.orgs["guangzhou"],
    }
    values.update(changes)
    return assessment_assign_onsite(
        actor=world.members["guangzhou"].user,
        enterprise=world.registered.own,
        expert=world.members["expert"].user,
        expert_organization=world.orgs["expert"],
        phase=Phase.T1,
        arrangement=Arrangement(**values),
    )


def named(world: Any, who: str, name: str) -> None:
    user = world.members[who].user
    user.display_name = name
    user.save(update_fields=["display_name"])


# ------------------------------------------------------------------------------------------- arrangement


def test_arrangement_is_stored_with_an_event_and_the_expert_is_told(world: Any) -> None:
    onsite = arranged(world)
    assert (onsite.visit_at, onsite.due_on, onsite.contact_name) == (VISIT_AT, date(2027, 3, 31), "王经理")
    assert onsite.arranged_by_organization == world.orgs["guangzhou"]
    event = Event.objects.filter(verb="assessment.onsite_arranged").get()
    assert event.payload["due_on"] == "2027-03-31" and event.payload["by"] == world.orgs["guangzhou"].pk
    note = Notification.objects.get(organization_id_ref=world.orgs["expert"].pk)
    assert note.user == world.members["expert"].user
    assert note.text == "已安排您到 天河精密零部件有限公司 开展现场评定"


def test_deadline_before_the_visit_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        arranged(world, due_on=date(2027, 3, 14))
    assert error.value.message_dict["due_on"] == ["完成期限不能早于现场评定时间"]
    assert not Assessment.objects.exists()


def test_overdue_is_marked_until_signed_off(world: Any) -> None:
    onsite = arranged(world, visit_at=timezone.now() + timedelta(hours=1))
    assert not onsite.is_overdue
    onsite.due_on = timezone.localdate() - timedelta(days=1)
    assert onsite.is_overdue
    onsite.state = State.SIGNED_OFF
    assert not onsite.is_overdue


def test_arranging_form_needs_visit_and_deadline_and_keeps_input(world: Any) -> None:
    client = world.client("guangzhou")
    post = {"uscc": world.registered.own.uscc, "expert": world.members["expert"].pk, "phase": Phase.T1}
    missing = client.post(reverse("assessment:assign_onsite"), {**post, "contact_name": "王经理"})
    page = missing.content.decode()
    assert missing.status_code == 200 and not Assessment.objects.exists()
    assert 'href="#id_visit_at"' in page and 'value="王经理"' in page
    past = client.post(
        reverse("assessment:assign_onsite"), {**post, "visit_at": "2020-01-01T09:00", "due_on": "2020-01-31"}
    )
    assert "现场评定时间不能早于现在" in past.content.decode() and not Assessment.objects.exists()
    done = client.post(
        reverse("assessment:assign_onsite"),
        {**post, "visit_at": "2027-03-15T09:30", "due_on": "2027-03-31", "contact_phone": "13800000000"},
    )
    onsite = Assessment.objects.get(kind=Kind.ONSITE)
    assert done.status_code == 302 and onsite.visit_at == VISIT_AT  # typed in Beijing time, stored in UTC
    assert (
        onsite.arranged_by_organization == world.orgs["guangzhou"] and onsite.contact_phone == "13800000000"
    )


def test_expert_page_shows_where_when_and_who_by_name(world: Any) -> None:
    named(world, "guangzhou", "李明")
    named(world, "expert", "张专家")
    onsite = arranged(world)
    page = world.client("expert").get(reverse("assessment:detail", args=[onsite.pk])).content.decode()
    assert "2027-03-15 09:30" in page and "2027-03-31" in page
    assert "王经理" in page and "020-12345678" in page and "厂区东门进" in page
    assert "李明（广州市工业和信息化局）" in page and "张专家" in page
    assert "guangzhou" not in page.split('data-testid="arrangement"')[1].split("</section>")[0]
    assert "未登记" in page  # the registry holds no address for this enterprise
    assert reverse("assessment:calendar", args=[onsite.pk]) in page
    assert 'data-testid="overdue"' not in page


def test_api_sets_and_returns_the_arrangement(world: Any) -> None:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION="Token " + Token.objects.create(user=world.members["guangzhou"].user).key
    )
    body = {
        "kind": "onsite",
        "enterprise": world.registered.own.pk,
        "expert": world.members["expert"].user.pk,
        "expert_organization": world.orgs["expert"].pk,
        "visit_at": "2027-03-15T09:30:00+08:00",
        "due_on": "2027-03-31",
        "contact_name": "王经理",
    }
    created = client.post("/api/v1/assessments/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["due_on"] == "2027-03-31" and data["contact_name"] == "王经理" and data["overdue"] is False
    assert data["arranged_by_organization"] == world.orgs["guangzhou"].pk
    assert Assessment.objects.get().visit_at == VISIT_AT
    bad = client.post("/api/v1/assessments/", {**body, "due_on": "2027-03-01"}, format="json")
    assert bad.status_code == 400 and "due_on" in bad.json()


# ---------------------------------------------------------------------------------------------- calendar


def unfold(text: str) -> list[str]:
    """RFC 5545 3.1: lines end in CRLF; a line starting with a space continues the previous one."""
    assert text.endswith("\r\n")
    raw = text.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in raw)
    assert all(len(line.encode("utf-8")) <= 75 for line in raw)
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def test_escaping_and_folding() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "DESCRIPTION:" + "现场评定" * 40
    folded = fold(long)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == long  # no character split or lost


def test_calendar_file_parses_line_by_line() -> None:
    visit = Visit(
        uid="assessment-7-visit@example.org",
        start=VISIT_AT,
        summary="现场评定：天河精密零部件有限公司",
        location="广州市天河区, 科韵路 1 号; 东门",
        description="完成期限：2027-03-31\n企业联系人：王经理",
    )
    text = visit_calendar(visit, now=datetime(2026, 12, 6, 20, 0, 5, tzinfo=UTC))
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    props = dict(line.split(":", 1) for line in lines)
    assert props["VERSION"] == "2.0" and props["PRODID"]
    assert props["UID"] == "assessment-7-visit@example.org"
    assert props["DTSTAMP"] == "20261206T200005Z"
    assert props["DTSTART;TZID=Asia/Shanghai"] == "20270315T093000"
    assert props["LOCATION"] == "广州市天河区\\, 科韵路 1 号\\; 东门"
    assert props["DESCRIPTION"] == "完成期限：2027-03-31\\n企业联系人：王经理"
    assert "TZID" in props and props["TZOFFSETTO"] == "+0800"
    # Every line is NAME[;PARAM=VALUE]:VALUE, components nest in pairs.
    assert all(re.match(r"^[A-Z-]+(;[A-Z-]+=[^:;]+)*:", line) for line in lines)
    begins = [line[6:] for line in lines if line.startswith("BEGIN:")]
    ends = [line[4:] for line in lines if line.startswith("END:")]
    assert sorted(begins) == sorted(ends) == sorted(["VCALENDAR", "VTIMEZONE", "STANDARD", "VEVENT"])


def test_calendar_download_for_the_expert_only(world: Any) -> None:
    onsite = arranged(world)
    url = reverse("assessment:calendar", args=[onsite.pk])
    response = world.client("expert").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="onsite-' in response["Content-Disposition"]
    lines = unfold(response.content.decode("utf-8"))
    assert "DTSTART;TZID=Asia/Shanghai:20270315T093000" in lines
    assert any(line.startswith("SUMMARY:现场评定：天河精密零部件有限公司") for line in lines)
    for who in ("guangzhou", "enterprise", "zhejiang", "provider"):
        assert world.client(who).get(url).status_code == 404, who


# ---------------------------------------------------------------------------------------------- evidence


def upload(
    world: Any, onsite: Assessment, name: str = "设备台账 2024.pdf", item: str = "base.equipment.network"
) -> Evidence:
    return evidence_add(
        actor=world.members["expert"].user,
        assessment=onsite,
        item_code=item,
        upload=SimpleUploadedFile(name, PDF),
    )


def test_evidence_listed_by_item_name_and_opened_through_the_check(world: Any) -> None:
    onsite = declare(world, arranged(world))
    evidence = upload(world, onsite)
    page = world.client("expert").get(reverse("assessment:detail", args=[onsite.pk])).content.decode()
    # Under the item's name (网络建设), the code only as the upload form's option value.
    assert "网络建设</h3>" in page and "<code>base.equipment.network" not in page
    url = reverse("assessment:evidence_file", args=[onsite.pk, evidence.pk])
    assert url in page
    response = world.client("expert").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;") and "filename*=utf-8''%E8%AE%BE%E5%A4%87" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert world.client("expert").get(url, {"download": "1"})["Content-Disposition"].startswith("attachment;")
    assert world.client("guangzhou").get(url).status_code == 200  # staff of the jurisdiction
    for who in ("enterprise", "zhejiang", "provider"):
        assert world.client(who).get(url).status_code == 404, who
    other = arranged(world)
    wrong = reverse("assessment:evidence_file", args=[other.pk, evidence.pk])
    assert world.client("expert").get(wrong).status_code == 404  # evidence of another assessment


def test_remove_before_submission_only(world: Any) -> None:
    onsite = declare(world, arranged(world))
    first, second = upload(world, onsite), upload(world, onsite, "照片.pdf", "product_design")
    stored, storage = first.file.name, first.file.storage
    assert stored and storage.exists(stored)
    expert = world.client("expert")
    assert (
        world.client("guangzhou")
        .post(reverse("assessment:evidence_remove", args=[onsite.pk, first.pk]))
        .status_code
        == 403
    )
    with _captured_commit(world):
        response = expert.post(reverse("assessment:evidence_remove", args=[onsite.pk, first.pk]))
    assert response.status_code == 302 and not Evidence.objects.filter(pk=first.pk).exists()
    assert not storage.exists(stored)
    event = Event.objects.filter(verb="assessment.evidence_removed").get()
    assert event.payload["name"] == "设备台账 2024.pdf" and event.payload["sha256"] == first.sha256
    assessment_save_answers(
        actor=world.members["expert"].user,
        assessment=onsite,
        choices=LEVEL2_CHOICES,
        scenarios=scenarios_at(2),
    )
    assessment_submit(actor=world.members["expert"].user, assessment=onsite, pledge=True)
    refused = expert.post(reverse("assessment:evidence_remove", args=[onsite.pk, second.pk]))
    assert refused.status_code == 409 and "不能再删除" in refused.content.decode()
    with pytest.raises(ValidationError, match="不能再删除"):
        evidence_remove(actor=world.members["expert"].user, evidence=second)
    assert Evidence.objects.filter(pk=second.pk).exists()


class _captured_commit:
    """Run the on-commit callbacks (the file deletion) inside a test transaction."""

    def __init__(self, world: Any) -> None:
        from django.test import TestCase

        self._cm = TestCase.captureOnCommitCallbacks(execute=True)

    def __enter__(self) -> Any:
        return self._cm.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._cm.__exit__(*exc)


# ----------------------------------------------------------------------------------------------- sign-off


def test_sign_off_asks_for_confirmation(world: Any) -> None:
    onsite = declare(world, arranged(world))
    upload(world, onsite)
    expert_user = world.members["expert"].user
    assessment_save_answers(
        actor=expert_user, assessment=onsite, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2)
    )
    assessment_submit(actor=expert_user, assessment=onsite, pledge=True)
    client = world.client("expert")
    url = reverse("assessment:sign_off", args=[onsite.pk])
    report = client.get(reverse("assessment:detail", args=[onsite.pk])).content.decode()
    assert f'href="{url}"' in report  # a link to the confirmation, not a one-click form
    page = client.get(url).content.decode()
    summary = page.split('data-testid="sign-off-summary"')[1].split("</dl>")[0]
    assert "二级" in summary and "46.925" in summary and "1 份" in summary
    assert "网络建设：" in page and "设备台账 2024.pdf" in page  # each file under its item, openable
    assert "答卷和佐证材料不能再修改" in page
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 400 and "请勾选确认后再签署" in unconfirmed.content.decode()
    assert Assessment.objects.get(pk=onsite.pk).state == State.SCORED
    # Nobody but the expert signs, even with the box ticked (refused: no confirmation page, nothing changes).
    other = world.client("guangzhou").post(url, {"confirm": "on"})
    assert other.status_code != 200 and Assessment.objects.get(pk=onsite.pk).state == State.SCORED
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Assessment.objects.get(pk=onsite.pk).state == State.SIGNED_OFF


def test_read_only_expert_colleague_cannot_sign(world: Any) -> None:
    colleague = member(world.orgs["expert"], "colleague", "staff")
    onsite = arranged(world)
    client = world.client("expert")
    client.force_login(colleague.user)
    assert client.get(reverse("assessment:detail", args=[onsite.pk])).status_code == 404


# ------------------------------------------------------------------------------------------ home panels


def test_expert_queue_shows_visit_deadline_and_overdue_first(world: Any) -> None:
    later = arranged(world)  # due 2027-03-31
    late = arranged(world, visit_at=timezone.now() + timedelta(hours=2))
    Assessment.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    response = world.client("expert").get(reverse("core:home"))
    queue = {p.key: ctx for p, ctx in response.context["panels"]}["assessment.onsite_queue"]
    assert [a.pk for a in queue["items"]] == [late.pk, later.pk]  # the nearest deadline first
    html = response.content.decode()
    assert "已逾期" in html and "2027-03-15 09:30 到现场" in html and "2027-03-31 前完成" in html


def test_provider_panel_counts_the_enterprises_that_invited_it(world: Any) -> None:
    invite(world, world.registered.own)
    invite(world, world.registered.tianhe)
    response = world.client("provider").get(reverse("core:home"))
    data = {p.key: ctx for p, ctx in response.context["panels"]}["assessment.diagnoses"]
    assert data["invited"] == 2
    assert "诊断邀请（2 家企业）" in response.content.decode()
