"""What an import ends with, whatever it imports: counts, the errors, or why the file was refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from dengta.core.importing.reading import FileRefused
from dengta.core.importing.rows import RowError
from dengta.core.problems import Problem, gettext_noop

# (done, total, message): checking moves the bar from 0 to n of 2n; writing is the second half.
Progress = Callable[[int, int, str], None]
ERRORS_SHOWN = 200

FILE_TOO_LARGE = gettext_noop("文件大小 %(size)s MB 超过 %(limit)s MB 的上限，请拆分后分别导入")


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

    def refuse(self, reason: str) -> None:
        """The file as a whole is refused: no row was checked, so no row counts as valid or rejected (the
        result page and the list of imports then agree whatever step refused it)."""
        self.refused = reason
        self.rows_valid = self.rows_rejected = self.rows_imported = 0

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


def noop_progress(done: int, total: int, message: str) -> None:
    return None


def check_size(data: bytes) -> None:
    """Refuse a file over DENGTA_IMPORT_MAX_BYTES before reading it."""
    limit_bytes = settings.DENGTA_IMPORT_MAX_BYTES
    if len(data) > limit_bytes:
        size: dict[str, object] = {
            "size": f"{len(data) / 1048576:.1f}",
            "limit": f"{limit_bytes / 1048576:.0f}",
        }
        raise FileRefused(Problem("file_too_large", FILE_TOO_LARGE, size))
