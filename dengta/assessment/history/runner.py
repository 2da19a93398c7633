"""One import of historical results from bytes to outcome: check every row, then (unless a row failed or
this is a dry run) write them all. The one code path of the page (as a job) and ``manage.py
import_assessments``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from dengta.assessment.history.columns import FRAMEWORK_CODE
from dengta.assessment.history.validation import HistoryOutcome, HistoryRow, Progress, check_rows
from dengta.assessment.history.writing import ImportRefused, write_rows
from dengta.assessment.scoring.bands import BandFramework
from dengta.assessment.selectors import current_framework
from dengta.core.importing.outcome import noop_progress
from dengta.core.importing.reading import FileRefused
from dengta.core.importing.scope import ImportScope
from dengta.core.problems import Problem, gettext_noop

NOT_LOADED = gettext_noop(
    "2022年版评测框架尚未载入，暂不能导入历史结果，请联系系统管理员运行 load_frameworks"
)


def run_history_import(
    *,
    data: bytes,
    file_name: str,
    scope: ImportScope,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> HistoryOutcome:
    """One import from bytes to outcome: the one code path of the page (as a job) and the command."""
    report = progress or noop_progress
    outcome = HistoryOutcome(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    try:
        framework = current_framework(FRAMEWORK_CODE)
    except ValidationError:
        outcome.refused = Problem("framework_missing", NOT_LOADED).render(_)
        return outcome
    fw = framework.compiled()
    assert isinstance(fw, BandFramework)
    try:
        valid = check_rows(data, scope=scope, fw=fw, outcome=outcome, progress=report)
    except FileRefused as refused:
        outcome.refuse(refused.problem.render(_))
        return outcome
    total = max(outcome.rows_total * 2, 1)
    if outcome.errors or dry_run:
        if not outcome.errors:
            outcome.levels = _levels(valid)
        report(total, total, _("完成"))
        return outcome
    if scope.actor is None:
        raise PermissionDenied("a historical result records who imported it: import as a person")
    report(outcome.rows_total, total, _("正在写入 %(n)s 个历史结果") % {"n": f"{len(valid):,}"})
    try:
        outcome.rows_imported = write_rows(valid, actor=scope.actor, framework=framework, progress=report)
    except ImportRefused as refused:
        outcome.refused = refused.problem.render(_)
        return outcome
    outcome.levels = _levels(valid)
    report(total, total, _("完成"))
    return outcome


def _levels(rows: Iterable[HistoryRow]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.level] = counts.get(row.level, 0) + 1
    return counts
