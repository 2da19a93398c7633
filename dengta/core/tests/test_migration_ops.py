"""postgresql_only: the SQL runs in order on PostgreSQL, both ways, and nowhere else."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from dengta.core.migration_ops import postgresql_only


class Recorder:
    def __init__(self, vendor: str) -> None:
        self.connection = SimpleNamespace(vendor=vendor)
        self.executed: list[str] = []

    def execute(self, statement: str) -> None:
        self.executed.append(statement)


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_statements_run_in_order_on_postgresql_only(vendor: str) -> None:
    operation = postgresql_only(["CREATE A", "CREATE B"], "DROP A")
    forward, backward = Recorder(vendor), Recorder(vendor)
    apps = cast(Any, None)  # the operation reads no models
    operation.code(apps, cast(Any, forward))
    assert operation.reverse_code is not None
    operation.reverse_code(apps, cast(Any, backward))
    on_postgresql = vendor == "postgresql"
    assert forward.executed == (["CREATE A", "CREATE B"] if on_postgresql else [])
    assert backward.executed == (["DROP A"] if on_postgresql else [])
    assert operation.reversible
