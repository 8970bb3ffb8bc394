"""Publication rule version 1, and the database refusing to change an account's event (as alerts' 0003).

Version 1 publishes finished complaints (closed or refused) seven days after they finish, for three years,
with the consumer's account where they consented and a reviewer approved it. The figures are the project's
defaults, not statutory ones: an administrator publishes a new version to change them."""
from django.db import migrations

V1 = {"version": 1, "kinds": ["complaint"], "statuses": ["closed", "refused"], "delay_days": 7, "public_years": 3,
      "fields": ["received", "authority", "category", "issue", "respondent", "channel", "outcome", "timely",
                 "response", "rating", "narrative"], "narratives": True, "active": True}
SQLITE = ["CREATE TRIGGER narrativeevent_no_update BEFORE UPDATE ON disclosure_narrativeevent "
          "BEGIN SELECT RAISE(ABORT, 'account events are append-only'); END;"]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION narrativeevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'account events are append-only'; END; $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER narrativeevent_no_change BEFORE UPDATE OR DELETE ON disclosure_narrativeevent "
    "FOR EACH ROW EXECUTE FUNCTION narrativeevent_append_only();",
]


def forwards(apps, schema_editor):
    apps.get_model("disclosure", "PublicationRule").objects.get_or_create(version=1, defaults=V1)
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS narrativeevent_no_change ON disclosure_narrativeevent")
        schema_editor.execute("DROP FUNCTION IF EXISTS narrativeevent_append_only()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS narrativeevent_no_update")


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
