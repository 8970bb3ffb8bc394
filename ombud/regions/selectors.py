from django.db.models import Q

from .address import _current_index
from .models import Region


def region_by_code(code):
    """An active region from the in-process index (no query on the intake path)."""
    return _current_index().by_code.get(code)


def search_regions(*, q="", level=None, parent=None, limit=50):
    qs = Region.objects.filter(active=True)
    if q:
        qs = qs.filter(Q(code__startswith=q) | Q(name__contains=q) | Q(full_name__contains=q))
    if level is not None:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs.order_by("code")[:limit]


def search_authorities(*, q, limit=8):
    """Active authorities by code prefix or a part of the name, higher levels first (the transfer picker)."""
    from .models import Authority

    q = (q or "").strip()
    if not q:
        return Authority.objects.none()
    cond = Q(code__startswith=q) if q.isascii() and q.isdigit() else Q(name__contains=q)  # the name carries the region's full name
    return Authority.objects.filter(cond, active=True).order_by("level", "code")[:limit]


def authority_places():
    """(authority id, province, prefecture, county) codes for every authority; a level an authority sits
    above falls back to its parent level's code, so counting by any level loses no case."""
    from .models import Authority

    out = []
    for pk, code, level in Authority.objects.values_list("id", "region_id", "level"):
        if not code or level == 0:
            out.append((pk, None, None, None))
            continue
        province = code[:2] + "0000"
        prefecture = code[:4] + "00" if level >= 2 else province
        out.append((pk, province, prefecture, code if level >= 3 else prefecture))
    return out
