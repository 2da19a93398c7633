"""Building the upward report of one pilot (the package docstring says what it holds)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.utils import timezone

from dengta.assessment.models import Assessment
from dengta.assessment.selectors import PANEL_FRAMEWORK
from dengta.programmes.models import Pilot, PoolEnterprise
from dengta.projects.models import Envelope, EvaluationOutcome, LedgerEntry, Project

FORMAT = "dengta.upward-report"
VERSION = "1"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value).quantize(Decimal('0.01'))}"


def _day(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return value.date().isoformat() if hasattr(value, "date") and callable(value.date) else value.isoformat()


def _pilot(pilot: Pilot) -> dict[str, Any]:
    allocation = getattr(pilot, "allocation", None)
    region = pilot.authority.region
    return {
        "batch": pilot.batch.code,
        "programme": pilot.batch.programme.code,
        "authority": {"name": pilot.authority.name, "region": region.code if region is not None else None},
        "starts_on": _day(pilot.starts_on),
        "ends_on": _day(pilot.ends_on),
        "target_share": f"{pilot.target_share}",
        "target_level": pilot.target_level,
        "central_award_yuan": _money(pilot.central_award_yuan),
        "rules_version": pilot.rules_version,
        "allocation": None
        if allocation is None
        else {
            "retrofit_yuan": _money(allocation.retrofit_yuan),
            "service_yuan": _money(allocation.service_yuan),
            "local_matching_yuan": _money(allocation.local_matching_yuan),
            "total_yuan": _money(allocation.total_yuan),
            "rules_version": allocation.rules_version,
        },
    }


def _assessment(a: Assessment) -> dict[str, Any]:
    return {
        "framework": a.framework.code,
        "version": a.framework.version,
        "kind": a.kind,
        "phase": a.phase,
        "assessed_on": _day(a.assessed_on),
        "level": a.level,
        "points": {
            "base": f"{a.points_base}" if a.points_base is not None else None,
            "mgmt": f"{a.points_mgmt}" if a.points_mgmt is not None else None,
            "results": f"{a.points_results}" if a.points_results is not None else None,
        },
        "scenario_levels": {
            str(k): int(v or 0) for k, v in sorted(((a.result or {}).get("scenario_levels") or {}).items())
        },
    }


def _enterprises(pilot: Pilot) -> list[dict[str, Any]]:
    pool = list(
        PoolEnterprise.objects.filter(application_id=pilot.application_id)
        .select_related("enterprise__region", "entry__sub_industry")
        .order_by("enterprise__uscc")
    )
    ids = [p.enterprise_id for p in pool]
    results: dict[int, list[dict[str, Any]]] = {}
    for a in (
        Assessment.objects.final()
        .filter(enterprise_id__in=ids, framework__code=PANEL_FRAMEWORK)
        .select_related("framework")
        .order_by("enterprise_id", "assessed_on", "pk")
    ):
        results.setdefault(a.enterprise_id, []).append(_assessment(a))
    return [
        {
            "uscc": p.enterprise.uscc,
            "name": p.enterprise.name,
            "region": p.enterprise.region_id,
            "industry": p.enterprise.industry_id,
            "size_class": p.enterprise.size_class,
            "above_designated_size": p.enterprise.is_above_designated_size,
            "tier": p.enterprise.tier or None,
            "sub_industry": p.entry.sub_industry_id,
            "assessments": results.get(p.enterprise_id, []),
        }
        for p in pool
    ]


def _acceptance(project: Project) -> dict[str, Any] | None:
    decided = [e for e in project.evaluations.all() if e.outcome]
    if not decided:
        return None
    last = max(decided, key=lambda e: (e.decided_at or timezone.now(), e.pk))
    return {
        "outcome": last.outcome,
        "level": last.level,
        "decided_on": _day(last.decided_at),
        "passed": last.outcome == EvaluationOutcome.PASSED,
    }


def _projects(pilot: Pilot) -> list[dict[str, Any]]:
    projects = (
        Project.objects.filter(pilot=pilot)
        .select_related("enterprise", "provider__organization")
        .prefetch_related("lines", "evaluations")
        .order_by("pk")
    )
    return [
        {
            "ref": f"P{p.pk}",
            "enterprise": p.enterprise.uscc,
            "provider": {"uscc": p.provider.uscc, "name": p.provider.organization.name},
            "title": p.title,
            "state": p.state,
            "scenarios": [str(s) for s in p.scenarios or []],
            "target_level": p.target_level,
            "starts_on": _day(p.starts_on),
            "ends_on": _day(p.ends_on),
            "contract_signed_on": _day(p.contract_signed_on),
            "completed_on": _day(p.completed_on),
            "accepted_on": _day(p.accepted_at),
            "contract_yuan": _money(p.contract_yuan),
            "concession_yuan": _money(p.concession_yuan),
            "eligible_yuan": _money(p.eligible_yuan),
            "subsidy_yuan": _money(p.subsidy_yuan),
            "central_yuan": _money(p.central_yuan),
            "local_yuan": _money(p.local_yuan),
            "enterprise_yuan": _money(p.enterprise_yuan),
            "rules_version": p.rules_version,
            "lines": [
                {
                    "product": line.name,
                    "category": line.category,
                    "quantity": line.quantity,
                    "list_price_yuan": _money(line.list_price_yuan),
                    "pilot_price_yuan": _money(line.pilot_price_yuan),
                }
                for line in sorted(p.lines.all(), key=lambda line: line.pk)
            ],
            "acceptance": _acceptance(p),
        }
        for p in projects
    ]


def _funds(pilot: Pilot) -> dict[str, Any]:
    envelopes = list(Envelope.objects.filter(pilot=pilot).order_by("kind"))
    entries = (
        LedgerEntry.objects.filter(envelope__pilot=pilot)
        .select_related("envelope")
        .order_by("created_at", "pk")
    )
    return {
        "envelopes": [
            {
                "kind": e.kind,
                "allocated_yuan": _money(e.allocated_yuan),
                "committed_yuan": _money(e.committed_yuan),
                "paid_yuan": _money(e.paid_yuan),
            }
            for e in envelopes
        ],
        "entries": [
            {
                "ref": f"L{x.pk}",
                "envelope": x.envelope.kind,
                "kind": x.kind,
                "amount_yuan": _money(x.amount_yuan),
                "project": f"P{x.project_id}" if x.project_id else None,
                "reverses": f"L{x.reverses_id}" if x.reverses_id else None,
                "at": timezone.localtime(x.created_at).isoformat(timespec="seconds"),
            }
            for x in entries
        ],
    }


def report_of(pilot: Pilot) -> dict[str, Any]:
    pilot = Pilot.objects.select_related("batch__programme", "authority__region", "allocation").get(
        pk=pilot.pk
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "pilot": _pilot(pilot),
        "enterprises": _enterprises(pilot),
        "projects": _projects(pilot),
        "funds": _funds(pilot),
    }


def canonical(document: dict[str, Any]) -> str:
    """The document as JSON with sorted keys: the same content is the same text."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
