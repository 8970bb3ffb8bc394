"""The full-text index of the open complaint database (see ombud/disclosure/search.py): a GIN index on
PostgreSQL, an FTS5 table kept in step by triggers on SQLite. Both index the words jieba cut."""
from django.db import migrations

PG = [
    "CREATE INDEX pub_search ON disclosure_publishedcomplaint USING GIN (to_tsvector('simple', search))",
]
PG_REVERSE = ["DROP INDEX IF EXISTS pub_search"]

SQLITE = [
    # External content: the words live once, in the table; the index holds only postings.
    "CREATE VIRTUAL TABLE disclosure_search USING fts5(search, content='disclosure_publishedcomplaint', "
    "content_rowid='id', tokenize='unicode61')",
    """CREATE TRIGGER disclosure_search_ai AFTER INSERT ON disclosure_publishedcomplaint BEGIN
         INSERT INTO disclosure_search(rowid, search) VALUES (new.id, new.search); END""",
    """CREATE TRIGGER disclosure_search_ad AFTER DELETE ON disclosure_publishedcomplaint BEGIN
         INSERT INTO disclosure_search(disclosure_search, rowid, search) VALUES ('delete', old.id, old.search); END""",
    """CREATE TRIGGER disclosure_search_au AFTER UPDATE OF search ON disclosure_publishedcomplaint BEGIN
         INSERT INTO disclosure_search(disclosure_search, rowid, search) VALUES ('delete', old.id, old.search);
         INSERT INTO disclosure_search(rowid, search) VALUES (new.id, new.search); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS disclosure_search_au", "DROP TRIGGER IF EXISTS disclosure_search_ad",
                  "DROP TRIGGER IF EXISTS disclosure_search_ai", "DROP TABLE IF EXISTS disclosure_search"]


def forward(apps, schema_editor):
    for sql in PG if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    for sql in PG_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0003_open_complaint_database")]
    operations = [migrations.RunPython(forward, backward)]
