"""An action's form, built from its body schema: one form per action, for every portal."""
import datetime as dt
import typing
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "dispatch": _("Dispatch"), "transfer": _("Transfer"), "return": _("Return to intake"),
    "takeover": _("Take over"), "request_identity": _("Ask for identity materials"),
    "provide_identity": _("Identity materials provided"), "accept": _("Accept"), "refuse": _("Refuse"),
    "odr_opt_in": _("Send to the business directly (ODR)"), "odr_record": _("Record a negotiation"),
    "odr_settle": _("Settled"), "odr_fail": _("Not settled"), "escalate": _("Ask the bureau to handle it"),
    "start_mediation": _("Start mediation"), "recuse": _("Change mediator (recusal)"),
    "pause": _("Pause for testing or appraisal"), "resume": _("Resume the clock"),
    "flag_violation": _("Flag a violation"), "check_violation": _("Record the violation check"),
    "agree": _("Record an agreement"), "terminate": _("Terminate mediation"),
    "serve_termination": _("Termination notice served"), "withdraw": _("Withdraw the complaint"),
    "close": _("Close"), "verdict": _("Rate the outcome"), "return_visit": _("Record a return visit"),
    "extend_verification": _("Extend the check (+15 working days)"), "file_case": _("File a case"),
    "decline_case": _("Do not file a case"), "notify_reporter": _("Tell the reporter"),
    "extend_case_decision": _("Extend the decision period (+30 days)"), "record_penalty": _("Record the penalty"),
    "decide_reward": _("Decide the reward"), "answer": _("Answer and close"),
}

LABELS = {
    "notes": _("Notes"), "reason": _("Reason"), "to_authority": _("To which authority"),
    "by_authority": _("Which higher authority takes it over"), "report_back_days": _("Working days to report back"),
    "days": _("Working days allowed"), "materials": _("Materials to provide"), "ground": _("Ground"),
    "consent_complainant": _("The complainant consents to mediation"),
    "consent_respondent": _("The business consents to mediation"), "mode": _("Mediation mode"),
    "mediator": _("Mediator"), "scheduled_at": _("Time"), "place": _("Place"), "bring": _("What to bring"),
    "delegated_to": _("Delegated to (consumer association)"), "amount_recovered": _("Amount recovered (yuan)"),
    "remedy_in_kind": _("Remedy in kind (repair, exchange…)"), "document": _("Agreement recorded as"),
    "terms": _("Terms agreed"), "method": _("Method"), "resolved": _("Was the problem resolved?"),
    "rating_handling": _("How was the bureau's handling? (1–5)"),
    "rating_business": _("How did the business behave? (1–5)"), "comment": _("Comment"),
    "reached": _("Consumer reached"), "satisfied": _("Consumer satisfied"), "at": _("When"),
    "process": _("What was discussed"), "outcome": _("Outcome"), "finding": _("Finding"),
    "case_number": _("Case number"), "fines": _("Fines (yuan)"), "confiscations": _("Confiscations (yuan)"),
    "decision_number": _("Penalty decision number"), "eligible": _("Eligible for a reward"),
    "tier": _("Reward tier (1–3)"), "natural_person": _("The reporter is a natural person"),
    "answer": _("Answer"),
}
CHOICE_LABELS = {
    "remote": _("remote (online, phone)"), "in_person": _("in person"), "testing": _("testing"),
    "appraisal": _("appraisal"), "signed": _("a signed mediation document"), "record": _("a record of agreement"),
    "sms": _("SMS"), "email": _("email"), "letter": _("letter"), "online": _("online"), "phone": _("phone"),
    "other": _("other"),
}
AUTHORITY_FIELDS = ("to_authority", "by_authority")
LONG = {"notes", "reason", "terms", "process", "comment", "answer", "finding", "materials"}


def _kind(annotation):
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Literal:
        return "choice", list(typing.get_args(annotation))
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)) and args:
        return _kind(args[0])
    if annotation is bool:
        return "bool", None
    if annotation in (int, Decimal):
        return "number", None
    if annotation is dt.datetime:
        return "datetime", None
    return "text", None


def fields(rule, case, post=None):
    """[{name, label, type, options, required, value}] for the action's form; `value` is what was
    posted, so that a form refused for one fault comes back with everything else as typed."""
    out = []
    for name, info in rule.schema.model_fields.items():
        kind, options = _kind(info.annotation)
        field = {"name": name, "label": LABELS.get(name, name), "type": kind, "required": info.is_required(),
                 "options": [(o, CHOICE_LABELS.get(o, o)) for o in options] if options else None,
                 "value": (post or {}).get(name, "")}
        if kind == "text" and name in LONG:
            field["type"] = "textarea"
        if name in AUTHORITY_FIELDS:
            field["type"] = "authority"  # a typeahead over authorities by name or code
        if name == "ground":
            field.update(type="choice", options=_grounds(rule, case))
        if name in ("rating_handling", "rating_business"):
            field.update(type="choice", options=[(i, "★" * i) for i in range(5, 0, -1)])
        out.append(field)
    return out


def _grounds(rule, case):
    english = (get_language() or "").startswith("en")
    grounds = case.rule_set.refusal_grounds if rule.action == "refuse" else case.rule_set.termination_grounds
    return [(g["item"], f"({g['item']}) {g['text_en'] if english else g['text_zh']}") for g in grounds]


def parse(rule, post):
    """The posted form as the action's body: blanks left out, checkboxes and yes/no as booleans."""
    body = {}
    for name, kind in _plain_fields(rule):
        value = post.get(name, "")
        if kind == "bool" and value in ("on", "yes", "true", "no", "false"):
            body[name] = value in ("on", "yes", "true")
        elif kind == "datetime" and value:
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:  # left as typed: the schema names the field, instead of a server error
                body[name] = value
                continue
            body[name] = (timezone.make_aware(moment) if timezone.is_naive(moment) else moment).isoformat()
        elif kind != "bool" and value != "":
            body[name] = value
    return body


def _plain_fields(rule):
    return [(name, _kind(info.annotation)[0]) for name, info in rule.schema.model_fields.items()]
