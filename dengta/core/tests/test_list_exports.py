"""The list export machinery (dengta.core.exports): every export is a job, the cap is stated before anyone
starts, in-process jobs finish before the redirect when the list is short, and the writer the exports use
writes exactly the cells the module's safe writer (Book) writes."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from dengta.core.events import record_event
from dengta.core.exports import EXPORT_MAX_ROWS, events_export, export_limits
from dengta.core.models import Job
from dengta.core.spreadsheets import Book, StreamedBook
from dengta.core.tests.test_spreadsheets import FORMULA_LIKE, PLAIN
from tests.exports import exported

EVENTS = reverse("core:event_list")
# Every control character, and text around the characters XML escapes.
TRICKY = [*FORMULA_LIKE, *PLAIN, "".join(chr(c) for c in range(32)) + "尾", "A&B<C>D", " x ", "末尾\n"]


def test_the_streamed_writer_writes_what_book_writes() -> None:
    book = Book(write_only=True)
    book.table("t", [f"h{i}" for i in range(len(TRICKY))], [TRICKY])
    streamed = io.BytesIO()
    with StreamedBook(streamed) as stream:
        stream.table("t", [f"h{i}" for i in range(len(TRICKY))], [TRICKY])
    rows = [
        next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, max_row=2))
        for data in (book.to_bytes(), streamed.getvalue())
    ]
    expected, actual = ([(c.value, c.data_type, bool(c.quotePrefix)) for c in row] for row in rows)
    assert actual == expected
    # The formula-like ones, and the control characters' cell: what is left, "\t\n\r尾", starts with a tab.
    assert sum(quoted for _v, _t, quoted in actual) == len(FORMULA_LIKE) + 1


@pytest.mark.parametrize(
    ("count", "said"),
    [
        (None, f"导出全部行（最多 {EXPORT_MAX_ROWS:,} 行），在后台生成后下载"),
        (36_004, f"导出全部行（最多 {EXPORT_MAX_ROWS:,} 行），在后台生成后下载"),
        (EXPORT_MAX_ROWS + 1, f"只导出前 {EXPORT_MAX_ROWS:,} 行，在后台生成后下载"),
    ],
)
def test_the_button_states_the_cap_before_anyone_starts(count: int | None, said: str) -> None:
    html = render_to_string(
        "core/_export_button.html", {"export_limits": export_limits(count), "querystring": "q=%E8%BD%B4"}
    )
    assert said in html
    assert 'href="?q=%E8%BD%B4&export=xlsx"' in html


@pytest.fixture
def logged(cast: Any) -> list[str]:
    labels = [f"事件{n}" for n in range(3)]
    for label in labels:
        record_event(
            actor=cast.members["guangdong"].user,
            verb="enterprise.registered",
            target=("tests.thing", label, label),
            scope_path="440000/440100/",
            payload={"big": "x" * 1000},
        )
    return labels


@pytest.mark.django_db
def test_a_short_list_is_ready_when_the_job_page_opens(
    cast: Any, logged: list[str], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DENGTA_EAGER_JOBS = "thread"  # the embedded default: jobs in this process
    client = cast.client("oversight")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(EVENTS, {"export": "xlsx"})
    assert callbacks == []  # written in the request, not handed to a thread
    job = Job.objects.get(kind="core.list_export")
    assert response["Location"] == reverse("core:export_job", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED and job.result["rows"] == 3
    page = client.get(response["Location"]).content.decode()
    assert job.result["download"] in page and "已导出 3 行" in page
    assert "每个工作表最多 1,048,575 行" in page and f"每次最多导出 {EXPORT_MAX_ROWS:,} 行" in page


@pytest.mark.django_db
def test_the_event_export_reads_no_payload_and_keeps_the_page_order(cast: Any, logged: list[str]) -> None:
    export = events_export(cast.viewer("oversight"), QueryDict(""))
    assert "payload" not in str(export.queryset.query)
    download = exported(cast.client("oversight"), EVENTS)
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(min_row=2, values_only=True))
    assert [r[6] for r in rows] == list(reversed(logged))  # newest first, as the page
