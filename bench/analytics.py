#!/usr/bin/env python
"""National analytics, measured: the generated year's load, the store's size and refresh lag, and every
dashboard query at nation, province and county level, cold and warm, beside the same figure computed as
a plain GROUP BY over the case table in the same run.

Run against a database that holds a generated year and whose store is built:
    DATABASE_URL=postgres://…/ombud_national OMBUD_DATA_DIR=… python bench/analytics.py --year 2023
(`ombud synth --year 2023 --defer-indexes` then `ombud analytics refresh --full` make one.)
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombud.settings")
django.setup()

from django.db import connection

from ombud.analytics import dashboard, selectors, store
from ombud.analytics.models import SynthRun


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def ms(seconds):
    return f"{seconds * 1000:,.1f}"


QUERIES = {
    "totals by kind": lambda w: selectors.totals_by_kind(**w),
    "volume by month": lambda w: selectors.series(**w, interval="month"),
    "volume by day": lambda w: selectors.series(**w, interval="day"),
    "by lower region": lambda w: selectors.by_child_region(**w),
    "by category": lambda w: selectors.mix(**w, by="category"),
    "by issue": lambda w: selectors.mix(**w, by="issue"),
    "top respondents": lambda w: selectors.top_respondents(**w, limit=10),
    "outcomes (money, timeliness, ODR)": lambda w: selectors.outcomes(**w),
    "satisfaction": lambda w: selectors.satisfaction(**w),
    "channels": lambda w: selectors.channels(**w),
}
# The same figures from the case table, as an application without the store would ask for them.
PLAIN = {
    "totals by kind": "SELECT c.kind, COUNT(*) FROM cases_case c JOIN regions_authority a ON a.id = c.authority_id "
                      "WHERE c.received_at >= %s AND c.received_at < %s AND a.path LIKE %s GROUP BY c.kind",
    "volume by month": "SELECT date_trunc('month', c.received_at AT TIME ZONE 'Asia/Shanghai'), c.kind, COUNT(*) "
                       "FROM cases_case c JOIN regions_authority a ON a.id = c.authority_id WHERE c.received_at >= %s "
                       "AND c.received_at < %s AND a.path LIKE %s GROUP BY 1, 2",
    "by issue": "SELECT c.issue_type, COUNT(*) FROM cases_case c JOIN regions_authority a ON a.id = c.authority_id "
                "WHERE c.received_at >= %s AND c.received_at < %s AND a.path LIKE %s GROUP BY 1",
    "top respondents": "SELECT c.respondent_id, COUNT(*) FROM cases_case c JOIN regions_authority a ON "
                       "a.id = c.authority_id WHERE c.received_at >= %s AND c.received_at < %s AND a.path LIKE %s "
                       "AND c.respondent_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 10",
    "outcomes (money, timeliness, ODR)": "SELECT SUM(c.amount_recovered), COUNT(*) FILTER (WHERE c.odr_lane), "
                       "COUNT(*) FROM cases_case c JOIN regions_authority a ON a.id = c.authority_id WHERE "
                       "c.kind = 'complaint' AND c.received_at >= %s AND c.received_at < %s AND a.path LIKE %s",
}


def fresh_connection():
    selectors._con = None  # a new DuckDB connection: no cached file metadata or buffers


def measure(fn, runs, cold):
    times = []
    for _ in range(runs):
        if cold:
            fresh_connection()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--province", default="330000")
    parser.add_argument("--county", default="330106")
    parser.add_argument("--runs", type=int, default=20, help="warm runs per query")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--plain-runs", type=int, default=3)
    parser.add_argument("--skip-refresh", action="store_true", help="do not measure the refresh lag")
    parser.add_argument("--recent-only", action="store_true",
                        help="measure the lag for recent cases only (the spread case rewrites every month)")
    args = parser.parse_args()
    start, end = dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    vendor = connection.vendor
    print(f"# National analytics bench: {vendor}, year {args.year}, {dt.datetime.now():%Y-%m-%d %H:%M}\n")

    run = SynthRun.objects.filter(year=args.year).order_by("-cases").first()
    if run:
        w = run.written
        rows = w.get("cases", 0) + w.get("events", 0) + w.get("clocks", 0) + w.get("businesses", 0)
        print("## Load (`ombud synth`)\n")
        print(f"- {w.get('cases', 0):,} cases, {w.get('events', 0):,} events, {w.get('clocks', 0):,} clocks, "
              f"{w.get('businesses', 0):,} businesses in {run.seconds:,.0f} s "
              f"(of which {w.get('index_seconds', 0):,.0f} s building indexes): "
              f"{w.get('cases', 0) / run.seconds:,.0f} cases/s, {rows / run.seconds:,.0f} rows/s")
    if vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname IN "
                        "('cases_case', 'cases_caseevent', 'workflow_casedeadline', 'businesses_business')")
            sizes = dict(cur.fetchall())
            cur.execute("SELECT pg_database_size(current_database())")
            db = cur.fetchone()[0]
        print("- PostgreSQL: " + ", ".join(f"{k} {v / 1e9:.2f} GB" for k, v in sorted(sizes.items()))
              + f"; database {db / 1e9:.2f} GB")
    files = list(store.root().rglob("*.parquet"))
    mirror = sum(p.stat().st_size for p in files if p.parent.name == "cases")
    cubes = sum(p.stat().st_size for p in files) - mirror
    print(f"- Analytical store: {mirror / 1e9:.2f} GB case mirror + {cubes / 1e6:.0f} MB rollups "
          f"({len(files)} Parquet files) at {store.root()}\n")

    if not args.skip_refresh:
        print("## Refresh lag\n")
        for spread in (False,) if args.recent_only else (False, True):
            lag = refresh_lag(spread=spread)
            where = "spread over the whole year (worst case)" if spread else "received in the last 20 days"
            print(f"- {lag['events']} new events on cases {where}: incremental refresh took "
                  f"{lag['seconds']:.1f} s ({lag['months']} months rewritten); with the worker's one-minute "
                  f"schedule the store is at most {60 + lag['seconds']:.0f} s behind.")
        print()

    print("## Dashboard queries (ms)\n")
    print("| level | query | cold p50 | cold p95 | warm p50 | warm p95 | plain GROUP BY p50 | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    worst = []
    for level, region in (("nation", "100000"), ("province", args.province), ("county", args.county)):
        where = {"region": region, "start": start, "end": end}
        for name, fn in QUERIES.items():
            cold = measure(lambda: fn(where), args.cold_runs, True)
            warm = measure(lambda: fn(where), args.runs, False)
            plain, ratio = "", ""
            if name in PLAIN and vendor == "postgresql":
                path = "" if region == "100000" else dashboard._path(region)
                params = [dt.datetime(args.year, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))),
                          dt.datetime(args.year + 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))), path + "%"]

                def plain_query():
                    with connection.cursor() as cur:
                        cur.execute(PLAIN[name], params)
                        cur.fetchall()
                p = measure(plain_query, args.plain_runs, False)
                plain, ratio = ms(statistics.median(p)), f"{statistics.median(p) / pct(warm, 0.95):,.0f}×"
            worst.append(max(pct(cold, 0.95), pct(warm, 0.95)))
            print(f"| {level} | {name} | {ms(pct(cold, .5))} | {ms(pct(cold, .95))} | {ms(pct(warm, .5))} | "
                  f"{ms(pct(warm, .95))} | {plain} | {ratio} |")
        scope = dashboard.Scope(region, start, end, "month")
        whole = measure(lambda: dashboard.build(scope), max(3, args.runs // 4), False)
        print(f"| {level} | **whole dashboard page (all panels)** | | | {ms(pct(whole, .5))} | {ms(pct(whole, .95))} | | |")
        sys.stdout.flush()
    print(f"\nSlowest single query p95 (cold or warm): {ms(max(worst))} ms (target ≤ 300 ms).")


def refresh_lag(n=200, spread=False):
    """Record a verdict on `n` unrated finished complaints through the workflow service, then refresh.
    Live work touches recent cases (a case is active for weeks after receipt): by default the `n` come from
    the newest month; `spread` takes them from the whole year, which rewrites every month (the worst case)."""
    from ombud.cases.models import Case
    from ombud.intake.services import Actor
    from ombud.workflow.services import perform

    store.refresh()  # catch up first
    qs = Case.objects.filter(kind="complaint", status="closed", verdict_resolved=None)
    if spread:
        top = qs.order_by("-id").values_list("id", flat=True).first() or 0
        step = max(1, top // n)
        tickets = list(qs.filter(id__in=range(1, top + 1, step)).values_list("ticket", flat=True)[:n])
    else:
        newest = Case.objects.order_by("-received_at").values_list("received_at", flat=True).first()
        tickets = list(qs.filter(received_at__gte=newest - dt.timedelta(days=20)).values_list("ticket", flat=True)[:n])
    staff = Actor(role="admin")  # staff recording what the consumer said (the verdict's roles include the desk)
    for ticket in tickets:
        perform(ticket=ticket, action="verdict", actor=staff,
                fields={"resolved": True, "rating_handling": 5, "rating_business": 4})
    started = time.perf_counter()
    result = store.refresh()
    return {"events": len(tickets), "cases": result["cases"], "months": len(result["months"]),
            "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    main()
