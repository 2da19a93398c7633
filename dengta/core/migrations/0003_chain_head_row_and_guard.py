"""Create the chain head in the migration (no first-writer race) and, on PostgreSQL, guard it: it can
never be deleted and only moves forward one event at a time, so truncating the log is detectable."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_eventchainhead_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'core_eventchainhead cannot be deleted';
    END IF;
    IF NEW.last_seq <> OLD.last_seq + 1 THEN
        RAISE EXCEPTION 'core_eventchainhead only advances one event at a time';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_eventchainhead_guard
    BEFORE UPDATE OR DELETE ON core_eventchainhead
    FOR EACH ROW EXECUTE FUNCTION core_eventchainhead_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_eventchainhead_guard ON core_eventchainhead;
DROP FUNCTION IF EXISTS core_eventchainhead_guard();
"""


def forward(apps, schema_editor):
    head = apps.get_model("core", "EventChainHead")
    head.objects.using(schema_editor.connection.alias).get_or_create(id=1)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_event_append_only_trigger")]
    operations = [migrations.RunPython(forward, backward)]
