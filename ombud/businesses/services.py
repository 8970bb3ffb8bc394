import re
import time
import unicodedata

from django.db import transaction

from ombud.core.errors import InvalidInput
from ombud.core.queries import first
from ombud.regions import address as addresses

from . import uscc as uscc_rules
from .models import Business

_SPACE = re.compile(r"\s+")
# Routing reads a merchant's platform: fetched in the same query (regions come from the in-process index).
_ROUTING_FIELDS = ("platform",)


_CACHE_TTL = 60  # seconds a process may route with a business it read earlier
_CACHE_MAX = 50_000
_cache = {}


def _remembered(key, fetch):
    """Known respondents repeat all day; keep the ones found for a minute to spare the query."""
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < _CACHE_TTL:
        return hit[1]
    business = fetch()
    if business is not None:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        _cache[key] = (now, business)
    return business


def forget_cached():
    _cache.clear()


def name_key(name):
    """Normalise a business name for matching: width, case, spaces and bracket styles."""
    text = unicodedata.normalize("NFKC", name or "")
    return _SPACE.sub("", text).replace("(", "（").replace(")", "）").upper()[:200]


def _resolved(address, hint):
    if not address:
        return None, 0.0, []
    res = addresses.resolve(address, hint=hint)
    return res.county or res.region, res.confidence, res.candidates


def register_business(*, name, uscc="", kind=Business.Kind.ORDINARY, platform=None, registered_address="",
                      operating_address="", province_hint="", odr_enrolled=False, address_published=True):
    """Create a business; addresses are resolved to counties and ambiguity is flagged for a person."""
    if uscc:
        try:
            uscc = uscc_rules.validate(uscc)
        except uscc_rules.USCCError as exc:
            raise InvalidInput([{"loc": ["uscc"], "msg": str(exc), "type": "value_error"}]) from None
    if kind == Business.Kind.MERCHANT and platform is None:
        raise InvalidInput([{"loc": ["platform"], "msg": "a merchant on a platform needs its platform",
                             "type": "value_error"}])
    reg_region, reg_conf, reg_cand = _resolved(registered_address, province_hint)
    op_region, op_conf, op_cand = _resolved(operating_address or registered_address, province_hint)
    needs_review = any(a and (c < 0.8) for a, c in ((registered_address, reg_conf),
                                                    (operating_address or registered_address, op_conf)))
    return Business.objects.create(
        name=name, name_key=name_key(name), uscc=uscc or None, kind=kind, platform=platform,
        registered_address=registered_address, registered_region=reg_region, registered_confidence=reg_conf,
        operating_address=operating_address, operating_region=op_region, operating_confidence=op_conf,
        address_needs_review=needs_review, address_candidates=sorted(set(reg_cand + op_cand)),
        odr_enrolled=odr_enrolled, address_published=address_published,
    )


def find_platform(text):
    """A platform named by USCC or by name, or None."""
    if not text:
        return None
    qs = Business.objects.filter(kind=Business.Kind.PLATFORM)
    code = uscc_rules.normalize(text)
    if len(code) == 18:
        hit = qs.filter(uscc=code).first()
        if hit:
            return hit
    return qs.filter(name_key=name_key(text)).first()


def find_or_register_respondent(*, name, uscc="", address="", province_hint="", kind="", platform=None,
                                region=None):
    """The business a case names. A known USCC wins; otherwise the name within the same county."""
    if uscc:
        hit = _remembered(("uscc", uscc), lambda: first(
            Business.objects.select_related(*_ROUTING_FIELDS).filter(uscc=uscc)))
        if hit:
            return hit
    elif not name:
        return None
    else:
        county = region or _resolved(address, province_hint)[0]
        key = name_key(name)
        hit = _remembered(("name", key, county and county.code), lambda: first(
            Business.objects.select_related(*_ROUTING_FIELDS).filter(name_key=key, operating_region=county)))
        if hit:
            return hit
    if not kind or (kind == Business.Kind.MERCHANT and platform is None):
        kind = Business.Kind.MERCHANT if platform else Business.Kind.ORDINARY
    with transaction.atomic():
        business = register_business(name=name or uscc, uscc=uscc, kind=kind,
                                     platform=platform if kind == Business.Kind.MERCHANT else None,
                                     operating_address=address, province_hint=province_hint)
    if region is not None and business.operating_region is None:
        business.operating_region = region
        business.save(update_fields=["operating_region"])
    return business
