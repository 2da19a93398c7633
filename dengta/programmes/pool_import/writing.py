"""Writing a checked pool file: every row or none, in one transaction, with one event for the import.

``services.application_add_enterprise`` adds one enterprise with its own lock, event and eligibility re-check
(about a dozen queries and a whole eligibility run each: for a 5,000-row file, 5,000 re-checks of a pool
growing to 5,000 enterprises). The import locks the application once, inserts the rows with ``bulk_create``
and records one event holding what each single addition records (the sub-industry and the enterprise's credit
code) beside the count; the eligibility check then runs once, on the whole pool. The rows are built from ids
just read under the application's lock, so they skip ``full_clean`` (a query per foreign key per row); the
database's foreign keys and its one-enterprise-per-application constraint still guard them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from dengta.core.actors import Actor
from dengta.core.events import record_event
from dengta.core.workflows import TransitionRefused
from dengta.programmes import services, workflows
from dengta.programmes.models import Application, PoolEnterprise
from dengta.programmes.pool_import.validation import PoolRow


@transaction.atomic
def application_import_enterprises(
    *,
    actor: Actor,
    application: Application,
    rows: Sequence[PoolRow],
    sub_industries: dict[int, str],
    file_name: str,
    sha256: str,
) -> dict[int, int]:
    """Add every checked row to the pool; the number added per sub-industry entry. ``sub_industries`` maps
    each entry to its sub-industry's code, as the events of single additions record it."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant__region")
        .get(pk=application.pk)
    )
    if locked.state not in workflows.APPLICATION_EDITABLE:
        raise TransitionRefused(
            _("申报处于“%(state)s”状态，不能修改") % {"state": locked.get_state_display()}
        )
    PoolEnterprise.objects.bulk_create(
        PoolEnterprise(application=locked, entry_id=row.entry_id, enterprise_id=row.enterprise_id)
        for row in rows
    )
    by_entry = Counter(row.entry_id for row in rows)
    enterprises: dict[str, list[str]] = {}
    for row in rows:
        enterprises.setdefault(sub_industries[row.entry_id], []).append(row.uscc)
    region = locked.applicant.region
    record_event(
        actor=actor,
        verb="application.pool_imported",
        target=locked,
        organization_id=locked.applicant_id,
        scope_path=region.path if region is not None else "",
        payload={
            "file_name": file_name,
            "file_sha256": sha256,
            "count": len(rows),
            "by_sub_industry": {code: len(codes) for code, codes in sorted(enterprises.items())},
            "enterprises": enterprises,
        },
    )
    services.application_check(application=locked)
    return dict(by_entry)
