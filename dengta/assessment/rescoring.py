"""Re-scoring comparison: what a framework version's level rule would change for the assessments already
scored.

The MIIT 2024 level rule is provisional and ministry programme staff may revise it (a new framework version;
``services.framework_revise_level_rule``). Scored assessments never change: they keep the version they were
scored with. ``rescore_compare`` shows what a version *would* give them: every final assessment of the same
framework code (any version) is scored again, in chunks, with the batch scorer under the target version, and
its new level and total are set against the stored ones. Nothing is written to the assessments.

The page starts it as a background job (``JOB_KIND``, registered here; AssessmentConfig.ready imports this
module so Celery workers know the kind); ``manage.py rescore_compare`` runs it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from dengta.assessment.models import Assessment, Framework, Kind, Phase
from dengta.assessment.permissions import can_revise_level_rule
from dengta.assessment.scoring.answers import parse_answers
from dengta.assessment.scoring.batch import BatchScorer
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.core.access import Viewer
from dengta.core.events import record_event
from dengta.core.jobs import job_create, job_enqueue, job_progress, job_viewer, register_job
from dengta.core.models import Job
from dengta.core.spreadsheets import Book

JOB_KIND = "assessment.rescore_compare"
CHUNK = 5000  # assessments parsed, encoded and scored at a time
LEVELS = 5  # 0 (no level) … 4
CHANGES_SHOWN = 20  # changed rows kept in the job's result for the page; the Excel file has them all
POINT = Decimal(10000)  # the batch scorer's totals are ten-thousandths of a point

Progress = Callable[[int, int], None]

_FIELDS = (
    "pk",
    "enterprise__name",
    "enterprise__uscc",
    "enterprise__region__name",
    "kind",
    "phase",
    "answers",
    "total",
    "level",
)


@dataclass(frozen=True)
class Change:
    """One assessment whose level the target version would change."""

    assessment_id: int
    enterprise: str
    uscc: str
    region: str
    kind: str
    phase: str
    old_total: Decimal
    old_level: int
    new_total: Decimal
    new_level: int

    def to_json(self) -> dict[str, Any]:
        return {
            "assessment_id": self.assessment_id,
            "enterprise": self.enterprise,
            "uscc": self.uscc,
            "region": self.region,
            "kind": self.kind,
            "phase": self.phase,
            "old_total": str(self.old_total),
            "old_level": self.old_level,
            "new_total": str(self.new_total),
            "new_level": self.new_level,
        }


@dataclass
class RescoreOutcome:
    target: Framework
    compared: int = 0
    # Stored answers the target version does not accept (it has other items or options): left out, counted.
    skipped: int = 0
    matrix: list[list[int]] = field(default_factory=lambda: [[0] * LEVELS for _ in range(LEVELS)])
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.changes)

    @property
    def up(self) -> int:
        return sum(self.matrix[old][new] for old in range(LEVELS) for new in range(old + 1, LEVELS))

    @property
    def down(self) -> int:
        return sum(self.matrix[old][new] for old in range(LEVELS) for new in range(old))

    def counts(self) -> dict[str, int]:
        return {
            "compared": self.compared,
            "changed": self.changed,
            "up": self.up,
            "down": self.down,
            "skipped": self.skipped,
        }

    def summary(self) -> dict[str, Any]:
        """The job's result: counts, the matrix and the first changed rows (JSON)."""
        return {
            "framework": self.target.code,
            "version": self.target.version,
            **self.counts(),
            "matrix": self.matrix,
            "changes": [c.to_json() for c in self.changes[:CHANGES_SHOWN]],
        }

    def line(self) -> str:
        return f"rescore: compared={self.compared} changed={self.changed} up={self.up} down={self.down}"


def compared_assessments(target: Framework) -> QuerySet[Assessment]:
    """Final assessments of the target's framework code, scored with any of its MIIT 2024 versions."""
    return (
        Assessment.objects.final()
        .filter(framework__code=target.code, framework__kind=Framework.Kind.MIIT2024)
        .order_by("pk")
    )


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _compare_chunk(
    rows: Sequence[dict[str, Any]], fw: Compiled, scorer: BatchScorer, outcome: RescoreOutcome
) -> None:
    answers = []
    kept = []
    for row in rows:
        stored = row["answers"] or {}
        parsed = parse_answers(
            fw,
            choices=stored.get("choices") or {},
            scenarios=stored.get("scenarios") or {},
            numbers=stored.get("numbers") or {},
        )
        if not parsed.ok:
            outcome.skipped += 1
            continue
        answers.append(parsed.answers)
        kept.append(row)
    if not kept:
        return
    result = scorer.score(scorer.encode(answers), threads=1)
    for i, row in enumerate(kept):
        old_level = int(row["level"] or 0)
        new_level = int(result.level[i])
        outcome.compared += 1
        outcome.matrix[old_level][new_level] += 1
        if new_level != old_level:
            outcome.changes.append(
                Change(
                    assessment_id=row["pk"],
                    enterprise=row["enterprise__name"],
                    uscc=row["enterprise__uscc"],
                    region=row["enterprise__region__name"] or "",
                    kind=row["kind"],
                    phase=row["phase"],
                    old_total=row["total"] if row["total"] is not None else Decimal(0),
                    old_level=old_level,
                    new_total=Decimal(int(result.total[i])) / POINT,
                    new_level=new_level,
                )
            )


def rescore_compare(*, target: Framework, progress: Progress | None = None) -> RescoreOutcome:
    """Score every final assessment of ``target``'s framework again under ``target``'s level rule and
    compare with the stored level and total. Reads only: the assessments stay as they were scored."""
    if target.kind != Framework.Kind.MIIT2024:
        raise ValueError(f"{target.label} is not a MIIT 2024 framework: it has no level rule to compare")
    fw = target.compiled()
    assert isinstance(fw, Compiled)
    scorer = BatchScorer(fw)
    outcome = RescoreOutcome(target=target)
    queryset = compared_assessments(target)
    total = queryset.count()
    done = 0
    if progress:
        progress(0, total)
    for chunk in _chunks(queryset.values(*_FIELDS).iterator(chunk_size=CHUNK), CHUNK):
        _compare_chunk(chunk, fw, scorer, outcome)
        done += len(chunk)
        if progress:
            progress(done, total)
    return outcome


# -------------------------------------------------------------------------------------------------- Excel


def change_headers() -> list[str]:
    return [
        _("评测编号"),
        _("企业名称"),
        _("统一社会信用代码"),
        _("所在地区"),
        _("评测方式"),
        _("阶段"),
        _("原总分"),
        _("原等级"),
        _("新总分"),
        _("新等级"),
    ]


def _level_name(level: int) -> str:
    from dengta.assessment.templatetags.assessment_tags import level_label

    return level_label(level)


def change_rows(changes: Sequence[Change]) -> list[list[Any]]:
    return [
        [
            c.assessment_id,
            c.enterprise,
            c.uscc,
            c.region,
            str(Kind(c.kind).label) if c.kind in Kind.values else c.kind,
            str(Phase(c.phase).label) if c.phase in Phase.values else c.phase,
            c.old_total,
            _level_name(c.old_level),
            c.new_total,
            _level_name(c.new_level),
        ]
        for c in changes
    ]


def changes_workbook(outcome: RescoreOutcome) -> bytes:
    """The changed rows as .xlsx; names are written as text, never as a formula (core.spreadsheets)."""
    book = Book()
    book.table(_("等级变化的评测"), change_headers(), change_rows(outcome.changes))
    return book.to_bytes()


# -------------------------------------------------------------------------------------------------- the job


def rescore_jobs(viewer: Viewer) -> QuerySet[Job]:
    """Comparisons that the viewer may see: all of them for ministry programme staff, none for anyone else."""
    if not can_revise_level_rule(viewer):
        return Job.objects.none()
    return Job.objects.filter(kind=JOB_KIND).order_by("-created_at")


def start_rescore_compare(*, viewer: Viewer, target: Framework) -> Job:
    decision = can_revise_level_rule(viewer)
    if not decision:
        raise PermissionDenied(decision.reason)
    job = job_create(
        kind=JOB_KIND,
        actor=viewer.user,
        params={"framework": target.code, "version": target.version},
        organization_id=viewer.organization_id,
    )
    job_enqueue(job)
    return job


def _check_rights(job: Job) -> None:
    """The starter's rights, looked up again when the job runs (they may have changed meanwhile)."""
    decision = can_revise_level_rule(job_viewer(job))  # PermissionDenied when no longer a member
    if not decision:
        raise PermissionDenied(decision.reason)


@register_job(JOB_KIND)
def rescore_compare_job(job: Job) -> dict[str, Any]:
    _check_rights(job)
    target = Framework.objects.get(
        code=job.params["framework"], version=job.params["version"], kind=Framework.Kind.MIIT2024
    )

    def progress(done: int, total: int) -> None:
        job_progress(job.pk, done=done, total=total)

    outcome = rescore_compare(target=target, progress=progress)
    if outcome.changes:
        name = f"rescore-changes-{job.pk}.xlsx"
        job.output_file.save(name, ContentFile(changes_workbook(outcome)), save=False)
        Job.objects.filter(pk=job.pk).update(output_file=job.output_file.name)
    record_event(
        actor=job.created_by,
        verb="framework.rescore_compared",
        target=target,
        payload={"job": job.pk, **outcome.counts()},
        organization_id=job.organization_id_ref,
    )
    result = outcome.summary()
    result["redirect"] = reverse("assessment:rescore_result", args=[job.pk])
    return result
