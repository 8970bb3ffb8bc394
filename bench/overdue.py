#!/usr/bin/env python3
"""The overdue job over a national backlog: 1,000,000 open cases, each with a running clock, on PostgreSQL.

    .venv/bin/python bench/overdue.py                 # 1,000,000 open cases; 0, 10,000 and 100,000 overdue
    .venv/bin/python bench/overdue.py --cases 100000 --overdue 0,1000,10000   # a quick run

For each number of overdue clocks it times `ombud.workflow.escalation.escalate_overdue()` (claim,
events, digests to supervisors), then the same call again (idempotent: nothing left to do), and
beside it, in the same run and database, a reference: the same claim and events done by two bare
SQL statements (UPDATE … RETURNING, INSERT … SELECT) with no Python in between.

The database `ombud_bench_overdue` is dropped and rebuilt each run.
"""
import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DB = "ombud_bench_overdue"
SERVER = "postgresql://postgres@127.0.0.1:5432"
URL = f"{SERVER}/{DB}"
AUTHORITIES = 300  # counties the backlog is spread over, each with one supervisor


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def rebuild():
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    subprocess.run([str(ROOT / ".venv/bin/ombud"), "migrate", "--noinput", "-v0"], check=True,
                   env={**os.environ, "DATABASE_URL": URL})


def setup_django():
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombud.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def template_case():
    """One real complaint through the intake service: the row the backlog copies."""
    from ombud.intake.schemas import CaseIn
    from ombud.intake.services import Actor, submit

    data = CaseIn.model_validate({
        "kind": "complaint", "channel": "web",
        "complainant": {"name": "张三", "phone": "13800138000", "address": "上海市徐汇区漕溪北路1号"},
        "respondent": {"name": "上海浦东鸿运家电销售有限公司", "address": "上海市浦东新区张江路100号"},
        "request": "退货退款", "facts": "冰箱不制冷", "category": "household_electronics", "issue_type": "quality"})
    return submit(data=data, actor=Actor()).case


def staff(authority_ids):
    from django.contrib.auth import get_user_model

    from ombud.accounts.models import Profile

    User = get_user_model()
    for i, aid in enumerate(authority_ids):
        user = User.objects.create_user(f"sup{i}", email=f"sup{i}@bench.example", password=None)
        Profile.objects.create(user=user, role="supervisor", authority_id=aid)


def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def fill(conn, template_id, n, authority_ids):
    """COPY n copies of the template case and one running acceptance clock each."""
    from ombud.cases.tickets import luhn_digit

    cur = conn.execute("SELECT * FROM cases_case WHERE id = %s", (template_id,))
    cols = [d.name for d in cur.description]
    row = dict(zip(cols, cur.fetchone()))
    (clock_id,) = conn.execute("SELECT max(id) FROM workflow_casedeadline").fetchone()
    now = dt.datetime.now(dt.timezone.utc)
    base = template_id + 1
    rng = random.Random(7)
    t0 = time.perf_counter()
    with conn.cursor().copy(f"COPY cases_case ({', '.join(cols)}) FROM STDIN") as copy:
        for i in range(n):
            received = now - dt.timedelta(minutes=rng.randrange(0, 6 * 24 * 60))
            body = f"9{(base + i) % 10**11:011d}"
            values = {**row, "id": base + i, "ticket": body + luhn_digit(body), "received_at": received,
                      "created_at": received, "authority_id": authority_ids[i % len(authority_ids)],
                      "idempotency_scope": None, "idempotency_key": None, "external_id": None}
            copy.write_row([_text(values[c]) for c in cols])
    clock_cols = ["id", "case_id", "step", "article", "unit", "days", "extended", "started_at", "due", "provisional",
                  "pauses"]
    with conn.cursor().copy(f"COPY workflow_casedeadline ({', '.join(clock_cols)}) FROM STDIN") as copy:
        for i in range(n):
            copy.write_row([str(clock_id + 1 + i), str(base + i), "acceptance", "R2026 Art. 15", "working", "7", "f",
                            str(now - dt.timedelta(days=1)), str(now + dt.timedelta(days=9)), "f", "[]"])
    conn.execute("UPDATE cases_case SET next_due = d.due FROM workflow_casedeadline d "
                 "WHERE d.case_id = cases_case.id AND cases_case.id >= %s", (base,))
    conn.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", (base + n,))
    conn.execute("SELECT setval(pg_get_serial_sequence('workflow_casedeadline', 'id'), %s)", (clock_id + n + 1,))
    conn.commit()
    log(f"copied {n:,} open cases and clocks in {time.perf_counter() - t0:.1f}s")
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE cases_case")
    conn.execute("VACUUM ANALYZE workflow_casedeadline")
    conn.autocommit = False


def reset(conn, overdue):
    """Make exactly `overdue` running clocks overdue, none escalated, and forget earlier runs' output."""
    now = dt.datetime.now(dt.timezone.utc)
    conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
    conn.execute("ALTER TABLE cases_caseevent DISABLE TRIGGER USER")  # the append-only guard, for the bench only
    conn.execute("DELETE FROM cases_caseevent WHERE action = 'deadline_overdue'")
    conn.execute("ALTER TABLE cases_caseevent ENABLE TRIGGER USER")
    conn.execute("DELETE FROM notify_message")
    conn.execute("UPDATE workflow_casedeadline SET escalated_at = NULL, due = %s WHERE escalated_at IS NOT NULL "
                 "OR due <= %s", (now + dt.timedelta(days=9), now))
    conn.execute("UPDATE workflow_casedeadline SET due = %s WHERE id IN (SELECT id FROM workflow_casedeadline "
                 "ORDER BY id DESC LIMIT %s)", (now - dt.timedelta(hours=1), overdue))
    conn.commit()
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE workflow_casedeadline")
    conn.execute("VACUUM ANALYZE cases_caseevent")
    conn.autocommit = False


REFERENCE = """
WITH claimed AS (
  UPDATE workflow_casedeadline SET escalated_at = %(now)s
  WHERE met_at IS NULL AND paused_at IS NULL AND escalated_at IS NULL AND due <= %(now)s
  RETURNING id, case_id, step, due, article
)
INSERT INTO cases_caseevent (case_id, at, action, actor_label, from_status, to_status, authority_id, reason,
                             article, data)
SELECT c.case_id, %(now)s, 'deadline_overdue', 'system', k.status, k.status, k.authority_id,
       'the ' || c.step || ' period ran out', c.article, jsonb_build_object('step', c.step, 'due', c.due)
FROM claimed c JOIN cases_case k ON k.id = c.case_id
"""


def reference(conn):
    now = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    cur = conn.execute(REFERENCE, {"now": now})
    conn.commit()
    return time.perf_counter() - t0, cur.rowcount


def job():
    from django.db import connection

    from ombud.workflow.escalation import escalate_overdue

    t0 = time.perf_counter()
    n = escalate_overdue()
    elapsed = time.perf_counter() - t0
    connection.close()
    return elapsed, n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--overdue", default="0,10000,100000")
    args = p.parse_args()
    levels = [int(x) for x in args.overdue.split(",")]
    log(f"rebuilding {DB}")
    rebuild()
    setup_django()
    from ombud.regions.models import Authority

    template = template_case()
    authority_ids = list(Authority.objects.filter(level=3, active=True).order_by("code")
                         .values_list("id", flat=True)[:AUTHORITIES])
    staff(authority_ids)
    conn = psycopg.connect(URL)
    fill(conn, template.pk, args.cases, authority_ids)
    (open_clocks,) = conn.execute("SELECT count(*) FROM workflow_casedeadline WHERE met_at IS NULL").fetchone()
    results = []
    for overdue in levels:
        reset(conn, overdue)
        first, n = job()
        second, again = job()
        messages = conn.execute("SELECT count(*) FROM notify_message WHERE template = 'overdue_digest'").fetchone()[0]
        reset(conn, overdue)
        ref, ref_n = reference(conn)
        results.append((overdue, first, n, second, again, messages, ref, ref_n))
        log(f"{overdue:,} overdue: job {first:.2f}s ({n:,} escalated, {messages} digests), again {second:.3f}s "
            f"({again}), bare SQL {ref:.2f}s ({ref_n:,})")
    (version,) = conn.execute("SHOW server_version").fetchone()
    print(f"\nOverdue job, PostgreSQL {version}, {open_clocks:,} open clocks on {args.cases:,} open cases "
          f"over {len(authority_ids)} authorities:\n")
    print("| overdue clocks | job (escalated, digests) | second run (escalated) | reference: bare SQL claim + events |")
    print("|---|---|---|---|")
    for overdue, first, n, second, again, messages, ref, ref_n in results:
        print(f"| {overdue:,} | {first:.3f} s ({n:,}, {messages}) | {second:.3f} s ({again}) | {ref:.3f} s ({ref_n:,}) |")


if __name__ == "__main__":
    main()
