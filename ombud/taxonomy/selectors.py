import time

from .models import Term

_cache = {"at": 0.0, "codes": {}}
_TTL = 30


def active_codes(scheme):
    """Codes an intake may use now; cached briefly so intake stays fast."""
    if time.monotonic() - _cache["at"] > _TTL:
        codes = {}
        for s, code in Term.objects.filter(active=True).values_list("scheme", "code"):
            codes.setdefault(s, set()).add(code)
        _cache.update(at=time.monotonic(), codes=codes)
    return _cache["codes"].get(scheme, set())


def clear_cache():
    _cache["at"] = 0.0
