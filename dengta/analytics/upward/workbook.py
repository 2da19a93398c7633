"""The upward report as an Excel workbook: one sheet per part of the document, the same values (codes as
the document has them, amounts as numbers), through the shared cell writer (dengta.core.spreadsheets)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from dengta.core.spreadsheets import Book


def _yuan(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def report_workbook(document: dict[str, Any]) -> bytes:
    book = Book()
    pilot = document["pilot"]
    book.table(
        _("试点"),
        [_("项目"), _("值")],
        [
            ["format", document["format"]],
            ["version", document["version"]],
            ["generated_at", document["generated_at"]],
            ["batch", pilot["batch"]],
            ["programme", pilot["programme"]],
            ["authority", pilot["authority"]["name"]],
            ["authority_region", pilot["authority"]["region"]],
            ["starts_on", pilot["starts_on"]],
            ["ends_on", pilot["ends_on"]],
            ["target_share", pilot["target_share"]],
            ["target_level", pilot["target_level"]],
            ["central_award_yuan", _yuan(pilot["central_award_yuan"])],
        ],
    )
    book.table(
        _("企业"),
        ["uscc", "name", "region", "industry", "size_class", "above_designated_size", "tier", "sub_industry"],
        [
            [
                e["uscc"],
                e["name"],
                e["region"],
                e["industry"],
                e["size_class"],
                e["above_designated_size"],
                e["tier"],
                e["sub_industry"],
            ]
            for e in document["enterprises"]
        ],
    )
    book.table(
        _("评测"),
        ["uscc", "framework", "version", "kind", "phase", "assessed_on", "level", "base", "mgmt", "results"],
        [
            [
                e["uscc"],
                a["framework"],
                a["version"],
                a["kind"],
                a["phase"],
                a["assessed_on"],
                a["level"],
                a["points"]["base"],
                a["points"]["mgmt"],
                a["points"]["results"],
            ]
            for e in document["enterprises"]
            for a in e["assessments"]
        ],
    )
    money = [
        "contract_yuan",
        "concession_yuan",
        "eligible_yuan",
        "subsidy_yuan",
        "central_yuan",
        "local_yuan",
        "enterprise_yuan",
    ]
    book.table(
        _("项目"),
        [
            "ref",
            "enterprise",
            "provider_uscc",
            "provider",
            "title",
            "state",
            "accepted_on",
            *money,
            "acceptance",
            "acceptance_level",
        ],
        [
            [
                p["ref"],
                p["enterprise"],
                p["provider"]["uscc"],
                p["provider"]["name"],
                p["title"],
                p["state"],
                p["accepted_on"],
                *[_yuan(p[m]) for m in money],
                p["acceptance"]["outcome"] if p["acceptance"] else None,
                p["acceptance"]["level"] if p["acceptance"] else None,
            ]
            for p in document["projects"]
        ],
    )
    book.table(
        _("资金额度"),
        ["kind", "allocated_yuan", "committed_yuan", "paid_yuan"],
        [
            [e["kind"], _yuan(e["allocated_yuan"]), _yuan(e["committed_yuan"]), _yuan(e["paid_yuan"])]
            for e in document["funds"]["envelopes"]
        ],
    )
    book.table(
        _("资金流水"),
        ["ref", "envelope", "kind", "amount_yuan", "project", "reverses", "at"],
        [
            [
                x["ref"],
                x["envelope"],
                x["kind"],
                _yuan(x["amount_yuan"]),
                x["project"],
                x["reverses"],
                x["at"],
            ]
            for x in document["funds"]["entries"]
        ],
    )
    return book.to_bytes()
