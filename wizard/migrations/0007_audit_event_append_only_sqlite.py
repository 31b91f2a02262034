"""On SQLite (the embedded default) too, refuse UPDATE and DELETE of audit events in the database
itself, as 0002 does on PostgreSQL."""

from django.db import migrations

CREATE = (
    """
CREATE TRIGGER IF NOT EXISTS wizard_auditevent_no_update BEFORE UPDATE ON wizard_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;
""",
    """
CREATE TRIGGER IF NOT EXISTS wizard_auditevent_no_delete BEFORE DELETE ON wizard_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END;
""",
)
DROP = (
    "DROP TRIGGER IF EXISTS wizard_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS wizard_auditevent_no_delete;",
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("wizard", "0006_audit_event_keyed_chain")]
    operations = [migrations.RunPython(forwards, backwards)]
