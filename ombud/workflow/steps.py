"""What each action does to a case, beyond changing its state. Each fills in a `Step`."""
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from ombud.core.errors import DomainError
from ombud.regions.models import Authority
from ombud.workdays.selectors import add_working_days, last_day_of

from . import deadlines

class Bilingual:
    """A text with a Chinese and an English form, shown in the language active when rendered."""

    def __init__(self, zh, en):
        self.zh, self.en = zh, en

    def __str__(self):
        return self.en if (get_language() or "").startswith("en") else self.zh

    def __format__(self, spec):
        return format(str(self), spec)


PAUSE_REASONS = {"testing": _("testing"), "appraisal": _("appraisal")}

# ---- moving between authorities --------------------------------------------------------------


def _authority(code, field):
    authority = Authority.objects.filter(code=code, active=True).first()
    if authority is None:
        raise DomainError(gettext_noop("no active authority with code %(code)s"), field=field, params={"code": code})
    return authority


def _move(step, to):
    case = step.case
    if to.pk == case.authority_id:
        raise DomainError(gettext_noop("the case is already with that authority"), field="to_authority")
    step.info.update({"from_authority": case.authority.code, "to_authority": to.code})
    case.authority = to
    step.authority = to


def dispatch(step):
    to = _authority(step.data.to_authority, "to_authority")
    _move(step, to)
    by = add_working_days(step.at, step.data.report_back_days)
    step.reason = step.data.reason
    step.documents.append(("dispatch", {"to_authority_name": to.name,
                                        "report_back_by": by.last_day.strftime("%Y年%m月%d日")}))
    step.info["report_back_by"] = by.last_day.isoformat()


def transfer(step):
    _move(step, _authority(step.data.to_authority, "to_authority"))
    step.reason = step.data.reason


def return_to_intake(step):
    case = step.case
    intake = case.intake_authority or Authority.objects.get(code=case.authority.code[:2] + "0000")
    if intake.pk == case.authority_id:
        raise DomainError(gettext_noop("the case is already with the intake unit"), field="ticket")
    _move(step, intake)
    step.reason = step.data.reason


def take_over(step):
    case = step.case
    by = _authority(step.data.by_authority, "by_authority")
    if not (by.level < case.authority.level and by.covers(case.authority)):
        raise DomainError(gettext_noop("%(by)s is not above %(authority)s"), field="by_authority",
                          params={"by": by.name, "authority": case.authority.name})
    _move(step, by)
    step.reason = step.data.reason


# ---- complaint: acceptance -------------------------------------------------------------------

def request_identity(step):
    clock = deadlines.start(step.case, "identity", at=step.at, days=step.data.days)
    refusal = step.case.rule_set.citations.get("refusal", {}).get("article", "")
    step.documents.append(("identity", {"due": clock.last_day.strftime("%Y年%m月%d日"), "materials": step.data.materials,
                                        "refusal_article": f"{step.case.rule_set.code} {refusal}"}))
    step.messages.append(("complainant", "identity_requested", {"due": _day(clock.due)}))
    step.info.update({"days": clock.days, "due": clock.due.isoformat()})
    step.reason = "identity materials requested"


def provide_identity(step):
    deadlines.meet(step.case, ["identity"], at=step.at)
    step.reason = step.data.notes or "identity materials provided"


def _day(due):
    """The last day of a period whose `due` is 00:00 of the next day."""
    return last_day_of(due).isoformat()


def accept(step):
    case = step.case
    deadlines.meet(case, ["acceptance", "identity"], at=step.at)
    mediation = deadlines.start(case, "mediation", at=step.at)
    article = step.case.rule_set.cite("acceptance")
    step.documents.append(("acceptance", {"article": article, "mediation_due": _day(mediation.due)}))
    step.messages += [("complainant", "accepted", {}), ("respondent", "accepted_respondent", {})]
    step.reason = step.data.notes or "accepted"
    step.info["mediation_due"] = mediation.due.isoformat()


def _ground(step, kind):
    rule_set = step.case.rule_set
    ground = rule_set.ground(kind, step.data.ground)
    if ground is None:
        items = [g["item"] for g in (rule_set.refusal_grounds if kind == "refusal" else rule_set.termination_grounds)]
        raise DomainError(gettext_noop("%(rule_set)s has no %(kind)s ground %(ground)s; its items are %(items)s"),
                          field="ground", params={"rule_set": rule_set.label, "kind": kind, "ground": step.data.ground,
                                                  "items": items})
    step.article = f"{rule_set.code} {ground['article']}"
    step.info.update({"ground": ground["item"], "ground_text": ground["text_zh"]})
    return ground


def refuse(step):
    ground = _ground(step, "refusal")
    case = step.case
    deadlines.meet(case, ["acceptance", "identity"], at=step.at)
    case.outcome, case.closed_at = "refused", step.at
    step.documents.append(("refusal", {"ground": ground["item"], "article": step.article, "reason": step.data.reason}))
    step.messages.append(("complainant", "refused", {"ground": Bilingual(ground["text_zh"], ground["text_en"])}))
    step.reason = step.data.reason or ground["text_en"]


# ---- complaint: ODR --------------------------------------------------------------------------

def odr_opt_in(step):
    case = step.case
    deadlines.meet(case, ["acceptance", "identity"], at=step.at)
    clock = deadlines.start(case, "odr", at=step.at)
    case.odr_lane = True
    case.procedure = {**case.procedure, "odr": {"forwarded_at": step.at.isoformat(), "records": []}}
    step.messages += [("respondent", "odr_forwarded", {"due": _day(clock.due)}),
                      ("complainant", "odr_forwarded_consumer", {"due": _day(clock.due)})]
    step.reason = "the consumer chose the ODR lane; forwarded to the business"


def _odr(case):
    return dict(case.procedure.get("odr") or {"records": []})


def odr_record(step):
    record = {"at": step.data.at.isoformat(), "method": step.data.method, "process": step.data.process,
              "outcome": step.data.outcome, "recorded_at": step.at.isoformat()}
    odr = _odr(step.case)
    odr["records"] = [*odr.get("records", []), record]
    step.case.procedure = {**step.case.procedure, "odr": odr}
    step.info.update(record)
    step.reason = f"ODR negotiation ({step.data.method}): {step.data.outcome}"


def odr_settle(step):
    case = step.case
    deadlines.meet(case, ["odr"], at=step.at)
    case.outcome, case.closed_at = "presettled", step.at
    case.amount_recovered, case.remedy_in_kind = step.data.amount_recovered, step.data.remedy_in_kind
    case.procedure = {**case.procedure, "odr": {**_odr(case), "result": "settled", "at": step.at.isoformat()}}
    step.info.update({"amount_recovered": str(step.data.amount_recovered), "remedy_in_kind": step.data.remedy_in_kind})
    step.messages += [("complainant", "odr_settled", {"amount": str(step.data.amount_recovered)}),
                      ("respondent", "odr_settled", {"amount": str(step.data.amount_recovered)})]
    step.reason = step.data.notes or "settled in the ODR lane (pre-settlement)"


def odr_fail(step):
    case = step.case
    deadlines.meet(case, ["odr"], at=step.at)
    case.procedure = {**case.procedure, "odr": {**_odr(case), "result": "failed", "at": step.at.isoformat()}}
    step.messages.append(("complainant", "odr_failed", {}))
    step.reason = step.data.reason


def escalate(step):
    case = step.case
    timed_out = "odr" in step.clocks
    deadlines.meet(case, ["odr"], at=step.at)
    clock = deadlines.start(case, "acceptance", at=step.at)
    odr = _odr(case)
    if timed_out:
        odr.update({"result": "timed_out", "at": step.at.isoformat()})
    case.procedure = {**case.procedure, "odr": {**odr, "escalated_at": step.at.isoformat()}}
    step.info["odr"] = odr  # the ODR history goes with the case
    step.messages.append(("complainant", "escalated", {"due": _day(clock.due)}))
    step.reason = step.data.reason or ("ODR timed out" if timed_out else "ODR failed") + "; escalated to the authority"


# ---- complaint: mediation --------------------------------------------------------------------

def start_mediation(step):
    data, case = step.data, step.case
    if not (data.consent_complainant and data.consent_respondent):
        raise DomainError(gettext_noop("mediation needs the consent of both parties"), field="consent_respondent"
                          if data.consent_complainant else "consent_complainant")
    if data.delegated_to:
        if case.consent_delegated_mediation is False:
            raise DomainError(gettext_noop("the complainant did not agree to delegated mediation"), field="delegated_to")
        step.article = case.rule_set.cite("mediation.delegation")
    details = data.model_dump(mode="json")
    case.procedure = {**case.procedure, "mediation": {**details, "mediators": [data.mediator]}}
    step.info.update(details)
    when = timezone.localtime(data.scheduled_at).strftime("%Y-%m-%d %H:%M") if data.scheduled_at else ""
    step.documents.append(("mediation_notice", {**details, "scheduled_at": when}))
    place = data.place or ("online" if data.mode == "remote" else "")
    step.messages += [("complainant", "mediation_notice", {"when": when, "place": place}),
                      ("respondent", "mediation_notice", {"when": when, "place": place})]
    step.reason = f"mediation ({data.mode}) by {data.delegated_to or data.mediator}"


def recuse(step):
    mediation = dict(step.case.procedure.get("mediation") or {})
    previous = mediation.get("mediator", "")
    mediation.update({"mediator": step.data.mediator,
                      "mediators": [*mediation.get("mediators", []), step.data.mediator]})
    step.case.procedure = {**step.case.procedure, "mediation": mediation}
    step.info.update({"recused": previous, "mediator": step.data.mediator})
    step.reason = step.data.reason


def _pausable_clock(step):
    clock = deadlines.pausable_clock(step.case)
    if clock is None:
        raise DomainError(gettext_noop("no pausable clock is running"))
    return clock


def pause(step):
    clock = _pausable_clock(step)
    deadlines.pause(clock, at=step.at)
    step.info.update({"step": clock.step, "paused_for": step.data.reason})
    if step.case.kind == "complaint":
        reason = PAUSE_REASONS[step.data.reason]
        step.messages += [(p, "mediation_paused", {"reason": reason}) for p in ("complainant", "respondent")]
    step.reason = f"{step.data.reason}: {step.data.notes}".strip(": ")


def resume(step):
    clock = _pausable_clock(step)
    deadlines.resume(clock, at=step.at)
    step.info.update({"step": clock.step, "due": clock.due.isoformat()})
    if step.case.kind == "complaint":
        step.messages += [(p, "mediation_resumed", {"due": _day(clock.due)}) for p in ("complainant", "respondent")]
    step.reason = step.data.notes or "resumed"


def flag_violation(step):
    deadlines.start(step.case, "violation_check", at=step.at)
    step.reason = step.data.finding


def check_violation(step):
    deadlines.meet(step.case, ["violation_check"], at=step.at)
    step.reason = step.data.finding


def agree(step):
    case, data = step.case, step.data
    deadlines.meet(case, ["mediation"], at=step.at)
    case.outcome, case.amount_recovered, case.remedy_in_kind = "agreement", data.amount_recovered, data.remedy_in_kind
    details = {"amount_recovered": str(data.amount_recovered), "remedy_in_kind": data.remedy_in_kind,
               "document": data.document, "terms": data.terms}
    case.procedure = {**case.procedure, "agreement": details}
    step.info.update(details)
    if data.document == "signed":
        step.documents.append(("agreement", details))
    step.messages += [(p, "agreement", {"amount": str(data.amount_recovered)}) for p in ("complainant", "respondent")]
    step.reason = "agreement reached" + ("" if data.document == "signed" else " (recorded)")


def terminate(step):
    ground = _ground(step, "termination")
    case = step.case
    deadlines.meet(case, ["mediation"], at=step.at)
    deadlines.start(case, "termination_notice", at=step.at)
    case.outcome = "terminated"
    step.documents.append(("termination", {"ground": ground["item"], "article": step.article,
                                           "reason": step.data.reason}))
    reason = Bilingual(ground["text_zh"], ground["text_en"])
    step.messages += [(p, "terminated", {"ground": reason}) for p in ("complainant", "respondent")]
    step.reason = step.data.reason or ground["text_en"]


def serve_termination(step):
    deadlines.meet(step.case, ["termination_notice"], at=step.at)
    step.info["method"] = step.data.method
    step.reason = step.data.notes or f"termination notice served ({step.data.method})"


def withdraw(step):
    case = step.case
    met = deadlines.meet(case, ["acceptance", "identity", "mediation", "odr"], at=step.at)
    case.outcome, case.closed_at = "withdrawn", step.at
    step.info["clocks_closed"] = met
    step.messages.append(("respondent", "withdrawn", {}))
    step.reason = step.data.reason or "withdrawn by the complainant"


def close_complaint(step):
    step.case.closed_at = step.at
    step.messages.append(("complainant", "closed", {}))
    step.reason = step.data.notes or "closed"


def verdict(step):
    case, data = step.case, step.data
    case.verdict_resolved, case.rating_handling, case.rating_business = (data.resolved, data.rating_handling,
                                                                        data.rating_business)
    step.info.update(data.model_dump())
    step.reason = ("resolved" if data.resolved else "not resolved") + (f": {data.comment}" if data.comment else "")


def return_visit(step):
    details = {**step.data.model_dump(), "at": step.at.isoformat()}
    step.case.procedure = {**step.case.procedure, "return_visit": details}
    step.info.update(details)
    step.reason = step.data.notes or ("reached" if step.data.reached else "not reached")


# ---- report ----------------------------------------------------------------------------------

def extend(step_name):
    def apply(step):
        clock = step.clocks[step_name]
        extra = deadlines.period(step.case, step_name)["extension_days"]
        deadlines.extend(clock, days=extra)
        step.info.update({"step": step_name, "extension_days": extra, "approved_by": _who(step.actor),
                          "due": clock.due.isoformat()})
        step.reason = step.data.reason
    return apply


def _who(actor):
    who = actor.who
    return getattr(who, "name", None) or (who.get_username() if who else "")


def _decide_filing(step, filed):
    case = step.case
    deadlines.meet(case, ["verification"], at=step.at)
    if not case.anonymous:
        deadlines.start(case, "reporter_notice", at=step.at)  # real-name reporters only (Art. 31)


def file_case(step):
    _decide_filing(step, True)
    deadlines.start(step.case, "case_decision", at=step.at)
    step.case.procedure = {**step.case.procedure, "filing": {"case_number": step.data.case_number}}
    step.info["case_number"] = step.data.case_number
    step.reason = step.data.notes or "case filed"


def decline_case(step):
    _decide_filing(step, False)
    step.case.outcome = "not_filed"
    step.reason = step.data.reason


def notify_reporter(step):
    case = step.case
    deadlines.meet(case, ["reporter_notice"], at=step.at)
    filed = case.status in ("filed", "penalized")
    result = "已依法立案调查" if filed else "决定不予立案"
    step.documents.append(("report_result", {"result": result, "article": case.rule_set.cite("report.notice")}))
    told = Bilingual(result, "a case was filed" if filed else "no case was filed")
    step.messages.append(("complainant", "report_result", {"result": told}))
    step.reason = step.data.notes or "reporter told the result"


def record_penalty(step):
    case, data = step.case, step.data
    deadlines.meet(case, ["case_decision"], at=step.at)
    case.fines, case.confiscations, case.outcome = data.fines, data.confiscations, "penalized"
    step.info.update({"fines": str(data.fines), "confiscations": str(data.confiscations),
                      "decision_number": data.decision_number})
    step.reason = f"penalty: fines {data.fines}, confiscations {data.confiscations}"


def reward_amount(rewards, tier, base):
    """Share of fines and confiscations, at least the tier's minimum, never above the cap."""
    spec = rewards["tiers"][str(tier)]
    amount = max(Decimal(spec["share"]) * base, Decimal(spec["minimum"]))
    return min(amount, Decimal(rewards["cap"])).quantize(Decimal("0.01"), ROUND_HALF_UP)


def decide_reward(step):
    case, data = step.case, step.data
    if data.eligible and not data.natural_person:
        raise DomainError(gettext_noop("rewards are paid to natural persons only"), field="natural_person")
    if data.eligible and data.tier is None:
        raise DomainError(gettext_noop("an eligible reward needs its tier (1–3)"), field="tier")
    amount = None
    if data.eligible:
        base = (case.fines or Decimal(0)) + (case.confiscations or Decimal(0))
        amount = reward_amount(case.rule_set.rewards, data.tier, base)
        case.reward_amount = amount
    details = {"eligible": data.eligible, "tier": data.tier, "amount": str(amount) if amount is not None else None}
    case.procedure = {**case.procedure, "reward": details}
    step.info.update(details)
    step.article = f"{case.rule_set.code} {case.rule_set.rewards.get('article') or case.rule_set.citations['report.reward']['article']}"
    step.reason = data.reason or (f"reward tier {data.tier}: {amount}" if data.eligible else "no reward")


def close_report(step):
    step.case.closed_at = step.at
    step.reason = step.data.notes or "closed"


# ---- consultation ----------------------------------------------------------------------------

def answer(step):
    step.case.outcome, step.case.closed_at = "answered", step.at
    step.case.procedure = {**step.case.procedure, "answer": step.data.answer}
    step.reason = step.data.answer
