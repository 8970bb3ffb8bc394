"""What each event and clock means, in plain words for the people involved."""
from django.utils.translation import gettext_lazy as _

EVENTS = {
    "received": _("The case was registered."),
    "routed": _("It was sent to the competent bureau."),
    "held_for_dispatch": _("It is with the intake unit, to be sent to the competent bureau."),
    "split": _("The complaint and the report in it are handled separately."),
    "dispatched": _("The intake unit sent it to the competent bureau."),
    "transferred": _("It was passed to the competent bureau."),
    "returned": _("It went back to the intake unit to be sent on."),
    "taken_over": _("A higher bureau took the case over."),
    "identity_requested": _("The bureau asked for identity materials."),
    "identity_provided": _("Identity materials were provided."),
    "accepted": _("The bureau accepted the complaint."),
    "refused": _("The bureau did not accept the complaint."),
    "odr_forwarded": _("It went straight to the business to settle (ODR lane)."),
    "odr_negotiation_recorded": _("The business recorded a negotiation."),
    "odr_settled": _("It was settled with the business."),
    "odr_failed": _("The business did not settle it."),
    "escalated": _("It went to the bureau, with the ODR history."),
    "mediation_started": _("Mediation started."),
    "mediator_recused": _("Another mediator took over."),
    "clock_paused": _("The clock stopped for testing or appraisal."),
    "clock_resumed": _("The clock runs again."),
    "violation_flagged": _("A possible violation was found and is being checked."),
    "violation_checked": _("The possible violation was checked."),
    "agreement_reached": _("An agreement was reached."),
    "mediation_terminated": _("Mediation ended without agreement."),
    "termination_served": _("Both sides were told that mediation ended."),
    "withdrawn": _("The complaint was withdrawn."),
    "closed": _("The case is closed."),
    "verdict_given": _("The consumer rated the outcome."),
    "return_visit_made": _("The bureau called back to check the result."),
    "verification_extended": _("The check was extended, with approval."),
    "case_filed": _("The bureau opened an enforcement case."),
    "case_not_filed": _("The bureau decided not to open a case."),
    "reporter_notified": _("The reporter was told the result."),
    "case_decision_extended": _("The decision period was extended, with approval."),
    "penalty_recorded": _("A penalty was decided."),
    "reward_decided": _("The reward was decided."),
    "answered": _("The question was answered."),
    "deadline_overdue": _("A statutory deadline ran out; a supervisor was alerted."),
    "public_response": _("The business answered publicly."),
    "assigned": _("A handler was assigned."),
    "message_posted": _("A message was added to the thread."),
}

# Where the consumer reads a line addressed to them.
TO_THE_CONSUMER = {"received": _("We received your case.")}

STEPS = {
    "acceptance": _("Decision on acceptance"), "mediation": _("Mediation"),
    "termination_notice": _("Notice that mediation ended"), "violation_check": _("Check of a violation"),
    "verification": _("Check of the report"), "reporter_notice": _("Telling the reporter"),
    "case_decision": _("Decision on the enforcement case"), "odr": _("Settlement by the business"),
    "identity": _("Identity materials"), "jurisdiction_dispute": _("Jurisdiction dispute"),
}

# Who acted, for a timeline: words for the machine's own labels, never a bare code word.
ACTORS = {"system": _("the system"), "public": _("the public"), "import": _("bulk import"),
          "synth": _("generated data")}

# Art. 9 items, as stored in `missing_fields`.
MISSING = {
    "complainant.name": _("the complainant's name"), "complainant.phone": _("the complainant's phone"),
    "complainant.address": _("the complainant's address"), "respondent.name": _("the business's name"),
    "respondent.address": _("the business's address or USCC"), "request": _("the request"),
    "facts": _("the facts"), "agent.power_of_attorney": _("the agent's power of attorney"),
}

# The parts of an event's data worth showing, in this order. Free text (process, outcome, note) is
# shown as the person wrote it; codes become words.
DETAILS = ("ground", "method", "mode", "mediator", "delegated_to", "place", "paused_for", "amount_recovered",
           "remedy_in_kind", "process", "outcome", "case_number", "fines", "confiscations", "note")
MONEY = {"amount_recovered": _("Amount recovered"), "fines": _("Fines"), "confiscations": _("Confiscations")}
_GROUND_KIND = {"refused": "refusal", "mediation_terminated": "termination"}


def actor_name(event):
    """The actor's role and name in the reader's language (needs actor_user__profile and actor_key loaded)."""
    from django.utils.translation import gettext

    user = event.actor_user
    if user is not None:
        profile = getattr(user, "profile", None)
        role = profile.get_role_display() if profile else gettext("staff")
        name = user.get_full_name().strip()
        return f"{role} {name}" if name else str(role)
    if event.actor_key_id:
        return gettext("integration: %(name)s") % {"name": event.actor_key.name}
    label = event.actor_label
    return str(ACTORS[label]) if label in ACTORS else label


def details(event, rule_set):
    """(label, text) pairs that say what an event decided, in the reader's language."""
    from django.utils.translation import get_language, gettext

    from ombud.workflow.forms import CHOICE_LABELS, LABELS

    data = event.data or {}
    out = []
    if event.action in ("routed", "held_for_dispatch") and event.reason:
        out.append((gettext("Why here"), gettext(event.reason)))  # fixed texts, marked in cases.jurisdiction
    missing = data.get("missing_fields") if event.action == "received" else None
    if missing:
        out.append((gettext("Missing"), "、".join(str(MISSING.get(m, m)) for m in missing)))
    for key in DETAILS:
        value = data.get(key)
        if value in (None, "", []):
            continue
        if key == "ground":
            ground = rule_set.ground(_GROUND_KIND.get(event.action, "refusal"), value) if rule_set else None
            zh = (get_language() or "").startswith("zh")
            value = f"({value}) " + (ground["text_zh"] if zh else ground["text_en"]) if ground else value
            out.append((gettext("Ground"), value))
        elif key in ("amount_recovered", "fines", "confiscations"):
            out.append((MONEY[key], f"¥{value}"))
        elif key == "note":
            out.append((gettext("Notes"), value))
        elif key == "paused_for":
            out.append((gettext("Paused for"), CHOICE_LABELS.get(value, value)))
        else:
            out.append((LABELS.get(key, key), CHOICE_LABELS.get(value, value) if isinstance(value, str) else value))
    return out
