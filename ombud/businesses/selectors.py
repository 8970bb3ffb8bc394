from django.db.models import Q

from ombud.regions.services import path_of

from . import uscc as uscc_rules
from .models import Business
from .services import name_key


def search_businesses(*, q="", kind="", odr=None, region="", limit=20):
    qs = Business.objects.select_related("platform")
    if q:
        code = uscc_rules.normalize(q)
        qs = qs.filter(Q(uscc__startswith=code) | Q(name_key__contains=name_key(q)))
    if kind:
        qs = qs.filter(kind=kind)
    if odr is not None:
        qs = qs.filter(odr_enrolled=odr)
    if region:
        # A code's subtree by its path ("3101" for 310100); trimming zeros would wrongly widen 110110.
        path = path_of(region)
        qs = qs.filter(Q(operating_region__path__startswith=path) | Q(registered_region__path__startswith=path))
    return qs.order_by("name")[:limit]


def business_by_id(pk):
    return Business.objects.select_related("platform", "operating_region", "registered_region").filter(pk=pk).first()


def merchants_of(platform, *, limit=50):
    """A platform's merchants, by name (its public page links each one)."""
    return Business.objects.filter(platform=platform).order_by("name")[:limit]
