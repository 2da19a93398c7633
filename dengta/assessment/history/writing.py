"""Writing checked historical results: all rows or none, each through ``services.historical_record`` (a
scored assessment and its event), after checking again under lock that no clashing result arrived meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from dengta.assessment.history.validation import LOOKUP_CHUNK, HistoryRow, Progress, existing_results
from dengta.assessment.models import Framework
from dengta.assessment.services import historical_record
from dengta.core.actors import Actor
from dengta.core.problems import Problem, gettext_noop
from dengta.registry.models import Enterprise

CHANGED_MEANWHILE = gettext_noop(
    "校验通过后，有相同企业、相同日期的历史结果被同时导入，本次没有写入任何数据，请重新导入"
)


class ImportRefused(Exception):
    """The rows cannot be written as checked (a clashing result arrived meanwhile); nothing was written."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


@transaction.atomic
def write_rows(rows: Sequence[HistoryRow], *, actor: Actor, framework: Framework, progress: Progress) -> int:
    """All rows or none, each through ``historical_record``; refused if a clashing result came meanwhile."""
    ids = sorted({r.enterprise_id for r in rows})
    enterprises: dict[int, Enterprise] = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        # Locked (PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock already), so two imports of
        # the same enterprises write one after the other and the second sees the first's results below.
        chunk = Enterprise.objects.select_for_update().filter(pk__in=ids[start : start + LOOKUP_CHUNK])
        enterprises.update((e.pk, e) for e in chunk.select_related("region", "organization"))
    existing = existing_results(ids)
    if any((r.enterprise_id, r.assessed_on) in existing for r in rows):
        raise ImportRefused(Problem("import_changed_meanwhile", CHANGED_MEANWHILE))
    total = len(rows) * 2
    for done, row in enumerate(rows, start=1):
        historical_record(
            actor=actor,
            enterprise=enterprises[row.enterprise_id],
            framework=framework,
            total=row.total,
            assessed_on=row.assessed_on,
            note=row.note,
        )
        if done % 200 == 0:
            progress(len(rows) + done, total, _("正在写入第 %(n)s 个结果") % {"n": f"{done:,}"})
    return len(rows)
