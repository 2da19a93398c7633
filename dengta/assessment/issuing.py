"""Issuing final reports and checking them (PRODUCT.md "a product an office can trust"; ARCHITECTURE.md
convention 18 for the public verification page).

A report is issued when its assessment becomes final — a self-assessment or a provider's diagnosis when it is
scored, an on-site assessment (现场评定) when its expert signs it off (``workflows.SCORE`` and
``workflows.SIGN_OFF``; ``Assessment.is_final``). Historical imports are records of reports issued elsewhere
and get no number here. The issue records:

- a report number ``DT-<year>-<region code>-<sequence>``, the year of issue (Asia/Shanghai), the enterprise's
  GB/T 2260 region code and a six-digit sequence per year and region, allocated under a row lock;
- the issuing body: for a self-assessment or a diagnosis the platform's operator (``DENGTA_REPORT_ISSUER``),
  for an on-site assessment the authority that arranged it (the organisation of the person who arranged it
  whose jurisdiction covers the enterprise), or the operator when that cannot be told;
- the framework's title and version, the signing expert's name for on-site results;
- a random verification token (the public page ``/v/<token>/``) and the SHA-256 digest of a canonical JSON
  serialisation of the report's key figures (``key_figures``).

The verification page recomputes the digest from the stored assessment: equal means the figures are as issued;
different means something changed since; a correction that was issued in turn supersedes the report.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dengta.assessment.models import (
    Assessment,
    Framework,
    Kind,
    LevelRuleConfirmation,
    ReportIssue,
    ReportNumberSequence,
)
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.orgs.models import Organization, OrgType

DEFAULT_ISSUER = "国家中小企业数字化转型评测平台"
NUMBER_PREFIX = "DT"
NUMBER_RE = re.compile(r"DT-\d{4}-\d{6}-\d{6}")
DIGEST_FORMAT = "dengta-report-digest/1"
FOUR_PLACES = Decimal("0.0001")


# ------------------------------------------------------------------------------------------- names


def english() -> bool:
    return (get_language() or "").startswith("en")


def framework_title(framework: Framework, *, in_english: bool | None = None) -> str:
    """The framework as people name it: the title of its data (the English one in English where the data
    has one); the EU DMA by its kind's name in Chinese, since its data has only the English title."""
    return framework.title_in(english=english() if in_english is None else in_english)


def framework_name(framework: Framework) -> str:
    """Title and version, e.g. 中小企业数字化水平评测指标（2024年版）制造业 2024.1."""
    return f"{framework_title(framework)} {framework.version}"


def rule_unverified(framework: Framework) -> bool:
    """The level rule of this version is marked provisional and no one has confirmed it against the official
    document yet: reports under it carry a footnote."""
    if not framework.provisional:
        return False
    return not LevelRuleConfirmation.objects.filter(framework=framework).exists()


# --------------------------------------------------------------------------------------------- digest


def _points(value: Any) -> str | None:
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(FOUR_PLACES))


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def key_figures(
    assessment: Assessment, issue: ReportIssue, *, enterprise_name: str | None = None
) -> dict[str, Any]:
    """What the digest covers: who, which framework, the result and the dates, and the issue's own number,
    issuer and signer (so none of them can be altered unnoticed). Built from stored rows only.

    ``enterprise_name``: the name the report was issued under, when checking later — an enterprise may be
    renamed legitimately (its authority corrects the register), which does not change what was assessed."""
    result = assessment.result or {}
    enterprise = assessment.enterprise
    signed = assessment.signed_off_at
    return {
        "format": DIGEST_FORMAT,
        "number": issue.number,
        "issuer": issue.issuer,
        "issued_on": _day(issue.issued_on),
        "signer": issue.signer_name,
        "enterprise": enterprise.name if enterprise_name is None else enterprise_name,
        "uscc": enterprise.uscc,
        "framework": assessment.framework.code,
        "framework_version": assessment.framework.version,
        "kind": assessment.kind,
        "phase": assessment.phase,
        "level": assessment.level,
        "total": _points(assessment.total),
        "dimensions": {
            "base": _points(assessment.points_base),
            "mgmt": _points(assessment.points_mgmt),
            "results": _points(assessment.points_results),
            **{f"dma.{k}": str(v) for k, v in sorted((result.get("dimensions") or {}).items())},
        },
        "scenarios_at_least": {str(k): int(v) for k, v in sorted((result.get("at_least") or {}).items())},
        "assessed_on": _day(assessment.assessed_on),
        "signed_off_on": _day(timezone.localdate(signed)) if signed else None,
    }


def canonical(figures: dict[str, Any]) -> str:
    """One text for the same figures on every machine and database: sorted keys, no spaces, UTF-8."""
    return json.dumps(figures, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest_of(figures: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(figures).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------- issue


def issuer_for(assessment: Assessment) -> tuple[str, Organization | None]:
    operator = str(getattr(settings, "DENGTA_REPORT_ISSUER", "") or DEFAULT_ISSUER)
    if assessment.kind != Kind.ONSITE:
        return operator, None
    arranging = getattr(assessment, "arranged_by_organization", None)
    if arranging is not None:
        return arranging.name, arranging
    path = assessment.enterprise.region.path
    arranged_by = (
        Organization.objects.filter(
            memberships__user_id=assessment.created_by_id,
            memberships__is_active=True,
            type__in=[OrgType.AUTHORITY, OrgType.MINISTRY],
        )
        .select_related("region")
        .order_by("-region__level", "pk")
    )
    for org in arranged_by:
        # The authority whose jurisdiction covers the enterprise; a ministry covers every region.
        if org.type == OrgType.MINISTRY or (org.region and path.startswith(org.region.path)):
            return org.name, org
    return operator, None


def signer_for(assessment: Assessment) -> str:
    if assessment.kind != Kind.ONSITE or assessment.signed_off_by is None:
        return ""
    user = assessment.signed_off_by
    return str(user)  # the name as the person recorded it (User.__str__: 姓名, else first and last name)


def allocate_number(*, year: int, region_code: str) -> str:
    """The next report number for ``year`` and region. Call inside a transaction: the sequence row stays
    locked until it commits, so concurrent issues wait for each other and never share a number."""
    prefix = f"{NUMBER_PREFIX}-{year:04d}-{region_code}"
    ReportNumberSequence.objects.get_or_create(prefix=prefix)
    sequence = ReportNumberSequence.objects.select_for_update().get(prefix=prefix)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{sequence.last:06d}"


def _new_token() -> str:
    while True:
        token = secrets.token_urlsafe(12)  # 16 characters, 96 random bits
        if not ReportIssue.objects.filter(token=token).exists():
            return token


@transaction.atomic
def report_issue(*, actor: Actor, assessment: Assessment) -> ReportIssue:
    """Issue the report of a final assessment (once: a second call returns the same issue). When the
    assessment corrects an issued one, that earlier report is marked superseded by this one."""
    # Lock only the assessment row (PostgreSQL refuses FOR UPDATE on the nullable side of an outer join).
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("enterprise", "enterprise__region", "framework", "signed_off_by")
        .get(pk=assessment.pk)
    )
    existing = ReportIssue.objects.filter(assessment=locked).first()
    if existing is not None:
        return existing
    if not locked.is_final or locked.kind == Kind.HISTORICAL:
        raise ValidationError(_("只有已生效的评测结果可以出具报告"))
    now = timezone.now()
    today = timezone.localdate(now)
    issuer, organization = issuer_for(locked)
    issue = ReportIssue(
        assessment=locked,
        number=allocate_number(year=today.year, region_code=locked.enterprise.region.code),
        token=_new_token(),
        issuer=issuer,
        issuer_organization=organization,
        issued_at=now,
        issued_on=today,
        framework_title=locked.framework.display_title,
        framework_version=locked.framework.version,
        signer_name=signer_for(locked),
        figures={},
        digest="",
    )
    issue.figures = key_figures(locked, issue)
    issue.digest = digest_of(issue.figures)
    issue.full_clean()
    issue.save()
    organization_id, scope_path = locked.enterprise.organization_id, locked.enterprise.region.path
    record_event(
        actor=actor,
        verb="assessment.report_issued",
        target=locked,
        payload={"number": issue.number, "issuer": issuer, "digest": issue.digest},
        organization_id=organization_id,
        scope_path=scope_path,
    )
    earlier = None
    if locked.corrects_id is not None:
        earlier = ReportIssue.objects.select_for_update().filter(assessment_id=locked.corrects_id).first()
    if earlier is not None and earlier.superseded_by_id is None:
        earlier.superseded_by = issue
        earlier.save(update_fields=["superseded_by", "updated_at"])
        record_event(
            actor=actor,
            verb="assessment.report_superseded",
            target=earlier.assessment,
            payload={"number": earlier.number, "by": issue.number},
            organization_id=organization_id,
            scope_path=scope_path,
        )
    return issue


def issue_if_final(*, actor: Actor, assessment: Assessment) -> ReportIssue | None:
    """Called by the services right after scoring and after sign-off: issues the report when that made the
    result final (a scored on-site assessment waits for its expert's signature)."""
    if not assessment.is_final or assessment.kind == Kind.HISTORICAL:
        return None
    return report_issue(actor=actor, assessment=assessment)


def verification_path(issue: ReportIssue) -> str:
    from django.urls import reverse

    return reverse("verify:report", args=[issue.token])


def verification_url(issue: ReportIssue, request: Any = None) -> str:
    """The public address of the report's verification page, as printed and encoded in the QR code: under
    DENGTA_PUBLIC_URL when set (the address the public knows), else the address of the request."""
    path = verification_path(issue)
    base = str(getattr(settings, "DENGTA_PUBLIC_URL", "") or "").rstrip("/")
    if base:
        return base + path
    if request is not None:
        return str(request.build_absolute_uri(path))
    return path


def issue_in_bulk(assessments: Iterable[Assessment]) -> int:
    """Issue the reports of final assessments written in bulk (the demo's back-dated rows): numbers, issuers
    and digests as ``report_issue`` gives them, each dated when its assessment became final, without an event
    per row (the caller records one summary event). Returns how many were issued."""
    pks = [a.pk for a in assessments]
    rows = (
        Assessment.objects.final()
        .exclude(kind=Kind.HISTORICAL)
        .filter(pk__in=pks, issue__isnull=True)
        .select_related("enterprise", "enterprise__region", "framework", "signed_off_by")
        .order_by("scored_at", "pk")
    )
    issuers: dict[tuple[Any, str, str], tuple[str, Organization | None]] = {}
    issues: list[ReportIssue] = []
    with transaction.atomic():
        counters: dict[str, ReportNumberSequence] = {}
        for row in rows:
            issued_at = row.signed_off_at or row.scored_at or timezone.now()
            day = timezone.localdate(issued_at)
            prefix = f"{NUMBER_PREFIX}-{day.year:04d}-{row.enterprise.region.code}"
            if prefix not in counters:
                ReportNumberSequence.objects.get_or_create(prefix=prefix)
                counters[prefix] = ReportNumberSequence.objects.select_for_update().get(prefix=prefix)
            counters[prefix].last += 1
            key = (row.created_by_id, row.kind, row.enterprise.region.path)
            if key not in issuers:
                issuers[key] = issuer_for(row)
            issuer, organization = issuers[key]
            issue = ReportIssue(
                assessment=row,
                number=f"{prefix}-{counters[prefix].last:06d}",
                token=secrets.token_urlsafe(12),
                issuer=issuer,
                issuer_organization=organization,
                issued_at=issued_at,
                issued_on=day,
                framework_title=row.framework.display_title,
                framework_version=row.framework.version,
                signer_name=signer_for(row),
                figures={},
                digest="",
            )
            issue.figures = key_figures(row, issue)
            issue.digest = digest_of(issue.figures)
            issues.append(issue)
        ReportIssue.objects.bulk_create(issues, batch_size=500)
        for sequence in counters.values():
            sequence.save(update_fields=["last"])
    return len(issues)


# ------------------------------------------------------------------------------------------- checking


class Status:
    VALID = "valid"
    CHANGED = "changed"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Verification:
    issue: ReportIssue
    status: str
    current_digest: str
    superseded_by: ReportIssue | None


def verify(issue: ReportIssue) -> Verification:
    """Recompute the digest from the stored assessment and compare it with the one issued."""
    assessment = (
        Assessment.objects.select_related("enterprise", "framework").filter(pk=issue.assessment_id).get()
    )
    # The stored snapshot must still be the one digested (it holds the name the report was issued under);
    # the result, the dates and the issue's fields are recomputed from the rows as they are now.
    snapshot_intact = digest_of(issue.figures or {}) == issue.digest
    issued_name = str((issue.figures or {}).get("enterprise", ""))
    current = digest_of(key_figures(assessment, issue, enterprise_name=issued_name))
    newer = issue.superseded_by
    if current != issue.digest or not snapshot_intact:
        status = Status.CHANGED
    elif newer is not None:
        status = Status.SUPERSEDED
    else:
        status = Status.VALID
    return Verification(issue=issue, status=status, current_digest=current, superseded_by=newer)


MAX_PDF_BYTES = 20 * 1024 * 1024
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_NUMBER_MARK = re.compile(rb"dengta-report:(DT-\d{4}-\d{6}-\d{6})")
_DIGEST_MARK = re.compile(rb"dengta-digest:([0-9a-f]{64})")


@dataclass(frozen=True)
class EmbeddedMarks:
    number: str
    digest: str


def pdf_marks(data: bytes) -> EmbeddedMarks | None:
    """The report number and digest a Dengta PDF carries in its metadata (the Keywords entry, which
    WeasyPrint may put inside a compressed object stream), or None when the file has none."""
    chunks = [data]
    for match in _STREAM.finditer(data):
        try:
            chunks.append(zlib.decompressobj().decompress(match.group(1), 4 * 1024 * 1024))
        except zlib.error:
            continue
    for chunk in chunks:
        number, digest = _NUMBER_MARK.search(chunk), _DIGEST_MARK.search(chunk)
        if number and digest:
            return EmbeddedMarks(number=number.group(1).decode(), digest=digest.group(1).decode())
    return None


def pdf_keywords(issue: ReportIssue) -> str:
    """The metadata text ``pdf_marks`` reads back (ASCII, so PDF writers keep it as a plain string)."""
    return f"dengta-report:{issue.number} dengta-digest:{issue.digest}"


# ------------------------------------------------------------------------------ level-rule confirmation


@transaction.atomic
def framework_rule_confirm(
    *,
    actor: Actor,
    framework: Framework,
    document_title: str,
    document_reference: str,
    document_date: date,
) -> LevelRuleConfirmation:
    """Record that this version's level rule was checked line by line against a named official document.
    Reports scored with the version then carry no "rule unverified" footnote. The framework row itself stays
    as it was (used versions are never edited); a wrong rule is corrected as a new version instead."""
    locked = Framework.objects.select_for_update().get(pk=framework.pk)
    if locked.kind != Framework.Kind.MIIT2024:
        raise ValidationError(_("只有评分加场景的框架有等级判定规则"))
    if LevelRuleConfirmation.objects.filter(framework=locked).exists():
        raise ValidationError(_("此版本的等级判定规则已经核实过"))
    if document_date > timezone.localdate():
        raise ValidationError({"document_date": [_("文件日期不能晚于今天")]})
    confirmation = LevelRuleConfirmation(
        framework=locked,
        document_title=document_title.strip(),
        document_reference=document_reference.strip(),
        document_date=document_date,
        confirmed_by_id=actor_id(actor),
        confirmed_at=timezone.now(),
    )
    confirmation.full_clean()
    confirmation.save()
    record_event(
        actor=actor,
        verb="framework.level_rule_confirmed",
        target=locked,
        payload={
            "version": locked.version,
            "document_title": confirmation.document_title,
            "document_reference": confirmation.document_reference,
            "document_date": document_date.isoformat(),
        },
    )
    return confirmation
