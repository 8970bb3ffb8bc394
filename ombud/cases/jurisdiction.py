"""Which authority must handle a case (DESIGN.md, Jurisdiction). Pure decisions, no writes."""
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_noop

from ombud.businesses.models import Business
from ombud.regions.models import Authority
from ombud.regions.selectors import region_by_code

_cache = {"at": 0.0, "by_region": {}}
_lock = threading.Lock()


def amr_for_region(code):
    """The market-supervision authority of a region (cached: authorities change rarely)."""
    age = time.monotonic() - _cache["at"]
    # A region without an authority must not reload the table on every call of a hot path.
    if age > 60 or (code not in _cache["by_region"] and age > 1):
        with _lock:
            _cache["by_region"] = {
                a.region_id: a for a in Authority.objects.filter(kind=Authority.Kind.AMR, active=True)
            }
            _cache["at"] = time.monotonic()
    return _cache["by_region"].get(code)


def national_authority():
    return amr_for_region(settings.OMBUD_NATIONAL_AUTHORITY)


@dataclass
class Decision:
    authority: Authority
    routed: bool          # False: no competent authority found; the intake unit holds it for dispatch
    reason: str
    citation_key: str
    region_code: str = ""


def _county(region):
    """A region fit for county-level handling: a county, or a prefecture with no counties."""
    return region if region is not None and region.level >= 2 else None


def _at(business, field):
    """A business's region from the in-process division index: no join, no query."""
    code = business and getattr(business, f"{field}_id")
    return region_by_code(code) if code else None


def _to(region, reason, key):
    return Decision(authority=amr_for_region(region.code), routed=True, reason=reason, citation_key=key,
                    region_code=region.code)


def route(*, kind, respondent=None, respondent_region=None, conduct_region=None, violation_type="",
          rule_set=None, intake_authority=None):
    """Decide jurisdiction. `respondent_region` is where the complaint says the respondent is."""
    if kind == "report":
        decision = _route_report(respondent, respondent_region, conduct_region, violation_type)
    else:
        decision = _route_complaint(respondent, respondent_region, rule_set)
    if decision is not None:
        return decision
    holder = intake_authority or national_authority()
    return Decision(authority=holder, routed=False, citation_key="routing.return",
                    reason=gettext_noop("the respondent's county could not be determined; the intake unit dispatches it by hand"))


def _route_complaint(respondent, given_region, rule_set):
    b = respondent
    kind = b.kind if b else Business.Kind.ORDINARY
    if kind in (Business.Kind.PLATFORM, Business.Kind.SELF_OPERATED):
        region = _county(_at(b, "registered_region")) or _county(_at(b, "operating_region"))
        if region:
            return _to(region, gettext_noop("platform operator or self-run site: the operator's domicile"), "routing.platform")
    if kind == Business.Kind.MERCHANT:
        return _route_merchant(b, given_region, rule_set)
    for region, why in (
        (_at(b, "operating_region"), gettext_noop("the respondent's actual place of business")),
        (given_region, gettext_noop("the respondent's address as the complainant gave it")),
        (_at(b, "registered_region"), gettext_noop("the respondent's domicile")),
    ):
        if _county(region):
            return _to(region, why, "routing.complaint")
    return None


def _route_merchant(b, given_region, rule_set):
    usable = b.address_published and b.reachable
    region = _county(_at(b, "operating_region")) or _county(given_region)
    if usable and region:
        return _to(region, gettext_noop("merchant on a platform: where the merchant operates"), "routing.merchant")
    platform = b.platform
    platform_region = platform and (_county(_at(platform, "registered_region"))
                                    or _county(_at(platform, "operating_region")))
    if platform_region is None:
        return None
    fallback = rule_set is not None and "routing.platform_fallback" in rule_set.citations
    if fallback and not usable:
        why = (gettext_noop("merchant has no published address: the platform's domicile") if not b.address_published
               else gettext_noop("merchant cannot be reached at its published address: the platform's domicile"))
        return _to(platform_region, why, "routing.platform_fallback")
    return _to(platform_region, gettext_noop("merchant on a platform: the platform operator's domicile"), "routing.merchant")


def _route_report(respondent, respondent_region, conduct_region, violation_type):
    if violation_type == "advertising":
        region = (_county(_at(respondent, "operating_region")) or _county(_at(respondent, "registered_region"))
                  or _county(respondent_region))
        if region:
            return _to(region, gettext_noop("advertising: where the publisher is located"), "routing.advertising")
    if _county(conduct_region):
        return _to(conduct_region, gettext_noop("where the reported conduct occurred"), "routing.report")
    region = _county(_at(respondent, "operating_region")) or _county(respondent_region)
    if region:
        return _to(region, gettext_noop("where the reported conduct occurred (the respondent's place of business)"),
                   "routing.report")
    return None
