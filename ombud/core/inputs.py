"""Checks every way in shares (API bodies and queries, imports, forms that validate with the same schemas).

- No NUL character in any text: PostgreSQL can neither store nor compare one (a DataError, a 500), and
  SQLite would keep it. A schema refuses it field by field (`no_nul`); ombud.core.middleware refuses it in a
  query string before any view runs.
- Dates and times only as ISO 8601 text (`IsoDatetime`, `IsoDate`): pydantic would otherwise read a number
  as a Unix time, so `"received_at": 0` became 1970-01-01. A datetime that cannot be moved to UTC or to
  local time (0001-01-01T00:00:00+14:00) is refused here, not left to overflow further on.
- JSON nested deeper than the parser's recursion limit is refused as a 4xx (`too_deep`), not a 500.
"""
import datetime as dt
import re
from typing import Annotated
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_noop
from pydantic import AfterValidator, BeforeValidator

NUL = "\x00"
NUL_MESSAGE = gettext_noop("must not contain a NUL character")


def no_nul(value):
    """A pydantic validator (mode="before") for every field: a text with a NUL is refused."""
    if isinstance(value, str) and NUL in value:
        raise ValueError(NUL_MESSAGE)
    return value


def nul_error(field):
    return {"loc": [field], "msg": NUL_MESSAGE, "type": "nul_character"}


_ISO = re.compile(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_text(value):
    """Dates come as ISO 8601 text (or as date objects from Python callers), never as a number."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO.match(value)):
        return value
    raise ValueError(gettext_noop("give the date as ISO 8601 text, e.g. 2026-09-25T16:00:00+08:00"))


def _representable(value):
    """A datetime that UTC and local time can both hold (naive ones are read as local time)."""
    try:
        aware = value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        aware.astimezone(dt.timezone.utc)
        aware.astimezone(ZoneInfo(settings.TIME_ZONE))
    except (OverflowError, ValueError):
        raise ValueError(gettext_noop("the date and time are outside the calendar's range")) from None
    return value


IsoDatetime = Annotated[dt.datetime, BeforeValidator(_iso_text), AfterValidator(_representable)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_text)]


def too_deep(field="body"):
    """The error for JSON nested deeper than the parser's recursion limit."""
    return {"loc": [field], "msg": gettext_noop("the JSON is nested too deeply"), "type": "json_too_deep"}
