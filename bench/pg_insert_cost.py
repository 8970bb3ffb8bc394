#!/usr/bin/env python3
"""Where PostgreSQL spends an import's insert: EXPLAIN ANALYZE of inserting N copies of existing cases
into cases_case with every foreign key checked immediately, inside a transaction that is rolled back.

    .venv/bin/python bench/pg_insert_cost.py [--db ombud_bench] [-n 20000]

Run it on a database that already holds imported cases (bench/intake.py leaves ombud_bench behind).
It prints the plan's insert time and each constraint trigger's time and call count.
"""
import argparse

import psycopg


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--db", default="ombud_bench")
    p.add_argument("-n", type=int, default=20000)
    args = p.parse_args()
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{args.db}") as conn:
        cols = [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases_case' "
            "ORDER BY ordinal_position")]
        select = []
        for c in cols:
            if c == "id":
                select.append("id + 100000000")
            elif c == "ticket":
                select.append("lpad((id + 100000000)::text, 13, '9')")
            elif c == "external_id":
                select.append("external_id || '-copy'")
            else:
                select.append(c)
        (top,) = conn.execute("SELECT max(id) FROM cases_case").fetchone()
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        sql = (f"EXPLAIN (ANALYZE, BUFFERS) INSERT INTO cases_case ({', '.join(cols)}) "
               f"SELECT {', '.join(select)} FROM cases_case WHERE id > {top - args.n} AND source IS NOT NULL")
        plan = [r[0] for r in conn.execute(sql)]
        conn.rollback()
    print("\n".join(plan))


if __name__ == "__main__":
    main()
