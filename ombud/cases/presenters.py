"""Turn cases into API dictionaries, showing parties only as the caller's role allows."""
from .selectors import party_view
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


def detail(case, actor, events=None):
    """`events`: pass them when they are already in hand (a case just created) to skip the query."""
    out = summary(case)
    complainant = party_view(case, actor)
    hide_people = complainant is None or actor.role == "business"
    out.update({
        "violation_type": case.violation_type, "missing_fields": case.missing_fields,
        "request": case.request, "facts": case.facts, "amount": case.amount, "purchase_date": case.purchase_date,
        "order_number": case.order_number, "platform": case.platform.name if case.platform else None,
        "consent_disclosure": case.consent_disclosure,
        "consent_delegated_mediation": case.consent_delegated_mediation,
        "anonymous": case.anonymous, "complainant": complainant,
        "agent": None if hide_people else case.agent,
        "joint_complainants": [] if hide_people else case.joint_complainants,
        "linked_ticket": case.linked_case.ticket if case.linked_case else None,
        "attachments": [] if events is not None else [
            {"name": a.name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in case.attachments.all()
        ],
        "events": [
            {"at": e.at, "action": e.action, "actor": e.actor_label, "reason": e.reason, "article": e.article,
             "from_status": e.from_status, "to_status": e.to_status,
             "authority": e.authority.code if e.authority else None, "data": e.data}
            for e in (case.events.all() if events is None else events)
        ],
    })
    return out
