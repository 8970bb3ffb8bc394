import hashlib
import hmac
import secrets
import time

from django.utils import timezone

from ombud.core.errors import InvalidInput
from ombud.regions.models import Authority

from .models import ApiKey, Role, STAFF_ROLES

_TTL = 30
_cache = {}


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(*, name, role, authority_code=None, business_uscc=None):
    """Create a key and return (ApiKey, token). The token is shown once and never stored."""
    if role not in Role.values:
        raise InvalidInput([{"loc": ["role"], "msg": f"unknown role {role!r}; one of {', '.join(Role.values)}",
                             "type": "value_error"}])
    authority = None
    if authority_code:
        authority = Authority.objects.filter(code=authority_code).first()
        if authority is None:
            raise InvalidInput([{"loc": ["authority"], "msg": f"no authority with code {authority_code!r}",
                                 "type": "value_error"}])
    elif role in STAFF_ROLES:
        raise InvalidInput([{"loc": ["authority"], "msg": f"role {role} acts within an authority: give --authority",
                             "type": "value_error"}])
    business = _business(role, business_uscc)
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(24)
    key = ApiKey.objects.create(name=name, prefix=prefix, key_hash=_hash(secret), role=role, authority=authority,
                                business=business)
    return key, f"omb_{prefix}_{secret}"


def _business(role, uscc):
    """A business key (an ODR enterprise's own system) acts for one business, named by its USCC."""
    from ombud.businesses.models import Business

    if role != Role.BUSINESS:
        return None
    business = Business.objects.filter(uscc=(uscc or "").upper()).first() if uscc else None
    if business is None:
        raise InvalidInput([{"loc": ["business"], "msg": "a business key needs the USCC of a registered business",
                             "type": "value_error"}])
    return business


def revoke_api_key(*, prefix):
    ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).update(revoked_at=timezone.now())
    _cache.pop(prefix, None)


def authenticate_token(token):
    """The live ApiKey for a bearer token, or None. Cached briefly: revocation reaches every process in 30 s."""
    try:
        _, prefix, secret = token.split("_", 2)
    except ValueError:
        return None
    hit = _cache.get(prefix)
    if hit is None or time.monotonic() - hit[0] > _TTL:
        key = ApiKey.objects.select_related("authority").filter(prefix=prefix, revoked_at__isnull=True).first()
        hit = (time.monotonic(), key)
        _cache[prefix] = hit
    key = hit[1]
    if key is None or not hmac.compare_digest(key.key_hash, _hash(secret)):
        return None
    return key
