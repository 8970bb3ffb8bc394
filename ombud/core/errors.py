"""Domain errors raised by services; the API layer maps them to HTTP."""


class DomainError(Exception):
    """A rule of the domain forbids the operation (HTTP 409 or 422)."""

    status = 409

    def __init__(self, message, *, field=None, **extra):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra


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
