"""The database itself refuses to change a case event.

PostgreSQL also refuses row deletes (TRUNCATE, an operator's deliberate act, still works).
SQLite has no TRUNCATE: its flush is a DELETE, so there only updates are refused in SQL and
deletes are refused by the model layer.
"""
from django.db import migrations

SQLITE = [
    "CREATE TRIGGER caseevent_no_update BEFORE UPDATE ON cases_caseevent "
    "BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION caseevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'case events are append-only'; END; $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER caseevent_no_change BEFORE UPDATE OR DELETE ON cases_caseevent "
    "FOR EACH ROW EXECUTE FUNCTION caseevent_append_only();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS caseevent_no_change ON cases_caseevent")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS caseevent_no_update")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
