"""Queries over cases, always narrowed to what the caller may see."""
import base64
import datetime as dt
import time

from django.db.models import CharField, Func, Prefetch, Q

from ombud.accounts.models import Role, STAFF_ROLES
from ombud.core.errors import InvalidInput, NotFound
from ombud.core.queries import first

from . import disclosure_to_parties as disclosure
from .models import Case, CaseEvent
from .tickets import normalize


_subtrees = {}
_SUBTREE_TTL = 60  # seconds: a new authority is seen within a minute


def subtree_ids(authority):
    """Ids of the authority and every authority below it, cached: with one id (a county) the
    planner can walk the (authority, next_due) index in order instead of sorting the backlog."""
    now = time.monotonic()
    hit = _subtrees.get(authority.pk)
    if hit is None or now - hit[0] > _SUBTREE_TTL:
        from ombud.regions.models import Authority

        ids = list(Authority.objects.filter(path__startswith=authority.path).values_list("id", flat=True))
        hit = _subtrees[authority.pk] = (now, ids or [authority.pk])
    return hit[1]


def _in_scope(qs, authority):
    ids = subtree_ids(authority)
    return qs.filter(authority_id=ids[0]) if len(ids) == 1 else qs.filter(authority_id__in=ids)


def visible_cases(actor):
    qs = Case.objects.all()
    if actor.key is not None:
        if actor.role == Role.INTEGRATOR:
            return qs.filter(submitted_by_key=actor.key)
        if actor.role in STAFF_ROLES and actor.authority is not None:
            return _in_scope(qs, actor.authority)
        if actor.role == Role.BUSINESS and actor.business is not None:
            return qs.filter(respondent=actor.business, kind="complaint")
        return qs.none()
    if actor.user is not None:
        if actor.role in STAFF_ROLES:
            if actor.authority is None:
                return qs if actor.user.is_superuser else qs.none()
            return _in_scope(qs, actor.authority)
        if actor.role == Role.BUSINESS:
            # A respondent sees complaints against it, never reports (Art. 33).
            return qs.filter(respondent=actor.business, kind="complaint") if actor.business else qs.none()
        return qs.filter(submitted_by_user=actor.user)
    return qs.none()


def get_case(*, ticket, actor, phone=""):
    """A case the actor may see, or NotFound: a case outside one's scope does not exist for them."""
    number = normalize(ticket)
    if number is None:
        raise NotFound("no such case")
    qs = Case.objects.filter(ticket=number) if (phone and actor.role in ("", Role.CONSUMER)) else \
        visible_cases(actor).filter(ticket=number)
    case = _cached_rule_set(first(_with_detail(qs)))
    if case is None or (phone and actor.role in ("", Role.CONSUMER) and not _same_phone(case, phone, actor)):
        raise NotFound("no such case")
    return case


def _with_detail(qs):
    # The rule set comes from the process cache (see _cached_rule_set): its JSON is large.
    return (qs.select_related("authority", "respondent", "platform", "linked_case")
            .prefetch_related(Prefetch("events", CaseEvent.objects.select_related(
                                  "authority", "actor_user__profile", "actor_key")),  # one query, for the timeline
                              "attachments", "deadlines", "documents"))


def _cached_rule_set(case):
    from ombud.rules.selectors import by_id

    if case is not None and case.rule_set_id:
        case.rule_set = by_id(case.rule_set_id)
    return case


def load_case(ticket):
    """A case with everything its detail view needs, with no scope check: callers have done it."""
    return _cached_rule_set(_with_detail(Case.objects.filter(ticket=ticket)).get())


def _same_phone(case, phone, actor):
    if actor.user is not None and case.submitted_by_user_id == actor.user.pk:
        return True
    digits = "".join(ch for ch in phone if ch.isdigit())
    return bool(digits) and digits == "".join(ch for ch in case.complainant_phone if ch.isdigit())


def party_view(case, actor):
    """The complainant as this caller may see it, by the one table in disclosure_to_parties."""
    return disclosure.person(case, disclosure.audience(actor))


def _values(raw):
    """'a,b' -> (False, [a, b]); '!a,b' -> (True, [a, b]): every filter can be negated."""
    negate = raw.startswith("!")
    return negate, [v for v in raw.lstrip("!").split(",") if v]


def _apply(qs, raw, lookup):
    if not raw:
        return qs
    negate, values = _values(raw)
    cond = Q(**{f"{lookup}__in": values})
    return qs.exclude(cond) if negate else qs.filter(cond)


def encode_cursor(case):
    return base64.urlsafe_b64encode(f"{case.received_at.isoformat()}|{case.pk}".encode()).decode()


def _decode_cursor(cursor):
    try:
        at, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return dt.datetime.fromisoformat(at), int(pk)
    except Exception:
        raise InvalidInput([{"loc": ["cursor"], "msg": "cursor is not one this API returned", "type": "cursor"}])


def list_cases(*, actor, status="", kind="", authority="", received_from=None, received_to=None, category="",
               issue_type="", respondent="", q="", cursor="", limit=50):
    qs = visible_cases(actor)
    qs = _apply(qs, status, "status")
    qs = _apply(qs, kind, "kind")
    qs = _apply(qs, category, "category")
    qs = _apply(qs, issue_type, "issue_type")
    if authority:
        negate, codes = _values(authority)
        cond = Q()
        for code in codes:
            cond |= Q(authority__path__startswith=_path(code)) if code.isascii() and code.isdigit() else Q(authority__code=code)
        qs = qs.exclude(cond) if negate else qs.filter(cond)
    if respondent:
        negate, values = _values(respondent)
        cond = Q()
        for v in values:
            cond |= Q(respondent_id=int(v)) if v.isascii() and v.isdigit() else Q(respondent__uscc=v.upper()) | Q(
                respondent__name__icontains=v)
        qs = qs.exclude(cond) if negate else qs.filter(cond)
    if received_from:
        qs = qs.filter(received_at__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__lt=received_to)
    if q:
        qs = qs.filter(Q(facts__icontains=q) | Q(request__icontains=q) | Q(respondent_name__icontains=q))
    if cursor:
        at, pk = _decode_cursor(cursor)
        qs = qs.filter(Q(received_at__lt=at) | Q(received_at=at, id__lt=pk))
    rows = list(qs.select_related("authority", "rule_set", "respondent").order_by("-received_at", "-id")[: limit + 1])
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def _path(code):
    from ombud.regions.services import path_of

    return path_of(code) if len(code) == 6 else code


class PhoneDigits(Func):
    """A phone number as bare digits, in SQL. The same expression is indexed (case_phone_digits, written by
    ombud.correspondence's migration 0002): change both or neither."""

    template = ("REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(%(expressions)s, ' ', ''), '-', ''), '+', ''), '(', ''), "
                "')', '')")
    output_field = CharField()


def phone_keys(text):
    """The digit strings a phone search looks up: as typed, and with or without China's +86."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if not 5 <= len(digits) <= 25:
        return []
    keys = {digits}
    if digits.startswith("86") and len(digits) == 13:
        keys.add(digits[2:])
    elif len(digits) == 11 and digits.startswith("1"):
        keys.add("86" + digits)
    return sorted(keys)


def exact_key(text):
    """("ticket", number) or ("phone", [digits…]) when a search text is a ticket or a phone number, else None."""
    text = (text or "").strip()
    number = normalize(text)
    if number is not None:
        return "ticket", number
    if any(ch.isalpha() for ch in text):
        return None
    keys = phone_keys(text)
    return ("phone", keys) if keys else None


def search_by_ticket_or_phone(qs, text):
    """Cases in `qs` whose ticket (one row, by the unique index) or complainant's phone (the digits index) is
    `text`, whatever their state; None when `text` is neither a ticket nor a phone number."""
    key = exact_key(text)
    if key is None:
        return None
    if key[0] == "ticket":
        return qs.filter(ticket=key[1])
    return qs.alias(phone_digits=PhoneDigits("complainant_phone")).filter(phone_digits__in=key[1])


def finished_with_consent(*, kinds, statuses):
    """Cases of these kinds that reached one of these statuses and whose complainant agreed to publication
    (the disclosure app queues their accounts for review)."""
    return Case.objects.filter(kind__in=kinds, status__in=statuses, consent_disclosure=True).exclude(facts="")


def penalties_against(*, respondent_id, start, end):
    """Penalty decisions recorded on report cases against a business in [start, end] (local dates), newest
    first: [{"at", "number", "fines", "confiscations"}]. The informant is never part of it."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    penalized = Case.objects.filter(respondent_id=respondent_id, kind="report", outcome="penalized").values("id")
    rows = (CaseEvent.objects.filter(action="penalty_recorded", case__in=penalized, at__gte=low, at__lt=high)
            .order_by("-at").values_list("at", "data")[:100])
    return [{"at": at, "number": (data or {}).get("decision_number", ""), "fines": (data or {}).get("fines"),
             "confiscations": (data or {}).get("confiscations")} for at, data in rows]


def public_responses(*, respondent_id, kinds, statuses, closed_before, limit=20):
    """The business's public answers on finished cases old enough to be published, newest first."""
    return (Case.objects.filter(respondent_id=respondent_id, kind__in=kinds, status__in=statuses,
                                closed_at__lte=closed_before).exclude(public_response="")
            .order_by("-closed_at").values("closed_at", "category", "issue_type", "public_response")[:limit])


# What public disclosure may read of a finished case: no field of the complainant's identity is listed.
PUBLICATION_FIELDS = ("id", "kind", "status", "received_at", "closed_at", "category", "issue_type", "channel",
                      "outcome", "rating_handling", "public_response", "respondent_id", "respondent__name",
                      "respondent__uscc", "authority__name", "authority__region")


def finished_between(*, kinds, statuses, after=None, upto, ids=None):
    """Finished cases of `kinds`/`statuses` with closed_at in (after, upto], or those of `ids` among them,
    as dicts of PUBLICATION_FIELDS, oldest first."""
    qs = Case.objects.filter(kind__in=kinds, status__in=statuses, closed_at__isnull=False, closed_at__lte=upto)
    if after is not None:
        qs = qs.filter(closed_at__gt=after)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    return qs.order_by("closed_at", "id").values(*PUBLICATION_FIELDS)


def cases_changed_since(event_id, *, limit=50_000):
    """(ids of cases with events after `event_id`, the highest event id read), at most `limit` events."""
    rows = list(CaseEvent.objects.filter(id__gt=event_id).order_by("id").values_list("id", "case_id")[:limit])
    return {c for _i, c in rows}, (rows[-1][0] if rows else event_id)


def last_event_id():
    return CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# The columns a public listing of finished cases may read: no party's identity, facts, request or files.
PUBLIC_COLUMNS = ("id", "kind", "status", "outcome", "channel", "received_at", "closed_at", "category", "issue_type",
                  "respondent_id", "respondent__name", "authority__name", "rating_business", "public_response")


def recently_finished(*, kinds, statuses, closed_before, closed_after=None, region_path="", limit=20):
    """Finished cases of these kinds and statuses, handled by an authority in the region's subtree (a path:
    "31", "3101", "310115"; "" for the nation) and closed in (closed_after, closed_before], the latest closed
    first, as dicts of PUBLIC_COLUMNS only."""
    qs = Case.objects.filter(kind__in=list(kinds), status__in=list(statuses), closed_at__lte=closed_before)
    if closed_after is not None:
        qs = qs.filter(closed_at__gt=closed_after)
    if region_path:
        qs = qs.filter(authority__path__startswith=region_path)
    return list(qs.order_by("-closed_at", "-id").values(*PUBLIC_COLUMNS)[:limit])
