"""The credit grade (信用等级) of a business: a pure function of its inputs and a published formula.

score = 100
        − w_complaints × min(complaints per year, complaints_cap)
        − w_mediation × (100 − mediation success %) / 100      (only with at least min_sample mediations ended)
        − w_satisfaction × (100 − satisfaction %) / 100        (only with at least min_sample ratings; the
                                                                unrated are in neither part of the share)
        − w_penalty × min(penalties in public view, penalties_cap)
        − w_breach × min(upheld commitment breaches shown, breaches_cap)
        + w_odr if the business is enrolled in ODR
clamped to [0, 100] and rounded to one decimal. The grade is the first threshold (highest minimum first) the
score reaches. A business on the serious-violation list (严重违法失信名单) gets the lowest grade whatever its score.

No Django here: the weights and thresholds come from a `CreditFormula` version, the inputs from the selectors.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WEIGHT_KEYS = ("complaints", "complaints_cap", "mediation", "satisfaction", "min_sample", "penalty", "penalties_cap",
               "breach", "breaches_cap", "odr")
INPUT_KEYS = ("complaints_per_year", "mediation", "satisfaction", "penalties", "breaches", "odr", "listed")


@dataclass(frozen=True)
class Part:
    key: str  # one of INPUT_KEYS
    value: object  # what went in (None: not known, or too few cases to count)
    points: float  # added to the score (negative: deducted)
    counted: bool  # False: shown, but left out of the score (too few cases, or no data)


@dataclass(frozen=True)
class Result:
    score: float
    grade: str
    parts: tuple
    forced: bool  # the serious-violation list set the grade, not the score


def tenth(x):
    """x to one decimal, halves away from zero (17.65 → 17.7), whatever the float's binary form."""
    return float(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) + 0.0


def per_year(n, days):
    """Complaints over `days` days, as a number per 365 days (one decimal)."""
    return tenth(n * 365 / days) if days > 0 else 0.0


def check(weights, thresholds):
    """What is wrong with a formula, as a list of (field, message template, params); [] when it is usable."""
    problems = []
    if not isinstance(weights, dict):
        problems.append(("weights", "Give an object with the weights: %(keys)s.", {"keys": ", ".join(WEIGHT_KEYS)}))
    else:
        missing = [k for k in WEIGHT_KEYS if k not in weights]
        unknown = sorted(set(weights) - set(WEIGHT_KEYS))
        bad = [k for k in WEIGHT_KEYS if k in weights and (isinstance(weights[k], bool)
                                                          or not isinstance(weights[k], (int, float)) or weights[k] < 0)]
        if missing or unknown:
            problems.append(("weights", "Give exactly these weights: %(keys)s.", {"keys": ", ".join(WEIGHT_KEYS)}))
        if bad:
            problems.append(("weights", "These weights must be numbers of 0 or more: %(keys)s.", {"keys": ", ".join(bad)}))
    rows = thresholds if isinstance(thresholds, list) else None
    if (not rows or not all(isinstance(r, (list, tuple)) and len(r) == 2 and isinstance(r[0], str) and r[0].strip()
                            and isinstance(r[1], (int, float)) and not isinstance(r[1], bool) for r in rows)):
        problems.append(("thresholds", 'Give a list of [grade, lowest score] pairs, e.g. [["A", 90], ["D", 0]].', {}))
    else:
        labels, mins = [r[0] for r in rows], [r[1] for r in rows]
        if len(set(labels)) != len(labels) or len(set(mins)) != len(mins):
            problems.append(("thresholds", "Each grade and each lowest score may appear only once.", {}))
        if min(mins) != 0 or max(mins) > 100:
            problems.append(("thresholds", "The lowest scores lie between 0 and 100, and one of them is 0.", {}))
    return problems


def ordered(thresholds):
    """Thresholds from the highest minimum down."""
    return sorted(([str(g), float(m)] for g, m in thresholds), key=lambda r: -r[1])


def compute(*, complaints, days, mediation, mediations, satisfaction, rated, penalties, breaches, odr, listed,
            weights, thresholds):
    """The score, the grade and each input's part. Rates are whole per cent (None: nothing to divide by)."""
    w = weights
    sample = w["min_sample"]
    yearly = per_year(complaints, days)
    parts = [Part("complaints_per_year", yearly, -w["complaints"] * min(yearly, w["complaints_cap"]), True)]
    for key, rate, n in (("mediation", mediation, mediations), ("satisfaction", satisfaction, rated)):
        counted = rate is not None and n >= sample
        parts.append(Part(key, rate, -w[key] * (100 - rate) / 100 if counted else 0.0, counted))
    parts.append(Part("penalties", penalties, -w["penalty"] * min(penalties, w["penalties_cap"]), True))
    parts.append(Part("breaches", breaches, -w["breach"] * min(breaches, w["breaches_cap"]), True))
    parts.append(Part("odr", bool(odr), w["odr"] if odr else 0.0, True))
    parts.append(Part("listed", bool(listed), 0.0, True))
    parts = tuple(Part(p.key, p.value, tenth(p.points), p.counted) for p in parts)
    score = tenth(min(100.0, max(0.0, 100.0 + sum(p.points for p in parts))))
    scale = ordered(thresholds)
    grade = next((g for g, low in scale if score >= low), scale[-1][0])
    if listed:
        grade = scale[-1][0]
    return Result(score=score, grade=grade, parts=parts, forced=bool(listed))
