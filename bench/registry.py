#!/usr/bin/env python3
"""The public commitment-registry search at national size: 1,500,000 pledges (≈1.8 M shops) in PostgreSQL.

    .venv/bin/python bench/registry.py                       # 1,500,000 pledges (the 2027 plan)
    .venv/bin/python bench/registry.py --entries 50000       # a quick run
    .venv/bin/python bench/registry.py --reuse -n 300        # measure again on the database left behind

The database `ombud_registry` is dropped, migrated and filled with COPY (businesses, pledges, shops spread over
every county; 85 % listed, 10 % pending, 5 % revoked). It then times `ombud.commitments.selectors.search` (the
ORM query the public page runs, with its partial indexes), and the whole public page through Django's stack, for:

  county             one county, one registry or both
  province+category  one province and one goods/service category
  name               the start of a trade name, nationwide (e.g. 鸿运 for 上海浦东鸿运家电销售有限公司)
  county+name        any part of a name inside one county

Beside each, in the same run and database, two references: the same SQL with index scans turned off (what the
query costs without the indexes), and the naive query a first version would write (join the region table on
`path LIKE 'x%'`, `ILIKE '%name%'` on the pledge), both with the same LIMIT. Figures are p50/p95 in ms.
"""
import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgresql://postgres@127.0.0.1:5432"
DB = "ombud_registry"
URL = f"{SERVER}/{DB}"

# Trade names are two characters from here (≈40,000 pairs), the way 字号 are mostly formed.
CHARS = ("鸿运华联金鑫福瑞祥和美佳百盛恒通达兴隆昌泰丰源宏图永信诚德顺安康乐天宝新世纪东方明珠长城海韵星月光"
         "辉锦绣云龙凤春秋红叶绿竹青松白桦紫荆银杏万家千禧一品优家惠民利群益众汇丰盈嘉禾润泽")
TRADES = ["家电销售", "服饰", "百货", "超市", "鞋业", "数码", "家具", "化妆品", "眼镜", "母婴用品", "珠宝", "建材",
          "通讯器材", "体育用品", "食品", "钟表", "箱包", "电脑"]
FORMS = ["有限公司", "商行", "经营部", "店"]


START = time.perf_counter()


def log(msg):
    print(f"[{time.perf_counter() - START:7.1f}s] {msg}", flush=True)  # elapsed: Django's setup moves the TZ


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


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


def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _copy(conn, table, rows, cols):
    with conn.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_text(v) for v in row])


def _places():
    """Counties (and prefecture-level cities without counties) as (code, path, province short name, short name)."""
    from ombud.regions.address import short_name
    from ombud.regions.models import Region

    parents = set(Region.objects.exclude(parent=None).values_list("parent_id", flat=True))
    names = dict(Region.objects.filter(level=1).values_list("path", "name"))
    return [(r.code, r.path, short_name(names.get(r.path[:2], "")), short_name(r.name))
            for r in Region.objects.filter(active=True, level__in=(2, 3)).order_by("code")
            if r.level == 3 or r.code not in parents]


def fill(n, seed=7):
    """COPY n pledges with their businesses and 1–3 shops each; returns what the queries pick from."""
    from django.db import connection

    from ombud.businesses.services import register_business
    from ombud.commitments import services
    from ombud.taxonomy.selectors import active_codes

    rng = random.Random(seed)
    places = _places()
    categories = sorted(active_codes("category"))
    rules = {r: services.rule_for(registry=r).pk for r in ("assured", "returns")}
    template = register_business(name="模板商行", registered_address="上海市浦东新区张江路1号")
    conn = connection.connection
    cur = conn.execute("SELECT * FROM businesses_business WHERE id = %s", (template.pk,))
    bcols = [d.name for d in cur.description]
    brow = dict(zip(bcols, cur.fetchone()))
    now = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    businesses, pledges, shops = [], [], []
    shop_id = 0
    for i in range(n):
        pid = i + 1
        code, path, province, county = places[rng.randrange(len(places))]
        trade = rng.choice(CHARS) + rng.choice(CHARS)
        name = f"{province}{county}{trade}{rng.choice(TRADES)}{rng.choice(FORMS)}"
        key, brand = services.keys(name)
        businesses.append({**brow, "id": template.pk + pid, "name": name, "name_key": key, "uscc": None,
                           "created_at": now})
        draw = rng.random()
        status = "approved" if draw < 0.85 else ("pending" if draw < 0.95 else "revoked")
        registry = "returns" if rng.random() < 0.6 else "assured"
        category = rng.choice(categories)
        applied = now - dt.timedelta(days=rng.randrange(1, 700))
        approved = applied + dt.timedelta(days=3) if status != "pending" else None
        nshops = 1 if rng.random() < 0.85 else rng.choice((2, 3))
        at = [(code, path)] + [places[rng.randrange(len(places))][:2] if rng.random() < 0.3 else (code, path)
                               for _ in range(nshops - 1)]
        common = os.path.commonprefix([p for _c, p in at])
        pledges.append([pid, template.pk + pid, name, registry, status, category, "店内商品七日内无理由退货",
                        rng.choice((7, 15, 30)) if registry == "returns" else None, "定制商品", common[:len(common) // 2 * 2],
                        rules[registry], applied, None, approved, None, now if status == "revoked" else None, ""])
        for c, p in at:
            shop_id += 1
            shops.append([shop_id, pid, "", f"{province}{county}人民路{rng.randrange(1, 999)}号", c, p[:2], p[:4],
                          registry, category, status == "approved", key, brand])
    log(f"generated {n:,} pledges, {len(shops):,} shops in {time.perf_counter() - t0:.1f}s")
    t0 = time.perf_counter()
    _copy(conn, "businesses_business", ([b[c] for c in bcols] for b in businesses), bcols)
    _copy(conn, "commitments_commitment", pledges,
          ["id", "business_id", "name", "registry", "status", "category", "scope", "days", "excluded", "region_path",
           "rule_id", "applied_at", "applied_by_id", "approved_at", "decided_by_id", "ended_at", "reason"])
    _copy(conn, "commitments_shop", shops,
          ["id", "commitment_id", "name", "address", "county_id", "province", "prefecture", "registry", "category",
           "listed", "name_key", "brand_key"])
    for table in ("businesses_business", "commitments_commitment", "commitments_shop"):
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    conn.commit()
    log(f"copied them in {time.perf_counter() - t0:.1f}s")
    conn.autocommit = True
    for table in ("businesses_business", "commitments_commitment", "commitments_shop"):
        conn.execute(f"VACUUM ANALYZE {table}")
    conn.autocommit = False


def _listed_sample(rng, k):
    """k listed shops at random (by id range, not ORDER BY random() over the table)."""
    from ombud.commitments.models import Shop

    top = Shop.objects.order_by("-id").values_list("id", flat=True).first()
    out = []
    while len(out) < k:
        row = (Shop.objects.filter(listed=True, id__gte=rng.randrange(1, top + 1)).order_by("id")
               .values("county_id", "province", "prefecture", "category", "registry", "brand_key", "name_key").first())
        if row:
            out.append(row)
    return out


def _timed(fn, args):
    out = []
    for a in args:
        t0 = time.perf_counter()
        fn(a)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _sql_of(call):
    """The SQL the ORM ran for `call()` (psycopg binds on the client, so it is the text the server saw)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        call()
    return q.captured_queries[0]["sql"]


def _run_sql(sql, seq=False):
    from django.db import connection

    with connection.cursor() as cur:
        if seq:
            cur.execute("SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off")
        cur.execute(sql)
        cur.fetchall()
        if seq:
            cur.execute("RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan")


NAIVE = """SELECT s.id, c.name, s.address FROM commitments_shop s JOIN commitments_commitment c ON c.id = s.commitment_id
JOIN regions_region r ON r.code = s.county_id WHERE c.status = 'approved' {where} ORDER BY s.id DESC LIMIT 21"""


def measure(n):
    from django.test import Client

    from ombud.commitments import selectors
    from ombud.regions.models import Region

    rng = random.Random(11)
    sample = _listed_sample(rng, n)
    regions = {r.code: r for r in Region.objects.all()}
    by_path = {r.path: r for r in regions.values()}
    client = Client()

    def county(s):
        return {"region": regions[s["county_id"]], "registry": s["registry"] if rng.random() < 0.5 else ""}

    def province(s):
        return {"region": by_path[s["province"]], "category": s["category"]}

    def name(s):
        return {"q": s["brand_key"][:2]}

    def county_name(s):
        return {"region": regions[s["county_id"]], "q": s["brand_key"][2:6]}

    def naive(kind, s):
        if kind == "county":
            return NAIVE.format(where=f"AND r.path LIKE '{regions[s['county_id']].path}%'")
        if kind == "province+category":
            return NAIVE.format(where=f"AND r.path LIKE '{s['province']}%' AND c.category = '{s['category']}'")
        if kind == "name":
            return NAIVE.format(where=f"AND c.name ILIKE '%{s['brand_key'][:2]}%'")
        return NAIVE.format(where=f"AND r.path LIKE '{regions[s['county_id']].path}%' "
                                  f"AND c.name ILIKE '%{s['brand_key'][2:6]}%'")

    def page_params(kw):
        region = kw.get("region")
        return {"where": region.code if region else "", "registry": kw.get("registry", ""),
                "category": kw.get("category", ""), "q": kw.get("q", "")}

    rows = []
    for label, make in (("county", county), ("province+category", province), ("name", name),
                        ("county+name", county_name)):
        kws = [make(s) for s in sample]
        for kw in kws[:5]:
            selectors.search(**kw)  # warm the caches
        search = _timed(lambda kw: selectors.search(**kw), kws)
        page = _timed(lambda kw: client.get("/commitments/", page_params(kw)), kws)
        sqls = [_sql_of(lambda kw=kw: selectors.search(**kw)) for kw in kws]
        noindex = _timed(lambda sql: _run_sql(sql, seq=True), sqls)
        plain = _timed(_run_sql, [naive(label, s) for s in sample])
        found = statistics.mean(len(selectors.search(**kw)[0]) for kw in kws[:50])
        rows.append((label, search, page, noindex, plain, found))
    return rows


def explain():
    """The plans of one query of each kind, to show which index serves it."""
    from django.db import connection

    from ombud.commitments import selectors
    from ombud.regions.models import Region

    county, province = Region.objects.get(code="310115"), Region.objects.get(code="310000")
    for label, kw in (("county", {"region": county}), ("province+category", {"region": province, "category": "food"}),
                      ("name", {"q": "鸿运"}), ("county+name", {"region": county, "q": "家电"})):
        sql = _sql_of(lambda kw=kw: selectors.search(**kw))
        with connection.cursor() as cur:
            cur.execute("EXPLAIN " + sql)
            plan = [r[0].strip() for r in cur.fetchall()]
        print(f"  {label:<18} " + " | ".join(p for p in plan if "Scan" in p or "Sort" in p))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--entries", type=int, default=1_500_000)
    p.add_argument("--reuse", action="store_true", help="measure the database an earlier run left behind")
    p.add_argument("-n", type=int, default=200, help="queries of each kind")
    args = p.parse_args()
    if not args.reuse:
        log(f"rebuilding {DB}")
        rebuild()
    setup_django()
    if not args.reuse:
        fill(args.entries)
    from ombud.commitments.models import Commitment, Shop

    entries, shops = Commitment.objects.count(), Shop.objects.count()
    listed = Shop.objects.filter(listed=True).count()
    log(f"{entries:,} pledges, {shops:,} shops ({listed:,} listed); {args.n} queries of each kind")
    print("plans:")
    explain()
    rows = measure(args.n)
    print(f"\n{'query':<18} {'rows':>5} | {'search() p50':>12} {'p95':>7} | {'page p50':>8} {'p95':>7} | "
          f"{'no index p50':>12} {'p95':>7} | {'naive p50':>9} {'p95':>7}")
    for label, search, page, noindex, plain, found in rows:
        print(f"{label:<18} {found:>5.1f} | {percentile(search, 50):>12.2f} {percentile(search, 95):>7.2f} | "
              f"{percentile(page, 50):>8.2f} {percentile(page, 95):>7.2f} | {percentile(noindex, 50):>12.2f} "
              f"{percentile(noindex, 95):>7.2f} | {percentile(plain, 50):>9.2f} {percentile(plain, 95):>7.2f}")
    print("\nms; search() = the ORM query of the public page; page = GET /commitments/ through Django (templates, "
          "counts of breaches and ratings); no index = the same SQL with index scans off; naive = a join on "
          "region path LIKE and ILIKE '%name%'.")


if __name__ == "__main__":
    main()
