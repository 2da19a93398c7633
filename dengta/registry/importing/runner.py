"""One import from bytes to outcome: the one code path of the page (as a job), the command and the bench."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection
from django.utils.translation import gettext as _

from dengta.core.importing.reading import FileRefused, Sheet, open_sheet
from dengta.core.importing.scope import ImportScope
from dengta.reference.selectors import current_size_rules
from dengta.registry.importing.validation import Prepared, ReferenceTables, RowError, SheetCheck, prepare
from dengta.registry.importing.writing import stream_rows, write_rows
from dengta.registry.models import ImportBatch
from dengta.registry.problems import Problem, gettext_noop

# (done, total, message): validation moves the bar from 0 to n of 2n; writing is the second half.
Progress = Callable[[int, int, str], None]
ERRORS_SHOWN = 200

FILE_TOO_LARGE = gettext_noop("文件大小 %(size)s MB 超过 %(limit)s MB 的上限，请拆分后分别导入")
CHANGED_MEANWHILE = gettext_noop(
    "校验通过后，有企业被同时登记（统一社会信用代码重复），本次没有写入任何数据，请重新导入"
)


@dataclass
class ImportOutcome:
    file_name: str
    sha256: str
    dry_run: bool
    rows_total: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    rows_imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    refused: str = ""  # why the file as a whole was refused
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.refused and not self.errors

    def summary(self, errors_shown: int = ERRORS_SHOWN) -> dict[str, Any]:
        """What a job keeps as its result: counts and the first errors (the full list goes to a file)."""
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "rows_total": self.rows_total,
            "valid": self.rows_valid,
            "rejected": self.rows_rejected,
            "imported": self.rows_imported,
            "errors_total": len(self.errors),
            "errors": [
                {"row": e.row, "column": e.column, "value": e.value, "reason": e.reason}
                for e in self.errors[:errors_shown]
            ],
            "refused": self.refused,
            "batch_id": self.batch_id,
        }


def _noop(done: int, total: int, message: str) -> None:
    return None


def _prepare(data: bytes) -> tuple[Sheet, Prepared]:
    """Open the file and read it once; raises FileRefused for a file that cannot be an enterprise list."""
    limit_bytes = settings.DENGTA_IMPORT_MAX_BYTES
    if len(data) > limit_bytes:
        size: dict[str, object] = {
            "size": f"{len(data) / 1048576:.1f}",
            "limit": f"{limit_bytes / 1048576:.0f}",
        }
        raise FileRefused(Problem("file_too_large", FILE_TOO_LARGE, size))
    sheet = open_sheet(data)
    return sheet, prepare(sheet, max_rows=settings.DENGTA_IMPORT_MAX_ROWS)


def _check_and_write(
    check: SheetCheck, *, scope: ImportScope, file_name: str, sha256: str, dry_run: bool, report: Progress
) -> ImportBatch | None:
    """Check every row and, unless a row fails or this is a dry run, write them all; the batch or None."""
    if dry_run:
        for _row in check:
            pass
        return None
    if connection.vendor == "postgresql":
        return stream_rows(
            check, scope=scope, file_name=file_name, sha256=sha256, size_rules=current_size_rules()
        )
    valid = list(check)
    if check.failed:
        return None
    # Writing is one transaction: progress written from inside it would stay invisible until it commits,
    # so the bar says what is happening before it starts and completes when the job does.
    total = check.prepared.rows_total
    report(total, total * 2, _("正在写入 %(n)s 家企业") % {"n": f"{len(valid):,}"})
    return write_rows(valid, scope=scope, file_name=file_name, sha256=sha256, size_rules=current_size_rules())


def run_import(
    *,
    data: bytes,
    file_name: str,
    scope: ImportScope,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportOutcome:
    report = progress or _noop
    outcome = ImportOutcome(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    try:
        sheet, prepared = _prepare(data)
    except FileRefused as refused:
        outcome.refused = refused.problem.render(_)
        return outcome
    outcome.rows_total = prepared.rows_total
    if prepared.header_errors:
        outcome.errors = prepared.header_errors
        return outcome
    total = prepared.rows_total * 2
    check = SheetCheck(
        sheet,
        prepared,
        scope=scope,
        tables=ReferenceTables.load(),
        progress=lambda done, message: report(done, total, message),
    )
    try:
        batch = _check_and_write(
            check, scope=scope, file_name=file_name, sha256=outcome.sha256, dry_run=dry_run, report=report
        )
    except IntegrityError:
        batch = None
        outcome.refused = Problem("import_changed_meanwhile", CHANGED_MEANWHILE).render(_)
    outcome.rows_valid = check.valid_rows
    outcome.rows_rejected = len(check.rejected_rows)
    outcome.errors = check.errors
    if batch is not None:
        outcome.rows_imported = batch.rows
        outcome.batch_id = batch.pk
    report(total, total, _("完成"))
    return outcome
