"""The one intake service behind the API, the hotline console, letters and imports."""
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ombud.accounts.models import BACKDATING_ROLES
from ombud.businesses.services import find_or_register_respondent, find_platform
from ombud.cases import jurisdiction
from ombud.cases.models import Case, CaseEvent, Kind, Status
from ombud.cases.services import cite, event
from ombud.cases.tickets import new_ticket
from ombud.commitments.services import flag_possible_breach, flag_possible_breaches
from ombud.core.errors import InvalidInput
from ombud.regions import address as addresses
from ombud.regions.selectors import region_by_code
from ombud.rules.selectors import rule_set_for

from .attachments import check_attachments, store_attachments
from .schemas import CaseIn

# Art. 9: what a complaint must carry. Missing ones flag the case; a person decides.
REQUIRED = {
    "complainant.name": lambda c: c.complainant.name,
    "complainant.phone": lambda c: c.complainant.phone,
    "complainant.address": lambda c: c.complainant.address,
    "respondent.name": lambda c: c.respondent.name,
    "respondent.address": lambda c: c.respondent.address or c.respondent.uscc,
    "request": lambda c: c.request,
    "facts": lambda c: c.facts,
}


@dataclass
class Actor:
    """Who submits: a user, an API key, or neither (the public)."""

    role: str = ""
    user: object = None
    key: object = None
    authority: object = None
    business: object = None  # for the business role: the business it answers for

    @property
    def who(self):
        return self.key or self.user

    @property
    def scope(self):
        if self.key:
            return f"key:{self.key.pk}"
        if self.user:
            return f"user:{self.user.pk}"
        return "public"


@dataclass
class Outcome:
    case: Case
    created: bool
    linked: Case | None = None
    events: list | None = None  # the new case's events, so a response needs no re-query


def payload_hash(raw):
    return hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()


def missing_fields(data: CaseIn):
    if data.kind != Kind.COMPLAINT:
        return []
    missing = [name for name, get in REQUIRED.items() if not get(data)]
    if data.agent is not None and not data.agent.power_of_attorney:
        missing.append("agent.power_of_attorney")  # an agent acts only with a power of attorney
    return missing


NO_RULE_SET = gettext_noop("no rule set is in force on the date of received_at")


def _received_at(data, actor):
    now = timezone.now()
    if data.received_at is None or actor.role not in BACKDATING_ROLES:
        return now
    if data.received_at > now + timezone.timedelta(minutes=5):
        raise InvalidInput([{"loc": ["received_at"], "msg": gettext_noop("received_at is in the future"), "type": "value_error"}])
    if rule_set_for(data.received_at) is None:
        # A case under no rule set could never take a step (every action cites one): refuse it at the door.
        raise InvalidInput([{"loc": ["received_at"], "msg": NO_RULE_SET, "type": "no_rule_set"}])
    return data.received_at


def resolve_county(text, region_code="", hint=""):
    """The county a text (or a given region code) names, or None when not certain."""
    if region_code:
        return region_by_code(region_code)
    if not text:
        return None
    res = addresses.resolve(text, hint=hint)
    return res.county


def _existing(actor, key, digest):
    case = next(iter(Case.objects.filter(idempotency_scope=actor.scope, idempotency_key=key)[:1]), None)
    if case is not None and case.idempotency_hash and case.idempotency_hash != digest:
        raise InvalidInput([{"loc": ["Idempotency-Key"], "type": "idempotency_mismatch",
                             "msg": "this Idempotency-Key was used with a different body"}])
    return case


def submit(*, data: CaseIn, actor: Actor, idempotency_key=None, raw=None, files=()):
    """Validate, classify, route and durably commit one submission. Safe to retry with a key."""
    digest = payload_hash(raw if raw is not None else data.model_dump(mode="json")) if idempotency_key else ""
    # Optimistic: a retry is rare, so no look-up first; the unique constraint catches it.
    received_at = _received_at(data, actor)
    checked = check_attachments(files) if files else []
    for attempt in range(4):
        try:
            with transaction.atomic():
                return _create(data, actor, received_at, idempotency_key, digest, checked)
        except IntegrityError:
            # Either a concurrent retry with the same key won the race, or a ticket collided.
            if idempotency_key:
                hit = _existing(actor, idempotency_key, digest)
                if hit:
                    return Outcome(hit, created=False, linked=_linked(hit))
            if attempt == 3:
                raise


def _linked(case):
    return Case.objects.filter(pk=case.linked_case_id).first() if case.linked_case_id else None


def _prepare(data, actor, received_at, idempotency_key, digest):
    """Classify and route one submission in memory: the case and its events, unsaved.

    Only a respondent never seen before is written here (it must exist for the case to point at)."""
    rule_set = rule_set_for(received_at)
    platform = find_platform(data.platform)
    resp = data.respondent
    respondent_region = resolve_county(resp.address, resp.region_code, resp.province)
    respondent = find_or_register_respondent(
        name=resp.name, uscc=resp.uscc, address=resp.address, province_hint=resp.province,
        kind=resp.kind, platform=platform, region=respondent_region,
    ) if (resp.name or resp.uscc) else None
    case = _build_case(data, actor, received_at, rule_set, respondent, respondent_region, platform)
    case.idempotency_scope = actor.scope if idempotency_key else None
    case.idempotency_key = idempotency_key
    case.idempotency_hash = digest
    return case, _route(case, data, actor, respondent_region), respondent_region


def _create(data, actor, received_at, idempotency_key, digest, checked):
    case, events, respondent_region = _prepare(data, actor, received_at, idempotency_key, digest)
    _plan_clocks([case])
    case.save(force_insert=True)
    linked = None
    if data.report is not None:
        linked = _split_report(case, data, actor, received_at, case.rule_set, case.respondent, respondent_region,
                               events)
    CaseEvent.objects.bulk_create(events)
    _save_clocks([case] + ([linked] if linked else []))
    flag_possible_breach(case=case)  # a returns complaint against a pledged business
    if checked:
        store_attachments(case=case, checked=checked, actor=actor.who)
        return Outcome(case, created=True, linked=linked)
    return Outcome(case, created=True, linked=linked, events=[e for e in events if e.case is case])


def _build_case(data, actor, received_at, rule_set, respondent, respondent_region, platform, kind=None):
    person = data.complainant
    anonymous = data.anonymous
    return Case(
        ticket=new_ticket(received_at), kind=kind or data.kind, channel=data.channel, anonymous=anonymous,
        complainant_name="" if anonymous else person.name,
        complainant_phone="" if anonymous else person.phone,
        complainant_email="" if anonymous else person.email,
        complainant_address="" if anonymous else person.address,
        complainant_region=None if anonymous else resolve_county(person.address, person.region_code),
        agent=data.agent.model_dump() if data.agent else None,
        joint_complainants=[j.model_dump() for j in data.joint_complainants],
        respondent=respondent, respondent_name=data.respondent.name, respondent_address=data.respondent.address,
        platform=platform or (respondent.platform if respondent else None),
        conduct_address=data.conduct_address, conduct_region=resolve_county(data.conduct_address),
        category=data.category, issue_type=data.issue_type, violation_type=data.violation_type,
        request=data.request, facts=data.facts, amount=data.amount, purchase_date=data.purchase_date,
        order_number=data.order_number, consent_disclosure=data.consent_disclosure,
        consent_delegated_mediation=data.consent_delegated_mediation,
        received_at=received_at, rule_set=rule_set, language=data.language or "",
        intake_authority=actor.authority or jurisdiction.national_authority(),
        submitted_by_key=actor.key, submitted_by_user=actor.user,
    )


def _route(case, data, actor, respondent_region):
    """Decide jurisdiction and completeness; return the case's first two events (unsaved)."""
    decision = jurisdiction.route(
        kind=case.kind, respondent=case.respondent, respondent_region=respondent_region,
        conduct_region=case.conduct_region, violation_type=case.violation_type, rule_set=case.rule_set,
        intake_authority=case.intake_authority,
    )
    missing = missing_fields(data) if case.kind == data.kind else []
    case.authority = decision.authority
    case.status = Status.RECEIVED if decision.routed else Status.PENDING_DISPATCH
    case.incomplete = bool(missing)
    case.missing_fields = missing
    received = event(
        case, action="received", actor=actor.who, at=case.received_at, to_status=case.status,
        authority=case.intake_authority,
        reason="received; required content missing: " + ", ".join(missing) if missing else "received",
        article=cite(case, "intake.required"),
        data={"channel": case.channel, "incomplete": case.incomplete, "missing_fields": missing,
              "rule_set": case.rule_set.label if case.rule_set else None},
    )
    routed = event(
        case, action="routed" if decision.routed else "held_for_dispatch", actor="system", at=case.received_at,
        reason=decision.reason, article=cite(case, decision.citation_key), to_status=case.status,
        data={"authority": decision.authority.code, "region": decision.region_code,
              "rule": decision.citation_key,
              "article_confirmed": bool(case.rule_set and case.rule_set.citations.get(
                  decision.citation_key, {}).get("confirmed"))},
    )
    if not actor.who:
        received.actor_label = "public"
    return [received, routed]


def _split_report(case, data, actor, received_at, rule_set, respondent, respondent_region, events):
    part = data.report
    report_data = data.model_copy(update={
        "kind": "report", "facts": part.facts, "violation_type": part.violation_type,
        "conduct_address": part.conduct_address or data.conduct_address, "request": "", "report": None,
    })
    report = _build_case(report_data, actor, received_at, rule_set, respondent, respondent_region,
                         case.platform, kind=Kind.REPORT)
    report.linked_case = case
    events.extend(_route(report, report_data, actor, respondent_region))
    report.save(force_insert=True)
    case.linked_case = report
    case.save(update_fields=["linked_case"])
    article = cite(case, "intake.split")
    for this, other in ((case, report), (report, case)):
        events.append(event(this, action="split", actor=actor.who, article=article, at=this.received_at,
                            reason="complaint and report in one submission are handled on separate tracks",
                            data={"linked_ticket": other.ticket, "linked_kind": other.kind}))
    return report


# The clock each kind starts on receipt (DESIGN.md deadlines table). Consultations have none.
FIRST_CLOCK = {Kind.COMPLAINT: "acceptance", Kind.REPORT: "verification"}


def _plan_clocks(cases):
    """Each new case's first statutory clock, computed before the case is written (its due goes
    into `next_due` with the same INSERT); kept on the case for the response."""
    from ombud.workflow.deadlines import build

    for case in cases:
        step = FIRST_CLOCK.get(case.kind)
        case.new_deadlines = [build(case, step, at=case.received_at)] if step and case.rule_set else []
        case.next_due = case.new_deadlines[0].due if case.new_deadlines else None


def _save_clocks(cases):
    from ombud.workflow.models import CaseDeadline

    clocks = []
    for case in cases:
        if not hasattr(case, "new_deadlines"):
            _plan_clocks([case])  # a report split off a complaint (Art. 7) is planned after the complaint
            type(case).objects.filter(pk=case.pk).update(next_due=case.next_due)
        for clock in case.new_deadlines:
            clock.case = case
        clocks += case.new_deadlines
    CaseDeadline.objects.bulk_create(clocks)


@dataclass
class BatchItem:
    data: CaseIn
    raw: dict
    key: str | None = None


def submit_batch(*, items, actor):
    """Commit many submissions in one transaction with bulk writes; one Outcome per item.

    Keys already used come back as they are (created=False). A complaint carrying a report part,
    or any conflict found while writing, goes through `submit` one by one: slower, same result.
    """
    digests = [payload_hash(it.raw) if it.key else "" for it in items]
    outcomes = [None] * len(items)
    keys = {it.key for it in items if it.key}
    known = {c.idempotency_key: c for c in Case.objects.filter(idempotency_scope=actor.scope,
                                                                idempotency_key__in=keys)} if keys else {}
    first_of_key, bulk, singles = {}, [], []
    for i, it in enumerate(items):
        if it.key in known:
            outcomes[i] = _repeat(known[it.key], digests[i])
        elif it.key and it.key in first_of_key:
            singles.append(i)  # the same key twice in one batch: the second is a retry of the first
        elif it.data.report is not None:
            singles.append(i)
        else:
            if it.key:
                first_of_key[it.key] = i
            bulk.append(i)
    received = {}
    for i in bulk:
        try:
            received[i] = _received_at(items[i].data, actor)
        except InvalidInput as exc:
            outcomes[i] = exc
    try:
        with transaction.atomic():
            prepared = {i: _prepare(items[i].data, actor, at, items[i].key, digests[i]) for i, at in received.items()}
            _plan_clocks([case for case, _, _ in prepared.values()])
            Case.objects.bulk_create([case for case, _, _ in prepared.values()])
            CaseEvent.objects.bulk_create([e for _, events, _ in prepared.values() for e in events])
            _save_clocks([case for case, _, _ in prepared.values()])
            flag_possible_breaches(cases=[case for case, _, _ in prepared.values()])
        for i, (case, events, _) in prepared.items():
            outcomes[i] = Outcome(case, created=True, events=events)
    except IntegrityError:
        singles = sorted(singles + list(received))  # a race or a ticket collision: settle each on its own
    for i in singles:
        outcomes[i] = _single(items[i], actor)
    return outcomes


def _repeat(case, digest):
    if case.idempotency_hash and digest and case.idempotency_hash != digest:
        return InvalidInput([{"loc": ["idempotency_key"], "type": "idempotency_mismatch",
                              "msg": "this idempotency key was used with a different body"}])
    return Outcome(case, created=False)


def _single(item, actor):
    try:
        return submit(data=item.data, actor=actor, idempotency_key=item.key, raw=item.raw)
    except InvalidInput as exc:
        return exc
