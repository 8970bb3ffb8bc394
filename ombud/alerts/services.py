"""State changes of alerts and consumer warnings. Each one checks who may make it, and each change of a
warning writes its WarningEvent in the same transaction.

A warning goes draft → approved → published, and may be withdrawn at any of those steps. Approval is by a
second person (four eyes: never the drafter), and only once the title and text are there in both languages.
"""
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, gettext_noop

from ombud.core.errors import DomainError, Forbidden, InvalidInput
from ombud.regions.services import path_of
from ombud.rules.selectors import citation, rule_set_for

from . import selectors
from .models import (
    Alert,
    AlertStatus,
    ConsumerWarning,
    WarningAction,
    WarningEvent,
    WarningKind,
    WarningStatus,
)

# Implementing Regulations of the Consumer Rights Protection Law, Art. 27: analysis of complaint data and
# consumer early warnings. "IR" is a regulation every rule set names (rules.defaults._OTHER_REGULATIONS).
IR_ART_27 = "IR Art. 27"
# R2026's own early-warning article, cited once an administrator adds this key to the rule set (the gazette
# text was not found, so its number is not seeded).
EARLY_WARNING_KEY = "early_warning"
TEXTS = ("title_zh", "title_en", "body_zh", "body_en")
MAX_TITLE, MAX_BODY = 200, 10000


def _label(user):
    return (user.get_full_name() or user.get_username()) if user is not None else "system"


def _record(warning, *, actor, action, before, note=""):
    WarningEvent.objects.create(warning=warning, at=timezone.now(), actor=actor.user, actor_label=_label(actor.user),
                                action=action, from_status=before, to_status=warning.status, note=note)


def _decider(actor, scope_path):
    """The actor may decide on something of this region path, or Forbidden."""
    mine = selectors.scope_path_of(actor)
    if mine is None or actor.user is None or not scope_path.startswith(mine):
        raise Forbidden("only a supervisor or administrator over this region may do this")


def _alert_decider(actor, alert):
    if actor.user is None or not selectors.visible_alerts(actor).filter(pk=alert.pk).exists():
        raise Forbidden("only a supervisor or administrator over this region may do this")


def articles(rule_set):
    """The references a warning rests on: IR Art. 27, and the rule set's early-warning article if it has one."""
    found = [IR_ART_27]
    own = citation(rule_set, EARLY_WARNING_KEY)
    if own:
        found.append(own)
    return found


# ---- alerts -----------------------------------------------------------------------------------

def _locked_alert(pk):
    return Alert.objects.select_for_update().get(pk=pk)


@transaction.atomic
def dismiss_alert(*, alert, actor, reason):
    """Close an alert as no cause for a warning, saying why."""
    _alert_decider(actor, alert)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput([{"loc": ["reason"], "type": "value_error",
                             "msg": gettext_noop("Say why the alert is dismissed.")}])
    alert = _locked_alert(alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise DomainError(gettext_noop("This alert has already been decided."), field="form")
    alert.status, alert.decided_by, alert.decided_at, alert.reason = (
        AlertStatus.DISMISSED, actor.user, timezone.now(), reason[:4000])
    alert.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return alert


def _texts_from_alert(alert):
    """Title and text of a draft for the alert, in both languages (the drafter edits them)."""
    out = {}
    for lang, suffix in (("zh-hans", "zh"), ("en", "en")):
        with translation.override(lang):
            what = selectors.describe([alert])[alert.pk]
            where = selectors.region_names({alert.scope}).get(alert.scope, alert.scope)
            values = {"what": what, "where": where, "day": formats.date_format(alert.day, "DATE_FORMAT"),
                      "observed": alert.observed, "expected": _about(alert.expected or 0)}
            out[f"title_{suffix}"] = gettext("Consumer tip: more complaints about %(what)s") % values
            out[f"body_{suffix}"] = gettext(
                "On %(day)s the market supervision authorities (%(where)s) received %(observed)s complaints about "
                "%(what)s, against about %(expected)s expected from the weeks before. Before you buy, compare "
                "offers, read the terms and keep your receipts, order records and chat logs. If your rights are "
                "harmed, first negotiate with the business; you may then complain to the market supervision "
                "authority on this platform or by calling 12315.") % values
    return out


@transaction.atomic
def draft_from_alert(*, alert, actor):
    """A draft warning prefilled from an open alert; the alert is marked as warned. The warning covers the
    alert's region, or the drafter's own where that lies inside it (a prefecture's supervisor)."""
    _alert_decider(actor, alert)
    alert = _locked_alert(alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise DomainError(gettext_noop("This alert has already been decided."), field="form")
    own = own_scope(actor)
    scope = own if path_of(own).startswith(alert.scope_path) else alert.scope
    warning = _create(actor=actor, kind=WarningKind.TIP, scope=scope, source_alert=alert,
                      **_texts_from_alert(alert))
    alert.status, alert.decided_by, alert.decided_at = AlertStatus.WARNED, actor.user, timezone.now()
    alert.save(update_fields=["status", "decided_by", "decided_at"])
    return warning


# ---- warnings ---------------------------------------------------------------------------------

def _clean(fields, *, complete=False):
    """The warning's kind and texts, stripped; InvalidInput naming each fault. `complete`: both languages."""
    data = {name: (fields.get(name) or "").strip() for name in TEXTS}
    data["kind"] = fields.get("kind") or WarningKind.TIP
    errors = []
    if data["kind"] not in WarningKind.values:
        errors.append({"loc": ["kind"], "type": "value_error", "msg": gettext_noop("Choose a tip or an alert.")})
    for name, limit in (("title_zh", MAX_TITLE), ("title_en", MAX_TITLE), ("body_zh", MAX_BODY),
                        ("body_en", MAX_BODY)):
        if len(data[name]) > limit:
            errors.append({"loc": [name], "type": "string_too_long", "ctx": {"max_length": limit}, "msg": ""})
    required = TEXTS if complete else ("title_zh", "body_zh")
    missing = {"title_zh": gettext_noop("Write the title in Chinese."),
               "title_en": gettext_noop("Write the title in English: both languages are needed before approval."),
               "body_zh": gettext_noop("Write the text in Chinese."),
               "body_en": gettext_noop("Write the text in English: both languages are needed before approval.")}
    for name in required:
        if not data[name] and not any(e["loc"] == [name] for e in errors):
            errors.append({"loc": [name], "type": "value_error", "msg": missing[name]})
    if errors:
        raise InvalidInput(errors)
    return data


def _create(*, actor, kind, scope, source_alert=None, **texts):
    now = timezone.now()
    rule_set = rule_set_for(now)
    warning = ConsumerWarning.objects.create(
        kind=kind, scope=scope, scope_path=path_of(scope), source_alert=source_alert, drafted_by=actor.user,
        drafted_at=now, rule_set=rule_set, articles=articles(rule_set), **texts)
    _record(warning, actor=actor, action=WarningAction.DRAFTED, before="")
    return warning


def own_scope(actor):
    """The region a warning drafted by this actor covers: their authority's, or the nation."""
    return actor.authority.region_id if actor.authority is not None else selectors.NATION


@transaction.atomic
def draft_warning(*, actor, fields):
    """A new draft from the form: the Chinese title and text are needed; the English may follow."""
    scope = own_scope(actor)
    _decider(actor, path_of(scope))
    data = _clean(fields)
    return _create(actor=actor, scope=scope, **data)


def _locked(warning):
    return ConsumerWarning.objects.select_for_update().get(pk=warning.pk)


def _state(warning, allowed):
    if warning.status not in allowed:
        raise DomainError(gettext_noop("This cannot be done to a warning that is %(status)s."), field="form",
                          params={"status": warning.get_status_display()})


@transaction.atomic
def edit_warning(*, warning, actor, fields):
    """Change a draft's kind and texts (an approved warning is not edited: withdraw it and draft again)."""
    _decider(actor, warning.scope_path)
    warning = _locked(warning)
    _state(warning, {WarningStatus.DRAFT})
    data = _clean(fields)
    changed = sorted(k for k, v in data.items() if getattr(warning, k) != v)
    for k, v in data.items():
        setattr(warning, k, v)
    warning.save(update_fields=[*data])
    _record(warning, actor=actor, action=WarningAction.EDITED, before=warning.status, note=", ".join(changed))
    return warning


@transaction.atomic
def approve_warning(*, warning, actor, note=""):
    """Four eyes: someone other than the drafter approves, once both languages are complete."""
    _decider(actor, warning.scope_path)
    warning = _locked(warning)
    _state(warning, {WarningStatus.DRAFT})
    if warning.drafted_by_id == actor.user.pk:
        raise DomainError(gettext_noop("You drafted this warning: another supervisor must approve it."),
                          field="form")
    _clean({name: getattr(warning, name) for name in (*TEXTS, "kind")}, complete=True)
    before = warning.status
    warning.status, warning.approved_by, warning.approved_at = WarningStatus.APPROVED, actor.user, timezone.now()
    warning.save(update_fields=["status", "approved_by", "approved_at"])
    _record(warning, actor=actor, action=WarningAction.APPROVED, before=before, note=(note or "").strip())
    return warning


@transaction.atomic
def publish_warning(*, warning, actor, note=""):
    """Put an approved warning on the public site."""
    _decider(actor, warning.scope_path)
    warning = _locked(warning)
    _state(warning, {WarningStatus.APPROVED})
    before = warning.status
    warning.status, warning.published_at = WarningStatus.PUBLISHED, timezone.now()
    warning.save(update_fields=["status", "published_at"])
    _record(warning, actor=actor, action=WarningAction.PUBLISHED, before=before, note=(note or "").strip())
    return warning


@transaction.atomic
def withdraw_warning(*, warning, actor, note):
    """Take a warning back, at any step before or after publication, saying why."""
    _decider(actor, warning.scope_path)
    note = (note or "").strip()
    if not note:
        raise InvalidInput([{"loc": ["note"], "type": "value_error",
                             "msg": gettext_noop("Say why the warning is withdrawn.")}])
    warning = _locked(warning)
    _state(warning, {WarningStatus.DRAFT, WarningStatus.APPROVED, WarningStatus.PUBLISHED})
    before = warning.status
    warning.status, warning.withdrawn_at = WarningStatus.WITHDRAWN, timezone.now()
    warning.save(update_fields=["status", "withdrawn_at"])
    _record(warning, actor=actor, action=WarningAction.WITHDRAWN, before=before, note=note[:4000])
    return warning


ACTIONS = {"approve": approve_warning, "publish": publish_warning, "withdraw": withdraw_warning}


def _about(expected):
    """An expected count as people say it: whole numbers from 10 up, one decimal below (never "about 0")."""
    return f"{expected:.0f}" if expected >= 10 else f"{max(expected, 0.1):.1f}"
