#!/usr/bin/env python3
"""Intake benchmark: POST /api/v1/cases and POST /api/v1/cases:batch through gunicorn, and `ombud import`,
on SQLite and PostgreSQL.

Each figure is printed beside a reference measured in the same run on the same database:
  * API cases/s  vs  raw single-row INSERT + COMMIT throughput at the same concurrency;
  * batch API cases/s (N cases per request, each with its own idempotency_key; cases counted from the
    responses' "created")  vs  the same single-row reference and raw N-row executemany + COMMIT per
    transaction at the same concurrency;
  * import rows/s vs  raw bulk insert (PostgreSQL COPY, SQLite executemany in one transaction).

    .venv/bin/python bench/intake.py                 # both databases, defaults (~12 min on 2026-11-29:
                                                     # 6.9 in the two 1M-row imports, 4.9 in the API part)
    .venv/bin/python bench/intake.py --no-import     # the API part only, single and batch (~5 minutes)
    .venv/bin/python bench/intake.py --quick         # short run (8 s loads, 100,000-row import, sync only)
    .venv/bin/python bench/intake.py --db pg --seconds 30 --workers 3 --worker-class gthread
    .venv/bin/python bench/intake.py --no-import --batch 100   # single and batch (the default N is 100)
    .venv/bin/python bench/intake.py --no-import --batch 0     # single-case mode only
    .venv/bin/python bench/intake.py --no-import --no-single --batch 500   # batch mode only

Results: a table on stdout and bench/out/intake-<timestamp>.json. Needs `wrk` (apt-get install wrk);
without it a multi-process Python client (http.client, keep-alive) drives the single-case load instead
(batch mode needs wrk).
"""
import argparse
import csv
import datetime as dt
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = "ombud_bench"
CFPB_SAMPLE = Path(__file__).resolve().parents[2] / "shared/data/cfpb/ziyuyan9_complaints_sample.csv"
# The PRAGMAs ombud/settings.py sets on every SQLite connection (transaction_mode IMMEDIATE, timeout 30).
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;"
                  "PRAGMA temp_store=MEMORY;PRAGMA cache_size=-65536;")

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- databases

class Target:
    """One throwaway database and the environment that points ombud at it."""

    def __init__(self, name):
        self.name = name
        self.tmp = Path(tempfile.mkdtemp(prefix=f"ombud-bench-{name}-"))
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OMBUD_DEBUG")}
        self.env.update(OMBUD_DATA_DIR=str(self.tmp), OMBUD_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
        if name == "pg":
            self.url = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"
            self.env["DATABASE_URL"] = self.url
        else:
            self.path = self.tmp / "ombud.sqlite3"

    def create(self):
        if self.name == "pg":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {PG_DB}")
        t0 = time.perf_counter()
        ombud(self.env, "migrate", "--noinput", "-v0")
        log(f"{self.name}: migrated in {time.perf_counter() - t0:.1f}s")

    def connect(self):
        if self.name == "pg":
            import psycopg

            return psycopg.connect(self.url)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.executescript(SQLITE_PRAGMAS)
        return conn

    def scalar(self, sql):
        conn = self.connect()
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()

    def count_cases(self):
        return self.scalar("SELECT count(*) FROM cases_case")

    def server_info(self):
        if self.name == "pg":
            conn = self.connect()
            try:
                version = conn.execute("SHOW server_version").fetchone()[0]
                settings = {k: conn.execute(f"SHOW {k}").fetchone()[0]
                            for k in ("synchronous_commit", "fsync", "wal_sync_method", "shared_buffers",
                                      "max_connections")}
            finally:
                conn.close()
            return {"engine": f"PostgreSQL {version}", **settings}
        return {"engine": f"SQLite {sqlite3.sqlite_version}", "pragmas": SQLITE_PRAGMAS}

    def drop(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def ombud(env, *args, capture=False):
    res = subprocess.run([PY, "-m", "ombud", *args], env=env, cwd=ROOT, check=True,
                         stdout=subprocess.PIPE if capture else None, text=True)
    return res.stdout if capture else None


def api_key(target):
    out = ombud(target.env, "apikey", "create", "--name", f"bench-{time.time_ns()}", "--role", "integrator",
                capture=True)
    return out.strip().splitlines()[-1].strip()


# --------------------------------------------------------------------------- the server

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, target, workers, worker_class, threads):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [GUNICORN, "ombud.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
               "--worker-class", worker_class, "--timeout", "120", "--log-level", "warning"]
        if worker_class == "gthread":
            cmd += ["--threads", str(threads)]
        self.log = open(target.tmp / f"gunicorn-{worker_class}.log", "w")
        self.proc = subprocess.Popen(cmd, env=target.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def worker_pids(self):
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# --------------------------------------------------------------------------- load: wrk

def lua_script(token, path, batch=0):
    from workload import split_bodies

    lines = []
    for i, (pre, post) in enumerate(split_bodies(200), start=1):
        assert "]==]" not in pre + post
        lines.append(f"pre[{i}] = [==[{pre}]==]\npost[{i}] = [==[{post}]==]")
    text = (BENCH / "intake.lua.tmpl").read_text(encoding="utf-8")
    text = text.replace("@@BODIES@@", "\n".join(lines)).replace("@@TOKEN@@", token)
    text = text.replace("@@BATCH@@", str(int(batch)))
    path.write_text(text, encoding="utf-8")
    return path


def run_wrk(url, script, seconds, connections, threads, prefix):
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
           "-s", str(script), url, "--", prefix]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    line = next((x for x in res.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    data = json.loads(line.removeprefix("BENCHJSON "))
    # single: ok = 201 responses, each one case; batch: ok = 200 responses, "created" summed from their bodies
    data["ok201"], data["non201"] = data.pop("ok"), data.pop("nonok")
    data["wrk_stdout"] = res.stdout.split("BENCHJSON")[0].strip()
    data["seconds"] = data["duration_us"] / 1e6
    data["in_flight_at_stop"] = data["sent"] - data["requests"]
    data["errors"] = sum(data[k] for k in ("err_connect", "err_read", "err_write", "err_timeout"))
    for p in ("p50", "p90", "p95", "p99"):
        data[f"{p}_ms"] = data.pop(f"{p}_us") / 1000
    data["mean_ms"] = data.pop("lat_mean_us") / 1000
    data["max_ms"] = data.pop("lat_max_us") / 1000
    return data


# --------------------------------------------------------------------------- load: Python fallback

def post_stream(url, token, prefix, idx, seconds, start_at):
    """POST one complaint per request on a keep-alive connection until `seconds` are up.

    Yields (idempotency key, status, seconds taken); status is None when the connection was cut
    (the request is not retried: a benchmark or a durability check must see it as lost).
    """
    import http.client

    from workload import bodies

    pool = bodies(200)
    host, port = url.removeprefix("http://").split(":")
    conn, sent = None, 0
    while time.time() < start_at:
        time.sleep(0.001)
    end = time.time() + seconds
    while time.time() < end:
        sent += 1
        key = f"{prefix}-{idx}-{sent}"
        body = json.dumps(dict(pool[(sent * 7 + idx * 13) % len(pool)], order_number=key),
                          ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}", "Idempotency-Key": key}
        t0 = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("POST", "/api/v1/cases", body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            yield key, resp.status, time.perf_counter() - t0
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            if conn is not None:
                conn.close()
            conn = None
            yield key, None, time.perf_counter() - t0


def fan_out(target, args_for, n):
    """Run `target(*args_for(i, start_at, queue))` in n forked processes started together; their results."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    start_at = time.time() + 1.0
    procs = [ctx.Process(target=target, args=args_for(i, start_at, queue)) for i in range(n)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    return results


def _py_client(url, token, prefix, idx, seconds, start_at, queue):
    lat, statuses, errors, sent = [], {}, 0, 0
    for _key, status, took in post_stream(url, token, prefix, idx, seconds, start_at):
        sent += 1
        if status is None:
            errors += 1
            continue
        lat.append(took)
        statuses[status] = statuses.get(status, 0) + 1
    queue.put((lat, statuses, errors, sent))


def run_python_client(url, token, seconds, connections, prefix):
    results = fan_out(_py_client, lambda i, start_at, queue: (url, token, prefix, i, seconds, start_at, queue),
                      connections)
    lat = sorted(x for r in results for x in r[0])
    statuses = {}
    for r in results:
        for k, v in r[1].items():
            statuses[k] = statuses.get(k, 0) + v
    ok = statuses.pop(201, 0)
    data = {"seconds": float(seconds), "requests": len(lat), "sent": sum(r[3] for r in results), "ok201": ok,
            "non201": sum(statuses.values()), "statuses": {str(k): v for k, v in statuses.items()},
            "errors": sum(r[2] for r in results), "in_flight_at_stop": 0, "batch": 0, "created": ok,
            "items_failed": 0, "unparsed": 0}
    data.update(_percentiles(lat))
    return data


def _percentiles(lat_seconds):
    if not lat_seconds:
        return {"p50_ms": None, "p90_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None, "max_ms": None}
    lat = sorted(lat_seconds)

    def pct(q):
        return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 2)

    return {"p50_ms": pct(0.50), "p90_ms": pct(0.90), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(sum(lat) / len(lat) * 1000, 2), "max_ms": round(lat[-1] * 1000, 2)}


# --------------------------------------------------------------------------- API run

def api_run(target, args, worker_class, token, script, batch=0):
    """One gunicorn + load run. batch=0: POST /api/v1/cases; batch=N: POST /api/v1/cases:batch, N cases each."""
    if batch and args.client != "wrk":
        raise SystemExit("batch mode needs wrk (apt-get install wrk)")
    before = target.count_cases()
    server = Server(target, args.workers, worker_class, args.threads)
    profile = None
    mode = f"batch{batch}" if batch else "single"
    label = f"{target.name}/{worker_class}/{mode}"
    try:
        drive = (lambda secs, prefix: run_wrk(server.url, script, secs, args.connections, args.wrk_threads, prefix)) \
            if args.client == "wrk" else \
            (lambda secs, prefix: run_python_client(server.url, token, secs, args.connections, prefix))
        tag = f"{target.name}-{worker_class}-{mode}-{time.time_ns()}"
        warm = drive(args.warmup, f"warm-{tag}")
        log(f"{label}: warm-up {warm['ok201']} x {200 if batch else 201}, {warm['created']} cases in "
            f"{warm['seconds']:.1f}s")
        spy = start_py_spy(server, args, target, worker_class, "" if not batch else f"-{mode}") \
            if args.py_spy else None
        load = drive(args.seconds, f"run-{tag}")
        if spy:
            profile = finish_py_spy(spy)
        time.sleep(1.5 if not batch else 5)  # let requests still in flight when the client stopped finish
    finally:
        server.stop()
    after = target.count_cases()
    created = after - before
    expected = warm["created"] + load["created"]
    in_flight = warm["in_flight_at_stop"] + load["in_flight_at_stop"]
    slack = in_flight * max(batch, 1)  # cases a request in flight at the stop may still commit, unread
    load.update(
        mode=mode, batch=batch, worker_class=worker_class, workers=args.workers,
        threads=args.threads if worker_class == "gthread" else 1, connections=args.connections,
        client=args.client, warmup_201=warm["ok201"], warmup_created=warm["created"],
        cases_per_s=load["created"] / load["seconds"], requests_per_s=load["ok201"] / load["seconds"],
        items_repeated=(load["ok201"] * batch - load["created"] - load["items_failed"]) if batch else 0,
        db_cases_created=created, expected_from_201=expected, in_flight_total=in_flight, in_flight_cases=slack,
        # A request in flight when the client stopped still commits on the server but is never counted.
        db_check="ok" if created == expected else (
            f"db has {created - expected} more than the created cases counted; {in_flight} request(s) "
            f"({slack} cases) were in flight when the client stopped" if 0 < created - expected <= slack else
            f"MISMATCH: db {created} vs created counted {expected}"),
        py_spy=profile,
    )
    extra = (f", {load['requests_per_s']:.1f} req/s, items failed {load['items_failed']}, repeated "
             f"{load['items_repeated']}, unparsed {load['unparsed']}") if batch else ""
    log(f"{label}: {load['cases_per_s']:.0f} cases/s{extra}, p50 {load['p50_ms']:.1f} ms, "
        f"p99 {load['p99_ms']:.1f} ms; non-{200 if batch else 201} {load['non201']} {load['statuses']}, "
        f"errors {load['errors']}; db check: {load['db_check']}")
    return load


# --------------------------------------------------------------------------- py-spy (optional)

def start_py_spy(server, args, target, worker_class, suffix=""):
    spy = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")
    if not os.path.exists(spy):
        log("py-spy not installed; skipping")
        return None
    pid = server.worker_pids()[0]
    out = OUT / f"py-spy-{target.name}-{worker_class}{suffix}.txt"
    secs = max(3, args.seconds - 2)
    proc = subprocess.Popen([spy, "record", "--pid", str(pid), "--duration", str(secs), "--rate", "200",
                             "--format", "raw", "--output", str(out), "--nonblocking", "--idle"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return proc, out


def finish_py_spy(spy):
    proc, out = spy
    _, err = proc.communicate(timeout=120)
    if proc.returncode != 0 or not out.exists():
        log(f"py-spy failed: {err.strip()[-300:]}")
        return {"error": err.strip()[-300:]}
    from profile_intake import summarise_collapsed

    return {"file": str(out.relative_to(ROOT)), "inclusive": summarise_collapsed(out)}


# --------------------------------------------------------------------------- raw single-row reference

RAW_COLUMNS = ["ticket", "kind", "channel", "status", "complainant_name", "complainant_phone", "complainant_address",
               "respondent_name", "respondent_address", "category", "issue_type", "request", "facts", "amount",
               "purchase_date", "order_number", "received_at", "idempotency_key", "missing_fields", "created_at"]


def raw_ddl(vendor, table):
    if vendor == "pg":
        return (f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (id bigserial PRIMARY KEY, "
                "ticket varchar(13) NOT NULL UNIQUE, kind varchar(20), channel varchar(20), status varchar(30), "
                "complainant_name varchar(100), complainant_phone varchar(30), complainant_address varchar(300), "
                "respondent_name varchar(200), respondent_address varchar(300), category varchar(60), "
                "issue_type varchar(60), request text, facts text, amount numeric(14,2), purchase_date date, "
                "order_number varchar(100), received_at timestamptz, idempotency_key varchar(200) UNIQUE, "
                "missing_fields jsonb, created_at timestamptz)")
    return (f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (id integer PRIMARY KEY AUTOINCREMENT, "
            "ticket varchar(13) NOT NULL UNIQUE, kind varchar(20), channel varchar(20), status varchar(30), "
            "complainant_name varchar(100), complainant_phone varchar(30), complainant_address varchar(300), "
            "respondent_name varchar(200), respondent_address varchar(300), category varchar(60), "
            "issue_type varchar(60), request text, facts text, amount decimal, purchase_date date, "
            "order_number varchar(100), received_at datetime, idempotency_key varchar(200) UNIQUE, "
            "missing_fields text, created_at datetime)")


def _raw_row(body, key, rng):
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    return (f"{rng.randrange(10**13):013d}", "complaint", "app", "received", body["complainant"]["name"],
            body["complainant"]["phone"], body["complainant"]["address"], body["respondent"]["name"],
            body["respondent"].get("address", ""), body["category"], body["issue_type"], body["request"],
            body["facts"], body["amount"], body["purchase_date"], key, now, key, "[]", now)


def _raw_worker(vendor, dsn, idx, seconds, start_at, queue, batch=0):
    from workload import bodies

    pool = bodies(200)
    rng = random.Random(idx * 7919 + os.getpid())
    cols = ", ".join(RAW_COLUMNS)
    if vendor == "pg":
        import psycopg

        conn = psycopg.connect(dsn)
        sql = f"INSERT INTO bench_raw ({cols}) VALUES ({', '.join(['%s'] * len(RAW_COLUMNS))})"
    else:
        conn = sqlite3.connect(dsn, timeout=30, isolation_level=None)
        conn.executescript(SQLITE_PRAGMAS)
        sql = f"INSERT INTO bench_raw ({cols}) VALUES ({', '.join(['?'] * len(RAW_COLUMNS))})"
    lat, n, errors = [], 0, 0
    while time.time() < start_at:
        time.sleep(0.001)
    end = time.time() + seconds
    while time.time() < end:
        n += 1
        if batch:  # the batch shape: `batch` rows per transaction with executemany
            rows = [_raw_row(pool[(n * 7 + idx + j * 31) % len(pool)], f"raw-{idx}-{n}-{j}", rng)
                    for j in range(batch)]
        else:
            row = _raw_row(pool[(n * 7 + idx) % len(pool)], f"raw-{idx}-{n}", rng)
        t0 = time.perf_counter()
        try:
            if vendor == "pg":
                with conn.transaction():
                    if batch:
                        with conn.cursor() as cur:
                            cur.executemany(sql, rows)
                    else:
                        conn.execute(sql, row)
            else:
                conn.execute("BEGIN IMMEDIATE")  # as Django's transaction_mode=IMMEDIATE does
                if batch:
                    conn.executemany(sql, rows)
                else:
                    conn.execute(sql, row)
                conn.execute("COMMIT")
            lat.append(time.perf_counter() - t0)
        except Exception:  # noqa: BLE001 - a duplicate random ticket, or a busy timeout: count and go on
            errors += 1
            if vendor == "sqlite" and conn.in_transaction:
                conn.execute("ROLLBACK")
    conn.close()
    queue.put((lat, errors))


def raw_single(target, connections, seconds, batch=0):
    """Raw reference: each of `connections` processes commits one row (batch=0) or `batch` rows
    (executemany) per transaction for `seconds`."""
    conn = target.connect()
    try:
        if target.name == "pg":
            conn.execute(raw_ddl("pg", "bench_raw"))
            conn.commit()
        else:
            conn.executescript(raw_ddl("sqlite", "bench_raw"))
    finally:
        conn.close()
    dsn = target.url if target.name == "pg" else str(target.path)
    results = fan_out(_raw_worker,
                      lambda i, start_at, queue: (target.name, dsn, i, seconds, start_at, queue, batch), connections)
    lat = [x for r in results for x in r[0]]
    rows = target.scalar("SELECT count(*) FROM bench_raw")
    per = max(batch, 1)
    out = {"connections": connections, "seconds": seconds, "batch": batch, "commits": len(lat),
           "rows_in_table": rows, "errors": sum(r[1] for r in results), "rows_per_s": len(lat) * per / seconds,
           "commits_per_s": len(lat) / seconds, **_percentiles(lat)}
    what = f"{batch}-row executemany+COMMIT" if batch else "single-row INSERT+COMMIT"
    log(f"{target.name}: raw {what} x{connections}: {out['rows_per_s']:.0f} rows/s, "
        f"p50 {out['p50_ms']} ms per transaction")
    return out


# --------------------------------------------------------------------------- import

def read_sample():
    with open(CFPB_SAMPLE, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, [r for r in reader if len(r) == len(header)]


def import_file(rows):
    """A CFPB 18-column CSV of `rows` rows sampled from the sample file, unique Complaint IDs; cached."""
    path = OUT / f"cfpb-{rows}.csv"
    if path.exists():
        return path
    log(f"generating {path.relative_to(ROOT)} ({rows:,} rows) ...")
    header, sample = read_sample()
    assert len(header) == 18 and header[-1] == "Complaint ID", header
    rng = random.Random(2026)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i in range(rows):
            row = list(rng.choice(sample))
            row[-1] = str(90_000_000 + i)
            w.writerow(row)
    tmp.rename(path)
    return path


def import_command_exists():
    return (ROOT / "ombud/intake/management/commands/import.py").exists() and \
        (ROOT / "ombud/intake/importers.py").exists()


def run_import(target, path, rows):
    before = target.count_cases()
    rejects = target.tmp / "import.rejects.csv"
    cmd = [PY, "-m", "ombud", "import", str(path), "--no-progress", "--rejects", str(rejects)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=target.env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = "", ""
    # wait4 gives this child's own rusage (ru_maxrss in KiB on Linux), not the maximum over all children.
    import threading

    bufs = {}
    readers = [threading.Thread(target=lambda n, f: bufs.__setitem__(n, f.read()), args=(n, f))
               for n, f in (("out", proc.stdout), ("err", proc.stderr))]
    for t in readers:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    for t in readers:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = bufs.get("out", ""), bufs.get("err", "")
    after = target.count_cases()
    stats = {}
    for line in out.splitlines():
        m = re.match(r"^([a-z /]+):\s*([\d,.]+)", line.strip())
        if m:
            stats[m.group(1).strip()] = float(m.group(2).replace(",", ""))
    res = {"file": str(path.relative_to(ROOT)), "file_rows": rows, "file_mb": round(path.stat().st_size / 2**20, 1),
           "exit": proc.returncode, "wall_s": wall, "wall_rows_per_s": rows / wall,
           "cmd_seconds": stats.get("seconds"), "cmd_rows_per_s": stats.get("rows/s"),
           "imported": stats.get("imported"), "rejected": stats.get("rejected"),
           "duplicates": stats.get("duplicates"), "new_businesses": stats.get("new businesses"),
           "db_cases_created": after - before, "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
           "cpu_user_s": usage.ru_utime, "cpu_sys_s": usage.ru_stime, "stderr_tail": err.strip()[-500:]}
    if proc.returncode != 0:
        log(f"{target.name}: import FAILED (exit {proc.returncode}): {err.strip()[-500:]}")
    else:
        log(f"{target.name}: import {rows:,} rows: {res['cmd_rows_per_s']} rows/s by the command, "
            f"{res['wall_rows_per_s']:.0f} rows/s wall, peak RSS {res['peak_rss_mb']} MB, "
            f"imported {res['imported']}, rejected {res['rejected']}, db +{res['db_cases_created']}")
    return res


def _bulk_rows(sample, n):
    rng = random.Random(5)
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    for i in range(n):
        r = rng.choice(sample)
        # Date received, Product, Sub-product, Issue, Sub-issue, narrative, ..., Company, State, ZIP ...
        yield (f"{9_000_000_000_000 + i:013d}", "complaint", "import", "pending_dispatch", "", "", "",
               r[7][:200], "", "finance", "other", "", r[5][:10000], None, None, "", now, f"cfpb:{90_000_000 + i}",
               "[]", now)


def raw_bulk(target, n):
    """Reference for import: one bulk load of n comparable rows into a scratch table (not the app's tables)."""
    _, sample = read_sample()
    cols = ", ".join(RAW_COLUMNS)
    conn = target.connect()
    try:
        if target.name == "pg":
            conn.execute(raw_ddl("pg", "bench_bulk"))
            conn.commit()
            t0 = time.perf_counter()
            with conn.cursor() as cur:
                with cur.copy(f"COPY bench_bulk ({cols}) FROM STDIN") as copy:
                    for row in _bulk_rows(sample, n):
                        copy.write_row(row)
            conn.commit()
            secs = time.perf_counter() - t0
            method = "COPY FROM STDIN (psycopg write_row), one transaction"
        else:
            conn.executescript(raw_ddl("sqlite", "bench_bulk"))
            t0 = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(f"INSERT INTO bench_bulk ({cols}) VALUES ({', '.join(['?'] * len(RAW_COLUMNS))})",
                             _bulk_rows(sample, n))
            conn.execute("COMMIT")
            secs = time.perf_counter() - t0
            method = "executemany in one transaction"
        rows = conn.execute("SELECT count(*) FROM bench_bulk").fetchone()[0]
    finally:
        conn.close()
    res = {"rows": rows, "seconds": secs, "rows_per_s": rows / secs, "method": method}
    log(f"{target.name}: raw bulk ({method}) {rows:,} rows: {res['rows_per_s']:.0f} rows/s")
    return res


# --------------------------------------------------------------------------- machine

def machine():
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = Path("/proc/loadavg").read_text().split()[:3]
    busy = subprocess.run(["ps", "-eo", "pcpu,args", "--sort=-pcpu", "--no-headers"], capture_output=True,
                          text=True).stdout.splitlines()[:6]
    git = {}
    for key, cmd in (("head", ["git", "rev-parse", "--short", "HEAD"]),
                     ("dirty", ["git", "status", "--porcelain", "--", "ombud"])):
        try:
            git[key] = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True).stdout.strip().splitlines()
        except OSError:
            pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "git": git, "loadavg": load, "top_processes": [b.strip()[:160] for b in busy],
            "python": sys.version.split()[0]}


# --------------------------------------------------------------------------- main

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    p.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    p.add_argument("--worker-class", choices=["sync", "gthread", "both"], default="both",
                   help="both: measure each and keep the faster as the headline (default)")
    p.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    p.add_argument("--connections", type=int, default=12, help="concurrent clients, API and raw (default 12)")
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (default 1: it saves a core)")
    p.add_argument("--seconds", type=int, default=20, help="measured API load per worker class (default 20)")
    p.add_argument("--warmup", type=int, default=3, help="API warm-up seconds (default 3)")
    p.add_argument("--raw-seconds", type=int, default=10, help="raw single-row insert seconds (default 10)")
    p.add_argument("--import-rows", type=int, default=1_000_000)
    p.add_argument("--bulk-rows", type=int, default=200_000, help="rows for the raw bulk reference")
    p.add_argument("--no-import", action="store_true", help="skip the import part")
    p.add_argument("--no-api", action="store_true", help="skip the API part and its raw single-row reference")
    p.add_argument("--wait-import", type=int, default=0,
                   help="minutes to poll (each minute) for the import command if it is not there yet")
    p.add_argument("--py-spy", action="store_true", help="sample one gunicorn worker with py-spy during load")
    p.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    p.add_argument("--batch", type=int, default=100,
                   help="also measure POST /api/v1/cases:batch with N cases per request, beside a raw N-rows-"
                        "per-transaction reference (default 100; 0 = single-case mode only)")
    p.add_argument("--no-single", action="store_true", help="batch mode only (skip POST /api/v1/cases)")
    p.add_argument("--quick", action="store_true",
                   help="short run: 8 s load, 1 s warm-up, 5 s raw, 100,000-row import, 50,000-row bulk, sync only")
    args = p.parse_args(argv)
    if not 0 <= args.batch <= 500:
        p.error("--batch must be between 0 and 500 (the endpoint's limit)")
    if args.no_single and not args.batch:
        p.error("--no-single needs --batch N")
    if args.quick:
        args.seconds, args.warmup, args.raw_seconds = 8, 1, 5
        args.import_rows, args.bulk_rows = min(args.import_rows, 100_000), min(args.bulk_rows, 50_000)
        if args.worker_class == "both":
            args.worker_class = "sync"
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    if args.client == "python" and args.batch:
        if args.no_single:
            p.error("batch mode needs wrk (apt-get install wrk)")
        log("batch mode needs wrk: measuring the single-case mode only")
        args.batch = 0
    return args


def bench_db(name, args, results):
    target = Target(name)
    res = results["databases"][name] = {"server": None, "api": {}, "raw_single": None, "api_batch": {},
                                        "raw_batch": None}
    try:
        target.create()
        res["server"] = target.server_info()
        if not args.no_api:
            token = api_key(target)
            script = lua_script(token, target.tmp / "intake.lua")
            classes = ["sync", "gthread"] if args.worker_class == "both" else [args.worker_class]
            if not args.no_single:
                for wc in classes:
                    res["api"][wc] = api_run(target, args, wc, token, script)
            if args.batch:
                bscript = lua_script(token, target.tmp / f"intake-batch{args.batch}.lua", batch=args.batch)
                for wc in classes:
                    res["api_batch"][wc] = api_run(target, args, wc, token, bscript, batch=args.batch)
            res["raw_single"] = raw_single(target, args.connections, args.raw_seconds)
            if res["api"]:
                best = max(res["api"].values(), key=lambda r: r["cases_per_s"])
                res["api_best"] = best["worker_class"]
                res["api_vs_raw"] = best["cases_per_s"] / res["raw_single"]["rows_per_s"]
            if args.batch:
                res["raw_batch"] = raw_single(target, args.connections, args.raw_seconds, batch=args.batch)
                best = max(res["api_batch"].values(), key=lambda r: r["cases_per_s"])
                res["api_batch_best"] = best["worker_class"]
                res["api_batch_vs_raw_single"] = best["cases_per_s"] / res["raw_single"]["rows_per_s"]
                res["api_batch_vs_raw_batch"] = best["cases_per_s"] / res["raw_batch"]["rows_per_s"]
            res["case_row_bytes"] = avg_case_bytes(target)
        if not args.no_import:
            if wait_for_import(args):
                path = import_file(args.import_rows)
                res["import"] = run_import(target, path, args.import_rows)
                res["raw_bulk"] = raw_bulk(target, args.bulk_rows)
                rate = res["import"]["cmd_rows_per_s"] or res["import"]["wall_rows_per_s"]
                res["import_vs_raw"] = rate / res["raw_bulk"]["rows_per_s"]
            else:
                res["import"] = {"skipped": "ombud import command not present"}
    finally:
        target.drop()
    return res


def avg_case_bytes(target):
    if target.name == "pg":
        return target.scalar("SELECT round(avg(pg_column_size(c.*))) FROM cases_case c")
    return None


def wait_for_import(args):
    for minute in range(args.wait_import + 1):
        if import_command_exists():
            return True
        if minute < args.wait_import:
            log("the import command is not there yet; polling again in 60 s")
            time.sleep(60)
    return False


def db_check_short(a):
    diff = a["db_cases_created"] - a["expected_from_201"]
    if diff == 0:
        return "ok"
    return f"+{diff} ok" if 0 < diff <= a.get("in_flight_cases", a["in_flight_total"]) else f"{diff:+} BAD"


def fmt(v, nd=0):
    if v is None:
        return "-"
    return f"{v:,.{nd}f}"


def table(results):
    lines = []
    api_run_ = any(r["api"] or r.get("api_batch") for r in results["databases"].values())
    lines.append("API: POST /api/v1/cases (201 only) vs raw single-row INSERT+COMMIT at the same concurrency")
    lines.append(f"{'db':7} {'server':18} {'cases/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
                 f"{'non201':>7} {'err':>5} {'db check':>9} | {'raw rows/s':>10} {'raw p50':>8} {'API/raw':>8}")
    for name, r in results["databases"].items():
        raw = r.get("raw_single") or {}
        for wc, a in r["api"].items():
            server = f"{a['workers']}x{wc}" + (f"/{a['threads']}t" if wc == "gthread" else "")
            star = "*" if r.get("api_best") == wc else " "
            ratio = a["cases_per_s"] / raw["rows_per_s"] if raw.get("rows_per_s") else None
            lines.append(f"{name:7} {server + star:18} {fmt(a['cases_per_s']):>9} {fmt(a['p50_ms'], 1):>8} "
                         f"{fmt(a['p95_ms'], 1):>8} {fmt(a['p99_ms'], 1):>8} {a['non201']:>7} {a['errors']:>5} "
                         f"{db_check_short(a):>9} | {fmt(raw.get('rows_per_s')):>10} "
                         f"{fmt(raw.get('p50_ms'), 1):>8} {fmt(ratio, 3):>8}")
    lines.append("(* = the faster worker class, the headline figure; db check: cases in the database minus 201s "
                 "counted, where +N means N requests were in flight when wrk stopped: they commit unread)")
    if any(r.get("api_batch") for r in results["databases"].values()):
        lines.append("")
        lines.append("API batch: POST /api/v1/cases:batch, N cases per request (cases/s = \"created\" summed from the "
                     "responses; latency per request) vs raw single-row INSERT+COMMIT and raw N-row executemany+COMMIT")
        lines.append(f"{'db':7} {'server':18} {'N':>4} {'cases/s':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
                     f"{'p99 ms':>8} {'non200':>6} {'fail':>5} {'err':>4} {'db check':>9} | {'raw 1-row/s':>11} "
                     f"{'API/1row':>8} | {'raw N-row/s':>11} {'p50 ms':>7} {'API/Nrow':>8}")
        for name, r in results["databases"].items():
            raw1, rawn = r.get("raw_single") or {}, r.get("raw_batch") or {}
            for wc, a in r.get("api_batch", {}).items():
                server = f"{a['workers']}x{wc}" + (f"/{a['threads']}t" if wc == "gthread" else "")
                star = "*" if r.get("api_batch_best") == wc else " "
                r1 = a["cases_per_s"] / raw1["rows_per_s"] if raw1.get("rows_per_s") else None
                rn = a["cases_per_s"] / rawn["rows_per_s"] if rawn.get("rows_per_s") else None
                lines.append(f"{name:7} {server + star:18} {a['batch']:>4} {fmt(a['cases_per_s']):>9} "
                             f"{fmt(a['requests_per_s'], 1):>7} {fmt(a['p50_ms'], 1):>8} {fmt(a['p95_ms'], 1):>8} "
                             f"{fmt(a['p99_ms'], 1):>8} {a['non201']:>6} {a['items_failed']:>5} {a['errors']:>4} "
                             f"{db_check_short(a):>9} | {fmt(raw1.get('rows_per_s')):>11} {fmt(r1, 3):>8} | "
                             f"{fmt(rawn.get('rows_per_s')):>11} {fmt(rawn.get('p50_ms'), 1):>7} {fmt(rn, 3):>8}")
    if not api_run_:
        lines[:] = ["API: not run"]
    if any("import" in r for r in results["databases"].values()):
        lines.append("")
        lines.append("Import: ombud import (CFPB 18-column CSV) vs raw bulk insert of comparable rows")
        lines.append(f"{'db':7} {'rows':>9} {'cmd rows/s':>10} {'wall rows/s':>11} {'imported':>9} {'rejected':>8} "
                     f"{'peak RSS MB':>11} | {'raw rows/s':>10} {'import/raw':>10}")
        for name, r in results["databases"].items():
            imp = r.get("import") or {}
            if "skipped" in imp or not imp:
                lines.append(f"{name:7} {imp.get('skipped', 'not run')}")
                continue
            raw = r.get("raw_bulk") or {}
            lines.append(f"{name:7} {imp['file_rows']:>9,} {fmt(imp['cmd_rows_per_s']):>10} "
                         f"{fmt(imp['wall_rows_per_s']):>11} {fmt(imp['imported']):>9} {fmt(imp['rejected']):>8} "
                         f"{fmt(imp['peak_rss_mb'], 1):>11} | {fmt(raw.get('rows_per_s')):>10} "
                         f"{fmt(r.get('import_vs_raw'), 3):>10}")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    results = {"started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
               "command": " ".join([Path(sys.executable).name, *sys.argv]), "args": vars(args),
               "machine_before": machine(), "databases": {}}
    log(f"load {results['machine_before']['loadavg']}; client {args.client}")
    for name in (["sqlite", "pg"] if args.db == "both" else [args.db]):
        bench_db(name, args, results)
    results["machine_after"] = machine()
    results["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    path = OUT / f"intake-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print()
    print(table(results))
    print(f"\nload average before {' '.join(results['machine_before']['loadavg'])}, "
          f"after {' '.join(results['machine_after']['loadavg'])} (2 cores: other work on the machine skews this)")
    print(f"results: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
