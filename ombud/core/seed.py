from django.db import transaction


@transaction.atomic
def seed_reference_data():
    """Load what is missing; never overwrite what an administrator has edited."""
    from ombud.regions.models import Region
    from ombud.regions.services import load_packaged_divisions
    from ombud.rules.defaults import DEFAULTS
    from ombud.rules.models import RuleSet
    from ombud.taxonomy.defaults import rows
    from ombud.taxonomy.models import Term

    if not Region.objects.exists():
        load_packaged_divisions()
    have = set(Term.objects.values_list("scheme", "code"))
    Term.objects.bulk_create([Term(**r) for r in rows() if (r["scheme"], r["code"]) not in have])
    from ombud.rules.services import merge_defaults, save_rule_set

    for rs in DEFAULTS:
        row = RuleSet.objects.filter(code=rs["code"], version=rs["version"]).first()
        if row is None:
            save_rule_set(rule_set=RuleSet(**rs), comment="seeded from DESIGN.md")
        elif merge_defaults(row, rs):
            save_rule_set(rule_set=row, comment="entries added by a release")
