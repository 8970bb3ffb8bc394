"""One throttling policy for the public pages and the API: fixed windows per client (its address) and, for
tracking, per ticket, kept in the cache (shared when the cache is Redis). A refusal is a 429 with
Retry-After, on a page as on the API; the two share their counters, so a limit cannot be dodged by
switching from the form to the API."""
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.OMBUD_TRUST_FORWARDED_FOR else ""
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")) or "unknown"


def _window(window):
    now = time.time()
    return int(now // window), int(window - now % window) + 1


def _count(key, window):
    if cache.add(key, 1, timeout=window + 5):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        return 1


def check(request, scope, *, limit, window=3600):
    """(allowed, seconds until the window turns): counts this request against the client's `limit` in
    `scope` for the current window."""
    if not settings.OMBUD_RATE_LIMITS:
        return True, 0
    bucket, retry = _window(window)
    return _count(f"rl:{scope}:{client_ip(request)}:{bucket}", window) <= limit, retry


def allow(request, scope, *, limit, window=3600):
    """True while this client has made fewer than `limit` requests in `scope` this window."""
    return check(request, scope, limit=limit, window=window)[0]


def ticket_locked(ticket, *, window=3600):
    """(locked, seconds until the window turns): whether this ticket has had too many wrong phone numbers
    this window, from any number of clients (guessing one case's phone from many addresses)."""
    if not settings.OMBUD_RATE_LIMITS or not ticket:
        return False, 0
    bucket, retry = _window(window)
    return (cache.get(f"rl:ticket:{ticket}:{bucket}") or 0) >= settings.OMBUD_TRACKING_FAILURES_PER_TICKET, retry


def ticket_failed(ticket, *, window=3600):
    """Count a wrong phone number against the ticket."""
    if settings.OMBUD_RATE_LIMITS and ticket:
        _count(f"rl:ticket:{ticket}:{_window(window)[0]}", window)


class RateLimited(Exception):
    """Too many requests: answered 429 with Retry-After (pages and API)."""

    def __init__(self, retry_after):
        super().__init__(f"too many requests; try again in {retry_after} seconds")
        self.retry_after = retry_after


def tracking(request, ticket):
    """Raise RateLimited when this client has tracked too often, or this ticket has had too many wrong
    phone numbers."""
    ok, retry = check(request, "track", limit=settings.OMBUD_TRACKING_PER_HOUR)
    if not ok:
        raise RateLimited(retry)
    locked, retry = ticket_locked(ticket)
    if locked:
        raise RateLimited(retry)


def filing(request):
    """Raise RateLimited when this client (not signed in) has filed too often, by form or API alike."""
    ok, retry = check(request, "file", limit=settings.OMBUD_PUBLIC_FORMS_PER_HOUR)
    if not ok:
        raise RateLimited(retry)
