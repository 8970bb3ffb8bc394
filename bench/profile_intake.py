#!/usr/bin/env python3
"""Where the time of one POST /api/v1/cases goes.

Two ways, same buckets:
  * in-process cProfile of N submissions through Django's test client on a fresh throwaway database:
        .venv/bin/python bench/profile_intake.py --db sqlite -n 1000
        .venv/bin/python bench/profile_intake.py --db pg -n 1000
  * py-spy samples of a gunicorn worker under wrk load (bench/intake.py --py-spy), summarised by
    summarise_collapsed() below; or by hand:  .venv/bin/python bench/profile_intake.py --collapsed FILE

Buckets are inclusive (a bucket includes everything it calls), so they overlap and need not add up.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# (label, function name, path fragment). Ordered roughly as a request flows.
BUCKETS = [
    ("whole request: BaseHandler.get_response (middleware + view)", "get_response", "django/core/handlers/base.py"),
    ("view: intake.api.create_case", "create_case", "ombud/intake/api.py"),
    ("auth: core.auth.actor_for (API key lookup)", "actor_for", "ombud/core/auth.py"),
    ("parse + validate: intake.api._parse", "_parse", "ombud/intake/api.py"),
    ("  pydantic field validators: schemas._code (taxonomy)", "_code", "ombud/intake/schemas.py"),
    ("  pydantic field validators: schemas._known_region", "_known_region", "ombud/intake/schemas.py"),
    ("  USCC check: businesses.uscc.validate", "validate", "ombud/businesses/uscc.py"),
    ("services.submit (all of the write path)", "submit", "ombud/intake/services.py"),
    ("  payload_hash (sha256 of sorted JSON)", "payload_hash", "ombud/intake/services.py"),
    ("  idempotency lookup: services._existing", "_existing", "ombud/intake/services.py"),
    ("  transaction.atomic exit (COMMIT)", "__exit__", "django/db/transaction.py"),
    ("  services._create", "_create", "ombud/intake/services.py"),
    ("    rules.selectors.rule_set_for", "rule_set_for", "ombud/rules/selectors.py"),
    ("    businesses.services.find_platform", "find_platform", "ombud/businesses/services.py"),
    ("    address resolution: services._resolve", "_resolve", "ombud/intake/services.py"),
    ("      regions.address.resolve", "resolve", "ombud/regions/address.py"),
    ("    business lookup: find_or_register_respondent", "find_or_register_respondent",
     "ombud/businesses/services.py"),
    ("      register_business (new respondents)", "register_business", "ombud/businesses/services.py"),
    ("    services._build_case (Case(...) in memory)", "_build_case", "ombud/intake/services.py"),
    ("      jurisdiction.national_authority", "national_authority", "ombud/cases/jurisdiction.py"),
    ("    services._route_and_save", "_route_and_save", "ombud/intake/services.py"),
    ("      jurisdiction.route", "route", "ombud/cases/jurisdiction.py"),
    ("      Case.save (INSERT)", "save", "django/db/models/base.py"),
    ("      cases.services.event (CaseEvent objects)", "event", "ombud/cases/services.py"),
    ("    CaseEvent bulk_create", "bulk_create", "django/db/models/query.py"),
    ("response: cases.selectors.load_case (re-query)", "load_case", "ombud/cases/selectors.py"),
    ("response: cases.presenters.detail", "detail", "ombud/cases/presenters.py"),
    ("ninja: response validation + JSON rendering", "_result_to_response", "ninja/operation.py"),
    ("  ninja renderer (json dumps)", "render", "ninja/renderers.py"),
    ("ninja: operation.run (whole ninja view)", "run", "ninja/operation.py"),
    ("SQL: CursorWrapper.execute/executemany (all SQL)", "_execute", "django/db/backends/utils.py"),
    ("SQL: compiler.execute_sql (all ORM queries)", "execute_sql", "django/db/models/sql/compiler.py"),
    ("ORM: model __init__ (row -> object)", "__init__", "django/db/models/base.py"),
    ("ORM: prefetch_related_objects", "prefetch_related_objects", "django/db/models/query.py"),
    ("middleware: sessions process_response", "process_response", "django/contrib/sessions/middleware.py"),
    ("middleware: locale", "process_request", "django/middleware/locale.py"),
    ("middleware: whitenoise", "__call__", "whitenoise/middleware.py"),
    # POST /api/v1/cases:batch (py-spy of bench/intake.py --no-single --py-spy)
    ("batch view: intake.api.create_batch", "create_batch", "ombud/intake/api.py"),
    ("  pydantic CaseIn.model_validate (per item)", "model_validate", "pydantic/main.py"),
    ("  services.submit_batch", "submit_batch", "ombud/intake/services.py"),
    ("    services._prepare (classify + route, per item)", "_prepare", "ombud/intake/services.py"),
    ("      services._route (jurisdiction + 2 events)", "_route", "ombud/intake/services.py"),
    ("  batch response: orjson + _item_ok", "_json", "ombud/intake/api.py"),
]


def _matches(label_fn, label_path, func, filename):
    return func == label_fn and label_path in filename.replace("\\", "/")


# --------------------------------------------------------------------------- py-spy collapsed stacks

def _parse_frame(frame):
    # "function (path/file.py:123)" or "function (path/file.py)"
    # py-spy writes methods as "Class.method"
    name, _, rest = frame.partition(" (")
    return name.strip().rsplit(".", 1)[-1], rest.rstrip(")").rsplit(":", 1)[0]


def summarise_collapsed(path):
    """Inclusive sample counts per bucket from a py-spy --format raw file; shares of the request total."""
    counts = {label: 0 for label, _, _ in BUCKETS}
    total = 0
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        n = int(n)
        total += n
        frames = [_parse_frame(f) for f in stack.split(";")]
        for label, fn, frag in BUCKETS:
            if any(_matches(fn, frag, f, p) for f, p in frames):
                counts[label] += n
    request = counts[BUCKETS[0][0]] or 1
    return {"samples": total, "request_samples": counts[BUCKETS[0][0]],
            "buckets": {k: {"samples": v, "pct_of_request": round(100 * v / request, 1)} for k, v in counts.items()}}


# --------------------------------------------------------------------------- in-process cProfile

def setup_db(vendor):
    import tempfile

    data = tempfile.mkdtemp(prefix=f"ombud-profile-{vendor}-")
    os.environ["OMBUD_DATA_DIR"] = data
    os.environ.pop("DATABASE_URL", None)
    if vendor == "pg":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS ombud_bench_profile WITH (FORCE)")
            conn.execute("CREATE DATABASE ombud_bench_profile")
        os.environ["DATABASE_URL"] = "postgresql://postgres@127.0.0.1:5432/ombud_bench_profile"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombud.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return data


def cprofile_run(vendor, n, warm):
    import cProfile
    import pstats

    data_dir = setup_db(vendor)
    from django.test import Client

    from ombud.accounts.services import create_api_key
    from workload import bodies

    _, token = create_api_key(name="profile", role="integrator")
    pool = bodies(200)
    client = Client()

    def send(i, prefix):
        body = dict(pool[(i * 7) % len(pool)], order_number=f"{prefix}-{i}")
        r = client.post("/api/v1/cases", data=json.dumps(body, ensure_ascii=False), content_type="application/json",
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"{prefix}-{i}"})
        assert r.status_code == 201, (r.status_code, r.content[:500])

    for i in range(warm):
        send(i, "warm")
    t0 = time.perf_counter()
    for i in range(n):
        send(i, "plain")
    plain = time.perf_counter() - t0
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for i in range(n):
        send(i, "prof")
    prof.disable()
    profiled = time.perf_counter() - t0
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    pfile = out_dir / f"profile-intake-{vendor}.pstats"
    prof.dump_stats(pfile)
    st = pstats.Stats(prof)
    per = {}
    total = None
    for label, fn, frag in BUCKETS:
        cum = calls = 0
        for (filename, _, func), (cc, nc, tt, ct, callers) in st.stats.items():
            if _matches(fn, frag, func, filename):
                # cumulative time counted once per outermost frame: skip entries called by another match
                cum += ct
                calls += cc
        per[label] = {"ms_per_request": round(1000 * cum / n, 3), "calls_per_request": round(calls / n, 2)}
        if total is None:
            total = cum
    for v in per.values():
        v["pct_of_request"] = round(100 * v["ms_per_request"] / (1000 * total / n), 1) if total else None
    queries = count_queries(send, n=50)
    import shutil

    shutil.rmtree(data_dir, ignore_errors=True)
    return {"vendor": vendor, "n": n, "plain_ms_per_request": round(1000 * plain / n, 3),
            "profiled_ms_per_request": round(1000 * profiled / n, 3), "pstats": str(pfile.relative_to(ROOT)),
            "queries": queries, "buckets": per, "top_cumulative": top(st, 40), "top_tottime": top(st, 25, "tottime")}


def count_queries(send, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        for i in range(n):
            send(i, "q")
    sqls = [q["sql"] for q in ctx.captured_queries]
    kinds = {}
    for s in sqls:
        head = s.split()[0].upper()
        table = ""
        for word in ("FROM", "INTO", "UPDATE"):
            if f"{word} " in s:
                table = s.split(f"{word} ", 1)[1].split()[0].strip('"')
                break
        key = f"{head} {table}".strip()
        kinds[key] = kinds.get(key, 0) + 1
    return {"per_request": round(len(sqls) / n, 2),
            "by_kind_per_request": {k: round(v / n, 2) for k, v in sorted(kinds.items(), key=lambda x: -x[1])}}


def top(st, k, key="cumulative"):
    rows = []
    idx = 3 if key == "cumulative" else 2
    items = sorted(st.stats.items(), key=lambda kv: -kv[1][idx])[:k]
    for (filename, line, func), (cc, nc, tt, ct, _) in items:
        short = filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
        rows.append({"func": f"{short}:{line}({func})", "calls": nc, "tottime_s": round(tt, 3),
                     "cumtime_s": round(ct, 3)})
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    p.add_argument("-n", type=int, default=1000, help="profiled submissions (default 1000)")
    p.add_argument("--warm", type=int, default=300, help="unprofiled warm-up submissions (default 300)")
    p.add_argument("--collapsed", help="summarise a py-spy --format raw file instead")
    args = p.parse_args()
    if args.collapsed:
        res = summarise_collapsed(args.collapsed)
        for k, v in res["buckets"].items():
            print(f"{v['pct_of_request']:6.1f}%  {v['samples']:>7}  {k}")
        return
    res = cprofile_run(args.db, args.n, args.warm)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = ROOT / "bench" / "out" / f"profile-intake-{args.db}-{stamp}.json"
    path.write_text(json.dumps(res, indent=2, ensure_ascii=False))
    print(f"{args.db}: {res['plain_ms_per_request']} ms/request unprofiled, "
          f"{res['profiled_ms_per_request']} ms profiled; {res['queries']['per_request']} SQL queries/request")
    print(f"{'ms/req':>8} {'%req':>6} {'calls':>6}  bucket (inclusive)")
    for k, v in res["buckets"].items():
        print(f"{v['ms_per_request']:8.3f} {v['pct_of_request']:6.1f} {v['calls_per_request']:6.2f}  {k}")
    print("queries per request by kind:")
    for k, v in res["queries"]["by_kind_per_request"].items():
        print(f"  {v:5.2f}  {k}")
    print("top tottime:")
    for r in res["top_tottime"][:15]:
        print(f"  {r['tottime_s']:7.3f}s {r['calls']:>8}  {r['func']}")
    print(f"results: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
