"""Queries of consumer-field credit: the rule and formula in force, a penalty's public period, the list, and
the whole credit view of a business (its public record's figures, penalties, commitments, ODR, listing, grade)."""
import calendar
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from .models import CreditFormula, CreditRule, ListEntry

DECIDERS = {"handler", "supervisor", "admin"}


def rule_in_force(on=None):
    """The highest published rule version in force on local date `on` (the first published one before any)."""
    on = on or timezone.localdate()
    qs = CreditRule.objects.filter(published_on__isnull=False)
    return qs.filter(effective_from__lte=on).order_by("-version").first() or qs.order_by("version").first()


def formula_in_force(on=None):
    """The highest active formula version published by local date `on` (None: no grade is shown)."""
    on = on or timezone.localdate()
    return (CreditFormula.objects.filter(active=True, published_on__isnull=False, published_on__lte=on)
            .order_by("-version").first())


# ---- penalties --------------------------------------------------------------------------------------

def add_months(day, months):
    """The corresponding day `months` later (the last day of a shorter month): the last day of the period."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_minor(penalty, rule):
    """Only a lower fine (or none) and no confiscation: Order 45 Art. 13(1)'s minor penalty."""
    fines = Decimal(str(penalty.get("fines") or 0))
    confiscated = Decimal(str(penalty.get("confiscations") or 0))
    limit = rule.low_fine_max if rule.low_fine_max is not None else Decimal(0)
    return confiscated == 0 and fines <= limit


def public_period(penalty, rule, today):
    """The penalty with its period: minor, months public, the last day public, whether it is public today, and
    the first day credit repair may be applied for (None for a minor one, which leaves the view sooner)."""
    decided = timezone.localtime(penalty["at"]).date()
    minor = is_minor(penalty, rule)
    months = rule.minor_public_months if minor else 12 * rule.public_years
    until = add_months(decided, months)
    repair = None if minor else add_months(decided, rule.repair_after_months)
    return {**penalty, "decided": decided, "minor": minor, "months": months, "public_until": until,
            "public": decided <= today <= until, "repair_from": repair}


def penalties_in_view(business, *, rule, today, everything=False):
    """The penalties recorded against the business whose public period covers `today`, newest first; with
    `everything`, also those whose period has run out (for staff), each marked."""
    from ombud.cases.selectors import penalties_against

    months = max(rule.minor_public_months, 12 * rule.public_years)
    start = add_months(today, -months - 1)
    rows = [public_period(p, rule, today) for p in penalties_against(respondent_id=business.pk, start=start, end=today)]
    return rows if everything else [p for p in rows if p["public"]]


# ---- the serious-violation list -------------------------------------------------------------------------

def open_entry(business):
    return (ListEntry.objects.filter(business=business, removed_on__isnull=True)
            .select_related("authority", "rule").first())


def entries_of(business):
    """Every entry of the business, newest first, with its events (staff)."""
    return list(ListEntry.objects.filter(business=business).select_related("authority", "rule")
                .prefetch_related("events__actor", "events__rule").order_by("-listed_on", "-id"))


def listed_businesses(*, limit=200):
    """Open entries, newest listing first: (entries, more)."""
    rows = list(ListEntry.objects.filter(removed_on__isnull=True).select_related("business", "authority")
                .order_by("-listed_on", "-id")[:limit + 1])
    return rows[:limit], len(rows) > limit


def can_decide(actor, business):
    """A handler, supervisor or administrator whose authority covers the business (an administrator without one
    covers every business)."""
    if actor.user is None or actor.role not in DECIDERS:
        return False
    if actor.authority is None:
        return actor.role == "admin" or actor.user.is_superuser
    paths = [r.path for r in (business.operating_region, business.registered_region) if r is not None]
    return any(p.startswith(actor.authority.path) for p in paths)


# ---- the whole view -----------------------------------------------------------------------------------

def commitments_of(business, today):
    """The business's public commitment entries, each with the upheld breaches it shows now."""
    from ombud.commitments import selectors as commitments

    out = []
    for c in commitments.public_commitments_of(business):
        rule = commitments.rule_in_force(c.registry, today) or c.rule
        out.append({"commitment": c, "upheld": commitments.upheld_shown(c, rule)})
    return out


def credit_view(*, business, start, end, staff=False, now=None):
    """What the credit page shows of one business: its public record over [start, end] (the same figures as
    /businesses/<id>/), the penalties in public view today, its commitments and upheld breaches, its ODR record,
    its listing on the serious-violation list, and the grade with every input and the formula it came from."""
    from ombud.disclosure.selectors import business_record

    from . import grade

    today = timezone.localdate(now) if now else timezone.localdate()
    record = business_record(business=business, start=start, end=end, now=now)
    f = record["figures"]
    rule = rule_in_force(today)
    penalties = penalties_in_view(business, rule=rule, today=today, everything=staff) if rule else []
    commitments = commitments_of(business, today)
    entry = open_entry(business)
    formula = formula_in_force(today)
    result = None
    if formula is not None:
        result = grade.compute(
            complaints=f["n"], days=(end - start).days + 1,
            mediation=record["mediation"], mediations=f["agreed"] + f["not_agreed"],
            satisfaction=record["satisfaction"], rated=f["rated"],
            penalties=sum(1 for p in penalties if p["public"]),
            breaches=sum(len(c["upheld"]) for c in commitments),
            odr=business.odr_enrolled, listed=entry is not None,
            weights=formula.weights, thresholds=formula.thresholds)
    return {"record": record, "figures": f, "rule": rule, "penalties": penalties, "commitments": commitments,
            "entry": entry, "formula": formula, "grade": result, "today": today,
            "scale": grade.ordered(formula.thresholds) if formula else []}
