"""One import from bytes to outcome: the one code path of the page (as a job), the command and the bench."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import IntegrityError, connection
from django.utils.translation import gettext as _

from dengta.core import tallies
from dengta.core.importing.outcome import ImportOutcome, Progress, check_size, noop_progress
from dengta.core.importing.reading import FileRefused, Sheet, open_sheet
from dengta.core.importing.scope import ImportScope
from dengta.core.problems import Problem, gettext_noop
from dengta.reference.selectors import current_size_rules
from dengta.registry.importing.validation import Prepared, ReferenceTables, SheetCheck, prepare
from dengta.registry.importing.writing import stream_rows, write_rows
from dengta.registry.models import ImportBatch
from dengta.registry.tallies import ENTERPRISES

FILE_EMPTY = gettext_noop("文件是空的，请上传填好的企业名单")
CHANGED_MEANWHILE = gettext_noop(
    "校验通过后，有企业被同时登记（统一社会信用代码重复），本次没有写入任何数据，请重新导入"
)


def _prepare(data: bytes) -> tuple[Sheet, Prepared]:
    """Open the file and read it once; raises FileRefused for a file that cannot be an enterprise list."""
    check_size(data)
    sheet = open_sheet(data, empty_message=FILE_EMPTY)
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
    report = progress or noop_progress
    outcome = ImportOutcome(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    try:
        sheet, prepared = _prepare(data)
    except FileRefused as refused:
        outcome.refuse(refused.problem.render(_))
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
        # The writer inserts rows with INSERT/COPY, past the services that report changes, so the import
        # reports them itself, for the page's job and the command alike (docs/lists.md, tallies).
        if batch.rows:
            tallies.changed(ENTERPRISES)
    report(total, total, _("完成"))
    return outcome
