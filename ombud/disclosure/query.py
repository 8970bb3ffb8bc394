"""The public complaint database's query, modelled on CFPB's ccdb5 API: its parameters, checked once for
the API, the search page and the export alike. Every list filter may be repeated and negated with
`not_<name>`; a bad value is named with what would be accepted."""
import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# name -> the column it filters (region and company pick their column from the value)
LIST_FILTERS = ("region", "category", "issue", "company", "channel", "outcome", "timely", "has_narrative",
                "rated")
BOOLEAN = ("timely", "has_narrative", "rated")
YES, NO = ("yes", "true", "1"), ("no", "false", "0")
SORTS = ("received_desc", "received_asc")
INTERVALS = ("day", "week", "month", "quarter", "year")
LENSES = ("overview", "category", "issue", "company", "region")
SUB_LENSES = {"category": ("issue", "company", "region"), "issue": ("category", "company", "region"),
              "company": ("category", "issue"), "region": ("category", "issue")}
MAX_SIZE = 100
USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@dataclass
class Query:
    received_min: dt.date | None = None
    received_max: dt.date | None = None
    not_received: bool = False
    lists: dict = field(default_factory=dict)  # name -> (values, negated)
    search: str = ""
    must: list = field(default_factory=list)
    must_not: list = field(default_factory=list)
    size: int = 25
    frm: int = 0
    sort: str = "received_desc"

    def on_received(self, qs, field):
        """`qs` narrowed to the date-received span on `field` (or to outside it, `not_date_received`)."""
        from django.db.models import Q

        if not (self.received_min or self.received_max):
            return qs
        span = Q()
        if self.received_min:
            span &= Q(**{field + "__gte": self.received_min})
        if self.received_max:
            span &= Q(**{field + "__lte": self.received_max})
        return qs.exclude(span) if self.not_received else qs.filter(span)

    def params(self):
        """The query as URL parameters (for links to pages, trends and exports)."""
        out = []
        if self.received_min:
            out.append(("date_received_min", self.received_min.isoformat()))
        if self.received_max:
            out.append(("date_received_max", self.received_max.isoformat()))
        if self.not_received:
            out.append(("not_date_received", "true"))
        for name, (values, negated) in self.lists.items():
            out += [(("not_" if negated else "") + name, v) for v in values]
        if self.search:
            out.append(("search_term", self.search))
        return out


def _error(loc, msg):
    return {"loc": ["query", loc], "type": "value_error", "msg": msg}


def _date(params, name, errors):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(_error(name, _("Give the date as YYYY-MM-DD, for example 2026-03-15 (got “%(value)s”).")
                             % {"value": raw[:40]}))
        return None


def _known(name):
    """The values a list filter accepts, or None where any value is looked up (company)."""
    from ombud.cases.models import Channel
    from ombud.taxonomy.models import Term

    from .selectors import OUTCOMES

    if name == "category":
        return set(Term.objects.filter(scheme="category").values_list("code", flat=True))
    if name == "issue":
        return set(Term.objects.filter(scheme="issue").values_list("code", flat=True))
    if name == "channel":
        return set(Channel.values)
    if name == "outcome":
        return set(OUTCOMES)
    return None


def _region(value):
    from ombud.regions.models import Region
    from ombud.regions.services import path_of

    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) not in (2, 4, 6):
        return None
    if len(value) == 6:
        value = path_of(value)
    return value if Region.objects.filter(path=value).exists() else None


def parse(params, *, size_default=25):
    """(Query, errors) from a QueryDict-like `params` (getlist, get)."""
    from .search import parse_terms

    errors = []
    q = Query(size=size_default)
    q.received_min = _date(params, "date_received_min", errors)
    q.received_max = _date(params, "date_received_max", errors)
    if q.received_min and q.received_max and q.received_min > q.received_max:
        errors.append(_error("date_received_max", _("The end date is before the start date.")))
    q.not_received = (params.get("not_date_received") or "").lower() in YES
    for name in LIST_FILTERS:
        plain, negated = params.getlist(name), params.getlist("not_" + name)
        if plain and negated:
            errors.append(_error("not_" + name, _("Use either “%(name)s” or “not_%(name)s”, not both.")
                                 % {"name": name}))
            continue
        values = [v.strip() for v in (plain or negated) if v.strip()]
        if not values:
            continue
        if name in BOOLEAN:
            bad = [v for v in values if v.lower() not in YES + NO]
            if bad:
                errors.append(_error(name, _("“%(value)s” is not a choice: use yes or no.") % {"value": bad[0][:40]}))
                continue
            values = sorted({"yes" if v.lower() in YES else "no" for v in values})
        elif name == "region":
            paths = [_region(v) for v in values]
            if None in paths:
                bad = values[paths.index(None)]
                errors.append(_error(name, _("“%(value)s” is not a region: give its six-digit division code, for "
                                             "example 310115.") % {"value": bad[:40]}))
                continue
            values = paths
        else:
            known = _known(name)
            bad = [v for v in values if known is not None and v not in known]
            if bad:
                errors.append(_error(name, _("Unknown %(name)s “%(value)s”. Known: %(known)s.")
                                     % {"name": name, "value": bad[0][:40], "known": ", ".join(sorted(known))}))
                continue
        q.lists[name] = (values[:50], bool(negated))
    q.search = (params.get("search_term") or "").strip()[:200]
    q.must, q.must_not = parse_terms(q.search)
    for name, low, high in (("size", 0, MAX_SIZE), ("frm", 0, 10_000)):
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
            errors.append(_error(name, _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}))
        else:
            setattr(q, name, int(raw))
    sort = (params.get("sort") or "").strip()
    if sort:
        if sort not in SORTS:
            errors.append(_error("sort", _("Sort by one of: %(known)s.") % {"known": ", ".join(SORTS)}))
        else:
            q.sort = sort
    return q, errors


def parse_trends(params):
    """(lens, sub_lens, interval, depth, errors) of a trends request."""
    errors = []
    lens = (params.get("lens") or "overview").strip()
    sub_lens = (params.get("sub_lens") or "").strip()
    interval = (params.get("trend_interval") or "month").strip()
    depth_raw = (params.get("trend_depth") or "5").strip()
    if lens not in LENSES:
        errors.append(_error("lens", _("Choose a lens from: %(known)s.") % {"known": ", ".join(LENSES)}))
    elif sub_lens and sub_lens not in SUB_LENSES.get(lens, ()):
        known = ", ".join(SUB_LENSES.get(lens, ())) or _("none")
        errors.append(_error("sub_lens", _("With the lens “%(lens)s”, a sub-lens is one of: %(known)s.")
                             % {"lens": lens, "known": known}))
    if interval not in INTERVALS:
        errors.append(_error("trend_interval", _("Choose an interval from: %(known)s.")
                             % {"known": ", ".join(INTERVALS)}))
    depth = 5
    if not (depth_raw.isascii() and depth_raw.isdigit()) or not 1 <= int(depth_raw) <= 20:
        errors.append(_error("trend_depth", _("Give a whole number from %(low)s to %(high)s.") % {"low": 1, "high": 20}))
    else:
        depth = int(depth_raw)
    return lens, sub_lens, interval, depth, errors
