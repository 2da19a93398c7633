"""Product search from indexes on PostgreSQL, as for enterprise and organisation names (docs/lists.md,
Chinese search; dengta.core.search): a GIN index over the bigrams of the name and the description for terms
of two characters, and trigram indexes over UPPER(name) and UPPER(description) for longer terms. SQLite
searches by substring."""

from django.db import migrations

from dengta.core.migration_ops import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS catalog_product_name_grams_gin ON catalog_product "
    "USING gin ((string_to_array(name_grams, ' ')))",
    "CREATE INDEX IF NOT EXISTS catalog_product_name_trgm ON catalog_product "
    "USING gin ((upper(name::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS catalog_product_description_trgm ON catalog_product "
    "USING gin ((upper(description::text)) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_description_trgm",
    "DROP INDEX IF EXISTS catalog_product_name_trgm",
    "DROP INDEX IF EXISTS catalog_product_name_grams_gin",
]


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [postgresql_only(FORWARD, BACKWARD)]
