"""Small query helpers shared by the apps."""


def first(qs):
    """The first row of a unique lookup, without the ORDER BY that `.first()` adds.

    `.filter(ticket=…).first()` orders by id with LIMIT 1, and both SQLite and PostgreSQL may
    then walk the primary key instead of using the unique index: milliseconds per call on a
    big table instead of microseconds."""
    return next(iter(qs.order_by()[:1]), None)
