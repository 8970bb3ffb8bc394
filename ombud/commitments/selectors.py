"""Queries: the public registry search, the rules in force, and what staff and businesses may see."""
import datetime as dt

from django.db import connection
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import get_language

from ombud.businesses.services import name_key
from ombud.core.errors import NotFound
from ombud.regions.selectors import region_by_code, search_regions

from .models import (
    Breach,
    BreachStatus,
    Commitment,
    CommitmentRule,
    Rating,
    Shop,
    Status,
)

PAGE = 20
DECIDERS = {"handler", "supervisor", "admin"}


def english():
    return (get_language() or "").startswith("en")


def starts(field, prefix):
    """`field` starts with `prefix`, written so that each database's index serves it: LIKE 'p%' on PostgreSQL
    (the pattern opclass), a range of code points on SQLite (LIKE would need a NOCASE index there; BINARY order
    is code-point order)."""
    if connection.vendor == "postgresql" or not prefix:
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})


# ---- rules --------------------------------------------------------------------------------------

def rule_in_force(registry, on):
    """The registry's rule version in force on local date `on` (the first version before any), or None."""
    qs = CommitmentRule.objects.filter(registry=registry)
    return qs.filter(effective_from__lte=on).order_by("-version").first() or qs.order_by("version").first()


# ---- who sees what ------------------------------------------------------------------------------

def scope_path_of(actor):
    """The region path whose pledges this actor decides on: their authority's ("" for the nation), "" for an
    administrator with no authority, None for anyone else."""
    if actor.role not in DECIDERS or actor.user is None:
        return None
    if actor.authority is not None:
        return actor.authority.path
    return "" if actor.role == "admin" or actor.user.is_superuser else None


def visible_commitments(actor):
    path = scope_path_of(actor)
    if path is None:
        return Commitment.objects.none()
    return Commitment.objects.filter(starts("region_path", path)) if path else Commitment.objects.all()


def desk_list(*, actor, status=Status.PENDING, q="", limit=100):
    qs = visible_commitments(actor)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(name__contains=q.strip())
    return list(qs.order_by("-applied_at", "-id")[:limit])


def open_breaches(*, actor, limit=100):
    path = scope_path_of(actor)
    if path is None:
        return []
    qs = Breach.objects.filter(status=BreachStatus.POSSIBLE).select_related("commitment", "case")
    if path:
        qs = qs.filter(starts("commitment__region_path", path))
    return list(qs.order_by("flagged_at", "id")[:limit])


def desk_commitment(*, actor, pk):
    found = visible_commitments(actor).filter(pk=pk).select_related("rule", "decided_by", "applied_by").first()
    if found is None:
        raise NotFound("no such commitment")
    return found


def desk_breach(*, actor, pk):
    breach = Breach.objects.filter(pk=pk).select_related("commitment").first()
    if breach is None or not visible_commitments(actor).filter(pk=breach.commitment_id).exists():
        raise NotFound("no such breach")
    return breach


def own_commitments(business):
    return list(Commitment.objects.filter(business=business).order_by("-applied_at", "-id"))


def own_commitment(*, business, pk):
    found = Commitment.objects.filter(business=business, pk=pk).select_related("rule").first()
    if found is None:
        raise NotFound("no such commitment")
    return found


# ---- the public ---------------------------------------------------------------------------------

def public_commitment(pk):
    """An entry the public may open: approved, or revoked (it says so); never one pending or rejected."""
    found = (Commitment.objects.filter(pk=pk, status__in=[Status.APPROVED, Status.REVOKED])
             .select_related("rule").first())
    if found is None:
        raise NotFound("no such commitment")
    return found


def public_commitments_of(business):
    """A business's entries the public may open (approved or revoked, as `public_commitment`), newest first."""
    return list(Commitment.objects.filter(business=business, status__in=[Status.APPROVED, Status.REVOKED])
                .select_related("rule").order_by("-applied_at", "-id"))


def shops(commitment):
    return list(commitment.shops.select_related("county").order_by("id"))


def place(text):
    """The region a visitor typed (a name, part of one, or a code): (region, []) when one region fits best,
    (None, [regions]) when several do, (None, []) when none. Whole names win; then the highest level."""
    text = (text or "").strip()
    if not text:
        return None, []
    if len(text) == 6 and text.isascii() and text.isdigit():  # a code (the links and pages this page makes): no query
        region = region_by_code(text)
        return (region, []) if region is not None and region.level > 0 else (None, [])
    found = [r for r in search_regions(q=text, limit=60) if r.level > 0]
    exact = [r for r in found if text in (r.code, r.name, r.full_name)]
    found = exact or found
    if not found:
        return None, []
    top = min(r.level for r in found)
    best = [r for r in found if r.level == top]
    return (best[0], []) if len(best) == 1 else (None, best[:20])


def search(*, registry="", region=None, category="", q="", after=None, limit=PAGE):
    """Listed shops, newest first, `limit` to a page, after shop id `after` (keyset: no OFFSET, no COUNT).

    A region is an equality on the shop's column for its level. A name is matched from its start or from the
    start of its trade name (both indexed); inside a prefecture or county, where a region index has already
    narrowed the rows, any part of the business's or the shop's name matches. Returns (shops, more)."""
    qs = Shop.objects.filter(listed=True)
    if region is not None and region.level > 0:
        column = {1: "province", 2: "prefecture"}.get(region.level, "county_id")
        qs = qs.filter(**{column: region.path if region.level < 3 else region.code})
    if registry:
        qs = qs.filter(registry=registry)
    if category:
        qs = qs.filter(category=category)
    key = name_key(q)
    if key:
        if region is not None and region.level >= 2:
            qs = qs.filter(Q(name_key__contains=key) | Q(name__contains=q.strip()))
        else:
            # `listed` inside each branch: SQLite uses a partial index in an OR only when the branch implies it.
            listed = Q(listed=True)
            qs = qs.filter((listed & starts("name_key", key)) | (listed & starts("brand_key", key)))
    if after:
        qs = qs.filter(id__lt=after)
    rows = list(qs.select_related("commitment").order_by("-id")[:limit + 1])
    return rows[:limit], len(rows) > limit


def shown_since(rule, now=None):
    return (now or timezone.now()) - dt.timedelta(days=rule.breach_shown_days)


def upheld_shown(commitment, rule):
    """The upheld breaches the entry shows now, newest first (each stays shown for the rule's period)."""
    return list(commitment.breaches.filter(status=BreachStatus.UPHELD, decided_at__gte=shown_since(rule))
                .order_by("-decided_at"))


def upheld_counts(commitments, rules):
    """{commitment id: upheld breaches shown}; `rules` maps a registry to its rule in force."""
    out = {}
    for registry, rule in rules.items():
        ids = [c.pk for c in commitments if c.registry == registry]
        if ids and rule is not None:
            out.update(Breach.objects.filter(commitment_id__in=ids, status=BreachStatus.UPHELD,
                                             decided_at__gte=shown_since(rule))
                       .values_list("commitment_id").annotate(n=Count("id")).order_by())
    return out


def ratings(ids):
    """{commitment id: (average stars, number of ratings)}."""
    rows = (Rating.objects.filter(commitment_id__in=ids).values_list("commitment_id")
            .annotate(avg=Avg("stars"), n=Count("id")).order_by())
    return {pk: (avg, n) for pk, avg, n in rows}


def rated(commitment, rater):
    return Rating.objects.filter(commitment=commitment, rater=rater).values_list("stars", flat=True).first()


def recent_ratings(commitment, limit=20):
    return list(commitment.ratings.order_by("-at", "-id")[:limit])
