"""Fixed-window rate limits for the public forms, kept in the cache (shared when the cache is Redis)."""
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.OMBUD_TRUST_FORWARDED_FOR else ""
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")) or "unknown"


def allow(request, scope, *, limit, window=3600):
    """True while this client has made fewer than `limit` requests in `scope` this window."""
    if not settings.OMBUD_RATE_LIMITS:
        return True
    bucket = int(time.time() // window)
    key = f"rl:{scope}:{client_ip(request)}:{bucket}"
    if cache.add(key, 1, timeout=window + 5):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:
        return True
