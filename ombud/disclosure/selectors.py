"""Queries of public disclosure: the rule in force, the review queue, and what the public may see."""
import datetime as dt

from django.utils import timezone

from ombud.accounts.models import STAFF_ROLES

from .models import Narrative, NarrativeStatus, PublicationRule


def current_rule():
    """The active publication rule with the highest version (None: nothing is published)."""
    return PublicationRule.objects.filter(active=True).order_by("-version").first()


def review_queue(*, actor, status=NarrativeStatus.PENDING):
    """Accounts of the cases this staff member may see, oldest first (status "": all of them)."""
    from ombud.cases.selectors import visible_cases

    if actor.user is None or actor.role not in STAFF_ROLES:
        return Narrative.objects.none()
    qs = Narrative.objects.filter(case__in=visible_cases(actor).values("id"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("queued_at", "id")


def _years_later(moment, years):
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, month=3, day=1)


def publishable(case, *, rule=None, now=None):
    """Whether the rule publishes this case now: its kind and status, `delay_days` after it finished, and
    for `public_years` after that."""
    rule = rule or current_rule()
    if rule is None or case.kind not in rule.kinds or case.status not in rule.statuses or case.closed_at is None:
        return False
    start = case.closed_at + dt.timedelta(days=rule.delay_days)
    return start <= (now or timezone.now()) < _years_later(start, rule.public_years)


def public_account(case, *, rule=None, now=None):
    """The approved account of a published case, or "" (no consent, not reviewed, withdrawn, or not public)."""
    rule = rule or current_rule()
    if rule is None or not rule.narratives or not publishable(case, rule=rule, now=now):
        return ""
    n = Narrative.objects.filter(case=case, status=NarrativeStatus.APPROVED).values_list("text", flat=True).first()
    return n or ""


def _rate(part, whole):
    """A share in whole per cent (None when there is nothing to divide by)."""
    return None if not whole else round(100 * part / whole)


def business_record(*, business, start, end, now=None):
    """What the public sees of one business over [start, end] (投诉信息公示): its complaint figures beside the
    period before, each rate with the counts it is made of; penalty decisions; its public answers. A platform's
    figures are its merchants' sales on it, as a group."""
    from ombud.analytics.selectors import business_figures
    from ombud.cases.selectors import penalties_against, public_responses

    platform = business.kind == "platform"
    days = (end - start).days + 1
    now_ = business_figures(business_id=business.pk, start=start, end=end, as_platform=platform)
    before = business_figures(business_id=business.pk, start=start - dt.timedelta(days=days),
                              end=start - dt.timedelta(days=1), as_platform=platform).rows
    f = now_.rows
    rule = current_rule()
    responses = []
    if rule is not None and "response" in rule.fields:
        cutoff = (now or timezone.now()) - dt.timedelta(days=rule.delay_days)
        responses = list(public_responses(respondent_id=business.pk, kinds=rule.kinds, statuses=rule.statuses,
                                          closed_before=cutoff))
    return {
        "figures": f, "before": before, "platform": platform,
        "as_of": dt.datetime.fromisoformat(now_.as_of) if now_.as_of else None,
        "growth": _rate(f["n"] - before["n"], before["n"]),
        "mediation": _rate(f["agreed"], f["agreed"] + f["not_agreed"]),
        "presettlement": _rate(f["presettled"], f["odr_done"]) if business.odr_enrolled or f["odr_done"] else None,
        "satisfaction": _rate(f["satisfied"], f["rated"]),
        "unrated": f["finished"] - f["rated"],
        "resolved": _rate(f["resolved_yes"], f["resolved_yes"] + f["resolved_no"]),
        "penalties": penalties_against(respondent_id=business.pk, start=start, end=end),
        "responses": responses,
    }


def account_of(case):
    """The complainant's account as queued or reviewed (None: not queued)."""
    return Narrative.objects.filter(case=case).first()
