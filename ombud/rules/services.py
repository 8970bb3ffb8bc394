"""Changes to rule sets. Every change is kept as a revision: who, when, what."""
from django.db import transaction

from . import selectors
from .models import RuleSet, RuleSetRevision

TRACKED = ("code", "version", "title", "instrument", "effective_from", "effective_until", "citations", "periods",
           "refusal_grounds", "termination_grounds", "rewards", "regulations", "active", "notes")


def snapshot(rule_set):
    return {f: _plain(getattr(rule_set, f)) for f in TRACKED}


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def diff(before, after):
    return {f: [before.get(f), after[f]] for f in TRACKED if before.get(f) != after[f]}


@transaction.atomic
def save_rule_set(*, rule_set, user=None, comment=""):
    """Save a new or amended rule set and record the revision; nothing is recorded if nothing changed."""
    before = {} if rule_set.pk is None else snapshot(RuleSet.objects.get(pk=rule_set.pk))
    rule_set.save()
    after = snapshot(rule_set)
    changes = diff(before, after)
    selectors.clear_cache()
    if not changes:
        return None
    return RuleSetRevision.objects.create(rule_set=rule_set, user=user, action="amended" if before else "created",
                                          changes=changes, snapshot=after, comment=comment)


def merge_defaults(rule_set, defaults):
    """Add entries a newer release brings (a citation, a period, rewards) without touching edited ones."""
    changed = False
    for field in ("citations", "periods", "regulations"):
        current = getattr(rule_set, field)
        missing = {k: v for k, v in defaults.get(field, {}).items() if k not in current}
        if missing:
            setattr(rule_set, field, {**current, **missing})
            changed = True
    for field in ("refusal_grounds", "termination_grounds", "rewards"):
        if not getattr(rule_set, field) and defaults.get(field):
            setattr(rule_set, field, defaults[field])
            changed = True
    return changed
