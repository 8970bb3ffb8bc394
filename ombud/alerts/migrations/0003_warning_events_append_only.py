"""The database itself refuses to change a consumer warning's event (as cases' 0002 does for case events).

PostgreSQL also refuses row deletes (TRUNCATE, an operator's deliberate act, still works). SQLite's flush is
a DELETE, so there only updates are refused in SQL, and deletes by the model layer.
"""
from django.db import migrations

SQLITE = [
    "CREATE TRIGGER warningevent_no_update BEFORE UPDATE ON alerts_warningevent "
    "BEGIN SELECT RAISE(ABORT, 'warning events are append-only'); END;",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION warningevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'warning events are append-only'; END; $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER warningevent_no_change BEFORE UPDATE OR DELETE ON alerts_warningevent "
    "FOR EACH ROW EXECUTE FUNCTION warningevent_append_only();",
]


def forwards(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS warningevent_no_change ON alerts_warningevent")
        schema_editor.execute("DROP FUNCTION IF EXISTS warningevent_append_only()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS warningevent_no_update")


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_default_rules")]
    operations = [migrations.RunPython(forwards, backwards)]
