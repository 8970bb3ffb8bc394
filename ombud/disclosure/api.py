"""/api/v1/public/complaints: the open complaint database, for anyone, modelled on CFPB's ccdb5 API.

No sign-in. Each client (its API key when it sends one, else its address) is throttled; a refused call
gets 429 with Retry-After. Answers speak English whatever the browser's language; `?lang=zh-hans` gives
Chinese labels."""
import csv
import io

import orjson
from django.conf import settings
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone, translation
from ninja import Router
from ninja.errors import HttpError
from ninja.throttling import SimpleRateThrottle

from . import query as query_mod
from . import selectors

router = Router(tags=["public complaint database"])


class ClientThrottle(SimpleRateThrottle):
    """Per client: the API key's prefix when a bearer key is sent, else the caller's address. The rate is
    read from settings on each call, so an operator can change it without a release."""

    def __init__(self, scope, setting, default):
        self.scope, self.setting, self.default = scope, setting, default
        super().__init__(self.get_rate())

    def get_rate(self):
        return getattr(settings, self.setting, self.default)

    def allow_request(self, request):
        if not settings.OMBUD_RATE_LIMITS:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        scheme, _sp, token = request.headers.get("Authorization", "").partition(" ")
        from ombud.core.ratelimit import client_ip

        ident = "key:" + token.strip()[:12] if scheme.lower() == "bearer" and token.strip() else client_ip(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


SEARCH_THROTTLE = [ClientThrottle("public", "OMBUD_PUBLIC_RATE", "120/m")]
EXPORT_THROTTLE = [ClientThrottle("public-export", "OMBUD_PUBLIC_EXPORT_RATE", "10/m")]


def _language(request):
    lang = request.GET.get("lang", "en")
    return lang if lang in dict(settings.LANGUAGES) else "en"


def _bad(errors):
    body = {"detail": "the query has errors", "errors": [
        {"field": e["loc"][-1], "message": e["msg"], "type": e["type"]} for e in errors]}
    return JsonResponse(body, status=400)


def _query(request, *, size_default=25):
    q, errors = query_mod.parse(request.GET, size_default=size_default)
    return q, errors


FILTER_DOC = (
    "Filters (each list filter may repeat, and `not_<name>` negates it): date_received_min, date_received_max "
    "(YYYY-MM-DD; not_date_received=true negates the range), region (division code, its whole subtree), "
    "category, issue (taxonomy codes), company (exact name, or USCC), channel, outcome, timely, has_narrative, "
    "rated (yes/no). search_term: full text over accounts and responses, Chinese or English; a word with a "
    "leading minus is excluded.")


@router.get("/public/complaints", summary="Search published complaints, with counts per filter value",
            description=FILTER_DOC + " Paging: size (≤100), frm; sort: received_desc or received_asc; "
            "no_aggs=true skips the counts. `total` is exact whenever the counts per value hold it, otherwise up "
            "to 10,000 (`total_relation` eq), and beyond that 10,000 with `total_relation` gte, as in ccdb5. "
            "Counts per value over very many complaints may be estimated from a sample: each such bucket says "
            "`approximate: true`. Highlights mark the searched words with <mark>.",
            throttle=SEARCH_THROTTLE)
def search(request):
    with translation.override(_language(request)):
        q, errors = _query(request)
        if errors:
            return _bad(errors)
        aggs = None
        if (request.GET.get("no_aggs") or "").lower() not in query_mod.YES:
            aggs = selectors.cached("aggregations", q, lambda: selectors.aggregations(q))
        total, exact, hits = selectors.hits(q, total=selectors.known_total(q, aggs))  # counted once, not twice
        body = {"_meta": selectors.database_meta(), "total": total, "total_relation": "eq" if exact else "gte",
                "size": q.size, "frm": q.frm, "hits": hits}
        if aggs is not None:
            body["aggregations"] = aggs
        return body


@router.get("/public/complaints/trends", summary="Published complaints over time, by a lens",
            description=FILTER_DOC + " lens: overview, category, issue, company or region; sub_lens: another of "
            "them (see the error for the pairs); trend_interval: day, week, month, quarter or year; trend_depth: "
            "how many lens values (1–20, default 5).",
            throttle=SEARCH_THROTTLE)
def trends(request):
    with translation.override(_language(request)):
        q, errors = _query(request)
        lens, sub_lens, interval, depth, more = query_mod.parse_trends(request.GET)
        if errors or more:
            return _bad(errors + more)
        body = selectors.cached("trends", q, lambda: selectors.trends(
            q, lens=lens, sub_lens=sub_lens, interval=interval, depth=depth), lens, sub_lens, interval, depth)
        return {"_meta": selectors.database_meta(), **body}


# The column layout of CFPB's public export, so that tools written for that database read Ombud's.
CFPB_COLUMNS = ["Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
                "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
                "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
                "Consumer disputed?", "Complaint ID"]
OMBUD_COLUMNS = ["complaint_id", "date_received", "date_finished", "region", "region_name", "authority",
                 "category", "category_name", "issue", "issue_name", "company", "uscc", "channel", "outcome",
                 "timely", "rating", "narrative", "response"]


def _yes_no(value):
    return "" if value is None else ("Yes" if value else "No")


def _cfpb_row(r, labels):
    return [r.received.isoformat(), labels.of("category", r.category), "", labels.of("issue", r.issue), "",
            r.narrative, r.response, r.respondent, r.province, r.county, "",
            "Consent provided" if r.has_narrative else "N/A", labels.of("channel", r.channel),
            r.received.isoformat(), labels.of("outcome", r.outcome), _yes_no(r.timely), "N/A", str(r.id)]


def _ombud_row(r, labels):
    row = selectors.public_row(r, labels)
    return [row["complaint_id"], r.received.isoformat(), r.finished.isoformat(), row["region"], row["region_name"],
            r.authority, r.category, row["category_name"], r.issue, row["issue_name"], r.respondent, r.uscc,
            r.channel, r.outcome, _yes_no(r.timely), "" if r.rating is None else r.rating, r.narrative, r.response]


class _Line:
    def __init__(self):
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf)

    def __call__(self, row):
        self.writer.writerow(row)
        out = self.buf.getvalue()
        self.buf.seek(0)
        self.buf.truncate()
        return out


def _csv(rows, layout, language):
    with translation.override("en" if layout == "cfpb" else language):
        labels = selectors.Labels()
        line = _Line()
        if layout == "ombud":
            yield "\ufeff"  # so that a spreadsheet opens the Chinese text as UTF-8; CFPB's layout has none
        yield line(CFPB_COLUMNS if layout == "cfpb" else OMBUD_COLUMNS)
        build = _cfpb_row if layout == "cfpb" else _ombud_row
        for r in rows:
            yield line(build(r, labels))


def _json(rows, layout, language, meta):
    with translation.override("en" if layout == "cfpb" else language):
        labels = selectors.Labels()
        yield b'{"_meta":' + orjson.dumps(meta) + b',"rows":['
        first = True
        for r in rows:
            data = (dict(zip(CFPB_COLUMNS, _cfpb_row(r, labels))) if layout == "cfpb"
                    else selectors.public_row(r, labels))
            yield (b"" if first else b",") + orjson.dumps(data)
            first = False
        yield b"]}"


@router.get("/public/complaints/export", summary="Download published complaints as CSV or JSON (streamed)",
            description=FILTER_DOC + " format: csv (default) or json; layout: ombud (default) or cfpb (CFPB's "
            "column layout, which `ombud import` reads back). At most 100,000 rows per request, newest first: "
            "X-Total-Count says how many matched (\"100000+\" past the cap) and X-Export-Truncated whether the "
            "cap cut them.",
            throttle=EXPORT_THROTTLE)
def export(request):
    language = _language(request)
    with translation.override(language):
        q, errors = _query(request)
        fmt = request.GET.get("format", "csv")
        layout = request.GET.get("layout", "ombud")
        if fmt not in ("csv", "json"):
            errors.append({"loc": ["query", "format"], "type": "value_error", "msg": "format is csv or json"})
        if layout not in ("ombud", "cfpb"):
            errors.append({"loc": ["query", "layout"], "type": "value_error", "msg": "layout is ombud or cfpb"})
        if errors:
            return _bad(errors)
        total, exact, rows = selectors.export_rows(q)
    cap = selectors.EXPORT_CAP
    # rows are counted up to the cap: past it the answer says "more than the cap", not a slow exact count
    meta = {**selectors.database_meta(), "rows_matched": total, "rows_matched_relation": "eq" if exact else "gt",
            "rows_exported": min(total, cap), "truncated": not exact}
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        response = StreamingHttpResponse(_csv(rows, layout, language), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(_json(rows, layout, language, meta), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="ombud-complaints-{layout}-{stamp}.{fmt}"'
    response["X-Total-Count"] = str(total) if exact else f"{total}+"
    response["X-Export-Cap"] = str(cap)
    response["X-Export-Truncated"] = "false" if exact else "true"
    return response


@router.get("/public/complaints/{complaint_id}", summary="One published complaint", throttle=SEARCH_THROTTLE)
def one(request, complaint_id: int):
    from .models import PublishedComplaint

    with translation.override(_language(request)):
        row = PublishedComplaint.objects.filter(pk=complaint_id).first()
        if row is None:
            raise HttpError(404, f"no published complaint {complaint_id}")
        return {"_meta": selectors.database_meta(), **selectors.public_row(row, selectors.Labels())}
