"""Enterprise name search from indexes on PostgreSQL (docs/lists.md, Chinese search; dengta.core.search).

1. Re-derive ``name_grams`` where the fold of dengta.core.grams changed after 0004 filled them: the fold
   now gives the same result for characters PostgreSQL's UPPER makes equal (ſ/s, ı/i, ς/σ, µ/μ, ...),
   and folds Σ without looking at its neighbours. Only names holding such a character are read again.
2. On PostgreSQL, a GIN index over the bigram array, spelled as dengta.core.search.GRAMS_ARRAY_SQL spells
   it in queries (two-character terms), and a trigram GIN index (pg_trgm, a trusted extension: the
   database owner may create it) over UPPER(name) as Django's icontains writes it (longer terms; the
   statistics ANALYZE gathers on its expression give the planner the frequency of a term). SQLite gets
   neither: its search stays a substring scan.
"""

from django.db import migrations

from dengta.core.grams import CASED_BELOW, fold, name_grams
from dengta.core.migration_ops import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_enterprise_name_grams_gin ON registry_enterprise "
    "USING gin ((string_to_array(name_grams, ' ')))",
    "CREATE INDEX IF NOT EXISTS registry_enterprise_name_trgm ON registry_enterprise "
    "USING gin ((upper(name::text)) gin_trgm_ops)",
    # The planner estimates LIKE '%term%' from a histogram of UPPER(name); at the default 101 entries a
    # term in 1.7 % of a million names (专用设备) read as 0.01 %, and its first page took 0.5 s instead of
    # 20 ms. 1,001 entries resolve 0.1 %.
    "ALTER INDEX registry_enterprise_name_trgm ALTER COLUMN 1 SET STATISTICS 1000",
]
BACKWARD = [
    "DROP INDEX IF EXISTS registry_enterprise_name_trgm",
    "DROP INDEX IF EXISTS registry_enterprise_name_grams_gin",
]


def refolded_characters() -> str:
    """Characters the fold now treats differently from 0004's (half-width, then str.lower())."""
    half_width = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
    changed = [chr(cp) for cp in range(CASED_BELOW) if fold(chr(cp)) != chr(cp).translate(half_width).lower()]
    return "".join([*changed, "Σ"])  # str.lower() turned Σ into ς at the end of a word


def refold(apps, schema_editor):
    enterprise_model = apps.get_model("registry", "Enterprise")
    pattern = f"[{refolded_characters()}]"
    batch = []
    for enterprise in enterprise_model.objects.filter(name__regex=pattern).only("pk", "name").iterator(2000):
        enterprise.name_grams = name_grams(enterprise.name)
        batch.append(enterprise)
    enterprise_model.objects.bulk_update(batch, ["name_grams"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_enterprise_places_and_list_indexes")]
    operations = [
        migrations.RunPython(refold, migrations.RunPython.noop),
        postgresql_only(FORWARD, BACKWARD),
    ]
