"""State changes of consumer-field credit: listing a business on the serious-violation list and removing it.
Each writes its ListEvent in the same transaction."""
import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ombud.core.errors import DomainError, Forbidden, InvalidInput

from . import selectors
from .models import ListAction, ListEntry, ListEvent


def _label(user):
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _record(entry, *, actor, action, rule, note=""):
    ListEvent.objects.create(
        entry=entry, at=timezone.now(), actor=actor.user, actor_label=_label(actor.user), action=action,
        article=entry.article, rule=rule, note=note,
        data={"decision_number": entry.decision_number, "listed_on": entry.listed_on.isoformat(),
              "removal_eligible_on": entry.removal_eligible_on.isoformat(),
              "removed_on": entry.removed_on.isoformat() if entry.removed_on else None})


def _decider(actor, business):
    if not selectors.can_decide(actor, business):
        raise Forbidden(gettext_noop("Only a handler, supervisor or administrator whose area covers the business "
                                     "may change its listing."))


def _date(value, field):
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidInput([{"loc": [field], "type": "date_parsing", "msg": "Enter a date such as 2026-11-01."}]) from None


@transaction.atomic
def list_business(*, business, actor, article, decision_number, listed_on, removal_eligible_on=None):
    """Put the business on the serious-violation list under `article` and a decision. `removal_eligible_on` is by
    default the listing date plus the rule's years on the list."""
    _decider(actor, business)
    errors = []
    today = timezone.localdate()
    listed = removal = None
    try:
        listed = _date(listed_on, "listed_on")
    except InvalidInput as exc:
        errors += exc.errors
    rule = selectors.rule_in_force(listed or today)
    if rule is None:
        raise DomainError(gettext_noop("No credit rule is published: an administrator publishes one first."))
    if (article or "").strip() not in rule.list_articles:
        errors.append({"loc": ["article"], "type": "value_error", "msg": gettext_noop("Choose the article the listing rests on.")})
    decision_number = (decision_number or "").strip()
    if not decision_number:
        errors.append({"loc": ["decision_number"], "type": "value_error", "msg": gettext_noop("Give the decision number.")})
    if listed is not None and listed > today:
        errors.append({"loc": ["listed_on"], "type": "value_error", "msg": gettext_noop("The listing date cannot be in the future.")})
    if listed is not None:
        if removal_eligible_on in (None, ""):
            removal = selectors.add_months(listed, 12 * rule.list_years)
        else:
            try:
                removal = _date(removal_eligible_on, "removal_eligible_on")
            except InvalidInput as exc:
                errors += exc.errors
            if removal is not None and removal <= listed:
                errors.append({"loc": ["removal_eligible_on"], "type": "value_error",
                               "msg": gettext_noop("The removal date comes after the listing date.")})
    if errors:
        raise InvalidInput(errors)
    if selectors.open_entry(business) is not None:
        raise DomainError(gettext_noop("The business is already on the list."), field="form")
    try:
        with transaction.atomic():
            entry = ListEntry.objects.create(
                business=business, authority=actor.authority, article=article.strip(),
                decision_number=decision_number[:100], listed_on=listed, removal_eligible_on=removal, rule=rule,
                created_at=timezone.now(), created_by=actor.user)
    except IntegrityError:  # another listing won the race: the one-open-entry constraint
        raise DomainError(gettext_noop("The business is already on the list."), field="form") from None
    _record(entry, actor=actor, action=ListAction.LISTED, rule=rule)
    return entry


@transaction.atomic
def remove_listing(*, entry, actor, reason, removed_on=None):
    """Take the business off the list, saying why (removal after the period, early removal after credit repair,
    or a decision set aside)."""
    _decider(actor, entry.business)
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.removed_on is not None:
        raise DomainError(gettext_noop("This entry was already removed."), field="form")
    reason = (reason or "").strip()
    day = timezone.localdate() if removed_on in (None, "") else _date(removed_on, "removed_on")
    errors = []
    if not reason:
        errors.append({"loc": ["reason"], "type": "value_error", "msg": gettext_noop("Say why the business is removed from the list.")})
    if day < entry.listed_on or day > timezone.localdate():
        errors.append({"loc": ["removed_on"], "type": "value_error",
                       "msg": gettext_noop("The removal date lies between the listing date and today.")})
    if errors:
        raise InvalidInput(errors)
    entry.removed_on, entry.removal_reason = day, reason[:4000]
    entry.save(update_fields=["removed_on", "removal_reason"])
    _record(entry, actor=actor, action=ListAction.REMOVED, rule=selectors.rule_in_force(day) or entry.rule,
            note=entry.removal_reason)
    return entry
