"""Import of historical results (2022 bands) from Excel: every row checked before
anything is written, nothing written unless every row is valid, bilingual per-row errors naming the row and
the column, the level from the bands, the importer's jurisdiction, the page (as a job) and the command.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from dengta.assessment import history
from dengta.assessment.history import (
    COLUMNS,
    HistoryOutcome,
    run_history_import,
    template_workbook,
    validation,
    write_rows,
)
from dengta.assessment.models import Assessment, Kind, Phase, State
from dengta.assessment.scoring.bands import BandFramework, compile_bands, level_for_total
from dengta.assessment.scoring.definitions import DATA_DIR
from dengta.assessment.selectors import HISTORY_IMPORT_JOB_KIND
from dengta.assessment.services import historical_record
from dengta.core.importing.scope import ImportScope
from dengta.core.models import Event, Job
from dengta.core.problems import Problem
from dengta.orgs.viewer import viewer_for_membership
from dengta.registry.tests.conftest import body, code_for, csv_bytes, member, organization, xlsx_bytes
from tests.language import assert_one_language

HEADER = ["统一社会信用代码", "评测日期", "总分", "备注"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_FOUND = "本机构辖区内没有以此统一社会信用代码登记的企业：该企业尚未登记，或不在本机构辖区内"


def sheet(rows: list[list[Any]], header: list[Any] | None = None) -> bytes:
    return xlsx_bytes(rows, header=HEADER if header is None else header)


def scope(world: Any, who: str = "guangzhou") -> ImportScope:
    return ImportScope.for_viewer(world.viewer(who))


def run(world: Any, data: bytes, who: str = "guangzhou", dry_run: bool = False) -> HistoryOutcome:
    return run_history_import(data=data, file_name="历史结果.xlsx", scope=scope(world, who), dry_run=dry_run)


def imported() -> list[Assessment]:
    return list(Assessment.objects.filter(kind=Kind.HISTORICAL).order_by("pk"))


def errors_of(outcome: HistoryOutcome) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.reason) for e in outcome.errors]


def only_error(outcome: HistoryOutcome) -> tuple[int, str, str]:
    assert not imported(), "nothing is written when a row is wrong"
    assert outcome.rows_imported == 0 and not outcome.ok
    (error,) = errors_of(outcome)
    return error


# ------------------------------------------------------------------------------------------------ happy path


def test_import_writes_each_row_as_a_scored_historical_assessment(world: Any) -> None:
    r = world.registered
    data = sheet(
        [
            [r.tianhe.uscc, date(2023, 6, 30), 52.5, "2023年度评测"],
            [r.own.uscc, "2022-12-01", "38", None],
            [None, None, None, None],  # a blank row is skipped
            [
                r.tianhe.uscc.lower(),
                datetime(2024, 1, 15, 9, 30),
                80,
                "",
            ],  # lower case, a date cell with time
        ]
    )
    outcome = run(world, data)
    assert outcome.ok, outcome.errors
    assert (outcome.rows_total, outcome.rows_valid, outcome.rows_rejected, outcome.rows_imported) == (
        3,
        3,
        0,
        3,
    )
    assert outcome.levels == {1: 1, 2: 1, 4: 1}
    rows = [(a.enterprise, a.assessed_on, a.total, a.level, a.note) for a in imported()]
    assert rows == [
        (r.tianhe, date(2023, 6, 30), Decimal("52.5"), 2, "2023年度评测"),
        (r.own, date(2022, 12, 1), Decimal("38"), 1, ""),
        (r.tianhe, date(2024, 1, 15), Decimal("80"), 4, ""),
    ]
    for assessment in imported():
        assert (assessment.kind, assessment.state, assessment.phase) == (
            Kind.HISTORICAL,
            State.SCORED,
            Phase.OTHER,
        )
        assert assessment.framework == world.frameworks["miit-2022"]
        assert assessment.created_by == world.members["guangzhou"].user
    events = Event.objects.filter(verb="assessment.imported")
    assert events.count() == 3 and {e.actor_id for e in events} == {world.members["guangzhou"].user.pk}


@pytest.mark.parametrize(
    ("total", "level"),
    [
        ("0", 0),
        ("19.9999", 0),
        ("20", 1),  # lower bounds belong to their band
        ("39.9999", 1),
        ("40", 2),
        ("59.9999", 2),
        ("60", 3),
        ("79.9999", 3),
        ("80", 4),
        ("100", 4),
    ],
)
def test_the_level_comes_from_the_2022_bands(world: Any, total: str, level: int) -> None:
    outcome = run(world, sheet([[world.registered.tianhe.uscc, "2023-06-30", total, ""]]))
    assert outcome.ok, outcome.errors
    (assessment,) = imported()
    assert assessment.total == Decimal(total) and assessment.level == level


def test_headers_in_any_order_with_english_keys_and_no_note_column(world: Any) -> None:
    data = sheet(
        [["41.5", world.registered.tianhe.uscc, "2023-06-30"]],
        header=["total", " 统一社会信用代码 ", "assessed_on"],
    )
    outcome = run(world, data)
    assert outcome.ok, outcome.errors
    assert imported()[0].total == Decimal("41.5")


def test_csv_in_utf8_with_bom_and_in_gbk(world: Any) -> None:
    r = world.registered
    for n, encoding in enumerate(("utf-8-sig", "gbk")):
        rows = [[r.tianhe.uscc, f"2023-0{n + 1}-01", "45", "年度评测"]]
        outcome = run(world, csv_bytes(rows, encoding=encoding, header=HEADER))
        assert outcome.ok, (encoding, outcome.errors)
    assert [a.note for a in imported()] == ["年度评测", "年度评测"]


def test_full_width_digits_and_trailing_zeros(world: Any) -> None:
    outcome = run(world, sheet([[world.registered.tianhe.uscc, "２０２３-０６-３０", "５２.５０００", ""]]))
    assert outcome.ok, outcome.errors
    assert imported()[0].total == Decimal("52.5") and imported()[0].assessed_on == date(2023, 6, 30)


def test_dry_run_checks_and_counts_but_writes_nothing(world: Any) -> None:
    outcome = run(world, sheet([[world.registered.tianhe.uscc, "2023-06-30", 65, ""]]), dry_run=True)
    assert outcome.ok and outcome.rows_valid == 1 and outcome.rows_imported == 0
    assert outcome.levels == {3: 1}
    assert not imported() and not Event.objects.filter(verb="assessment.imported").exists()


# -------------------------------------------------------------------------------------------------- columns


def test_missing_column(world: Any) -> None:
    data = sheet([[world.registered.tianhe.uscc, "2023-06-30"]], header=["统一社会信用代码", "评测日期"])
    outcome = run(world, data)
    assert errors_of(outcome) == [(1, "", "缺少列：总分（total）")]
    assert not imported()


def test_unknown_and_repeated_columns(world: Any) -> None:
    data = sheet(
        [[world.registered.tianhe.uscc, "2023-06-30", 50, 50, "二级"]],
        header=["统一社会信用代码", "评测日期", "总分", "total", "等级"],
    )
    outcome = run(world, data)
    reasons = errors_of(outcome)
    assert (1, "总分", "列 total 出现了两次") in reasons
    assert any(row == 1 and column == "等级" and "无法识别的列名 等级" in why for row, column, why in reasons)
    assert not imported()


# ----------------------------------------------------------------------------------------- the credit code


def test_unknown_credit_code(world: Any) -> None:
    code = code_for("440106", body(99))  # valid, but no enterprise has it
    assert only_error(run(world, sheet([[code, "2023-06-30", 50, ""]]))) == (2, "统一社会信用代码", NOT_FOUND)


def test_enterprise_outside_the_jurisdiction_gets_the_same_error_as_an_unknown_one(world: Any) -> None:
    nanshan = world.registered.nanshan  # 深圳: a 计划单列市, outside 广东's jurisdiction
    unknown = code_for("440305", body(98))
    outcome = run(
        world, sheet([[nanshan.uscc, "2023-06-30", 50, ""], [unknown, "2023-06-30", 50, ""]]), "guangdong"
    )
    assert errors_of(outcome) == [(2, "统一社会信用代码", NOT_FOUND), (3, "统一社会信用代码", NOT_FOUND)]
    assert not imported()
    # 深圳 itself may import it; 广州 may not import 杭州's.
    assert run(world, sheet([[nanshan.uscc, "2023-06-30", 50, ""]]), "shenzhen").ok
    xihu = world.registered.xihu
    assert errors_of(run(world, sheet([[xihu.uscc, "2023-06-30", 50, ""]]))) == [
        (2, "统一社会信用代码", NOT_FOUND)
    ]
    assert run(world, sheet([[xihu.uscc, "2023-06-30", 50, ""]]), "ministry").ok


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("91440106MA5ABCDE1", "应为18位"),
        ("91440106MA00000010", "校验位错误"),
        ("9144O106MA00000010", "I、O、Z、S、V"),
        ("", "请填写统一社会信用代码"),
        (91440106100000001, "存成了数字"),  # typed into a number cell: the last digits are gone
    ],
)
def test_malformed_credit_code(world: Any, raw: Any, fragment: str) -> None:
    row, column, reason = only_error(run(world, sheet([[raw, "2023-06-30", 50, ""]])))
    assert (row, column) == (2, "统一社会信用代码") and fragment in reason
    assert_one_language(reason)


# ------------------------------------------------------------------------------------------------ duplicates


def test_the_same_enterprise_and_date_twice_in_the_file(world: Any) -> None:
    tianhe = world.registered.tianhe
    data = sheet(
        [
            [tianhe.uscc, "2023-06-30", 50, ""],
            [tianhe.uscc, "2023-07-01", 50, ""],  # another day: fine
            [tianhe.uscc, date(2023, 6, 30), 55, "again"],
        ]
    )
    assert only_error(run(world, data)) == (
        4,
        "统一社会信用代码",
        "与第 2 行重复：同一企业、同一评测日期只能有一个结果",
    )


def test_a_result_already_imported_is_refused_as_a_duplicate(world: Any) -> None:
    tianhe = world.registered.tianhe
    assert run(world, sheet([[tianhe.uscc, "2023-06-30", 52.5, ""]])).ok
    again = run(world, sheet([[tianhe.uscc, "2023-06-30", "52.50", "第二次"]]))
    assert errors_of(again) == [
        (
            2,
            "评测日期",
            "该企业 2023-06-30 的历史结果（总分 52.5）已导入过，不能重复导入",
        )
    ]
    other = run(world, sheet([[tianhe.uscc, "2023-06-30", 61, ""]]))
    (row, column, reason) = errors_of(other)[0]
    assert (row, column) == (2, "评测日期") and "已有历史结果（总分 52.5），与本行的总分 61 不同" in reason
    assert len(imported()) == 1


def test_a_clashing_result_written_meanwhile_stops_the_write(world: Any) -> None:
    tianhe = world.registered.tianhe
    fw = world.frameworks["miit-2022"]
    compiled = fw.compiled()
    assert isinstance(compiled, BandFramework)
    outcome = HistoryOutcome(file_name="a.xlsx", sha256="", dry_run=False)
    rows = history.check_rows(
        sheet([[tianhe.uscc, "2023-06-30", 50, ""], [world.registered.own.uscc, "2023-06-30", 50, ""]]),
        scope=scope(world),
        fw=compiled,
        outcome=outcome,
        progress=lambda *args: None,
    )
    assert len(rows) == 2 and not outcome.errors
    historical_record(
        actor=world.members["ministry"].user,
        enterprise=tianhe,
        framework=fw,
        total=Decimal("50"),
        assessed_on=date(2023, 6, 30),
    )
    with pytest.raises(history.ImportRefused, match="没有写入任何数据"):
        write_rows(rows, actor=world.members["guangzhou"].user, framework=fw, progress=lambda *args: None)
    assert len(imported()) == 1  # only the other import's


# ------------------------------------------------------------------------------------------------- the total


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (100.5, "总分应在 0–100 之间，收到 100.5"),
        (-1, "总分应在 0–100 之间"),
        ("优秀", "总分应为数字，收到“优秀”"),
        ("52,5", "总分应为数字"),
        ("NaN", "总分应为数字"),
        (True, "总分应为数字"),
        ("52.12345", "最多保留四位小数"),
        (52.12345, "最多保留四位小数"),
        (None, "请填写总分"),
    ],
)
def test_total_out_of_range_or_not_a_number(world: Any, raw: Any, fragment: str) -> None:
    row, column, reason = only_error(
        run(world, sheet([[world.registered.tianhe.uscc, "2023-06-30", raw, ""]]))
    )
    assert (row, column) == (2, "总分") and fragment in reason
    assert_one_language(reason)


# ------------------------------------------------------------------------------------------------- the date


def test_future_date(world: Any) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    row, column, reason = only_error(run(world, sheet([[world.registered.tianhe.uscc, tomorrow, 50, ""]])))
    assert (row, column) == (2, "评测日期")
    day = tomorrow.isoformat()
    assert reason == f"评测日期 {day} 晚于今天，历史结果的日期不能在将来"
    assert run(
        world, sheet([[world.registered.tianhe.uscc, timezone.localdate(), 50, ""]])
    ).ok  # today is fine


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("2023-02-30", "日期 2023-02-30 不存在"),
        ("2023/06/30", "应写作 YYYY-MM-DD"),
        ("30.06.2023", "应写作 YYYY-MM-DD"),
        (45107, "是数字 45107 而不是日期"),  # an Excel serial number is never guessed at
        (True, "应写作 YYYY-MM-DD"),
        (None, "请填写评测日期"),
    ],
)
def test_bad_dates(world: Any, raw: Any, fragment: str) -> None:
    row, column, reason = only_error(run(world, sheet([[world.registered.tianhe.uscc, raw, 50, ""]])))
    assert (row, column) == (2, "评测日期") and fragment in reason


def test_note_too_long(world: Any) -> None:
    row, column, reason = only_error(
        run(world, sheet([[world.registered.tianhe.uscc, "2023-06-30", 50, "注" * 501]]))
    )
    assert (row, column) == (2, "备注") and "备注不能超过 500 字" in reason


# ---------------------------------------------------------------------------------------- all or nothing


def test_one_bad_row_keeps_every_row_out_and_every_error_is_reported(world: Any) -> None:
    r = world.registered
    data = sheet(
        [
            [r.tianhe.uscc, "2023-06-30", 50, ""],
            [r.own.uscc, "2023-06-30", 150, ""],
            [r.own.uscc, "2099-01-01", "abc", ""],  # two errors in one row
            [r.tianhe.uscc, "2023-07-30", 70, ""],
        ]
    )
    outcome = run(world, data)
    assert [(row, column) for row, column, _ in errors_of(outcome)] == [
        (3, "总分"),
        (4, "评测日期"),
        (4, "总分"),
    ]
    assert (outcome.rows_valid, outcome.rows_rejected, outcome.rows_imported) == (2, 2, 0)
    assert not imported() and not Event.objects.filter(verb="assessment.imported").exists()


# ---------------------------------------------------------------------------------------------- bad files


def renamed_files() -> list[tuple[str, bytes]]:
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return [
        ("pdf", b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"),
        ("binary", bytes(range(256)) * 4),
        ("docx", docx.getvalue()),
        ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500),
        ("broken zip", b"PK\x03\x04" + b"\x00" * 100),
    ]


@pytest.mark.parametrize(("kind", "data"), renamed_files())
def test_a_non_excel_file_renamed_xlsx_is_refused(world: Any, kind: str, data: bytes) -> None:
    outcome = run(world, data)
    assert outcome.refused and not outcome.errors and not outcome.ok, kind
    assert_one_language(outcome.refused)
    assert not imported()


@pytest.mark.parametrize("data", [b"", b"   \r\n  "])
def test_an_empty_file_is_refused(world: Any, data: bytes) -> None:
    outcome = run(world, data)
    assert outcome.refused == "文件是空的，请上传填好的历史评测结果"


def test_a_spreadsheet_without_data_rows_is_refused(world: Any) -> None:
    for data in (sheet([]), sheet([[None, None, None, None]]), xlsx_bytes([], header=[])):
        assert "表格中没有数据" in run(world, data).refused


def test_too_many_rows_is_refused(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "MAX_ROWS", 2)
    data = sheet([[world.registered.tianhe.uscc, f"2023-06-0{n}", 50, ""] for n in range(1, 4)])
    assert run(world, data).refused == "数据超过 2 行的上限，请拆分成几个文件分别导入"


def test_without_the_2022_framework_nothing_can_be_imported(world: Any) -> None:
    world.frameworks["miit-2022"].__class__.objects.filter(code="miit-2022").update(is_current=False)
    outcome = run(world, sheet([[world.registered.tianhe.uscc, "2023-06-30", 50, ""]]))
    assert "尚未载入" in outcome.refused and not imported()


# --------------------------------------------------------------------------------------------- the template


def test_template_has_the_columns_and_explains_the_bands(world: Any) -> None:
    fw = world.frameworks["miit-2022"].compiled()
    assert isinstance(fw, BandFramework)
    book = load_workbook(io.BytesIO(template_workbook(fw)))
    first, notes = book.worksheets
    assert [c.value for c in first[1]] == [c.title for c in COLUMNS] == HEADER
    assert first.column_dimensions["A"].number_format == "@"
    text = " ".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    for fragment in ("一级", "≥ 20，< 40", "二级", "≥ 40，< 60", "四级", "≥ 80，≤ 100", "无等级", "< 20"):
        assert fragment in text
    assert_one_language(text)
    assert "Notes" not in text and "English key" not in text  # the help is in the reader's language only
    with translation.override("en"):
        english = load_workbook(io.BytesIO(template_workbook(fw))).worksheets[1]
    english_text = " ".join(str(c.value) for row in english.iter_rows() for c in row if c.value)
    assert "English key" in english_text and "≥ 40, < 60" in english_text
    assert "说明" not in english_text and "无等级" not in english_text and "一级" not in english_text


def test_the_filled_in_template_imports(world: Any) -> None:
    fw = world.frameworks["miit-2022"].compiled()
    assert isinstance(fw, BandFramework)
    book = load_workbook(io.BytesIO(template_workbook(fw)))
    book.worksheets[0].append([world.registered.tianhe.uscc, date(2023, 6, 30), 47.25, "模板填写"])
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = run(world, buffer.getvalue())
    assert outcome.ok and outcome.rows_imported == 1, outcome.errors


# ---------------------------------------------------------------------------------------------------- pages

IMPORT = "/assessments/import/"


def upload(world: Any, who: str, data: bytes, capture: Any, name: str = "历史结果.xlsx", **extra: str) -> Any:
    client = world.client(who)
    with capture(execute=True):
        return client.post(
            reverse("assessment:history_import"), {"file": SimpleUploadedFile(name, data), **extra}
        )


def test_urls() -> None:
    assert reverse("assessment:history_import") == IMPORT
    assert reverse("assessment:history_import_template") == IMPORT + "template.xlsx"
    assert reverse("assessment:history_import_result", args=[7]) == IMPORT + "7/"
    assert reverse("assessment:history_import_errors", args=[7]) == IMPORT + "7/errors.xlsx"


@pytest.mark.parametrize("who", ["guangzhou", "guangdong", "shenzhen", "ministry"])
def test_import_page_and_template_for_staff(world: Any, who: str) -> None:
    client = world.client(who)
    page = client.get(IMPORT)
    assert page.status_code == 200
    html = page.content.decode()
    # One name for the page: title, heading, breadcrumb and the list's button (导入历史结果).
    assert '<h1 class="h4 mb-0 me-auto">导入历史结果</h1>' in html and "导入历史评测结果" not in html
    assert "下载导入模板" in html and "40 – &lt; 60" in html
    template = client.get(reverse("assessment:history_import_template"))
    assert template.status_code == 200 and template["Content-Type"] == XLSX
    assert "attachment" in template["Content-Disposition"]


@pytest.mark.parametrize("who", ["enterprise", "provider", "expert", "oversight"])
def test_import_is_403_for_those_who_may_not_import(world: Any, who: str) -> None:
    client = world.client(who)
    assert client.get(IMPORT).status_code == 403
    assert client.get(reverse("assessment:history_import_template")).status_code == 403
    assert client.post(IMPORT, {"file": SimpleUploadedFile("a.xlsx", b"x")}).status_code == 403


def test_read_only_staff_and_anonymous_cannot_import(world: Any) -> None:
    viewer_only = member(world.orgs["guangzhou"], "gz_viewer", "viewer")
    client = Client()
    client.force_login(viewer_only.user)
    assert client.get(IMPORT).status_code == 403
    assert Client().get(IMPORT).status_code == 302  # to the login page


def test_upload_runs_the_job_and_shows_the_result(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = sheet(
        [
            [world.registered.tianhe.uscc, "2023-06-30", 52.5, ""],
            [world.registered.own.uscc, "2023-05-01", 81, ""],
        ]
    )
    response = upload(world, "guangzhou", data, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=HISTORY_IMPORT_JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessment:history_import_result", args=[job.pk]
    )
    assert job.status == "succeeded", job.message
    assert job.result["imported"] == 2 and job.result["levels"] == {"2": 1, "4": 1}
    assert job.progress_total and job.progress_done == job.progress_total
    assert job.params == {"file_name": "历史结果.xlsx", "dry_run": False}
    html = world.client("guangzhou").get(response["Location"]).content.decode()
    assert "已导入 2 个历史评测结果" in html and "二级" in html and "四级" in html
    assert len(imported()) == 2
    listed = world.client("guangzhou").get(IMPORT).content.decode()
    assert "历史结果.xlsx" in listed and "已导入" in listed


def test_upload_with_errors_shows_them_and_offers_the_report(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    nanshan = world.registered.nanshan
    data = sheet(
        [
            [world.registered.tianhe.uscc, "2023-06-30", 50, ""],
            [nanshan.uscc, "2023-06-30", 50, ""],
            [world.registered.own.uscc, "2023-06-30", 101, ""],
        ]
    )
    response = upload(world, "guangdong", data, django_capture_on_commit_callbacks)
    html = world.client("guangdong").get(response["Location"]).content.decode()
    assert "没有写入任何数据" in html and "辖区" in html and "总分应在 0–100 之间" in html
    job = Job.objects.get()
    report = world.client("guangdong").get(reverse("assessment:history_import_errors", args=[job.pk]))
    assert report.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0] == ("行号", "列", "值", "原因")
    assert [(r[0], r[1]) for r in rows[1:]] == [(3, "统一社会信用代码"), (4, "总分")]
    assert not imported()


def test_renamed_file_upload_is_refused_with_a_message(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response = upload(world, "guangzhou", b"%PDF-1.4 not a spreadsheet", django_capture_on_commit_callbacks)
    html = world.client("guangzhou").get(response["Location"]).content.decode()
    assert "文件未被接受" in html and "PDF" in html
    assert not Job.objects.get().output_file


def test_empty_upload_is_refused_on_the_form(world: Any) -> None:
    response = world.client("guangzhou").post(IMPORT, {"file": SimpleUploadedFile("空.xlsx", b"")})
    assert response.status_code == 200 and not Job.objects.exists()
    assert "提交的内容有问题" in response.content.decode()


def test_dry_run_upload(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    data = sheet([[world.registered.tianhe.uscc, "2023-06-30", 50, ""]])
    response = upload(world, "guangzhou", data, django_capture_on_commit_callbacks, dry_run="on")
    assert "校验通过" in world.client("guangzhou").get(response["Location"]).content.decode()
    assert not imported()


def test_someone_elses_import_is_404(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    data = sheet([[world.registered.tianhe.uscc, "2023-06-30", 500, ""]])
    response = upload(world, "guangzhou", data, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    colleague = member(world.orgs["guangzhou"], "gz2")
    other = Client()
    other.force_login(colleague.user)
    assert other.get(response["Location"]).status_code == 404
    assert other.get(reverse("assessment:history_import_errors", args=[job.pk])).status_code == 404
    assert world.client("guangdong").get(response["Location"]).status_code == 404


def test_the_job_rechecks_rights_when_it_runs(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    org = organization(
        name="临时机构", type="authority", authority_level="city", region=world.regions["440100"]
    )
    person = member(org, "temp", "staff")
    client = Client()
    client.force_login(person.user)
    data = sheet([[world.registered.tianhe.uscc, "2023-06-30", 50, ""]])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(IMPORT, {"file": SimpleUploadedFile("a.xlsx", data)})
    person.role = "viewer"
    person.save()
    with pytest.raises(PermissionDenied):  # the test settings run jobs inline and re-raise their errors
        for callback in callbacks:
            callback()
    assert Job.objects.get().status == "failed" and not imported()
    assert viewer_for_membership(person).role == "viewer"


# -------------------------------------------------------------------------------------------------- command


def write(tmp_path: Path, data: bytes, name: str = "history.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_command_imports_as_a_person(world: Any, tmp_path: Path) -> None:
    path = write(tmp_path, sheet([[world.registered.tianhe.uscc, "2023-06-30", 61, ""]]))
    out = io.StringIO()
    call_command("import_assessments", str(path), "--as", "guangzhou", stdout=out, stderr=io.StringIO())
    assert "imported: 1" in out.getvalue() and "L3: 1" in out.getvalue()
    assert imported()[0].created_by == world.members["guangzhou"].user


def test_command_dry_run_needs_no_person_and_writes_nothing(world: Any, tmp_path: Path) -> None:
    path = write(tmp_path, sheet([[world.registered.nanshan.uscc, "2023-06-30", 61, ""]]))
    out = io.StringIO()
    call_command("import_assessments", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "valid: 1" in out.getvalue() and "(dry run)" in out.getvalue()
    assert not imported()


def test_command_refuses_to_write_without_a_person_or_for_one_who_may_not(world: Any, tmp_path: Path) -> None:
    path = write(tmp_path, sheet([[world.registered.tianhe.uscc, "2023-06-30", 61, ""]]))
    with pytest.raises(CommandError, match="--as"):
        call_command("import_assessments", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_assessments", str(path), "--as", "enterprise", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_assessments", str(tmp_path / "missing.xlsx"), "--as", "guangzhou")
    assert not imported()


def test_command_exits_non_zero_on_rejects_and_writes_the_report(world: Any, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        sheet(
            [
                [world.registered.xihu.uscc, "2023-06-30", 61, ""],
                [world.registered.tianhe.uscc, "2023-06-30", "x", ""],
            ]
        ),
    )
    report = tmp_path / "errors.xlsx"
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_assessments",
            str(path),
            "--as",
            "guangzhou",
            "--errors",
            str(report),
            stdout=out,
            stderr=io.StringIO(),
        )
    assert exit_info.value.code == 1
    assert "rejected: 2" in out.getvalue() and "辖区" in out.getvalue()
    rows = list(load_workbook(report).active.iter_rows(values_only=True))
    assert [r[:2] for r in rows[1:]] == [(2, "统一社会信用代码"), (3, "总分")]
    assert not imported()


def test_command_exits_non_zero_on_a_refused_file(world: Any, tmp_path: Path) -> None:
    path = write(tmp_path, b"")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_assessments", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert exit_info.value.code == 1 and "文件是空的" in out.getvalue()


# ------------------------------------------------------------------------------------- property tests (pure)

BANDS_FW = compile_bands(json.loads((DATA_DIR / "miit-2022.json").read_text(encoding="utf-8")))


@given(st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False))
def test_any_total_with_four_decimals_reads_back_exactly(total: Decimal) -> None:
    for raw in (str(total), f"{total:f}", float(total) if float(total) == total else str(total)):
        value = history.parse_total_cell(BANDS_FW, raw)
        assert value == total and isinstance(value, Decimal)
        expected = max([b.level for b in BANDS_FW.bands if total >= b.minimum], default=0)
        assert level_for_total(BANDS_FW, value) == expected


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6).filter(lambda d: d < 0 or d > 100))
def test_a_total_outside_0_to_100_is_always_refused(total: Decimal) -> None:
    assert isinstance(history.parse_total_cell(BANDS_FW, str(total)), Problem)


@given(st.dates(max_value=date(2030, 12, 31)))
def test_a_written_date_reads_back_unless_it_is_after_today(day: date) -> None:
    today = date(2026, 6, 30)
    for raw in (day.isoformat(), day, datetime(day.year, day.month, day.day, 15, 30)):
        value = history.parse_date(raw, today)
        if day <= today:
            assert value == day
        else:
            assert isinstance(value, Problem) and value.code == "date_future"


@given(st.text(max_size=30))
def test_text_is_a_date_or_a_problem_never_an_error(text: str) -> None:
    value = history.parse_date(text, date(2026, 6, 30))
    assert isinstance(value, date | Problem)
    assert isinstance(history.parse_total_cell(BANDS_FW, text), Decimal | Problem)
