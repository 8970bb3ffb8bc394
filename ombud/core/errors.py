"""Domain errors raised by services; the API layer maps them to HTTP.

The API speaks English (integrators match on it); pages show the same errors in the reader's
language through `in_words`. A message with parts that vary is raised as a template with
`params`, so that its translation can be looked up.
"""
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain forbids the operation (HTTP 409 or 422)."""

    status = 409

    def __init__(self, message, *, field=None, params=None, **extra):
        self.template, self.params = message, params or {}
        message = message % self.params if params else message
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra

    def localized(self):
        return gettext(self.template) % self.params if self.params else gettext(self.template)


class InvalidInput(DomainError):
    """Input that is wrong in a way the system can detect (HTTP 422)."""

    status = 422

    def __init__(self, errors):
        # errors: list of {"loc": [...], "msg": str, "type": str}
        super().__init__("; ".join(e["msg"] for e in errors))
        self.errors = errors


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


def _field(loc):
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


def errors_body(errors):
    """The API's error shape for a list of {"loc", "msg", "type"}: one entry per field at fault."""
    return {
        "detail": "the request has errors; nothing was saved",
        "errors": [{"field": _field(e["loc"]), "message": e["msg"], "type": e.get("type", "invalid")} for e in errors],
    }


# Pydantic's own error types, in words a person reads; `ctx` fills the placeholders.
_TYPES = {
    "missing": _("This is required."),
    "string_too_long": _("At most %(max_length)s characters."),
    "string_too_short": _("At least %(min_length)s characters."),
    "greater_than_equal": _("Must be at least %(ge)s."),
    "less_than_equal": _("Must be at most %(le)s."),
    "greater_than": _("Must be more than %(gt)s."),
    "int_parsing": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "decimal_parsing": _("Enter a number."),
    "decimal_max_places": _("At most %(decimal_places)s decimal places."),
    "decimal_max_digits": _("The number is too long."),
    "float_parsing": _("Enter a number."),
    "bool_parsing": _("Choose yes or no."),
    "date_from_datetime_parsing": _("Enter a date such as 2026-11-01."),
    "date_parsing": _("Enter a date such as 2026-11-01."),
    "datetime_parsing": _("Enter a date and time."),
    "datetime_from_date_parsing": _("Enter a date and time."),
    "literal_error": _("Choose one of the options."),
    "enum": _("Choose one of the options."),
    "string_pattern_mismatch": _("The format is not right."),
    "extra_forbidden": _("This field is not expected here."),
    "string_type": _("Enter text."),
    "json_invalid": _("The data could not be read."),
}


def in_words(message, type_="value_error", ctx=None):
    """One error in the reader's language: a pydantic type's own wording, or a message marked for
    translation where it was raised (an unknown message is shown as it is)."""
    template = _TYPES.get(type_)
    if template is not None:
        try:
            return str(template) % (ctx or {})
        except (KeyError, TypeError, ValueError):
            return str(template).split("%")[0].strip() or message
    return gettext(message.removeprefix("Value error, "))


def errors_by_field(exc):
    """{field: message} in the reader's language, for a form to show each fault beside its field."""
    if isinstance(exc, InvalidInput):
        return {str(e["loc"][0]) if e["loc"] else "form": in_words(e["msg"], e.get("type", "value_error"), e.get("ctx"))
                for e in exc.errors}
    return {exc.field or "form": exc.localized()}


def error_words(exc):
    """`in_words` for a DomainError (or an InvalidInput's first error)."""
    if isinstance(exc, InvalidInput):
        return "; ".join(in_words(e["msg"], e.get("type", "value_error"), e.get("ctx")) for e in exc.errors)
    return exc.localized()
