#!/usr/bin/env python3
"""Early-warning evaluation: which aberration detector finds injected rises in daily complaint counts.

    .venv/bin/python bench/early_warning.py                      # synthetic 2023 baselines, seed 2
    .venv/bin/python bench/early_warning.py --seed 3 --out /tmp/ew.md
    .venv/bin/python bench/early_warning.py --series counts.parquet --max-series 60
    .venv/bin/python bench/early_warning.py --store var/analytics --year 2023 --write-series /tmp/y2023.parquet

Baselines: three levels, "respondent" (a business), "category_issue" and "region".
  * default: synthetic daily counts for the 365 days of 2023, generated here with numpy: negative-
    binomial (gamma-Poisson) noise around a level (0.5-30/day for respondents, 5-400 for
    category/issue, 50-3000 for regions) times a weekly cycle (weekends lower, series-specific
    strength), a slow random drift, the Spring Festival dip (21-27 January 2023), the 15 March
    (consumer-rights day) peak, and the 618 (18 June) and Double 11 (11 November) surges of ~2-3x
    over a few days, scaled by each series' e-commerce exposure.
  * --store DIR: the real daily series of a generated year (`ombud synth`, then `ombud analytics
    refresh`), read with DuckDB from the analytical store's case mirror DIR/cases/YYYY-MM.parquet
    (DIR is settings.OMBUD_ANALYTICS_DIR, by default $OMBUD_DATA_DIR/analytics). Complaints only
    (kind = 'complaint', as the production detector counts), by local day (TimeZone Asia/Shanghai),
    for the days of --year: "respondent:<id>" per respondent; "category:<code>" per goods/service
    category and "issue:<code>" per issue type; "province:<code>" per province and
    "prefecture:<code>" per prefecture (of the handling authority; a province-level authority's
    cases, whose prefecture is the province itself, count in the province only). A series is kept
    when its mean over the year is at least --min-mean complaints a day (default 1), at every level;
    missing days are zeros. --write-series FILE saves exactly these series (level, key, day, n, zero
    days included) so the run can be repeated with --series FILE and no store.
    The generated year's calendar events (Spring Festival dip, 15 March, 618, Double 11) are real in
    these series and are not removed: all days >= 70 are still scored, so alarms on the real surges
    count as false alarms; the output gives the share of false alarms on those days and the rate
    without them.
  * --series FILE.parquet: columns level, key, day (date), n (int); read with duckdb (or pyarrow);
    missing days are zeros. The same code path as --store.
  With --store or --series at most --max-series series per level are used (seeded choice).

Injection: for each level, spike size k in {1.5, 2, 3, 5} and length L in {1, 3, 7, 14} days,
--reps spikes, each in its own copy of a baseline series (series and start drawn with the seed;
start >= day 70 so every method has history). Extra cases on each spike day are
Poisson((k - 1) * e_t), e_t = the series' 28-day centred mean times its day-of-week factor.

Scoring, on days >= 70 only (before that some methods cannot alarm at all):
  * a spike is detected when any alarm falls inside its window; recall = detected / injected;
  * precision = alarms inside spike windows / all alarms on the injected copies (their spike-free
    days included, so false alarms of the baseline count against every method);
  * F1 = 2PR / (P + R); delay = median (first alarm in the window - spike start) over detected;
  * false alarms per 1,000 series-days: every method on the baselines with nothing injected.

The chosen production method is farrington_dow; the last line says whether it beats EARS C2 on F1.
`ears_c2+min3` (C2 with the same minimum count of 3 as farrington_dow) is an ablation, reported
so that the part of the difference due to the minimum count alone is visible.
"""
import argparse
import datetime as dt
import functools
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ombud.analytics.surveillance import METHODS, ears_c2

LEVELS = ("respondent", "category_issue", "region")
SIZES = (1.5, 2.0, 3.0, 5.0)
LENGTHS = (1, 3, 7, 14)
FIRST_INJECTION = 70  # and first scored day
CHOSEN = "farrington_dow"
REFERENCE = "ears_c2"
YEAR_START = dt.date(2023, 1, 1)
N_DAYS = 365
LEVEL_RANGE = {"respondent": (0.5, 30.0), "category_issue": (5.0, 400.0), "region": (50.0, 3000.0)}


def day_index(month, day):
    return (dt.date(2023, month, day) - YEAR_START).days


# --------------------------------------------------------------------------------------------
# Baselines
# --------------------------------------------------------------------------------------------

def synthetic_baselines(seed, per_level):
    """{level: (keys, counts (series, 365) float, weekday (365,) Mon=0)} for 2023."""
    rng = np.random.default_rng([seed, 0])
    T = N_DAYS
    weekday = np.array([(YEAR_START + dt.timedelta(i)).weekday() for i in range(T)])
    week_profile = np.array([1.18, 1.12, 1.06, 1.04, 1.00, 0.85, 0.75])
    week_profile /= week_profile.mean()

    sf = np.ones(T)  # Spring Festival 2023: eve 21 January, holiday 21-27 January
    sf[day_index(1, 18):day_index(1, 21)] = [0.85, 0.7, 0.5]
    sf[day_index(1, 21):day_index(1, 28)] = 0.3
    sf[day_index(1, 28):day_index(1, 31) + 1] = [0.6, 0.8, 0.9, 0.95]
    m315 = np.zeros(T)  # shape of the 15 March peak, 1 at the day itself
    m315[day_index(3, 13):day_index(3, 18)] = [0.1, 0.3, 1.0, 0.5, 0.2]
    fest = np.zeros(T)  # 618 and Double 11: a few days' surge peaking on the day and the day after
    shape = [0.3, 0.7, 1.0, 1.0, 0.8, 0.5, 0.3]
    fest618 = fest.copy()
    fest618[day_index(6, 16):day_index(6, 16) + 7] = shape
    fest11 = fest.copy()
    fest11[day_index(11, 9):day_index(11, 9) + 7] = shape

    out = {}
    for level in LEVELS:
        S = per_level
        lo, hi = LEVEL_RANGE[level]
        base = np.exp(rng.uniform(np.log(lo), np.log(hi), S))
        strength = rng.uniform(0.5, 1.5, S)
        dow = week_profile[weekday][None, :] ** strength[:, None]
        # slow drift: stationary AR(1) on the log scale, sd ~0.1, correlation time ~a month
        drift = np.empty((S, T))
        drift[:, 0] = rng.normal(0, 0.1, S)
        eps = rng.normal(0, 0.1 * np.sqrt(1 - 0.97 ** 2), (S, T))
        for t in range(1, T):
            drift[:, t] = 0.97 * drift[:, t - 1] + eps[:, t]
        depth = rng.uniform(0.7, 1.0, S)
        festival_dip = 1 - depth[:, None] * (1 - sf[None, :])
        a315 = rng.uniform(1.5, 3.5, S)
        if level == "respondent":
            ecommerce = rng.beta(0.7, 1.3, S)
        elif level == "category_issue":
            ecommerce = rng.uniform(0.2, 1.0, S)
        else:
            ecommerce = rng.uniform(0.5, 0.9, S)
        p618 = rng.uniform(2.0, 3.0, S)
        p11 = rng.uniform(2.0, 3.0, S)
        mu = (base[:, None] * dow * np.exp(drift) * festival_dip
              * (1 + (a315[:, None] - 1) * m315[None, :])
              * (1 + ecommerce[:, None] * (p618[:, None] - 1) * fest618[None, :])
              * (1 + ecommerce[:, None] * (p11[:, None] - 1) * fest11[None, :]))
        cv = rng.uniform(0.05, 0.25, S)
        shape_k = 1 / cv ** 2
        y = rng.poisson(mu * rng.gamma(shape_k[:, None], 1 / shape_k[:, None], (S, T)))
        keys = [f"{level}-{i:03d}" for i in range(S)]
        out[level] = (keys, y.astype(float), weekday)
    return out


def baselines_from(data, seed, max_series, *, first=None, last=None, name="series"):
    """{level: (keys, counts (series, days) float, weekday (days,) Mon=0)} and the first day, from `data`: a
    DuckDB relation or a pyarrow table with columns level, key, day, n (one row per series and day; days
    absent are zeros, rows of the same series and day add up). The days run from `first` to `last`
    (default: the first and last day in the data). At most `max_series` series per level (seeded choice)."""
    import pyarrow as pa

    arrow = data if isinstance(data, pa.Table) else _arrow_table(data)
    if arrow.num_rows == 0:
        raise SystemExit(f"{name}: no rows")
    level = np.array(arrow.column("level").cast(pa.string()).to_pylist(), dtype=object)
    key = np.array(arrow.column("key").cast(pa.string()).to_pylist(), dtype=object)
    day = arrow.column("day").cast(pa.date32(), safe=False).to_numpy()
    n = arrow.column("n").cast(pa.float64()).to_numpy()
    first = first or day.min().astype(dt.date)
    last = last or day.max().astype(dt.date)
    T = (last - first).days + 1
    if T < FIRST_INJECTION + max(LENGTHS) + 1:
        raise SystemExit(f"{name}: {T} days; need at least {FIRST_INJECTION + max(LENGTHS) + 1}")
    weekday = np.array([(first + dt.timedelta(i)).weekday() for i in range(T)])
    col = (day - np.datetime64(first, "D")).astype(int)
    rng = np.random.default_rng([seed, 3])
    out = {}
    for lv in LEVELS:
        here = level == lv
        keys = sorted(set(key[here]))
        if not keys:
            continue
        if len(keys) > max_series:
            keys = sorted(rng.choice(keys, max_series, replace=False).tolist())
        pos = {k: i for i, k in enumerate(keys)}
        row = np.array([pos.get(k, -1) for k in key[here]], dtype=int)
        c = col[here]
        ok = (row >= 0) & (c >= 0) & (c < T)
        y = np.zeros((len(keys), T))
        np.add.at(y, (row[ok], c[ok]), n[here][ok])
        out[lv] = (keys, y, weekday)
    return out, first


def read_series(path):
    """The series file as a DuckDB relation (a pyarrow table without duckdb), and its calendar: "generated" when
    --write-series wrote it from a store, else None (unknown)."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    calendar = "generated" if meta.get(b"ombud.source") == b"store" else None
    try:
        import duckdb
    except ImportError:
        return pq.read_table(path, columns=["level", "key", "day", "n"]), calendar
    rel = duckdb.sql("SELECT level, CAST(key AS VARCHAR) AS key, CAST(day AS DATE) AS day, CAST(n AS BIGINT) AS n "
                     f"FROM read_parquet('{_quote(path)}')")
    return rel, calendar


def _arrow_table(result):
    """A DuckDB relation's or executed query's result as a pyarrow Table, whatever the DuckDB version calls it."""
    for name in ("to_arrow_table", "fetch_arrow_table"):
        if hasattr(result, name):
            return getattr(result, name)()
    out = result.arrow()
    return out.read_all() if hasattr(out, "read_all") else out


def _quote(path):
    return str(path).replace("'", "''")


STORE_SERIES = """
WITH c AS (
    SELECT CAST(received_at AS DATE) AS day, respondent_id, category, issue, province, prefecture
    FROM read_parquet({files}, union_by_name = true)
    WHERE kind = 'complaint' AND CAST(received_at AS DATE) BETWEEN $first AND $last),
counts AS (
    SELECT 'respondent' AS level, 'respondent:' || respondent_id AS key, day, COUNT(*) AS n
    FROM c WHERE respondent_id IS NOT NULL GROUP BY ALL
    UNION ALL SELECT 'category_issue', 'category:' || category, day, COUNT(*)
    FROM c WHERE category IS NOT NULL AND category <> '' GROUP BY ALL
    UNION ALL SELECT 'category_issue', 'issue:' || issue, day, COUNT(*)
    FROM c WHERE issue IS NOT NULL AND issue <> '' GROUP BY ALL
    UNION ALL SELECT 'region', 'province:' || province, day, COUNT(*)
    FROM c WHERE province IS NOT NULL AND province <> '' GROUP BY ALL
    UNION ALL SELECT 'region', 'prefecture:' || prefecture, day, COUNT(*)
    FROM c WHERE prefecture IS NOT NULL AND prefecture <> '' AND prefecture <> province GROUP BY ALL)
SELECT level, key, day, n, SUM(n) OVER (PARTITION BY level, key) AS total FROM counts
"""


def store_series(store, year, min_mean):
    """The generated year's daily complaint series from the store's case mirror: (arrow, kept, first, last) with
    `arrow` a pyarrow table (level, key, day, n; every day of the year, zeros included) of the series whose mean
    is >= min_mean a day, `kept` {level: (series kept, candidate series)}, first and last the year's days."""
    import duckdb

    files = sorted((Path(store) / "cases").glob(f"{year}-[0-1][0-9].parquet"))
    if not files:
        raise SystemExit(f"{store}: no cases/{year}-MM.parquet files (run `ombud synth --year {year}` and "
                         "`ombud analytics refresh --full` first)")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    n_days = (last - first).days + 1
    con = duckdb.connect(config={"threads": int(os.environ.get("OMBUD_DUCKDB_THREADS", "2"))})
    try:
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        file_list = "[" + ", ".join(f"'{_quote(f)}'" for f in files) + "]"
        con.execute(f"CREATE TEMP TABLE counts AS {STORE_SERIES.format(files=file_list)}",
                    {"first": first, "last": last})
        kept = {lv: (k, c) for lv, k, c in con.execute(
            "SELECT level, COUNT(DISTINCT key) FILTER (WHERE total >= $min), COUNT(DISTINCT key) FROM counts "
            "GROUP BY level", {"min": min_mean * n_days}).fetchall()}
        arrow = con.sql("""
            WITH keys AS (SELECT DISTINCT level, key FROM counts WHERE total >= $min),
            days AS (SELECT CAST(d AS DATE) AS day FROM generate_series($first::DATE, $last::DATE, INTERVAL 1 DAY) t(d))
            SELECT k.level, k.key, d.day, CAST(COALESCE(c.n, 0) AS BIGINT) AS n
            FROM keys k CROSS JOIN days d LEFT JOIN counts c ON c.level = k.level AND c.key = k.key AND c.day = d.day
            ORDER BY k.level, k.key, d.day""", params={"min": min_mean * n_days, "first": first, "last": last})
        arrow = _arrow_table(arrow)
    finally:
        con.close()
    arrow = arrow.replace_schema_metadata({"ombud.source": "store", "ombud.year": str(year),
                                           "ombud.min_mean": str(min_mean)})
    return arrow, kept, first, last


# --------------------------------------------------------------------------------------------
# Injection
# --------------------------------------------------------------------------------------------

def smoothed_expectation(y, weekday):
    """28-day centred mean (truncated at the ends) times the series' day-of-week factor."""
    S, T = y.shape
    c = np.concatenate([np.zeros((S, 1)), np.cumsum(y, axis=1)], axis=1)
    t = np.arange(T)
    lo = np.clip(t - 14, 0, T)
    hi = np.clip(t + 14, 0, T)
    ma = (c[:, hi] - c[:, lo]) / (hi - lo)
    overall = y.mean(axis=1, keepdims=True)
    factor = np.ones((S, 7))
    for w in range(7):
        with np.errstate(invalid="ignore", divide="ignore"):
            factor[:, w] = np.where(overall[:, 0] > 0, y[:, weekday == w].mean(axis=1) / overall[:, 0], 1.0)
    return ma * factor[:, weekday]


def inject(y, weekday, reps, rng):
    """Copies of baseline rows, one spike each: (copies, spec) with spec rows (series, k, L, start)."""
    S, T = y.shape
    expect = smoothed_expectation(y, weekday)
    copies, spec = [], []
    for k in SIZES:
        for L in LENGTHS:
            for _ in range(reps):
                s = int(rng.integers(S))
                start = int(rng.integers(FIRST_INJECTION, T - L + 1))
                row = y[s].copy()
                row[start:start + L] += rng.poisson((k - 1) * expect[s, start:start + L])
                copies.append(row)
                spec.append((s, k, L, start))
    return np.array(copies), np.array(spec, dtype=float)


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

def score_copies(alarm, spec):
    """Per copy: detected, delay (or -1), alarm days inside the window, alarm days scored,
    alarm episodes (runs of consecutive alarm days) touching the window, episodes scored."""
    C, T = alarm.shape
    t = np.arange(T)
    start = spec[:, 3].astype(int)[:, None]
    L = spec[:, 2].astype(int)[:, None]
    inside = (t >= start) & (t < start + L)
    hit = alarm & inside
    detected = hit.any(axis=1)
    delay = np.where(detected, hit.argmax(axis=1) - start[:, 0], -1)
    scored = alarm[:, FIRST_INJECTION:]
    begins = scored & ~np.concatenate([np.zeros((C, 1), bool), scored[:, :-1]], axis=1)
    ep_inside = (begins & inside[:, FIRST_INJECTION:]).sum(axis=1)
    # an episode that began before the window and runs into it also touches it
    s0 = start[:, 0]
    ep_inside += alarm[np.arange(C), s0] & alarm[np.arange(C), s0 - 1] & (s0 > FIRST_INJECTION)
    return detected, delay, hit.sum(axis=1), scored.sum(axis=1), ep_inside, begins.sum(axis=1)


def summarise(detected, delay, inside, total, ep_inside, ep_total):
    n = detected.size
    recall = detected.sum() / n if n else float("nan")

    def prf(num, den):
        p = num.sum() / den.sum() if den.sum() else float("nan")
        f = 2 * p * recall / (p + recall) if p + recall > 0 else 0.0
        return p, (f if np.isfinite(f) else 0.0)

    precision, f1 = prf(inside, total)
    ep_precision, ep_f1 = prf(ep_inside, ep_total)
    d = delay[detected]
    return {
        "spikes": n, "recall": recall, "precision": precision, "f1": f1,
        "ep_precision": ep_precision, "ep_f1": ep_f1,
        "delay": float(np.median(d)) if d.size else float("nan"), "alarms": int(total.sum()),
    }


def fmt(v, digits=3):
    if isinstance(v, float):
        return "–" if not np.isfinite(v) else f"{v:.{digits}f}"
    return str(v)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(fmt(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def event_days(T):
    """Days of the known calendar events of the synthetic baselines (for reporting where false alarms fall)."""
    mask = np.zeros(T, bool)
    for (m, d), width in (((1, 18), 14), ((3, 13), 6), ((6, 15), 9), ((11, 8), 9)):
        i = day_index(m, d)
        mask[i:i + width] = True
    return mask


def generated_event_days(first, T):
    """Days of the calendar events `ombud synth` puts into a generated year (ombud.analytics.calibration.EVENTS:
    15 March, after 618, after Double 11; and the Spring Festival days of the official calendar), with their
    description. Index 0 = `first`."""
    from ombud.analytics import calibration as cal

    mask = np.zeros(T, bool)
    spans = []
    for month, day, length, _factors in cal.EVENTS:
        start = dt.date(first.year, month, day)
        i = (start - first).days
        mask[max(i, 0):max(i + length, 0)] = True
        spans.append((start, start + dt.timedelta(length - 1)))
    try:
        import chinese_calendar

        festival = [first + dt.timedelta(i) for i in range(T)
                    if chinese_calendar.get_holiday_detail(first + dt.timedelta(i))[1]
                    == chinese_calendar.Holiday.spring_festival.value]
    except (ImportError, NotImplementedError):  # no package, or a year it does not carry: no dip in the data
        festival = []
    for d in festival:
        mask[(d - first).days] = True
    if festival:
        spans.insert(0, (min(festival), max(festival)))
    names = ["Spring Festival"] if festival else []
    names += ["15 March", "618", "Double 11"]
    text = ", ".join(f"{a:%-d %b}-{b:%-d %b} ({n})" for (a, b), n in zip(spans, names))
    return mask, text


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--series", type=Path, help="parquet with level, key, day, n")
    ap.add_argument("--reps", type=int, default=20, help="injections per (level, k, L) cell")
    ap.add_argument("--per-level", type=int, default=40, help="synthetic series per level")
    ap.add_argument("--store", type=Path, metavar="DIR",
                    help="analytical store (settings.OMBUD_ANALYTICS_DIR): the generated year's real series")
    ap.add_argument("--year", type=int, default=2023, help="with --store: the year whose days are used")
    ap.add_argument("--min-mean", type=float, default=1.0,
                    help="with --store: keep series with at least this many complaints a day on average")
    ap.add_argument("--write-series", type=Path, metavar="FILE",
                    help="with --store: also write the extracted series (level, key, day, n) here, for --series")
    ap.add_argument("--max-series", type=int, default=60, help="with --store/--series: series used per level")
    ap.add_argument("--out", type=Path, help="also write the tables (Markdown) here")
    args = ap.parse_args(argv)
    if args.store and args.series:
        ap.error("--store and --series exclude each other")
    if args.write_series and not args.store:
        ap.error("--write-series needs --store")

    t_all = time.perf_counter()
    calendar = "synthetic"  # whose calendar events are in the baselines: "synthetic", "generated" or None
    if args.store:
        t0 = time.perf_counter()
        series_table, kept, first, last = store_series(args.store, args.year, args.min_mean)
        if series_table.num_rows == 0:
            raise SystemExit(f"{args.store}: no series of {args.year} with a mean of >= {args.min_mean:g} "
                             "complaints a day; lower --min-mean")
        if args.write_series:
            import pyarrow.parquet as pq

            pq.write_table(series_table, args.write_series)
        baselines, first = baselines_from(series_table, args.seed, args.max_series, first=first, last=last,
                                          name=str(args.store))
        extract_s = time.perf_counter() - t0
        calendar = "generated"
        what = {"respondent": "respondents", "category_issue": "categories and issue types",
                "region": "provinces and prefectures"}
        per_level = "; ".join(
            f"{lv}: {len(baselines[lv][0]) if lv in baselines else 0} used of {kept.get(lv, (0, 0))[0]} kept of "
            f"{kept.get(lv, (0, 0))[1]} {what[lv]}" for lv in LEVELS)
        n_days = (last - first).days + 1
        source = (f"the generated year {args.year} from the store {args.store} (complaints per local day; a series "
                  f"is kept when its mean is ≥ {args.min_mean:g} complaint/day, i.e. ≥ {args.min_mean * n_days:g} in "
                  f"the year, at every level; at most {args.max_series} kept series per level used, seeded choice: "
                  f"{per_level}; read in {extract_s:.1f} s"
                  + (f"; written to {args.write_series}" if args.write_series else "") + ")")
    elif args.series:
        data, calendar = read_series(args.series)
        baselines, first = baselines_from(data, args.seed, args.max_series, name=str(args.series))
        source = f"{args.series} (≤{args.max_series} series per level)"
    else:
        baselines = synthetic_baselines(args.seed, args.per_level)
        first = YEAR_START
        source = f"synthetic 2023 baselines, {args.per_level} series per level"
    T = next(iter(baselines.values()))[1].shape[1]
    if calendar == "synthetic":
        ev = event_days(T)
        ev_text = "18-31 Jan (Spring Festival), 13-18 Mar, 15-23 Jun (618), 8-16 Nov (Double 11) of the synthetic 2023"
    elif calendar == "generated":
        ev, ev_text = generated_event_days(first, T)
        ev_text += f", as `ombud synth` generates them for {first.year}"
    else:
        ev, ev_text = np.zeros(T, bool), None

    methods = dict(METHODS)
    methods["ears_c2+min3"] = functools.partial(ears_c2, min_count=3)

    rng = np.random.default_rng([args.seed, 1])
    results = {m: {} for m in methods}  # method -> level -> (spec, *score_copies(...))
    clean = {m: {} for m in methods}  # method -> level -> (alarms, series-days, alarms on event days, event days)
    on_events = 0  # injected spikes that overlap an event day
    seconds = {m: 0.0 for m in methods}
    for level, (keys, y, weekday) in baselines.items():
        copies, spec = inject(y, weekday, args.reps, rng)
        on_events += sum(bool(ev[int(st):int(st) + int(L)].any()) for _s, _k, L, st in spec)
        for name, fn in methods.items():
            t0 = time.perf_counter()
            a_copies = fn(copies).alarm
            a_clean = fn(y).alarm
            seconds[name] += time.perf_counter() - t0
            results[name][level] = (spec, *score_copies(a_copies, spec))
            scored = a_clean[:, FIRST_INJECTION:]
            clean[name][level] = (int(scored.sum()), scored.size, int(scored[:, ev[FIRST_INJECTION:]].sum()),
                                  scored.shape[0] * int(ev[FIRST_INJECTION:].sum()))

    def pooled(name, *, level=None, k=None, L=None):
        parts = []
        for lv, (spec, *scores) in results[name].items():
            if level is not None and lv != level:
                continue
            m = np.ones(len(spec), bool)
            if k is not None:
                m &= spec[:, 1] == k
            if L is not None:
                m &= spec[:, 2] == L
            parts.append([x[m] for x in scores])
        return summarise(*(np.concatenate(x) for x in zip(*parts)))

    def fa_rate(name, level=None):
        vals = [v for lv, v in clean[name].items() if level is None or lv == level]
        alarms = sum(v[0] for v in vals)
        days = sum(v[1] for v in vals)
        n_ev, ev_days = sum(v[2] for v in vals), sum(v[3] for v in vals)
        off = 1000.0 * (alarms - n_ev) / (days - ev_days) if ev_text and days > ev_days else float("nan")
        return 1000.0 * alarms / days, alarms, n_ev, off

    out = []
    n_series = sum(len(b[0]) for b in baselines.values())
    out.append(f"## Early warning: injected rises, seed {args.seed}\n")
    out.append(f"Baselines: {source}; {n_series} series × {T} days from {first:%-d %B %Y}; "
               f"{args.reps} spikes per (level, k, L) cell; scored days ≥ {FIRST_INJECTION}.\n")
    if calendar == "generated":
        n_spikes = sum(len(r[0]) for r in results[CHOSEN].values())
        out.append(f"These are the generated year's real series: its calendar events ({ev_text}) are in the data "
                   f"and have not been removed. Every day from day {FIRST_INJECTION} on is still scored, so an alarm "
                   "on a real event surge with nothing injected counts as a false alarm (against every method alike), "
                   f"and {on_events} of the {n_spikes} injected spikes overlap an event window (a rise on top of a "
                   "rise). The Overall table gives the share of false alarms on event days and the rate without "
                   "them.\n")

    out.append("### Method × spike size k (pooled over lengths and levels)\n")
    rows = []
    for name in methods:
        for k in SIZES:
            s = pooled(name, k=k)
            rows.append([name, f"{k:g}×", s["spikes"], s["recall"], s["precision"], s["f1"], fmt(s["delay"], 1)])
    out.append(table(["method", "k", "spikes", "recall", "precision", "F1", "median delay (d)"], rows) + "\n")

    out.append("### Method × level (pooled over k and lengths)\n")
    rows = []
    for name in methods:
        for level in baselines:
            s = pooled(name, level=level)
            fa = fa_rate(name, level)[0]
            rows.append([name, level, s["recall"], s["precision"], s["f1"], fmt(s["delay"], 1), fmt(fa, 1),
                         s["ep_precision"], s["ep_f1"]])
    out.append(table(["method", "level", "recall", "precision", "F1", "median delay (d)",
                      "false alarms /1,000 series-days (no injection)", "episode precision", "episode F1"],
                     rows) + "\n")

    out.append("### Method × spike length L (pooled over k and levels)\n")
    rows = []
    for name in methods:
        for L in LENGTHS:
            s = pooled(name, L=L)
            rows.append([name, L, s["recall"], s["precision"], s["f1"], fmt(s["delay"], 1)])
    out.append(table(["method", "L (days)", "recall", "precision", "F1", "median delay (d)"], rows) + "\n")

    out.append("### Overall\n")
    rows = []
    overall = {}
    for name in methods:
        s = pooled(name)
        overall[name] = s["f1"]
        fa, n_fa, n_ev, fa_off = fa_rate(name)
        ev_share = n_ev / n_fa if n_fa and ev_text else float("nan")
        rows.append([name, s["recall"], s["precision"], s["f1"], fmt(s["delay"], 1), fmt(fa, 1), fmt(ev_share, 2),
                     fmt(fa_off, 1), s["ep_precision"], s["ep_f1"], fmt(seconds[name], 1)])
    out.append(table(["method", "recall", "precision", "F1", "median delay (d)",
                      "false alarms /1,000 series-days", "share of those on event days",
                      "false alarms /1,000 series-days off event days",
                      "episode precision", "episode F1", "method time (s)"], rows) + "\n")
    out.append("Precision and F1 count alarm days (the definition used for the verdict below); episode "
               "precision counts runs of consecutive alarm days once, so a method is not rewarded for "
               "alarming on every day of a long rise."
               + (f" Event days: {ev_text}." if ev_text else " Event days: unknown for this series file.") + "\n")
    elapsed = time.perf_counter() - t_all
    out.append(f"Runtime: {elapsed:.1f} s in total.\n")
    beats = overall[CHOSEN] > overall[REFERENCE]
    out.append(f"**{CHOSEN} {'beats' if beats else 'does NOT beat'} {REFERENCE} on F1 in this run: "
               f"{overall[CHOSEN]:.3f} vs {overall[REFERENCE]:.3f} (seed {args.seed}).**")
    text = "\n".join(out)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
