#!/usr/bin/env python3
"""Server time of the handler's queue and case page with 1,000,000 cases in PostgreSQL.

    .venv/bin/python bench/pages.py                  # builds ombud_bench_overdue (1,000,000 cases) first
    .venv/bin/python bench/pages.py --reuse          # reuses the database bench/overdue.py left behind
    .venv/bin/python bench/pages.py --cases 100000   # a quick run

Requests go through Django's full stack in-process (middleware, session, templates, the ORM on
PostgreSQL over TCP), timed from the request to the rendered response; no network client is in
the figure. Beside each page, in the same run and database, the reference is the page's main
query run as bare SQL (psycopg, no ORM), and a trivial page (/healthz: one `SELECT 1`).
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import overdue  # noqa: E402  (the 1M-case builder)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fn, n):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def prepare(county_id):
    """A handler of one county, and 200 of its cases moved on through the real workflow."""
    from django.contrib.auth import get_user_model

    from ombud.accounts.models import Profile
    from ombud.cases.models import Case
    from ombud.intake.services import Actor
    from ombud.workflow.services import perform

    user, _ = get_user_model().objects.get_or_create(username="bench-handler")
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"role": "handler", "authority_id": county_id})
    actor = Actor(role="handler", user=user, authority=profile.authority)
    tickets = list(Case.objects.filter(authority_id=county_id).order_by("id").values_list("ticket", flat=True)[:200])
    fresh = set(Case.objects.filter(ticket__in=tickets, status="received").values_list("ticket", flat=True))
    for i, ticket in enumerate(tickets):
        if ticket not in fresh:
            continue  # moved on by an earlier run (--reuse)
        perform(ticket=ticket, action="accept", actor=actor)
        if i % 2:
            perform(ticket=ticket, action="start_mediation", actor=actor, fields={
                "consent_complainant": True, "consent_respondent": True, "mode": "remote", "mediator": "李"})
    return user, tickets


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--reuse", action="store_true")
    p.add_argument("-n", type=int, default=300)
    args = p.parse_args()
    if not args.reuse:
        overdue.log(f"building {args.cases:,} open cases")
        overdue.rebuild()
        overdue.setup_django()
        from ombud.regions.models import Authority

        template = overdue.template_case()
        ids = list(Authority.objects.filter(level=3, active=True).order_by("code")
                   .values_list("id", flat=True)[:overdue.AUTHORITIES])
        import psycopg

        with psycopg.connect(overdue.URL) as conn:
            overdue.fill(conn, template.pk, args.cases, ids)
    else:
        overdue.setup_django()
    from django.db import connection
    from django.test import Client

    from ombud.cases.models import Case

    total = Case.objects.count()
    county = Case.objects.order_by("-id").values_list("authority_id", flat=True).first()
    if args.reuse:
        from ombud.accounts.models import Profile

        county = Profile.objects.filter(user__username="bench-handler").values_list("authority_id", flat=True).first() \
            or county
    in_county = Case.objects.filter(authority_id=county).count()
    user, tickets = prepare(county)
    client = Client()
    client.force_login(user)
    rng = random.Random(1)
    client.get("/desk/")  # warm caches, templates, connection
    results = {
        "queue (/desk/)": timed(lambda: client.get("/desk/"), args.n),
        "queue, overdue filter": timed(lambda: client.get("/desk/?view=overdue"), args.n),
        "queue, text search": timed(lambda: client.get("/desk/?q=冰箱"), args.n // 3),
        "case page (/desk/case/…)": timed(lambda: client.get(f"/desk/case/{rng.choice(tickets)}/"), args.n),
        "reference: /healthz": timed(lambda: client.get("/healthz"), args.n),
    }
    from ombud.cases.views import _queue
    from ombud.intake.services import Actor

    sql, params = _queue(Actor(role="handler", user=user, authority=user.profile.authority), {})[0][:51].query \
        .sql_with_params()
    with connection.cursor() as cur:
        def raw():
            cur.execute(sql, params)
            cur.fetchall()
        results["reference: the queue's query, bare SQL"] = timed(raw, args.n)
    print(f"\nHandler pages, PostgreSQL, {total:,} cases in the database, {in_county:,} in the handler's county; "
          f"n={args.n} requests each (in-process, full Django stack):\n")
    print("| page | p50 ms | p95 ms | p99 ms | mean ms |")
    print("|---|---|---|---|---|")
    for name, values in results.items():
        print(f"| {name} | {percentile(values, 50):.1f} | {percentile(values, 95):.1f} | {percentile(values, 99):.1f} "
              f"| {statistics.mean(values):.1f} |")


if __name__ == "__main__":
    main()
