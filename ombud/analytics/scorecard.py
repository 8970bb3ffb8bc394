"""The regional consumer-environment scorecard (消费环境评价), with its formula published beside every figure.

Seven indicators per region, each a stated formula over complaints handled by authorities in the region and
received in the period (figures from the analytical store, by month of receipt):

  complaints per 10,000 residents   complaints ÷ resident population × 10,000            lower is better
  acceptance timeliness             accepted or refused within 7 working days ÷ decided  higher is better
  closing timeliness                mediation ended within its period ÷ ended            higher is better
  mediation success                 ended in an agreement ÷ ended in agreement or termination
  amount recovered per complaint    ¥ recovered ÷ complaints
  satisfaction                      rated 4 or 5 ÷ finished complaints (unrated: not satisfied)
  ODR coverage                      sent to an ODR business ÷ complaints

The composite is 100 × Σ weight × scaled value ÷ Σ weight (over the indicators the region has a value for),
each indicator scaled 0–1 among the peers (the regions with the same parent), flipped where lower is better.
Which indicators count, their weights and the scaling are data: analytics.models.ScorecardFormula.
Population exists only for provinces (7th census, calibration.PROVINCE_POPULATION): below that level the
per-10,000 figure is absent, and the composite leaves it out.
"""
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import calibration, selectors

NATION = "100000"
FINISHED = selectors.FINISHED
HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    formula: str
    better: str  # HIGHER or LOWER
    unit: str  # "%", "¥" or ""
    decimals: int

    def format(self, value):
        """The figure as the table and the CSV write it ("" for none)."""
        return "" if value is None else f"{value:.{self.decimals}f}"

    @property
    def heading(self):
        return _("%(label)s (%(unit)s)") % {"label": self.label, "unit": self.unit} if self.unit else str(self.label)


INDICATORS = {i.key: i for i in [
    Indicator("complaints_per_10k", gettext_lazy("complaints per 10,000 residents"),
              gettext_lazy("complaints ÷ resident population (7th national census, 2020) × 10,000; "
                           "province level only"), LOWER, "", 3),
    Indicator("acceptance_timeliness", gettext_lazy("acceptance timeliness"),
              gettext_lazy("complaints whose acceptance was decided within its statutory period ÷ complaints "
                           "whose acceptance was decided × 100%"), HIGHER, "%", 1),
    Indicator("closing_timeliness", gettext_lazy("closing timeliness"),
              gettext_lazy("complaints whose mediation ended within its statutory period ÷ complaints whose "
                           "mediation ended × 100%"), HIGHER, "%", 1),
    Indicator("mediation_success", gettext_lazy("mediation success"),
              gettext_lazy("complaints whose mediation ended in an agreement ÷ complaints whose mediation ended "
                           "in an agreement or a termination × 100%"), HIGHER, "%", 1),
    Indicator("recovered_per_complaint", gettext_lazy("amount recovered per complaint"),
              gettext_lazy("money recovered for consumers ÷ complaints"), HIGHER, "¥", 2),
    Indicator("satisfaction", gettext_lazy("satisfaction"),
              gettext_lazy("finished complaints rated 4 or 5 ÷ finished complaints (closed, refused or "
                           "withdrawn) × 100%; an unrated complaint counts as not satisfied"), HIGHER, "%", 1),
    Indicator("odr_coverage", gettext_lazy("ODR coverage"),
              gettext_lazy("complaints sent to an ODR business to settle ÷ complaints × 100%"), HIGHER, "%", 1),
]}
DIRECTIONS = {HIGHER: gettext_lazy("higher is better"), LOWER: gettext_lazy("lower is better")}
NORMALISATIONS = {
    "minmax": gettext_lazy("min-max among peers: (value − lowest) ÷ (highest − lowest), or (highest − value) ÷ "
                           "(highest − lowest) where lower is better; 0.5 when all peers are equal."),
    "rank": gettext_lazy("rank among peers: the share of the other peers the region does better than (a tie "
                         "counts half); 0.5 for a region without peers."),
}
SORTS = ("code", "name", "n", "composite", "rank", *INDICATORS)


def population(code):
    """Resident population in 10,000 persons: a province's, or the nation's (their sum); None below."""
    if code == NATION:
        return sum(calibration.PROVINCE_POPULATION.values())
    if code and code.endswith("0000"):
        return calibration.PROVINCE_POPULATION.get(code[:2])
    return None


# ---- the formula -----------------------------------------------------------------------------

def current_formula(version=None):
    """The active formula with the highest version (or the version asked for); None if there is none."""
    from .models import ScorecardFormula

    formulas = ScorecardFormula.objects.all()
    if version is not None:
        return formulas.filter(version=version).first()
    return formulas.filter(active=True).order_by("-version").first()


def used_indicators(formula):
    """The formula's indicators in the published order, each with its weight and its share of the total."""
    weights = {k: float(v) for k, v in (formula.weights or {}).items() if k in INDICATORS}
    total = sum(weights.values()) or 1.0
    return [{"indicator": i, "key": k, "weight": weights[k], "share": round(100 * weights[k] / total, 1),
             "direction": DIRECTIONS[i.better]}
            for k, i in INDICATORS.items() if k in weights]


# ---- the figures -----------------------------------------------------------------------------

def _sql_list(values):
    return ", ".join(f"'{v}'" for v in values)  # constants of this module, never user input


EXTRA = {  # counts the outcome cube gives beyond store.MEASURES
    "agreements": "SUM(n) FILTER (WHERE outcome = 'agreement')",
    "mediation_ended": "SUM(n) FILTER (WHERE outcome IN ('agreement', 'terminated'))",
    "finished": f"SUM(n) FILTER (WHERE status IN ({_sql_list(FINISHED)}))",
    "satisfied": f"SUM(n) FILTER (WHERE status IN ({_sql_list(FINISHED)}) AND rating_handling >= 4)",
    "odr_lane": "SUM(n) FILTER (WHERE odr_lane)",
}


def measures(region, start, end, *, own=False):
    """{code: counts} of complaints for each child region of `region` (own=True: for `region` itself)."""
    column = None if own else selectors.CHILD_COLUMN[selectors._level(region)]
    sums = ", ".join(EXTRA.values())
    if own:
        base = {region: selectors.outcomes(region=region, start=start, end=end).rows}
        a = selectors.query("outcome", sums, region=region, start=start, end=end, extra="AND kind = 'complaint'")
        rows = {region: a.rows[0]} if a.rows else {}
    else:
        base = selectors.child_outcomes(region=region, start=start, end=end).rows
        a = selectors.query("outcome", f"{column}, {sums}", region=region, start=start, end=end,
                            extra="AND kind = 'complaint'", group=column)
        rows = {r[0]: r[1:] for r in a.rows}
    out = {}
    for code, m in base.items():
        if not (m.get("n") or 0):
            continue
        counts = {k: (v or 0) for k, v in m.items()}
        counts.update({k: int(v or 0) for k, v in zip(EXTRA, rows.get(code, [None] * len(EXTRA)))})
        out[code] = counts
    return out


def _ratio(num, den, scale=1.0):
    return None if not den else scale * float(num) / float(den)


def indicators(code, m):
    """{key: (value, numerator, denominator)} of every indicator for one region's counts."""
    n = int(m["n"])
    pop = population(code)
    return {
        "complaints_per_10k": (_ratio(n, pop), n, pop),
        "acceptance_timeliness": (_ratio(m["accept_on_time"], m["accept_decided"], 100), int(m["accept_on_time"]),
                                  int(m["accept_decided"])),
        "closing_timeliness": (_ratio(m["close_on_time"], m["close_decided"], 100), int(m["close_on_time"]),
                               int(m["close_decided"])),
        "mediation_success": (_ratio(m["agreements"], m["mediation_ended"], 100), m["agreements"],
                              m["mediation_ended"]),
        "recovered_per_complaint": (_ratio(m["recovered"], n), float(m["recovered"]), n),
        "satisfaction": (_ratio(m["satisfied"], m["finished"], 100), m["satisfied"], m["finished"]),
        "odr_coverage": (_ratio(m["odr_lane"], n, 100), m["odr_lane"], n),
    }


def _scale(values, better, method):
    """{code: 0..1} for the codes with a value; 1 is the best among the peers."""
    present = {c: v for c, v in values.items() if v is not None}
    if not present:
        return {}
    if method == "rank":
        n = len(present)
        out = {}
        for c, v in present.items():
            below = sum(1 for u in present.values() if u < v)
            ties = sum(1 for u in present.values() if u == v) - 1
            p = 0.5 if n == 1 else (below + ties / 2) / (n - 1)
            out[c] = p if better == HIGHER else 1 - p
        return out
    if method != "minmax":
        raise ValueError(f"unknown normalisation {method!r}")
    lo, hi = min(present.values()), max(present.values())
    if hi == lo:
        return dict.fromkeys(present, 0.5)
    return {c: ((v - lo) if better == HIGHER else (hi - v)) / (hi - lo) for c, v in present.items()}


def composite(rows, formula):
    """Set each row's "scaled", "composite" (0–100) and "rank" (1..n, by composite, ties by code)."""
    weights = {u["key"]: u["weight"] for u in used_indicators(formula)}
    scaled = {k: _scale({r["code"]: r["values"][k] for r in rows}, INDICATORS[k].better, formula.normalisation)
              for k in weights}
    for r in rows:
        r["scaled"] = {k: scaled[k].get(r["code"]) for k in weights}
        parts = [(w, r["scaled"][k]) for k, w in weights.items() if r["scaled"][k] is not None]
        total = sum(w for w, _s in parts)
        r["composite"] = None if not total else min(100.0, max(0.0, 100 * sum(w * s for w, s in parts) / total))
    order = sorted(rows, key=lambda r: (r["composite"] is None, -(r["composite"] or 0), r["code"]))
    for i, r in enumerate(order, start=1):
        r["rank"] = i
    return rows


def _looked_through(region):
    """The regions whose children are compared when `region` is asked for: itself, or the levels below it
    that only repeat it (a municipality: 310000 → 310100 is again 上海市, so its districts are compared)."""
    from ombud.regions.models import Region

    if selectors._level(region) >= 2 or region == NATION:
        return [region]
    name = Region.objects.filter(code=region).values_list("name", flat=True).first()
    repeats = list(Region.objects.filter(parent_id=region, name=name).values_list("code", flat=True))
    others = Region.objects.filter(parent_id=region).exclude(name=name).exists()
    return repeats if repeats and not others else [region]


def peer_rows(region, start, end, formula):
    """(rows, unplaced): a row per child region of `region` with its indicators, composite and rank, and
    the number of complaints handled above the children's level (in no row)."""
    counts, unplaced, parents = {}, 0, _looked_through(region)
    for parent in parents:
        for code, m in measures(parent, start, end).items():
            if not code or code in parents or code == region:
                unplaced += int(m["n"])
            else:
                counts[code] = m
    rows = []
    for code, m in counts.items():
        values = indicators(code, m)
        rows.append({"code": code, "n": int(m["n"]), "values": {k: v[0] for k, v in values.items()},
                     "parts": {k: (v[1], v[2]) for k, v in values.items()}})
    return composite(rows, formula), unplaced


def parent_of(region):
    """The region whose children are `region`'s peers (looking past a level that only repeats), or None."""
    from ombud.regions.models import Region

    if region == NATION:
        return None
    parent = Region.objects.filter(code=region).values_list("parent_id", flat=True).first()
    if parent is None or parent == NATION or selectors._level(region) == 1:
        return NATION
    while True:
        above = Region.objects.filter(code=parent).values_list("parent_id", "name").first()
        if not above or not above[0] or above[0] == NATION:
            return parent
        if Region.objects.filter(code=above[0], name=above[1]).exists():
            parent = above[0]  # `parent` only repeats the level above it
        else:
            return parent


def own_figures(region, start, end, formula):
    """The region's own indicators in the period, with its composite and rank among its peers (if any)."""
    parent = parent_of(region)
    rank = peers = None
    if parent is not None:
        rows, _unplaced = peer_rows(parent, start, end, formula)
        mine = next((r for r in rows if r["code"] == region), None)
        peers = len(rows)
        if mine is not None:
            return {**mine, "peers": peers}
    m = measures(region, start, end, own=True).get(region)
    values = indicators(region, m) if m else {}
    return {"code": region, "n": int(m["n"]) if m else 0, "values": {k: v[0] for k, v in values.items()},
            "parts": {k: (v[1], v[2]) for k, v in values.items()}, "composite": None, "rank": rank,
            "peers": peers}


# ---- periods ---------------------------------------------------------------------------------

def _year_back(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def quarters(start, end):
    """(label, first day, last day) of each calendar quarter from `start` to `end`, clipped to them."""
    out = []
    q = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while q <= end:
        nxt = dt.date(q.year + (q.month == 10), (q.month + 2) % 12 + 1, 1)
        label = _("%(year)s Q%(quarter)s") % {"year": q.year, "quarter": (q.month - 1) // 3 + 1}
        out.append((label, max(q, start), min(nxt - dt.timedelta(days=1), end)))
        q = nxt
    return out


def trend(region, start, end, formula):
    """The region's indicators, composite and rank: the same period a year earlier, this period, and each
    quarter from the start of the earlier period to the end of this one."""
    p_start, p_end = _year_back(start), _year_back(end)
    years = [("previous", _("the same period a year earlier"), p_start, p_end), ("current", _("this period"), start, end)]
    out = {"years": [], "quarters": []}
    for key, label, s, e in years:
        out["years"].append({"key": key, "label": label, "start": s, "end": e, **own_figures(region, s, e, formula)})
    for label, s, e in quarters(p_start, end):
        out["quarters"].append({"label": label, "start": s, "end": e, **own_figures(region, s, e, formula)})
    return out


# ---- the whole scorecard ---------------------------------------------------------------------

def build(region, start, end, formula, *, sort="rank", names=None):
    """Everything the page and the CSV show. `names`: {code: name} lookup (default: the region table)."""
    used = used_indicators(formula)
    rows, unplaced = peer_rows(region, start, end, formula) if selectors._level(region) < 3 else ([], 0)
    names = names or region_names([r["code"] for r in rows] + [region])
    for r in rows:
        r["name"] = names.get(r["code"], r["code"])
        r["cells"] = [u["indicator"].format(r["values"][u["key"]]) for u in used]
        r["shown"] = shown(r, used)
        r["composite_text"] = format_composite(r["composite"])
    rows = sort_rows(rows, sort, used)
    return {
        "region": region, "name": names.get(region, region), "start": start, "end": end, "formula": formula,
        "indicators": used, "rows": rows, "unplaced": unplaced,
        "no_population": any(u["key"] == "complaints_per_10k" for u in used)
                         and any(r["values"]["complaints_per_10k"] is None for r in rows),
        "normalisation": NORMALISATIONS.get(formula.normalisation, formula.normalisation),
    }


def _number(v):
    return f"{v:g}" if isinstance(v, float) else str(v)


def shown(row, used):
    """The cells of a row as the page shows them: heading, figure and, as a tooltip, its numerator ÷ denominator."""
    out = []
    for u in used:
        num, den = row["parts"].get(u["key"], (None, None))
        out.append({"label": u["indicator"].heading, "text": u["indicator"].format(row["values"].get(u["key"])),
                    "title": f"{_number(num)} ÷ {_number(den)}" if num is not None and den else ""})
    return out


def sort_rows(rows, sort, used):
    key = (sort or "rank").lstrip("-")
    if key not in SORTS:
        key = "rank"
    descending = (sort or "").startswith("-")

    def value(r):
        if key in ("code", "name", "n", "rank", "composite"):
            return r[key]
        return r["values"].get(key)

    present = [r for r in rows if value(r) is not None]
    missing = sorted((r for r in rows if value(r) is None), key=lambda r: r["rank"])
    present.sort(key=lambda r: (value(r), r["code"]), reverse=descending)
    return present + missing  # a region without the figure goes last, whichever the direction


def csv_table(card):
    """(header, rows) of the peer table, exactly as the page shows it ("" where the page shows —)."""
    header = [_("division code"), _("region"), _("complaints"),
              *[u["indicator"].heading for u in card["indicators"]], _("composite score (0–100)"), _("rank")]
    rows = [[r["code"], r["name"], r["n"], *r["cells"], format_composite(r["composite"]), r["rank"]]
            for r in card["rows"]]
    return header, rows


def format_composite(value):
    return "" if value is None else f"{value:.1f}"


def region_names(codes):
    from ombud.regions.models import Region

    out = dict(Region.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name"))
    out[NATION] = _("nation")
    return out
