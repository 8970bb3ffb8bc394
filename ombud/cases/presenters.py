"""Turn cases into API dictionaries, showing parties only as the caller's role allows."""
from ombud.rules.citations import regulation as regulation_title
from ombud.rules.citations import render as render_citation

from . import disclosure_to_parties as disclosure
from .tickets import display


def _respondent(case):
    b = case.respondent
    if b is None:
        return {"name": case.respondent_name, "address": case.respondent_address} if case.respondent_name else None
    return {"id": b.pk, "name": b.name, "uscc": b.uscc, "kind": b.kind,
            "address": case.respondent_address or b.operating_address or b.registered_address}


def summary(case):
    return {
        "ticket": case.ticket, "display_ticket": display(case.ticket), "kind": case.kind,
        "channel": case.channel, "status": case.status,
        "authority": {"code": case.authority.code, "name": case.authority.name},
        "rule_set": case.rule_set.label if case.rule_set else None, "received_at": case.received_at,
        "category": case.category, "issue_type": case.issue_type, "respondent": _respondent(case),
        "incomplete": case.incomplete,
    }


def _workflow(case, actor, fresh):
    """Deadlines, the actions open to this caller, documents and outcome. `fresh`: a case just created."""
    from ombud.documents.selectors import view as document_view
    from ombud.workflow.deadlines import view as deadline_view
    from ombud.workflow.services import allowed_for

    clocks = list(case.deadlines.all()) if not fresh else list(getattr(case, "new_deadlines", []))
    who = disclosure.audience(actor)
    documents = [] if fresh else [document_view(d) for d in case.documents.all()
                                  if disclosure.sees_document(d.form, who)]
    rs = case.rule_set
    return {
        "deadlines": [{**view, "article_text": render_citation(view["article"], rs)}
                      for view in map(deadline_view, clocks)],
        "allowed_actions": allowed_for(case, actor, {c.step: c for c in clocks if c.met_at is None}),
        "documents": documents,
        "rule_set_version": {"code": rs.code, "version": rs.version, "title": rs.title,
                             "instrument": rs.instrument, "regulation": regulation_title(rs)} if rs else None,
        "outcome": case.outcome, "closed_at": case.closed_at, "odr_lane": case.odr_lane,
        "amount_recovered": case.amount_recovered, "remedy_in_kind": case.remedy_in_kind,
        "verdict": None if case.verdict_resolved is None else {
            "resolved": case.verdict_resolved, "rating_handling": case.rating_handling,
            "rating_business": case.rating_business},
        "fines": case.fines, "confiscations": case.confiscations, "reward_amount": case.reward_amount,
        "procedure": disclosure.procedure(case, who),
    }


def detail(case, actor, events=None):
    """`events`: pass them when they are already in hand (a case just created) to skip the query."""
    from ombud.correspondence.selectors import attachments_for

    out = summary(case)
    out.update(_workflow(case, actor, fresh=events is not None))
    who = disclosure.audience(actor)
    complainant = disclosure.person(case, who)
    to_respondent = who == disclosure.RESPONDENT
    shown = {f: complainant is not None and disclosure.shows(case.kind, f, who) for f in disclosure.OTHERS}
    out.update({
        "violation_type": case.violation_type, "missing_fields": case.missing_fields,
        "request": case.request, "facts": case.facts, "amount": case.amount, "purchase_date": case.purchase_date,
        "order_number": case.order_number, "platform": case.platform.name if case.platform else None,
        "consent_disclosure": case.consent_disclosure,
        "consent_delegated_mediation": case.consent_delegated_mediation,
        "anonymous": case.anonymous, "complainant": complainant,
        "agent": case.agent if shown["agent"] else None,
        "joint_complainants": case.joint_complainants if shown["joint_complainants"] else [],
        "linked_ticket": case.linked_case.ticket if case.linked_case and not to_respondent else None,
        "attachments": [] if events is not None else [
            {"name": a.name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in attachments_for(case=case, viewer=actor)  # a business gets no private file, not even its name
        ],
        "events": [_event(e, view, case) for e, view in disclosure.shown_events(case, actor, events)],
    })
    return out


def _event(e, view, case):
    """One event as this audience may read it (its reason, actor and data from the disclosure table)."""
    return {"at": e.at, "action": e.action, "article": e.article,
            "article_text": render_citation(e.article, case.rule_set),  # for readers; `article` stays raw
            "from_status": e.from_status, "to_status": e.to_status, **view}


def negotiations(case):
    """The ODR negotiations the business recorded (time, method, process, outcome), oldest first."""
    import datetime as dt

    from ombud.workflow.forms import CHOICE_LABELS

    out = []
    for r in (case.procedure.get("odr") or {}).get("records", []):
        out.append({"at": dt.datetime.fromisoformat(r["at"]), "method": CHOICE_LABELS.get(r["method"], r["method"]),
                    "process": r.get("process", ""), "outcome": r.get("outcome", "")})
    return sorted(out, key=lambda r: r["at"])


def subject(case, categories):
    """One short line naming a case in a list: the goods or service, then what is asked (or what happened)."""
    text = " ".join((case.request or case.facts).split())
    excerpt = text if len(text) <= 40 else text[:39] + "…"
    return " · ".join(p for p in (categories.get(case.category, ""), excerpt) if p)
