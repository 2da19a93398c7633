"""PostgreSQL: the planner plans no parallel workers for scans of assessments (docs/lists.md).

A list page reads its 25 rows by walking a sort index (0004) and keeping the rows whose enterprise lies in
the jurisdiction. Planned in parallel, each of three processes walks and probes its own share until the
merge has its rows: a city's first page at 50,000 assessments probed 11,000 enterprises in 100–150 ms
instead of 2,800 in 30–35 ms. Other databases have no such setting.
"""

from __future__ import annotations

from django.db import migrations

from dengta.core.migration_ops import postgresql_only

TABLE = "assessment_assessment"


class Migration(migrations.Migration):
    dependencies = [("assessment", "0004_list_indexes")]

    operations = [
        postgresql_only(
            f"ALTER TABLE {TABLE} SET (parallel_workers = 0)", f"ALTER TABLE {TABLE} RESET (parallel_workers)"
        )
    ]
