"""The event log in people's words: every verb the code writes has a label (each app's verbs.py), object
types go by their models' names, actors by their full names and organisations, and the pages show no verb
code outside the technical toggle (ARCHITECTURE.md, "Users see names, not internal codes")."""

from __future__ import annotations

import ast
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dengta.core.events import ExportRow, export_headers, record_event, shown_events
from dengta.core.models import Event
from dengta.core.verbs import GENERIC_VERB, registry, target_type_label, verb_label
from tests.exports import exported

ROOT = Path(__file__).resolve().parents[2]  # dengta/
WRITERS = {"record_event", "Transition"}  # the calls that name a verb (Transition's 4th argument)
DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
CJK = re.compile(r"[\u3400-\u9fff]")


def verbs_in_code() -> dict[str, str]:
    """Every verb literal given to record_event or a workflow Transition in the application code, with the
    file it is in (tests and migrations left out)."""
    found: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in WRITERS:
                continue
            exprs = [k.value for k in node.keywords if k.arg == "verb"]
            if name == "Transition" and len(node.args) > 3:
                exprs.append(node.args[3])
            for expr in exprs:
                for const in ast.walk(expr):  # "a.x" if created else "a.y" names two verbs
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        found.setdefault(const.value, str(path.relative_to(ROOT.parent)))
    return found


def test_the_scan_finds_verbs_of_calls_and_of_workflow_tables() -> None:
    found = verbs_in_code()
    assert found["enterprise.updated"] == "dengta/registry/services.py"  # record_event(verb=…)
    assert found["assessment.submitted"] == "dengta/assessment/workflows.py"  # Transition(…, verb, …)
    assert {"membership.granted", "membership.changed"} <= set(found)  # both arms of a conditional


def test_every_verb_written_in_the_code_has_a_label() -> None:
    missing = {verb: where for verb, where in verbs_in_code().items() if verb not in registry()}
    assert missing == {}, "add these verbs with a label to their app's verbs.py"


def test_labels_are_translated_and_never_a_code() -> None:
    with translation.override("zh-hans"):
        assert verb_label("enterprise.updated") == "企业信息已修改"
    with translation.override("en"):
        labels = {verb: verb_label(verb) for verb in registry()}
        assert labels["enterprise.updated"] == "Enterprise details changed"
    assert [v for v, label in labels.items() if CJK.search(label) or DOTTED.search(label)] == []


def test_an_unknown_verb_from_old_rows_gets_a_generic_label() -> None:
    with translation.override("zh-hans"):
        assert verb_label("framework.loaded") == str(GENERIC_VERB) == "其他操作"
    with translation.override("en"):
        assert verb_label("framework.loaded") == "Other action"


@pytest.mark.django_db
def test_target_types_go_by_their_model_names() -> None:
    with translation.override("zh-hans"):
        assert target_type_label("registry.enterprise") == "企业"
        assert target_type_label("tests.thing") == "对象"  # no such model (any more)
        assert target_type_label("nonsense") == "对象"


@pytest.fixture
def logged(cast: Any) -> dict[str, Event]:
    actor = cast.members["guangdong"].user
    actor.display_name = "李红"
    actor.save(update_fields=["display_name"])
    path = "440000/440100/"
    return {
        "updated": record_event(
            actor=actor,
            verb="enterprise.updated",
            target=("registry.enterprise", "1", "广州甲公司"),
            scope_path=path,
        ),
        "old": record_event(
            actor=actor, verb="framework.loaded", target=("tests.thing", "2", "旧记录"), scope_path=path
        ),
        "system": record_event(
            actor=None, verb="enterprise.imported", target=("tests.thing", "3", "批次"), scope_path=path
        ),
    }


def test_shown_events_name_the_actor_and_their_organisation(cast: Any, logged: dict[str, Event]) -> None:
    with translation.override("zh-hans"):
        rows = {r.event.verb: r for r in shown_events(Event.objects.order_by("seq"))}
    updated = rows["enterprise.updated"]
    assert (updated.action, updated.target_kind, updated.actor_name) == ("企业信息已修改", "企业", "李红")
    assert updated.actor_organization == cast.orgs["guangdong"].name
    assert rows["framework.loaded"].action == "其他操作"
    assert (rows["enterprise.imported"].actor_name, rows["enterprise.imported"].actor_organization) == (
        "系统",
        "",
    )


def _visible_text(html: str) -> str:
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    options = re.findall(r"<option[^>]*>([^<]*)</option>", html)
    return re.sub(r"<[^>]+>", " ", table) + " " + " ".join(options)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_event_list_shows_no_dotted_verb_codes(cast: Any, logged: dict[str, Event], language: str) -> None:
    client = cast.client("oversight")
    client.cookies["django_language"] = language
    html = client.get(reverse("core:event_list")).content.decode()
    text = _visible_text(html)
    assert DOTTED.findall(text) == []
    assert "李红" in text and cast.orgs["guangdong"].name in text
    if language == "en":
        assert "Enterprise details changed" in text and "Other action" in text and "Enterprise" in text
    else:
        assert "企业信息已修改" in text and "其他操作" in text and "系统" in text
    # The filter still filters by the code, shown by its label.
    assert 'value="enterprise.updated"' in html


def test_event_detail_keeps_codes_in_the_technical_toggle(cast: Any, logged: dict[str, Event]) -> None:
    html = (
        cast.client("oversight")
        .get(reverse("core:event_detail", args=[logged["updated"].seq]))
        .content.decode()
    )
    main, technical = html.split('data-testid="event-technical"', 1)
    assert "企业信息已修改" in main and "李红" in main and "企业" in main
    assert "enterprise.updated" not in main and "registry.enterprise" not in main
    assert "enterprise.updated" in technical and "registry.enterprise" in technical


def test_export_rows_put_names_first_and_codes_in_technical_columns(
    cast: Any, logged: dict[str, Event]
) -> None:
    with translation.override("zh-hans"):
        headers, make_row = export_headers(), ExportRow()
        rows = [dict(zip(headers, make_row(e), strict=True)) for e in (logged["updated"], logged["system"])]
    assert (rows[0]["操作人"], rows[0]["操作人所属机构"]) == ("李红", cast.orgs["guangdong"].name)
    assert (rows[0]["动作"], rows[0]["对象类型"], rows[0]["对象"]) == ("企业信息已修改", "企业", "广州甲公司")
    assert (rows[0]["动作代码"], rows[0]["对象类型代码"]) == ("enterprise.updated", "registry.enterprise")
    assert (rows[1]["操作人"], rows[1]["动作"]) == ("系统", "企业已批量导入")


def test_home_panel_and_organisation_timeline_show_labels(cast: Any, logged: dict[str, Event]) -> None:
    home = cast.client("oversight").get("/").content.decode()
    panel = home.split("打开事件日志", 1)[0]
    assert "企业信息已修改" in panel and "李红" in panel and "系统" in panel
    assert "enterprise.updated" not in panel and "<code>" not in panel
    org = cast.orgs["guangdong"]
    record_event(
        actor=cast.members["guangdong"].user, verb="membership.granted", target=org, organization_id=org.pk
    )
    page = cast.client("guangdong").get(reverse("orgs:organization_detail", args=[org.pk])).content.decode()
    assert "成员已加入机构" in page and "李红" in page and "membership.granted" not in page


def test_event_export_and_actor_filter_use_names(cast: Any, logged: dict[str, Event]) -> None:
    client = cast.client("oversight")
    response = exported(client, reverse("core:event_list"))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    column = {str(title): n for n, title in enumerate(rows[0])}
    updated = next(r for r in rows[1:] if r[column["动作代码"]] == "enterprise.updated")
    assert (updated[column["动作"]], updated[column["操作人"]]) == ("企业信息已修改", "李红")
    assert updated[column["对象类型代码"]] == "registry.enterprise"
    found = client.get(reverse("core:event_list"), {"actor": "李红"}).context["object_list"]
    assert {e.verb for e in found} == {"enterprise.updated", "framework.loaded"}
