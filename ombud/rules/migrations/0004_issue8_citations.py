"""Issue 8: correct the citations, write the regulations' titles, and record it as a rule-set revision.

R2022 was checked against the consolidated text of Order 20 as amended on 2022-03-24 (LawRefBook/Laws);
R2026 against the official forms only. Each entry is corrected only where it still holds the value first
seeded, so an administrator's own correction is kept. A fresh database has no rule sets yet at this
point: the seed (after migrate) then writes the corrected defaults.
"""
import datetime as dt

from django.db import migrations

from ._issue8_corrections import CORRECTIONS

COMMENT = ("Issue 8: citations corrected (R2022 checked against the consolidated text of Order 20 as amended on "
           "2022-03-24; R2026 per the official forms, all unconfirmed) and regulation titles added")
FIELDS = ("code", "version", "title", "instrument", "effective_from", "effective_until", "citations", "periods",
          "refusal_grounds", "termination_grounds", "rewards", "regulations", "active", "notes")


def _snapshot(rs):
    return {f: (v.isoformat() if isinstance(v, dt.date) else v) for f in FIELDS for v in [getattr(rs, f)]}


def _merge_keys(current, changes):
    out = dict(current)
    for key, (old, new) in changes.items():
        if out.get(key) == old:
            if new is None:
                out.pop(key, None)
            else:
                out[key] = new
    return out


def _merge_grounds(current, changes):
    by_item = {str(g["item"]): g for g in current}
    for item, (old, new) in changes.items():
        if by_item.get(item) == old and new is not None:
            by_item[item] = new
    return sorted(by_item.values(), key=lambda g: g["item"])


def correct(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    Revision = apps.get_model("rules", "RuleSetRevision")
    for rs in RuleSet.objects.filter(code__in=CORRECTIONS).order_by("pk"):
        fix = CORRECTIONS[rs.code]
        before = _snapshot(rs)
        for field in ("citations", "periods"):
            setattr(rs, field, _merge_keys(getattr(rs, field), fix.get(field, {})))
        for field in ("refusal_grounds", "termination_grounds"):
            setattr(rs, field, _merge_grounds(getattr(rs, field), fix.get(field, {})))
        for field in ("rewards", "regulations"):
            old, new = fix[field]
            if getattr(rs, field) in (old, {}, None):
                setattr(rs, field, new)
        after = _snapshot(rs)
        changes = {f: [before[f], after[f]] for f in FIELDS if before[f] != after[f]}
        if changes:
            rs.save()
            Revision.objects.create(rule_set=rs, action="amended", changes=changes, snapshot=after, comment=COMMENT)


class Migration(migrations.Migration):

    dependencies = [("rules", "0003_ruleset_regulations")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
