"""One pool import from bytes to outcome: read the file (type by content), check every row, and add them
all or none. The application stays locked from the checks to the writing, so nothing another request adds
to its pool slips between them (on SQLite a clash ends in the database's unique constraint: refused whole).
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.importing.outcome import check_size, noop_progress
from dengta.core.importing.reading import Cell, FileRefused
from dengta.core.problems import Problem, gettext_noop
from dengta.programmes import permissions
from dengta.programmes.models import Application
from dengta.programmes.pool_import.columns import map_header
from dengta.programmes.pool_import.validation import (
    Lookups,
    PoolOutcome,
    Progress,
    check_rows,
    codes_in,
    column_titles,
    read_rows,
)
from dengta.programmes.pool_import.writing import application_import_enterprises

CHANGED_MEANWHILE = gettext_noop(
    "校验通过后，有企业被同时加入本申报的试点企业库，本次没有写入任何数据，请重新导入"
)


class _Discard(Exception):
    """Leaves the transaction without writing (a refusal found under the lock)."""


def run_pool_import(
    *,
    data: bytes,
    file_name: str,
    application: Application,
    viewer: Viewer,
    progress: Progress | None = None,
) -> PoolOutcome:
    """Check the file and, when every row is valid, add every row to the application's pool."""
    report = progress or noop_progress
    outcome = PoolOutcome(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), dry_run=False)
    try:
        check_size(data)
        (header_number, header_cells), body = read_rows(data)
    except FileRefused as refused:
        outcome.refuse(refused.problem.render(_))
        return outcome
    outcome.rows_total = len(body)
    positions, header_errors = map_header(header_number, header_cells)
    if header_errors:
        outcome.errors = header_errors
        return outcome
    try:
        with transaction.atomic():
            _check_and_write(application, viewer, (header_cells, body), positions, outcome, report)
    except _Discard:
        pass
    except IntegrityError:
        outcome.refuse(Problem("import_changed_meanwhile", CHANGED_MEANWHILE).render(_))
    total = max(outcome.rows_total * 2, 1)
    report(total, total, _("完成"))
    return outcome


def _check_and_write(
    application: Application,
    viewer: Viewer,
    sheet: tuple[list[Cell], list[tuple[int, list[Cell]]]],
    positions: dict[str, int],
    outcome: PoolOutcome,
    report: Progress,
) -> None:
    """Inside the caller's transaction: lock the application, check every row, write them all or raise
    _Discard to leave without writing."""
    header_cells, body = sheet
    # Locked first: the checks below read the pool as the writing will find it.
    locked = (
        Application.objects.select_for_update(of=("self",)).select_related("batch").get(pk=application.pk)
    )
    decision = permissions.can_edit_application(viewer, locked)
    if not decision:
        outcome.refuse(decision.reason)
        raise _Discard
    lookups = Lookups.load(locked, viewer, codes_in(body, positions["uscc"]))
    titles = column_titles(header_cells, positions)
    rows = check_rows(
        body, positions=positions, titles=titles, lookups=lookups, outcome=outcome, progress=report
    )
    if outcome.errors:
        raise _Discard
    report(len(body), len(body) * 2, _("正在加入 %(n)s 家企业") % {"n": f"{len(rows):,}"})
    outcome.by_entry = application_import_enterprises(
        actor=viewer.user,
        application=locked,
        rows=rows,
        sub_industries=lookups.entries.sub_industries,
        file_name=outcome.file_name,
        sha256=outcome.sha256,
    )
    outcome.rows_imported = len(rows)
