"""The pilot-enterprise pool import: the application's template in the reader's language, a file read by its
content and checked whole (every row problem named with its row, column, value and a specific sentence),
nothing imported while any row is bad, everything imported in one transaction with one event and one
eligibility re-check, the error report neutralising formulas, the pages refusing outsiders (404), other
insiders (403) and a submitted application (back to the page with the reason), and a 5,000-row file checked
with a bounded number of queries."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from dengta.catalog.tests.test_english import chinese_left, data_texts, english
from dengta.core.importing.scope import ImportScope
from dengta.core.models import Event, Job
from dengta.core.spreadsheets import Book
from dengta.core.workflows import TransitionRefused
from dengta.orgs.models import Organization, OrgType
from dengta.programmes import services
from dengta.programmes.models import (
    Application,
    ApplicationState,
    ApplicationSubIndustry,
    Batch,
    Pilot,
    PoolEnterprise,
)
from dengta.programmes.pool_import import run_pool_import, validation, writing
from dengta.reference.models import SubIndustry
from dengta.registry.importing.runner import run_import
from dengta.registry.models import Enterprise
from dengta.registry.tests.conftest import body, code_for, csv_bytes, good_row

pytestmark = pytest.mark.django_db

HEADER = ["统一社会信用代码", "企业名称", "细分行业"]
SUB = "汽车零部件（广州）"  # the local name 广州 gives the sub-industry 汽车零部件


def xlsx(rows: Sequence[Sequence[Any]], header: Sequence[Any] | None = None) -> bytes:
    """A workbook as people fill it in, written by the safe cell writer (dengta.core.spreadsheets)."""
    book = Book()
    book.sheet("s").rows([list(HEADER if header is None else header), *rows])
    return book.to_bytes()


def live_formula_xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    """A hostile workbook made elsewhere (in Excel, say): openpyxl turns a text starting with "=" into a live
    formula cell. Dengta never writes one; the import must read one without evaluating it."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in [HEADER, *rows]:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def text_xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    """A workbook whose cells are all text, formula-looking ones included (the safe writer's output)."""
    book = Book()
    book.sheet("s").rows([HEADER, *rows])
    return book.to_bytes()


@pytest.fixture
def draft(world: Any, open_batch: Batch, sub_industry: SubIndustry) -> Application:
    """广州's draft application with one sub-industry under its local name."""
    actor = world.members["guangzhou"].user
    application = services.application_create(
        actor=actor, applicant=world.orgs["guangzhou"], batch=open_batch
    )
    services.application_add_sub_industry(
        actor=actor, application=application, sub_industry=sub_industry, local_name=SUB
    )
    return application


def run(world: Any, application: Application, data: bytes, who: str = "guangzhou") -> Any:
    return run_pool_import(
        data=data, file_name="pool.xlsx", application=application, viewer=world.viewer(who)
    )


def row_of(enterprise: Enterprise, sub: str = SUB) -> list[str]:
    return [enterprise.uscc, enterprise.name, sub]


def reasons(outcome: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.reason) for e in outcome.errors]


# ------------------------------------------------------------------------------------------- importing


def test_a_valid_file_adds_every_row_with_one_event_and_one_check(
    world: Any, draft: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks_run: list[int] = []
    original = writing.services.application_check

    def counted(*, application: Application) -> Any:
        checks_run.append(application.pk)
        return original(application=application)

    monkeypatch.setattr(writing.services, "application_check", counted)
    own, tianhe = world.registered.own, world.registered.tianhe
    outcome = run(world, draft, xlsx([row_of(own), row_of(tianhe, "汽车零部件")]))
    assert outcome.ok and (outcome.rows_total, outcome.rows_imported) == (2, 2)
    entry = draft.sub_industries.get()
    assert set(PoolEnterprise.objects.filter(entry=entry).values_list("enterprise_id", flat=True)) == {
        own.pk,
        tianhe.pk,
    }
    assert outcome.by_entry == {entry.pk: 2}
    assert checks_run == [draft.pk]  # once for the file, not once per row
    event = Event.objects.get(verb="application.pool_imported")
    assert event.target_id == str(draft.pk) and event.organization_id_ref == world.orgs["guangzhou"].pk
    assert event.payload["count"] == 2 and event.payload["file_name"] == "pool.xlsx"
    assert event.payload["enterprises"] == {"auto-parts": [own.uscc, tianhe.uscc]}
    assert not Event.objects.filter(verb="application.enterprise_added").exists()
    draft.refresh_from_db()
    assert draft.checked_at is not None
    assert "enterprise_listed_twice" not in {f["code"] for f in draft.eligibility}


def test_english_headers_and_every_name_of_the_sub_industry_are_read(world: Any, draft: Application) -> None:
    r = world.registered
    # Full-width brackets, extra spaces and case do not matter; the reference, English and local names and
    # the code all name the sub-industry.
    tianhe_name = "  天河精工 有限公司 "
    rows = [
        [r.own.uscc.lower(), r.own.name, "Auto Parts"],
        [f" {r.tianhe.uscc[:9]}-{r.tianhe.uscc[9:]} ", tianhe_name, "auto-parts"],
    ]
    outcome = run(world, draft, xlsx(rows, header=["USCC", "Name", "sub_industry"]))
    assert outcome.ok and outcome.rows_imported == 2, reasons(outcome)


def test_columns_may_come_in_any_order(world: Any, draft: Application) -> None:
    own = world.registered.own
    outcome = run(
        world, draft, xlsx([[SUB, own.uscc, own.name]], header=["细分行业", "统一社会信用代码", "企业名称"])
    )
    assert outcome.rows_imported == 1, reasons(outcome)


def test_one_bad_row_imports_nothing(world: Any, draft: Application) -> None:
    r = world.registered
    bad = r.tianhe.uscc[:-1] + ("0" if r.tianhe.uscc[-1] != "0" else "1")
    outcome = run(world, draft, xlsx([row_of(r.own), [bad, r.tianhe.name, SUB]]))
    assert not outcome.ok and outcome.rows_imported == 0
    assert (outcome.rows_valid, outcome.rows_rejected) == (1, 1)
    assert [(e.row, e.column, e.value) for e in outcome.errors] == [(3, "统一社会信用代码", bad)]
    assert "校验位错误" in outcome.errors[0].reason
    assert not PoolEnterprise.objects.exists()
    assert not Event.objects.filter(verb="application.pool_imported").exists()


def _other_application_with(
    world: Any, batch: Batch, sub_industry: SubIndustry, enterprise: Enterprise
) -> None:
    """广东's own application in the same batch, with ``enterprise`` in its pool."""
    actor = world.members["guangdong"].user
    other = services.application_create(actor=actor, applicant=world.orgs["guangdong"], batch=batch)
    entry = services.application_add_sub_industry(actor=actor, application=other, sub_industry=sub_industry)
    services.application_add_enterprise(actor=actor, entry=entry, enterprise=enterprise)


def _running_pilot_with(world: Any, enterprise: Enterprise, sub_industry: SubIndustry) -> None:
    """An approved application of an earlier batch whose pilot runs until next year, with ``enterprise``."""
    earlier = Batch.objects.get(code="city-2024")
    approved = Application.objects.create(
        batch=earlier, applicant=world.orgs["shenzhen"], state=ApplicationState.APPROVED
    )
    today = timezone.localdate()
    Pilot.objects.create(
        application=approved,
        batch=earlier,
        authority=world.orgs["shenzhen"],
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
        target_share=Decimal("0.9"),
        target_level=2,
        central_award_yuan=Decimal(0),
        rules_version=earlier.rules_version,
    )
    entry = ApplicationSubIndustry.objects.create(application=approved, sub_industry=sub_industry)
    PoolEnterprise.objects.create(application=approved, entry=entry, enterprise=enterprise)


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        (["", "{name}", SUB], "统一社会信用代码", "请填写统一社会信用代码"),
        (["91440106MA5ABCDE10", "{name}", SUB], "统一社会信用代码", "校验位错误：最后一位应为 X"),
        (["9144O106MA5ABCDE1X", "{name}", SUB], "统一社会信用代码", "不使用的字母 O"),
        ([91440106000000000, "{name}", SUB], "统一社会信用代码", "存成了数字"),
        (["{unregistered}", "{name}", SUB], "统一社会信用代码", "本辖区内没有以此统一社会信用代码登记的企业"),
        (
            ["{nanshan}", "南山电子有限公司", SUB],
            "统一社会信用代码",
            "本辖区内没有以此统一社会信用代码登记的企业",
        ),
        (["{code}", "", SUB], "企业名称", "请填写企业名称"),
        (["{code}", "天河精工股份有限公司", SUB], "企业名称", "与企业库中登记的名称“天河精工有限公司”不一致"),
        (["{code}", "{name}", ""], "细分行业", "请填写细分行业"),
        (["{code}", "{name}", "电子器件"], "细分行业", "“电子器件”不是本申报选择的细分行业；可填写：" + SUB),
        (["{in_pool}", "{in_pool_name}", SUB], "统一社会信用代码", f"该企业已在本申报的“{SUB}”试点企业库中"),
        (["{other}", "{other_name}", SUB], "统一社会信用代码", "已列入本批次另一份申报的试点企业库"),
        (["{piloting}", "{piloting_name}", SUB], "统一社会信用代码", "已在另一个进行中的试点中"),
    ],
)
def test_each_row_problem_is_named_with_its_column_and_reason(
    world: Any,
    draft: Application,
    open_batch: Batch,
    sub_industry: SubIndustry,
    cells: list[Any],
    column: str,
    reason: str,
) -> None:
    r = world.registered
    services.application_add_enterprise(
        actor=world.members["guangzhou"].user, entry=draft.sub_industries.get(), enterprise=r.own
    )
    in_other = Enterprise.objects.create(
        organization=Organization.objects.create(name="天河二厂有限公司", type=OrgType.ENTERPRISE),
        uscc=code_for("440106", body(40)),
        name="天河二厂有限公司",
        region=world.regions["440106"],
        industry=world.industries["C3670"],
        employees=50,
        revenue=1,
        total_assets=1,
        size_class="small",
        size_sector="industry",
        size_standard_version="t",
    )
    _other_application_with(world, open_batch, sub_industry, in_other)
    piloting = Enterprise.objects.create(
        organization=Organization.objects.create(name="天河三厂有限公司", type=OrgType.ENTERPRISE),
        uscc=code_for("440106", body(41)),
        name="天河三厂有限公司",
        region=world.regions["440106"],
        industry=world.industries["C3670"],
        employees=50,
        revenue=1,
        total_assets=1,
        size_class="small",
        size_sector="industry",
        size_standard_version="t",
    )
    _running_pilot_with(world, piloting, sub_industry)
    values = {
        "code": r.tianhe.uscc,
        "name": r.tianhe.name,
        "unregistered": code_for("440106", body(99)),
        "nanshan": r.nanshan.uscc,
        "in_pool": r.own.uscc,
        "in_pool_name": r.own.name,
        "other": in_other.uscc,
        "other_name": in_other.name,
        "piloting": piloting.uscc,
        "piloting_name": piloting.name,
    }
    row = [c.format(**values) if isinstance(c, str) else c for c in cells]
    outcome = run(world, draft, xlsx([row]))
    assert outcome.rows_rejected == 1 and outcome.rows_imported == 0
    assert [(e.row, e.column) for e in outcome.errors] == [(2, column)], reasons(outcome)
    assert reason in outcome.errors[0].reason
    assert PoolEnterprise.objects.filter(application=draft).count() == 1  # only the one added before


def test_the_same_enterprise_twice_names_both_rows(world: Any, draft: Application) -> None:
    r = world.registered
    rows = [row_of(r.tianhe), row_of(r.own), row_of(r.tianhe, "汽车零部件"), row_of(r.tianhe)]
    outcome = run(world, draft, xlsx(rows))
    assert (outcome.rows_valid, outcome.rows_rejected) == (1, 3)
    assert [(e.row, e.reason) for e in outcome.errors] == [
        (2, "同一家企业在文件中还出现在第 4、5 行，一家企业只能出现一次"),
        (4, "与第 2 行是同一家企业，一家企业在文件中只能出现一次"),
        (5, "与第 2 行是同一家企业，一家企业在文件中只能出现一次"),
    ]
    assert not PoolEnterprise.objects.exists()


def test_a_row_with_three_mistakes_gets_three_errors_and_blank_rows_are_skipped(
    world: Any, draft: Application
) -> None:
    outcome = run(world, draft, xlsx([[None, None, None], ["123", "", "电子"], []]))
    assert outcome.rows_total == 1
    assert [e.column for e in outcome.errors] == ["统一社会信用代码", "企业名称", "细分行业"]
    assert all(e.row == 3 for e in outcome.errors)


def test_a_local_name_shared_by_two_sub_industries_is_ambiguous(
    world: Any, draft: Application, sub_industry: SubIndustry
) -> None:
    other = SubIndustry.objects.create(code="e-parts", name="电子元件", name_en="Parts", dataset_version="t")
    services.application_add_sub_industry(
        actor=world.members["guangzhou"].user, application=draft, sub_industry=other, local_name="Auto parts"
    )
    outcome = run(world, draft, xlsx([row_of(world.registered.tianhe, "auto parts")]))
    assert [e.column for e in outcome.errors] == ["细分行业"]
    assert "几个细分行业共用的名称" in outcome.errors[0].reason
    assert run(world, draft, xlsx([row_of(world.registered.tianhe, "汽车零部件")])).ok


def test_formulas_are_values_never_evaluated_and_the_report_keeps_them_as_text(
    world: Any, draft: Application
) -> None:
    evil = '=HYPERLINK("http://evil.example","点我")'
    # A live formula cell (openpyxl writes it without a cached value) reads as blank; a formula typed as text
    # is a value like any other.
    live = run(world, draft, live_formula_xlsx([[world.registered.tianhe.uscc, evil, SUB]]))
    assert [(e.column, e.reason) for e in live.errors] == [("企业名称", "请填写企业名称")]
    code = world.registered.tianhe.uscc
    outcome = run(world, draft, text_xlsx([[evil, "x", SUB], [code, "+1+1", "＝1＋2"]]))
    assert [e.value for e in outcome.errors] == [evil, "+1+1", "＝1＋2"]
    assert (
        "不使用的字母" in outcome.errors[0].reason
        and "“＝1＋2”不是本申报选择的细分行业" in outcome.errors[2].reason
    )
    client = world.client("guangzhou")
    hostile = text_xlsx([[evil, "x", SUB], [code, "+1+1", "@SUM(A1)"]])
    response = client.post(
        f"/programmes/applications/{draft.pk}/pool/import/",
        {"file": SimpleUploadedFile("evil.xlsx", hostile)},
    )
    report_url = response.context["pool_import"]["report_url"]
    report = client.get(report_url)
    ws = load_workbook(io.BytesIO(b"".join(report.streaming_content))).worksheets[0]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    for text in (evil, "+1+1", "@SUM(A1)"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"", "文件是空的，请上传填好的试点企业名单"),
        (b"%PDF-1.7 ...", "这是 PDF 文件，不是 Excel 表格"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "不支持旧版 Excel 97-2003"),
        (b"PK\x03\x04broken", "文件已损坏"),
        ("统一社会信用代码,企业名称,细分行业\n".encode(), "表格中没有数据"),
    ],
)
def test_files_are_refused_whole_by_their_content(
    world: Any, draft: Application, data: bytes, sentence: str
) -> None:
    outcome = run(world, draft, data)
    assert sentence in outcome.refused and not outcome.errors and outcome.rows_rejected == 0


def test_a_csv_file_reads_like_the_workbook(world: Any, draft: Application) -> None:
    r = world.registered
    text = f"统一社会信用代码,企业名称,细分行业\n{r.own.uscc},{r.own.name},{SUB}\n"
    assert run(world, draft, text.encode("gb18030")).rows_imported == 1


def test_header_problems_name_the_column_and_check_no_row(world: Any, draft: Application) -> None:
    r = world.registered
    missing = run(world, draft, xlsx([[r.own.uscc, r.own.name]], header=["统一社会信用代码", "企业名称"]))
    assert [(e.row, e.reason) for e in missing.errors] == [(1, "缺少列：细分行业（sub_industry）")]
    unknown = run(world, draft, xlsx([[*row_of(r.own), "x"]], header=[*HEADER, "备注"]))
    assert [e.value for e in unknown.errors] == ["备注"] and "无法识别的列名 备注" in unknown.errors[0].reason
    twice = run(world, draft, xlsx([[*row_of(r.own), "x"]], header=[*HEADER, "uscc"]))
    assert "出现了两次" in twice.errors[0].reason
    assert missing.rows_rejected == unknown.rows_rejected == 0 and not PoolEnterprise.objects.exists()


def test_size_and_row_limits(world: Any, draft: Application, monkeypatch: pytest.MonkeyPatch) -> None:
    r = world.registered
    data = xlsx([row_of(r.own), row_of(r.tianhe)])
    with override_settings(DENGTA_IMPORT_MAX_BYTES=1024):
        assert "超过 0 MB 的上限" in run(world, draft, data).refused
    monkeypatch.setattr(validation, "MAX_ROWS", 1)
    assert "数据超过 1 行的上限" in run(world, draft, data).refused
    assert not PoolEnterprise.objects.exists()


def test_a_submitted_application_refuses_the_import(world: Any, draft: Application) -> None:
    Application.objects.filter(pk=draft.pk).update(state=ApplicationState.SUBMITTED)
    outcome = run(world, draft, xlsx([row_of(world.registered.own)]))
    assert outcome.refused == "申报已提交，退回补充前不能修改" and not PoolEnterprise.objects.exists()


def test_the_writing_service_refuses_an_application_no_longer_editable(
    world: Any, draft: Application
) -> None:
    Application.objects.filter(pk=draft.pk).update(state=ApplicationState.UNDER_REVIEW)
    row = validation.PoolRow(
        2, world.registered.own.pk, world.registered.own.uscc, draft.sub_industries.get().pk
    )
    with pytest.raises(TransitionRefused, match="评审中"):
        writing.application_import_enterprises(
            actor=None, application=draft, rows=[row], sub_industries={}, file_name="f", sha256="0"
        )
    assert not PoolEnterprise.objects.exists()


def test_an_enterprise_added_between_the_checks_and_the_writing_refuses_the_whole_file(
    world: Any, draft: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = world.registered
    load = validation.Lookups.load

    def stale(application: Application, viewer: Any, codes: Any) -> validation.Lookups:
        # The checks read the pool, then the same enterprise is added before the insert (on SQLite nothing
        # locks between them; the unique constraint decides).
        lookups = load(application, viewer, codes)
        services.application_add_enterprise(
            actor=world.members["guangzhou"].user, entry=draft.sub_industries.get(), enterprise=r.own
        )
        return lookups

    monkeypatch.setattr(validation.Lookups, "load", staticmethod(stale))
    outcome = run(world, draft, xlsx([row_of(r.tianhe), row_of(r.own)]))
    assert "本次没有写入任何数据" in outcome.refused and outcome.rows_imported == 0
    assert not PoolEnterprise.objects.filter(enterprise=r.tianhe).exists()
    assert not Event.objects.filter(verb="application.pool_imported").exists()


# ----------------------------------------------------------------------------------------------- scale


def _many_enterprises(n: int) -> list[Enterprise]:
    """``n`` enterprises of 广州市天河区, registered in bulk by the registry's own import (plain inserts:
    about 1.5 s for 5,000 here, where ``bulk_create`` of the organisations and profiles took 3.6 s)."""
    rows = [good_row("440106", 1000 + i, name=f"批量企业{i}有限公司") for i in range(n)]
    done = run_import(data=csv_bytes(rows), file_name="many.csv", scope=ImportScope.national_system())
    assert done.rows_imported == n, done.errors[:3]
    return list(Enterprise.objects.filter(import_batch_id=done.batch_id).order_by("uscc"))


def test_a_5000_row_file_names_every_bad_row_then_imports_whole_with_bounded_queries(
    world: Any, draft: Application
) -> None:
    enterprises = _many_enterprises(5000)
    rows = [row_of(e) for e in enterprises]
    rows[17][1] = "别的名字有限公司"
    rows[2500][0] = rows[2500][0][:-1] + ("0" if rows[2500][0][-1] != "0" else "1")
    rows[4999][2] = "纺织"
    rows.append(row_of(enterprises[42]))  # the same enterprise again: rows 44 and 5002
    with CaptureQueriesContext(connection) as queries:
        refused = run(world, draft, xlsx(rows))
    assert refused.rows_total == 5001 and refused.rows_imported == 0
    assert sorted({e.row for e in refused.errors}) == [19, 44, 2502, 5001, 5002]
    assert (refused.rows_rejected, refused.rows_valid) == (5, 4996)
    assert len(queries) < 30, len(queries)  # a few per 2,000 codes, never one per row
    assert not PoolEnterprise.objects.exists()

    with CaptureQueriesContext(connection) as queries:
        outcome = run(world, draft, xlsx([row_of(e) for e in enterprises]))
    assert outcome.ok and outcome.rows_imported == 5000
    assert PoolEnterprise.objects.filter(application=draft).count() == 5000
    assert len(queries) < 150, len(queries)  # bulk inserts, one event and one eligibility run
    event = Event.objects.get(verb="application.pool_imported")
    assert event.payload["count"] == 5000 and len(event.payload["enterprises"]["auto-parts"]) == 5000


# ----------------------------------------------------------------------------------------------- pages


def url(application: Application, step: str) -> str:
    return f"/programmes/applications/{application.pk}/pool/{step}"


def upload(client: Client, application: Application, data: bytes, name: str = "pool.xlsx") -> Any:
    return client.post(url(application, "import/"), {"file": SimpleUploadedFile(name, data)})


def said(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def partial(response: Any) -> str:
    """The pool import partial as the application page includes it, with the page's context."""
    keys = response.context.keys()  # a ContextList: the names of every context the page rendered with
    context = {key: response.context[key] for key in keys}
    return render_to_string("programmes/_pool_import.html", context, request=response.wsgi_request)


def test_the_template_lists_the_application_sub_industries_in_the_reader_language(
    world: Any, draft: Application
) -> None:
    response = world.client("guangzhou").get(url(draft, "template.xlsx"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = load_workbook(io.BytesIO(response.content))
    sheet, notes = book.worksheets
    assert [c.value for c in sheet[1]] == HEADER
    assert all(sheet.column_dimensions[letter].number_format == "@" for letter in "ABC")
    lines = [[c for c in row if c is not None] for row in notes.iter_rows(values_only=True)]
    assert [SUB, "汽车零部件", "Auto parts"] in lines
    assert any("全部行校验通过后才会导入" in str(line) for line in lines)

    response = english(world.client("guangzhou")).get(url(draft, "template.xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    sheet, notes = book.worksheets
    assert [c.value for c in sheet[1]] == ["uscc", "name", "sub_industry"]
    notes_text = " ".join(str(c) for row in notes.iter_rows(values_only=True) for c in row if c)
    assert "Nothing is imported unless every row is valid" in notes_text
    assert "This application's sub-industries" in notes_text and "Catalogue name" in notes_text
    # Chinese is left only where it is data: the columns' Chinese titles and examples, the sub-industry names.
    data = sorted({SUB, "汽车零部件", "天河精密零部件有限公司", *HEADER}, key=len, reverse=True)
    assert not chinese_left(notes_text, data), chinese_left(notes_text, data)
    assert "As registered in the enterprise registry" in notes_text
    # The English template imports as it is.
    r = world.registered
    filled = xlsx([[r.own.uscc, r.own.name, "Auto parts"]], header=[c.value for c in sheet[1]])
    assert run(world, draft, filled).rows_imported == 1


@pytest.mark.parametrize(("who", "status"), [("zhejiang", 404), ("enterprise", 404), ("guangdong", 403)])
def test_others_cannot_download_the_template_or_import(
    world: Any, draft: Application, who: str, status: int
) -> None:
    client = world.client(who)
    assert client.get(url(draft, "template.xlsx")).status_code == status
    assert upload(client, draft, xlsx([row_of(world.registered.own)])).status_code == status
    assert not PoolEnterprise.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(draft: Application) -> None:
    response = Client().get(url(draft, "template.xlsx"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Client().post(url(draft, "import/")).status_code == 302


def test_a_good_upload_goes_back_to_the_page_with_the_count(world: Any, draft: Application) -> None:
    r = world.registered
    client = world.client("guangzhou")
    response = upload(client, draft, xlsx([row_of(r.own), row_of(r.tianhe)]), name="C:\\data\\名单.xlsx")
    assert response.status_code == 302 and response["Location"] == f"/programmes/applications/{draft.pk}/"
    page = client.get(response["Location"])
    assert "已从 名单.xlsx 导入 2 家企业到试点企业库" in said(page)
    assert PoolEnterprise.objects.filter(application=draft).count() == 2
    assert not Job.objects.exists()  # nothing to keep: no report


def test_a_refused_upload_shows_the_problems_and_offers_the_report(world: Any, draft: Application) -> None:
    r = world.registered
    client = world.client("guangzhou")
    rows = [row_of(r.own), ["91440106MA5ABCDE10", "某公司", SUB]]
    rows += [[code_for("440106", body(200 + i)), f"未登记{i}", SUB] for i in range(25)]
    response = upload(client, draft, xlsx(rows))
    assert response.status_code == 200
    shown = response.context["pool_import"]
    assert (shown["rows_total"], shown["rows_rejected"], shown["errors_total"]) == (27, 26, 26)
    assert len(shown["errors"]) == 20 and shown["more"] == 6 and shown["errors"][0].row == 3
    page = partial(response)
    assert "27 行中有 26 行有错误，没有导入任何企业。" in page and "校验位错误" in page
    assert shown["report_url"] in page and "错误 26 条，下表列出前 20 条" in page
    assert not PoolEnterprise.objects.exists()

    report = client.get(shown["report_url"])
    assert report.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(report.streaming_content))).worksheets[0]
    table = list(ws.iter_rows(values_only=True))
    assert table[0] == ("行号", "列", "值", "原因") and len(table) == 27
    assert table[1][:3] == (3, "统一社会信用代码", "91440106MA5ABCDE10")
    # The report is the importer's own: nobody else, not even the province above, gets it.
    assert world.client("guangdong").get(shown["report_url"]).status_code == 404
    assert world.client("zhejiang").get(shown["report_url"]).status_code == 404
    other = services.application_create(
        actor=world.members["shenzhen"].user, applicant=world.orgs["shenzhen"], batch=draft.batch
    )
    job = shown["report_url"].rsplit("/", 1)[-1].removesuffix(".xlsx")
    assert client.get(f"/programmes/applications/{other.pk}/pool/errors/{job}.xlsx").status_code == 404


def test_a_refused_file_says_why_on_the_page(world: Any, draft: Application) -> None:
    client = world.client("guangzhou")
    response = upload(client, draft, b"%PDF-1.4 not a sheet", name="scan.pdf")
    shown = response.context["pool_import"]
    assert "这是 PDF 文件" in shown["refused"] and not shown["report_url"]
    page = partial(response)
    assert "文件未被接受，没有写入任何数据。" in page and "scan.pdf" in page
    missing = client.post(url(draft, "import/"), {})
    assert missing.context["pool_import"]["refused"] == "请选择要导入的文件"
    assert not Job.objects.exists()


def test_a_submitted_application_goes_back_with_the_reason(world: Any, draft: Application) -> None:
    Application.objects.filter(pk=draft.pk).update(state=ApplicationState.SUBMITTED)
    client = world.client("guangzhou")
    response = upload(client, draft, xlsx([row_of(world.registered.own)]))
    assert response.status_code == 302
    assert "申报已提交，退回补充前不能修改" in said(client.get(response["Location"]))
    assert not PoolEnterprise.objects.exists()
    # The template changes nothing: it stays available.
    assert client.get(url(draft, "template.xlsx")).status_code == 200


def test_the_import_page_in_english(world: Any, draft: Application) -> None:
    client = english(world.client("guangzhou"))
    own = world.registered.own
    bad = own.uscc[:-1] + ("0" if own.uscc[-1] != "0" else "1")
    rows = [[bad, own.name, SUB], [own.uscc, "x", "nope"]]
    response = upload(client, draft, xlsx(rows, header=["uscc", "name", "sub_industry"]))
    shown = response.context["pool_import"]
    assert [e.column for e in shown["errors"]] == ["uscc", "name", "sub_industry"]
    reasons_en = " ".join(e.reason for e in shown["errors"])
    assert "check character" in reasons_en.lower() and "not one of the sub-industries" in reasons_en
    with translation.override("en"):
        page = partial(response)
    assert "2 of 2 rows have errors, so no enterprise was imported." in page
    assert "Download the full error report" in page and "Import pilot enterprises from Excel" in page
    data = sorted({own.name, SUB, "汽车零部件", *data_texts()}, key=len, reverse=True)
    assert not chinese_left(page, data), chinese_left(page, data)
