"""NullsLastIndex: the descending order of a nullable sort column with empty values last on PostgreSQL, the
same index without the modifier on SQLite (which refuses NULLS LAST in CREATE INDEX)."""

from __future__ import annotations

import pytest
from django.db import connection

from dengta.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_the_region_desc_indexes_exist_as_each_database_allows() -> None:
    names = ("org_sort_region_desc", "org_prov_region_desc", "org_place_region_desc")
    table = Organization._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                [table],
            )
        found = {name: sql for name, sql in cursor.fetchall() if name in names}
    assert set(found) == set(names)
    for sql in found.values():
        assert "DESC" in sql.upper()
        assert ("NULLS LAST" in sql.upper()) == (connection.vendor == "postgresql")
