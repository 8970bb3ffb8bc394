#!/usr/bin/env python
"""National analytics, measured: the generated year's load, the store's size and refresh lag, and every
dashboard query at nation, province and county level, cold and warm, beside the same figure computed as
a plain GROUP BY over the case table in the same run.

Run against a database that holds a generated year and whose store is built:
    DATABASE_URL=postgres://…/ombud_national OMBUD_DATA_DIR=… python bench/analytics.py --year 2023
(`ombud synth --year 2023 --defer-indexes` then `ombud analytics refresh --full` make one.)
With --pg-rollups (PostgreSQL only) it also builds the store's cubes as rollup tables in the database and
asks them the same questions: the alternative the store is measured against.
"""
import argparse
import datetime as dt
import math
import os
import statistics
import sys
import time
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombud.settings")
django.setup()

from django.db import connection

from ombud.analytics import dashboard, selectors, store
from ombud.analytics.models import SynthRun


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


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
    parser.add_argument("--pg-rollups", action="store_true",
                        help="also build the cubes as PostgreSQL rollup tables (bench_rollup_*) and time the "
                             "same queries on them beside the store")
    parser.add_argument("--page-runs", type=int, default=10, help="runs of the whole dashboard page per level")
    parser.add_argument("--pages-only", action="store_true",
                        help="measure only the whole dashboard pages (no load figures, lag or single queries)")
    args = parser.parse_args()
    start, end = dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    vendor = connection.vendor
    print(f"# National analytics bench: {vendor}, year {args.year}, {dt.datetime.now():%Y-%m-%d %H:%M}\n")

    levels = (("nation", "100000"), ("province", args.province), ("county", args.county))
    if args.pages_only:
        print("| level | whole dashboard page: first build (ms) | p50 | p95 | runs |\n|---|---|---|---|---|")
        for level, region in levels:
            first, whole = page_times(region, start, end, args.page_runs)
            print(f"| {level} | {ms(first)} | {ms(pct(whole, .5))} | {ms(pct(whole, .95))} | {len(whole)} |")
        return

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
    store_warm = {}  # (level, query) -> warm timings, for the PostgreSQL rollup comparison
    for level, region in levels:
        where = {"region": region, "start": start, "end": end}
        for name, fn in QUERIES.items():
            cold = measure(lambda fn=fn, where=where: fn(where), args.cold_runs, True)
            warm = measure(lambda fn=fn, where=where: fn(where), args.runs, False)
            store_warm[level, name] = warm
            plain, ratio = "", ""
            if name in PLAIN and vendor == "postgresql":
                path = "" if region == "100000" else dashboard._path(region)
                params = [dt.datetime(args.year, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))),
                          dt.datetime(args.year + 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))), path + "%"]

                def plain_query(name=name, params=params):
                    with connection.cursor() as cur:
                        cur.execute(PLAIN[name], params)
                        cur.fetchall()
                p = measure(plain_query, args.plain_runs, False)
                plain, ratio = ms(statistics.median(p)), f"{statistics.median(p) / pct(warm, 0.95):,.0f}×"
            worst.append(max(pct(cold, 0.95), pct(warm, 0.95)))
            print(f"| {level} | {name} | {ms(pct(cold, .5))} | {ms(pct(cold, .95))} | {ms(pct(warm, .5))} | "
                  f"{ms(pct(warm, .95))} | {plain} | {ratio} |")
        first, whole = page_times(region, start, end, args.page_runs)
        print(f"| {level} | **whole dashboard page (all panels)** | {ms(first)} | | {ms(pct(whole, .5))} | "
              f"{ms(pct(whole, .95))} | | |")
        sys.stdout.flush()
    print(f"\nSlowest single query p95 (cold or warm): {ms(max(worst))} ms (target ≤ 300 ms).")

    if args.pg_rollups:
        if vendor == "postgresql":
            pg_rollups(args, start, end, store_warm)
        else:
            print(f"\n(--pg-rollups needs PostgreSQL; this database is {vendor}.)")


def page_times(region, start, end, runs):
    """Every panel of the dashboard page, as the view builds it: the first build in a fresh DuckDB connection
    (cold), then `runs` more."""
    scope = dashboard.Scope(region, start, end, "month")
    first = measure(lambda: dashboard.build(scope), 1, True)[0]
    return first, measure(lambda: dashboard.build(scope), runs, False)


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


# --- PostgreSQL rollup tables: the alternative the store is measured against ---------------------------------
# The store's cubes (store.CUBES, store.MEASURES) rebuilt as tables in the case database, from the same case
# rows, so both answer every dashboard question with equal figures and only the engine differs.

PG_TZ = "Asia/Shanghai"  # the zone store.duck() sets: `day` and `month` are local
CLOCK_COLUMNS = ("accept_due", "accept_met", "accept_open", "close_due", "close_met", "close_open",
                 "odr_start", "odr_met")


def pg_case_rows(clocks):
    """The per-case rows the cubes group, as store._load_csv makes its `fresh` table: named as in store.SCHEMA,
    '' read as NULL (the CSV extract's nullstr), online = has a platform, day and month local to PG_TZ."""
    closing = ", ".join(f"'{step}'" for step in store.CLOSING_STEP.values())
    sql = f"""
        SELECT NULLIF(c.kind, '') AS kind, NULLIF(c.channel, '') AS channel, NULLIF(c.status, '') AS status,
               NULLIF(c.outcome, '') AS outcome, NULLIF(c.category, '') AS category,
               NULLIF(c.issue_type, '') AS issue, c.respondent_id, c.odr_lane, c.amount_recovered AS recovered,
               c.verdict_resolved AS resolved, c.rating_handling,
               (c.received_at AT TIME ZONE '{PG_TZ}')::date AS day,
               to_char(c.received_at AT TIME ZONE '{PG_TZ}', 'YYYY-MM') AS month,
               p.province, p.prefecture, p.county, c.platform_id IS NOT NULL AS online
               {', ' + ', '.join(f'k.{col}' for col in CLOCK_COLUMNS) if clocks else ''}
        FROM cases_case c LEFT JOIN bench_places p ON p.authority_id = c.authority_id"""
    if clocks:  # the clocks folded in as store.EXTRACT folds them: one row per case
        sql += f"""
        LEFT JOIN (
            SELECT case_id,
                   MAX(due) FILTER (WHERE step = 'acceptance') AS accept_due,
                   MAX(met_at) FILTER (WHERE step = 'acceptance') AS accept_met,
                   BOOL_OR(step = 'acceptance' AND met_at IS NULL) AS accept_open,
                   MAX(due) FILTER (WHERE step IN ({closing})) AS close_due,
                   MAX(met_at) FILTER (WHERE step IN ({closing})) AS close_met,
                   BOOL_OR(step IN ({closing}) AND met_at IS NULL) AS close_open,
                   MIN(started_at) FILTER (WHERE step = 'odr') AS odr_start,
                   MAX(met_at) FILTER (WHERE step = 'odr') AS odr_met
            FROM workflow_casedeadline GROUP BY case_id) k ON k.case_id = c.id"""
    return sql


def pg_measure(name):
    # epoch() is the one DuckDB-only function in store.MEASURES; PostgreSQL spells it EXTRACT(EPOCH FROM …).
    return store.MEASURES[name].replace("epoch(", "EXTRACT(EPOCH FROM ")


def pg_build_rollups():
    """(Re)build bench_rollup_<cube> for every cube in store.CUBES; returns [(cube, rows, build s, index s,
    bytes)]. UNLOGGED: a bench table need not survive a crash, and WAL would only slow the build."""
    from ombud.regions.selectors import authority_places

    places = authority_places()  # read before the COPY below: the connection can run nothing else during it
    built = []
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.bench_places")  # only ever our own temp table
        cur.execute("CREATE TEMP TABLE bench_places (authority_id bigint PRIMARY KEY, province text, "
                    "prefecture text, county text)")
        with cur.cursor.copy("COPY bench_places FROM STDIN") as copy:
            for row in places:
                copy.write_row(row)
        cur.execute("ANALYZE bench_places")
        for cube, (keys, measures) in store.CUBES.items():
            table = f"bench_rollup_{cube}"
            time_key = "day" if "day" in keys else "month"
            clocks = any(col in store.MEASURES[m] for m in measures for col in CLOCK_COLUMNS)
            select = ", ".join(keys + [f"{pg_measure(m)} AS {m}" for m in measures])
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            started = time.perf_counter()
            # Sorted by region then time, as the store sorts its cubes: a region's rows sit on few pages.
            cur.execute(f"CREATE UNLOGGED TABLE {table} AS SELECT {select} FROM ({pg_case_rows(clocks)}) f "
                        f"GROUP BY {', '.join(keys)} ORDER BY province, prefecture, county, {time_key}")
            rows = cur.rowcount
            indexed = time.perf_counter()
            # Every dashboard query filters one region column (none at nation level) and a period.
            for column in (*store.REGION, None):
                cols = f"{column}, {time_key}" if column else time_key
                cur.execute(f"CREATE INDEX {table}_{column or 'all'} ON {table} ({cols})")
            cur.execute(f"ANALYZE {table}")
            done = time.perf_counter()
            cur.execute("SELECT pg_total_relation_size(%s::regclass)", [table])
            built.append((cube, rows, indexed - started, done - indexed, cur.fetchone()[0]))
    return built


def pg_query(cube, select, *, region, start, end, group=None, extra="", extra_params=(), order=None, limit=None):
    """selectors.query, asked of the rollup table instead of the cube's Parquet files; returns the rows."""
    column = selectors.LEVEL_COLUMN[selectors._level(region)]
    time_key = "day" if cube == "volume" else "month"
    clauses, params = [], []
    if column:
        clauses.append(f"{column} = %s")
        params.append(region)
    clauses.append(f"{time_key} BETWEEN %s AND %s")
    params += [start, end] if time_key == "day" else [f"{start:%Y-%m}", f"{end:%Y-%m}"]
    sql = f"SELECT {select} FROM bench_rollup_{cube} WHERE {' AND '.join(clauses)} {extra}"
    if group:
        sql += f" GROUP BY {group}"
    if order:
        sql += f" ORDER BY {order}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *extra_params])
        return cur.fetchall()


def pg_series(w, interval):
    period = "day" if interval == "day" else f"date_trunc('{interval}', day)::date"
    rows = pg_query("volume", f"{period} AS period, kind, SUM(n)", **w, group="period, kind", order="period, kind")
    return [(p, k, int(n)) for p, k, n in rows]


def pg_mix(w, by):
    rows = pg_query("mix", f"{by}, SUM(n) AS n", **w, extra=f"AND {by} <> ''", group=by, order=f"n DESC, {by}")
    return [(code, int(n)) for code, n in rows]


def pg_by_child(w):
    child = selectors.CHILD_COLUMN[selectors._level(w["region"])]
    return [(code, int(n)) for code, n in pg_query("volume", f"{child}, SUM(n)", **w, group=child, order="2 DESC")]


def pg_outcomes(w):
    sums = ", ".join(f"SUM({m})" for m in store.MEASURES)
    rows = pg_query("outcome", sums, **w, extra="AND kind = %s", extra_params=["complaint"])
    return dict(zip(store.MEASURES, rows[0] if rows else [None] * len(store.MEASURES)))


def pg_satisfaction(w):
    marks = ", ".join(["%s"] * len(selectors.FINISHED))
    rows = pg_query("outcome", "rating_handling, resolved, SUM(n)", **w,
                    extra=f"AND kind = 'complaint' AND status IN ({marks})", extra_params=list(selectors.FINISHED),
                    group="rating_handling, resolved")
    ratings, resolved = {}, {}
    for rating, res, n in rows:
        ratings[rating] = ratings.get(rating, 0) + int(n)
        resolved[res] = resolved.get(res, 0) + int(n)
    return {"ratings": ratings, "resolved": resolved}


# The QUERIES, asked of the rollup tables; each returns what the selector's Answer.rows holds.
PG_QUERIES = {
    "totals by kind": lambda w: {k: int(n) for k, n in pg_query("volume", "kind, SUM(n)", **w, group="kind",
                                                                 order="kind")},
    "volume by month": lambda w: pg_series(w, "month"),
    "volume by day": lambda w: pg_series(w, "day"),
    "by lower region": pg_by_child,
    "by category": lambda w: pg_mix(w, "category"),
    "by issue": lambda w: pg_mix(w, "issue"),
    "top respondents": lambda w: [(int(r), int(n)) for r, n in pg_query(
        "respondent", "respondent_id, SUM(n) AS n", **w, extra="AND respondent_id IS NOT NULL",
        group="respondent_id", order="n DESC, respondent_id", limit=10)],
    "outcomes (money, timeliness, ODR)": pg_outcomes,
    "satisfaction": pg_satisfaction,
    "channels": lambda w: [(c, int(n)) for c, n in pg_query("volume", "channel, SUM(n) AS n", **w, group="channel",
                                                             order="n DESC, channel")],
}


def _canonical(x):
    """A comparable form of an answer: dicts and lists sorted (ties under ORDER BY n DESC may come in any
    order), DECIMAL and NUMERIC as float (DuckDB sums odr_days as DOUBLE, PostgreSQL as NUMERIC)."""
    if isinstance(x, dict):
        return sorted(((_canonical(k), _canonical(v)) for k, v in x.items()), key=repr)
    if isinstance(x, list):
        return sorted((_canonical(v) for v in x), key=repr)
    if isinstance(x, tuple):
        return tuple(_canonical(v) for v in x)
    return float(x) if isinstance(x, Decimal) else x


def _close(a, b):
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def same_figures(pg, duck):
    return _close(_canonical(pg), _canonical(duck))


def pg_rollups(args, start, end, store_warm):
    print("\n## PostgreSQL rollup tables (the alternative)\n")
    built = pg_build_rollups()
    cube_dir = store.root() / "cube"
    print("| rollup table | rows | build s | indexes + ANALYZE s | PostgreSQL size | store cube (Parquet) |")
    print("|---|---|---|---|---|---|")
    for cube, rows, build, index, size in built:
        parquet = sum(p.stat().st_size for p in (cube_dir / cube).glob("*.parquet"))
        print(f"| bench_rollup_{cube} | {rows:,} | {build:,.1f} | {index:,.1f} | {size / 1e6:,.1f} MB | "
              f"{parquet / 1e6:,.1f} MB |")
    print(f"| **all** | | {sum(b[2] for b in built):,.1f} | {sum(b[3] for b in built):,.1f} | "
          f"{sum(b[4] for b in built) / 1e6:,.1f} MB | |\n")
    sys.stdout.flush()

    print("| level | query | PG rollup p50 | p95 | DuckDB store p50 | p95 | same figures |")
    print("|---|---|---|---|---|---|---|")
    mismatches = []
    for level, region in (("nation", "100000"), ("province", args.province), ("county", args.county)):
        where = {"region": region, "start": start, "end": end}
        for name, fn in QUERIES.items():
            if name not in PG_QUERIES:
                continue
            pg = PG_QUERIES[name](where)  # also the warm-up run, as the store's warm runs follow its cold ones
            duck = fn(where).rows
            same = same_figures(pg, duck)
            if not same:
                mismatches.append((level, name, pg, duck))
            times = measure(lambda q=PG_QUERIES[name], where=where: q(where), args.runs, False)
            warm = store_warm[level, name]
            print(f"| {level} | {name} | {ms(pct(times, .5))} | {ms(pct(times, .95))} | {ms(pct(warm, .5))} | "
                  f"{ms(pct(warm, .95))} | {'yes' if same else '**NO**'} |")
        sys.stdout.flush()
    for level, name, pg, duck in mismatches:
        print(f"\nWARNING: {level} / {name}: the PostgreSQL rollup answer differs from the store's:\n"
              f"  PG rollup: {str(pg)[:400]}\n  DuckDB:    {str(duck)[:400]}")
    if not mismatches:
        print("\nEvery PostgreSQL rollup answer equals the store's.")
    print("(The bench_rollup_* tables are left in the database; DROP them to reclaim the space.)")


if __name__ == "__main__":
    main()
