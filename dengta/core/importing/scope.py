"""Who imports, and into which regions they may import (the importer's jurisdiction)."""

from __future__ import annotations

from dataclasses import dataclass

from dengta.core.access import Viewer
from dengta.core.actors import Actor


@dataclass(frozen=True)
class ImportScope:
    actor: Actor  # the User, or None for the system (the command without --as)
    organization_id: int | None
    include_paths: tuple[str, ...] | None  # None: every region
    exclude_paths: tuple[str, ...] = ()
    region_path: str = ""  # the importing organisation's region, for the event's scope
    label: str = ""

    def covers(self, path: str) -> bool:
        if self.include_paths is None:
            return True
        if not any(path.startswith(p) for p in self.include_paths):
            return False
        return not any(path.startswith(p) for p in self.exclude_paths)

    @classmethod
    def for_viewer(cls, viewer: Viewer) -> ImportScope:
        return cls(
            actor=viewer.user,
            organization_id=viewer.organization_id,
            include_paths=viewer.include_paths,
            exclude_paths=viewer.exclude_paths,
            region_path=viewer.region_path,
            label=viewer.organization_name,
        )

    @classmethod
    def national_system(cls) -> ImportScope:
        """The command run by an operator without --as: the whole country, recorded as "system"."""
        return cls(actor=None, organization_id=None, include_paths=None, label="system")
