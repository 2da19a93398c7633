"""Receiving an upward report on another instance: the document is checked against its JSON Schema and
against its own arithmetic (every reference resolves, every envelope's totals are those its entries give
and never overspent), then stored as sent. Nothing is stored when anything is wrong; the problems are said
with where they are ($.projects[3].enterprise)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dengta.analytics.models import UpwardReport
from dengta.analytics.upward.export import canonical
from dengta.core.actors import Actor
from dengta.core.events import record_event
from dengta.projects.services.ledger import derived_totals

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.json"
MAX_PROBLEMS = 20


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def _where(path: Any) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def schema_problems(document: Any) -> list[str]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{_where(e.absolute_path)}: {e.message}" for e in errors[:MAX_PROBLEMS]]


def arithmetic_problems(document: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    usccs = [e["uscc"] for e in document["enterprises"]]
    for uscc in sorted({u for u in usccs if usccs.count(u) > 1}):
        problems.append(_("企业 %(uscc)s 重复出现") % {"uscc": uscc})
    refs = [p["ref"] for p in document["projects"]]
    for i, project in enumerate(document["projects"]):
        if project["enterprise"] not in usccs:
            problems.append(
                _("$.projects[%(i)s].enterprise：企业 %(uscc)s 不在企业名单中")
                % {"i": i, "uscc": project["enterprise"]}
            )
    if len(set(refs)) != len(refs):
        problems.append(_("项目编号重复"))
    entries = document["funds"]["entries"]
    by_ref = {x["ref"]: x for x in entries}
    for i, entry in enumerate(entries):
        if entry["project"] is not None and entry["project"] not in refs:
            problems.append(
                _("$.funds.entries[%(i)s].project：项目 %(ref)s 不存在") % {"i": i, "ref": entry["project"]}
            )
        if (entry["kind"] == "reverse") != (entry["reverses"] is not None) or (
            entry["reverses"] is not None and entry["reverses"] not in by_ref
        ):
            problems.append(_("$.funds.entries[%(i)s].reverses：冲正分录必须指向一条存在的分录") % {"i": i})
    if problems:
        return problems[:MAX_PROBLEMS]
    for i, envelope in enumerate(document["funds"]["envelopes"]):
        rows = [
            (x["kind"], by_ref[x["reverses"]]["kind"] if x["reverses"] else None, Decimal(x["amount_yuan"]))
            for x in entries
            if x["envelope"] == envelope["kind"]
        ]
        totals = derived_totals(rows)
        stated = {name: Decimal(envelope[f"{name}_yuan"]) for name in ("allocated", "committed", "paid")}
        if totals != stated:
            problems.append(
                _("$.funds.envelopes[%(i)s]：%(kind)s 的合计与流水不符") % {"i": i, "kind": envelope["kind"]}
            )
        if not stated["paid"] <= stated["committed"] <= stated["allocated"]:
            problems.append(_("$.funds.envelopes[%(i)s]：拨付不能超过承诺，承诺不能超过下达") % {"i": i})
    return problems[:MAX_PROBLEMS]


def parse(text: str) -> dict[str, Any]:
    """The document from its JSON text, or ValidationError with every problem found."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("不是有效的 JSON：第 %(line)s 行第 %(column)s 列") % {"line": exc.lineno, "column": exc.colno}
        ) from exc
    problems = schema_problems(document)
    if not problems:
        problems = arithmetic_problems(document)
    if problems:
        raise ValidationError(problems)
    assert isinstance(document, dict)
    return document


@transaction.atomic
def report_receive(*, actor: Actor, text: str) -> tuple[UpwardReport, bool]:
    """Store a valid report (True), or find the same one received before (False: nothing written)."""
    document = parse(text)
    digest = hashlib.sha256(canonical(document).encode("utf-8")).hexdigest()
    pilot = document["pilot"]
    identity = {
        "batch_code": pilot["batch"],
        "authority_name": pilot["authority"]["name"],
        "authority_region": pilot["authority"]["region"] or "",
        "digest": digest,
    }
    found = UpwardReport.objects.filter(**identity).first()
    if found is not None:
        return found, False
    report = UpwardReport(
        **identity,
        document=document,
        enterprises=len(document["enterprises"]),
        projects=len(document["projects"]),
    )
    report.full_clean()
    report.save()
    record_event(
        actor=actor,
        verb="upward_report.received",
        target=report,
        payload={"digest": digest, "enterprises": report.enterprises, "projects": report.projects},
    )
    return report, True
