"""On PostgreSQL, refuse UPDATE and DELETE on the subsidy ledger's entries in the database itself: a correction
is a reversing entry (defence in depth beside the model's refusal)."""

from django.db import migrations

from dengta.core.migration_ops import postgresql_only

FORWARD = """
CREATE OR REPLACE FUNCTION projects_ledgerentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'projects_ledgerentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER projects_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON projects_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION projects_ledgerentry_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS projects_ledgerentry_append_only ON projects_ledgerentry;
DROP FUNCTION IF EXISTS projects_ledgerentry_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [postgresql_only(FORWARD, BACKWARD)]
