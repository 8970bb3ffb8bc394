#!/usr/bin/env python3
"""Durability check: kill -9 gunicorn workers during a sustained single-case load, then check that
every case whose 201 the client received is in the database.

    .venv/bin/python bench/durability.py                         # PostgreSQL, 3 sync workers, 8 clients, 30 s,
                                                                 # one worker killed every 6 s
    .venv/bin/python bench/durability.py --db sqlite --kills 3

The client is Python (http.client, keep-alive, one process per connection) so it knows exactly which
Idempotency-Key got a 201. Afterwards: acknowledged keys missing from cases_case = acknowledged
submissions lost (must be 0); keys in the database that never got a 201 (the request was cut off by the
kill after the commit) are reported too, they are allowed. Writes bench/out/durability-<timestamp>.json.
"""
import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake import OUT, ROOT, Server, Target, api_key, log, machine, post_stream  # noqa: E402


def client(url, token, prefix, idx, seconds, start_at, queue):
    acked, other, errors, sent = [], {}, 0, 0
    for key, status, _took in post_stream(url, token, prefix, idx, seconds, start_at):
        sent += 1
        if status == 201:
            acked.append(key)
        elif status is None:
            errors += 1  # the worker died under this request: not acknowledged
        else:
            other[status] = other.get(status, 0) + 1
    queue.put((acked, other, errors, sent))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "pg"], default="pg")
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--seconds", type=int, default=30)
    p.add_argument("--kills", type=int, default=4, help="workers killed with SIGKILL, evenly spread (default 4)")
    args = p.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    target = Target(args.db)
    result = {"started": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "args": vars(args),
              "machine_before": machine()}
    try:
        target.create()
        token = api_key(target)
        server = Server(target, args.workers, "sync", 1)
        prefix = f"dur-{time.time_ns()}"
        ctx = mp.get_context("fork")
        queue = ctx.Queue()
        start_at = time.time() + 1.0
        procs = [ctx.Process(target=client, args=(server.url, token, prefix, i, args.seconds, start_at, queue))
                 for i in range(args.connections)]
        for proc in procs:
            proc.start()
        kills = []
        try:
            step = args.seconds / (args.kills + 1)
            for k in range(args.kills):
                time.sleep(max(0.0, start_at + step * (k + 1) - time.time()))
                pids = server.worker_pids()
                if not pids:
                    continue
                victim = pids[k % len(pids)]
                os.kill(victim, signal.SIGKILL)
                kills.append({"at_s": round(time.time() - start_at, 2), "pid": victim})
                log(f"kill -9 worker {victim} at {kills[-1]['at_s']} s")
            results = [queue.get() for _ in procs]
            for proc in procs:
                proc.join()
            time.sleep(2)
        finally:
            server.stop()
        acked = [k for r in results for k in r[0]]
        other = {}
        for r in results:
            for s, n in r[1].items():
                other[str(s)] = other.get(str(s), 0) + n
        conn = target.connect()
        try:
            if target.name == "pg":
                rows = conn.execute("SELECT idempotency_key FROM cases_case WHERE idempotency_key LIKE %s",
                                    (prefix + "-%",)).fetchall()
            else:
                rows = conn.execute("SELECT idempotency_key FROM cases_case WHERE idempotency_key LIKE ?",
                                    (prefix + "-%",)).fetchall()
        finally:
            conn.close()
        in_db = {r[0] for r in rows}
        lost = sorted(set(acked) - in_db)
        result.update(
            kills=kills, requests_sent=sum(r[3] for r in results), acknowledged_201=len(acked),
            non201=other, client_errors=sum(r[2] for r in results), cases_in_db=len(in_db),
            acknowledged_lost=len(lost), lost_keys=lost[:50],
            committed_not_acknowledged=len(in_db - set(acked)), duplicate_acks=len(acked) - len(set(acked)),
        )
    finally:
        target.drop()
    result["machine_after"] = machine()
    path = OUT / f"durability-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print(f"{args.db}: {len(result['kills'])} worker(s) killed with SIGKILL during {args.seconds} s of load "
          f"({args.connections} clients, {args.workers} sync workers)")
    print(f"  requests sent {result['requests_sent']}, 201s received {result['acknowledged_201']}, "
          f"other statuses {result['non201']}, client errors (connection cut) {result['client_errors']}")
    print(f"  cases in db for these keys {result['cases_in_db']}; committed but not acknowledged "
          f"{result['committed_not_acknowledged']}")
    print(f"  ACKNOWLEDGED SUBMISSIONS LOST: {result['acknowledged_lost']}")
    print(f"results: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
