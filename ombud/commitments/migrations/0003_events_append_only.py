# ruff: noqa: RUF012
"""The database itself refuses to change a commitment event (as alerts' 0003 does for warning events).

PostgreSQL also refuses row deletes (TRUNCATE, an operator's deliberate act, still works). SQLite's flush is a
DELETE, so there only updates are refused in SQL, and deletes by the model layer.
"""
from django.db import migrations

SQLITE = [
    ("CREATE TRIGGER commitmentevent_no_update BEFORE UPDATE ON commitments_commitmentevent "
     "BEGIN SELECT RAISE(ABORT, 'commitment events are append-only'); END;"),
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION commitmentevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'commitment events are append-only'; END; $$ LANGUAGE plpgsql;""",
    ("CREATE TRIGGER commitmentevent_no_change BEFORE UPDATE OR DELETE ON commitments_commitmentevent "
     "FOR EACH ROW EXECUTE FUNCTION commitmentevent_append_only();"),
]


def forwards(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS commitmentevent_no_change ON commitments_commitmentevent")
        schema_editor.execute("DROP FUNCTION IF EXISTS commitmentevent_append_only()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS commitmentevent_no_update")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_default_rules")]
    operations = [migrations.RunPython(forwards, backwards)]
