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


def choices(scheme):
    """[(code, label, group)] of the active terms, labelled in the active language."""
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    rows = Term.objects.filter(scheme=scheme, active=True).order_by("group", "sort", "code")
    return [(t.code, t.name_en if english else t.name_zh, t.group) for t in rows]


def term_label(scheme, code):
    """A term's label in the active language; the code itself if the term is unknown (or retired and gone)."""
    from django.utils.translation import get_language

    if not code:
        return ""
    term = Term.objects.filter(scheme=scheme, code=code).first()
    if term is None:
        return code
    return term.name_en if (get_language() or "").startswith("en") else term.name_zh
