"""State changes of the commitment registries. Each checks who may make it, enforces the registry's rule in force,
and writes its CommitmentEvent (citing that rule version) in the same transaction.

A pledge goes pending → approved → revoked, or pending → rejected; only the authority over all its shops (or one
above) decides. A possible breach goes possible → upheld or dismissed; enough upheld ones revoke the pledge.
"""
import os

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ombud.businesses.services import name_key
from ombud.core.errors import DomainError, Forbidden, InvalidInput
from ombud.regions import address
from ombud.regions.selectors import search_regions
from ombud.taxonomy.selectors import active_codes

from . import defaults, selectors
from .models import (
    OPEN_STATUSES,
    Action,
    Breach,
    BreachStatus,
    Commitment,
    CommitmentEvent,
    CommitmentRule,
    Rating,
    Registry,
    Shop,
    Status,
)

MAX_TEXT, MAX_SHOPS, MAX_COMMENT = 2000, 20, 1000


def _error(loc, template, **params):
    """One InvalidInput entry: `msg` in English for the API, `template` and `params` for the reader's language."""
    return {"loc": loc, "type": "value_error", "msg": template % params if params else template,
            "template": template, "params": params}


def _label(user):
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _record(commitment, *, actor, action, before, rule, note="", breach=None):
    user = actor.user if actor is not None else None
    CommitmentEvent.objects.create(commitment=commitment, breach=breach, at=timezone.now(), actor=user,
                                   actor_label=_label(user), action=action, from_status=before,
                                   to_status=commitment.status if breach is None else breach.status, rule=rule,
                                   note=note)


# ---- rules and keys -------------------------------------------------------------------------------

def rule_for(*, registry, on=None):
    """The registry's rule version in force on local date `on` (today by default). A database without any (a flushed
    test database) gets the first versions back from defaults.py."""
    on = on or timezone.localdate()
    rule = selectors.rule_in_force(registry, on)
    if rule is None:
        for row in defaults.RULES:
            CommitmentRule.objects.get_or_create(registry=row["registry"], version=row["version"], defaults=row)
        rule = selectors.rule_in_force(registry, on)
    return rule


def keys(name):
    """(name key, trade-name key): the normalised name, and the same less the region names it starts with
    (企业名称 = 行政区划 + 字号 + 行业 + 组织形式), so "鸿运" finds 上海浦东鸿运家电销售有限公司 by an index range."""
    key = name_key(name)
    lead = address.resolve(key).matched
    return key, (key[len(lead):] if lead and key.startswith(lead) and len(key) > len(lead) else key)


def _levels(county):
    path = county.path
    return {"county": county, "province": path[:2], "prefecture": path[:4]}


def _common_path(paths):
    """The path of the lowest region holding every one of `paths` ("" for the nation)."""
    prefix = os.path.commonprefix(list(paths))
    return prefix[: len(prefix) // 2 * 2]


def _decider(actor, commitment):
    path = selectors.scope_path_of(actor)
    if path is None or not commitment.region_path.startswith(path):
        raise Forbidden("only staff of an authority over all the pledge's shops may do this")


def _reason(text, *, missing, loc="reason"):
    text = (text or "").strip()
    if not text:
        raise InvalidInput([_error([loc], missing)])
    if len(text) > MAX_TEXT:
        raise InvalidInput([{"loc": [loc], "type": "string_too_long", "ctx": {"max_length": MAX_TEXT},
                             "msg": f"at most {MAX_TEXT} characters"}])
    return text


# ---- applying -------------------------------------------------------------------------------------

def _county_of(text, errors, i):
    """The county a picker text names (a code, a name or part of one): exactly one, else an error listing them."""
    text = text.strip()
    found = [r for r in search_regions(q=text, limit=50)
             if r.level == 3 or (r.level == 2 and not r.children.exists())]
    exact = [r for r in found if text in (r.code, r.name, r.full_name)]
    found = exact if len(exact) == 1 else found
    if len(found) == 1:
        return found[0]
    if found:
        errors.append({**_error(["shops", i, "county"], gettext_noop("Several counties match: choose one.")),
                       "choices": [(r.code, r.full_name) for r in found[:30]]})
    else:
        errors.append(_error(["shops", i, "county"], gettext_noop("No county matches “%(text)s”."), text=text))
    return None


def _shops(rows, errors):
    """Each shop's name, address and county (from the picker, else resolved from the address)."""
    out = []
    # Blank rows are left out; a fault names the row's place in the form.
    rows = [(i, r) for i, r in enumerate(rows) if any((r.get(k) or "").strip() for k in ("name", "address", "county"))]
    if not rows:
        errors.append(_error(["shops"], gettext_noop("Add at least one shop with its address.")))
    if len(rows) > MAX_SHOPS:
        errors.append(_error(["shops"], gettext_noop("At most %(n)s shops in one application."), n=MAX_SHOPS))
        return out
    for i, row in rows:
        name, where, picked = ((row.get(k) or "").strip() for k in ("name", "address", "county"))
        if len(name) > 200:
            errors.append(_error(["shops", i, "name"], gettext_noop("At most %(n)s characters."), n=200))
        if not where:
            errors.append(_error(["shops", i, "address"], gettext_noop("Give the shop's address.")))
        elif len(where) > 300:
            errors.append(_error(["shops", i, "address"], gettext_noop("At most %(n)s characters."), n=300))
        # What intake.services.resolve_county does, read from regions directly: intake will import this module.
        county = _county_of(picked, errors, i) if picked else (address.resolve(where).county if where else None)
        if where and county is None and not picked:
            errors.append(_error(["shops", i, "county"], gettext_noop(
                "The county of this address could not be told: choose the county.")))
        out.append({"name": name, "address": where, "county": county})
    return out


def _days(value, rule, errors):
    value = str(value if value is not None else "").strip()
    if not value:
        if rule.days_required:
            errors.append(_error(["days"], gettext_noop(
                "Give the number of days within which goods may be returned without a reason.")))
        return None
    if not (value.isascii() and value.isdigit()):
        errors.append(_error(["days"], gettext_noop("Give the number of days as a whole number, such as 7.")))
        return None
    days = int(value)
    if not rule.min_days <= days <= rule.max_days:
        errors.append(_error(["days"], gettext_noop("The number of days must be from %(min)s to %(max)s."),
                             min=rule.min_days, max=rule.max_days))
        return None
    return days


def clean_application(fields):
    """The application's values, checked against the registry's rule in force: (values, rule), or InvalidInput
    naming every fault."""
    errors = []
    registry = fields.get("registry") or ""
    if registry not in Registry.values:
        errors.append(_error(["registry"], gettext_noop("Choose the registry.")))
    rule = rule_for(registry=registry) if registry in Registry.values else None
    category = (fields.get("category") or "").strip()
    if category not in active_codes("category"):
        errors.append(_error(["category"], gettext_noop("Choose the goods or service category.")))
    scope = (fields.get("scope") or "").strip()
    excluded = (fields.get("excluded") or "").strip()
    if not scope:
        errors.append(_error(["scope"], gettext_noop("Say what the pledge covers: the goods or services and terms.")))
    for loc, text in (("scope", scope), ("excluded", excluded)):
        if len(text) > MAX_TEXT:
            errors.append(_error([loc], gettext_noop("At most %(n)s characters."), n=MAX_TEXT))
    days = _days(fields.get("days"), rule, errors) if rule is not None else None
    shops = _shops(fields.get("shops") or [], errors)
    if errors:
        raise InvalidInput(errors)
    return {"registry": registry, "category": category, "scope": scope, "excluded": excluded, "days": days,
            "shops": shops}, rule


@transaction.atomic
def apply(*, actor, fields):
    """A business's application: a pending pledge with its shops (not listed until approved)."""
    if actor.role != "business" or actor.business is None:
        raise Forbidden("only a business may apply")
    data, rule = clean_application(fields)
    business = actor.business
    if Commitment.objects.filter(business=business, registry=data["registry"], status__in=OPEN_STATUSES).exists():
        raise DomainError(gettext_noop("Your business already has an application or a pledge in this registry."),
                          field="registry")
    shops = data.pop("shops")
    commitment = Commitment(business=business, name=business.name, rule=rule, applied_at=timezone.now(),
                            applied_by=actor.user, region_path=_common_path(s["county"].path for s in shops), **data)
    try:
        with transaction.atomic():
            commitment.save()
    except IntegrityError:  # a second application racing the check above
        raise DomainError(gettext_noop("Your business already has an application or a pledge in this registry."),
                          field="registry") from None
    name_k, brand_k = keys(business.name)
    Shop.objects.bulk_create([
        Shop(commitment=commitment, name=s["name"], address=s["address"], registry=commitment.registry,
             category=commitment.category, listed=False, name_key=name_k, brand_key=brand_k, **_levels(s["county"]))
        for s in shops])
    _record(commitment, actor=actor, action=Action.APPLIED, before="", rule=rule)
    return commitment


# ---- deciding -------------------------------------------------------------------------------------

def _locked(commitment):
    return Commitment.objects.select_for_update().get(pk=commitment.pk)


def _state(commitment, allowed):
    if commitment.status not in allowed:
        raise DomainError(gettext_noop("This cannot be done to a pledge that is %(status)s."), field="form",
                          params={"status": commitment.get_status_display()})


def _list(commitment, listed):
    Shop.objects.filter(commitment=commitment).update(listed=listed)


@transaction.atomic
def approve(*, commitment, actor, note=""):
    """List the pledge: its shops appear in the public search from now."""
    _decider(actor, commitment)
    commitment = _locked(commitment)
    _state(commitment, {Status.PENDING})
    rule = rule_for(registry=commitment.registry)
    now = timezone.now()
    commitment.status, commitment.approved_at, commitment.decided_by, commitment.rule = (
        Status.APPROVED, now, actor.user, rule)
    commitment.save(update_fields=["status", "approved_at", "decided_by", "rule"])
    _list(commitment, True)
    _record(commitment, actor=actor, action=Action.APPROVED, before=Status.PENDING, rule=rule,
            note=(note or "").strip()[:MAX_TEXT])
    return commitment


def _end(commitment, *, actor, status, action, rule, note):
    before = commitment.status
    commitment.status, commitment.ended_at, commitment.decided_by, commitment.reason = (
        status, timezone.now(), actor.user, note)
    commitment.save(update_fields=["status", "ended_at", "decided_by", "reason"])
    _list(commitment, False)
    _record(commitment, actor=actor, action=action, before=before, rule=rule, note=note)


@transaction.atomic
def reject(*, commitment, actor, reason):
    _decider(actor, commitment)
    reason = _reason(reason, missing=gettext_noop("Say why the application is rejected."))
    commitment = _locked(commitment)
    _state(commitment, {Status.PENDING})
    _end(commitment, actor=actor, status=Status.REJECTED, action=Action.REJECTED,
         rule=rule_for(registry=commitment.registry), note=reason)
    return commitment


@transaction.atomic
def revoke(*, commitment, actor, reason):
    """Take the pledge off the registry, saying why; the entry stays readable, marked revoked."""
    _decider(actor, commitment)
    reason = _reason(reason, missing=gettext_noop("Say why the pledge is revoked."))
    commitment = _locked(commitment)
    _state(commitment, {Status.APPROVED})
    _end(commitment, actor=actor, status=Status.REVOKED, action=Action.REVOKED,
         rule=rule_for(registry=commitment.registry), note=reason)
    return commitment


ACTIONS = {"approve": (approve, "note"), "reject": (reject, "reason"), "revoke": (revoke, "reason")}


# ---- breaches -------------------------------------------------------------------------------------

def flag_possible_breach(*, case):
    """Record a possible breach when `case` is a complaint against a business whose pledge was approved and not
    revoked at the case's receipt, about an issue type the rule then in force names. Returns the breach (a
    no-reason return pledge's first, when both registries match), or None. Flagging a case again changes nothing."""
    found = flag_possible_breaches(cases=[case])
    return found[0] if found else None


@transaction.atomic
def flag_possible_breaches(*, cases):
    """`flag_possible_breach` for many cases (a batch import): one query for all their respondents' pledges."""
    cases = [c for c in cases if c.kind == "complaint" and c.respondent_id and c.issue_type]
    if not cases:
        return []
    pledges = {}
    for p in (Commitment.objects.filter(business_id__in={c.respondent_id for c in cases}, approved_at__isnull=False)
              .order_by("-registry")):  # "returns" before "assured"
        pledges.setdefault(p.business_id, []).append(p)
    flagged = []
    for case in cases:
        for pledge in pledges.get(case.respondent_id, ()):
            if not pledge.active_on(case.received_at):
                continue
            rule = rule_for(registry=pledge.registry, on=timezone.localdate(case.received_at))
            if case.issue_type not in rule.breach_issue_types:
                continue
            breach, created = Breach.objects.get_or_create(commitment=pledge, case=case, defaults={
                "rule": rule, "issue_type": case.issue_type, "received_at": case.received_at,
                "flagged_at": timezone.now()})
            if created:
                _record(pledge, actor=None, action=Action.BREACH_FLAGGED, before="", rule=rule, breach=breach,
                        note=case.ticket)
            flagged.append(breach)
    return flagged


def _locked_breach(breach, actor):
    _decider(actor, breach.commitment)
    breach = Breach.objects.select_for_update().select_related("commitment", "rule").get(pk=breach.pk)
    if breach.status != BreachStatus.POSSIBLE:
        raise DomainError(gettext_noop("This possible breach has already been decided."), field="form")
    return breach


def _decide_breach(breach, *, actor, status, reason):
    breach.status, breach.decided_at, breach.decided_by, breach.reason = status, timezone.now(), actor.user, reason
    breach.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    action = Action.BREACH_UPHELD if status == BreachStatus.UPHELD else Action.BREACH_DISMISSED
    _record(breach.commitment, actor=actor, action=action, before=BreachStatus.POSSIBLE, rule=breach.rule,
            breach=breach, note=reason)


@transaction.atomic
def uphold_breach(*, breach, actor, reason):
    """The complaint shows the pledge broken: the breach shows on the public entry, and when the rule in force
    says that enough are shown, the pledge is revoked."""
    reason = _reason(reason, missing=gettext_noop("Say how the pledge was broken."))
    breach = _locked_breach(breach, actor)
    _decide_breach(breach, actor=actor, status=BreachStatus.UPHELD, reason=reason)
    commitment = _locked(breach.commitment)
    rule = rule_for(registry=commitment.registry)
    shown = len(selectors.upheld_shown(commitment, rule))
    if commitment.status == Status.APPROVED and rule.revoke_after and shown >= rule.revoke_after:
        _end(commitment, actor=actor, status=Status.REVOKED, action=Action.AUTO_REVOKED, rule=rule,
             note=f"{shown}/{rule.revoke_after}")
    return breach


@transaction.atomic
def dismiss_breach(*, breach, actor, reason):
    reason = _reason(reason, missing=gettext_noop("Say why this is not a breach."))
    breach = _locked_breach(breach, actor)
    _decide_breach(breach, actor=actor, status=BreachStatus.DISMISSED, reason=reason)
    return breach


BREACH_ACTIONS = {"uphold": uphold_breach, "dismiss": dismiss_breach}


# ---- ratings --------------------------------------------------------------------------------------

def rate(*, commitment, rater, stars, comment="", user=None):
    """One rating per rater (a session's hash, or an account) per listed entry."""
    if commitment.status != Status.APPROVED:
        raise DomainError(gettext_noop("Only a listed pledge can be rated."), field="form")
    stars = str(stars or "").strip()
    comment = (comment or "").strip()
    errors = []
    if stars not in {"1", "2", "3", "4", "5"}:
        errors.append(_error(["stars"], gettext_noop("Choose from one to five stars.")))
    if len(comment) > MAX_COMMENT:
        errors.append(_error(["comment"], gettext_noop("At most %(n)s characters."), n=MAX_COMMENT))
    if errors:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            return Rating.objects.create(commitment=commitment, rater=rater, stars=int(stars), comment=comment,
                                         user=user, at=timezone.now())
    except IntegrityError:
        raise DomainError(gettext_noop("You have already rated this entry."), field="form") from None
