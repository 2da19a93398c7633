"""Organisation name search from indexes on PostgreSQL (docs/lists.md, Chinese search; dengta.core.search).

``name_grams`` holds the bigrams of the name and the short name, derived by Organization.save() and the
bulk writers from now on and filled here for existing rows. On PostgreSQL: a GIN index over the bigram
array, spelled as dengta.core.search.GRAMS_ARRAY_SQL spells it in queries (two-character terms), and
trigram GIN indexes (pg_trgm, a trusted extension) over UPPER(name) and UPPER(short_name) as Django's
icontains writes them (longer terms). SQLite gets none.
"""

from django.db import migrations, models

from dengta.core.grams import name_grams
from dengta.core.migration_ops import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS orgs_organization_name_grams_gin ON orgs_organization "
    "USING gin ((string_to_array(name_grams, ' ')))",
    "CREATE INDEX IF NOT EXISTS orgs_organization_name_trgm ON orgs_organization "
    "USING gin ((upper(name::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS orgs_organization_short_name_trgm ON orgs_organization "
    "USING gin ((upper(short_name::text)) gin_trgm_ops)",
    # A finer histogram of UPPER(name) for the planner's LIKE estimates (see registry migration 0005).
    "ALTER INDEX orgs_organization_name_trgm ALTER COLUMN 1 SET STATISTICS 1000",
]
BACKWARD = [
    "DROP INDEX IF EXISTS orgs_organization_short_name_trgm",
    "DROP INDEX IF EXISTS orgs_organization_name_trgm",
    "DROP INDEX IF EXISTS orgs_organization_name_grams_gin",
]
CHUNK = 2000


def fill(apps, schema_editor):
    """Chunks by primary key, each read whole before it is written back, and written as one UPDATE from a
    VALUES list (bulk_update's CASE with a branch per row costs the chunk size squared)."""
    organization_model = apps.get_model("orgs", "Organization")
    rows = organization_model.objects.order_by("pk").values_list("pk", "name", "short_name")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while chunk := list(rows.filter(pk__gt=last)[:CHUNK]):
            _update(cursor, [(pk, name_grams(name, short_name)) for pk, name, short_name in chunk])
            last = chunk[-1][0]


def _update(cursor, chunk):
    values = ", ".join(["(%s, %s)"] * len(chunk))
    cursor.execute(
        f"WITH v(id, grams) AS (VALUES {values}) "  # noqa: S608 (parameter markers only)
        "UPDATE orgs_organization SET name_grams = v.grams FROM v WHERE orgs_organization.id = v.id",
        [value for row in chunk for value in row],
    )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [
        migrations.AddField(
            model_name="organization",
            name="name_grams",
            field=models.TextField(default="", editable=False, verbose_name="名称检索词"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        postgresql_only(FORWARD, BACKWARD),
    ]
