"""The web forms' fields as a CaseIn payload: one set of rules for the API, the portal and the console."""
from pydantic import ValidationError

from ombud.core.errors import InvalidInput

from .schemas import CaseIn

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
            errors.setdefault(name, e["msg"].removeprefix("Value error, "))
        return None, errors


def invalid_input_errors(exc: InvalidInput):
    return {"_".join(str(p) for p in e["loc"]) or "form": e["msg"] for e in exc.errors}
