"""On PostgreSQL, refuse UPDATE and DELETE of audit events in the database itself, so that not even
raw SQL through the application's connection can quietly rewrite history."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION wizard_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS wizard_auditevent_append_only ON wizard_auditevent;
CREATE TRIGGER wizard_auditevent_append_only
    BEFORE UPDATE OR DELETE ON wizard_auditevent
    FOR EACH ROW EXECUTE FUNCTION wizard_auditevent_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS wizard_auditevent_append_only ON wizard_auditevent;
DROP FUNCTION IF EXISTS wizard_auditevent_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("wizard", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
