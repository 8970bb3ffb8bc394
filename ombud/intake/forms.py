"""The web forms' fields as a CaseIn payload: one set of rules for the API, the portal and the console."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError

from ombud.core.errors import InvalidInput, in_words

from .schemas import CaseIn, PersonIn, RespondentIn

PERSON = ("name", "phone", "email", "address")


def _text(post, name):
    return (post.get(name) or "").strip()


def _choice(post, name):
    value = post.get(name, "")
    return {"yes": True, "no": False}.get(value)


def payload(post, kind):
    """The CaseIn dict a posted form stands for (empty fields left out, so defaults apply)."""
    data = {"kind": kind, "channel": _text(post, "channel") or "web"}
    person = {f: _text(post, f"complainant_{f}") for f in PERSON}
    anonymous = kind == "report" and post.get("anonymous") == "on"
    data["anonymous"] = anonymous
    if not anonymous and any(person.values()):
        data["complainant"] = {k: v for k, v in person.items() if v}
    respondent = {"name": _text(post, "respondent_name"), "uscc": _text(post, "respondent_uscc").upper(),
                  "address": _text(post, "respondent_address")}
    if any(respondent.values()):
        data["respondent"] = {k: v for k, v in respondent.items() if v}
    for field in ("category", "issue_type", "violation_type", "request", "facts", "amount", "purchase_date",
                  "order_number", "conduct_address"):
        if _text(post, field):
            data[field] = _text(post, field)
    for field in ("consent_disclosure", "consent_delegated_mediation"):
        if _choice(post, field) is not None:
            data[field] = _choice(post, field)
    return data


def validate(data):
    """(CaseIn, {}) or (None, {field: message}) with the form's own field names."""
    try:
        return CaseIn.model_validate(data), {}
    except ValidationError as exc:
        errors = {}
        for e in exc.errors(include_url=False):
            loc = [str(p) for p in e["loc"]]
            name = "_".join(loc) if loc and loc[0] in ("complainant", "respondent") else (loc[0] if loc else "form")
            errors.setdefault(name, in_words(e["msg"], e["type"], e.get("ctx")))
        return None, errors


def invalid_input_errors(exc: InvalidInput):
    return {"_".join(str(p) for p in e["loc"]) or "form": in_words(e["msg"], e.get("type", "value_error"), e.get("ctx"))
            for e in exc.errors}


# services.REQUIRED's keys as the forms name their fields.
ART9_FIELDS = {
    "complainant.name": "complainant_name", "complainant.phone": "complainant_phone",
    "complainant.address": "complainant_address", "respondent.name": "respondent_name",
    "respondent.address": "respondent_address", "request": "request", "facts": "facts",
}

# The forms' labels, for the list of faults at the top of a refused form.
LABELS = {
    "respondent_name": gettext_lazy("Business name or USCC"),
    "respondent_uscc": gettext_lazy("USCC (18 characters), if known"),
    "respondent_address": gettext_lazy("Address of the business or shop"),
    "category": gettext_lazy("Goods or service"), "issue_type": gettext_lazy("Kind of problem"),
    "violation_type": gettext_lazy("Kind of violation"), "conduct_address": gettext_lazy("Where it happens"),
    "request": gettext_lazy("What do you ask for? (refund, repair, compensation…)"),
    "facts": gettext_lazy("What happened"), "amount": gettext_lazy("Amount involved (yuan)"),
    "purchase_date": gettext_lazy("Date of purchase"), "order_number": gettext_lazy("Order number"),
    "complainant_name": gettext_lazy("Your name"), "complainant_phone": gettext_lazy("Phone"),
    "complainant_email": gettext_lazy("Email (optional)"), "complainant_address": gettext_lazy("Your address"),
    "attachments": gettext_lazy("Attachments (receipts, photos, chat records)"),
}
REPORT_LABELS = {"facts": gettext_lazy("What you saw")}


def art9_missing(data):
    """The form fields of the Art. 9 items a complaint payload lacks. Read from the raw values, not
    the validated ones, so that a fault in another field does not hide what is missing."""
    from .services import missing_fields

    shape = CaseIn.model_construct(
        kind="complaint", agent=None, request=data.get("request", ""), facts=data.get("facts", ""),
        complainant=PersonIn.model_construct(**(data.get("complainant") or {})),
        respondent=RespondentIn.model_construct(**(data.get("respondent") or {})))
    return [ART9_FIELDS[m] for m in missing_fields(shape) if m in ART9_FIELDS]


def public_form_errors(data):
    """{field: message} for what the public forms need before anything is sent: every Art. 9 item of a
    complaint; a report's facts and whom or where it is about, and a real-name reporter's name and
    phone (the result is told to them); an e-mail address that can be used. Staff and integrators may
    still file incomplete cases."""
    errors = {}
    email = (data.get("complainant") or {}).get("email")
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["complainant_email"] = _("Enter a valid e-mail address.")
    if data["kind"] == "complaint":
        for name in art9_missing(data):
            errors[name] = (_("A complaint needs the business's address, or its USCC (Art. 9).")
                            if name == "respondent_address" else _("A complaint needs this (Art. 9)."))
    elif data["kind"] == "report":
        if not data.get("facts"):
            errors["facts"] = _("Say what you saw.")
        if not (data.get("respondent") or {}).get("name") and not data.get("conduct_address"):
            errors["respondent_name"] = _("Name the business, or say where it happens.")
        if not data.get("anonymous"):
            person = data.get("complainant") or {}
            for field in ("name", "phone"):
                if not person.get(field):
                    errors[f"complainant_{field}"] = _(
                        "A real-name report needs this; tick “Report anonymously” to leave it out.")
    return errors


def error_list(errors, kind):
    """The faults as (field, label, message), in the order of the form, for the summary at the top."""
    labels = {**LABELS, **(REPORT_LABELS if kind == "report" else {})}
    order = list(labels)
    named = sorted((n for n in errors if n != "form"), key=lambda n: order.index(n) if n in order else len(order))
    return [(n, labels.get(n, ""), errors[n]) for n in named]
