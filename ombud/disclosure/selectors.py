"""Queries of public disclosure: the rule in force, the review queue, and what the public may see."""
import datetime as dt

from django.utils import timezone

from ombud.accounts.models import STAFF_ROLES

from .models import Narrative, NarrativeStatus, PublicationRule


def current_rule():
    """The active publication rule with the highest version (None: nothing is published)."""
    return PublicationRule.objects.filter(active=True).order_by("-version").first()


def review_queue(*, actor, status=NarrativeStatus.PENDING):
    """Accounts of the cases this staff member may see, oldest first (status "": all of them)."""
    from ombud.cases.selectors import visible_cases

    if actor.user is None or actor.role not in STAFF_ROLES:
        return Narrative.objects.none()
    qs = Narrative.objects.filter(case__in=visible_cases(actor).values("id"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("queued_at", "id")


def _years_later(moment, years):
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, month=3, day=1)


def publishable(case, *, rule=None, now=None):
    """Whether the rule publishes this case now: its kind and status, `delay_days` after it finished, and
    for `public_years` after that."""
    rule = rule or current_rule()
    if rule is None or case.kind not in rule.kinds or case.status not in rule.statuses or case.closed_at is None:
        return False
    start = case.closed_at + dt.timedelta(days=rule.delay_days)
    return start <= (now or timezone.now()) < _years_later(start, rule.public_years)


def public_account(case, *, rule=None, now=None):
    """The approved account of a published case, or "" (no consent, not reviewed, withdrawn, or not public)."""
    rule = rule or current_rule()
    if rule is None or not rule.narratives or not publishable(case, rule=rule, now=now):
        return ""
    n = Narrative.objects.filter(case=case, status=NarrativeStatus.APPROVED).values_list("text", flat=True).first()
    return n or ""


def _rate(part, whole):
    """A share in whole per cent (None when there is nothing to divide by)."""
    return None if not whole else round(100 * part / whole)


def business_record(*, business, start, end, now=None):
    """What the public sees of one business over [start, end] (投诉信息公示): its complaint figures beside the
    period before, each rate with the counts it is made of; penalty decisions; its public answers. A platform's
    figures are its merchants' sales on it, as a group."""
    from ombud.analytics.selectors import business_figures
    from ombud.cases.selectors import penalties_against, public_responses

    platform = business.kind == "platform"
    days = (end - start).days + 1
    now_ = business_figures(business_id=business.pk, start=start, end=end, as_platform=platform)
    before = business_figures(business_id=business.pk, start=start - dt.timedelta(days=days),
                              end=start - dt.timedelta(days=1), as_platform=platform).rows
    f = now_.rows
    rule = current_rule()
    responses = []
    if rule is not None and "response" in rule.fields:
        cutoff = (now or timezone.now()) - dt.timedelta(days=rule.delay_days)
        responses = list(public_responses(respondent_id=business.pk, kinds=rule.kinds, statuses=rule.statuses,
                                          closed_before=cutoff))
    return {
        "figures": f, "before": before, "platform": platform,
        "as_of": dt.datetime.fromisoformat(now_.as_of) if now_.as_of else None,
        "growth": _rate(f["n"] - before["n"], before["n"]),
        "mediation": _rate(f["agreed"], f["agreed"] + f["not_agreed"]),
        "presettlement": _rate(f["presettled"], f["odr_done"]) if business.odr_enrolled or f["odr_done"] else None,
        "satisfaction": _rate(f["satisfied"], f["rated"]),
        "unrated": f["finished"] - f["rated"],
        "resolved": _rate(f["resolved_yes"], f["resolved_yes"] + f["resolved_no"]),
        "penalties": penalties_against(respondent_id=business.pk, start=start, end=end),
        "responses": responses,
    }


def account_of(case):
    """The complainant's account as queued or reviewed (None: not queued)."""
    return Narrative.objects.filter(case=case).first()


# --------------------------------------------------------------------------- the open complaint database

def _outcomes():
    from django.utils.translation import gettext_lazy

    return {"presettled": gettext_lazy("settled by the business itself (ODR)"),
            "agreement": gettext_lazy("settled by mediation"),
            "terminated": gettext_lazy("mediation ended without agreement"), "refused": gettext_lazy("not accepted"),
            "withdrawn": gettext_lazy("withdrawn by the consumer")}


OUTCOMES = _outcomes()
EXPORT_CAP = 100_000
# What a facet groups on: the column, and how many values it lists.
FACETS = {"category": ("category", 50), "issue": ("issue", 50), "company": ("respondent", 10),
          "region": ("province", 40), "channel": ("channel", 10), "outcome": ("outcome", 10),
          "timely": ("timely", 3), "has_narrative": ("has_narrative", 2), "rated": ("rating", 6)}


def _condition(name, value):
    from django.db.models import Q

    from .query import USCC

    yes = value == "yes"
    if name == "region":
        return Q(**{{2: "province", 4: "prefecture", 6: "county"}[len(value)]: value})
    if name == "company":
        return Q(uscc=value) if USCC.match(value) else Q(respondent=value)
    if name == "timely":
        return Q(timely=yes)
    if name == "has_narrative":
        return Q(has_narrative=yes)
    if name == "rated":
        return Q(rating__isnull=not yes)
    return Q(**{name: value})


def complaints(q, *, skip=None):
    """Published complaints matching the query; `skip` leaves one list filter out (for its facet)."""
    from django.db.models import Q

    from .models import PublishedComplaint
    from .search import apply

    qs = q.on_received(PublishedComplaint.objects.all(), "received")
    for name, (values, negated) in q.lists.items():
        if name == skip:
            continue
        cond = Q()
        for v in values:
            cond |= _condition(name, v)
        qs = qs.exclude(cond) if negated else qs.filter(cond)
    return apply(qs, q.must, q.must_not)


class Labels:
    """Readers' labels of stored codes, in the active language, looked up once per answer."""

    def __init__(self):
        from django.utils.translation import get_language

        from ombud.cases.models import Channel
        from ombud.taxonomy.models import Term

        en = (get_language() or "").startswith("en")
        self.terms = {(s, c): (e if en else z) for s, c, e, z in
                      Term.objects.values_list("scheme", "code", "name_en", "name_zh")}
        self.channels = dict(Channel.choices)

    def of(self, name, code):
        if code in (None, ""):
            return ""
        if name in ("category", "issue"):
            return self.terms.get((name, code), code)
        if name == "channel":
            return str(self.channels.get(code, code))
        if name == "outcome":
            return str(OUTCOMES.get(code, code))
        if name == "region":
            return self.region(code)
        return str(code)

    def region(self, path):
        return _region_names().get(path, path)


_REGIONS = {"at": 0.0, "names": {}}


def _region_names():
    """{path: name} of every region, read once an hour per process (a query per row otherwise)."""
    import time

    if time.monotonic() - _REGIONS["at"] > 3600 or not _REGIONS["names"]:
        from ombud.regions.models import Region

        _REGIONS.update(at=time.monotonic(), names=dict(Region.objects.values_list("path", "name")))
    return _REGIONS["names"]


def hits(q, *, total=None):
    """(total, exact?, [hit dicts]) for one page of the query, newest first, with highlights when
    searching. `total`: the count, when already known (known_total)."""
    from .search import highlight

    qs = complaints(q)
    total, exact = (total, True) if total is not None else _count(q, qs)
    order = ("received", "id") if q.sort == "received_asc" else ("-received", "-id")
    rows = list(qs.order_by(*order)[q.frm:q.frm + q.size])
    labels = Labels()
    out = []
    for r in rows:
        out.append({**public_row(r, labels), "highlight": {
            "narrative": highlight(r.narrative, q.must), "response": highlight(r.response, q.must)}})
    return total, exact, out


TRACK_TOTAL = 10_000  # as ccdb5 (Elasticsearch): a total is exact up to here, beyond it "at least"


def _count(q, qs, *, upto=None):
    """(rows matching, exact?). With no filter and no words that is the whole database, which the last
    publication pass counted; otherwise rows are counted up to `upto`, since an exact count of a large
    set scans all of it (docs/benchmarks.md) and "more than 10,000" answers the reader as well."""
    from .models import PublicationRun

    if not (q.lists or q.received_min or q.received_max or q.must or q.must_not):
        last = PublicationRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").first()
        if last is not None:
            return last.total, True
    upto = TRACK_TOTAL if upto is None else upto
    n = qs[:upto + 1].count()
    return min(n, upto), n <= upto


def public_row(r, labels):
    """One published complaint as the public sees it (API and page)."""
    return {
        "complaint_id": r.id, "date_received": r.received, "date_finished": r.finished,
        "region": r.county or r.prefecture or r.province, "region_name": labels.region(r.county or r.prefecture
                                                                                          or r.province),
        "authority": r.authority, "category": r.category, "category_name": labels.of("category", r.category),
        "issue": r.issue, "issue_name": labels.of("issue", r.issue), "company": r.respondent,
        "company_id": r.respondent_id, "uscc": r.uscc, "channel": r.channel,
        "channel_name": labels.of("channel", r.channel), "outcome": r.outcome,
        "outcome_name": labels.of("outcome", r.outcome), "timely": r.timely, "rating": r.rating,
        "narrative": r.narrative, "response": r.response, "has_narrative": r.has_narrative,
    }


def aggregations(q, *, kept=True):
    """{facet: [{key, label, count}]}: counts per filter value under every other filter (as in ccdb5), so
    a facet shows what choosing another of its values would give. A facet whose query has no dates, no
    words and at most one filter is read from the counts each publication pass keeps (cube.py; `kept=False`
    counts it anyway). The rest are counted: on PostgreSQL in one scan for all the facets that share the
    same rows (GROUPING SETS), and, where those rows are too many to read within a page's time, estimated
    from a sample of them (each such bucket says `approximate`)."""
    from django.db import connection
    from django.db.models import Count

    from . import cube

    labels = Labels()
    out = {}
    if kept and not (q.must or q.must_not or q.received_min or q.received_max) and cube.counted():
        for name, (_column, most) in FACETS.items():
            found = cube.facet(name, {k: v for k, v in q.lists.items() if k != name}, most=most)
            if found is not None:
                out[name] = _complete(name, found)
    if connection.vendor == "postgresql":
        shared = [n for n in FACETS if n not in q.lists and n not in out]
        if shared:
            out.update(_facets_in_one_scan(complaints(q), shared, sample=kept))
        for name in FACETS:
            if name not in out:
                out.update(_facets_in_one_scan(complaints(q, skip=name), [name], sample=kept))
    for name, (column, most) in FACETS.items():
        if name in out:
            continue
        qs = complaints(q, skip=name)
        if name == "rated":
            rated = qs.filter(rating__isnull=False).count()
            out[name] = [{"key": "yes", "count": rated}, {"key": "no", "count": qs.count() - rated}]
            continue
        rows = qs.exclude(**{column: ""}) if name in _TEXT_FACETS else qs
        rows = rows.values(column).annotate(n=Count("id")).order_by("-n", column)[:most]
        out[name] = [{"key": _facet_key(name, r[column]), "count": r["n"]} for r in rows]
    for name, buckets in out.items():
        for b in buckets:
            b["label"] = _facet_label(name, b["key"], labels)
    return {name: out[name] for name in FACETS}


def known_total(q, aggs):
    """The query's exact count, when its counts per value hold it: the "rated" facet (yes + no) is counted
    over exactly the query's rows unless "rated" is itself filtered, and unless it was estimated."""
    buckets = (aggs or {}).get("rated")
    if not buckets or "rated" in q.lists or any(b.get("approximate") for b in buckets):
        return None
    return sum(b["count"] for b in buckets)


def _complete(name, buckets):
    """"rated" always lists yes and no, as the counted facet does."""
    if name != "rated":
        return buckets
    counts = {b["key"]: b["count"] for b in buckets}
    extra = {"approximate": True} if any(b.get("approximate") for b in buckets) else {}
    return [{"key": "yes", "count": counts.get("yes", 0), **extra}, {"key": "no", "count": counts.get("no", 0), **extra}]


_TEXT_FACETS = ("category", "issue", "company", "region", "channel", "outcome")
# Counting more rows than this reads most of the table's pages (a word in 250,000 complaints: 0.5 s per
# scan, docs/benchmarks.md); such counts are estimated from a sample of about SAMPLE_ROWS of them.
SAMPLE_ABOVE = 50_000
SAMPLE_ROWS = 10_000


def _facets_in_one_scan(qs, names, *, sample=True):
    """The facets `names` over the rows of `qs` (PublishedComplaint), in one pass (PostgreSQL). When the
    planner expects more than SAMPLE_ABOVE rows (and `sample`), the pass reads a random sample of the
    table's pages (TABLESAMPLE SYSTEM, the same sample for the same question) and scales its counts up."""
    import json

    from django.core.exceptions import EmptyResultSet, FullResultSet
    from django.db import connection

    compiler = qs.query.get_compiler(using=qs.db)
    try:
        where, params = compiler.compile(qs.query.where)
    except FullResultSet:
        where, params = "", []
    except EmptyResultSet:
        return {n: _complete(n, []) for n in names}
    where = f"WHERE {where}" if where else ""
    table, share = "disclosure_publishedcomplaint", None
    if sample:
        with connection.cursor() as cur:
            cur.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} {where}", params)
            plan = cur.fetchone()[0]
        expected = (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]["Plan Rows"]
        if expected > SAMPLE_ABOVE:
            share = max(0.01, min(100.0, 100.0 * SAMPLE_ROWS / expected))  # per cent of the pages
    source = f"{table} TABLESAMPLE SYSTEM ({share:.4f}) REPEATABLE (20231020)" if share else table
    exprs = {n: ("(rating IS NOT NULL)" if n == "rated" else f'"{FACETS[n][0]}"') for n in names}
    cols = ", ".join(f"GROUPING({e}) AS g{i}, {e} AS v{i}" for i, e in enumerate(exprs.values()))
    sets = ", ".join(f"({e})" for e in exprs.values())
    sql = f"SELECT {cols}, COUNT(*) FROM {source} {where} GROUP BY GROUPING SETS ({sets})"
    found = {n: [] for n in names}
    scale = 100.0 / share if share else 1
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for row in cur.fetchall():
            n_rows = round(row[-1] * scale)
            for i, name in enumerate(names):
                if row[2 * i] == 0:  # this row is grouped by this facet
                    value = row[2 * i + 1]
                    if name in _TEXT_FACETS and value == "":
                        break
                    key = ("yes" if value else "no") if name == "rated" else _facet_key(name, value)
                    found[name].append({"key": key, "count": n_rows, **({"approximate": True} if share else {})})
                    break
    for name in names:
        found[name].sort(key=lambda b: (-b["count"], str(b["key"])))
        found[name] = _complete(name, found[name]) if name == "rated" else found[name][:FACETS[name][1]]
    return found


def _facet_key(name, value):
    if name in ("timely", "has_narrative"):
        return "unknown" if value is None else ("yes" if value else "no")
    return value


def _facet_label(name, key, labels):
    from django.utils.translation import gettext as _

    if name in ("timely", "has_narrative", "rated"):
        return {"yes": _("yes"), "no": _("no"), "unknown": _("not known")}[key]
    return labels.of(name, key)


_LENS_COLUMN = {"category": "category", "issue": "issue", "company": "respondent", "region": "province"}


def trends(q, *, lens="overview", sub_lens="", interval="month", depth=5, kept=True):
    """Counts per interval of date received: overall, or for the `depth` largest values of a lens, each
    split by its `depth` largest sub-lens values. {"interval", "overview": [{date, count}], "lens": [...]}
    Where the query and lenses use only region, category, issue and dates, the periods the publication pass
    counted are added up (cube.trend_rows; `kept=False` counts the complaints anyway)."""
    from django.db.models import Count
    from django.db.models.functions import Trunc

    from . import cube

    live = (complaints(q), Trunc("received", interval), Count("id"))
    rolled = cube.trend_rows(q, interval) if kept and cube.counted() else None
    qs, period, measure = rolled or live
    series = [{"date": r["p"], "count": r["n"]} for r in
              qs.annotate(p=period).values("p").annotate(n=measure).order_by("p")]
    out = {"interval": interval, "lens": lens, "sub_lens": sub_lens, "overview": series, "buckets": []}
    if lens == "overview":
        return out
    if "company" in (lens, sub_lens):
        qs, period, measure = live
    labels = Labels()
    col = _LENS_COLUMN[lens]
    top = None
    if lens == "company" and kept and not (q.must or q.must_not or q.received_min or q.received_max) \
            and cube.counted():
        top = cube.facet("company", q.lists, most=depth)
        top = None if top is None else [{col: b["key"], "n": b["count"]} for b in top]
        keys = [t[col] for t in top or ()]
        if keys and sub_lens != "company" and set(keys) <= cube.kept_businesses():
            # these businesses' periods are kept too
            qs, period, measure = cube.trend_rows(q, interval, businesses=keys) or (qs, period, measure)
    if top is None:
        top = list(qs.exclude(**{col: ""}).values(col).annotate(n=measure).order_by("-n", col)[:depth])
    keys = [t[col] for t in top]
    per = {}
    for r in (qs.filter(**{col + "__in": keys}).annotate(p=period).values(col, "p").annotate(n=measure)
              .order_by("p")):
        per.setdefault(r[col], []).append({"date": r["p"], "count": r["n"]})
    name = "company" if lens == "company" else lens
    for t in top:
        out["buckets"].append({"key": t[col], "label": labels.of(name if name != "company" else "", t[col]),
                               "count": t["n"], "series": per.get(t[col], []), "sub": []})
    if sub_lens and keys:
        # Every bucket's sub-lens in two statements: the totals (to pick each bucket's largest), the series.
        scol = _LENS_COLUMN[sub_lens]
        sname = "" if sub_lens == "company" else sub_lens
        inner = qs.filter(**{col + "__in": keys}).exclude(**{scol: ""})
        totals = {}
        for r in inner.values(col, scol).annotate(n=measure).order_by("-n", scol):
            totals.setdefault(r[col], [])
            if len(totals[r[col]]) < depth:
                totals[r[col]].append(r)
        wanted = {(r[col], r[scol]) for rows in totals.values() for r in rows}
        sper = {}
        for r in (inner.filter(**{scol + "__in": {s for _k, s in wanted}}).annotate(p=period)
                  .values(col, scol, "p").annotate(n=measure).order_by("p")):
            if (r[col], r[scol]) in wanted:
                sper.setdefault((r[col], r[scol]), []).append({"date": r["p"], "count": r["n"]})
        for b in out["buckets"]:
            b["sub"] = [{"key": s[scol], "label": labels.of(sname, s[scol]), "count": s["n"],
                         "series": sper.get((b["key"], s[scol]), [])} for s in totals.get(b["key"], [])]
    return out


def export_rows(q, *, cap=None):
    """(rows matching, exact?, an iterator of at most `cap` (EXPORT_CAP) PublishedComplaint rows, newest
    first). Rows are counted up to the cap, so "exact" is False exactly when the cap cuts them."""
    cap = EXPORT_CAP if cap is None else cap
    qs = complaints(q)
    total, exact = _count(q, qs, upto=cap)
    if exact and total > cap:  # the whole database, counted by the pass
        exact = False
    return total, exact, qs.order_by("-received", "-id")[:cap].iterator(chunk_size=2000)


def generation():
    """Changes whenever the published rows may have: at each publication pass, and when one complaint is
    republished between passes (an account approved or withdrawn)."""
    from django.core.cache import cache

    from .models import PublicationRun

    run = PublicationRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").values_list(
        "id", flat=True).first()
    return f"{run}:{cache.get('disclosure:republished', 0)}"


def cached(kind, q, compute, *extra):
    """An answer (counts per value, a trend) kept until the published rows change: the same question
    asked again, on any web process sharing the cache, costs one cache read."""
    import hashlib

    from django.core.cache import cache
    from django.utils.translation import get_language

    raw = repr((kind, generation(), get_language(), q.params(), q.must, q.must_not, extra))
    key = "disclosure:" + hashlib.sha256(raw.encode()).hexdigest()
    hit = cache.get(key)
    if hit is None:
        hit = compute()
        cache.set(key, hit, 3600)
    return hit


def warm():
    """Compute and cache what the search page shows first (no filter), in each language."""
    from django.conf import settings
    from django.http import QueryDict
    from django.utils import translation

    from .query import parse

    q, _errors = parse(QueryDict(""))
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            cached("aggregations", q, lambda: aggregations(q))
            cached("trends", q, lambda: trends(q, lens="overview", interval="month", depth=5),
                   "overview", "", "month", 5)


def database_meta(*, now=None):
    """ccdb5's `_meta`: when the data last changed, how many complaints it holds, and whether publication
    has fallen behind (no finished pass within settings.OMBUD_PUBLIC_STALE_MINUTES)."""
    from django.conf import settings

    from .models import PublicationRun, PublishedComplaint

    last = PublicationRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").first()
    limit = dt.timedelta(minutes=getattr(settings, "OMBUD_PUBLIC_STALE_MINUTES", 60))
    now = now or timezone.now()
    return {
        "last_updated": last.finished_at if last else None,
        "total_record_count": last.total if last else PublishedComplaint.objects.count(),
        "is_data_stale": last is None or now - last.finished_at > limit,
        "rule_version": last.rule_version if last else None,
        "export_cap": EXPORT_CAP,
    }
