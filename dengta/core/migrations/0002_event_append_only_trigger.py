"""On PostgreSQL, refuse UPDATE and DELETE on the event log in the database itself (defence in depth)."""

from django.db import migrations

from dengta.core.migration_ops import postgresql_only

FORWARD = """
CREATE OR REPLACE FUNCTION core_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_event is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_event_append_only
    BEFORE UPDATE OR DELETE ON core_event
    FOR EACH ROW EXECUTE FUNCTION core_event_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_event_append_only ON core_event;
DROP FUNCTION IF EXISTS core_event_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [postgresql_only(FORWARD, BACKWARD)]
