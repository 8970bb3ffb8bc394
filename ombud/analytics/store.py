"""The analytical store: a columnar mirror of the case tables, as Parquet files by month, read with DuckDB.

Layout under settings.OMBUD_ANALYTICS_DIR:
  cases/YYYY-MM.parquet        one row per case: what the dashboards count, with its clocks folded in
  cube/<name>/YYYY-MM.parquet  rollups of those rows that the dashboards query (see CUBES)
  manifest.json                the event-id watermark and `as_of` of the data, written last (atomically)

A refresh reads the events after the watermark, re-extracts the cases they touched, rewrites only
the months those cases were received in, then their rollups, then the manifest. Files are replaced
by rename, so any number of web processes can read while a worker refreshes. docs/decisions/0006
records why Parquet + DuckDB and what it measured against PostgreSQL rollups.
"""
import csv
import datetime as dt
import json
import os
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

SCHEMA = [  # (column, DuckDB type)
    ("id", "BIGINT"), ("kind", "VARCHAR"), ("channel", "VARCHAR"), ("status", "VARCHAR"), ("outcome", "VARCHAR"),
    ("received_at", "TIMESTAMPTZ"), ("closed_at", "TIMESTAMPTZ"), ("authority_id", "BIGINT"),
    ("home", "VARCHAR"), ("category", "VARCHAR"), ("issue", "VARCHAR"), ("violation", "VARCHAR"),
    ("respondent_id", "BIGINT"), ("platform_id", "BIGINT"), ("odr_lane", "BOOLEAN"), ("recovered", "DECIMAL(14,2)"),
    ("resolved", "BOOLEAN"), ("rating_handling", "SMALLINT"), ("rating_business", "SMALLINT"),
    ("accept_due", "TIMESTAMPTZ"), ("accept_met", "TIMESTAMPTZ"), ("accept_open", "BOOLEAN"),
    ("close_due", "TIMESTAMPTZ"), ("close_met", "TIMESTAMPTZ"), ("close_open", "BOOLEAN"),
    ("odr_start", "TIMESTAMPTZ"), ("odr_met", "TIMESTAMPTZ"),
]
# The clock that times the end of each kind's procedure: mediation for complaints, verification for reports.
CLOSING_STEP = {"complaint": "mediation", "report": "verification"}
EXTRACT = """
SELECT c.id, c.kind, c.channel, c.status, c.outcome, c.received_at, c.closed_at, c.authority_id,
       c.complainant_region_id, c.category, c.issue_type, c.violation_type, c.respondent_id, c.platform_id,
       c.odr_lane, c.amount_recovered, c.verdict_resolved, c.rating_handling, c.rating_business,
       k.accept_due, k.accept_met, k.accept_open, k.close_due, k.close_met, k.close_open, k.odr_start, k.odr_met
FROM cases_case c LEFT JOIN (
    SELECT case_id,
           MAX(CASE WHEN step = 'acceptance' THEN due END) AS accept_due,
           MAX(CASE WHEN step = 'acceptance' THEN met_at END) AS accept_met,
           MAX(CASE WHEN step = 'acceptance' AND met_at IS NULL THEN 1 ELSE 0 END) AS accept_open,
           MAX(CASE WHEN step IN ('mediation', 'verification') THEN due END) AS close_due,
           MAX(CASE WHEN step IN ('mediation', 'verification') THEN met_at END) AS close_met,
           MAX(CASE WHEN step IN ('mediation', 'verification') AND met_at IS NULL THEN 1 ELSE 0 END) AS close_open,
           MIN(CASE WHEN step = 'odr' THEN started_at END) AS odr_start,
           MAX(CASE WHEN step = 'odr' THEN met_at END) AS odr_met
    FROM workflow_casedeadline {clock_filter} GROUP BY case_id) k ON k.case_id = c.id
{case_filter}
"""

# Rollups: name -> (grouping columns, measures). Region columns come from the handling authority.
REGION = ["province", "prefecture", "county"]
MEASURES = {
    "n": "COUNT(*)",
    "recovered": "SUM(recovered)",
    "recovering": "COUNT(recovered)",
    "accept_decided": "COUNT(*) FILTER (WHERE accept_met IS NOT NULL)",
    "accept_on_time": "COUNT(*) FILTER (WHERE accept_met IS NOT NULL AND accept_met <= accept_due)",
    "close_decided": "COUNT(*) FILTER (WHERE close_met IS NOT NULL)",
    "close_on_time": "COUNT(*) FILTER (WHERE close_met IS NOT NULL AND close_met <= close_due)",
    "open_clocks": "COUNT(*) FILTER (WHERE accept_open OR close_open)",
    "odr_settled": "COUNT(*) FILTER (WHERE odr_lane AND outcome = 'presettled')",
    "odr_days": "SUM(CASE WHEN odr_lane AND outcome = 'presettled' THEN epoch(odr_met - odr_start) / 86400.0 END)",
}
CUBES = {
    "volume": (["day", *REGION, "kind", "channel", "online"], ["n"]),
    "mix": (["month", *REGION, "kind", "category", "issue"], ["n"]),
    "outcome": (["month", *REGION, "kind", "status", "outcome", "odr_lane", "rating_handling", "resolved"],
                list(MEASURES)),
    "respondent": (["month", "province", "prefecture", "county", "respondent_id"], ["n"]),
}
# Coarser copies of every cube, summed from it: a nation or province query reads a few thousand rows
# instead of one per county. selectors.query picks the coarsest that holds the columns it needs.
GRAINS = {"province": ["province"], "prefecture": ["province", "prefecture"]}
# The busiest respondents of each month, for the nation and per province, with `floor`: the most any
# respondent left out had. selectors.top_respondents proves its top-N from these or falls back.
TOP_KEPT = 1000
TOP_CUTS = {"nation": [], "province": ["province"]}
VERSION = 3  # of the layout; a store of another version is rebuilt in full
_lock = threading.Lock()


def root():
    path = Path(getattr(settings, "OMBUD_ANALYTICS_DIR", settings.DATA_DIR / "analytics"))
    path.mkdir(parents=True, exist_ok=True)
    return path


BY_BUSINESS = {"by_respondent": "respondent_id", "by_platform": "platform_id"}  # folder -> sorted on


def month_files(folder, start, end):
    """The Parquet files under `folder` ("cases", "cube/volume", …) of the months overlapping [start, end]."""
    base, files = root() / folder, []
    m = dt.date(start.year, start.month, 1)
    while m <= end:
        path = base / f"{m:%Y-%m}.parquet"
        if path.exists():
            files.append(str(path))
        m = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return files


def manifest(path=None):
    try:
        return json.loads(((path or root()) / "manifest.json").read_text())
    except (FileNotFoundError, ValueError):
        return None


def _write_manifest(path, data):
    tmp = path / f".manifest.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path / "manifest.json")


def duck():
    import duckdb

    con = duckdb.connect(config={"threads": int(os.environ.get("OMBUD_DUCKDB_THREADS", "2"))})
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    return con


def _regions_table(con):
    """authority id -> the province, prefecture and county it sits in (the leaf is its own region)."""
    import pyarrow as pa

    from ombud.regions.selectors import authority_places

    rows = authority_places()
    places = pa.table({"authority_id": pa.array([r[0] for r in rows], pa.int64()),
                       **{name: pa.array([r[i] for r in rows], pa.string())
                          for i, name in enumerate(("province", "prefecture", "county"), start=1)}})
    con.register("places_arrow", places)
    con.execute("CREATE OR REPLACE TEMP TABLE places AS SELECT * FROM places_arrow")
    con.unregister("places_arrow")


def _extract(case_filter, clock_filter, params, out):
    """Write the mirror rows the filters select to a CSV file `out`; return how many."""
    sql = EXTRACT.format(case_filter=case_filter, clock_filter=clock_filter)
    n = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            sql = sql.replace("MAX(CASE WHEN step = 'acceptance' AND met_at IS NULL THEN 1 ELSE 0 END)",
                              "BOOL_OR(step = 'acceptance' AND met_at IS NULL)::int")
            query = cur.cursor.mogrify(sql, params) if params else sql
            with open(out, "wb") as fh, cur.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                fh.writelines(copy)
            with open(out, "rb") as fh:
                n = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
            return n
        cur.execute(sql, params)
        with open(out, "w", newline="") as fh:
            w = csv.writer(fh)
            while rows := cur.fetchmany(5000):
                w.writerows(_sqlite_row(r) for r in rows)
                n += len(rows)
    return n


def _sqlite_row(r):
    out = list(r)
    for i in (5, 6, 19, 20, 22, 23, 25, 26):  # instants: SQLite gives naive UTC text or datetimes
        if out[i] is not None:
            v = out[i] if isinstance(out[i], str) else out[i].isoformat(sep=" ")
            out[i] = v if ("+" in v[10:] or v.endswith("Z")) else v + "+00:00"
    for i in (14, 16, 21, 24):
        if out[i] is not None:
            out[i] = "true" if out[i] in (1, True, "1") else "false"
    return out


def _load_csv(con, path, rows=1):
    """The extracted rows as DuckDB's temp table `fresh`, with the month, day and places added. No rows
    (a month without cases): an empty table of the same shape, as DuckDB cannot sniff an empty file."""
    cols = ", ".join(f"'{c}': '{t}'" for c, t in SCHEMA)
    source = (f"read_csv('{path}', header = false, delim = ',', quote = '\"', columns = {{{cols}}}, nullstr = '')"
              if rows else "(SELECT " + ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in SCHEMA) + " WHERE false)")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fresh AS
        SELECT f.*, strftime(f.received_at, '%Y-%m') AS month, CAST(f.received_at AS DATE) AS day,
               p.province, p.prefecture, p.county, f.platform_id IS NOT NULL AS online
        FROM {source} f
        LEFT JOIN places p USING (authority_id)""")


def _load(con, path, case_filter, clock_filter, params):
    """Extract the selected cases into DuckDB's temp table `fresh`; returns how many."""
    with tempfile.TemporaryDirectory(dir=path) as tmpdir:
        out = Path(tmpdir) / "extract.csv"
        n = _extract(case_filter, clock_filter, params, out)
        _load_csv(con, out, n)
    return n


def _months_with_cases():
    """(first instant, first instant of the next month) for each local month from the first case to the last."""
    from zoneinfo import ZoneInfo

    with connection.cursor() as cur:
        cur.execute("SELECT MIN(received_at), MAX(received_at) FROM cases_case")
        low, high = cur.fetchone()
    if low is None:
        return
    tz = ZoneInfo(settings.TIME_ZONE)
    if isinstance(low, str):  # SQLite without converters
        low, high = (dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC) for v in (low, high))
    low, high = low.astimezone(tz), high.astimezone(tz)
    m = dt.datetime(low.year, low.month, 1, tzinfo=tz)
    while m <= high:
        nxt = dt.datetime(m.year + (m.month == 12), m.month % 12 + 1, 1, tzinfo=tz)
        yield m, nxt
        m = nxt


def _write_month(con, path, month, source_sql):
    target = path / "cases" / f"{month}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    con.execute(f"COPY ({source_sql} ORDER BY province, prefecture, county, received_at) TO '{tmp}' "
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)")
    os.replace(tmp, target)
    # The same complaints sorted by business and by platform, in small row groups: one business's page
    # reads the groups whose min/max hold its id, not the whole month (a platform's 190 -> see benchmarks).
    for folder, column in BY_BUSINESS.items():
        _copy(con, f"SELECT * FROM read_parquet('{target}') WHERE kind = 'complaint' AND {column} IS NOT NULL "
                   f"ORDER BY {column}", path / folder / f"{month}.parquet", row_group=8192)
    for name, (keys, measures) in CUBES.items():
        out = path / "cube" / name / f"{month}.parquet"
        select = ", ".join(keys + [f"{MEASURES[m]} AS {m}" for m in measures])
        group = ", ".join(keys)
        _copy(con, f"SELECT {select} FROM read_parquet('{target}') GROUP BY {group} "
                   f"ORDER BY {', '.join(k for k in keys if k in REGION) or group}", out)
        for grain, kept in GRAINS.items():
            coarse = [k for k in keys if k not in REGION or k in kept]
            _copy(con, f"SELECT {', '.join(coarse + [f'SUM({m}) AS {m}' for m in measures])} "
                       f"FROM read_parquet('{out}') GROUP BY ALL ORDER BY {', '.join(kept)}",
                  path / "cube" / f"{name}@{grain}" / f"{month}.parquet")
    full = path / "cube" / "respondent" / f"{month}.parquet"
    for cut, kept in TOP_CUTS.items():
        part = ", ".join(["month", *kept])
        _copy(con, f"""
            WITH r AS (SELECT {part}, respondent_id, SUM(n) AS n FROM read_parquet('{full}')
                       WHERE respondent_id IS NOT NULL GROUP BY ALL),
            ranked AS (SELECT *, rank() OVER (PARTITION BY {part} ORDER BY n DESC) AS rk FROM r),
            floors AS (SELECT {part}, COALESCE(MAX(n) FILTER (WHERE rk > {TOP_KEPT}), 0) AS floor
                       FROM ranked GROUP BY ALL)
            SELECT {', '.join(f'ranked.{k}' for k in ['month', *kept])}, respondent_id, n, floor
            FROM ranked JOIN floors USING ({part}) WHERE rk <= {TOP_KEPT} ORDER BY {part}, n DESC""",
              path / "cube" / f"respondent_top@{cut}" / f"{month}.parquet")


def _copy(con, sql, out, *, row_group=122880):
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    con.execute(f"COPY ({sql}) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {row_group})")
    os.replace(tmp, out)


def refresh(*, full=False, progress=None):
    """Bring the store up to the case tables. Returns a dict of what was done (for logs and the bench)."""
    with _lock:
        return _refresh(full=full, progress=progress)


def _refresh(*, full, progress):
    path = root()
    started = time.monotonic()
    as_of = dt.datetime.now(dt.UTC)
    old = None if full else manifest(path)
    if old and old.get("version") != VERSION:
        old = None  # an older layout: rebuild
    with connection.cursor() as cur:
        cur.execute("SELECT MAX(id) FROM cases_caseevent")
        top = cur.fetchone()[0] or 0
    mark = old["watermark"] if old else 0
    if old and top == mark:
        _write_manifest(path, {**old, "as_of": as_of.isoformat(), "checked_at": as_of.isoformat()})
        return {"cases": 0, "months": [], "seconds": time.monotonic() - started, "watermark": top}
    con = duck()
    _regions_table(con)
    if old is None:
        # A full build goes a month at a time, so its temporary files and memory stay one month's size.
        n, months = 0, []
        for first, after in _months_with_cases():
            window = "WHERE c.received_at >= %s AND c.received_at < %s"
            clocks = "WHERE case_id IN (SELECT id FROM cases_case WHERE received_at >= %s AND received_at < %s)"
            first_, after_ = (connection.ops.adapt_datetimefield_value(v) for v in (first, after))
            count = _load(con, path, window, clocks, [first_, after_, first_, after_])
            if not count:
                continue
            n += count
            month = f"{first:%Y-%m}"
            months.append(month)
            _write_month(con, path, month, "SELECT * FROM fresh")
            if progress:
                progress(f"month {month}: {count} cases")
        for stale in [*path.glob("cases/*.parquet"), *path.glob("cube/*/*.parquet"),
                      *(p for folder in BY_BUSINESS for p in path.glob(f"{folder}/*.parquet"))]:
            if stale.stem not in months:
                stale.unlink()
    else:
        touched = "(SELECT DISTINCT case_id FROM cases_caseevent WHERE id > %s AND id <= %s)"
        n = _load(con, path, f"WHERE c.id IN {touched}", f"WHERE case_id IN {touched}", [mark, top, mark, top])
        months = [m for (m,) in con.execute("SELECT DISTINCT month FROM fresh ORDER BY 1").fetchall()]
        for month in months:
            existing = path / "cases" / f"{month}.parquet"
            fresh = f"SELECT * FROM fresh WHERE month = '{month}'"
            source = fresh
            if existing.exists():
                source = (f"SELECT * FROM read_parquet('{existing}') WHERE id NOT IN (SELECT id FROM fresh) "
                          f"UNION ALL {fresh}")
            _write_month(con, path, month, f"SELECT * FROM ({source})")
            if progress:
                progress(f"month {month} rewritten")
    con.close()
    all_months = sorted(p.stem for p in (path / "cases").glob("*.parquet"))
    _write_manifest(path, {"watermark": top, "as_of": as_of.isoformat(), "built_at": as_of.isoformat(),
                           "months": all_months, "version": VERSION})
    return {"cases": n, "months": months, "seconds": time.monotonic() - started, "watermark": top}


def lag_seconds(now=None):
    """How far behind the case tables the store may be: the age of its `as_of` (None: never built)."""
    m = manifest()
    if not m:
        return None
    now = now or dt.datetime.now(dt.UTC)
    return (now - dt.datetime.fromisoformat(m["as_of"])).total_seconds()
