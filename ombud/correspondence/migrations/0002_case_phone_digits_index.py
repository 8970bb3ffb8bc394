"""An index on the complainant's phone as bare digits, then the authority (the caller's scope): staff find a
case by phone with one index lookup.

The expression must stay identical to `ombud.cases.selectors.PhoneDigits` (SQLite and PostgreSQL use an
expression index only for the same expression). Kept here, as SQL, so the cases app's migrations stay theirs."""
from django.db import migrations

DIGITS = ("REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(complainant_phone, ' ', ''), '-', ''), '+', ''), '(', ''), "
          "')', '')")


class Migration(migrations.Migration):

    dependencies = [
        ("correspondence", "0001_initial"),
        ("cases", "0005_next_due"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX case_phone_digits ON cases_case (({DIGITS}), authority_id)",
                          "DROP INDEX case_phone_digits"),
    ]
