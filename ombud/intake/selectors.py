"""Queries for the intake forms."""
from ombud.cases.models import Case


def contact_prefill(user):
    """A signed-in consumer's details as the form's fields: the account's phone and e-mail, else
    what they gave on their latest named case; the name and address from that case (the account
    keeps no address, and Django's first/last name split is a poor fit for Chinese names)."""
    last = (Case.objects.filter(submitted_by_user=user, anonymous=False).exclude(complainant_name="")
            .order_by("-received_at")
            .values("complainant_name", "complainant_phone", "complainant_email", "complainant_address").first()) or {}
    profile = getattr(user, "profile", None)
    values = {
        "complainant_name": last.get("complainant_name") or user.get_full_name(),
        "complainant_phone": (profile.phone if profile else "") or last.get("complainant_phone", ""),
        "complainant_email": user.email or last.get("complainant_email", ""),
        "complainant_address": last.get("complainant_address", ""),
    }
    return {k: v for k, v in values.items() if v}
