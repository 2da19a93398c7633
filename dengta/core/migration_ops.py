"""Operations the apps' migrations share.

``postgresql_only`` runs SQL on PostgreSQL and nothing elsewhere: what SQLite has no equivalent of (GIN
indexes, pg_trgm, extended statistics, storage parameters, triggers) and does not need at the embedded
default's size. One place, instead of a pair of vendor-checked functions in every such migration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations


def postgresql_only(forward: str | Sequence[str], backward: str | Sequence[str] = ()) -> migrations.RunPython:
    """A migration operation executing ``forward`` (one statement or several, in order) on PostgreSQL when
    applied and ``backward`` when unapplied; on other databases it does nothing either way."""
    forward_statements = [forward] if isinstance(forward, str) else list(forward)
    backward_statements = [backward] if isinstance(backward, str) else list(backward)

    def run(statements: list[str]) -> Any:
        def execute(apps: Any, schema_editor: Any) -> None:
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return execute

    return migrations.RunPython(run(forward_statements), run(backward_statements))
