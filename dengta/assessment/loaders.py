"""Load the framework data files into the database (``manage.py load_frameworks``), idempotently.

Each file names its framework and version. A version already loaded with the same SHA-256 is skipped; one
whose content changed is updated only while no assessment uses it — a version that scored anything is
immutable, so a corrected level rule must come with a new version number.

The English texts of the MIIT index (``<code>.en.json``) are checked here too — a file that misses or adds a
code refuses the whole load — but they are not loaded into the version: they are not part of the scored
standard, are left out of the SHA-256 and are read from the data folder when a page is shown
(dengta/assessment/texts.py), so a corrected translation never needs a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from dengta.assessment.models import Framework
from dengta.assessment.scoring.definitions import (
    DATA_DIR,
    DEFINITION_FILES,
    Definition,
    check_translations,
    read_definition,
)
from dengta.assessment.scoring.framework import FrameworkDataError


class FrameworkInUse(FrameworkDataError):
    """The file changes a version that assessments already use."""


@dataclass(frozen=True)
class LoadResult:
    code: str
    version: str
    action: str  # "created", "updated", "unchanged"

    def summary(self) -> str:
        return f"{self.code}@{self.version}: {self.action}"


@transaction.atomic
def load_definition(definition: Definition) -> LoadResult:
    existing = (
        Framework.objects.select_for_update().filter(code=definition.code, version=definition.version).first()
    )
    action = "created"
    if existing is not None:
        if existing.checksum == definition.checksum:
            action = "unchanged"
        elif existing.assessments.exists():
            raise FrameworkInUse(
                f"{definition.code}@{definition.version} is used by {existing.assessments.count()} "
                "assessment(s) and cannot change; give the corrected file a new version"
            )
        else:
            action = "updated"
    if action == "created":
        # A new version in the files is newer than anything loaded, including revisions made on the page.
        Framework.objects.filter(code=definition.code, is_current=True).update(is_current=False)
    if action != "unchanged":
        # An updated (still unused) version keeps whether it is current: a level-rule revision made on
        # the page since then must stay the current one.
        Framework.objects.update_or_create(
            code=definition.code,
            version=definition.version,
            defaults={
                "kind": definition.kind,
                "title": definition.title,
                "document": definition.document,
                "provisional": definition.provisional,
                "content": definition.content,
                "checksum": definition.checksum,
            },
            create_defaults={
                "kind": definition.kind,
                "title": definition.title,
                "document": definition.document,
                "provisional": definition.provisional,
                "content": definition.content,
                "checksum": definition.checksum,
                "is_current": True,
            },
        )
    return LoadResult(definition.code, definition.version, action)


@transaction.atomic
def load_all(data_dir: Path = DATA_DIR, names: tuple[str, ...] = DEFINITION_FILES) -> list[LoadResult]:
    definitions = [read_definition(name, data_dir) for name in names]  # all files checked before any write
    for definition in definitions:
        check_translations(definition, data_dir)
    # One transaction: a file refused as in use (FrameworkInUse) undoes the files loaded before it, so the
    # frameworks never end up half from the old files and half from the new ones.
    return [load_definition(d) for d in definitions]
