#!/usr/bin/env python3
"""The public side at national size, each figure beside plain SQL on the same data in the same run.

The open complaint database (≥ 2,000,000 published complaints): its search API, trends and export; the
business page; the commitment registry (1,500,000 pledges); all in one PostgreSQL database.

    .venv/bin/python bench/public.py                     # build ombud_public (≈ 32 min on 2 cores), then measure
    .venv/bin/python bench/public.py --reuse             # measure the database an earlier run left behind
    .venv/bin/python bench/public.py --from-step publish # resume the build at a step
    .venv/bin/python bench/public.py --db ombud_public_small --scale 0.002 --entries 20000   # a quick run
    .venv/bin/python bench/public.py --reuse --only company,trends   # only the queries so labelled
    .venv/bin/python bench/public.py --reuse --explain "not category"  # each request's SQL, EXPLAIN ANALYZE

Build (skipped with --reuse), each step timed and kept in the database (table bench_public_setup):
  create      drop and create the database, migrate
  synth       `ombud synth --year 2023 --scale 0.14 --defer-indexes`: 42 % of a synth year's cases are closed
              or refused complaints, so 0.14 (4.95 M cases) gives ≈ 2.09 M publishable complaints
  narratives  a consenting, approved account for 30 % of them (INSERT … SELECT, one statement), built from the
              case's category and issue with varied wording and the scrubber's placeholders; consent set on
              their cases
  publish     `disclosure.services.publish_due(now=<the synth as-of>)`, once: the publication pass's cost
  registry    bench/registry.py's generator: 1,500,000 pledges (≈ 1.8 M shops) in the same database
  store       `ombud analytics refresh --full` (the business page reads its figures from the store)

Measure: warm, through Django's test Client in-process (the whole stack: middleware, parsing, selectors,
serialisation), p50/p95 in ms, parameters drawn with a fixed seed. Rate limits are turned off for the run
(OMBUD_RATE_LIMITS=0): the bench is one client asking thousands of times.
"""
import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import registry  # bench/registry.py: the pledge generator and the registry measurement)

SERVER = "postgresql://postgres@127.0.0.1:5432"
STEPS = ("create", "synth", "narratives", "publish", "registry", "store")
TARGETS = {"search": 100, "business": 100, "registry": 100, "trends": 300}
START = time.perf_counter()


def log(msg):
    print(f"[{time.perf_counter() - START:7.1f}s] {msg}", flush=True)


def pct(values, p):
    return registry.percentile(values, p)


# --------------------------------------------------------------------------- build

def sh(args, env):
    t0 = time.perf_counter()
    subprocess.run(args, check=True, env=env)
    return time.perf_counter() - t0


def create(url, db, env):
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {db}")
    return sh([str(ROOT / ".venv/bin/ombud"), "migrate", "--noinput", "-v0"], env), {}


def synth(scale, env):
    seconds = sh([str(ROOT / ".venv/bin/ombud"), "synth", "--year", "2023", "--scale", str(scale),
                  "--defer-indexes", "--no-progress"], env)
    from ombud.analytics.models import SynthRun

    run = SynthRun.objects.order_by("-id").first()
    return seconds, {"cases": run.written.get("cases"), "events": run.written.get("events"),
                     "index_seconds": run.written.get("index_seconds"), "as_of": run.as_of.isoformat()}


# Pieces of an account, picked per case by hashes of its id: ≈ 10^5 distinct texts before the category,
# the month and the case's own facts (synth's one-line summary of its issue) are added. Placeholders are the
# scrubber's (ombud/disclosure/scrub.py), as a published account shows them.
OPENINGS = ["我于{m}在该商家购买了{c}，", "本人{m}通过网购平台下单购买{c}，", "{m}在店内消费{c}时，",
            "我在{m}办理了{c}相关业务，", "今年{m}经朋友介绍购买{c}，", "{m}在直播间下单{c}，",
            "我于{m}与该公司签订{c}合同，", "本人{m}在门店预付了{c}费用，"]
DETAILS = ["收到后发现{f}。", "使用不到一周就出现{f}的情况。", "{f}，与宣传页面描述严重不符。",
           "{f}，客服一直推脱责任。", "多次联系客服[电话号码]，对方均称{f}不属于其责任。",
           "经检测确认{f}，商家拒不承认。", "{f}，门店店长[姓名]答应处理后便不再回复。",
           "订单[订单号]显示已发货，但{f}。", "{f}，维修三次仍未解决。", "{f}，商家以已过退货期为由拒绝处理。"]
EXTRAS = ["", "", "", "快递显示已签收但本人未收到。", "商家要求我自行承担运费。", "对方态度恶劣，挂断电话。",
          "我已保留聊天记录和付款凭证。", "商家称需要等待厂家答复，至今没有结果。", "家里老人因此身体不适。",
          "页面上的优惠承诺没有兑现。", "售后地址[详细地址]已搬迁，无法联系。", "多次投诉后商家只同意补偿优惠券。"]
REQUESTS = ["要求退款。", "要求全额退款并赔偿损失。", "希望商家退货退款。", "要求更换新品。", "请求依法处理。",
            "要求按七日无理由退货的规定退货。", "要求退一赔三。", "希望尽快退款，给个说法。", "要求商家道歉并赔偿。",
            "要求解除合同并退还剩余费用。"]
RARE = "购买的是一台黑胶唱片机，"  # one account in 5,000: the rare word's hits


def _arr(items):
    return "ARRAY[" + ", ".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def _pick(items, salt):
    return f"({_arr(items)})[1 + abs(hashint8(c.id + {salt})) %% {len(items)}]"


def narratives(share):
    """Approved accounts for `share` of the publishable complaints, in one INSERT … SELECT."""
    from django.db import connection

    t0 = time.perf_counter()
    text = (f"replace({_pick(OPENINGS, 11)}, '{{m}}', to_char(c.received_at AT TIME ZONE 'Asia/Shanghai', "
            f"'FMMM月FMDD日')) "
            f"|| CASE WHEN abs(hashint8(c.id + 17)) %% 5000 = 0 THEN '{RARE}' ELSE '' END "
            f"|| replace({_pick(DETAILS, 23)}, '{{f}}', coalesce(nullif(c.facts, ''), '商品有问题')) "
            f"|| {_pick(EXTRAS, 31)} || {_pick(REQUESTS, 37)}")
    text = f"replace({text}, '{{c}}', coalesce(t.name_zh, '商品'))"
    with connection.cursor() as cur:
        cur.execute(f"""
            INSERT INTO disclosure_narrative (case_id, status, scrubbed, removed, text, queued_at, reviewed_at)
            SELECT c.id, 'approved', x.text, '[]'::jsonb, x.text, c.closed_at, c.closed_at + interval '1 day'
            FROM cases_case c LEFT JOIN taxonomy_term t ON t.scheme = 'category' AND t.code = c.category
            CROSS JOIN LATERAL (SELECT {text} AS text) x
            WHERE c.kind = 'complaint' AND c.status IN ('closed', 'refused') AND c.closed_at IS NOT NULL
              AND abs(hashint8(c.id)) %% 1000 < %s""", [round(share * 1000)])
        inserted = cur.rowcount
        insert_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        cur.execute("UPDATE cases_case c SET consent_disclosure = true FROM disclosure_narrative n "
                    "WHERE n.case_id = c.id")
        consent_s = time.perf_counter() - t1
    with connection.cursor() as cur:
        t1 = time.perf_counter()
        cur.execute("VACUUM ANALYZE cases_case")
        cur.execute("VACUUM ANALYZE disclosure_narrative")
        vacuum_s = time.perf_counter() - t1
    return time.perf_counter() - t0, {"narratives": inserted, "insert_s": round(insert_s, 1),
                                      "consent_update_s": round(consent_s, 1), "vacuum_s": round(vacuum_s, 1)}


def publish(as_of):
    from django.db import connection

    from ombud.disclosure.models import PublishedComplaint
    from ombud.disclosure.services import publish_due

    last = [time.perf_counter()]

    def progress(done, total):
        if time.perf_counter() - last[0] > 60:
            last[0] = time.perf_counter()
            log(f"  published {done:,} of {total:,} ({done / (time.perf_counter() - t0):,.0f} rows/s)")

    t0 = time.perf_counter()
    run = publish_due(now=as_of, progress=progress)
    seconds = time.perf_counter() - t0
    with connection.cursor() as cur:
        t1 = time.perf_counter()
        cur.execute("VACUUM ANALYZE disclosure_publishedcomplaint")
        vacuum_s = time.perf_counter() - t1
    n = PublishedComplaint.objects.count()
    return seconds, {"added": run.added, "total": n, "rows_per_s": round(run.added / seconds),
                     "with_account": PublishedComplaint.objects.filter(has_narrative=True).count(),
                     "vacuum_analyze_s": round(vacuum_s, 1),
                     "counting_s": round(run.counting_seconds or 0, 1)}  # the counts kept per value, in the pass


def fill_registry(entries):
    from django.db import connection

    t0 = time.perf_counter()
    registry.fill(entries)
    connection.close()  # registry.fill leaves its raw connection out of autocommit
    from ombud.commitments.models import Commitment, Shop

    return time.perf_counter() - t0, {"pledges": Commitment.objects.count(), "shops": Shop.objects.count()}


def store(env):
    seconds = sh([str(ROOT / ".venv/bin/ombud"), "analytics", "refresh", "--full"], env)
    root = Path(env["OMBUD_DATA_DIR"]) / "analytics"
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return seconds, {"store_bytes": size}


def record(step, seconds, detail):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_public_setup (step text PRIMARY KEY, seconds float, "
                    "detail jsonb, at timestamptz DEFAULT now())")
        cur.execute("INSERT INTO bench_public_setup (step, seconds, detail) VALUES (%s, %s, %s) ON CONFLICT (step) "
                    "DO UPDATE SET seconds = excluded.seconds, detail = excluded.detail, at = now()",
                    [step, seconds, json.dumps(detail)])
    log(f"step {step}: {seconds:,.1f} s {detail}")


def setup_log():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_public_setup')")
        if cur.fetchone()[0] is None:
            return []
        cur.execute("SELECT step, seconds, detail FROM bench_public_setup")
        rows = {s: (sec, d) for s, sec, d in cur.fetchall()}
    return [(s, *rows[s]) for s in STEPS if s in rows]


def as_of_moment():
    from ombud.analytics.models import SynthRun

    return SynthRun.objects.order_by("-id").values_list("as_of", flat=True).first()


# --------------------------------------------------------------------------- measure

def _sql(sql, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def timed(fn, args, budget):
    """ms per call of fn(a) for a in args, stopping once `budget` seconds are spent (at least 5 calls)."""
    out, t_start = [], time.perf_counter()
    for i, a in enumerate(args):
        t0 = time.perf_counter()
        fn(a)
        out.append((time.perf_counter() - t0) * 1000)
        if i >= 4 and time.perf_counter() - t_start > budget:
            break
    return out


COLD = {"on": True}  # the cached counts and trends are cleared before each request unless --cached


def get(client, path, params):
    if COLD["on"]:
        from django.core.cache import cache

        cache.clear()  # every request computes its answer (the first visitor's cost), not a cache read
    r = client.get(path, params)
    if r.status_code != 200:
        raise RuntimeError(f"{path} {params}: {r.status_code} {r.content[:300]!r}")
    return r


COLUMNS = ("id, received, finished, province, prefecture, county, authority, category, issue, respondent_id, "
           "respondent, uscc, channel, outcome, timely, rating, narrative, response, has_narrative")


def _where(params):
    """The same filters as plain SQL on disclosure_publishedcomplaint (only those this bench uses)."""
    from ombud.disclosure.search import parse_terms
    from ombud.regions.services import path_of

    conds, args = [], []
    for name, value in params.items():
        if name == "region":
            path = path_of(value)
            conds.append({2: "province", 4: "prefecture", 6: "county"}[len(path)] + " = %s")
            args.append(path)
        elif name in ("category", "not_category"):
            conds.append(("NOT " if name.startswith("not_") else "") + "category = %s")
            args.append(value)
        elif name == "company":
            conds.append("respondent = %s")
            args.append(value)
        elif name == "search_term":
            must, _not = parse_terms(value)
            conds.append("search_vector @@ to_tsquery('simple', %s)")
            args.append(" & ".join(must))
        elif name != "no_aggs":
            raise ValueError(name)
    return (" WHERE " + " AND ".join(conds)) if conds else "", args


def plain_search(params):
    where, args = _where(params)
    _sql(f"SELECT {COLUMNS} FROM disclosure_publishedcomplaint{where} ORDER BY received DESC, id DESC LIMIT 25",
         args)
    return _sql(f"SELECT count(*) FROM disclosure_publishedcomplaint{where}", args)[0][0]


class Data:
    """What the parameters are drawn from."""

    def __init__(self, rng):
        from ombud.regions.models import Region
        from ombud.taxonomy.models import Term

        self.rng = rng
        self.categories = sorted(Term.objects.filter(scheme="category").values_list("code", flat=True))
        held = {p for (p,) in _sql("SELECT DISTINCT province FROM disclosure_publishedcomplaint")}
        self.provinces = sorted(c for c, p in Region.objects.filter(level=1).values_list("code", "path") if p in held)
        busy = _sql("SELECT respondent, respondent_id, count(*) FROM disclosure_publishedcomplaint WHERE "
                    "respondent <> '' GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20")
        self.busy = [(name, pk, n) for name, pk, n in busy]
        quiet = _sql("SELECT respondent_id, count(*) FROM (SELECT respondent_id FROM disclosure_publishedcomplaint "
                     "WHERE respondent_id IS NOT NULL AND id % 97 = 0 LIMIT 20000) s GROUP BY 1")
        counts = dict(_sql("SELECT respondent_id, count(*) FROM disclosure_publishedcomplaint WHERE respondent_id "
                           "= ANY(%s) GROUP BY 1", [[pk for pk, _n in quiet]]))
        self.quiet = [(pk, n) for pk, n in sorted(counts.items()) if n <= 3][:200]
        rng.shuffle(self.quiet)
        self.quiet = self.quiet[:20]

    def cat(self):
        return self.rng.choice(self.categories)

    def prov(self):
        return self.rng.choice(self.provinces)


COMMON, RARE_WORD = "退款", "黑胶"


def search_kinds(d):
    return [
        ("no filter", dict),
        ("category", lambda: {"category": d.cat()}),
        ("province + category", lambda: {"region": d.prov(), "category": d.cat()}),
        ("not category", lambda: {"not_category": d.cat()}),
        ("company (busy)", lambda: {"company": d.rng.choice(d.busy)[0]}),
        (f"text: {COMMON} (common)", lambda: {"search_term": COMMON}),
        (f"text: {RARE_WORD} (rare)", lambda: {"search_term": RARE_WORD}),
        (f"text {COMMON} + category", lambda: {"search_term": COMMON, "category": d.cat()}),
    ]


TZ = "'Asia/Shanghai'"


def trend_kinds(d, window):
    """(label, API params, the plain SQL on cases_case: a list of (sql, params) run one after the other)."""
    after, upto = window
    base = ("FROM cases_case c WHERE c.kind = 'complaint' AND c.status IN ('closed', 'refused') "
            "AND c.closed_at > %s AND c.closed_at <= %s")
    w = [after, upto]

    def period(unit):
        return f"date_trunc('{unit}', c.received_at AT TIME ZONE {TZ})"

    def overview():
        return {"lens": "overview", "trend_interval": "month"}, [
            (f"SELECT {period('month')}, count(*) {base} GROUP BY 1", w)]

    def category():
        return {"lens": "category", "trend_interval": "month"}, [
            (f"SELECT {period('month')}, count(*) {base} GROUP BY 1", w),
            (f"SELECT c.category, {period('month')}, count(*) {base} GROUP BY 1, 2", w)]

    def company():
        top = (f"SELECT c.respondent_id {base} AND c.respondent_id IS NOT NULL GROUP BY 1 "
               "ORDER BY count(*) DESC LIMIT 5")
        return {"lens": "company", "sub_lens": "issue", "trend_interval": "quarter"}, [
            (f"SELECT {period('quarter')}, count(*) {base} GROUP BY 1", w),
            ((f"SELECT b.name, x.* FROM (SELECT c.respondent_id, {period('quarter')} AS p, count(*) {base} "
              f"AND c.respondent_id IN ({top}) GROUP BY 1, 2) x JOIN businesses_business b ON b.id = x.respondent_id"),
             w + w),
            ((f"SELECT c.respondent_id, c.issue_type, {period('quarter')}, count(*) {base} "
              f"AND c.respondent_id IN ({top}) GROUP BY 1, 2, 3"), w + w)]

    def region_issue():
        code = d.prov()
        from ombud.regions.services import path_of

        join = base.replace("FROM cases_case c", "FROM cases_case c JOIN regions_authority a ON a.id = c.authority_id")
        region = " AND a.path LIKE %s"
        return {"lens": "issue", "trend_interval": "week", "region": code}, [
            (f"SELECT {period('week')}, count(*) {join}{region} GROUP BY 1", w + [path_of(code) + "%"]),
            (f"SELECT c.issue_type, {period('week')}, count(*) {join}{region} GROUP BY 1, 2",
             w + [path_of(code) + "%"])]

    return [("overview by month", overview), ("category by month", category),
            ("company × issue by quarter", company), ("province + issue by week", region_issue)]


def plain_business(pk, start, end):
    """The business page's figures as a plain GROUP BY over cases_case, this period and the one before."""
    tz = dt.timezone(dt.timedelta(hours=8))
    days = (end - start).days + 1
    for s, e in ((start, end), (start - dt.timedelta(days=days), start - dt.timedelta(days=1))):
        _sql("SELECT c.status, c.outcome, c.odr_lane, c.verdict_resolved, count(*), count(c.rating_business) "
             "FILTER (WHERE c.rating_business > 0), count(*) FILTER (WHERE c.rating_business >= 4) FROM cases_case c "
             "WHERE c.respondent_id = %s AND c.kind = 'complaint' AND c.received_at >= %s AND c.received_at < %s "
             "GROUP BY 1, 2, 3, 4",
             [pk, dt.datetime.combine(s, dt.time.min, tz), dt.datetime.combine(e + dt.timedelta(days=1), dt.time.min,
                                                                              tz)])


def estimate_errors(words):
    """How far the counts per value estimated from a sample are from counting every matching row: for each
    search, the relative error of every bucket the estimate lists, and how often the top five differ."""
    import statistics

    from django.http import QueryDict

    from ombud.disclosure import query, selectors

    for words_ in words:
        q, _ = query.parse(QueryDict(urlencode({"search_term": words_})))
        estimated = selectors.aggregations(q)
        exact = selectors._facets_in_one_scan(selectors.complaints(q), list(selectors.FACETS), sample=False)
        errors, large, order = [], [], 0
        for name in selectors.FACETS:
            truth = {b["key"]: b["count"] for b in exact[name]}
            for b in estimated[name]:
                if truth.get(b["key"]):
                    errors.append(abs(b["count"] - truth[b["key"]]) / truth[b["key"]])
                    if truth[b["key"]] >= 5000:
                        large.append(errors[-1])
            order += [b["key"] for b in exact[name]][:5] != [b["key"] for b in estimated[name]][:5]
        flagged = all(b.get("approximate") for bs in estimated.values() for b in bs)
        errors.sort()
        log(f"  estimates for {words_!r}: marked approximate {flagged}; {len(errors)} buckets, relative error "
            f"median {100 * statistics.median(errors):.1f} %, p90 {100 * errors[int(0.9 * len(errors))]:.1f} %, "
            f"max {100 * errors[-1]:.1f} %; buckets of 5,000 or more: max "
            f"{100 * max(large, default=0):.1f} %; top five in another order in {order} of {len(selectors.FACETS)} facets")


def measure(args, as_of):
    from django.test import Client

    from ombud.disclosure import services

    rng = random.Random(args.seed)
    d = Data(rng)
    client = Client()
    rows = []  # (group, label, api ms list, reference ms list, note)
    api = "/api/v1/public/complaints"
    n, budget = args.n, args.budget

    log(f"search: {len(d.categories)} categories, {len(d.provinces)} provinces, busiest company "
        f"{d.busy[0][0]} ({d.busy[0][2]:,} complaints)")
    only = [w.strip() for w in (args.only or "").split(",") if w.strip()]

    def wanted(label):
        return not only or any(w in label for w in only)

    for label, make in search_kinds(d):
        if not wanted(label):
            continue
        params = [make() for _ in range(n)]
        for p in params[:2]:
            get(client, api, p)
            plain_search(p)
        matched = [plain_search(p) for p in params[:5]]
        for aggs in (True, False):
            ps = params if aggs else [{**p, "no_aggs": "true"} for p in params]
            t = timed(lambda p: get(client, api, p), ps, budget)
            ref = timed(plain_search, params[:len(t)], budget)
            rows.append(("search", f"{label}{'' if aggs else ', no_aggs'}", t, ref,
                         f"{sum(matched) / len(matched):,.0f} match"))
            log(f"  {rows[-1][1]}: p50 {pct(t, 50):,.1f} p95 {pct(t, 95):,.1f} (ref {pct(ref, 50):,.1f}) "
                f"n={len(t)}")

    window = services._window(services.selectors.current_rule(), as_of)
    for label, make in trend_kinds(d, window):
        if not wanted(f"trends {label}"):
            continue
        made = [make() for _ in range(n)]
        for p, sqls in made[:2]:
            get(client, api + "/trends", p)
            for sql, a in sqls:
                _sql(sql, a)
        t = timed(lambda m: get(client, api + "/trends", m[0]), made, budget)
        ref = timed(lambda m: [_sql(sql, a) for sql, a in m[1]], made[:len(t)], budget)
        rows.append(("trends", label, t, ref, ""))
        log(f"  trends {label}: p50 {pct(t, 50):,.1f} p95 {pct(t, 95):,.1f} (ref {pct(ref, 50):,.1f}) n={len(t)}")

    start, end = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
    for label, pks in (("busy", [pk for _name, pk, _n in d.busy]), ("quiet", [pk for pk, _n in d.quiet])):
        if not wanted(f"business page, {label}"):
            continue
        picks = [rng.choice(pks) for _ in range(n)]
        for pk in picks[:2]:
            get(client, f"/businesses/{pk}/", {"from": start.isoformat(), "to": end.isoformat()})
            plain_business(pk, start, end)
        t = timed(lambda pk: get(client, f"/businesses/{pk}/", {"from": start.isoformat(), "to": end.isoformat()}),
                  picks, budget)
        ref = timed(lambda pk: plain_business(pk, start, end), picks[:len(t)], budget)
        sizes = _sql("SELECT count(*) FROM cases_case WHERE respondent_id = ANY(%s) AND kind = 'complaint'",
                     [list(set(picks[:len(t)]))])[0][0] / len(set(picks[:len(t)]))
        rows.append(("business", f"business page, {label}", t, ref, f"{sizes:,.0f} complaints/business"))
        log(f"  business {label}: p50 {pct(t, 50):,.1f} p95 {pct(t, 95):,.1f} (ref {pct(ref, 50):,.1f})")

    if wanted("estimates"):
        estimate_errors([COMMON, f"{COMMON} -快递", "商家"])

    if wanted("registry"):
        log("registry (bench/registry.py's measurement, page through Django beside its naive SQL)")
        for label, _search, page, _noindex, naive, found in registry.measure(args.registry_n):
            rows.append(("registry", f"registry: {label}", page, naive, f"{found:.1f} rows shown"))

    export = export_figures(client, args.export_runs) if wanted("export") else None
    return rows, export, d


def export_figures(client, runs):
    """(ttfb ms, total ms, bytes) of the CSV export of the newest 100,000 rows through the API, and of COPY
    of the same rows as CSV straight from PostgreSQL."""
    from django.db import connection

    api, ref = [], []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        r = client.get("/api/v1/public/complaints/export", {"format": "csv"})
        it = iter(r.streaming_content)
        first = next(it)
        ttfb = time.perf_counter() - t0
        size = len(first) + sum(len(c) for c in it)
        total = time.perf_counter() - t0
        lines = int(r["X-Total-Count"].rstrip("+"))
        if i:
            api.append((ttfb * 1000, total * 1000, size))
        with connection.cursor() as cur:
            t0 = time.perf_counter()
            with cur.connection.cursor().copy(
                    f"COPY (SELECT {COLUMNS} FROM disclosure_publishedcomplaint ORDER BY received DESC, id DESC "
                    "LIMIT 100000) TO STDOUT (FORMAT csv)") as copy:
                size_ref, first_at = 0, None
                for block in copy:
                    if first_at is None:
                        first_at = time.perf_counter() - t0
                    size_ref += len(block)
            if i:
                ref.append((first_at * 1000, (time.perf_counter() - t0) * 1000, size_ref))
    log(f"export: {lines:,} matched; api ttfb {pct([a[0] for a in api], 50):,.0f} total "
        f"{pct([a[1] for a in api], 50):,.0f} ms; COPY ttfb {pct([a[0] for a in ref], 50):,.0f} total "
        f"{pct([a[1] for a in ref], 50):,.0f} ms")
    return api, ref, lines


# --------------------------------------------------------------------------- profile

def explain(args, as_of, top=3):
    """Each API request's SQL statements with their times (the request's share spent in PostgreSQL), and
    EXPLAIN (ANALYZE, BUFFERS) of its slowest ones: where the time goes when a figure is off target."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(args.seed)
    d = Data(rng)
    client = Client()
    api = "/api/v1/public/complaints"
    cases = [(f"search: {label}", api, make()) for label, make in search_kinds(d)]
    cases += [(f"trends: {label}", api + "/trends", make()[0]) for label, make in trend_kinds(d, (as_of, as_of))]
    busy = d.busy[0][1]
    cases += [("business page, busy", f"/businesses/{busy}/", {"from": "2023-01-01", "to": "2023-12-31"})]
    only = [w.strip() for w in (args.explain or "").split(",") if w.strip() and w.strip() != "all"]
    for label, path, params in cases:
        if only and not any(o in label for o in only):
            continue
        get(client, path, params)  # warm
        with CaptureQueriesContext(connection) as q:
            t0 = time.perf_counter()
            get(client, path, params)
            total = (time.perf_counter() - t0) * 1000
        queries = [(float(x["time"]) * 1000, x["sql"]) for x in q.captured_queries]
        in_db = sum(t for t, _ in queries)
        print(f"\n## {label} {params}: {total:,.0f} ms, {len(queries)} statements, {in_db:,.0f} ms in them")
        for ms_, sql in sorted(queries, reverse=True)[:top]:
            print(f"\n{ms_:,.1f} ms: {sql[:600]}")
            if ms_ > 20 and sql.lstrip().upper().startswith("SELECT"):
                for (line,) in _sql("EXPLAIN (ANALYZE, BUFFERS) " + sql):
                    print("    " + line)


# --------------------------------------------------------------------------- report

def sizes():
    tables = ("cases_case", "cases_caseevent", "workflow_casedeadline", "businesses_business", "disclosure_narrative",
              "disclosure_publishedcomplaint", "commitments_commitment", "commitments_shop")
    out = {"database": _sql("SELECT pg_database_size(current_database())")[0][0]}
    for t in tables:
        total, heap, rows = _sql("SELECT pg_total_relation_size(%s::regclass), pg_relation_size(%s::regclass), "
                                 "reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [t, t, t])[0]
        out[t] = (total, heap, rows)
    out["pub_search"] = _sql("SELECT pg_relation_size('pub_search_vector')")[0][0]
    for t in ("disclosure_facetcount", "disclosure_trendcount"):
        out[t] = _sql(f"SELECT pg_total_relation_size('{t}')")[0][0]
    return out


def machine():
    settings = dict(_sql("SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                         "('shared_buffers', 'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather', "
                         "'jit', 'random_page_cost')"))
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    version = _sql("SHOW server_version")[0][0]
    return (f"{os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, PostgreSQL {version} "
            f"(" + ", ".join(f"{k} {v}" for k, v in sorted(settings.items())) + ")")


def gb(b):
    return f"{b / 1e9:,.2f} GB" if b >= 1e8 else f"{b / 1e6:,.1f} MB"


def export_row(export):
    api, ref, matched = export
    print(f"| export | CSV, newest 100,000 of {matched:,} | TTFB {pct([a[0] for a in api], 50):,.0f} / total "
          f"{pct([a[1] for a in api], 50):,.0f} | TTFB {pct([a[0] for a in api], 95):,.0f} / total "
          f"{pct([a[1] for a in api], 95):,.0f} | – | – | COPY: TTFB {pct([r[0] for r in ref], 50):,.0f} / total "
          f"{pct([r[1] for r in ref], 50):,.0f} | TTFB {pct([r[0] for r in ref], 95):,.0f} / total "
          f"{pct([r[1] for r in ref], 95):,.0f} | "
          f"{pct([a[1] for a in api], 50) / pct([r[1] for r in ref], 50):,.1f}× | {len(api)} | "
          f"{api[0][2] / 1e6:,.1f} MB (COPY {ref[0][2] / 1e6:,.1f} MB) |")


def report(rows, export, setup, args):
    print(f"\n# Public side at national size: {args.db}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"\nMachine: {machine()}")
    s = sizes()
    print(f"\nDatabase {gb(s['database'])}; tables (with indexes / heap / rows):")
    for t, v in s.items():
        if isinstance(v, tuple):
            print(f"  {t:<32} {gb(v[0]):>10} / {gb(v[1]):>10} / {v[2]:>12,}")
    print(f"  {'(pub_search_vector GIN index)':<32} {gb(s['pub_search']):>10}")
    for t in ("disclosure_facetcount", "disclosure_trendcount"):
        print(f"  {t + ' (kept counts)':<32} {gb(s[t]):>10}")
    store_dir = Path(os.environ["OMBUD_DATA_DIR"]) / "analytics"
    if store_dir.exists():
        print(f"  analytics store: {gb(sum(p.stat().st_size for p in store_dir.rglob('*') if p.is_file()))}")
    if setup:
        print("\nSetup steps:")
        for step, seconds, detail in setup:
            detail = json.loads(detail) if isinstance(detail, str) else detail
            print(f"  {step:<11} {seconds:>8,.1f} s  {json.dumps(detail, ensure_ascii=False)}")
    print("\n| group | query | API p50 | API p95 | target | within | reference p50 | reference p95 | ratio | n | note |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for group, label, t, ref, note in rows:
        target = TARGETS[group]
        ok = "yes" if pct(t, 95) <= target else "**no**"
        print(f"| {group} | {label} | {pct(t, 50):,.1f} | {pct(t, 95):,.1f} | ≤ {target} | {ok} | "
              f"{pct(ref, 50):,.1f} | {pct(ref, 95):,.1f} | {pct(t, 50) / max(pct(ref, 50), 1e-6):,.1f}× | "
              f"{len(t)} | {note} |")
    if export is not None:
        export_row(export)
    print("\nms, warm. API = GET through Django's test Client (the whole stack). Reference, same data, same run: "
          "search = the page's rows (LIMIT 25) + count(*) on disclosure_publishedcomplaint with the same filters; "
          "trends = GROUP BY date_trunc over cases_case filtered to publishable complaints (what one writes without "
          "the published table); business = GROUP BY over cases_case for the business, both periods the page shows; "
          "registry = bench/registry.py's naive SQL; export = COPY … TO STDOUT (FORMAT csv) of the same rows. "
          "Ratio = API p50 ÷ reference p50.")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--db", default="ombud_public")
    p.add_argument("--data-dir", default=str(ROOT.parent / "ombud_public_data"),
                   help="OMBUD_DATA_DIR: the analytics store (and the file cache)")
    p.add_argument("--scale", type=float, default=0.14, help="of the 2023 year (0.14: ≈ 2.09 M published)")
    p.add_argument("--narrative-share", type=float, default=0.3)
    p.add_argument("--entries", type=int, default=1_500_000, help="registry pledges")
    p.add_argument("--reuse", action="store_true", help="measure the database an earlier run left behind")
    p.add_argument("--cached", action="store_true",
                   help="keep the answer cache between requests (repeat visitors' cost); default: cleared each time")
    p.add_argument("--from-step", choices=STEPS, help="resume the build at this step")
    p.add_argument("--setup-only", action="store_true")
    p.add_argument("-n", type=int, default=60, help="requests of each kind (fewer if --budget runs out)")
    p.add_argument("--budget", type=float, default=45, help="seconds at most per kind and side (≥ 5 runs)")
    p.add_argument("--registry-n", type=int, default=100)
    p.add_argument("--export-runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=10)
    p.add_argument("--only", metavar="WORDS",
                   help="measure only the queries whose label holds one of these comma-separated words")
    p.add_argument("--explain", nargs="?", const="all", metavar="WORDS",
                   help="instead of measuring, show each request's SQL and EXPLAIN ANALYZE of the slowest (only "
                        "the requests whose label holds one of these comma-separated words)")
    args = p.parse_args()
    COLD["on"] = not args.cached

    url = f"{SERVER}/{args.db}"
    os.environ.update({"DATABASE_URL": url, "OMBUD_DATA_DIR": args.data_dir, "OMBUD_RATE_LIMITS": "0",
                       "DJANGO_SETTINGS_MODULE": "ombud.settings"})
    registry.URL, registry.DB = url, args.db
    env = dict(os.environ)
    sys.path.insert(0, str(ROOT))
    steps = () if args.reuse else STEPS[STEPS.index(args.from_step or "create"):]
    if "create" in steps:
        log(f"create {args.db}, migrate")
        seconds, detail = create(url, args.db, env)
    import django

    django.setup()
    if "create" in steps:
        record("create", seconds, detail)
    for step in steps[1:] if "create" in steps else steps:
        log(f"step {step}")
        if step == "synth":
            seconds, detail = synth(args.scale, env)
        elif step == "narratives":
            seconds, detail = narratives(args.narrative_share)
        elif step == "publish":
            seconds, detail = publish(as_of_moment())
            if detail["total"] < 2_000_000:
                log(f"WARNING: only {detail['total']:,} published complaints (< 2,000,000): raise --scale")
        elif step == "registry":
            seconds, detail = fill_registry(args.entries)
        else:
            seconds, detail = store(env)
        record(step, seconds, detail)
    if args.setup_only:
        return
    if args.explain:
        explain(args, as_of_moment())
        return
    rows, export, _d = measure(args, as_of_moment())
    report(rows, export, setup_log(), args)


if __name__ == "__main__":
    main()
